"""The edge of stability: why the article's cost spikes at learning rate 1.2.

Gradient descent on a quadratic ``J(x) = (lambda / 2) x**2`` steps
``x <- x - alpha lambda x = (1 - alpha lambda) x``: it converges while
``|1 - alpha lambda| < 1``, that is while ``lambda < 2 / alpha``; beyond it
every step overshoots the minimum further than it started, flipping sign each
time (an oscillation of period 2).  Near a point a network's cost is such a
quadratic along each eigenvector of its Hessian ``H``, so what matters is the
**sharpness**, the largest eigenvalue of ``H``, against ``2 / alpha``.

Full-batch gradient descent on networks typically makes the sharpness grow
until it reaches ``2 / alpha``; there the weights swing back and forth along
the sharpest direction (successive steps point opposite ways: period 2), the
cost spikes, the sharpness falls back, and the two keep hovering at that edge (Cohen et
al., "Gradient descent on neural networks typically occurs at the edge of
stability", ICLR 2021).  Here, on the article's network: :func:`cost_curve`
(every iteration), :func:`hessian_vector_product` (central differences of the
course's gradient), :func:`sharpness` (power iteration on those), :func:`sharpness_curve`
along training; :func:`spikes` and :func:`first_crossing` say when things happen.

Parameters are the course's dictionary ``W1, b1, W2, b2``; as one vector
(:func:`flatten`) they are laid out as the engine's network holds them.

Examples
--------
>>> from barenet import datasets, shallow, stability
>>> X, y = datasets.gaussian_quantiles()
>>> X, Y = X.T, y.reshape(1, -1)
>>> parameters = shallow.initialize_parameters(2, 4, 1)
>>> round(stability.sharpness(parameters, X, Y), 3)
0.25
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import shallow
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


def _product(gradient: Callable[[Array], Array], theta: Array, v: Array,
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
    """
    theta = flatten(parameters)
    v = np.asarray(v, dtype=float)
    if v.shape != theta.shape:
        raise ValueError(f"v has shape {v.shape}, but the network has {theta.size} "
                         f"parameters; lay it out like flatten(parameters)")
    return _product(gradient_function(parameters, X, Y), theta, v, epsilon)


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
    """
    theta = flatten(parameters)
    gradient = gradient_function(parameters, X, Y)
    start = np.random.default_rng(seed).standard_normal(theta.size)
    value, _ = largest_eigenvalue(lambda v: _product(gradient, theta, v, None), start,
                                  iterations)
    return value


def trajectory(X: Array, Y: Array, n_h: int = 4, num_iterations: int = 5000,
               learning_rate: float = 1.2, seed: int = 2,
               every: int | None = None) -> tuple[Array, list[Parameters]]:
    """Train as :func:`~barenet.shallow.nn_model` does, keeping the cost of every iteration.

    ``costs[i] = J(theta_i)``, computed by :func:`~barenet.shallow.compute_cost`
    from the output of iteration ``i``'s forward pass, before its step.

    Parameters
    ----------
    X, Y : ndarray of shape (n_x, m) and (1, m)
    n_h, num_iterations, learning_rate, seed
        As in :func:`~barenet.shallow.nn_model`.
    every : int, optional
        Also keep ``theta_i`` for ``i = 0, every, 2 every, ...``.

    Returns
    -------
    costs : ndarray of shape (num_iterations,)
    snapshots : list of dict
        The kept parameters (empty without ``every``).
    """
    if every is not None and (not isinstance(every, int | np.integer) or every < 1):
        raise ValueError(f"every must be a positive integer, got {every!r}")
    costs = np.empty(num_iterations)
    snapshots: list[Parameters] = []

    def record(i: int, parameters: Parameters, A2: Array) -> None:
        costs[i] = shallow.compute_cost(A2, Y)
        if every is not None and i % every == 0:
            snapshots.append(parameters)

    shallow.nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed, callback=record)
    return costs, snapshots


def cost_curve(X: Array, Y: Array, n_h: int = 4, num_iterations: int = 5000,
               learning_rate: float = 1.2, seed: int = 2) -> Array:
    """The cost ``J(theta_i)`` at every iteration ``i`` of :func:`~barenet.shallow.nn_model`.

    Arguments as in :func:`trajectory`; returns an array of shape ``(num_iterations,)``.
    """
    return trajectory(X, Y, n_h, num_iterations, learning_rate, seed)[0]


def stability_curves(X: Array, Y: Array, n_h: int = 4, num_iterations: int = 5000,
                     learning_rate: float = 1.2, seed: int = 2,
                     every: int = 20) -> tuple[Array, Array, Array]:
    """The cost at every iteration and the sharpness every ``every``, from one training run.

    ``lambda_max(H(theta_i))`` for ``i = 0, every, 2 every, ...``, by :func:`largest_eigenvalue`
    from the previous eigenvector plus a little noise (so a new sharpest
    direction is still found): a few products each instead of dozens.

    Parameters
    ----------
    X, Y : ndarray of shape (n_x, m) and (1, m)
    n_h, num_iterations, learning_rate, seed
        As in :func:`~barenet.shallow.nn_model`; ``seed`` also seeds the noise.
    every : int, default 20

    Returns
    -------
    costs : ndarray of shape (num_iterations,)
    iterations : ndarray of int, shape (n_points,)
    eigenvalues : ndarray of shape (n_points,)
    """
    costs, snapshots = trajectory(X, Y, n_h, num_iterations, learning_rate, seed, every)
    rng = np.random.default_rng(seed)
    eigenvalues = np.empty(len(snapshots))
    vector = None
    for k, parameters in enumerate(snapshots):
        theta, gradient = flatten(parameters), gradient_function(parameters, X, Y)
        noise = rng.standard_normal(theta.size)
        start = noise if vector is None else vector + 0.1 * noise / np.linalg.norm(noise)
        eigenvalues[k], vector = largest_eigenvalue(
            lambda v, g=gradient, t=theta: _product(g, t, v, None), start)
    return costs, np.arange(len(snapshots)) * every, eigenvalues


def sharpness_curve(X: Array, Y: Array, n_h: int = 4, num_iterations: int = 5000,
                    learning_rate: float = 1.2, seed: int = 2,
                    every: int = 20) -> tuple[Array, Array]:
    """The sharpness along training, every ``every`` iterations.

    :func:`stability_curves` without the costs: returns ``(iterations, eigenvalues)``.
    """
    return stability_curves(X, Y, n_h, num_iterations, learning_rate, seed, every)[1:]


def spikes(costs: Array, height: float = 0.1) -> Array:
    """Iterations where the cost peaks at least ``height`` above its running low.

    A spike starts when ``J_i > low + height``, ``low`` the lowest cost since the
    previous spike, and ends when the cost is back below ``low + height / 2``;
    its iteration is that of its highest cost.  (A stable step never raises the cost.)

    Parameters
    ----------
    costs : ndarray of shape (n_iterations,)
    height : float, default 0.1

    Returns
    -------
    ndarray of int
        The peaks' iterations, in order.
    """
    costs = np.asarray(costs, dtype=float)
    peaks: list[int] = []
    low, peak = np.inf, None
    for i, cost in enumerate(costs):
        if peak is None:
            low = min(low, cost)
            if cost > low + height:
                peak = i
        else:
            peak = i if cost > costs[peak] else peak
            if cost < low + height / 2:
                peaks.append(peak)
                low, peak = cost, None
    return np.array(peaks + ([] if peak is None else [peak]), dtype=int)


def first_crossing(iterations: Array, eigenvalues: Array, learning_rate: float) -> int | None:
    """The first iteration whose sharpness exceeds ``2 / learning_rate``, or None.

    Parameters
    ----------
    iterations, eigenvalues : ndarray of shape (n_points,)
        As from :func:`sharpness_curve`.
    learning_rate : float

    Returns
    -------
    int or None
    """
    above = np.flatnonzero(np.asarray(eigenvalues) > 2.0 / learning_rate)
    return int(np.asarray(iterations)[above[0]]) if above.size else None
