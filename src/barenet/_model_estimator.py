"""A fitted estimator as a model file's metadata and arrays, and back.

:func:`to_arrays` is what :func:`barenet.save` writes of a model: the
metadata fields and the arrays that :mod:`barenet.io` describes.
:func:`build_estimator` is how :func:`barenet.load` makes an estimator again
of a file whose metadata and arrays it has checked.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state

from ._model_metadata import KINDS, SERIES, is_number
from ._npy import MAX_TEXT_CHARS
from ._npz import MAX_LAYERS, MAX_SERIES
from ._text import shorten
from .engine.activations import ACTIVATIONS
from .estimators import OUT_ACTIVATION

_SHALLOW = ("W1", "b1", "W2", "b2")


# -- saving -----------------------------------------------------------------------
def to_arrays(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The metadata fields (less the format's own) and the arrays that hold ``model``.

    ``model`` is a fitted estimator or the article's parameter dictionary.
    Raises ``TypeError`` for anything else, and ``ValueError`` for a model
    that a file cannot hold (not fitted, too many layers, a custom activation,
    a text too long, labels that are neither numbers nor text).
    """
    if isinstance(model, dict):
        missing = [k for k in _SHALLOW if k not in model]
        if missing:
            raise ValueError(f"the parameter dictionary lacks {', '.join(missing)}; save what "
                             "barenet.shallow.nn_model returns")
        return {"kind": "shallow"}, {k: np.asarray(model[k], dtype=np.float64) for k in _SHALLOW}
    kind = type(model).__name__
    if kind not in KINDS:
        raise TypeError(f"cannot save a {kind}; save a NeuralNetClassifier, a "
                        "NeuralNetRegressor or the article's parameter dictionary")
    if not hasattr(model, "coefs_"):
        raise ValueError(f"this {kind} is not fitted; fit it before saving")
    if len(model.coefs_) > MAX_LAYERS:
        raise ValueError(f"this {kind} has {len(model.coefs_)} layers of weights; a model file "
                         f"holds at most {MAX_LAYERS}")
    names = []
    for activation in model._hidden:
        name = activation.name
        if ACTIVATIONS.get(name) is not activation:
            raise ValueError(f"a custom activation ({name!r}) cannot be saved: "
                             "model files hold no code; use a built-in activation")
        names.append(name)
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
    # (None, "following the data", is kept as such: a refit follows its data too.)
    params["dtype"] = None if model.dtype is None else np.dtype(model._requested_dtype()).name
    if params["n_iter_no_change"] == np.inf:
        params["n_iter_no_change"] = "inf"  # JSON has no infinity
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
    if value is None or isinstance(value, bool | str) or is_number(value):
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
            isinstance(k, str) and SERIES.fullmatch(k) for k in history):
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


# -- loading ----------------------------------------------------------------------
def build_estimator(metadata: dict, arrays: dict) -> Any:
    """Build the estimator from checked metadata and arrays of checked shapes.

    Raises ``KeyError``, ``TypeError``, ``ValueError`` or ``AttributeError``
    where they disagree in a way the checks by type and shape cannot see.
    """
    kind, output, sizes = metadata["kind"], metadata["output"], metadata["layer_sizes"]
    names, n_layers = metadata["activations"], len(sizes) - 1
    params = dict(metadata["params"])
    if params.get("dtype", metadata["dtype"]) not in (None, metadata["dtype"]):
        raise ValueError("params.dtype disagrees with the weights' dtype")
    if params.get("n_iter_no_change") == "inf":
        params["n_iter_no_change"] = np.inf
    params["activation"] = list(names) if len(set(names)) > 1 else (
        names[0] if names else "relu")
    model = KINDS[kind](**params)
    model._validate_params()
    if model._hidden_sizes() != sizes[1:-1]:
        raise ValueError("hidden_layer_sizes disagrees with the weights")
    if kind == "NeuralNetClassifier":
        _restore_labels(model, arrays["classes"], output, sizes[-1])
    else:
        model._y_1d = metadata["y_1d"]
        if model._y_1d and sizes[-1] != 1:
            raise ValueError("a one-target regressor must have one output")
    if kind == "NeuralNetClassifier":
        model._output_name = output
    elif model._output_name != output:  # the regressor's follows params.loss
        raise ValueError("the output disagrees with params.loss")
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
