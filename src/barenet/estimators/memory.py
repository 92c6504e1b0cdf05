"""What a fit of an estimator needs in memory, by part, and what to change when it does not fit."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import issparse

from .._memory import fit_memory, forward_rows, n_parameters
from ..training import Settings

# Data larger than memory is read this many mini-batches at a time.
STREAM_BLOCK_BATCHES = 64


def fit_memory_parts(est: Any, X: Any, n_outputs: int, settings: Settings, dtype: type,
                     first: bool, streamed: bool, validated: bool,
                     incremental: bool) -> dict[str, int]:
    """Bytes this fit will need, by part (see :func:`barenet._memory.fit_memory`)."""
    n_samples, n_features = X.shape
    if first:
        hidden = est._hidden_sizes()
        in_place = all(g.slope_from_output for g in est._hidden_activations(len(hidden)))
    else:  # (warm start: the fitted network's sizes)
        hidden = [W.shape[1] for W in est.coefs_[:-1]]
        in_place = all(g.slope_from_output for g in est._hidden)
    sizes = [n_features, *hidden, n_outputs]
    s = np.dtype(dtype).itemsize
    sparse = issparse(X)
    # Sparse rows: each non-zero with its column index (twice: the batch and
    # its rows gathered), and the whole X copied once into CSR form when it
    # comes in another.
    per_row = 2 * X.nnz / max(n_samples, 1) * (s + 8) if sparse else None
    parts = fit_memory(sizes, n_samples, settings.batch_size, est.solver, s,
                       in_place=in_place, input_per_row=per_row)
    if sparse:
        # The first layer's sparse products: Wᵀ made contiguous, and dW.
        parts["sparse products"] = 2 * n_features * sizes[1] * s
    if streamed:  # blocks read and shuffled
        rows = STREAM_BLOCK_BATCHES * settings.batch_size
        parts["data"] = int(2 * rows * (_row_numbers(X, rows) + n_outputs) * s)
    split = est.early_stopping and not (validated or incremental or est.solver == "lbfgs")
    if sparse and split:
        parts["data"] += X.nnz * (s + 8)  # (the split's copies)
    if validated or split:
        # Scoring goes through chunks in a workspace with room for a gradient.
        units = sum(sizes[1:])
        held_out = (forward_rows(units, s, 4096) * 4 * units + n_parameters(sizes)) * s
        if est.early_stopping:
            held_out += n_parameters(sizes) * s  # the best weights
        if split and not sparse:
            held_out += n_samples * (n_features + n_outputs) * s  # the split's copies
        parts["held-out data"] = held_out
    return parts

def _row_numbers(X: Any, rows: int) -> float:
    """Numbers a streamed row of ``X`` takes in memory.

    A Dask array of sparse chunks: the non-zeros of its first block, with
    their indices (the one block read ahead of training).
    """
    from ..training.batches import _read, sparse_chunks

    if not sparse_chunks(X):
        return X.shape[1]

    first = _read(X, 0, min(rows, X.shape[0]))
    return 2 * first.nnz / max(first.shape[0], 1)


def memory_advice(est: Any, parts: dict[str, int], dtype: type) -> str:
    """What to change when ``parts`` do not fit, biggest part first."""
    options = {
        "activations": ("solver='adam' with a batch_size instead of 'lbfgs' (L-BFGS "
                        "computes on all the samples at once)" if est.solver == "lbfgs"
                        else "a smaller batch_size"),
        "L-BFGS": "solver='adam' instead of 'lbfgs' (L-BFGS keeps about 40 copies of "
                  "the weights)",
        "held-out data": "validation_data instead of early stopping's held-out fraction",
    }
    advice = ["fewer or smaller hidden layers"]
    advice += [options[p] for p in sorted(parts, key=lambda part: parts[part], reverse=True)
               if p in options and parts[p] >= sum(parts.values()) / 4]
    # (L-BFGS works in float64 whatever the model's dtype.)
    if dtype == np.float64 and parts.get("L-BFGS", 0) < sum(parts.values()) / 2:
        advice.append("dtype='float32' (half the memory of weights and activations)")
    return "use " + ", ".join(advice[:-1]) + " or " + advice[-1]

