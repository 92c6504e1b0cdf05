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


# Optional peers an example may need, by a word that shows it in its code:
# ``to_torch``/``import torch`` needs PyTorch; anything ONNX needs onnx and onnxruntime.
OPTIONAL_PEERS = {"torch": ("torch",), "onnx": ("onnx", "onnxruntime"),
                  "skl2onnx": ("skl2onnx",)}


def missing_peer(code: str) -> str | None:
    """The first optional package ``code`` needs that is not installed, or None."""
    import importlib.util

    for word, packages in OPTIONAL_PEERS.items():
        if word in code:
            for package in packages:
                if importlib.util.find_spec(package) is None:
                    return package
    return None
