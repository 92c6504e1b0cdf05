"""One step of training: forward, loss, backward, clipping, update."""

from __future__ import annotations

import numpy as np

from ..engine.network import Network
from ..engine.optimizers import SGD, Adam, clip_by_norm
from .monitor import DivergenceGuard

Array = np.ndarray


def train_step(net: Network, m: int, Y: Array, sample_weight: Array | None,
               optimizer: SGD | Adam, alpha: float = 0.0, max_grad_norm: float | None = None,
               guard: DivergenceGuard | None = None, epoch: int = 0,
               loss: bool = True) -> float | None:
    """One step on the ``m`` samples in ``net``'s inputs; returns the loss before it.

    Parameters
    ----------
    net : Network
        Its inputs hold the batch (:meth:`Network.inputs`); its ``theta`` is
        updated in place.
    m : int
    Y : ndarray of shape (m, n_outputs)
    sample_weight : ndarray of shape (m,) or None
    optimizer : SGD or Adam
    alpha : float, default 0
        L2 penalty.
    max_grad_norm : float, optional
        Clip the gradient's L2 norm to this value.
    guard : DivergenceGuard, optional
        Told the loss before the step; raises (weights rolled back) if it blew up.
    epoch : int
        For the guard's message.
    loss : bool, default True
        Whether to compute the loss (and tell the guard); without it the
        step is forward, backward and update only.  The forward pass's
        outputs stay in the network (:attr:`Network.Z`, :attr:`Network.P`).

    Returns
    -------
    float or None
        The loss (penalty included) at the weights before the step.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> from barenet.engine.optimizers import SGD
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> X, Y = np.random.RandomState(0).randn(8, 2), np.ones((8, 1))
    >>> m = net.write_inputs(X)                         # the batch, once
    >>> optimizer = SGD(net.theta.size, learning_rate=0.5)
    >>> losses = [train_step(net, m, Y, None, optimizer) for _ in range(3)]
    >>> losses[2] < losses[1] < losses[0]               # each step lowers the loss
    True
    """
    net.forward(m)
    value = net.loss(Y, sample_weight, alpha) if loss else None
    if guard is not None and value is not None:
        guard.check(value, epoch, optimizer.learning_rate)
    scale = optimizer.gradient_scale()              # the learning rate, for plain descent
    grad = net.backward(Y, sample_weight, alpha, scale)
    clip_by_norm(grad, None if max_grad_norm is None else max_grad_norm * scale)
    optimizer.step(net.theta, grad)
    return value
