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

Training: :func:`nn_model` runs the same formulas as the engine's
:class:`~barenet.engine.network.Network`, one
:func:`~barenet.training.step.train_step` per iteration with plain gradient
descent (:class:`~barenet.engine.optimizers.SGD`, momentum 0), which every
estimator trains with too; it equals the step functions called in a loop, up
to rounding.  :func:`nn_model_sweep` is :func:`nn_model` once per hidden size.

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
from ._memory import check_memory, fit_memory
from .engine.activations import ACTIVATIONS, sigmoid, tanh, tanh_derivative
from .engine.initializers import small_random
from .engine.losses import OUTPUTS, binary_log_loss, binary_log_loss_from_logits, output_delta
from .engine.network import Network
from .engine.optimizers import SGD
from .training import DivergenceError, blew_up, train_step

Array = np.ndarray
Parameters = dict[str, Array]

# The hidden-layer sizes the article sweeps over.
ARTICLE_SIZES = (1, 2, 3, 4, 5, 20, 50)
# Training looks for divergence this often (in iterations) and at the end: the
# loss from the logits costs a quarter of an iteration of the article's network.
DIVERGENCE_CHECK_EVERY = 100


def _network(parameters: Parameters) -> Network:
    """The engine's network holding the course's ``W1, b1, W2, b2`` (copies).

    The course's layout is the engine's: ``[W1 | b1]`` is the first layer's
    ``[W | b]`` as it stands.
    """
    W1, W2 = np.asarray(parameters["W1"]), np.asarray(parameters["W2"])
    (n_h, n_x), n_y = W1.shape, W2.shape[0]
    net = Network([n_x, n_h, n_y], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    for layer, W, b in zip(net.layers, (W1, W2), (parameters["b1"], parameters["b2"]),
                           strict=True):
        layer.Wb[:, :-1], layer.Wb[:, -1:] = W, np.reshape(b, (-1, 1))
    return net


def _parameters(net: Network, theta: Array | None = None) -> Parameters:
    """The course's ``W1, b1, W2, b2`` (copies) from ``net.theta``, or from ``theta``."""
    (Wb1, Wb2) = net.views(net.theta if theta is None else theta)
    return {"W1": Wb1[:, :-1].copy(), "b1": Wb1[:, -1:].copy(),
            "W2": Wb2[:, :-1].copy(), "b2": Wb2[:, -1:].copy()}


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
    layer1, layer2 = _network(parameters).layers   # [W1 | b1], [W2 | b2]
    Z1 = layer1.forward(_with_ones(X), None)          # Z1 = W1 X + b1
    A1 = tanh(Z1)                                     # A1 = tanh(Z1)
    Z2 = layer2.forward(_with_ones(A1), None)         # Z2 = W2 A1 + b2
    A2 = sigmoid(Z2)                                  # A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _with_ones(A: Array) -> Array:
    """``[A; 1]``: the input of a :class:`~barenet.engine.dense.Dense` layer."""
    return np.vstack([A, np.ones((1, A.shape[1]), A.dtype)])


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
    """Gradients of the cost for ``W1, b1, W2, b2``.

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
    net = _network(parameters)
    layer1, layer2 = net.layers
    A1, A2 = cache["A1"], cache["A2"]
    # dZ2 = A2 - Y, divided by m: sigmoid + cross-entropy, see output_delta.
    dZ2 = output_delta(A2.T, Y.T).T
    dA1 = np.empty_like(A1)
    layer2.backward(_with_ones(A1).T, dZ2, dA1)       # [dW2 | db2] = dZ2 [A1; 1]ᵀ, dA1 = W2ᵀ dZ2
    dZ1 = dA1 * tanh_derivative(None, A1)             # dZ1 = dA1 * (1 - A1**2)
    layer1.backward(_with_ones(X).T, dZ1, None)       # [dW1 | db1] = dZ1 [X; 1]ᵀ
    grads = _parameters(net, net.grad)
    return {"d" + name: grads[name] for name in NAMES}


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
    net = _network(parameters)
    step = _network({k: grads["d" + k] for k in NAMES}).theta     # dtheta, laid out like theta
    optimizer = SGD(net.theta.size, learning_rate)                # plain gradient descent
    optimizer.step(net.theta, step * optimizer.gradient_scale())  # theta <- theta - alpha dtheta
    return _parameters(net)


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

    Each iteration is one :func:`forward_propagation`, one
    :func:`backward_propagation` and one :func:`update_parameters`, run by
    one :func:`~barenet.training.step.train_step` of the engine's network
    with plain gradient descent, in buffers reused from iteration to
    iteration (see :func:`_gradient_descent`); the results equal those of the
    three functions called in a loop, up to rounding.

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
        If training diverges: the loss (computed from the output's
        pre-activations, so that it is exact however saturated the sigmoid)
        becomes non-finite or grows past ``BLOWUP_FACTOR`` times its first
        value plus one, the test :class:`~barenet.NeuralNetClassifier` uses.
        The article's α = 1.2 makes the cost spike now and then; that stays
        far below this.
    MemoryEstimateError
        If training would need more memory than is available (see
        :func:`training_memory`); nothing is allocated then.
    """
    X, Y = check_XY(X, Y)
    check_training(num_iterations, learning_rate)
    check_sizes([n_h], "n_h must be a positive integer")
    _check_memory(X.shape[0], [n_h], X.shape[1])
    n_x, n_h, n_y = layer_sizes(X, Y, n_h)
    net = _network(initialize_parameters(n_x, n_h, n_y, seed))
    _gradient_descent(net, X, Y, num_iterations, learning_rate, print_cost, callback)
    return _parameters(net)


def nn_model_sweep(
    X: Array,
    Y: Array,
    hidden_sizes: Sequence[int],
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    seed: int = 2,
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

    Returns
    -------
    list of dict
        The trained ``W1, b1, W2, b2`` of each network, in the order of
        ``hidden_sizes``.

    Raises
    ------
    DivergenceError
        If a network diverges, as in :func:`nn_model`; the message names its
        hidden size.
    MemoryEstimateError
        If training the largest network would need more memory than is available.

    Notes
    -----
    The networks are trained one after the other.  Training them side by
    side in one batched pass (all hidden units in one layer, a
    block-structured output layer) was tried: the matrix products then sum
    in another order, and at learning rate 1.2 the dynamics amplify those
    roundings into visibly different weights (up to 0.14 on the article's
    data), for a gain of about 1.1x on machines with fast ``tanh``.

    Examples
    --------
    >>> from barenet import datasets, shallow
    >>> X, y = datasets.gaussian_quantiles()
    >>> nets = shallow.nn_model_sweep(X.T, y.reshape(1, -1), (1, 4), num_iterations=500)
    >>> [p["W1"].shape for p in nets]
    [(1, 2), (4, 2)]
    """
    X, Y = check_XY(X, Y)
    check_training(num_iterations, learning_rate)
    sizes = list(hidden_sizes)
    if not sizes:
        raise ValueError("hidden_sizes is empty; pass at least one hidden size, e.g. (4,)")
    check_sizes(sizes, "hidden_sizes must be positive integers")
    _check_memory(X.shape[0], [max(sizes)], X.shape[1])
    trained, diverged = [], []
    for n_h in sizes:
        try:
            trained.append(nn_model(X, Y, int(n_h), num_iterations, learning_rate, seed=seed))
        except DivergenceError as exc:
            diverged.append((n_h, str(exc)))
    if diverged:
        which = ", ".join(str(n_h) for n_h, _ in diverged)
        how = diverged[0][1].removeprefix("training diverged")  # the first one's figures
        raise DivergenceError(f"training diverged for hidden size{'s' if len(diverged) > 1 else ''}"
                              f" {which}{how}")
    return trained


def training_memory(n_x: int, hidden_sizes: Sequence[int], m: int) -> dict[str, int]:
    """Bytes needed to train the shallow network of the largest of these hidden sizes, by part.

    What :func:`nn_model` needs (and :func:`nn_model_sweep`, which trains one
    size at a time) on ``m`` samples of ``n_x`` features:
    :func:`barenet._memory.fit_memory` for the network ``n_x -> n_h -> 1``,
    trained by full-batch gradient descent in float64.

    Parameters
    ----------
    n_x : int
    hidden_sizes : sequence of int
    m : int

    Returns
    -------
    dict
        Bytes per part.

    Examples
    --------
    >>> sum(training_memory(2, [4], 200).values()) < 2**20
    True
    """
    return fit_memory([n_x, int(max(hidden_sizes)), 1], m, m, "gd", 8)


def _check_memory(n_x: int, hidden_sizes: Sequence[int], m: int) -> None:
    check_memory(training_memory(n_x, hidden_sizes, m),
                 f"training a network of {max(hidden_sizes)} hidden units on {m} samples",
                 "use fewer hidden units")


def _gradient_descent(
    net: Network,
    X: Array,
    Y: Array,
    num_iterations: int,
    learning_rate: float,
    print_cost: bool = False,
    callback: Callable[[int, Parameters, Array], None] | None = None,
) -> None:
    """Full-batch gradient descent of ``net`` on the article's data, in place.

    Each iteration is one :func:`~barenet.training.step.train_step`: forward,
    backward and ``theta <- theta - alpha dtheta`` on the network's flat
    parameters, with the learning rate folded into the output gradient (see
    :mod:`barenet.engine.network`).  The cost is computed only when printed,
    when the callback asks for the output, and every
    :data:`DIVERGENCE_CHECK_EVERY` iterations to detect divergence.

    Parameters
    ----------
    net : Network
        The article's network, trained in place.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    num_iterations : int
    learning_rate : float
    print_cost : bool, default False
        Print ``Cost after iteration i: J`` every 1000 iterations.
    callback : callable, optional
        As in :func:`nn_model`.
    """
    m, Y_T = X.shape[1], Y.T
    net.inputs(m)[...] = X                         # written once: the full batch
    optimizer = SGD(net.theta.size, learning_rate)  # plain gradient descent: momentum 0
    first = None
    # NOTE: a diverging run overflows in the activations; that shows in the
    # loss, checked below, not as a warning per operation.
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(num_iterations):
            before = None if callback is None else net.theta.copy()
            train_step(net, m, Y_T, None, optimizer, loss=False)  # forward, backward, update
            # (The output of this iteration's forward pass stays in the network.)
            if i % DIVERGENCE_CHECK_EVERY == 0:
                first = _check_divergence(net.Z, Y_T, first, i, learning_rate)
            if callback is not None:
                callback(i, _parameters(net, before), net.P.copy())
            if print_cost and i % 1000 == 0:
                print(f"Cost after iteration {i}: {compute_cost(net.P, Y):f}")
        net.forward(m)                             # the trained network's loss
        _check_divergence(net.Z, Y_T, first, num_iterations, learning_rate)


def _check_divergence(Z: Array, Y_T: Array, first: float | None, i: int,
                      learning_rate: float) -> float:
    """Raise :class:`~barenet.training.DivergenceError` if the loss blew up.

    ``Z`` holds the output pre-activations ``(1, m)`` at iteration ``i``;
    the loss is computed from them, exactly however far the sigmoid
    saturates (the article's cost from ``A2`` stops growing once ``A2``
    rounds to 0 or 1), and compared with the ``first`` loss by
    :func:`~barenet.training.blew_up`.  Returns the first loss.
    """
    loss = binary_log_loss_from_logits(Y_T, Z.T)
    if first is None:
        return loss
    if blew_up(loss, first):
        raise DivergenceError(
            f"training diverged by iteration {i}: the loss went from {first:.4g} to "
            f"{loss:.4g} (learning rate {learning_rate:g}); use a smaller learning rate")
    return first


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
    return sigmoid(_network(parameters).logits(X.T).T)   # A2 = sigmoid(Z2)


def predict(parameters: Parameters, X: Array) -> Array:
    """Class predictions: 1 where ``A2 > 0.5``, else 0.

    Parameters
    ----------
    parameters : dict
    X : ndarray of shape (n_x, m)

    Returns
    -------
    ndarray of shape (1, m), int
    """
    return (predict_proba(parameters, X) > 0.5).astype(int)
