"""Activation functions, each written beside its derivative.

Every activation is a pair of pure functions looked up by name in
:data:`ACTIVATIONS`:

* ``forward(Z) -> A`` applies the non-linearity element-wise;
* ``derivative(Z, A) -> dA/dZ`` gives the element-wise slope.  The built-in
  ones read it from the cached output ``A`` (``1 - A**2`` for tanh), which is
  what backpropagation has at hand; ``Z`` is passed too so that a custom
  activation can use either.

All functions keep the dtype of their input (float32 stays float32).  The
built-in ones also take ``out=``, an array to write into, so that training
loops can reuse buffers; their results are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

Array = np.ndarray

LEAKY_RELU_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An activation function and its derivative.

    Parameters
    ----------
    name : str
        Name used in error messages and model files.
    forward : callable
        ``forward(Z) -> A``, element-wise.
    derivative : callable
        ``derivative(Z, A) -> dA/dZ``, element-wise, same shape as ``Z``.
    accepts_out : bool, default False
        Whether both functions take ``out=`` (an array to write into).
    slope_from_output : bool, default False
        Whether ``derivative`` reads only ``A`` (it is then called with
        ``Z=None``, and with ``out=A`` when ``accepts_out``): a training loop
        may let ``A`` overwrite ``Z``, and the slope overwrite ``A``.  True
        for every built-in activation.

    Examples
    --------
    >>> import numpy as np
    >>> softplus = Activation("softplus", lambda Z: np.logaddexp(0, Z),
    ...                       lambda Z, A: sigmoid(Z))
    >>> float(softplus.forward(np.array(0.0)))
    0.6931471805599453
    """

    name: str
    forward: Callable[..., Array]
    derivative: Callable[..., Array]
    accepts_out: bool = False
    slope_from_output: bool = False

    def forward_into(self, Z: Array, out: Array) -> Array:
        """``forward(Z)`` written into ``out``."""
        if self.accepts_out:
            return self.forward(Z, out=out)
        out[...] = self.forward(Z)
        return out

    def derivative_into(self, Z: Array, A: Array, out: Array) -> Array:
        """``derivative(Z, A)`` written into ``out``."""
        if self.accepts_out:
            return self.derivative(Z, A, out=out)
        out[...] = self.derivative(Z, A)
        return out


def identity(Z: Array, out: Array | None = None) -> Array:
    """Identity ``A = Z``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import identity
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> identity(Z).round(4).tolist()
    [-2.0, 0.0, 3.0]
    """
    if out is None or out is Z:
        return Z
    np.copyto(out, Z)
    return out


def identity_derivative(Z: Array, A: Array, out: Array | None = None) -> Array:
    """Slope of the identity: ones.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import identity, identity_derivative
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> identity_derivative(Z, identity(Z)).round(4).tolist()
    [1.0, 1.0, 1.0]
    """
    if out is None:
        return np.ones_like(A)
    out.fill(1)
    return out


def sigmoid(Z: Array, out: Array | None = None) -> Array:
    """Logistic sigmoid ``A = 1 / (1 + exp(-Z))``, computed without overflow.

    Parameters
    ----------
    Z : ndarray
        Pre-activations, any shape.
    out : ndarray, optional
        Array to write the result into (same shape as ``Z``, may be ``Z``
        itself); training loops pass one to reuse a buffer.

    Returns
    -------
    ndarray
        Values in ``[0, 1]``, same shape and dtype as ``Z`` (``out`` if given).

    Notes
    -----
    The textbook formula is accurate to rounding for every ``Z``: where
    ``Z`` is very negative, ``1 + exp(-Z)`` carries the relative error of one
    rounding, and below about -709 (-88 in float32) ``exp(-Z)`` overflows to
    ``inf`` and the result is ``1 / inf = 0``, the nearest representable value
    anyway.  The only trouble with it in NumPy is the overflow warning, and
    that it takes four passes over the array.  SciPy's
    :func:`scipy.special.expit` evaluates exactly this formula in compiled
    code, in one pass and without the warning; the sigmoid is on the hot path
    of every binary model, so that is what runs here.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import sigmoid
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> sigmoid(Z).round(4).tolist()
    [0.1192, 0.5, 0.9526]
    >>> sigmoid(np.array([-1000.0, 1000.0])).tolist()  # no overflow warning
    [0.0, 1.0]
    """
    return expit(Z, out=out)


def sigmoid_derivative(Z: Array, A: Array, out: Array | None = None) -> Array:
    """Slope of the sigmoid from its output: ``A (1 - A)``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import sigmoid, sigmoid_derivative
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> sigmoid_derivative(Z, sigmoid(Z)).round(4).tolist()
    [0.105, 0.25, 0.0452]
    """
    # (1 - A goes to a temporary, so that ``out`` may be ``A`` itself.)
    return np.multiply(A, 1 - A, out=out)


def tanh(Z: Array, out: Array | None = None) -> Array:
    """Hyperbolic tangent ``A = tanh(Z)`` (``out``: optional array to write into).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import tanh
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> tanh(Z).round(4).tolist()
    [-0.964, 0.0, 0.9951]
    >>> out = np.empty(3)
    >>> tanh(Z, out=out) is out
    True
    """
    return np.tanh(Z, out=out)


def tanh_derivative(Z: Array, A: Array, out: Array | None = None) -> Array:
    """Slope of tanh from its output: ``1 - A**2`` (``out``: optional array to write into).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import tanh, tanh_derivative
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> tanh_derivative(Z, tanh(Z)).round(4).tolist()
    [0.0707, 1.0, 0.0099]
    """
    return np.subtract(1, np.multiply(A, A, out=out), out=out)


def relu(Z: Array, out: Array | None = None) -> Array:
    """Rectified linear unit ``A = max(Z, 0)``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import relu
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> relu(Z).round(4).tolist()
    [0.0, 0.0, 3.0]
    """
    return np.maximum(Z, 0, out=out)


def relu_derivative(Z: Array, A: Array, out: Array | None = None) -> Array:
    """Slope of relu: 1 where the unit is active, else 0.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import relu, relu_derivative
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> relu_derivative(Z, relu(Z)).round(4).tolist()
    [0.0, 0.0, 1.0]
    """
    if out is None:
        return (A > 0).astype(A.dtype)
    return np.greater(A, 0, out=out, casting="unsafe")


def leaky_relu(Z: Array, out: Array | None = None) -> Array:
    """Leaky relu ``A = Z`` for ``Z > 0``, else ``0.01 Z``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import leaky_relu
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> leaky_relu(Z).round(4).tolist()
    [-0.02, 0.0, 3.0]
    """
    # NOTE: with a slope below 1 this is max(Z, 0.01 Z).  The product goes to
    # a temporary, so that ``out`` may be ``Z`` itself.
    return np.maximum(Z, Z * LEAKY_RELU_SLOPE, out=out)


def leaky_relu_derivative(Z: Array, A: Array, out: Array | None = None) -> Array:
    """Slope of leaky relu: 1 for ``Z > 0``, else 0.01 (read from ``A``, which has Z's sign).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import leaky_relu, leaky_relu_derivative
    >>> Z = np.array([-2.0, 0.0, 3.0])
    >>> leaky_relu_derivative(Z, leaky_relu(Z)).round(4).tolist()
    [0.01, 0.01, 1.0]
    """
    slope = np.where(A > 0, 1, LEAKY_RELU_SLOPE).astype(A.dtype)
    if out is None:
        return slope
    np.copyto(out, slope)
    return out


ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation("identity", identity, identity_derivative, True, True),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, True, True),
    "tanh": Activation("tanh", tanh, tanh_derivative, True, True),
    "relu": Activation("relu", relu, relu_derivative, True, True),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative, True, True),
}
# scikit-learn's MLPClassifier calls the sigmoid "logistic".
ACTIVATIONS["logistic"] = ACTIVATIONS["sigmoid"]


def get_activation(activation: str | Activation | tuple) -> Activation:
    """Look an activation up by name, or wrap a ``(forward, derivative)`` pair.

    Parameters
    ----------
    activation : str, Activation or (callable, callable)
        A name from :data:`ACTIVATIONS`, an :class:`Activation`, or a pair
        ``(forward(Z), derivative(Z))`` whose derivative is written in ``Z``.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If the name is unknown or the pair is not two callables.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import get_activation
    >>> act = get_activation("tanh")
    >>> act.name, act.slope_from_output
    ('tanh', True)
    >>> square = get_activation((np.square, lambda Z: 2 * Z))  # derivative written in Z
    >>> square.forward(np.array([3.0])).tolist()
    [9.0]
    >>> get_activation("swish")
    Traceback (most recent call last):
        ...
    ValueError: ...
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of "
                f"{', '.join(sorted(ACTIVATIONS))}, or pass a (forward, derivative) pair"
            ) from None
    if (
        isinstance(activation, tuple)
        and len(activation) == 2
        and all(callable(f) for f in activation)
    ):
        fn, dfn = activation
        name = getattr(fn, "__name__", "custom")
        return Activation(name, fn, lambda Z, A: dfn(Z))
    raise ValueError(
        f"activation must be a name, an Activation or a (forward, derivative) pair "
        f"of callables, got {activation!r}"
    )
