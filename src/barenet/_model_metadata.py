"""A model file's metadata: the fields load accepts, and the arrays they imply.

:func:`check_fields` checks the type and range of every field of an
estimator's metadata, raising :class:`Invalid`; :func:`estimator_specs` and
:func:`shallow_specs` give the dtype and shape of every array the file must
hold.  :func:`barenet.save` runs them before writing a file, and
:func:`barenet.load` before reading any array of one.  The file format itself
is described in :mod:`barenet.io`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ._npy import MAX_TEXT_CHARS, Kinds
from ._npz import MAX_LAYERS, MAX_SERIES
from .engine.activations import ACTIVATIONS
from .estimators import NeuralNetClassifier, NeuralNetRegressor
from .estimators.base import _BaseNeuralNet

KINDS: dict[str, type[_BaseNeuralNet]] = {
    "NeuralNetClassifier": NeuralNetClassifier, "NeuralNetRegressor": NeuralNetRegressor}
SERIES = re.compile(r"[A-Za-z0-9_]{1,55}")  # member history__<name> fits the 64 of a name
_DTYPES = {"float32": np.float32, "float64": np.float64}
_LABELS = Kinds("biufU", "class labels are numbers or texts")
_NAMES = Kinds("U", "feature names are texts")


class Invalid(ValueError):
    """A metadata field that load refuses: ``(field, what it must be, its value)``."""


def is_int(value: Any, low: int = 0) -> bool:
    """Whether ``value`` is an integer (not a bool) from ``low`` to ``2**63 - 1``."""
    return type(value) is int and low <= value < 2**63  # type: a bool is not an int here


def is_number(value: Any) -> bool:
    """Whether ``value`` is a finite float or an integer of 64 bits (not a bool)."""
    if type(value) is float:
        return math.isfinite(value)  # 1e999 reads as infinity
    return type(value) is int and -(2**63) <= value < 2**63


def _is_numbers(value: Any) -> bool:
    return isinstance(value, list) and all(is_number(v) for v in value)


def is_text(value: Any) -> bool:
    """Whether ``value`` is a text of at most ``MAX_TEXT_CHARS`` characters."""
    return type(value) is str and len(value) <= MAX_TEXT_CHARS


def check_fields(meta: dict[str, Any]) -> None:
    """Check the type and range of an estimator's fields; raise :class:`Invalid`."""
    kind, v1 = meta["kind"], meta["format_version"] == 1
    sizes = meta.get("layer_sizes")
    if not (isinstance(sizes, list) and 2 <= len(sizes) <= MAX_LAYERS + 1
            and all(is_int(s, 1) for s in sizes)):
        raise Invalid("layer_sizes", f"a list of 2 to {MAX_LAYERS + 1} positive integers", sizes)
    names = meta.get("activations")
    if not (isinstance(names, list) and len(names) == len(sizes) - 2
            and all(type(n) is str and n in ACTIVATIONS for n in names)):
        raise Invalid("activations", f"a list of {len(sizes) - 2} names among "
                      f"{', '.join(ACTIVATIONS)}", names)
    classifier = kind == "NeuralNetClassifier"
    outputs = ("binary", "multiclass", "multilabel") if classifier else ("regression", "poisson")
    if meta.get("output") not in outputs:
        raise Invalid("output", " or ".join(outputs), meta.get("output"))
    if meta.get("dtype") not in tuple(_DTYPES):
        raise Invalid("dtype", "float64 or float32", meta.get("dtype"))
    if not (is_int(meta.get("n_features_in_")) and meta["n_features_in_"] == sizes[0]):
        raise Invalid("n_features_in_", f"the input size {sizes[0]}", meta.get("n_features_in_"))
    names_in = meta.get("feature_names_in_")
    if v1 and names_in is not None and not (isinstance(names_in, list)
                                            and len(names_in) == sizes[0]
                                            and all(is_text(n) for n in names_in)):
        raise Invalid("feature_names_in_", f"null or {sizes[0]} texts", names_in)
    if not v1 and type(names_in) is not bool:
        raise Invalid("feature_names_in_", "true or false", names_in)
    for field in ("n_iter_", "t_"):
        if not is_int(meta.get(field)):
            raise Invalid(field, "a non-negative integer", meta.get(field))
    history = meta.get("history_")
    if v1:
        if not _is_numbers(meta.get("loss_curve_")):
            raise Invalid("loss_curve_", "a list of numbers", meta.get("loss_curve_"))
        if not (isinstance(history, dict) and len(history) <= MAX_SERIES
                and all(len(k) <= 64 and _is_numbers(v) for k, v in history.items())):
            raise Invalid("history_", "an object of lists of numbers", history)
    elif not (isinstance(history, dict) and len(history) <= MAX_SERIES and "loss" in history
              and all(SERIES.fullmatch(k) and is_int(n) for k, n in history.items())):
        raise Invalid("history_", f"an object of at most {MAX_SERIES} series lengths, 'loss' "
                      "among them", history)
    if kind == "NeuralNetRegressor" and type(meta.get("y_1d")) is not bool:
        raise Invalid("y_1d", "true or false", meta.get("y_1d"))
    _check_params(meta.get("params"), kind, sizes)


def _check_params(params: Any, kind: str, sizes: list[int]) -> None:
    """Check the hyperparameters' types; the estimator then checks their values."""
    known = set(KINDS[kind]().get_params()) - {"callbacks", "activation"}
    if not (isinstance(params, dict) and set(params) <= known):
        unknown = sorted(set(params) - known) if isinstance(params, dict) else params
        raise Invalid("params", f"an object of {kind} hyperparameters", unknown)
    for key, value in params.items():
        if key == "hidden_layer_sizes":
            ok = isinstance(value, list) and all(is_int(s, 1) for s in value)
        elif key == "class_weight" and isinstance(value, dict):
            ok = len(value) <= max(2, sizes[-1]) and all(
                is_text(k) and is_number(w) for k, w in value.items())
        else:
            ok = value is None or type(value) is bool or is_number(value) or is_text(value)
        if not ok:
            raise Invalid(f"params.{key}", "a plain number or text", value)


def estimator_specs(meta: dict[str, Any]) -> dict[str, tuple[np.dtype | Kinds, tuple]]:
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


def shallow_specs(shapes: dict[str, tuple]) -> dict[str, tuple[np.dtype | Kinds, tuple]] | None:
    """The article's W1, b1, W2, b2, whose sizes W1's and W2's shapes fix.

    None unless W1 and W2 are non-empty matrices.
    """
    W1, W2 = shapes.get("W1"), shapes.get("W2")
    if W1 is None or W2 is None or len(W1) != 2 or len(W2) != 2 or min(*W1, *W2) < 1:
        return None
    (n_h, n_x), n_y, f8 = W1, W2[0], np.dtype(np.float64)
    return {"W1": (f8, (n_h, n_x)), "b1": (f8, (n_h, 1)), "W2": (f8, (n_y, n_h)),
            "b2": (f8, (n_y, 1))}
