"""The article's shallow network, function by function.

These are the functions of the tutorial and of the deep-learning course it
follows, with the same names, arguments, defaults and **column layout**:
``X`` is ``(n_x, m)`` (features x samples) and ``Y`` is ``(1, m)``.  Each is a
thin layer over :mod:`barenet.engine`, which holds the maths once for every
model in barenet; here the arrays are only transposed (views, no copies) into
the engine's rows = samples layout and back.

The network is 2 inputs -> ``n_h`` tanh units -> 1 sigmoid output:

* ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``, ``Z2 = W2 A1 + b2``, ``A2 = sigmoid(Z2)``
* ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]``
* ``dZ2 = A2 - Y``, ``dW2 = (1/m) dZ2 A1^T``, ``db2 = (1/m) sum dZ2``,
  ``dZ1 = W2^T dZ2 * (1 - A1**2)``, ``dW1 = (1/m) dZ1 X^T``, ``db1 = (1/m) sum dZ1``
* ``theta <- theta - alpha dtheta``

Training: :func:`nn_model` runs these formulas with the same engine
functions, arranged for speed (biases folded into the weights, one flat
parameter vector, buffers reused; see :func:`_gradient_descent`), and
:func:`nn_model_sweep` trains networks of several hidden sizes in one
batched pass.  Both equal the step functions called in a loop, up to rounding.

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

from ._memory import check_memory, fit_memory, forward_rows, in_chunks
from .engine.activations import ACTIVATIONS, Activation, sigmoid, tanh_derivative, tanh_from_exp
from .engine.folded import FoldedNetwork
from .engine.initializers import small_random
from .engine.losses import binary_log_loss, binary_log_loss_from_logits, output_delta
from .engine.network import backward, forward
from .engine.optimizers import gradient_descent_step
from .training import DivergenceError, blew_up

Array = np.ndarray
Parameters = dict[str, Array]

_ACTIVATIONS = (ACTIVATIONS["tanh"], ACTIVATIONS["sigmoid"])
_NAMES = ("W1", "b1", "W2", "b2")
# The hidden-layer sizes the article sweeps over.
ARTICLE_SIZES = (1, 2, 3, 4, 5, 20, 50)
# tanh through one exponential: the batched sweep's hidden layer (see nn_model_sweep).
_TANH_FROM_EXP = Activation("tanh", tanh_from_exp, tanh_derivative, True, True)
# Training looks for divergence this often (in iterations) and at the end: the
# loss from the logits costs a quarter of an iteration of the article's network.
DIVERGENCE_CHECK_EVERY = 100


def _check_X(X: Array) -> Array:
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(
            f"X must hold numbers, got dtype {X.dtype}; convert it with X.astype(float)"
        )
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D with shape (n_x, m) (features x samples), got shape {X.shape}"
        )
    if X.shape[1] == 0:
        raise ValueError("X has no samples (m = 0); pass at least one column")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity; remove or impute those samples first")
    return X


def _check_XY(X: Array, Y: Array) -> tuple[Array, Array]:
    X = _check_X(X)
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[0] != 1:
        raise ValueError(
            f"Y must have shape (1, m), got {Y.shape}; reshape labels with y.reshape(1, -1)"
        )
    if Y.shape[1] != X.shape[1]:
        raise ValueError(
            f"X has {X.shape[1]} samples (columns) but Y has {Y.shape[1]}; they must match"
        )
    if Y.dtype.kind not in "biuf" or not np.all((Y == 0) | (Y == 1)):
        raise ValueError(
            "Y must hold 0/1 labels for the article's network; "
            "encode two classes as 0 and 1 first"
        )
    return X, Y


def _check_parameters(parameters: Parameters, n_x: int | None = None) -> None:
    missing = [k for k in _NAMES if k not in parameters]
    if missing:
        raise ValueError(
            f"parameters lack {', '.join(missing)}; build them with initialize_parameters"
        )
    if n_x is not None and parameters["W1"].shape[1] != n_x:
        raise ValueError(
            f"X has {n_x} features (rows) but W1 was made for {parameters['W1'].shape[1]}"
        )


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
    X = _check_X(X)
    _check_parameters(parameters, X.shape[0])
    W1, b1, W2, b2 = (parameters[k] for k in _NAMES)
    (Z1, Z2), (_, A1, A2) = forward(X.T, (W1.T, W2.T), (b1.T, b2.T), _ACTIVATIONS)
    return A2.T, {"Z1": Z1.T, "A1": A1.T, "Z2": Z2.T, "A2": A2.T}


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
    X, Y = _check_XY(X, Y)
    _check_parameters(parameters, X.shape[0])
    W1, W2 = parameters["W1"], parameters["W2"]
    Zs, As = (cache["Z1"].T, cache["Z2"].T), (X.T, cache["A1"].T, cache["A2"].T)
    dZ2 = output_delta(As[-1], Y.T)  # (A2 - Y) / m, the fused sigmoid + log-loss gradient
    (dW1, dW2), (db1, db2) = backward(Zs, As, (W1.T, W2.T), _ACTIVATIONS, dZ2)
    return {
        "dW1": dW1.T,
        "db1": db1.reshape(-1, 1),
        "dW2": dW2.T,
        "db2": db2.reshape(-1, 1),
    }


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
    _check_parameters(parameters)
    new = gradient_descent_step(
        [parameters[k] for k in _NAMES], [grads["d" + k] for k in _NAMES], learning_rate
    )
    return dict(zip(_NAMES, new, strict=True))


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
    :func:`_gradient_descent` with the same engine functions on reused
    buffers (see there); the results equal those of the three functions
    called in a loop, up to rounding.

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
    X, Y = _check_XY(X, Y)
    _check_training(num_iterations, learning_rate)
    _check_sizes([n_h], "n_h must be a positive integer")
    _check_memory(X.shape[0], [n_h], X.shape[1])
    n_x, n_h, n_y = layer_sizes(X, Y, n_h)
    parameters = initialize_parameters(n_x, n_h, n_y, seed)
    (trained,) = _gradient_descent(X, Y, [parameters], num_iterations, learning_rate,
                                   ACTIVATIONS["tanh"], print_cost, callback)
    return trained


def nn_model_sweep(
    X: Array,
    Y: Array,
    hidden_sizes: Sequence[int],
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    seed: int = 2,
) -> list[Parameters]:
    """Train one shallow network per hidden size, all together in one batched pass.

    The same computation as ``nn_model(X, Y, n_h, num_iterations,
    learning_rate, seed=seed)`` once for each ``n_h``, with every network
    starting from ``initialize_parameters(n_x, n_h, 1, seed)``, but each
    iteration runs every network at once (see :func:`_gradient_descent`).

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
        If any of the networks diverges, as in :func:`nn_model`; the message
        names their hidden sizes.
    MemoryEstimateError
        If training would need more memory than is available.

    Notes
    -----
    The results equal those of :func:`nn_model` up to rounding: the sums
    inside the matrix products are grouped differently, and tanh is computed
    through one exponential
    (:func:`~barenet.engine.activations.tanh_from_exp`), which is cheaper
    than NumPy's float64 ``tanh`` on most CPUs.  At learning rate
    1.2 the training dynamics amplify such differences after several hundred
    iterations (most for large ``n_h``), so long runs agree in accuracy and
    cost, not digit for digit; at 0.5 they agree to about 1e-13.

    Examples
    --------
    >>> from barenet import datasets, shallow
    >>> X, y = datasets.gaussian_quantiles()
    >>> nets = shallow.nn_model_sweep(X.T, y.reshape(1, -1), (1, 4), num_iterations=500)
    >>> [p["W1"].shape for p in nets]
    [(1, 2), (4, 2)]
    """
    X, Y = _check_XY(X, Y)
    _check_training(num_iterations, learning_rate)
    sizes = list(hidden_sizes)
    if not sizes:
        raise ValueError("hidden_sizes is empty; pass at least one hidden size, e.g. (4,)")
    _check_sizes(sizes, "hidden_sizes must be positive integers")
    _check_memory(X.shape[0], sizes, X.shape[1])
    initial = [initialize_parameters(X.shape[0], int(n_h), 1, seed) for n_h in sizes]
    # NOTE: 85 units of tanh (the article's sizes) are most of the work, and
    # float64 tanh costs about three exps on common CPUs: the batched pass
    # computes it through one exp, equal to np.tanh within a few units of eps.
    return _gradient_descent(X, Y, initial, num_iterations, learning_rate, _TANH_FROM_EXP)


def training_memory(n_x: int, hidden_sizes: Sequence[int], m: int) -> dict[str, int]:
    """Bytes needed to train shallow networks of these hidden sizes together, by part.

    What :func:`nn_model_sweep` needs (:func:`nn_model` for one size) on ``m``
    samples of ``n_x`` features: :func:`barenet._memory.fit_memory` for the
    batched network ``n_x -> sum(hidden_sizes) -> len(hidden_sizes)``,
    trained by full-batch gradient descent in float64, plus the mask of its
    block-structured output layer when there are several sizes.

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
    H, S = int(sum(hidden_sizes)), len(hidden_sizes)
    parts = fit_memory([n_x, H, S], m, m, "gd", 8)
    if S > 1:
        parts["output mask"] = S * (H + 1) * 8
    return parts


def _check_memory(n_x: int, hidden_sizes: Sequence[int], m: int) -> None:
    what = (f"training a network of {hidden_sizes[0]} hidden units" if len(hidden_sizes) == 1
            else f"training networks of {sum(hidden_sizes)} hidden units in all")
    check_memory(training_memory(n_x, hidden_sizes, m), f"{what} on {m} samples",
                 "use fewer hidden units")


def _check_sizes(sizes: Sequence[int], rule: str) -> None:
    bad = [n for n in sizes if not isinstance(n, int | np.integer) or n < 1]
    if bad:
        raise ValueError(f"{rule}, got {bad[0]!r}")


def _check_training(num_iterations: int, learning_rate: float) -> None:
    if not isinstance(num_iterations, int | np.integer) or num_iterations < 0:
        raise ValueError(f"num_iterations must be a non-negative integer, got {num_iterations!r}")
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")


def _gradient_descent(
    X: Array,
    Y: Array,
    initial: Sequence[Parameters],
    num_iterations: int,
    learning_rate: float,
    tanh: Activation,
    print_cost: bool = False,
    callback: Callable[[int, Parameters, Array], None] | None = None,
) -> list[Parameters]:
    """Full-batch gradient descent for one or several shallow networks at once.

    The formulas are those of :func:`forward_propagation`,
    :func:`backward_propagation` and :func:`update_parameters`; the network
    is a :class:`~barenet.engine.folded.FoldedNetwork`, which lays the work
    out for speed (biases folded into the weights, all parameters in one
    flat vector updated by one subtraction, the learning rate folded into
    ``dZ2``, every array allocated once) and computes with the same engine
    functions.  The cost is computed only when printed.

    Several networks train side by side: the ``H = sum(n_h)`` hidden units of
    all of them form one hidden layer, and output ``s`` is connected only to
    the units of network ``s``: ``[W2 | b2]`` is block structured, its other
    entries start at zero and their steps are masked to zero.  Zero weights
    add exact zeros, so each network computes what it would alone.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    initial : sequence of dict
        Initial ``W1, b1, W2, b2`` of each network (one output unit each).
    num_iterations : int
    learning_rate : float
    tanh : Activation
        The hidden activation: the engine's tanh, or tanh computed through
        one exponential (:data:`_TANH_FROM_EXP`).
    print_cost : bool, default False
        Print ``Cost after iteration i: J`` every 1000 iterations (one network).
    callback : callable, optional
        As in :func:`nn_model` (one network).

    Returns
    -------
    list of dict
        The trained parameters, one dict per network, as new arrays.
    """
    n_x, m = X.shape
    sizes = [p["W1"].shape[0] for p in initial]
    H, S = sum(sizes), len(sizes)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    net = FoldedNetwork([n_x, H, S], [tanh], sigmoid)
    net.inputs(m)[...] = X
    W1, W2 = net.W  # [W1 | b1] (H, n_x + 1), [W2 | b2] (S, H + 1), views into net.theta
    connected = np.zeros((S, H + 1))
    for s, (p, a, b) in enumerate(zip(initial, starts, ends, strict=True)):
        W1[a:b, :n_x], W1[a:b, n_x] = p["W1"], p["b1"][:, 0]
        W2[s, a:b], W2[s, H] = p["W2"][0], p["b2"][0, 0]
        connected[s, a:b] = connected[s, H] = 1
    if S > 1:
        net.mask = connected
    theta, step, Y_T = net.theta, net.step, Y.T
    first = None

    # NOTE: a diverging run overflows in the activations; that shows in the
    # loss, checked below, not as a warning per operation.
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(num_iterations):
            A2 = net.forward(m)                    # A1 = tanh(W1 X + b1), A2 = sigmoid(W2 A1 + b2)
            if i % DIVERGENCE_CHECK_EVERY == 0:
                first = _check_divergence(net.Z, Y_T, first, i, learning_rate, sizes)
            if callback is not None:
                callback(i, _unpack(W1, W2, starts, ends)[0], A2.copy())
            if print_cost and i % 1000 == 0:
                print(f"Cost after iteration {i}: {compute_cost(A2, Y):f}")
            net.backward(Y_T, scale=learning_rate)  # step = alpha dtheta, all layers
            theta -= step                          # theta <- theta - alpha dtheta
        net.forward(m)                             # the trained networks' loss
        _check_divergence(net.Z, Y_T, first, num_iterations, learning_rate, sizes)
    return _unpack(W1, W2, starts, ends)


def _check_divergence(Z: Array, Y_T: Array, first: Array | None, i: int,
                      learning_rate: float, sizes: Sequence[int]) -> Array:
    """Raise :class:`~barenet.training.DivergenceError` if any network's loss blew up.

    ``Z`` holds the output pre-activations ``(n_networks, m)`` at iteration
    ``i``; each network's loss is computed from its row, exactly however far
    the sigmoid saturates (the article's cost from ``A2`` stops growing once
    ``A2`` rounds to 0 or 1), and compared with its ``first`` loss by
    :func:`~barenet.training.blew_up`.  Returns the losses (the first ones
    when ``first`` is None).
    """
    losses = np.array([binary_log_loss_from_logits(Y_T, z.reshape(-1, 1)) for z in Z])
    if first is None:
        return losses
    bad = [k for k, (loss, start) in enumerate(zip(losses, first, strict=True))
           if blew_up(loss, start)]
    if bad:
        k = bad[0]
        which = ("" if len(sizes) == 1 else
                 f" for hidden size{'s' if len(bad) > 1 else ''} "
                 + ", ".join(str(sizes[b]) for b in bad))
        raise DivergenceError(
            f"training diverged{which} by iteration {i}: the loss went from {first[k]:.4g} "
            f"to {losses[k]:.4g} (learning rate {learning_rate:g}); use a smaller learning rate")
    return first


def _unpack(W1: Array, W2: Array, starts: Array, ends: Array) -> list[Parameters]:
    """The course's ``W1, b1, W2, b2`` of each network, copied out of the blocks."""
    H = W1.shape[0]
    return [
        {"W1": W1[a:b, :-1].copy(), "b1": W1[a:b, -1:].copy(),
         "W2": W2[s:s + 1, a:b].copy(), "b2": W2[s:s + 1, H:].copy()}
        for s, (a, b) in enumerate(zip(starts, ends, strict=True))
    ]


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
    X = _check_X(X)
    _check_parameters(parameters, X.shape[0])
    units = parameters["W1"].shape[0] + parameters["W2"].shape[0]
    return in_chunks(lambda C: forward_propagation(C, parameters)[0], X,
                     forward_rows(units, 8), axis=1)


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
