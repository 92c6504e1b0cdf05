"""Workload W5: sparse text-like features, barenet against ``MLPClassifier``.

20,000 documents with 50,000 features of which 50 per document are non-zero
(0.1%, TF-IDF-like: the shape of a bag of words), in a ``scipy.sparse`` CSR
matrix; one epoch of Adam with each estimator's defaults (one hidden layer of
100 relu units, batches of 200, float64).  The dense matrix would take 7.5
GiB: both estimators multiply the sparse matrix as it is.  The check reports
barenet's peak traced memory during a fit against the data's size, dense and
sparse.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .runner import Case, Runner, quiet_fit, traced_peak

N_FEATURES = 50_000
"""Columns of W5's matrix (the vocabulary)."""
PER_ROW = 50
"""Non-zeros in each row (0.1% of the columns)."""


def sparse_data(n_samples: int, seed: int = 0) -> tuple[Any, np.ndarray]:
    """A CSR matrix of bag-of-words shape and labels a linear rule sets.

    Parameters
    ----------
    n_samples : int
    seed : int, default 0

    Returns
    -------
    X : scipy.sparse.csr_matrix of shape (n_samples, 50000)
        :data:`PER_ROW` non-zeros per row at random columns, values in [0, 1).
    y : ndarray of shape (n_samples,)
        0 or 1: the sign of ``X w`` for a random ``w``.

    Examples
    --------
    >>> X, y = sparse_data(4)
    >>> X.format, X.shape, X.getnnz(axis=1).tolist()
    ('csr', (4, 50000), [50, 50, 50, 50])
    >>> y.tolist()
    [1, 1, 0, 0]
    """
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(seed)
    nnz = n_samples * PER_ROW
    X = csr_matrix((rng.random(nnz), rng.integers(0, N_FEATURES, nnz),
                    np.arange(0, nnz + 1, PER_ROW)), shape=(n_samples, N_FEATURES))
    X.sum_duplicates()
    y = (X @ rng.standard_normal(N_FEATURES) > 0).astype(int)
    return X, y


def w5(quick: bool) -> Case:
    """W5: one epoch of Adam on sparse bag-of-words features.

    Parameters
    ----------
    quick : bool
        4,000 documents and 2 rounds instead of 20,000 and 3.

    Returns
    -------
    Case
        barenet's estimator (the reference) and scikit-learn's
        ``MLPClassifier``, with the same parameters; the check compares their
        training accuracy after the epoch and reports barenet's peak traced
        memory during a fit.
    """
    from sklearn.neural_network import MLPClassifier

    from ..estimators import NeuralNetClassifier

    X, y = sparse_data(4_000 if quick else 20_000)
    hidden = 100
    params = {"hidden_layer_sizes": (hidden,), "max_iter": 1, "random_state": 0}
    ours, theirs = "barenet NeuralNetClassifier", "scikit-learn MLPClassifier"
    fit_ours = quiet_fit(lambda: NeuralNetClassifier(**params), X, y)
    systems: dict[str, Runner | str] = {
        ours: fit_ours,
        theirs: quiet_fit(lambda: MLPClassifier(**params), X, y),
    }

    def check(outputs: dict[str, Any], medians: dict[str, float]) -> dict:
        accuracy = {name: float(model.score(X, y)) for name, model in outputs.items()}
        peak = traced_peak(fit_ours)
        dense = X.shape[0] * X.shape[1] * 8
        stored = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
        weights = (X.shape[1] + 1) * hidden * 8
        return {"ok": accuracy[ours] >= accuracy[theirs] - 0.05 and peak < dense / 4,
                "message": (f"training accuracy after the epoch: barenet {accuracy[ours]:.3f}, "
                            f"scikit-learn {accuracy[theirs]:.3f}; barenet's peak traced "
                            f"memory during a fit {peak / 2**20:.0f} MiB, for data of "
                            f"{stored / 2**20:.0f} MiB sparse ({dense / 2**30:.1f} GiB "
                            f"dense) and first-layer weights of {weights / 2**20:.0f} MiB"),
                "accuracy": accuracy, "peak_traced_bytes": peak, "sparse_bytes": stored,
                "dense_bytes": dense}

    return Case(f"{X.shape[0]:,} x {X.shape[1]:,} sparse CSR ({PER_ROW} non-zeros a row), "
                f"{hidden} relu units, Adam batch 200, one epoch, float64", 1, systems, ours,
                check=check, repeats=2 if quick else 3)
