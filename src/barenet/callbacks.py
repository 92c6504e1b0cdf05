"""Ready-made callbacks for the estimators' ``callbacks=`` parameter.

A callback is any callable ``callback(estimator, info) -> stop``, called after
every epoch; ``info`` holds ``epoch``, ``loss``, ``val_loss``, ``val_score``
and ``learning_rate``.  The estimator's ``coefs_`` and ``intercepts_`` are
the weights of that epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from .engine.losses import OUTPUTS
from .engine.network import Network


class Snapshots:
    """Record the weights every ``every`` epochs (and at the last one).

    Parameters
    ----------
    every : int, default 1

    Attributes
    ----------
    snapshots : list of (epoch, coefs, intercepts, loss)
        Copies of the weights.

    Examples
    --------
    >>> from barenet import NeuralNetClassifier, datasets
    >>> from barenet.callbacks import Snapshots
    >>> X, y = datasets.noisy_moons()
    >>> snap = Snapshots(every=50)
    >>> clf = NeuralNetClassifier((8,), learning_rate_init=0.01, max_iter=300,
    ...                           callbacks=[snap], random_state=0).fit(X, y)
    >>> [epoch for epoch, coefs, intercepts, loss in snap.snapshots]
    [0, 50, 100, 150, 172]
    """

    def __init__(self, every: int = 1) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.every = every
        self.snapshots: list[tuple[int, list[np.ndarray], list[np.ndarray], float]] = []
        self._provisional = False  # the last entry is an in-between epoch, kept for the end

    def __call__(self, estimator: Any, info: dict[str, Any]) -> bool:
        epoch = info["epoch"]
        if epoch == 0:
            self.snapshots, self._provisional = [], False
        record = (epoch, [W.copy() for W in estimator.coefs_],
                  [b.copy() for b in estimator.intercepts_], float(info["loss"]))
        if self._provisional:
            self.snapshots.pop()
        self.snapshots.append(record)
        self._provisional = epoch % self.every != 0
        return False

    def frames(self, estimator: Any) -> list[tuple[int, Callable[[np.ndarray], np.ndarray], float]]:
        """The snapshots as ``(epoch, score, loss)``, ``score(P)`` the probability of the
        last class at points ``P`` (the fields of :class:`barenet.plot.animation.Frame`)."""
        output = OUTPUTS[estimator._output_name]
        return [(epoch, partial(_positive_score, Network.from_weights(
                    coefs, intercepts, estimator._hidden, output)), loss)
                for epoch, coefs, intercepts, loss in self.snapshots]


def _positive_score(net: Network, P: np.ndarray) -> np.ndarray:
    A = net.output.activation(net.logits(P.astype(net.theta.dtype)))
    return A[:, -1]
