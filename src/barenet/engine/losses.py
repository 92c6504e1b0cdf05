"""Output layers and their losses, computed stably.

Each task pairs an output activation with the loss it is the natural partner
of.  For every pair here the gradient of the mean loss with respect to the
output pre-activation ``Z`` is the same simple expression, ``(A - Y) / m``
(see :func:`output_delta`), which is why the pairs are fixed:

============== ==================  ================================
task           output ``A``        loss per sample
============== ==================  ================================
``binary``     sigmoid             ``-[y log a + (1-y) log(1-a)]``
``multilabel`` sigmoid per column  the same, summed over columns
``multiclass`` softmax             ``-sum_k y_k log a_k``
``regression`` identity            ``(a - y)**2 / 2``, summed over columns
``poisson``    exp                 ``y log(y/a) - y + a``, summed over columns
============== ==================  ================================

The last is half the Poisson deviance of a mean ``a = exp(z)``: the log
link, under which the gradient is again ``(A - Y) / m``.

Shapes follow the rows = samples layout: ``Z``, ``A`` and ``Y`` are
``(n_samples, n_outputs)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import xlogy

from .activations import identity, sigmoid

Array = np.ndarray


def softmax(Z: Array, out: Array | None = None) -> Array:
    """Row-wise softmax ``A_ik = exp(Z_ik) / sum_j exp(Z_ij)``.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
    out : ndarray of shape (n_samples, n_classes), optional
        Array to write the result into.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Each row sums to one.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import softmax
    >>> A = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    >>> A.round(3).tolist()
    [[0.09, 0.245, 0.665], [0.333, 0.333, 0.333]]
    >>> A.sum(axis=1).round(12).tolist()
    [1.0, 1.0]
    """
    # NOTE: subtracting the row maximum leaves the result unchanged and keeps
    # every exponent <= 0, so nothing overflows.
    E = np.exp(np.subtract(Z, Z.max(axis=1, keepdims=True), out=out), out=out)
    return np.divide(E, E.sum(axis=1, keepdims=True), out=E)


def _mean_over_samples(per_entry: Array, sample_weight: Array | None) -> float:
    """Sum over outputs, (weighted) mean over samples, of an ``(m, k)`` or ``(m,)`` array."""
    if sample_weight is None:
        return float(per_entry.sum()) / per_entry.shape[0]
    per_sample = per_entry.sum(axis=1) if per_entry.ndim == 2 else per_entry
    return float(np.dot(per_sample, sample_weight) / np.sum(sample_weight))


def binary_log_loss(Y: Array, A: Array, sample_weight: Array | None = None) -> float:
    """Binary cross-entropy from probabilities, the article's formula.

    ``J = -(1/m) sum [Y log A + (1 - Y) log(1 - A)]``, summed over columns.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Targets in ``{0, 1}``.
    A : ndarray of shape (n_samples, n_outputs)
        Predicted probabilities.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float
        Equal to the textbook value wherever that is finite.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import binary_log_loss
    >>> Y = np.array([[1.0], [0.0]])
    >>> A = np.array([[0.9], [0.2]])  # predicted probabilities of class 1
    >>> round(binary_log_loss(Y, A), 4)  # -(log 0.9 + log 0.8) / 2
    0.1643
    """
    # NOTE: a saturated sigmoid returns exactly 0 or 1 and log(0) = -inf would
    # turn 0 * log(0) into NaN.  Clipping the logs' arguments at the smallest
    # normal number changes nothing where the textbook value is finite.
    tiny = np.finfo(A.dtype).tiny if A.dtype.kind == "f" else np.finfo(float).tiny
    per_entry = Y * np.log(np.maximum(A, tiny)) + (1 - Y) * np.log(np.maximum(1 - A, tiny))
    return -_mean_over_samples(per_entry, sample_weight)


def binary_log_loss_from_logits(
    Y: Array, Z: Array, sample_weight: Array | None = None
) -> float:
    """Binary cross-entropy of ``sigmoid(Z)``, computed from the logits ``Z``.

    Uses ``-[y log s(z) + (1-y) log(1-s(z))] = log(1 + exp(z)) - y z``, which is
    exact for every finite ``z`` (no probability is rounded to 0 or 1 first).

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Targets in ``[0, 1]``.
    Z : ndarray of shape (n_samples, n_outputs)
        Output pre-activations.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import binary_log_loss_from_logits
    >>> Y = np.array([[1.0], [0.0]])
    >>> Z = np.log(np.array([[0.9], [0.2]]) / np.array([[0.1], [0.8]]))  # logits of 0.9, 0.2
    >>> round(binary_log_loss_from_logits(Y, Z), 4)
    0.1643
    >>> binary_log_loss_from_logits(Y, np.array([[1000.0], [-1000.0]]))  # exact, no overflow
    0.0
    """
    if sample_weight is None:
        # NOTE: summing the two terms before subtracting rounds no worse than
        # subtracting per entry (either way each entry carries an absolute
        # error of about eps |z|), in two passes over the data fewer.
        return (float(np.logaddexp(0, Z).sum()) - float(np.vdot(Y, Z))) / Z.shape[0]
    per_entry = np.logaddexp(0, Z)
    per_entry -= Y * Z
    return _mean_over_samples(per_entry, sample_weight)


def categorical_log_loss_from_logits(
    Y: Array, Z: Array, sample_weight: Array | None = None
) -> float:
    """Categorical cross-entropy of ``softmax(Z)``, from the logits.

    ``-sum_k y_k log softmax(z)_k``, with the log-softmax computed without
    overflow (:func:`log_softmax`), for one-hot (or probability) rows ``y``.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes)
        One-hot targets.
    Z : ndarray of shape (n_samples, n_classes)
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import categorical_log_loss_from_logits
    >>> Y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # one-hot targets
    >>> Z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    >>> round(categorical_log_loss_from_logits(Y, Z), 4)  # -(log 0.665 + log 1/3) / 2
    0.7531
    """
    return -_mean_over_samples(Y * log_softmax(Z), sample_weight)


def squared_error(Y: Array, Z: Array, sample_weight: Array | None = None) -> float:
    """Half the squared error, ``(1/m) sum (Z - Y)**2 / 2`` (summed over columns).

    Parameters
    ----------
    Y, Z : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import squared_error
    >>> squared_error(np.array([[1.0], [2.0]]), np.array([[1.5], [2.0]]))  # 0.5**2 / 2 / 2
    0.0625
    """
    return _mean_over_samples((Z - Y) ** 2, sample_weight) / 2


def exp(Z: Array, out: Array | None = None) -> Array:
    """Exponential ``A = exp(Z)``: the Poisson output, a positive mean from a log-mean.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_outputs)
    out : ndarray of shape (n_samples, n_outputs), optional
        Array to write the result into (may be ``Z`` itself).

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
        Positive wherever ``exp(Z)`` is a normal number; ``inf`` above
        ``log`` of the largest float (709.78 in float64, 88.72 in float32).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import exp
    >>> exp(np.array([0.0, 1.0])).round(4).tolist()
    [1.0, 2.7183]
    """
    # NOTE: a mean above the largest float cannot be represented: it is inf,
    # without a warning, and so is the loss, which training reports as a
    # divergence.
    with np.errstate(over="ignore"):
        return np.exp(Z, out=out)


def half_poisson_deviance(Y: Array, Z: Array, sample_weight: Array | None = None) -> float:
    """Half the Poisson deviance of the means ``exp(Z)``, from the log-means ``Z``.

    ``J = (1/m) sum [y log(y / mu) - y + mu]`` with ``mu = exp(z)`` and
    ``0 log 0 = 0``, summed over columns: scikit-learn's
    ``MLPRegressor(loss="poisson")`` loss, zero where every ``mu = y``.
    It is computed as ``y log y - y z - y + exp(z)``.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Non-negative targets (counts, rates).
    Z : ndarray of shape (n_samples, n_outputs)
        Output pre-activations, the logs of the predicted means.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    float
        Finite wherever every ``exp(z)`` is; ``inf`` (never NaN, and
        without a warning) where one overflows.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import half_poisson_deviance
    >>> Y = np.array([[1.0], [2.0]])
    >>> half_poisson_deviance(Y, np.log(Y))  # means equal to the counts: no deviance
    0.0
    >>> round(half_poisson_deviance(Y, np.zeros((2, 1))), 4)  # every mean 1
    0.1931
    """
    # NOTE: log(y / exp(z)) is y's log minus z exactly: a mean rounded to 0
    # (z below -745) or to inf first would turn a finite loss into inf or NaN.
    per_entry = exp(Z)
    per_entry += xlogy(Y, Y) - Y * (Z + 1)
    return _mean_over_samples(per_entry, sample_weight)


def output_delta(
    A: Array, Y: Array, sample_weight: Array | None = None, out: Array | None = None,
    scale: float = 1.0,
) -> Array:
    """Gradient of the mean loss with respect to the output pre-activation.

    ``dZ = (A - Y) / m``, or with sample weights ``s``:
    ``dZ_i = s_i (A_i - Y_i) / sum(s)``.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_outputs)
        Output activations.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, same encoding as ``A``; ``(n_samples, 1)`` is broadcast to
        every output column.
    sample_weight : ndarray of shape (n_samples,), optional
    out : ndarray of shape (n_samples, n_outputs), optional
        Array to write the result into; training loops pass one to reuse a buffer.
    scale : float, default 1
        A factor applied in the same pass: gradient descent passes its
        learning rate, so that every gradient computed from ``dZ`` comes out
        as the step ``learning_rate * gradient``.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)

    Notes
    -----
    Valid only for the pairs of :data:`OUTPUTS`: sigmoid with binary
    cross-entropy, softmax with categorical cross-entropy, identity with half
    squared error, exp with half Poisson deviance (the log link is canonical:
    ``d/dz [exp(z) - y z] = exp(z) - y``).  For any other pairing the chain
    rule does not collapse.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import output_delta
    >>> A = np.array([[0.9], [0.2]])
    >>> Y = np.array([[1.0], [0.0]])
    >>> output_delta(A, Y).round(4).tolist()  # (A - Y) / 2
    [[-0.05], [0.1]]
    """
    dZ = np.subtract(A, Y, out=out)
    if sample_weight is None:
        return np.multiply(dZ, scale / A.shape[0], out=dZ)
    weight = sample_weight * (scale / np.sum(sample_weight))
    return np.multiply(dZ, weight.astype(A.dtype, copy=False)[:, None], out=dZ)


@dataclass(frozen=True)
class Output:
    """An output activation paired with its loss (computed from logits).

    Examples
    --------
    >>> from barenet.engine.losses import OUTPUTS
    >>> out = OUTPUTS["multiclass"]
    >>> out.activation.__name__, out.loss.__name__
    ('softmax', 'categorical_log_loss_from_logits')
    """

    name: str
    activation: Callable[..., Array]
    loss: Callable[..., float]


OUTPUTS: dict[str, Output] = {
    "binary": Output("binary", sigmoid, binary_log_loss_from_logits),
    "multilabel": Output("multilabel", sigmoid, binary_log_loss_from_logits),
    "multiclass": Output("multiclass", softmax, categorical_log_loss_from_logits),
    "regression": Output("regression", identity, squared_error),
    "poisson": Output("poisson", exp, half_poisson_deviance),
}


def log_sigmoid(Z: Array) -> Array:
    """``log(sigmoid(Z)) = -log(1 + exp(-Z))``, exact for every finite ``Z``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import log_sigmoid
    >>> log_sigmoid(np.array([-1000.0, 0.0])).round(4).tolist()  # log(sigmoid) would give -inf
    [-1000.0, -0.6931]
    """
    return -np.logaddexp(0, -Z)


def log_softmax(Z: Array) -> Array:
    """Row-wise ``log(softmax(Z)) = Z - logsumexp(Z)``, computed without overflow.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.losses import log_softmax
    >>> log_softmax(np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, 0.0]])).round(3).tolist()
    [[-2.408, -1.408, -0.408], [0.0, -1000.0, -1000.0]]
    """
    Zmax = Z.max(axis=1, keepdims=True)
    return Z - (Zmax + np.log(np.exp(Z - Zmax).sum(axis=1, keepdims=True)))
