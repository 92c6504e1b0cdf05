"""Optimisers, gradient clipping and learning-rate schedules, on one flat vector.

The parameters of a network are one vector ``theta``
(:attr:`barenet.engine.network.Network.theta`) and its gradient one vector
``grad`` laid out the same; an optimiser's state (velocities, moment
estimates) is laid out the same again, so every update is a few elementwise
operations on whole vectors, in place, allocating nothing.  Plain gradient
descent is :class:`SGD` with momentum 0.

Every optimiser has ``gradient_scale()``, the factor the backward pass
should multiply the gradient by (:meth:`barenet.engine.network.Network.backward`'s
``scale``), and ``step(theta, grad)``, which updates ``theta`` in place from
that scaled gradient.  For plain gradient descent the factor is the learning
rate, so the gradient comes out as the step and ``step`` is one subtraction;
for the others it is 1.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike

Array = np.ndarray

# Numbers Adam updates at a time (256 KiB of each float64 vector).
ADAM_CHUNK = 32768


class SGD:
    """Gradient descent, optionally with (Nesterov) momentum, in place.

    With momentum ``mu`` the parameters keep a velocity ``v``:
    ``v <- mu v - alpha g``, then ``theta <- theta + v``, or with Nesterov's
    look-ahead ``theta <- theta + mu v - alpha g``.  With ``mu = 0`` this is
    the article's ``theta <- theta - alpha g``.

    Parameters
    ----------
    n : int
        Number of parameters.
    learning_rate : float
        ``alpha``; may be changed between steps (schedules do).
    momentum : float, default 0
    nesterov : bool, default False
    dtype : dtype, default float64

    Examples
    --------
    >>> import numpy as np
    >>> theta, opt = np.zeros(2), SGD(2, learning_rate=0.1, momentum=0.9)
    >>> opt.step(theta, np.ones(2) * opt.gradient_scale())
    >>> theta.tolist()
    [-0.1, -0.1]
    """

    def __init__(self, n: int, learning_rate: float, momentum: float = 0.0,
                 nesterov: bool = False, dtype: DTypeLike = np.float64) -> None:
        self.learning_rate, self.momentum, self.nesterov = learning_rate, momentum, nesterov
        self.velocity = np.zeros(n, dtype)

    def gradient_scale(self) -> float:
        """The learning rate without momentum (the gradient is then the step), else 1."""
        return self.learning_rate if self.momentum == 0 else 1.0

    def step(self, theta: Array, grad: Array) -> None:
        """Update ``theta`` in place; ``grad`` is ``gradient_scale()`` x the gradient.

        ``grad`` is used as scratch space: it holds ``alpha g`` afterwards.
        """
        mu = self.momentum
        if mu == 0:
            theta -= grad                              # theta <- theta - alpha g
            return
        v = self.velocity
        grad *= self.learning_rate                     # alpha g
        v *= mu
        v -= grad                                      # v <- mu v - alpha g
        if self.nesterov:                              # theta <- theta + mu v - alpha g
            theta -= grad
            theta += np.multiply(v, mu, out=grad)
        else:
            theta += v                                 # theta <- theta + v


class Adam:
    """Adam (Kingma and Ba, 2014), with bias-corrected step size, in place.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``theta <- theta - alpha_t m / (sqrt(v) + eps)`` with
    ``alpha_t = alpha sqrt(1 - b2**t) / (1 - b1**t)`` at step ``t = 1, 2, ...``

    Parameters
    ----------
    n : int
        Number of parameters.
    learning_rate : float
    beta_1, beta_2 : float, default 0.9, 0.999
    epsilon : float, default 1e-8
    dtype : dtype, default float64

    Examples
    --------
    >>> import numpy as np
    >>> theta, opt = np.array([1.0, -2.0]), Adam(2, learning_rate=0.1)
    >>> opt.step(theta, np.array([0.5, -3.0]))  # the first step is learning_rate * sign(grad)
    >>> theta.round(4).tolist()
    [0.9, -1.9]
    """

    def __init__(self, n: int, learning_rate: float, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8,
                 dtype: DTypeLike = np.float64) -> None:
        self.learning_rate = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.m, self.v = np.zeros(n, dtype), np.zeros(n, dtype)
        self._scratch = np.empty(min(n, ADAM_CHUNK), dtype)
        self._chunks = [slice(i, min(i + ADAM_CHUNK, n)) for i in range(0, n, ADAM_CHUNK)]

    def gradient_scale(self) -> float:
        """1: Adam's step is not proportional to the gradient."""
        return 1.0

    def step(self, theta: Array, grad: Array) -> None:
        """Update ``theta`` in place from the gradient ``grad`` (left unchanged)."""
        self.t += 1
        lr = self.learning_rate * math.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        # NOTE: chunk by chunk, the twelve operations below run on numbers
        # still in the CPU's cache (the same operations on each number, so the
        # same results); on a large network, in one go, each would read its
        # vectors from memory.
        for part in self._chunks:
            self._update(theta[part], grad[part], self.m[part], self.v[part], lr)

    def _update(self, theta: Array, grad: Array, m: Array, v: Array, lr: float) -> None:
        b1, b2, s = self.beta_1, self.beta_2, self._scratch[:len(grad)]
        m *= b1
        m += np.multiply(grad, 1 - b1, out=s)          # m <- b1 m + (1 - b1) g
        v *= b2
        np.multiply(grad, grad, out=s)
        s *= 1 - b2
        v += s                                         # v <- b2 v + (1 - b2) g**2
        np.sqrt(v, out=s)
        s += self.epsilon
        np.divide(m, s, out=s)
        s *= lr
        theta -= s                                     # theta <- theta - alpha_t m / (√v + eps)


def clip_by_norm(grad: Array, max_norm: float | None) -> None:
    """Scale ``grad`` in place so that its L2 norm is at most ``max_norm`` (None: no limit).

    Examples
    --------
    >>> import numpy as np
    >>> grad = np.array([3.0, 4.0])
    >>> clip_by_norm(grad, 1.0)
    >>> grad.tolist()
    [0.6, 0.8]
    """
    if max_norm is None:
        return
    norm = math.sqrt(float(np.vdot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm


class LearningRateSchedule:
    """Learning rate as training goes: constant, inverse scaling or on plateau.

    * ``"constant"``: ``alpha_0`` throughout;
    * ``"invscaling"``: ``alpha_0 / (t + 1) ** power_t`` after ``t`` samples;
    * ``"adaptive"`` (reduce on plateau): ``alpha_0`` until the monitored
      figure stops improving, then divided by 5 at each plateau, down to
      ``min_rate``.

    Parameters
    ----------
    kind : {"constant", "invscaling", "adaptive"}
    learning_rate_init : float
    power_t : float, default 0.5
    factor : float, default 0.2
        Multiplier applied at a plateau (``"adaptive"``).
    min_rate : float, default 1e-6

    Examples
    --------
    >>> schedule = LearningRateSchedule("invscaling", 0.1)
    >>> schedule.at(0), round(schedule.at(99), 4)  # 0.1 / (99 + 1) ** 0.5
    (0.1, 0.01)
    >>> adaptive = LearningRateSchedule("adaptive", 0.1)
    >>> adaptive.on_plateau(), round(adaptive.at(0), 4)  # divided by 5 at a plateau
    (True, 0.02)
    """

    def __init__(
        self,
        kind: str,
        learning_rate_init: float,
        power_t: float = 0.5,
        factor: float = 0.2,
        min_rate: float = 1e-6,
    ) -> None:
        if kind not in ("constant", "invscaling", "adaptive"):
            raise ValueError(
                f"unknown learning-rate schedule {kind!r}; "
                "choose 'constant', 'invscaling' or 'adaptive'"
            )
        self.kind = kind
        self.rate = float(learning_rate_init)
        self.learning_rate_init = float(learning_rate_init)
        self.power_t, self.factor, self.min_rate = power_t, factor, min_rate

    def at(self, samples_seen: int) -> float:
        """The learning rate to use after ``samples_seen`` training samples."""
        if self.kind == "invscaling":
            return self.learning_rate_init / (samples_seen + 1) ** self.power_t
        return self.rate

    def on_plateau(self) -> bool:
        """Reduce the rate after a plateau; return whether training should go on."""
        if self.kind != "adaptive" or self.rate <= self.min_rate:
            return False
        self.rate *= self.factor
        return True
