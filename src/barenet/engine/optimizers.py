"""Parameter updates."""

from __future__ import annotations

from collections.abc import Sequence

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
