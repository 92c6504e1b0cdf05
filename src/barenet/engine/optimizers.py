"""Optimisers and learning-rate schedules.

Optimisers are small classes whose state (velocities, moment estimates) is
lined up with the parameter list they were made for; every formula is
elementwise, so the state can also be laid out as one flat vector beside
flat parameters (:meth:`Adam.relayout_state`).  ``step(params, grads)``
returns the new parameters as new arrays; the caller keeps them.  Plain
gradient descent is :func:`gradient_descent_step`, the article's update, used
as is by every optimiser that reduces to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray


def gradient_descent_step(
    params: Sequence[Array], grads: Sequence[Array], learning_rate: float
) -> list[Array]:
    """One step of plain gradient descent: ``theta <- theta - alpha * dtheta``.

    Parameters
    ----------
    params, grads : sequence of ndarray
        Parameters and their gradients, in the same order and shapes.
    learning_rate : float
        The step size ``alpha``.

    Returns
    -------
    list of ndarray
        New arrays; the inputs are left unchanged.
    """
    return [p - learning_rate * g for p, g in zip(params, grads, strict=True)]


class GradientDescent:
    """Gradient descent, optionally with (Nesterov) momentum.

    With momentum ``mu`` each parameter keeps a velocity ``v``:
    ``v <- mu v - alpha g``, then ``theta <- theta + v``, or with Nesterov's
    look-ahead ``theta <- theta + mu v - alpha g``.  With ``mu = 0`` this is
    :func:`gradient_descent_step`.

    Parameters
    ----------
    params : sequence of ndarray
        The parameters, to shape the velocities.
    learning_rate : float
    momentum : float, default 0
    nesterov : bool, default False

    Examples
    --------
    >>> import numpy as np
    >>> opt = GradientDescent([np.zeros(2)], learning_rate=0.1, momentum=0.9)
    >>> p = opt.step([np.zeros(2)], [np.ones(2)])
    >>> p[0].tolist()
    [-0.1, -0.1]
    """

    def __init__(
        self,
        params: Sequence[Array],
        learning_rate: float,
        momentum: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        """Return the parameters after one step along ``-grads``."""
        lr, mu = self.learning_rate, self.momentum
        if mu == 0:
            return gradient_descent_step(params, grads, lr)
        self.velocities = [mu * v - lr * g for v, g in zip(self.velocities, grads, strict=True)]
        if self.nesterov:
            updates = [mu * v - lr * g for v, g in zip(self.velocities, grads, strict=True)]
        else:
            updates = self.velocities
        return [p + u for p, u in zip(params, updates, strict=True)]

    def relayout_state(self, convert: Callable[[list[Array]], list[Array]]) -> None:
        """Lay the velocities out anew, e.g. as one flat vector (the formulas are elementwise)."""
        self.velocities = convert(self.velocities)


class Adam:
    """Adam (Kingma and Ba, 2014), with bias-corrected step size.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``theta <- theta - alpha_t m / (sqrt(v) + eps)`` with
    ``alpha_t = alpha sqrt(1 - b2**t) / (1 - b1**t)`` at step ``t = 1, 2, ...``

    Parameters
    ----------
    params : sequence of ndarray
    learning_rate : float
    beta_1, beta_2 : float, default 0.9, 0.999
    epsilon : float, default 1e-8
    """

    def __init__(
        self,
        params: Sequence[Array],
        learning_rate: float,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.learning_rate = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        """Return the parameters after one Adam step."""
        b1, b2 = self.beta_1, self.beta_2
        self.t += 1
        self.m = [b1 * m + (1 - b1) * g for m, g in zip(self.m, grads, strict=True)]
        self.v = [b2 * v + (1 - b2) * g * g for v, g in zip(self.v, grads, strict=True)]
        lr = self.learning_rate * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        return [
            p - lr * m / (np.sqrt(v) + self.epsilon)
            for p, m, v in zip(params, self.m, self.v, strict=True)
        ]

    def relayout_state(self, convert: Callable[[list[Array]], list[Array]]) -> None:
        """Lay the moments out anew, e.g. as one flat vector (all formulas are elementwise)."""
        self.m, self.v = convert(self.m), convert(self.v)


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
