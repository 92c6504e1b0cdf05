"""The article's network in the engine: its parameters, its training loop, its memory.

:mod:`barenet.shallow` holds the course's functions; this module holds what
they share with the engine: the course's ``W1, b1, W2, b2`` as a
:class:`~barenet.engine.network.Network` and back, the full-batch gradient
descent :func:`~barenet.shallow.nn_model` runs, and what it needs in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._memory import check_memory, fit_memory
from .engine.activations import ACTIVATIONS
from .engine.losses import OUTPUTS, binary_log_loss, binary_log_loss_from_logits
from .engine.network import Network
from .engine.optimizers import SGD
from .training import DivergenceError, blew_up, train_step

Array = np.ndarray
Parameters = dict[str, Array]

# Training looks for divergence this often (in iterations) and at the end: the
# loss from the logits costs a quarter of an iteration of the article's network.
DIVERGENCE_CHECK_EVERY = 100


def to_network(parameters: Parameters) -> Network:
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


def to_parameters(net: Network, theta: Array | None = None) -> Parameters:
    """The course's ``W1, b1, W2, b2`` (copies) from ``net.theta``, or from ``theta``."""
    (Wb1, Wb2) = net.views(net.theta if theta is None else theta)
    return {"W1": Wb1[:, :-1].copy(), "b1": Wb1[:, -1:].copy(),
            "W2": Wb2[:, :-1].copy(), "b2": Wb2[:, -1:].copy()}


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


def check_training_memory(n_x: int, hidden_sizes: Sequence[int], m: int,
                          workers: int = 1) -> None:
    """Refuse, before allocating, networks too large for the memory available.

    The ``workers`` largest of ``hidden_sizes`` train at once (in as many processes).
    """
    need: dict[str, int] = {}
    for n_h in sorted(hidden_sizes)[-workers:]:
        for part, size in training_memory(n_x, [n_h], m).items():
            need[part] = need.get(part, 0) + size
    at_once = f", {workers} networks at once" if workers > 1 else ""
    check_memory(need, f"training a network of {max(hidden_sizes)} hidden units on {m} "
                       f"samples{at_once}", "use fewer hidden units")


def gradient_descent(
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
                first = check_divergence(net.Z, Y_T, first, i, learning_rate)
            if callback is not None:
                callback(i, to_parameters(net, before), net.P.copy())
            if print_cost and i % 1000 == 0:
                print(f"Cost after iteration {i}: {binary_log_loss(Y_T, net.P.T):f}")
        net.forward(m)                             # the trained network's loss
        check_divergence(net.Z, Y_T, first, num_iterations, learning_rate)


def check_divergence(Z: Array, Y_T: Array, first: float | None, i: int,
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


def raise_divergences(sizes: Sequence[int], fits: Sequence[object]) -> None:
    """One :class:`~barenet.training.DivergenceError` naming every size whose fit is one.

    ``fits[k]`` is the trained parameters of ``sizes[k]``, or the error its
    training raised; the message gives the first one's figures.
    """
    diverged = [(n_h, fit) for n_h, fit in zip(sizes, fits, strict=True)
                if isinstance(fit, DivergenceError)]
    if diverged:
        which = ", ".join(str(n_h) for n_h, _ in diverged)
        how = str(diverged[0][1]).removeprefix("training diverged")
        raise DivergenceError(f"training diverged for hidden size{'s' if len(diverged) > 1 else ''}"
                              f" {which}{how}")
