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

:func:`load` opens the archive with ``allow_pickle=False`` and checks every
entry against the metadata (names, shapes, dtypes, finiteness, known
activations) before building the model, so a truncated, corrupted, foreign or
hostile file is refused with a ``ValueError`` and no code from a file is ever
run.  :func:`save` writes to a temporary file and renames it over the target,
so an interrupted save leaves any previous file intact.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state

from . import __version__
from ._files import atomic_write
from .engine.activations import ACTIVATIONS, Activation
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


# -- loading ----------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Any:
    """Load a model saved by :func:`save`, checking everything first.

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
        another format or version, or inconsistent in any way.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"no model file at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{path} is not a readable barenet model file ({exc}); it may be "
                             "truncated or corrupted: save the model again") from None
    if not isinstance(arrays, dict) or "__metadata__" not in arrays:
        raise ModelFileError(f"{path} is not a barenet model file (no metadata)")
    metadata = _read_metadata(arrays.pop("__metadata__"), path)
    if metadata["kind"] == "shallow":
        return _load_shallow(arrays, path)
    return _load_estimator(metadata, arrays, path)


def _read_metadata(raw: np.ndarray, path: Path) -> dict[str, Any]:
    if raw.shape != () or raw.dtype.kind != "U":
        raise ModelFileError(f"{path}: the metadata entry is not text")
    try:
        metadata = json.loads(str(raw))
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: the metadata is not valid JSON ({exc})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a barenet model file")
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{path} has model format version {version!r}; this barenet "
            f"({__version__}) reads version {FORMAT_VERSION}: use a matching barenet")
    if metadata.get("kind") not in (*_KINDS, "shallow"):
        raise ModelFileError(f"{path}: unknown model kind {metadata.get('kind')!r}")
    return metadata


def _check_array(arrays: dict, name: str, shape: tuple, dtype: Any, path: Path) -> np.ndarray:
    if name not in arrays:
        raise ModelFileError(f"{path}: missing array {name!r}")
    a = arrays[name]
    if a.shape != tuple(shape):
        raise ModelFileError(f"{path}: {name} has shape {a.shape}, expected {tuple(shape)}")
    if a.dtype != dtype:
        raise ModelFileError(f"{path}: {name} has dtype {a.dtype}, expected {np.dtype(dtype)}")
    if not np.all(np.isfinite(a)):
        raise ModelFileError(f"{path}: {name} contains NaN or infinity")
    return a


def _load_shallow(arrays: dict, path: Path) -> dict[str, np.ndarray]:
    if set(arrays) != set(_SHALLOW):
        raise ModelFileError(f"{path}: expected arrays {', '.join(_SHALLOW)}, "
                             f"found {', '.join(sorted(arrays))}")
    n_h, n_x = arrays["W1"].shape if arrays["W1"].ndim == 2 else (0, 0)
    n_y = arrays["W2"].shape[0] if arrays["W2"].ndim == 2 else 0
    if min(n_h, n_x, n_y) < 1:
        raise ModelFileError(f"{path}: W1 and W2 must be non-empty matrices")
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    return {k: _check_array(arrays, k, s, np.float64, path) for k, s in shapes.items()}


def _load_estimator(metadata: dict, arrays: dict, path: Path) -> Any:
    try:
        kind, output = metadata["kind"], metadata["output"]
        sizes, names = metadata["layer_sizes"], metadata["activations"]
        dtype, params = _DTYPES[metadata["dtype"]], dict(metadata["params"])
        n_layers = len(sizes) - 1
        if (n_layers < 1 or len(names) != n_layers - 1
                or not all(isinstance(s, int) and s >= 1 for s in sizes)):
            raise ValueError("layer_sizes and activations do not describe a network")
        hidden: list[Activation] = [ACTIVATIONS[n] for n in names]
        expected = {f"coefs_{i}" for i in range(n_layers)}
        expected |= {f"intercepts_{i}" for i in range(n_layers)}
        if kind == "NeuralNetClassifier":
            expected.add("classes")
            if output not in ("binary", "multiclass", "multilabel"):
                raise ValueError(f"unknown output {output!r}")
        elif output != "regression":
            raise ValueError(f"unknown output {output!r}")
        if set(arrays) != expected:
            raise ValueError(f"expected arrays {sorted(expected)}, found {sorted(arrays)}")
        coefs = [_check_array(arrays, f"coefs_{i}", (sizes[i], sizes[i + 1]), dtype, path)
                 for i in range(n_layers)]
        intercepts = [_check_array(arrays, f"intercepts_{i}", (sizes[i + 1],), dtype, path)
                      for i in range(n_layers)]
        params["activation"] = list(names) if len(set(names)) > 1 else (
            names[0] if names else "relu")
        model = _KINDS[kind](**params)
        model._validate_params()
        if model._hidden_sizes() != sizes[1:-1]:
            raise ValueError("hidden_layer_sizes disagrees with the weights")
        if kind == "NeuralNetClassifier":
            _restore_labels(model, arrays["classes"], output, sizes[-1])
        else:
            model._y_1d = bool(metadata["y_1d"])
            if model._y_1d and sizes[-1] != 1:
                raise ValueError("a one-target regressor must have one output")
        model._output_name = output
        model._hidden = hidden
        model.coefs_, model.intercepts_ = coefs, intercepts
        model.n_features_in_ = int(metadata["n_features_in_"])
        if model.n_features_in_ != sizes[0]:
            raise ValueError("n_features_in_ disagrees with the weights")
        if metadata.get("feature_names_in_") is not None:
            names_in = np.asarray(metadata["feature_names_in_"], dtype=object)
            if names_in.shape != (sizes[0],) or not all(isinstance(n, str) for n in names_in):
                raise ValueError("feature_names_in_ disagrees with the weights")
            model.feature_names_in_ = names_in
        model.n_iter_, model.t_ = int(metadata["n_iter_"]), int(metadata["t_"])
        model.loss_curve_ = [float(v) for v in metadata["loss_curve_"]]
        model.history_ = {str(k): [float(v) for v in vs]
                          for k, vs in dict(metadata["history_"]).items()}
        model.loss_ = model.loss_curve_[-1] if model.loss_curve_ else float("nan")
        model.n_layers_, model.n_outputs_ = n_layers + 1, sizes[-1]
        model.out_activation_ = OUT_ACTIVATION[output]
        model.best_loss_ = min(model.loss_curve_) if model.loss_curve_ else None
        model.validation_scores_ = model.best_validation_score_ = None
        model._random_state = check_random_state(model.random_state)
        model._optimizer = None
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{path}: the model description is inconsistent ({exc}); "
                             "the file may be corrupted or not made by barenet") from None
    return model


def _restore_labels(model: Any, classes: np.ndarray, output: str, n_outputs: int) -> None:
    if (classes.ndim != 1 or classes.dtype.kind not in "biufU" or len(classes) < 2
            or len(np.unique(classes)) != len(classes)):
        raise ValueError("classes must be a list of at least 2 distinct numbers or texts")
    if output == "binary":
        consistent = len(classes) == 2 and n_outputs == 1
    else:
        consistent = n_outputs == len(classes) and (output == "multilabel" or len(classes) > 2)
    if not consistent:
        raise ValueError("the classes disagree with the network's outputs")
    binarizer = LabelBinarizer()
    if output == "multilabel":
        binarizer.fit(np.vstack([np.eye(len(classes), dtype=int), np.zeros(len(classes), int)]))
    else:
        binarizer.fit(classes)
    model._label_binarizer, model.classes_ = binarizer, binarizer.classes_
