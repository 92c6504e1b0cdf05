"""The sharpness of the cost at a point: Hessian-vector products and power iteration.

The linear algebra of :mod:`barenet.stability`, which re-exports these
functions and documents the edge of stability they measure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._course_checks import check_parameters, check_XY
from ._course_network import to_network, to_parameters

Array = np.ndarray
Parameters = dict[str, Array]

# NOTE: central differences err by O(h**2) (truncation) plus O(u / h)
# (rounding, u the machine epsilon); a step h of u**(1/3) times the scale of
# the parameters balances the two: 1e-10 to 1e-8 relative on the article's run.
EPSILON_SCALE = np.finfo(np.float64).eps ** (1 / 3)


def flatten(parameters: Parameters) -> Array:
    """The parameters as one vector, laid out as the engine's network holds them.

    ``[W1 | b1]`` row by row, then ``[W2 | b2]``
    (:attr:`barenet.engine.network.Network.theta`): every Hessian here acts
    on that vector, so its eigenvalues are those of the course's parameters.

    Parameters
    ----------
    parameters : dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (1, n_h), ``b2`` (1, 1).

    Returns
    -------
    ndarray of shape (n_h n_x + 2 n_h + 1,)
        A copy.

    Examples
    --------
    >>> from barenet import shallow, stability
    >>> parameters = shallow.initialize_parameters(n_x=2, n_h=3, n_y=1)
    >>> theta = stability.flatten(parameters)
    >>> theta.shape  # 3 * 2 weights + 3 biases, then 3 weights + 1 bias
    (13,)
    >>> bool((theta[:2] == parameters["W1"][0]).all()), float(theta[2])  # [W1 | b1], row 0
    (True, 0.0)
    """
    check_parameters(parameters)
    return to_network(parameters).theta.copy()


def unflatten(theta: Array, like: Parameters) -> Parameters:
    """The dictionary ``W1, b1, W2, b2`` shaped like ``like`` from the vector ``theta``.

    The inverse of :func:`flatten`: ``unflatten(flatten(p), p)`` equals ``p``.

    Parameters
    ----------
    theta : ndarray of shape (n_parameters,)
    like : dict
        Parameters whose shapes to take.

    Returns
    -------
    dict of ndarray (copies)

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow, stability
    >>> parameters = shallow.initialize_parameters(n_x=2, n_h=3, n_y=1)
    >>> back = stability.unflatten(stability.flatten(parameters), parameters)
    >>> all(np.array_equal(back[k], parameters[k]) for k in parameters)
    True
    """
    net = to_network(like)
    if np.shape(theta) != net.theta.shape:
        raise ValueError(f"theta has shape {np.shape(theta)}, but these parameters need "
                         f"{net.theta.shape}; build it with flatten(parameters)")
    return to_parameters(net, np.asarray(theta, dtype=float))


def gradient_function(parameters: Parameters, X: Array, Y: Array) -> Callable[[Array], Array]:
    """``theta -> dJ/dtheta`` for the network shaped like ``parameters``, on ``X, Y``.

    :func:`~barenet.shallow.backward_propagation`'s gradient, laid out as by
    :func:`flatten`, from the engine's network built once with the data in: a
    call is one forward and one backward pass, without the course's checks and copies.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, W2, b2``: only their shapes are used.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    callable
        ``gradient(theta) -> ndarray`` of the same shape as ``theta``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> parameters = shallow.initialize_parameters(2, 3, 1)
    >>> gradient = stability.gradient_function(parameters, X, Y)
    >>> g = stability.unflatten(gradient(stability.flatten(parameters)), parameters)
    >>> _, cache = shallow.forward_propagation(X, parameters)
    >>> grads = shallow.backward_propagation(parameters, cache, X, Y)
    >>> all(np.allclose(g[k], grads["d" + k]) for k in parameters)
    True
    """
    X, Y = check_XY(X, Y)
    check_parameters(parameters, X.shape[0])
    net = to_network(parameters)
    m, Y_T = X.shape[1], Y.T
    net.inputs(m)[...] = X

    def gradient(theta: Array) -> Array:
        net.theta[...] = theta
        net.forward(m)
        return net.backward(Y_T).copy()

    return gradient


def finite_difference_product(gradient: Callable[[Array], Array], theta: Array, v: Array,
                              epsilon: float | None) -> Array:
    """``H v ~ (grad(theta + h u) - grad(theta - h u)) ||v|| / (2 h)``, ``u = v / ||v||``."""
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        return np.zeros_like(theta)
    h = EPSILON_SCALE * (1.0 + float(np.linalg.norm(theta))) if epsilon is None else epsilon
    u = v / norm
    return (gradient(theta + h * u) - gradient(theta - h * u)) * (norm / (2.0 * h))


def hessian_vector_product(parameters: Parameters, X: Array, Y: Array, v: Array,
                           epsilon: float | None = None) -> Array:
    """``H v``, the Hessian of the cost times ``v``, by central differences of the gradient.

    ``H v = (grad J(theta + h u) - grad J(theta - h u)) ||v|| / (2 h) + O(h**2)``
    with ``u = v / ||v||``: the derivative of the gradient along ``v``.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, W2, b2``, the point ``theta``.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    v : ndarray of shape (n_parameters,)
        Laid out as :func:`flatten` lays out ``theta``.
    epsilon : float, optional
        The step ``h`` along the unit vector ``u``; by default
        ``eps**(1/3) (1 + ||theta||)``, ``eps`` the machine epsilon, which
        makes the product accurate to about ``1e-8`` relative.

    Returns
    -------
    ndarray of shape (n_parameters,)

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> parameters = shallow.initialize_parameters(2, 3, 1)
    >>> v = np.zeros(13)
    >>> v[-1] = 1.0  # along b2: the curvature there is the mean of A2 (1 - A2)
    >>> Hv = stability.hessian_vector_product(parameters, X, Y, v)
    >>> Hv.shape, round(float(Hv[-1]), 4)
    ((13,), 0.25)
    """
    theta = flatten(parameters)
    v = np.asarray(v, dtype=float)
    if v.shape != theta.shape:
        raise ValueError(f"v has shape {v.shape}, but the network has {theta.size} "
                         f"parameters; lay it out like flatten(parameters)")
    return finite_difference_product(gradient_function(parameters, X, Y), theta, v, epsilon)


def _power_iteration(matvec: Callable[[Array], Array], v: Array, iterations: int,
                     tol: float, shift: float = 0.0) -> tuple[float, Array, int]:
    """Eigenvalue of largest magnitude of ``A - shift I`` from ``v``, plus ``shift``."""
    v = v / np.linalg.norm(v)
    value = np.inf
    for k in range(1, iterations + 1):
        w = matvec(v) - shift * v
        new = float(v @ w)                              # Rayleigh quotient v^T (A - shift) v
        size = float(np.linalg.norm(w))
        if size == 0.0:                                 # v is in the null space
            return shift, v, k
        done = abs(new - value) <= tol * abs(new)
        value, v = new, w / size
        if done:
            break
    return value + shift, v, k


def largest_eigenvalue(matvec: Callable[[Array], Array], start: Array, iterations: int = 100,
                       tol: float = 1e-9) -> tuple[float, Array]:
    """The largest (algebraic) eigenvalue of a symmetric matrix known by its products.

    Power iteration ``v <- A v / ||A v||`` turns ``v`` towards the eigenvector
    of the eigenvalue of largest magnitude, estimated by the Rayleigh quotient
    ``v^T A v``.  If that eigenvalue ``mu`` is negative, iterating again on
    ``A - mu I`` (eigenvalues ``lambda - mu >= 0``) finds ``lambda_max - mu``.

    Parameters
    ----------
    matvec : callable
        ``v -> A v`` for a symmetric ``A``.
    start : ndarray of shape (n,)
        First vector; any with a component along the wanted eigenvector.
    iterations : int, default 100
        Products at most in each of the (one or two) runs.
    tol : float, default 1e-9
        Stop once the quotient changes by less than ``tol`` times itself.

    Returns
    -------
    value : float
        ``lambda_max``.
    vector : ndarray of shape (n,)
        Its unit eigenvector (approximately).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import stability
    >>> A = np.diag([3.0, -5.0, 1.0])  # -5 is the largest in magnitude, 3 the largest
    >>> value, vector = stability.largest_eigenvalue(lambda v: A @ v, np.ones(3))
    >>> round(value, 4), np.abs(vector).round(3).tolist()
    (3.0, [1.0, 0.0, 0.0])
    """
    start = np.asarray(start, dtype=float)
    if not np.any(start):
        raise ValueError("start is the zero vector; power iteration needs a nonzero one")
    value, vector, _ = _power_iteration(matvec, start, iterations, tol)
    if value < 0:
        value, vector, _ = _power_iteration(matvec, start, iterations, tol, shift=value)
    return value, vector


def sharpness(parameters: Parameters, X: Array, Y: Array, iterations: int = 100,
              seed: int = 0) -> float:
    """The sharpness: the largest eigenvalue of the cost's Hessian at ``parameters``.

    ``lambda_max(H)``, ``H = d^2 J / d theta^2``, by :func:`largest_eigenvalue` on
    :func:`hessian_vector_product`'s products.  Gradient descent at learning
    rate ``alpha`` is stable along the sharpest direction only while ``lambda_max < 2 / alpha``.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, W2, b2``.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    iterations : int, default 100
        Hessian-vector products at most per power iteration.
    seed : int, default 0
        Seed of the random first vector (``numpy.random.default_rng``).

    Returns
    -------
    float

    Examples
    --------
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> parameters = shallow.nn_model(X, Y, n_h=3, num_iterations=300)
    >>> value = stability.sharpness(parameters, X, Y)
    >>> bool(0 < value < 2 / 1.2)  # below 2 / alpha: gradient descent was stable
    True
    """
    theta = flatten(parameters)
    gradient = gradient_function(parameters, X, Y)
    start = np.random.default_rng(seed).standard_normal(theta.size)
    value, _ = largest_eigenvalue(
        lambda v: finite_difference_product(gradient, theta, v, None), start, iterations)
    return value
