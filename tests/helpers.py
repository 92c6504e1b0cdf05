"""Small helpers shared by the tests."""

from __future__ import annotations

import tracemalloc

import numpy as np

from barenet.engine.network import Network


def loss_and_gradients(net: Network, X, Y, sample_weight=None, alpha: float = 0.0):
    """The network's loss and its gradient by array, ``[*dcoefs, *dintercepts]``
    in scikit-learn's shapes (copies)."""
    loss, grad = net.loss_and_gradient(np.asarray(X), np.asarray(Y), sample_weight, alpha)
    return loss, [np.array(g) for g in (*net.coefs(grad), *net.intercepts(grad))]


def peak_growth(call) -> int:
    """Peak bytes traced while ``call()`` runs, above what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
