"""Model files: a safe, documented format, written atomically.

A barenet model file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays)
that holds only numbers and text, never pickled objects.  Format version 2:

``__metadata__``
    A 0-d string array: JSON with ``format`` (``"barenet-model"``),
    ``format_version`` (2), ``barenet_version``, ``kind``
    (``"NeuralNetClassifier"``, ``"NeuralNetRegressor"`` or ``"shallow"``),
    and for estimators the hyperparameters (``params``: ``dtype`` null for
    a model that follows its data's dtype, ``n_iter_no_change`` the text
    ``"inf"`` for ``np.inf``), ``layer_sizes``, ``activations``, ``output``,
    ``dtype`` (the weights'), ``n_features_in_``,
    ``feature_names_in_`` (true when the names are stored), ``n_iter_``,
    ``t_``, ``history_`` (the length of each training-record series) and,
    for regressors, ``y_1d``.
``coefs_0``, ``coefs_1``, ... / ``intercepts_0``, ...
    The weights, ``coefs_i`` of shape ``(n_in, n_out)``.
``classes``
    The classifier's labels (numbers or text).
``feature_names_in_``
    The names of the input features (text), for a model fitted on named columns.
``history__loss``, ``history__val_loss``, ``history__val_score``, ``history__learning_rate``
    The training record (``history_``), float64, one value per epoch; the
    loss series is ``loss_curve_`` too.
``W1``, ``b1``, ``W2``, ``b2``
    The article's parameter dictionary (``kind = "shallow"``).

Version 1 held the feature names and the training record in the metadata
(``feature_names_in_``, ``loss_curve_`` and ``history_`` as JSON lists), so its
metadata grew by ~86 characters an epoch; :func:`load` still reads it.

Members are stored (``np.savez``); deflated ones (``np.savez_compressed``)
are read too.

:func:`load` never unpickles and never trusts a size before checking it.  In
order, and before reading the data of any array, it checks

1. the file itself: a zip archive (a plain ``.npy``, a CSV or text file, a
   pickle or an empty file is named as such), whose list of members is small
   (at most 2 * 1024 + 19 members: 1024 layers, 16 series);
2. every member's zip entry: a unique ``name.npy``, stored or deflated, not
   encrypted, within the file, a stored size equal to its declared size, a
   deflated one inflating at most 100 times (above 1 MiB), all arrays together
   at most 4 GiB;
3. the metadata: at most 1 Mi characters of JSON (8 Mi in version 1), without
   ``NaN`` or ``Infinity``, duplicate keys or more than 64 lists and objects,
   and every field it uses of the right type and range (texts of at most
   4,096 characters);
4. every array's ``.npy`` header (format 1.0 to 3.0, under 4 KiB, padded to
   64 bytes or, by older NumPy, to 16): the dtype and shape the metadata
   implies, and a declared size equal to the zip entry's exactly;

then reads the data (zipfile stops at the declared size and checks the CRC),
refuses NaN and infinity (but in the validation series ``val_loss`` and
``val_score``, which hold them legitimately), and converts big-endian arrays
to native order.  Any failure raises :class:`ModelFileError` (a
``ValueError``) that names the file and what is wrong with it; so a truncated,
corrupted, foreign or hostile file is refused quickly, in little memory, and
no code from a file is ever run.

:func:`save` refuses, with a ``ValueError`` naming the limit, a model that
load would refuse, and writes to a temporary file renamed over the target, so
an interrupted save leaves any previous file intact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np

from ._files import atomic_write
from ._model_estimator import build_estimator, to_arrays
from ._model_metadata import (
    KINDS,
    Invalid,
    check_fields,
    estimator_specs,
    is_text,
    shallow_specs,
)
from ._npy import MAX_STRING_CHARS, ModelFileError, npy_size, read_header
from ._npz import MAX_MODEL_BYTES, open_archive, read_arrays, read_json
from ._text import shorten
from ._version import __version__

FORMAT = "barenet-model"
FORMAT_VERSION = 2
# The metadata's cap by format version.  Version 2's holds nothing that grows
# with the epochs or the features: about 1,000 characters for a usual model,
# 40,000 for one of 1,024 layers; 1 Mi (4 MiB as .npy text) leaves room for a
# class_weight dict of tens of thousands of classes.  Version 1's held the
# training record (~86 characters an epoch), and files of up to its cap exist.
_METADATA_CHARS = {1: MAX_STRING_CHARS, 2: 2**20}
# NOTE: a validation set of one sample has no R^2 (NaN), and a float32 model's
# squared error on far-off validation data overflows: these two series may
# legitimately hold NaN and infinity.  Training stops on a non-finite loss.
_NOT_FINITE_OK = frozenset({"history__val_loss", "history__val_score"})


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
        ``path``, the model file written.

    Raises
    ------
    ValueError
        If the model is not fitted, holds something the format cannot store
        without pickle (a custom activation function, labels that are neither
        numbers nor text), or exceeds a limit :func:`load` enforces: 1,024
        layers, 4 GiB of arrays, texts of 4,096 characters, 1 Mi characters
        of metadata.  Nothing is written then.

    Examples
    --------
    >>> from barenet import NeuralNetClassifier, datasets, save, load
    >>> X, y = datasets.noisy_moons()
    >>> clf = NeuralNetClassifier((8,), learning_rate_init=0.01, max_iter=300,
    ...                           random_state=0).fit(X, y)
    >>> path = save(clf, "moons.npz")
    >>> path.name
    'moons.npz'
    >>> bool((load(path).predict(X) == clf.predict(X)).all())
    True
    """
    metadata, arrays = to_arrays(model)
    metadata = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "barenet_version": __version__, **metadata}
    text = json.dumps(metadata, allow_nan=False)
    _check_savable(json.loads(text), len(text), arrays)
    arrays["__metadata__"] = np.array(text)
    total = sum(npy_size(array) for array in arrays.values())
    if total > MAX_MODEL_BYTES:
        raise ValueError(f"this model takes {total / 2**30:.1f} GiB as a file, more than the "
                         f"{MAX_MODEL_BYTES / 2**30:.0f} GiB a model file may hold; use fewer "
                         "or smaller layers")
    # (Any: mypy would match the names against savez's allow_pickle flag; none is named so.)
    return atomic_write(path, lambda fh: np.savez(fh, **cast("dict[str, Any]", arrays)))


def _check_savable(metadata: dict, n_chars: int, arrays: dict[str, np.ndarray]) -> None:
    """Run load's own checks on what save is about to write.

    So that a file save writes always loads, and a model that would not (a
    parameter changed since fitting, a weight gone NaN) is refused now, while
    it can still be fixed, rather than when the file is read.
    """
    kind = metadata["kind"]
    what = "parameter dictionary" if kind == "shallow" else kind
    fix = ("save what barenet.shallow.nn_model returns" if kind == "shallow"
           else "was it changed since fitting? Fit it again")
    cap = _METADATA_CHARS[FORMAT_VERSION]
    if n_chars > cap:
        largest = max(metadata.get("params", {}).items(), key=lambda kv: len(json.dumps(kv[1])),
                      default=("", None))[0]
        raise ValueError(f"this {what}'s metadata takes {n_chars} characters, more than the "
                         f"{cap} a model file holds; its largest hyperparameter is {largest}: "
                         "make it shorter")
    for name, array in arrays.items():
        if array.dtype.kind == "f" and name not in _NOT_FINITE_OK and not np.all(
                np.isfinite(array)):
            raise ValueError(f"cannot save this {what}: {_attribute(name)} holds NaN or "
                             "infinity; did training diverge? Fit it again, with a smaller "
                             "learning rate")
    try:
        if kind == "shallow":
            specs = shallow_specs({name: array.shape for name, array in arrays.items()})
            if specs is None:
                raise ValueError("W1 and W2 must be non-empty matrices")
        else:
            check_fields(metadata)
            specs = estimator_specs(metadata)
        for name, (dtype, shape) in specs.items():
            array = arrays[name]
            if array.shape != shape or (isinstance(dtype, np.dtype) and array.dtype != dtype):
                raise ValueError(f"{_attribute(name)} is a {array.dtype} array of shape "
                                 f"{array.shape}, but the rest of the model makes it {dtype} "
                                 f"of shape {shape}")
        if kind != "shallow":
            build_estimator(metadata, arrays)
    except Invalid as exc:
        field, must, value = exc.args
        raise ValueError(f"cannot save this {what}: {field} must be {must}, got "
                         f"{shorten(value, 60)}; {fix}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"cannot save this {what}: {exc}; {fix}") from None


def _attribute(name: str) -> str:
    """The model's attribute that member ``name`` holds, as a user writes it."""
    for prefix, shown in (("history__", "history_[{!r}]"), ("coefs_", "coefs_[{}]"),
                          ("intercepts_", "intercepts_[{}]")):
        if name.startswith(prefix):
            return shown.format(name[len(prefix):])
    return name


# -- loading ----------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Any:
    """Load a model saved by :func:`save`, checking everything first.

    The checks run in the order that keeps a hostile file cheap to refuse:
    the zip directory, then the metadata, then every array's header against
    the metadata, and only then the data (see the module docstring).  Files
    of format versions 1 and 2 are read.

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

    Examples
    --------
    >>> from barenet import NeuralNetClassifier, datasets, load, save
    >>> X, y = datasets.xor(n_samples=100)
    >>> clf = NeuralNetClassifier((8,), learning_rate_init=0.05, max_iter=500,
    ...                           random_state=0).fit(X, y)
    >>> model = load(save(clf, "xor.npz"))
    >>> type(model).__name__, model.n_features_in_, model.classes_.tolist()
    ('NeuralNetClassifier', 2, [0, 1])
    >>> bool((model.predict_proba(X) == clf.predict_proba(X)).all())
    True
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
    archive, infos = open_archive(fh, path)
    with archive:
        # Unread, the metadata could be of any version: the largest cap applies.
        meta, n_chars = read_json(archive, infos.pop("__metadata__"), path,
                                  max(_METADATA_CHARS.values()))
        metadata = _check_metadata(meta, n_chars, path)
        headers = {name: read_header(archive, info, path) for name, info in infos.items()}
        shallow = metadata["kind"] == "shallow"
        if shallow:
            specs = shallow_specs({name: npy.shape for name, npy in headers.items()})
            if specs is None:
                raise ModelFileError(f"{path}: W1 and W2 must be non-empty matrices; the file "
                                     "was altered or is not a barenet model")
        else:
            specs = estimator_specs(metadata)
        arrays = read_arrays(archive, infos, headers, specs, path, _NOT_FINITE_OK)
    if shallow:
        return arrays
    try:
        return build_estimator(metadata, arrays)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{path}: the model description is inconsistent ({exc}); "
                             "the file may be corrupted or not made by barenet") from exc


# -- the metadata ---------------------------------------------------------------------
def _check_metadata(meta: Any, n_chars: int, path: Path) -> dict[str, Any]:
    """Check the format, version and size, then every field that load uses."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a barenet model file (its metadata does not say "
                             f"format {FORMAT!r})")
    version = meta.get("format_version")
    if type(version) is not int or version not in _METADATA_CHARS:
        newer = type(version) is int and version > FORMAT_VERSION
        raise ModelFileError(
            f"{path} has model format version {shorten(version, 20)}; this barenet "
            f"({__version__}) reads versions 1 and {FORMAT_VERSION}: "
            + ("upgrade barenet to load it" if newer else "use a matching barenet"))
    if n_chars > _METADATA_CHARS[version]:
        raise ModelFileError(f"{path}: its metadata holds {n_chars} characters; barenet writes "
                             f"at most {_METADATA_CHARS[version]} in format version {version}: "
                             "the file was altered or is not a barenet model")
    kind = meta.get("kind")
    if kind not in (*KINDS, "shallow"):
        raise ModelFileError(f"{path}: unknown model kind {shorten(kind, 40)}; barenet saves "
                             f"{', '.join(KINDS)} and the article's parameters ('shallow')")
    if not is_text(meta.get("barenet_version", "")):
        raise _bad_field(path, "barenet_version", "a version string", meta["barenet_version"])
    if kind != "shallow":
        try:
            check_fields(meta)
        except Invalid as exc:
            raise _bad_field(path, *exc.args) from None
    return meta


def _bad_field(path: Path, field: str, must: str, value: Any) -> ModelFileError:
    return ModelFileError(f"{path}: metadata field {field!r} must be {must}, got "
                          f"{shorten(value, 60)}; the file was altered or is not a barenet model")
