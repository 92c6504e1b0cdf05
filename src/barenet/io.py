"""Model files: a safe, documented format, written atomically.

A barenet model file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays)
that holds only numbers and text, never pickled objects.  Format version 2:

``__metadata__``
    A 0-d string array: JSON with ``format`` (``"barenet-model"``),
    ``format_version`` (2), ``barenet_version``, ``kind``
    (``"NeuralNetClassifier"``, ``"NeuralNetRegressor"`` or ``"shallow"``),
    and for estimators the hyperparameters (``params``), ``layer_sizes``,
    ``activations``, ``output``, ``dtype``, ``n_features_in_``,
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
import math
import os
import re
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state

from ._files import atomic_write
from ._npz import (
    MAX_LAYERS,
    MAX_MODEL_BYTES,
    MAX_SERIES,
    MAX_STRING_CHARS,
    MAX_TEXT_CHARS,
    Kinds,
    ModelFileError,
    npy_size,
    open_archive,
    read_arrays,
    read_header,
    read_json,
)
from ._text import shorten
from ._version import __version__
from .engine.activations import ACTIVATIONS
from .estimators import OUT_ACTIVATION, NeuralNetClassifier, NeuralNetRegressor

FORMAT = "barenet-model"
FORMAT_VERSION = 2
_KINDS = {"NeuralNetClassifier": NeuralNetClassifier, "NeuralNetRegressor": NeuralNetRegressor}
_SHALLOW = ("W1", "b1", "W2", "b2")
_DTYPES = {"float32": np.float32, "float64": np.float64}
# The metadata's cap by format version.  Version 2's holds nothing that grows
# with the epochs or the features: about 1,000 characters for a usual model,
# 40,000 for one of 1,024 layers; 1 Mi (4 MiB as .npy text) leaves room for a
# class_weight dict of tens of thousands of classes.  Version 1's held the
# training record (~86 characters an epoch), and files of up to its cap exist.
_METADATA_CHARS = {1: MAX_STRING_CHARS, 2: 2**20}
_SERIES = re.compile(r"[A-Za-z0-9_]{1,55}")  # member history__<name> fits the 64 of a name
# NOTE: a validation set of one sample has no R^2 (NaN), and a float32 model's
# squared error on far-off validation data overflows: these two series may
# legitimately hold NaN and infinity.  Training stops on a non-finite loss.
_NOT_FINITE_OK = frozenset({"history__val_loss", "history__val_score"})
_LABELS = Kinds("biufU", "class labels are numbers or texts")
_NAMES = Kinds("U", "feature names are texts")


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
        If the model is not fitted, holds something the format cannot store
        without pickle (a custom activation function, labels that are neither
        numbers nor text), or exceeds a limit :func:`load` enforces: 1,024
        layers, 4 GiB of arrays, texts of 4,096 characters, 1 Mi characters
        of metadata.  Nothing is written then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from barenet import NeuralNetClassifier, datasets, save, load
    >>> X, y = datasets.noisy_moons()
    >>> clf = NeuralNetClassifier((8,), max_iter=50, random_state=0).fit(X, y)
    >>> path = save(clf, pathlib.Path(tempfile.mkdtemp()) / "moons.npz")
    >>> bool((load(path).predict(X) == clf.predict(X)).all())
    True
    """
    metadata, arrays = _to_arrays(model)
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
    if len(model.coefs_) > MAX_LAYERS:
        raise ValueError(f"this {kind} has {len(model.coefs_)} layers of weights; a model file "
                         f"holds at most {MAX_LAYERS}")
    names = []
    for activation in model._hidden:
        if ACTIVATIONS.get(activation.name) is not activation:
            raise ValueError(f"a custom activation ({activation.name!r}) cannot be saved: "
                             "model files hold no code; use a built-in activation")
        names.append(activation.name)
    metadata: dict[str, Any] = {
        "kind": kind, "params": _params(model), "activations": names,
        "output": model._output_name,
        "layer_sizes": [model.coefs_[0].shape[0], *(W.shape[1] for W in model.coefs_)],
        "dtype": np.dtype(model.coefs_[0].dtype).name, "n_features_in_": int(model.n_features_in_),
        "feature_names_in_": hasattr(model, "feature_names_in_"),
        "n_iter_": int(model.n_iter_), "t_": int(model.t_),
    }
    arrays = {f"coefs_{i}": W for i, W in enumerate(model.coefs_)}
    arrays.update({f"intercepts_{i}": b for i, b in enumerate(model.intercepts_)})
    if metadata["feature_names_in_"]:
        arrays["feature_names_in_"] = _texts(list(model.feature_names_in_), "feature name")
    metadata["history_"] = {}
    for key, series in _history(model).items():
        metadata["history_"][key] = len(series)
        arrays[f"history__{key}"] = series
    if kind == "NeuralNetClassifier":
        arrays["classes"] = _labels(model.classes_)
    else:
        metadata["y_1d"] = bool(model._y_1d)
    return metadata, arrays


def _params(model: Any) -> dict[str, Any]:
    """The hyperparameters as the JSON values load accepts."""
    params = {k: v for k, v in model.get_params().items() if k not in ("callbacks", "activation")}
    params["dtype"] = np.dtype(model._dtype()).name
    params["hidden_layer_sizes"] = [int(s) for s in model._hidden_sizes()]
    if not isinstance(params["random_state"], int | None):
        params["random_state"] = None  # a RandomState's stream is not saved, only its seed
    return {key: _plain(value, key) for key, value in params.items()}


def _plain(value: Any, key: str) -> Any:
    """``value`` as JSON that load accepts; a grid search may pass NumPy numbers."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"hyperparameter {key} holds a text of {len(value)} characters; a "
                         f"model file holds texts of up to {MAX_TEXT_CHARS}: shorten it")
    if value is None or isinstance(value, bool | str) or _is_number(value):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v, key) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {_plain(k, key): _plain(v, key) for k, v in value.items()}
    raise ValueError(f"hyperparameter {key} holds {shorten(value, 60)}, which a model file cannot: "
                     "it holds finite numbers, texts, and lists and dicts (keyed by text) of "
                     "them")


def _texts(values: list[str], what: str) -> np.ndarray:
    """Texts as the ``.npy`` text array that load reads back to the same texts."""
    for value in values:
        if len(value) > MAX_TEXT_CHARS:
            raise ValueError(f"the {what} {shorten(value, 40)} has {len(value)} characters; a "
                             f"model file holds texts of up to {MAX_TEXT_CHARS}: shorten it")
        if value.endswith("\0"):  # .npy text arrays drop trailing NULs
            raise ValueError(f"the {what} {shorten(value, 40)} ends with a NUL character, "
                             "which a model file cannot keep; remove it")
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"a {what} is not valid Unicode (it holds a lone surrogate); fix it "
                         "before saving") from None
    return np.array(values, dtype=str)


def _labels(classes: Any) -> np.ndarray:
    classes = np.asarray(classes)
    if classes.dtype.kind in "OU" and all(isinstance(c, str) for c in classes.tolist()):
        return _texts(classes.tolist(), "class label")
    if classes.dtype.kind not in "biuf":
        raise ValueError("class labels must be numbers or text to be saved")
    if classes.dtype.kind == "f" and not np.all(np.isfinite(classes)):
        raise ValueError("class labels that are NaN or infinity cannot be saved; relabel them")
    return classes


def _history(model: Any) -> dict[str, np.ndarray]:
    """The training record, one float64 array a series; ``loss_curve_`` is its loss."""
    history = model.history_
    if len(history) > MAX_SERIES or not all(
            isinstance(k, str) and _SERIES.fullmatch(k) for k in history):
        raise ValueError(f"history_ must hold at most {MAX_SERIES} series named by letters, "
                         f"digits and _ (up to 55); got {shorten(list(history))}")
    if "loss" not in history or list(model.loss_curve_) != list(history["loss"]):
        raise ValueError("loss_curve_ differs from history_['loss']; a fit makes them the "
                         "same, and a model file stores them once: make them equal")
    series = {}
    for key, values in history.items():
        try:
            series[key] = np.asarray(values, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"history_[{key!r}] must be a list of numbers ({exc})") from None
    return series


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
            specs = _shallow_specs({name: array.shape for name, array in arrays.items()})
            if specs is None:
                raise ValueError("W1 and W2 must be non-empty matrices")
        else:
            _check_fields(metadata)
            specs = _estimator_specs(metadata)
        for name, (dtype, shape) in specs.items():
            array = arrays[name]
            if array.shape != shape or (isinstance(dtype, np.dtype) and array.dtype != dtype):
                raise ValueError(f"{_attribute(name)} is a {array.dtype} array of shape "
                                 f"{array.shape}, but the rest of the model makes it {dtype} "
                                 f"of shape {shape}")
        if kind != "shallow":
            _build_estimator(metadata, arrays)
    except _Invalid as exc:
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
            specs = _shallow_specs({name: npy.shape for name, npy in headers.items()})
            if specs is None:
                raise ModelFileError(f"{path}: W1 and W2 must be non-empty matrices; the file "
                                     "was altered or is not a barenet model")
        else:
            specs = _estimator_specs(metadata)
        arrays = read_arrays(archive, infos, headers, specs, path, _NOT_FINITE_OK)
    if shallow:
        return arrays
    try:
        return _build_estimator(metadata, arrays)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{path}: the model description is inconsistent ({exc}); "
                             "the file may be corrupted or not made by barenet") from exc


# -- the metadata ---------------------------------------------------------------------
class _Invalid(ValueError):
    """A metadata field that load refuses: ``(field, what it must be, its value)``."""


def _is_int(value: Any, low: int = 0) -> bool:
    return type(value) is int and low <= value < 2**63  # type: a bool is not an int here


def _is_number(value: Any) -> bool:
    if type(value) is float:
        return math.isfinite(value)  # 1e999 reads as infinity
    return type(value) is int and -(2**63) <= value < 2**63


def _is_numbers(value: Any) -> bool:
    return isinstance(value, list) and all(_is_number(v) for v in value)


def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) <= MAX_TEXT_CHARS


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
    if kind not in (*_KINDS, "shallow"):
        raise ModelFileError(f"{path}: unknown model kind {shorten(kind, 40)}; barenet saves "
                             f"{', '.join(_KINDS)} and the article's parameters ('shallow')")
    if not _is_text(meta.get("barenet_version", "")):
        raise _bad_field(path, "barenet_version", "a version string", meta["barenet_version"])
    if kind != "shallow":
        try:
            _check_fields(meta)
        except _Invalid as exc:
            raise _bad_field(path, *exc.args) from None
    return meta


def _bad_field(path: Path, field: str, must: str, value: Any) -> ModelFileError:
    return ModelFileError(f"{path}: metadata field {field!r} must be {must}, got "
                          f"{shorten(value, 60)}; the file was altered or is not a barenet model")


def _check_fields(meta: dict[str, Any]) -> None:
    """Check the type and range of an estimator's fields; raise :class:`_Invalid`."""
    kind, v1 = meta["kind"], meta["format_version"] == 1
    sizes = meta.get("layer_sizes")
    if not (isinstance(sizes, list) and 2 <= len(sizes) <= MAX_LAYERS + 1
            and all(_is_int(s, 1) for s in sizes)):
        raise _Invalid("layer_sizes", f"a list of 2 to {MAX_LAYERS + 1} positive integers", sizes)
    names = meta.get("activations")
    if not (isinstance(names, list) and len(names) == len(sizes) - 2
            and all(type(n) is str and n in ACTIVATIONS for n in names)):
        raise _Invalid("activations", f"a list of {len(sizes) - 2} names among "
                       f"{', '.join(ACTIVATIONS)}", names)
    classifier = kind == "NeuralNetClassifier"
    outputs = ("binary", "multiclass", "multilabel") if classifier else ("regression",)
    if meta.get("output") not in outputs:
        raise _Invalid("output", " or ".join(outputs), meta.get("output"))
    if meta.get("dtype") not in tuple(_DTYPES):
        raise _Invalid("dtype", "float64 or float32", meta.get("dtype"))
    if not (_is_int(meta.get("n_features_in_")) and meta["n_features_in_"] == sizes[0]):
        raise _Invalid("n_features_in_", f"the input size {sizes[0]}", meta.get("n_features_in_"))
    names_in = meta.get("feature_names_in_")
    if v1 and names_in is not None and not (isinstance(names_in, list)
                                            and len(names_in) == sizes[0]
                                            and all(_is_text(n) for n in names_in)):
        raise _Invalid("feature_names_in_", f"null or {sizes[0]} texts", names_in)
    if not v1 and type(names_in) is not bool:
        raise _Invalid("feature_names_in_", "true or false", names_in)
    for field in ("n_iter_", "t_"):
        if not _is_int(meta.get(field)):
            raise _Invalid(field, "a non-negative integer", meta.get(field))
    history = meta.get("history_")
    if v1:
        if not _is_numbers(meta.get("loss_curve_")):
            raise _Invalid("loss_curve_", "a list of numbers", meta.get("loss_curve_"))
        if not (isinstance(history, dict) and len(history) <= MAX_SERIES
                and all(len(k) <= 64 and _is_numbers(v) for k, v in history.items())):
            raise _Invalid("history_", "an object of lists of numbers", history)
    elif not (isinstance(history, dict) and len(history) <= MAX_SERIES and "loss" in history
              and all(_SERIES.fullmatch(k) and _is_int(n) for k, n in history.items())):
        raise _Invalid("history_", f"an object of at most {MAX_SERIES} series lengths, 'loss' "
                       "among them", history)
    if kind == "NeuralNetRegressor" and type(meta.get("y_1d")) is not bool:
        raise _Invalid("y_1d", "true or false", meta.get("y_1d"))
    _check_params(meta.get("params"), kind, sizes)


def _check_params(params: Any, kind: str, sizes: list[int]) -> None:
    """Check the hyperparameters' types; the estimator then checks their values."""
    known = set(_KINDS[kind]().get_params()) - {"callbacks", "activation"}
    if not (isinstance(params, dict) and set(params) <= known):
        unknown = sorted(set(params) - known) if isinstance(params, dict) else params
        raise _Invalid("params", f"an object of {kind} hyperparameters", unknown)
    for key, value in params.items():
        if key == "hidden_layer_sizes":
            ok = isinstance(value, list) and all(_is_int(s, 1) for s in value)
        elif key == "class_weight" and isinstance(value, dict):
            ok = len(value) <= max(2, sizes[-1]) and all(
                _is_text(k) and _is_number(w) for k, w in value.items())
        else:
            ok = value is None or type(value) is bool or _is_number(value) or _is_text(value)
        if not ok:
            raise _Invalid(f"params.{key}", "a plain number or text", value)


def _estimator_specs(meta: dict[str, Any]) -> dict[str, tuple[np.dtype | Kinds, tuple]]:
    """The dtype (or allowed dtype kinds) and shape of every array the metadata describes."""
    sizes, dtype = meta["layer_sizes"], np.dtype(meta["dtype"])
    specs: dict[str, tuple[np.dtype | Kinds, tuple]] = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        specs[f"coefs_{i}"] = dtype, (n_in, n_out)
        specs[f"intercepts_{i}"] = dtype, (n_out,)
    if meta["kind"] == "NeuralNetClassifier":
        specs["classes"] = _LABELS, (2 if meta["output"] == "binary" else sizes[-1],)
    if meta["format_version"] >= 2:
        if meta["feature_names_in_"]:
            specs["feature_names_in_"] = _NAMES, (sizes[0],)
        for key, n in meta["history_"].items():
            specs[f"history__{key}"] = np.dtype(np.float64), (n,)
    return specs


def _shallow_specs(shapes: dict[str, tuple]) -> dict[str, tuple[np.dtype, tuple]] | None:
    """The article's W1, b1, W2, b2, whose sizes W1's and W2's shapes fix.

    None unless W1 and W2 are non-empty matrices.
    """
    W1, W2 = shapes.get("W1"), shapes.get("W2")
    if W1 is None or W2 is None or len(W1) != 2 or len(W2) != 2 or min(*W1, *W2) < 1:
        return None
    (n_h, n_x), n_y, f8 = W1, W2[0], np.dtype(np.float64)
    return {"W1": (f8, (n_h, n_x)), "b1": (f8, (n_h, 1)), "W2": (f8, (n_y, n_h)),
            "b2": (f8, (n_y, 1))}


# -- the estimator --------------------------------------------------------------------
def _build_estimator(metadata: dict, arrays: dict) -> Any:
    """Build the estimator from checked metadata and arrays of checked shapes.

    Raises ``KeyError``, ``TypeError``, ``ValueError`` or ``AttributeError``
    where they disagree in a way the checks by type and shape cannot see.
    """
    kind, output, sizes = metadata["kind"], metadata["output"], metadata["layer_sizes"]
    names, n_layers = metadata["activations"], len(sizes) - 1
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
    model.n_iter_, model.t_ = metadata["n_iter_"], metadata["t_"]
    if metadata["format_version"] == 1:
        if metadata.get("feature_names_in_") is not None:
            model.feature_names_in_ = np.asarray(metadata["feature_names_in_"], dtype=object)
        model.loss_curve_ = [float(v) for v in metadata["loss_curve_"]]
        model.history_ = {k: [float(v) for v in vs] for k, vs in metadata["history_"].items()}
    else:
        if metadata["feature_names_in_"]:
            model.feature_names_in_ = arrays["feature_names_in_"].astype(object)
        model.history_ = {k: arrays[f"history__{k}"].tolist() for k in metadata["history_"]}
        model.loss_curve_ = model.history_["loss"]  # one list, as a fit leaves them
    model.loss_ = model.loss_curve_[-1] if model.loss_curve_ else float("nan")
    model.n_layers_, model.n_outputs_ = n_layers + 1, sizes[-1]
    model.out_activation_ = OUT_ACTIVATION[output]
    model.best_loss_ = min(model.loss_curve_) if model.loss_curve_ else None
    model.validation_scores_ = model.best_validation_score_ = None
    model._random_state = check_random_state(model.random_state)
    model._optimizer = None
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
