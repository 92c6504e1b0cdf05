"""Gradient checking: backpropagation against central finite differences.

:func:`check_gradients` takes a fitted estimator (or a bare
:class:`~barenet.engine.network.Network`), computes every parameter gradient
with the network's own :meth:`~barenet.engine.network.Network.backward` (the
pass every model trains with) and compares each one with the slope of the
very same loss (:meth:`~barenet.engine.network.Network.loss`) measured by
nudging that parameter up and down.
It is the test every hand-written backward pass should face, and the first
thing to run on a custom activation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted, validate_data

from ._course_checks import check_parameters, check_XY
from ._course_network import to_network, to_parameters
from .engine.network import Network
from .estimators import _BaseNeuralNet

Array = np.ndarray

__all__ = ["GradientReport", "check_gradients", "relative_error"]


def central_difference(loss: Any, theta: Array, epsilon: float = 1e-6) -> Array:
    """Numerical gradient of ``loss()`` with respect to the array ``theta``.

    ``(loss(theta + e) - loss(theta - e)) / (2 epsilon)`` entry by entry;
    ``theta`` is changed in place and restored.

    Parameters
    ----------
    loss : callable
        ``loss() -> float``, reading ``theta``.
    theta : ndarray
    epsilon : float, default 1e-6

    Returns
    -------
    ndarray shaped like ``theta``
    """
    estimate = np.empty_like(theta)
    for idx in np.ndindex(theta.shape):
        old = theta[idx]
        theta[idx] = old + epsilon
        up = loss()
        theta[idx] = old - epsilon
        down = loss()
        theta[idx] = old
        estimate[idx] = (up - down) / (2 * epsilon)
    return estimate


def relative_error(analytic: Array, numeric: Array) -> float:
    """Relative error of two gradient arrays.

    ``||a - n|| / max(||a|| + ||n||, tiny)`` with Frobenius norms, ``tiny``
    the smallest positive normal float64.  It is 0 when the arrays agree, at
    most 1 otherwise, and does not blow up when both gradients are zero.

    Parameters
    ----------
    analytic, numeric : ndarray
        The same shape.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.gradcheck import relative_error
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.ones(2), -np.ones(2))  # opposite directions: the largest error
    1.0
    >>> round(relative_error(np.array([1.0]), np.array([1.001])), 6)
    0.0005
    """
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / max(scale, np.finfo(np.float64).tiny))


@dataclass
class GradientReport:
    """What :func:`check_gradients` found, one entry per parameter array.

    Attributes
    ----------
    errors : dict of str to float
        Relative error (see :func:`relative_error`) of each array, keyed by
        name (``"coefs_[0]"``, ``"intercepts_[1]"``, ...), weights first.
    analytic, numeric : dict of str to ndarray
        The backpropagated and the finite-difference gradients, by name.
    loss : float
        The loss at the checked parameters (penalty included).
    epsilon : float
        The finite-difference step.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import NeuralNetRegressor, check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(10, 2), rng.randn(10)
    >>> reg = NeuralNetRegressor(hidden_layer_sizes=(3,), max_iter=2, n_iter_no_change=None,
    ...                          random_state=0).fit(X, y)
    >>> report = check_gradients(reg, X, y)
    >>> sorted(report.errors) == sorted(report.analytic)
    True
    >>> report.analytic["coefs_[0]"].shape, report.passed(), report.max_error < 1e-6
    ((2, 3), True, True)
    """

    errors: dict[str, float]
    analytic: dict[str, Array] = field(repr=False)
    numeric: dict[str, Array] = field(repr=False)
    loss: float
    epsilon: float

    @property
    def max_error(self) -> float:
        """The largest relative error over all arrays."""
        return max(self.errors.values())

    def passed(self, tol: float = 1e-6) -> bool:
        """Whether every array's relative error is below ``tol``."""
        return self.max_error < tol

    def __str__(self) -> str:
        width = max(len("parameter"), *map(len, self.errors))
        lines = [f"{'parameter':<{width}}  {'shape':>10}  relative error"]
        for name, error in self.errors.items():
            shape = "x".join(map(str, self.analytic[name].shape))
            lines.append(f"{name:<{width}}  {shape:>10}  {error:.3e}")
        lines.append(f"max relative error {self.max_error:.3e} "
                     f"(loss {self.loss:.6g}, epsilon {self.epsilon:g})")
        return "\n".join(lines)


def _from_estimator(model: _BaseNeuralNet, X: Any, y: Any, sample_weight: Any):
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise NotFittedError(
            f"this {type(model).__name__} has no weights to check; fit it first"
        ) from None
    # The estimator's own validation and encoding, as in fit: the check sees
    # the targets and sample weights that training would see.
    X, y = validate_data(model, X, y, reset=False, dtype=model._dtype(), multi_output=True,
                         y_numeric=isinstance(model, RegressorMixin))
    Y = model._encode_targets(y, first=False)
    sw = model._sample_weight(y, sample_weight, X, incremental=False)
    return model._network(), X, Y, sw, model.alpha, _by_layer("coefs_", "intercepts_")


def _from_network(net: Network, X: Any, Y: Any, sample_weight: Any):
    X, Y = np.asarray(X), np.asarray(Y)
    n_features, n_outputs = net.layer_sizes[0], net.layer_sizes[-1]
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"X has shape {X.shape}, but the network takes {n_features} features; "
            f"pass an array of shape (n_samples, {n_features})")
    if Y.shape != (X.shape[0], n_outputs):
        raise ValueError(
            f"Y has shape {Y.shape}, but X has {X.shape[0]} samples and the network "
            f"{n_outputs} outputs; pass the encoded targets, shape ({X.shape[0]}, {n_outputs})")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
        if sample_weight.shape != (X.shape[0],):
            raise ValueError(f"sample_weight has shape {sample_weight.shape}, but X has "
                             f"{X.shape[0]} samples")
    return net, X, Y, sample_weight, 0.0, _by_layer("coefs", "intercepts")


def _from_course(parameters: dict, X: Any, Y: Any, sample_weight: Any):
    """The article's ``W1, b1, W2, b2`` with the course's ``X (n_x, m)`` and ``Y (1, m)``."""
    X, Y = check_XY(X, Y)
    check_parameters(parameters, X.shape[0])
    net = to_network(parameters)
    _, X, Y, sample_weight, _, _ = _from_network(net, X.T, Y.T, sample_weight)

    def arrays(net: Network, vector: Array) -> dict[str, Array]:
        return to_parameters(net, vector)       # the course's names and shapes

    return net, X, Y, sample_weight, 0.0, arrays


def _by_layer(coefs: str, intercepts: str):
    """The gradient vector as scikit-learn's arrays, named ``coefs[i]`` then ``intercepts[i]``."""
    def arrays(net: Network, vector: Array) -> dict[str, Array]:
        named = {f"{coefs}[{i}]": W for i, W in enumerate(net.coefs(vector))}
        named.update({f"{intercepts}[{i}]": b for i, b in enumerate(net.intercepts(vector))})
        return {name: np.array(a) for name, a in named.items()}

    return arrays


def check_gradients(
    model: _BaseNeuralNet | Network,
    X: Any,
    y: Any,
    *,
    epsilon: float = 1e-6,
    sample_weight: Any = None,
    alpha: float | None = None,
) -> GradientReport:
    """Compare backpropagation with central finite differences of the same loss.

    For every parameter ``theta_j`` the numeric gradient is
    ``(J(theta_j + eps) - J(theta_j - eps)) / (2 eps)``, where ``J`` is the
    network's :meth:`~barenet.engine.network.Network.loss` (data loss plus
    the L2 penalty ``alpha / (2 m) * sum ||W||**2``) after its forward pass,
    and the analytic gradient is what its
    :meth:`~barenet.engine.network.Network.backward` returns: the forward and
    backward passes that training runs.  Each parameter array gets one relative error,
    ``||a - n|| / max(||a|| + ||n||, tiny)`` (:func:`relative_error`).

    Parameters
    ----------
    model : NeuralNetClassifier, NeuralNetRegressor, dict or Network
        A fitted estimator, checked at its current weights with the targets
        encoded and weighted as its ``fit`` would (``class_weight``
        included); the article's parameters ``W1, b1, W2, b2`` (a dict, as
        :func:`barenet.shallow.nn_model` returns), reported under those
        names and shapes; or a :class:`~barenet.engine.network.Network`.
    X : array-like of shape (n_samples, n_features)
        A few samples are enough: the check costs two loss evaluations per
        parameter.  For the article's parameters, the course's layout
        ``(n_x, m)``.
    y : array-like
        For an estimator, targets as passed to ``fit``.  For the article's
        parameters, the course's 0/1 labels ``Y`` of shape ``(1, m)``.  For a
        ``Network``, the encoded target matrix ``Y`` of shape
        ``(n_samples, n_outputs)`` (0/1 columns, one-hot rows or values).
    epsilon : float, default 1e-6
        Finite-difference step.
    sample_weight : array-like of shape (n_samples,), optional
    alpha : float, optional
        L2 penalty; default the estimator's ``alpha``, or 0 for a ``Network``.

    Returns
    -------
    GradientReport
        Per-array relative errors, ``max_error``, ``passed(tol)`` and a
        printable table.

    Raises
    ------
    ValueError
        If the estimator is not fitted (``NotFittedError``, a ``ValueError``),
        or ``X``, ``y`` or ``sample_weight`` do not match the model.

    Notes
    -----
    The check runs on float64 copies of the parameters, data and targets,
    even for a model fitted with ``dtype="float32"``: single precision cannot
    resolve a finite difference to more than a few digits.  It therefore
    checks the gradient formulas, not float32 rounding.  The model itself is
    not modified.  Near a kink (relu at 0) the finite difference is not a
    derivative; check at points where no pre-activation is within
    ``epsilon`` of one.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import NeuralNetClassifier, check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(20, 3), rng.randint(0, 3, 20)
    >>> clf = NeuralNetClassifier((5,), activation="tanh", alpha=0.1, max_iter=5,
    ...                           n_iter_no_change=None, random_state=0).fit(X, y)
    >>> report = check_gradients(clf, X, y)
    >>> report.passed()
    True
    >>> list(report.errors)
    ['coefs_[0]', 'coefs_[1]', 'intercepts_[0]', 'intercepts_[1]']
    """
    if isinstance(model, _BaseNeuralNet):
        net, X, Y, sw, model_alpha, arrays = _from_estimator(model, X, y, sample_weight)
    elif isinstance(model, Network):
        net, X, Y, sw, model_alpha, arrays = _from_network(model, X, y, sample_weight)
    elif isinstance(model, dict):
        net, X, Y, sw, model_alpha, arrays = _from_course(model, X, y, sample_weight)
    else:
        raise TypeError(f"model must be a fitted NeuralNetClassifier or NeuralNetRegressor, "
                        f"the article's parameters (a dict of W1, b1, W2, b2) or a Network; "
                        f"got {type(model).__name__}")
    alpha = float(model_alpha if alpha is None else alpha)
    net = Network.from_weights([np.asarray(W, np.float64) for W in net.coefs()],
                               net.intercepts(), net.hidden, net.output)  # a copy: nudged below
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    sw = None if sw is None else np.asarray(sw, dtype=np.float64)
    value, analytic = net.loss_and_gradient(X, Y, sw, alpha)

    def loss() -> float:
        net.forward(X.shape[0])
        return net.loss(Y, sw, alpha)

    numeric = central_difference(loss, net.theta, epsilon)
    by_name, numeric_by_name = arrays(net, analytic), arrays(net, numeric)
    errors = {name: relative_error(a, numeric_by_name[name]) for name, a in by_name.items()}
    return GradientReport(errors, by_name, numeric_by_name, value, epsilon)
