"""Reading a model file's ``.npz`` archive without trusting it.

The machinery under :func:`barenet.load`: the zip directory, the members'
``.npy`` arrays and the JSON metadata text, each read only after the sizes it
implies have been checked, so that no file can make reading slow or hungry
for memory.  One member's header and data are read by :mod:`barenet._npy`.
What the arrays must be (their names, dtypes and shapes) is the model format's
business, in :mod:`barenet.io`.

The interface, in the order load uses it:

:func:`open_archive`
    The zip archive and its checked list of members, by name.
:func:`read_json`
    A text member parsed as JSON, its size and nesting capped first.
:func:`read_arrays`
    The members a model format describes (dtype or :class:`~barenet._npy.Kinds`,
    and shape, by name), every header (:func:`~barenet._npy.read_header`)
    checked against it before any data is read.

The limits (``MAX_*``, here and in :mod:`barenet._npy`) are the file's: save
checks a model against them too.  Every failure raises
:class:`~barenet._npy.ModelFileError`, naming the file.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ._npy import (
    MAX_NPY_HEADER,
    Kinds,
    ModelFileError,
    Npy,
    check_header,
    read_array,
    read_header,
)

# -- limits ---------------------------------------------------------------------------
# Each limit is checked against what the file declares, before the data it
# describes is read.  They sit far above what save writes for any model barenet
# can train, and are the same on every machine: a file that loads here loads
# everywhere.  barenet.save refuses to write a model beyond them.
MAX_MODEL_BYTES = 4 * 2**30  # 512 M float64 weights; training them would take 16 GiB
MAX_LAYERS = 1024
MAX_SERIES = 16  # training-record series (history_); barenet records 4
# coefs_i and intercepts_i per layer, classes, feature names, metadata, the series
MAX_MEMBERS = 2 * MAX_LAYERS + 3 + MAX_SERIES
_MAX_DIRECTORY_BYTES = 256 * MAX_MEMBERS  # zip's list of members; save writes < 100 B each
_MAX_JSON_CONTAINERS = 64  # lists and objects in the metadata; save writes about 15
_MAX_DEFLATE_RATIO = 100  # weights deflate ~1.1:1, the JSON metadata ~10:1, a bomb ~1000:1
_RATIO_FLOOR = 2**20  # members smaller than this cannot be bombs, whatever their ratio
_ZIP_FLAGS = 0x0E | 0x800  # deflate level hints, data descriptor, UTF-8 names
_MEMBER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\.npy")
# A JSON string, or an unterminated one up to the end: the match can never fail
# and backtrack, which keeps it linear on any text.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


# -- the archive ----------------------------------------------------------------------
def open_archive(fh: BinaryIO, path: Path) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """Open a model file's zip archive and check its list of members.

    Parameters
    ----------
    fh : binary file
        The model file, open for reading.
    path : pathlib.Path
        Its name, for messages.

    Returns
    -------
    archive : zipfile.ZipFile
        To be closed by the caller.
    members : dict of str to zipfile.ZipInfo
        Every member by array name (``"coefs_0"`` for ``coefs_0.npy``): unique,
        stored or deflated, within the file, of sizes that add up to at most
        :data:`MAX_MODEL_BYTES`, one of them ``__metadata__``.
    """
    head = fh.read(512)
    if head[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise ModelFileError(f"{path} is not a readable barenet model file: {_looks_like(head)}; "
                             "a model file is the .npz archive barenet.save or barenet train "
                             "writes")
    archive = _open_zip(fh, path)
    try:
        return archive, _check_directory(archive, os.fstat(fh.fileno()).st_size, path)
    except BaseException:
        archive.close()
        raise


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
                    f"{self.cap} of a model with {MAX_LAYERS} layers; the file was altered "
                    "or is not a barenet model")
        return self._fh.read(-1 if n is None else n)

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
    if len(infos) > MAX_MEMBERS:
        raise ModelFileError(f"{path} holds {len(infos)} members; a barenet model of at most "
                             f"{MAX_LAYERS} layers holds at most {MAX_MEMBERS}")
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
    if total > MAX_MODEL_BYTES:
        raise ModelFileError(f"{path} declares {total / 2**30:.1f} GiB of arrays, more than "
                             f"the {MAX_MODEL_BYTES / 2**30:.0f} GiB a barenet model file may "
                             "hold")
    return {info.filename[:-4]: info for info in infos}


# -- the members ----------------------------------------------------------------------
def read_arrays(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo],
                headers: dict[str, Npy], specs: dict[str, tuple[np.dtype | Kinds, tuple]],
                path: Path, not_finite_ok: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
    """Read the members ``specs`` describes, once every header matches it.

    Parameters
    ----------
    archive, infos : the zip archive and its members (less the metadata), by name
    headers : dict of str to Npy
        Every member's header, from :func:`read_header`.
    specs : dict of str to (numpy.dtype or Kinds, tuple)
        The dtype (any byte order) or kinds, and shape, of every member expected.
    path : pathlib.Path
        The file's name, for messages.
    not_finite_ok : set of str
        Members that may hold NaN or infinity; in the others they are refused.

    Returns
    -------
    dict of str to numpy.ndarray
    """
    missing, extra = sorted(set(specs) - set(headers)), sorted(set(headers) - set(specs))
    if missing:
        raise ModelFileError(f"{path}: missing array {missing[0]!r}; the file is incomplete: "
                             "save the model again")
    if extra:
        raise ModelFileError(f"{path}: unexpected array {extra[0]!r}, which its metadata "
                             "does not describe; the file was altered or not made by barenet")
    for name, (dtype, shape) in specs.items():
        check_header(headers[name], dtype, shape, name, path)
    arrays = {}
    for name in specs:
        array = arrays[name] = read_array(archive, infos[name], headers[name], path)
        if (array.dtype.kind == "f" and name not in not_finite_ok
                and not np.all(np.isfinite(array))):
            raise ModelFileError(f"{path}: {name} contains NaN or infinity; the file is "
                                 "corrupted or the model diverged: train and save it again")
    return arrays


# -- the metadata ---------------------------------------------------------------------
def read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path,
              max_chars: int) -> tuple[Any, int]:
    """Parse a member holding one text as JSON, refusing it unread if too large.

    Parameters
    ----------
    archive, info : the zip archive and the member
    path : pathlib.Path
        The file's name, for messages.
    max_chars : int
        The most characters the text may hold; the member's size is checked
        against it (4 bytes a character) before anything is read.

    Returns
    -------
    value : any
        The JSON value, without ``NaN``, ``Infinity``, duplicate keys, numbers
        of thousands of digits or more than 64 lists and objects.
    n_chars : int
        The text's length.
    """
    if info.file_size > 4 * max_chars + 12 + MAX_NPY_HEADER:
        raise ModelFileError(f"{path}: its metadata takes {info.file_size} bytes; barenet "
                             f"writes at most {4 * max_chars}: the file was altered "
                             "or is not a barenet model")
    npy = read_header(archive, info, path)
    if npy.shape != () or npy.dtype.kind != "U":
        raise ModelFileError(f"{path}: the metadata entry is not text; the file was altered or "
                             "is not a barenet model")
    text = str(read_array(archive, info, npy, path)[()])
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
        value = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        why = "a number of thousands of digits" if "int_max_str_digits" in str(exc) else exc
        raise ModelFileError(f"{path}: the metadata is not valid JSON ({why}); the file is "
                             "corrupted or not a barenet model") from exc
    return value, len(text)


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
