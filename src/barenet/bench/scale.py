"""Workloads W3 and W4: training and inference on a million points.

W3: 1,000,000 points of gaussian quantiles, a 2-64-64-1 tanh network, one
epoch of mini-batch SGD (batch 1024), float32.  W4: predicted probabilities
of the W3 network for the same million points.  Peers: PyTorch on the CPU
(the same loop, on as many threads as NumPy's BLAS) and scikit-learn's
``MLPClassifier``.  Also measured here: the machine's matrix-multiply peak,
which sets a floor under W3's epoch, and barenet's peak traced memory.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .runner import NOT_INSTALLED, Case, Runner, quiet_fit, timed, traced_peak

HIDDEN = (64, 64)
"""Hidden layer sizes of the W3 network (2-64-64-1, tanh)."""
BATCH = 1024
"""Mini-batch size of W3's epoch."""
LEARNING_RATE = 0.05
"""Step size of W3's plain SGD (no momentum)."""


def _data(quick: bool) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_gaussian_quantiles

    n = 100_000 if quick else 1_000_000
    X, y = make_gaussian_quantiles(n_samples=n, n_features=2, n_classes=2, random_state=0)
    return X.astype(np.float32), y


def _barenet_model():
    from ..estimators import NeuralNetClassifier

    return NeuralNetClassifier(HIDDEN, activation="tanh", solver="sgd", batch_size=BATCH,
                               learning_rate_init=LEARNING_RATE, momentum=0.0, alpha=0.0,
                               max_iter=1, n_iter_no_change=None, dtype="float32",
                               random_state=0)


def _sklearn_model():
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(HIDDEN, activation="tanh", solver="sgd", batch_size=BATCH,
                         learning_rate_init=LEARNING_RATE, momentum=0.0, alpha=0.0,
                         max_iter=1, n_iter_no_change=2, tol=0.0, shuffle=True,
                         random_state=0)


def blas_threads() -> int:
    """Threads NumPy's BLAS uses (what PyTorch gets too, for a fair comparison).

    Returns
    -------
    int
        The first BLAS pool's thread count, as threadpoolctl reports it; 1
        when NumPy has no BLAS pool.
    """
    from threadpoolctl import threadpool_info

    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return int(pools[0]["num_threads"]) if pools else 1


def _torch_modules(n_features: int):
    import torch

    layers: list = []
    sizes = [n_features, *HIDDEN]
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
    return torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-1], 1))


def _torch_train(X: np.ndarray, y: np.ndarray) -> Runner | str:
    """One epoch of mini-batch SGD in PyTorch, the loop a user would write."""
    try:
        import torch
    except ImportError:
        return NOT_INSTALLED
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y.astype(np.float32)).reshape(-1, 1)

    def run():
        torch.set_num_threads(blas_threads())
        torch.manual_seed(0)
        model = _torch_modules(X.shape[1])
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        order = torch.randperm(len(Xt))
        for start in range(0, len(Xt), BATCH):
            idx = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
        return model

    return run


def w3(quick: bool) -> Case:
    """W3: one epoch of mini-batch SGD on a million points, float32.

    Parameters
    ----------
    quick : bool
        100,000 points and 3 rounds instead of 1,000,000 and 5.

    Returns
    -------
    Case
        barenet's estimator (the reference), PyTorch and scikit-learn; the
        check reports barenet's accuracy, weight dtype, peak traced memory and
        its epoch against the floor the machine's GEMM peak sets.
    """
    X, y = _data(quick)
    systems: dict[str, Runner | str] = {
        "barenet NeuralNetClassifier": lambda: _barenet_model().fit(X, y),
        "PyTorch (CPU, same threads)": _torch_train(X, y),
        "scikit-learn MLPClassifier": quiet_fit(_sklearn_model, X, y),
    }

    def check(outputs: dict[str, Any], medians: dict[str, float]) -> dict:
        accuracy = float(outputs["barenet NeuralNetClassifier"].score(X[:50_000], y[:50_000]))
        dtypes = {str(W.dtype) for W in outputs["barenet NeuralNetClassifier"].coefs_}
        peak = traced_peak(lambda: _barenet_model().fit(X, y))
        data = X.nbytes + y.nbytes
        flops, rate = epoch_flops(len(X)), gemm_peak()
        floor, epoch = flops / rate, medians["barenet NeuralNetClassifier"]
        return {"ok": dtypes == {"float32"} and accuracy > 0.6,
                "message": (f"after one epoch barenet's accuracy is {accuracy:.3f}, weights "
                            f"{'/'.join(sorted(dtypes))}; peak traced memory during fit "
                            f"{peak / 2**20:.1f} MiB for {data / 2**20:.1f} MiB of data; "
                            f"GEMM peak {rate / 1e9:.0f} GFLOP/s (float32 1024x1024 products, "
                            f"{blas_threads()} threads): the epoch's {flops / 1e9:.1f} GFLOP "
                            f"of matrix products would take {floor:.3f} s, barenet's epoch "
                            f"is {epoch / floor:.1f}x that ({floor / epoch:.0%} of the peak)"),
                "accuracy": accuracy, "peak_traced_bytes": peak, "data_bytes": data,
                "floor_s": floor, "gemm_gflops": rate / 1e9,
                "fraction_of_peak": floor / epoch}

    return Case(f"{len(X):,} points, 2-64-64-1 tanh, SGD batch {BATCH}, one epoch, float32",
                1, systems, "barenet NeuralNetClassifier", check=check,
                repeats=3 if quick else 5)


def w4(quick: bool) -> Case:
    """W4: predicted probabilities of the W3 network for a million points.

    Parameters
    ----------
    quick : bool
        As in :func:`w3`.

    Returns
    -------
    Case
        ``predict_proba`` of barenet's estimator (the reference, fitted on
        20,000 points), scikit-learn's and the same weights in PyTorch; the
        check wants float32 probabilities equal to PyTorch's to 1e-4.
    """
    X, y = _data(quick)
    ours = _barenet_model().fit(X[:20_000], y[:20_000])
    theirs = quiet_fit(_sklearn_model, X[:20_000], y[:20_000])()
    systems: dict[str, Runner | str] = {
        "barenet NeuralNetClassifier": lambda: ours.predict_proba(X),
        "scikit-learn MLPClassifier": lambda: theirs.predict_proba(X),
    }
    try:
        import torch
    except ImportError:
        systems["PyTorch (CPU, same threads)"] = NOT_INSTALLED
    else:
        from ..export import to_torch

        model = to_torch(ours)  # the same weights, ending in the sigmoid
        Xt = torch.from_numpy(X)

        def torch_predict():
            torch.set_num_threads(blas_threads())
            with torch.no_grad():
                return model(Xt).numpy()

        systems["PyTorch (CPU, same threads)"] = torch_predict

    def check(outputs: dict[str, Any], medians: dict[str, float]) -> dict:
        ours_p = outputs["barenet NeuralNetClassifier"][:, 1]
        message = f"barenet's probabilities are {ours_p.dtype}"
        ok = ours_p.dtype == np.float32
        theirs = outputs.get("PyTorch (CPU, same threads)")
        if isinstance(theirs, np.ndarray):
            diff = float(np.abs(theirs[:, 0] - ours_p).max())
            ok = ok and diff < 1e-4
            message += f" and equal PyTorch's to {diff:.1e}"
        return {"ok": bool(ok), "message": message}

    return Case(f"predict_proba for {len(X):,} points with the W3 network (float32)", 1,
                systems, "barenet NeuralNetClassifier", check=check, repeats=3 if quick else 5)


def epoch_flops(n_samples: int) -> float:
    """Floating-point operations of one W3 epoch: forward and backward matrix products.

    A product of ``(n, a)`` by ``(a, b)`` costs ``2 n a b``; the backward pass
    has two products per layer, so an epoch costs three times the forward pass.

    Parameters
    ----------
    n_samples : int
        Points in the epoch.

    Returns
    -------
    float
        ``3 * sum(2 a b) * n_samples`` over the layers ``a -> b`` of 2-64-64-1.
    """
    sizes = [2, *HIDDEN, 1]
    forward = sum(2 * a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return 3.0 * forward * n_samples  # backward: two products per layer


@functools.cache
def gemm_peak() -> float:
    """The machine's float32 matrix-multiply rate, best of a few 1024³ products.

    Measured on the first call only; later calls return that figure.

    Returns
    -------
    float
        FLOP/s: ``2 * 1024**3`` over the fastest of five timed products.
    """
    rng = np.random.default_rng(0)
    A = rng.standard_normal((1024, 1024), dtype=np.float32)
    B = rng.standard_normal((1024, 1024), dtype=np.float32)
    C = np.empty_like(A)
    np.dot(A, B, out=C)  # untimed: the first product warms the BLAS threads up
    best = min(timed(lambda: np.dot(A, B, out=C)) for _ in range(5))
    return 2 * 1024**3 / best
