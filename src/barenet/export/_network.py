"""A fitted model as plain arrays and names: what every exporter reads.

An estimator keeps its weights in scikit-learn's layout (``coefs_[l]`` of
shape ``(n_in, n_out)``), its hidden activations as engine objects and its
output as a key of :data:`~barenet.engine.losses.OUTPUTS`; the article's
parameter dictionary keeps the course's transposed layout.  :func:`network_of`
reads either into one :class:`Network`, checked, in the dtype asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._course_checks import NAMES, check_parameters
from ..engine.activations import ACTIVATIONS

_DTYPES = {"float32": np.float32, "float64": np.float64}


@dataclass(frozen=True)
class Network:
    """A fitted network, as an exporter needs it.

    Attributes
    ----------
    coefs : list of ndarray
        ``coefs[l]`` of shape ``(n_in, n_out)``: ``Z = A @ coefs[l] + intercepts[l]``.
    intercepts : list of ndarray
        ``intercepts[l]`` of shape ``(n_out,)``.
    activations : list of str
        The hidden layers' activations, names of
        :data:`~barenet.engine.activations.ACTIVATIONS`.
    output : str
        "binary", "multilabel", "multiclass", "regression" or "poisson".
    classes : ndarray or None
        The labels that predictions are made of (classifiers only).
    dtype : numpy.dtype
        float32 or float64, the dtype of the weights.
    kind : str
        What the network came from: "NeuralNetClassifier",
        "NeuralNetRegressor" or "shallow".
    """

    coefs: list[np.ndarray]
    intercepts: list[np.ndarray]
    activations: list[str]
    output: str
    classes: np.ndarray | None
    dtype: np.dtype
    kind: str

    @property
    def n_features(self) -> int:
        """Width of the input layer."""
        return int(self.coefs[0].shape[0])

    @property
    def n_outputs(self) -> int:
        """Width of the output layer."""
        return int(self.coefs[-1].shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes (of labels, multi-label); 0 for a regressor."""
        return 0 if self.classes is None else len(self.classes)

    @property
    def is_classifier(self) -> bool:
        """Whether predictions are labels (else values)."""
        return self.classes is not None


def _dtype(dtype: Any, default: Any) -> np.dtype:
    if dtype is None:
        return np.dtype(default)
    try:
        found = np.dtype(dtype)
    except TypeError:
        found = None
    if found not in (np.float32, np.float64):
        raise ValueError(f"dtype must be 'float32', 'float64' or None (the model's), "
                         f"got {dtype!r}")
    return found


def _shallow(parameters: dict, dtype: Any) -> Network:
    """The article's ``W1, b1, W2, b2`` (features x samples) as rows = samples weights."""
    check_parameters(parameters)
    dt = _dtype(dtype, np.float64)
    W1, b1, W2, b2 = (np.asarray(parameters[k], dtype=dt) for k in NAMES)
    return Network([W1.T, W2.T], [b1.ravel(), b2.ravel()], ["tanh"], "binary",
                   np.array([0, 1]), dt, "shallow")


def network_of(model: Any, dtype: Any = None) -> Network:
    """The weights, activations, output and labels of a fitted model.

    Parameters
    ----------
    model : NeuralNetClassifier, NeuralNetRegressor or dict
        A fitted estimator (or one read by :func:`barenet.load`), or the
        article's parameter dictionary (``W1, b1, W2, b2``).
    dtype : {"float32", "float64"} or None, default None
        The dtype to give the weights; None keeps the model's.

    Returns
    -------
    Network

    Raises
    ------
    TypeError
        For anything but those models.
    ValueError
        For a model that is not fitted, has a custom activation, or a
        ``loss`` changed since it was fitted; for a bad ``dtype``.
    """
    from ..estimators import NeuralNetClassifier, NeuralNetRegressor

    if isinstance(model, dict):
        return _shallow(model, dtype)
    if not isinstance(model, NeuralNetClassifier | NeuralNetRegressor):
        raise TypeError(f"cannot export a {type(model).__name__}; export a fitted "
                        "NeuralNetClassifier, NeuralNetRegressor or the article's parameters")
    kind = type(model).__name__
    if not hasattr(model, "coefs_"):
        raise ValueError(f"this {kind} is not fitted; fit it before exporting")
    names = []
    for activation in model._hidden:
        builtin = ACTIVATIONS.get(activation.name)
        if builtin is None or builtin is not activation:
            raise ValueError(f"a custom activation ({activation.name!r}) cannot be exported; "
                             "only the built-in ones have an ONNX and PyTorch counterpart")
        names.append(builtin.name)
    if isinstance(model, NeuralNetRegressor):
        model._check_fitted_output()
    dt = _dtype(dtype, model.coefs_[0].dtype)
    return Network([np.asarray(W, dtype=dt) for W in model.coefs_],
                   [np.asarray(b, dtype=dt) for b in model.intercepts_], names,
                   model._output_name, getattr(model, "classes_", None), dt, kind)
