"""The article's shallow network, function by function.

These are the functions of the tutorial and of the deep-learning course it
follows, with the same names, arguments, defaults and **column layout**:
``X`` is ``(n_x, m)`` (features x samples) and ``Y`` is ``(1, m)``, which is
also the engine's layout.  Each is written out in the course's notation over
:mod:`barenet.engine`, which holds the maths once for every model in barenet:
the course's ``W1, b1`` are the first :class:`~barenet.engine.dense.Dense`
layer's ``[W | b]``, and so on.

The network is 2 inputs -> ``n_h`` tanh units -> 1 sigmoid output:

* ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``, ``Z2 = W2 A1 + b2``, ``A2 = sigmoid(Z2)``
* ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]``
* ``dZ2 = A2 - Y``, ``dW2 = (1/m) dZ2 A1^T``, ``db2 = (1/m) sum dZ2``,
  ``dZ1 = W2^T dZ2 * (1 - A1**2)``, ``dW1 = (1/m) dZ1 X^T``, ``db1 = (1/m) sum dZ1``
* ``theta <- theta - alpha dtheta``

Training: :func:`nn_model` is one :func:`~barenet.training.step.train_step`
of the engine's network per iteration, plain gradient descent as every
estimator runs it; it equals the step functions called in a loop, up to
rounding.  :func:`nn_model_sweep` is :func:`nn_model` once per hidden size.

Randomness: :func:`initialize_parameters` uses ``numpy.random.RandomState(seed)``
(never the global state), drawing ``W1`` then ``W2`` as the course does, so
``seed=2`` gives the course's published numbers.

Examples
--------
>>> from barenet import datasets, shallow
>>> X, y = datasets.load_planar_dataset()
>>> X, Y = X.T, y.reshape(1, -1)          # the course's layout
>>> parameters = shallow.nn_model(X, Y, n_h=4, num_iterations=1000)
>>> float((shallow.predict(parameters, X) == Y).mean()) > 0.8
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._course_checks import (
    NAMES,
    check_parameters,
    check_sizes,
    check_training,
    check_X,
    check_XY,
)
from ._course_network import (
    check_training_memory,
    gradient_descent,
    raise_divergences,
    to_network,
    to_parameters,
)
from ._course_network import training_memory as training_memory  # (public)
from .engine.activations import sigmoid, tanh, tanh_derivative
from .engine.initializers import small_random
from .engine.losses import binary_log_loss
from .training import DivergenceError

Array = np.ndarray
Parameters = dict[str, Array]

# The hidden-layer sizes the article sweeps over.
ARTICLE_SIZES = (1, 2, 3, 4, 5, 20, 50)


def layer_sizes(X: Array, Y: Array, n_h: int = 4) -> tuple[int, int, int]:
    """Sizes of the input, hidden and output layers.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_y, m)
    n_h : int, default 4

    Returns
    -------
    (n_x, n_h, n_y) : tuple of int
    """
    return np.shape(X)[0], n_h, np.shape(Y)[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int = 2) -> Parameters:
    """Small random weights, zero biases.

    ``W1 = randn(n_h, n_x) * 0.01``, ``b1 = 0``, ``W2 = randn(n_y, n_h) * 0.01``,
    ``b2 = 0``, drawn in that order from ``RandomState(seed)``.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Input, hidden and output sizes.
    seed : int, default 2
        The course's seed.

    Returns
    -------
    dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (n_y, n_h), ``b2`` (n_y, 1).
    """
    for name, value in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        if not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    rng = np.random.RandomState(seed)
    W1 = small_random(n_x, n_h, rng).T
    W2 = small_random(n_h, n_y, rng).T
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_propagation(X: Array, parameters: Parameters) -> tuple[Array, dict[str, Array]]:
    """Forward pass: ``Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2)``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict
        ``W1, b1, W2, b2`` as from :func:`initialize_parameters`.

    Returns
    -------
    A2 : ndarray of shape (1, m)
        Probability of class 1 for each sample.
    cache : dict
        ``Z1, A1`` (n_h, m) and ``Z2, A2`` (1, m), for the backward pass.
    """
    X = check_X(X)
    check_parameters(parameters, X.shape[0])
    W1, b1, W2, b2 = (parameters[k] for k in NAMES)
    Z1 = W1 @ X + b1          # (n_h, m): every unit's weighted input, for every sample
    A1 = tanh(Z1)             # (n_h, m)
    Z2 = W2 @ A1 + b2         # (1, m)
    A2 = sigmoid(Z2)          # (1, m): the probability of class 1
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: Array, Y: Array) -> float:
    """Cross-entropy cost ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]``.

    Parameters
    ----------
    A2 : ndarray of shape (1, m)
        Predicted probabilities.
    Y : ndarray of shape (1, m)
        0/1 labels.

    Returns
    -------
    float
        The textbook value wherever it is finite; saturated outputs (exactly 0
        or 1) give a large finite cost instead of NaN or a warning.
    """
    A2, Y = np.asarray(A2), np.asarray(Y)
    if A2.shape != Y.shape:
        raise ValueError(f"A2 has shape {A2.shape} but Y has {Y.shape}; they must match")
    return binary_log_loss(Y.T, A2.T)


def backward_propagation(
    parameters: Parameters, cache: dict[str, Array], X: Array, Y: Array
) -> dict[str, Array]:
    """Gradients of the cost for ``W1, b1, W2, b2``: backpropagation, line by line.

    With ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]`` and
    ``A2 = sigmoid(Z2)``: ``dJ/dA2 = (A2 - Y) / (A2 (1 - A2)) / m`` and
    ``dA2/dZ2 = A2 (1 - A2)``, so the two cancel and ``dZ2 = A2 - Y`` (the
    ``1/m`` is kept for the weight gradients).  Then ``Z2 = W2 A1 + b2`` gives
    ``dW2 = dZ2 A1ᵀ / m``, ``db2 = sum(dZ2) / m`` and ``dA1 = W2ᵀ dZ2``; and
    ``A1 = tanh(Z1)``, whose slope is ``1 - tanh(Z1)**2 = 1 - A1**2``, gives
    ``dZ1 = W2ᵀ dZ2 * (1 - A1**2)``, from which ``dW1`` and ``db1`` follow as
    for the second layer.  The engine's network computes the same for any
    number of layers (:meth:`barenet.engine.network.Network.backward`).

    Parameters
    ----------
    parameters : dict
    cache : dict
        From :func:`forward_propagation` on the same ``X``.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    dict
        ``dW1, db1, dW2, db2``, each shaped like its parameter.
    """
    X, Y = check_XY(X, Y)
    check_parameters(parameters, X.shape[0])
    m, W2 = X.shape[1], parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y                                      # (1, m): sigmoid and cross-entropy cancel
    dW2 = (1 / m) * (dZ2 @ A1.T)                      # (1, n_h)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * tanh_derivative(None, A1)    # (n_h, m): W2ᵀ dZ2 * (1 - A1**2)
    dW1 = (1 / m) * (dZ1 @ X.T)                       # (n_h, n_x)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(
    parameters: Parameters, grads: dict[str, Array], learning_rate: float = 1.2
) -> Parameters:
    """One gradient-descent step, ``theta <- theta - learning_rate * dtheta``.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, W2, b2``.
    grads : dict
        ``dW1, db1, dW2, db2``.
    learning_rate : float, default 1.2

    Returns
    -------
    dict
        New parameters (the input dictionary is not modified).
    """
    check_parameters(parameters)
    return {k: parameters[k] - learning_rate * grads["d" + k] for k in NAMES}


def nn_model(
    X: Array,
    Y: Array,
    n_h: int,
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    print_cost: bool = False,
    seed: int = 2,
    *,
    callback: Callable[[int, Parameters, Array], None] | None = None,
) -> Parameters:
    """Train the shallow network by full-batch gradient descent.

    Each iteration does what :func:`forward_propagation`,
    :func:`backward_propagation` and :func:`update_parameters` do, as one
    :func:`~barenet.training.step.train_step` of the engine's network (see
    :func:`barenet._course_network.gradient_descent`): the results equal
    those of the three functions called in a loop, up to rounding.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    n_h : int
        Hidden units.
    num_iterations : int, default 10000
    learning_rate : float, default 1.2
    print_cost : bool, default False
        Print ``Cost after iteration i: J`` every 1000 iterations.
    seed : int, default 2
        Seed of :func:`initialize_parameters`.
    callback : callable, optional
        ``callback(i, parameters, A2)`` after the forward pass of iteration
        ``i`` (``parameters`` are those that produced ``A2``; both are copies
        the callback may keep), e.g. to record the cost curve with
        :func:`compute_cost`.

    Returns
    -------
    dict
        The trained ``W1, b1, W2, b2``.

    Raises
    ------
    DivergenceError
        If the loss (from the logits, exact however saturated the sigmoid)
        becomes non-finite or grows past ``BLOWUP_FACTOR`` times its first
        value plus one (:func:`~barenet.training.blew_up`).  The article's
        α = 1.2 makes the cost spike now and then, far below this.
    MemoryEstimateError
        If training would need more memory than is available (see
        :func:`training_memory`); nothing is allocated then.
    """
    X, Y = check_XY(X, Y)
    check_training(num_iterations, learning_rate)
    check_sizes([n_h], "n_h must be a positive integer")
    check_training_memory(X.shape[0], [n_h], X.shape[1])
    n_x, n_h, n_y = layer_sizes(X, Y, n_h)
    net = to_network(initialize_parameters(n_x, n_h, n_y, seed))
    gradient_descent(net, X, Y, num_iterations, learning_rate, print_cost, callback)
    return to_parameters(net)


def nn_model_sweep(
    X: Array,
    Y: Array,
    hidden_sizes: Sequence[int],
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    seed: int = 2,
    *,
    n_jobs: int | None = None,
) -> list[Parameters]:
    """Train one shallow network per hidden size: :func:`nn_model` for each.

    Each network is exactly ``nn_model(X, Y, n_h, num_iterations,
    learning_rate, seed=seed)``, bit for bit: the sweep and the single model
    of the same size never disagree.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    hidden_sizes : sequence of int
        Hidden units of each network, e.g. ``(1, 2, 3, 4, 5, 20, 50)``.
    num_iterations : int, default 10000
    learning_rate : float, default 1.2
    seed : int, default 2
        Seed of :func:`initialize_parameters`, the same for every network.
    n_jobs : int, optional
        Processes to train the sizes in (joblib's meaning: None one, -1 one
        per core); the largest sizes start first.  The results are the same.

    Returns
    -------
    list of dict
        The trained ``W1, b1, W2, b2`` of each network, in the order of
        ``hidden_sizes``.

    Raises
    ------
    DivergenceError
        If networks diverge, as in :func:`nn_model`; the message names their sizes.
    MemoryEstimateError
        If the largest networks, as many as train at once, would not fit in memory.

    Notes
    -----
    Training the sizes side by side in one batched pass (all hidden units in
    one layer, a block-structured output layer) sums the matrix products in
    another order, and at learning rate 1.2 the dynamics amplify those
    roundings into visibly different weights (up to 0.14 on the article's data).

    Examples
    --------
    >>> from barenet import datasets, shallow
    >>> X, y = datasets.gaussian_quantiles()
    >>> nets = shallow.nn_model_sweep(X.T, y.reshape(1, -1), (1, 4), num_iterations=500)
    >>> [p["W1"].shape for p in nets]
    [(1, 2), (4, 2)]
    """
    from joblib import Parallel, delayed, effective_n_jobs

    X, Y = check_XY(X, Y)
    check_training(num_iterations, learning_rate)
    sizes = check_sizes(list(hidden_sizes), "hidden_sizes must be positive integers")
    workers = min(effective_n_jobs(n_jobs), len(sizes))
    check_training_memory(X.shape[0], sizes, X.shape[1], workers)
    order = sorted(range(len(sizes)), key=lambda k: -sizes[k])  # the workers end together
    fits = Parallel(n_jobs=n_jobs)(delayed(_fit_or_divergence)(
        X, Y, sizes[k], num_iterations, learning_rate, seed) for k in order)
    trained = [fit for _, fit in sorted(zip(order, fits, strict=True), key=lambda kf: kf[0])]
    raise_divergences(sizes, trained)
    return trained


def _fit_or_divergence(X: Array, Y: Array, n_h: int, num_iterations: int, learning_rate: float,
                       seed: int) -> Parameters | DivergenceError:
    try:
        return nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed)
    except DivergenceError as exc:
        return exc


def predict_proba(parameters: Parameters, X: Array) -> Array:
    """Probability of class 1, ``A2``, without the cache.

    Parameters
    ----------
    parameters : dict
    X : ndarray of shape (n_x, m)

    Returns
    -------
    ndarray of shape (1, m)

    Notes
    -----
    Many samples through a wide network go a chunk of columns at a time, so
    the memory needed does not grow with ``m``.
    """
    X = check_X(X)
    check_parameters(parameters, X.shape[0])
    return sigmoid(to_network(parameters).logits(X.T).T)   # A2 = sigmoid(Z2)


def predict(parameters: Parameters, X: Array) -> Array:
    """Class predictions, an int array of shape ``(1, m)``: 1 where ``A2 > 0.5``, else 0.

    ``parameters`` and ``X`` as in :func:`predict_proba`.
    """
    return (predict_proba(parameters, X) > 0.5).astype(int)
