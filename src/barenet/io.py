"""Model files: a safe, documented format, written atomically.

A barenet model file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays)
that holds only numbers and text, never pickled objects:

``__metadata__``
    A 0-d string array: JSON with ``format`` (``"barenet-model"``),
    ``format_version``, ``barenet_version``, ``kind`` (``"NeuralNetClassifier"``,
    ``"NeuralNetRegressor"`` or ``"shallow"``), and for estimators the
    hyperparameters (``params``), ``layer_sizes``, ``activations``,
    ``output``, ``dtype``, ``n_features_in_``, ``feature_names_in_`` and the
    training record (``n_iter_``, ``loss_curve_``, ``history_``, ...).
``coefs_0``, ``coefs_1``, ... / ``intercepts_0``, ...
    The weights, ``coefs_i`` of shape ``(n_in, n_out)``.
``classes``
    The classifier's labels (numbers or text).
``W1``, ``b1``, ``W2``, ``b2``
    The article's parameter dictionary (``kind = "shallow"``).

Members are stored (``np.savez``); deflated ones (``np.savez_compressed``)
are read too.

:func:`load` never unpickles and never trusts a size before checking it.  In
order, and before reading the data of any array, it checks

1. the file itself: a zip archive (a plain ``.npy``, a CSV or text file, a
   pickle or an empty file is named as such), whose list of members is small
   (at most 2 * 1024 + 2 members: 1024 layers);
2. every member's zip entry: a unique ``name.npy``, stored or deflated, not
   encrypted, within the file, a stored size equal to its declared size, a
   deflated one inflating at most 100 times (above 1 MiB), all arrays together
   at most 4 GiB;
3. the metadata: at most 8 Mi characters of JSON, without ``NaN`` or
   ``Infinity``, duplicate keys or more than 64 lists and objects, and every
   field it uses of the right type and range;
4. every array's ``.npy`` header (format 1.0 to 3.0, under 4 KiB, padded to
   64 bytes or, by older NumPy, to 16): the dtype and shape the metadata
   implies, and a declared size equal to the zip entry's exactly;

then reads the data (zipfile stops at the declared size and checks the CRC),
refuses NaN and infinity, and converts big-endian arrays to native order.
Any failure raises :class:`ModelFileError` (a ``ValueError``) that names the
file and what is wrong with it; so a truncated, corrupted, foreign or hostile
file is refused quickly, in little memory, and no code from a file is ever
run.  :func:`save` writes to a temporary file and renames it over the target,
so an interrupted save leaves any previous file intact.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, NamedTuple

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state

from . import __version__
from ._files import atomic_write
from .engine.activations import ACTIVATIONS
from .estimators import OUT_ACTIVATION, NeuralNetClassifier, NeuralNetRegressor

FORMAT = "barenet-model"
FORMAT_VERSION = 1
_KINDS = {"NeuralNetClassifier": NeuralNetClassifier, "NeuralNetRegressor": NeuralNetRegressor}
_SHALLOW = ("W1", "b1", "W2", "b2")
_DTYPES = {"float32": np.float32, "float64": np.float64}


class ModelFileError(ValueError):
    """A model file that cannot be read or should not be trusted."""


# -- saving -----------------------------------------------------------------------
def save(model: Any, path: str | os.PathLike[str]) -> Path:
    """Save a fitted estimator or the article's parameter dictionary.

    Parameters
    ----------
    model : NeuralNetClassifier, NeuralNetRegressor or dict
        A fitted estimator, or ``{"W1", "b1", "W2", "b2"}`` as returned by
        :func:`barenet.shallow.nn_model`.
    path : path-like
        Target file; ``.npz`` is the customary suffix.  Parent folders are
        created; an existing file is replaced only once the new one is
        completely written.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If the model is not fitted, or holds something the format cannot store
        without pickle (a custom activation function, labels that are neither
        numbers nor text).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from barenet import NeuralNetClassifier, datasets, save, load
    >>> X, y = datasets.noisy_moons()
    >>> clf = NeuralNetClassifier((8,), max_iter=50, random_state=0).fit(X, y)
    >>> path = save(clf, pathlib.Path(tempfile.mkdtemp()) / "moons.npz")
    >>> (load(path).predict(X) == clf.predict(X)).all()
    True
    """
    metadata, arrays = _to_arrays(model)
    metadata = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "barenet_version": __version__, **metadata}
    arrays["__metadata__"] = np.array(json.dumps(metadata))
    return atomic_write(path, lambda fh: np.savez(fh, **arrays))


def _to_arrays(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    if isinstance(model, dict):
        missing = [k for k in _SHALLOW if k not in model]
        if missing:
            raise ValueError(f"the parameter dictionary lacks {', '.join(missing)}; save what "
                             "barenet.shallow.nn_model returns")
        return {"kind": "shallow"}, {k: np.asarray(model[k], dtype=np.float64) for k in _SHALLOW}
    kind = type(model).__name__
    if kind not in _KINDS:
        raise TypeError(f"cannot save a {kind}; save a NeuralNetClassifier, a "
                        "NeuralNetRegressor or the article's parameter dictionary")
    if not hasattr(model, "coefs_"):
        raise ValueError(f"this {kind} is not fitted; fit it before saving")
    names = []
    for activation in model._hidden:
        if ACTIVATIONS.get(activation.name) is not activation:
            raise ValueError(f"a custom activation ({activation.name!r}) cannot be saved: "
                             "model files hold no code; use a built-in activation")
        names.append(activation.name)
    params = {k: v for k, v in model.get_params().items() if k not in ("callbacks", "activation")}
    params["dtype"] = np.dtype(model._dtype()).name
    params["hidden_layer_sizes"] = [int(s) for s in model._hidden_sizes()]
    if not isinstance(params["random_state"], int | None):
        params["random_state"] = None  # a RandomState's stream is not saved, only its seed
    if not _json_safe(params):
        raise ValueError("hyperparameters that are not plain numbers or text cannot be saved; "
                         f"got {params}")
    arrays = {f"coefs_{i}": W for i, W in enumerate(model.coefs_)}
    arrays.update({f"intercepts_{i}": b for i, b in enumerate(model.intercepts_)})
    metadata: dict[str, Any] = {
        "kind": kind, "params": params, "activations": names, "output": model._output_name,
        "layer_sizes": [model.coefs_[0].shape[0], *(W.shape[1] for W in model.coefs_)],
        "dtype": params["dtype"], "n_features_in_": int(model.n_features_in_),
        "feature_names_in_": (model.feature_names_in_.tolist()
                              if hasattr(model, "feature_names_in_") else None),
        "n_iter_": int(model.n_iter_), "t_": int(model.t_),
        "loss_curve_": [float(v) for v in model.loss_curve_],
        "history_": {k: [float(v) for v in vs] for k, vs in model.history_.items()},
    }
    if kind == "NeuralNetClassifier":
        classes = np.asarray(model.classes_)
        if classes.dtype == object:
            if not all(isinstance(c, str) for c in classes):
                raise ValueError("class labels must be numbers or text to be saved")
            classes = classes.astype(str)
        arrays["classes"] = classes
    else:
        metadata["y_1d"] = bool(model._y_1d)
    return metadata, arrays


def _json_safe(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_json_safe(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v) for k, v in value.items())
    return False


# -- loading: limits ------------------------------------------------------------------
# Each limit is checked against what the file declares, before the data it
# describes is read, so that no file can make load slow or hungry for memory.
# They sit far above what save writes for any model barenet can train, and the
# same on every machine: a file that loads here loads everywhere.
_MAX_MODEL_BYTES = 4 * 2**30  # 512 M float64 weights; training them would take 16 GiB
_MAX_LAYERS = 1024
_MAX_MEMBERS = 2 * _MAX_LAYERS + 2  # coefs_i and intercepts_i per layer, classes, metadata
_MAX_DIRECTORY_BYTES = 256 * _MAX_MEMBERS  # zip's list of members; save writes < 100 B each
_MAX_METADATA_CHARS = 2**23  # 8 Mi characters: the training record of ~100,000 epochs
_MAX_JSON_CONTAINERS = 64  # lists and objects in the metadata; save writes about 15
_MAX_TEXT_CHARS = 4096  # any one text: a class label, a feature name, a parameter
_MAX_DEFLATE_RATIO = 100  # weights deflate ~1.1:1, the JSON metadata ~10:1, a bomb ~1000:1
_RATIO_FLOOR = 2**20  # members smaller than this cannot be bombs, whatever their ratio
_MAX_NPY_HEADER = 4096  # NumPy writes 118 bytes or so; np.load allows 10,000
_CHUNK = 2**22
_ZIP_FLAGS = 0x0E | 0x800  # deflate level hints, data descriptor, UTF-8 names
_MEMBER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\.npy")
_DESCR = re.compile(r"[<>|=](?:[biuf][0-9]|U[0-9]{1,9})")
_NUMERIC = {"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"}
# A JSON string, or an unterminated one up to the end: the match can never fail
# and backtrack, which keeps it linear on any text.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


class _Npy(NamedTuple):
    """What an ``.npy`` header declares, and where its data starts."""

    dtype: np.dtype
    shape: tuple[int, ...]
    fortran: bool
    offset: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize  # Python ints: no overflow


# -- loading ----------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Any:
    """Load a model saved by :func:`save`, checking everything first.

    The checks run in the order that keeps a hostile file cheap to refuse:
    the zip directory, then the metadata, then every array's header against
    the metadata, and only then the data (see the module docstring).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    NeuralNetClassifier, NeuralNetRegressor or dict
        Predicting exactly what the saved model predicted.

    Raises
    ------
    ModelFileError
        (a ``ValueError``) if the file is missing, truncated, corrupted, of
        another format or version, too large, or inconsistent in any way.  It
        is the only exception ``load`` raises for a bad file.
    """
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"no model file at {path}")
    if not path.is_file():  # a folder, a pipe or a device: opening it could block or not end
        what = "a folder" if path.is_dir() else "not a regular file"
        raise ModelFileError(f"{path} is {what}; give the model's .npz file")
    try:
        with open(path, "rb") as fh:
            return _load(fh, path)
    except ModelFileError:
        raise
    except MemoryError as exc:
        raise ModelFileError(f"not enough memory to load {path}; free some memory or load it "
                             "on a machine with more") from exc
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except Exception as exc:
        # NOTE: the checks above are meant to refuse every bad file themselves;
        # this net keeps load's promise of one exception type if one slips by,
        # and chains the original so that the slip can be found and fixed.
        raise ModelFileError(f"{path} is not a valid barenet model file ({type(exc).__name__}: "
                             f"{exc}); it may be corrupted: save the model again") from exc


def _load(fh: BinaryIO, path: Path) -> Any:
    head = fh.read(512)
    if head[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise ModelFileError(f"{path} is not a readable barenet model file: {_looks_like(head)}; "
                             "a model file is the .npz archive barenet.save or barenet train "
                             "writes")
    archive = _open_zip(fh, path)
    with archive:
        infos = _check_directory(archive, os.fstat(fh.fileno()).st_size, path)
        metadata = _check_metadata(_read_metadata(archive, infos.pop("__metadata__"), path),
                                   path)
        headers = {name: _read_header(archive, info, path) for name, info in infos.items()}
        shallow = metadata["kind"] == "shallow"
        specs = _shallow_specs(headers, path) if shallow else _estimator_specs(metadata)
        missing, extra = sorted(set(specs) - set(headers)), sorted(set(headers) - set(specs))
        if missing:
            raise ModelFileError(f"{path}: missing array {missing[0]!r}; the file is incomplete: "
                                 "save the model again")
        if extra:
            raise ModelFileError(f"{path}: unexpected array {extra[0]!r}, which its metadata "
                                 "does not describe; the file was altered or not made by barenet")
        for name, (dtype, shape) in specs.items():
            _check_header(headers[name], dtype, shape, name, path)
        arrays = {name: _read_array(archive, infos[name], headers[name], path) for name in specs}
    if shallow:
        return arrays
    return _load_estimator(metadata, arrays, path)


def _looks_like(head: bytes) -> str:
    """Say, from its first bytes, what a file that is not a zip archive looks like."""
    if not head:
        return "the file is empty"
    if head.startswith(b"\x93NUMPY"):
        return "it is a single NumPy array (.npy)"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "it looks like a Python pickle, which barenet never loads"
    if all(b >= 0x20 or b in b"\t\n\r" for b in head):
        first = head.split(b"\n", 1)[0]
        return ("it looks like a CSV table" if any(c in first for c in b",;\t")
                else "it looks like a text file")
    return "it is not a zip archive"


class _CappedReads:
    """A binary file whose reads are capped while :mod:`zipfile` reads the directory.

    ``ZipFile`` reads the whole list of members in one go, trusting the
    size the file declares; the cap keeps a file that declares millions of
    members from costing seconds and gigabytes before any check can run.
    """

    def __init__(self, fh: BinaryIO, cap: int | None, path: Path):
        self._fh, self.cap, self._path = fh, cap, path

    def read(self, n: int | None = -1) -> bytes:
        if self.cap is not None:
            if n is None or n < 0:
                here = self._fh.tell()
                n = self._fh.seek(0, os.SEEK_END) - here
                self._fh.seek(here)
            if n > self.cap:
                raise ModelFileError(
                    f"{self._path}: its zip directory takes {n} bytes, more than the "
                    f"{self.cap} of a model with {_MAX_LAYERS} layers; the file was altered "
                    "or is not a barenet model")
        return self._fh.read(n)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def seekable(self) -> bool:
        return True


def _open_zip(fh: BinaryIO, path: Path) -> zipfile.ZipFile:
    fh.seek(0)
    capped = _CappedReads(fh, _MAX_DIRECTORY_BYTES, path)
    try:
        archive = zipfile.ZipFile(capped)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path} is not a readable barenet model file: its zip structure "
                             f"is broken ({exc}); it may be truncated or corrupted: save the "
                             "model again") from exc
    except NotImplementedError as exc:
        raise ModelFileError(f"{path} uses zip features barenet does not read ({exc}); save "
                             "the model again with barenet.save") from exc
    capped.cap = None  # from here on, every read is bounded by the checks below
    return archive


def _check_directory(archive: zipfile.ZipFile, size: int, path: Path) -> dict:
    """Check the zip's list of members, before any member is opened."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if "__metadata__.npy" not in names:
        held = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "") or "nothing"
        raise ModelFileError(f"{path} is not a barenet model file: it is a zip archive without "
                             f"barenet metadata (it holds {held})")
    if len(infos) > _MAX_MEMBERS:
        raise ModelFileError(f"{path} holds {len(infos)} members; a barenet model of at most "
                             f"{_MAX_LAYERS} layers holds at most {_MAX_MEMBERS}")
    twice = sorted(name for name, n in Counter(names).items() if n > 1)
    if twice:
        raise ModelFileError(f"{path} holds two members named {twice[0]!r}; the file was "
                             "altered or is not a barenet model")
    total = 0
    for info in infos:
        where = f"{path}: member {info.filename!r}"
        if not _MEMBER.fullmatch(info.filename):
            raise ModelFileError(f"{path} holds an unexpected member {info.filename!r}; a "
                                 "barenet model holds only the .npy arrays its metadata names")
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{where} is encrypted; barenet model files never are")
        if info.flag_bits & ~_ZIP_FLAGS:
            raise ModelFileError(f"{where} uses zip features barenet does not read (flags "
                                 f"{info.flag_bits:#06x}); save the model again with barenet.save")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(f"{where} uses zip compression method {info.compress_type}; "
                                 "barenet reads stored or deflated members only: save the model "
                                 "again with barenet.save")
        if not 0 <= info.header_offset <= size - 30 - info.compress_size:  # 30: local header
            raise ModelFileError(f"{where} lies outside the file; the file is truncated or "
                                 "corrupted: save the model again")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise ModelFileError(f"{where} is stored with {info.compress_size} bytes but "
                                 f"declares {info.file_size}; the file is corrupted")
        if (info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > _RATIO_FLOOR
                and info.file_size > _MAX_DEFLATE_RATIO * info.compress_size):
            raise ModelFileError(
                f"{where} would inflate {info.compress_size} bytes to {info.file_size}, more "
                f"than {_MAX_DEFLATE_RATIO} times; no real model compresses like that, a zip "
                "bomb does: the file was not made by barenet")
        total += info.file_size
    if total > _MAX_MODEL_BYTES:
        raise ModelFileError(f"{path} declares {total / 2**30:.1f} GiB of arrays, more than "
                             f"the {_MAX_MODEL_BYTES / 2**30:.0f} GiB a barenet model file may "
                             "hold")
    return {info.filename[:-4]: info for info in infos}


@contextmanager
def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> Iterator[IO[bytes]]:
    """Open a member; zipfile stops at its declared size and checks its CRC."""
    try:
        with archive.open(info) as stream:
            yield stream
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelFileError(f"{path}: member {info.filename!r} is damaged ({exc}); the file "
                             "is corrupted: save the model again") from exc


def _read_exact(stream: IO[bytes], n: int, where: str) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise ModelFileError(f"{where} ends early; the file is truncated or corrupted")
    return data


def _read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> _Npy:
    """Read and check a member's ``.npy`` header, and only its header."""
    where = f"{path}: member {info.filename!r}"
    with _member(archive, info, path) as stream:
        magic = _read_exact(stream, 8, where)
        if magic[:6] != b"\x93NUMPY":
            raise ModelFileError(f"{where} is not a NumPy array; the file was altered or is "
                                 "not a barenet model")
        version = magic[6], magic[7]
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ModelFileError(f"{where} uses .npy format version {version[0]}.{version[1]}; "
                                 "barenet reads versions 1.0 to 3.0")
        width = 2 if version == (1, 0) else 4
        (length,) = struct.unpack("<H" if width == 2 else "<I", _read_exact(stream, width, where))
        if length > _MAX_NPY_HEADER:
            raise ModelFileError(f"{where} has a {length}-byte .npy header; NumPy writes about "
                                 "a hundred: the file was altered")
        raw = _read_exact(stream, length, where)
    try:
        header = ast.literal_eval(raw.decode("utf-8" if version == (3, 0) else "latin-1"))
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as exc:
        raise ModelFileError(f"{where} has a broken .npy header; the file is corrupted") from exc
    descr = header.get("descr") if isinstance(header, dict) else None
    if (not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}
            or not isinstance(descr, str) or not _DESCR.fullmatch(descr)
            or (descr[1] != "U" and descr[1:] not in _NUMERIC)
            or (descr[1] == "U" and not 1 <= int(descr[2:]) <= _MAX_METADATA_CHARS)
            or not isinstance(header["fortran_order"], bool)
            or not isinstance(header["shape"], tuple) or len(header["shape"]) > 2
            or not all(type(n) is int and n >= 0 for n in header["shape"])):
        raise ModelFileError(f"{where} has a .npy header barenet does not write ({raw[:80]!r}); "
                             "a model holds only numbers and text arrays of up to 2 dimensions")
    npy = _Npy(np.dtype(descr), header["shape"], header["fortran_order"], 8 + width + length)
    if info.file_size != npy.offset + npy.nbytes:
        raise ModelFileError(f"{where} declares a {npy.dtype} array of shape {npy.shape} "
                             f"({npy.nbytes} bytes) but holds {info.file_size - npy.offset}; "
                             "the file is truncated or corrupted")
    return npy


def _check_header(npy: _Npy, dtype: np.dtype | None, shape: tuple, name: str,
                  path: Path) -> None:
    """Check a header against what the metadata says; ``dtype=None`` means class labels."""
    if npy.shape != shape:
        raise ModelFileError(f"{path}: {name} has shape {npy.shape}, but the metadata says "
                             f"{shape}; the file was altered or is corrupted")
    if dtype is None:
        if npy.dtype.kind not in "biufU" or npy.dtype.itemsize > 4 * _MAX_TEXT_CHARS:
            raise ModelFileError(f"{path}: {name} has dtype {npy.dtype}; class labels are "
                                 f"numbers or texts of up to {_MAX_TEXT_CHARS} characters")
    elif npy.dtype.newbyteorder("=") != dtype:
        raise ModelFileError(f"{path}: {name} has dtype {npy.dtype}, but the metadata says "
                             f"{dtype}; the file was altered or is corrupted")


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, npy: _Npy,
                path: Path) -> np.ndarray:
    """Read a member's data, whose size has been checked, into a native-order array."""
    where = f"{path}: member {info.filename!r}"
    buffer = np.empty(npy.nbytes, np.uint8)
    view, done = memoryview(buffer), 0
    with _member(archive, info, path) as stream:
        _read_exact(stream, npy.offset, where)  # the header, checked already
        while done < npy.nbytes:  # in chunks, so that the peak is the array itself
            chunk = stream.read(min(_CHUNK, npy.nbytes - done))
            if not chunk:
                raise ModelFileError(f"{where} ends early; the file is truncated or corrupted")
            view[done:done + len(chunk)] = chunk
            done += len(chunk)
        if stream.read(1):
            raise ModelFileError(f"{where} is longer than its header says; the file is "
                                 "corrupted")
    array = buffer.view(npy.dtype)
    if not npy.dtype.isnative:
        array = array.byteswap(inplace=True).view(npy.dtype.newbyteorder("="))
    array = array.reshape(npy.shape, order="F" if npy.fortran else "C")
    name = info.filename[:-4]
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ModelFileError(f"{path}: {name} contains NaN or infinity; the file is corrupted "
                             "or the model diverged: train and save it again")
    if array.dtype.kind == "b":
        array = array.view(np.uint8) != 0  # a bool byte other than 0 or 1 is still one value
    if array.dtype.kind == "U":
        codes = buffer.view(np.uint32)  # the buffer is in native order by now
        if np.any((codes >= 0x110000) | ((codes >= 0xD800) & (codes < 0xE000))):
            raise ModelFileError(f"{path}: {name} holds text that is not valid Unicode; the "
                                 "file is corrupted")
    return array


# -- loading: the metadata ------------------------------------------------------------
def _read_metadata(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> Any:
    if info.file_size > 4 * _MAX_METADATA_CHARS + 12 + _MAX_NPY_HEADER:
        raise ModelFileError(f"{path}: its metadata takes {info.file_size} bytes; barenet "
                             f"writes at most {4 * _MAX_METADATA_CHARS}: the file was altered "
                             "or is not a barenet model")
    npy = _read_header(archive, info, path)
    if npy.shape != () or npy.dtype.kind != "U":
        raise ModelFileError(f"{path}: the metadata entry is not text; the file was altered or "
                             "is not a barenet model")
    text = str(_read_array(archive, info, npy, path)[()])
    # NOTE: counting the brackets outside strings bounds both the nesting and
    # the number of lists json builds, before it builds any; the plain count
    # spares the string-aware one for nearly every file.
    if (text.count("[") + text.count("{") > _MAX_JSON_CONTAINERS
            and _count_containers(text) > _MAX_JSON_CONTAINERS):
        raise ModelFileError(f"{path}: the metadata holds more nested lists or objects than "
                             "barenet writes; the file was altered or is not a barenet model")
    try:
        # NOTE: numbers are checked where they are used, not by parse_float or
        # parse_int hooks: a Python call per number would let a file of
        # millions of numbers take seconds.
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        why = "a number of thousands of digits" if "int_max_str_digits" in str(exc) else exc
        raise ModelFileError(f"{path}: the metadata is not valid JSON ({why}); the file is "
                             "corrupted or not a barenet model") from exc


def _count_containers(text: str) -> int:
    """The number of ``[`` and ``{`` outside strings in a JSON text."""
    outside = _JSON_STRING.sub("", text)
    return outside.count("[") + outside.count("{")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number barenet writes")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return result


def _is_int(value: Any, low: int = 0) -> bool:
    return type(value) is int and low <= value < 2**63  # type: a bool is not an int here


def _is_number(value: Any) -> bool:
    if type(value) is float:
        return math.isfinite(value)  # 1e999 reads as infinity
    return type(value) is int and -(2**63) <= value < 2**63


def _is_numbers(value: Any) -> bool:
    return isinstance(value, list) and all(_is_number(v) for v in value)


def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) <= _MAX_TEXT_CHARS


def _shown(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _bad_field(path: Path, field: str, must: str, value: Any) -> ModelFileError:
    return ModelFileError(f"{path}: metadata field {field!r} must be {must}, got "
                          f"{_shown(value)}; the file was altered or is not a barenet model")


def _check_metadata(meta: Any, path: Path) -> dict[str, Any]:
    """Check the type and range of every metadata field that load uses."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a barenet model file (its metadata does not say "
                             f"format {FORMAT!r})")
    version = meta.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ModelFileError(
            f"{path} has model format version {_shown(version, 20)}; this barenet "
            f"({__version__}) reads version {FORMAT_VERSION}: use a matching barenet")
    kind = meta.get("kind")
    if kind not in (*_KINDS, "shallow"):
        raise ModelFileError(f"{path}: unknown model kind {_shown(kind, 40)}; barenet saves "
                             f"{', '.join(_KINDS)} and the article's parameters ('shallow')")
    if not _is_text(meta.get("barenet_version", "")):
        raise _bad_field(path, "barenet_version", "a version string", meta["barenet_version"])
    if kind == "shallow":
        return meta
    sizes = meta.get("layer_sizes")
    if not (isinstance(sizes, list) and 2 <= len(sizes) <= _MAX_LAYERS + 1
            and all(_is_int(s, 1) for s in sizes)):
        raise _bad_field(path, "layer_sizes", f"a list of 2 to {_MAX_LAYERS + 1} positive "
                         "integers", sizes)
    names = meta.get("activations")
    if not (isinstance(names, list) and len(names) == len(sizes) - 2
            and all(type(n) is str and n in ACTIVATIONS for n in names)):
        raise _bad_field(path, "activations", f"a list of {len(sizes) - 2} names among "
                         f"{', '.join(ACTIVATIONS)}", names)
    classifier = kind == "NeuralNetClassifier"
    outputs = ("binary", "multiclass", "multilabel") if classifier else ("regression",)
    if meta.get("output") not in outputs:
        raise _bad_field(path, "output", " or ".join(outputs), meta.get("output"))
    if meta.get("dtype") not in tuple(_DTYPES):
        raise _bad_field(path, "dtype", "float64 or float32", meta.get("dtype"))
    if not (_is_int(meta.get("n_features_in_")) and meta["n_features_in_"] == sizes[0]):
        raise _bad_field(path, "n_features_in_", f"the input size {sizes[0]}",
                         meta.get("n_features_in_"))
    names_in = meta.get("feature_names_in_")
    if names_in is not None and not (isinstance(names_in, list) and len(names_in) == sizes[0]
                                     and all(_is_text(n) for n in names_in)):
        raise _bad_field(path, "feature_names_in_", f"null or {sizes[0]} texts", names_in)
    for field in ("n_iter_", "t_"):
        if not _is_int(meta.get(field)):
            raise _bad_field(path, field, "a non-negative integer", meta.get(field))
    if not _is_numbers(meta.get("loss_curve_")):
        raise _bad_field(path, "loss_curve_", "a list of numbers", meta.get("loss_curve_"))
    history = meta.get("history_")
    if not (isinstance(history, dict) and len(history) <= 16
            and all(len(k) <= 64 and _is_numbers(v) for k, v in history.items())):
        raise _bad_field(path, "history_", "an object of lists of numbers", history)
    if kind == "NeuralNetRegressor" and type(meta.get("y_1d")) is not bool:
        raise _bad_field(path, "y_1d", "true or false", meta.get("y_1d"))
    _check_params(meta.get("params"), kind, sizes, path)
    return meta


def _check_params(params: Any, kind: str, sizes: list[int], path: Path) -> None:
    """Check the hyperparameters' types; the estimator then checks their values."""
    known = set(_KINDS[kind]().get_params()) - {"callbacks", "activation"}
    if not (isinstance(params, dict) and set(params) <= known):
        unknown = sorted(set(params) - known) if isinstance(params, dict) else params
        raise _bad_field(path, "params", f"an object of {kind} hyperparameters", unknown)
    for key, value in params.items():
        if key == "hidden_layer_sizes":
            ok = isinstance(value, list) and all(_is_int(s, 1) for s in value)
        elif key == "class_weight" and isinstance(value, dict):
            ok = len(value) <= max(2, sizes[-1]) and all(
                _is_text(k) and _is_number(w) for k, w in value.items())
        else:
            ok = value is None or type(value) is bool or _is_number(value) or _is_text(value)
        if not ok:
            raise _bad_field(path, f"params.{key}", "a plain number or text", value)


def _estimator_specs(meta: dict[str, Any]) -> dict[str, tuple[np.dtype | None, tuple]]:
    """The dtype and shape of every array, as the metadata describes them."""
    sizes, dtype = meta["layer_sizes"], np.dtype(meta["dtype"])
    specs: dict[str, tuple[np.dtype | None, tuple]] = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        specs[f"coefs_{i}"] = dtype, (n_in, n_out)
        specs[f"intercepts_{i}"] = dtype, (n_out,)
    if meta["kind"] == "NeuralNetClassifier":
        specs["classes"] = None, (2 if meta["output"] == "binary" else sizes[-1],)
    return specs


def _shallow_specs(headers: dict[str, _Npy], path: Path) -> dict[str, tuple[np.dtype, tuple]]:
    """The article's W1, b1, W2, b2, whose sizes W1's and W2's headers fix."""
    W1, W2 = headers.get("W1"), headers.get("W2")
    if W1 is None or W2 is None or len(W1.shape) != 2 or len(W2.shape) != 2 or min(
            *W1.shape, *W2.shape) < 1:
        raise ModelFileError(f"{path}: W1 and W2 must be non-empty matrices; the file was "
                             "altered or is not a barenet model")
    (n_h, n_x), n_y, f8 = W1.shape, W2.shape[0], np.dtype(np.float64)
    return {"W1": (f8, (n_h, n_x)), "b1": (f8, (n_h, 1)), "W2": (f8, (n_y, n_h)),
            "b2": (f8, (n_y, 1))}


# -- loading: the estimator -----------------------------------------------------------
def _load_estimator(metadata: dict, arrays: dict, path: Path) -> Any:
    """Build the estimator from checked metadata and arrays of checked shapes."""
    kind, output, sizes = metadata["kind"], metadata["output"], metadata["layer_sizes"]
    names, n_layers = metadata["activations"], len(sizes) - 1
    try:
        params = dict(metadata["params"])
        if params.get("dtype", metadata["dtype"]) != metadata["dtype"]:
            raise ValueError("params.dtype disagrees with the weights' dtype")
        params["activation"] = list(names) if len(set(names)) > 1 else (
            names[0] if names else "relu")
        model = _KINDS[kind](**params)
        model._validate_params()
        if model._hidden_sizes() != sizes[1:-1]:
            raise ValueError("hidden_layer_sizes disagrees with the weights")
        if kind == "NeuralNetClassifier":
            _restore_labels(model, arrays["classes"], output, sizes[-1])
        else:
            model._y_1d = metadata["y_1d"]
            if model._y_1d and sizes[-1] != 1:
                raise ValueError("a one-target regressor must have one output")
        model._output_name = output
        model._hidden = [ACTIVATIONS[n] for n in names]
        model.coefs_ = [arrays[f"coefs_{i}"] for i in range(n_layers)]
        model.intercepts_ = [arrays[f"intercepts_{i}"] for i in range(n_layers)]
        model.n_features_in_ = metadata["n_features_in_"]
        if metadata.get("feature_names_in_") is not None:
            model.feature_names_in_ = np.asarray(metadata["feature_names_in_"], dtype=object)
        model.n_iter_, model.t_ = metadata["n_iter_"], metadata["t_"]
        model.loss_curve_ = [float(v) for v in metadata["loss_curve_"]]
        model.history_ = {k: [float(v) for v in vs] for k, vs in metadata["history_"].items()}
        model.loss_ = model.loss_curve_[-1] if model.loss_curve_ else float("nan")
        model.n_layers_, model.n_outputs_ = n_layers + 1, sizes[-1]
        model.out_activation_ = OUT_ACTIVATION[output]
        model.best_loss_ = min(model.loss_curve_) if model.loss_curve_ else None
        model.validation_scores_ = model.best_validation_score_ = None
        model._random_state = check_random_state(model.random_state)
        model._optimizer = None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{path}: the model description is inconsistent ({exc}); "
                             "the file may be corrupted or not made by barenet") from exc
    return model


def _restore_labels(model: Any, classes: np.ndarray, output: str, n_outputs: int) -> None:
    if len(classes) < 2 or len(np.unique(classes)) != len(classes):
        raise ValueError("classes must be a list of at least 2 distinct numbers or texts")
    if output == "binary":
        consistent = len(classes) == 2 and n_outputs == 1
    else:
        consistent = n_outputs == len(classes) and (output == "multilabel" or len(classes) > 2)
    if not consistent:
        raise ValueError("the classes disagree with the network's outputs")
    binarizer = LabelBinarizer()
    if output == "multilabel":
        # Two rows make a label-indicator target of n_outputs columns; an
        # identity matrix would cost n_outputs squared.
        binarizer.fit(np.array([[1] * n_outputs, [0] * n_outputs]))
    else:
        binarizer.fit(classes)
    model._label_binarizer, model.classes_ = binarizer, binarizer.classes_
