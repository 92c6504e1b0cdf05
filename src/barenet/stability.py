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

import functools

import numpy as np

from . import shallow
from ._stability_hessian import (
    EPSILON_SCALE,
    finite_difference_product,
    flatten,
    gradient_function,
    hessian_vector_product,
    largest_eigenvalue,
    sharpness,
    unflatten,
)

# In the order the documentation lists them.
__all__ = [
    "EPSILON_SCALE",
    "flatten",
    "unflatten",
    "gradient_function",
    "hessian_vector_product",
    "largest_eigenvalue",
    "sharpness",
    "trajectory",
    "cost_curve",
    "stability_curves",
    "sharpness_curve",
    "spikes",
    "first_crossing",
]

Array = np.ndarray
Parameters = dict[str, Array]


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

    Examples
    --------
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> costs, snapshots = stability.trajectory(X, Y, n_h=3, num_iterations=50, every=25)
    >>> costs.shape, len(snapshots), sorted(snapshots[0])
    ((50,), 2, ['W1', 'W2', 'b1', 'b2'])
    >>> round(float(costs[0]), 4), bool(costs[-1] < costs[0])  # log 2 at the start
    (0.6931, True)
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

    Examples
    --------
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> costs = stability.cost_curve(X, Y, n_h=3, num_iterations=50)
    >>> costs.shape, bool(costs[-1] < costs[0])
    ((50,), True)
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

    Examples
    --------
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> costs, iterations, eigenvalues = stability.stability_curves(
    ...     X, Y, n_h=3, num_iterations=60, every=20)
    >>> costs.shape, iterations.tolist(), eigenvalues.shape
    ((60,), [0, 20, 40], (3,))
    >>> bool(eigenvalues.max() < 2 / 1.2)  # stable all along
    True
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
            functools.partial(finite_difference_product, gradient, theta, epsilon=None), start)
    return costs, np.arange(len(snapshots)) * every, eigenvalues


def sharpness_curve(X: Array, Y: Array, n_h: int = 4, num_iterations: int = 5000,
                    learning_rate: float = 1.2, seed: int = 2,
                    every: int = 20) -> tuple[Array, Array]:
    """The sharpness along training, every ``every`` iterations.

    :func:`stability_curves` without the costs: returns ``(iterations, eigenvalues)``.

    Examples
    --------
    >>> from barenet import datasets, shallow, stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> X, Y = X.T, y.reshape(1, -1)  # the course's layout
    >>> iterations, eigenvalues = stability.sharpness_curve(
    ...     X, Y, n_h=3, num_iterations=400, every=100)
    >>> iterations.tolist()
    [0, 100, 200, 300]
    >>> bool(eigenvalues[-1] > eigenvalues[0])  # training sharpens the cost
    True
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

    Examples
    --------
    >>> from barenet import stability
    >>> costs = [1.0, 0.8, 1.5, 0.7, 0.6, 0.9, 0.5]
    >>> stability.spikes(costs, height=0.1).tolist()
    [2, 5]
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

    Examples
    --------
    >>> from barenet import stability
    >>> stability.first_crossing([0, 20, 40], [0.5, 1.2, 1.8], learning_rate=1.2)  # 2 / 1.2 = 1.67
    40
    >>> stability.first_crossing([0, 20], [0.5, 0.6], learning_rate=1.2) is None
    True
    """
    above = np.flatnonzero(np.asarray(eigenvalues) > 2.0 / learning_rate)
    return int(np.asarray(iterations)[above[0]]) if above.size else None
