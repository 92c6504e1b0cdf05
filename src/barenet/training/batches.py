"""Where the mini-batches of an epoch come from: in memory, or streamed from disk or Dask."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from scipy.sparse import issparse

from ..engine.network import Network

Array = np.ndarray


class Batches:
    """Where the mini-batches of an epoch come from.

    In memory, the samples are shuffled by index and every batch is gathered
    into one reused buffer: the data is never copied or reordered (sparse
    data: each batch is its rows, a small sparse matrix of its own).  Streamed
    (``block`` rows at a time, for a memory-mapped or Dask array larger than
    memory), the blocks are visited in random order and shuffled within
    themselves, each read once into memory; targets can be encoded batch by
    batch (``encode``), so no array of the data's length is ever made.

    Parameters
    ----------
    X : array of shape (m, n_features)
        NumPy array, ``numpy.memmap``, Dask array or ``scipy.sparse`` CSR matrix.
    Y : array of shape (m, n_outputs), or raw targets when ``encode`` is given
        (streaming only)
    sample_weight : array of shape (m,) or None
    batch : int
    rng : numpy.random.RandomState
    shuffle : bool
    block : int, optional
        Rows read at a time; streaming when given.
    encode : callable, optional
        ``encode(raw_targets) -> Y`` for one batch, when streaming.

    Examples
    --------
    >>> import numpy as np
    >>> X, Y = np.arange(16.0).reshape(8, 2), np.ones((8, 1))
    >>> batches = Batches(X, Y, None, 3, np.random.RandomState(0), shuffle=True)
    >>> [Xb.shape for Xb, Yb, sw in batches]             # one epoch, batches of 3
    [(3, 2), (3, 2), (2, 2)]
    >>> seen = [row for Xb, Yb, sw in batches for row in Xb[:, 0].tolist()]
    >>> sorted(seen) == X[:, 0].tolist()                 # every sample once an epoch
    True
    """

    def __init__(self, X: Any, Y: Any, sample_weight: Array | None, batch: int,
                 rng: np.random.RandomState, shuffle: bool, block: int | None = None,
                 encode: Callable[[Any], Array] | None = None) -> None:
        self.X, self.Y, self.sw = X, Y, sample_weight
        self.m, self.batch, self.rng, self.shuffle = X.shape[0], batch, rng, shuffle
        self.block, self.encode = block, encode
        self.written: Any = None  # the full batch, once it is in a network's inputs
        if block is None:
            self.indices = np.arange(self.m)
            if batch < self.m:
                if not issparse(X):
                    self.X_buffer = np.empty((batch, X.shape[1]), X.dtype)
                self.Y_buffer = np.empty((batch, Y.shape[1]), Y.dtype)

    def __iter__(self) -> Iterator[tuple[Array, Array, Array | None]]:
        if self.block is not None:
            yield from self._streamed()
        elif self.batch >= self.m:  # full batch: no copy, no reordering
            yield self.X, self.Y, self.sw
        else:
            if self.shuffle:
                self.rng.shuffle(self.indices)
            for start in range(0, self.m, self.batch):
                idx = self.indices[start:start + self.batch]
                Xb = (self.X[idx] if issparse(self.X)
                      else np.take(self.X, idx, axis=0, out=self.X_buffer[:len(idx)]))
                Yb = np.take(self.Y, idx, axis=0, out=self.Y_buffer[:len(idx)])
                yield Xb, Yb, None if self.sw is None else self.sw[idx]

    def _streamed(self) -> Iterator[tuple[Array, Array, Array | None]]:
        starts = np.arange(0, self.m, self.block)
        if self.shuffle:
            self.rng.shuffle(starts)
        for start in starts:
            stop = min(start + self.block, self.m)
            Xs = _read(self.X, start, stop)
            if not np.all(np.isfinite(Xs.data if issparse(Xs) else Xs)):
                raise ValueError(f"X contains NaN or infinity in rows {start}..{stop - 1}; "
                                 "remove or impute those samples first")
            raw = _read(self.Y, start, stop)
            sw = None if self.sw is None else _read(self.sw, start, stop)
            order = (self.rng.permutation(stop - start) if self.shuffle
                     else np.arange(stop - start))
            for k in range(0, len(order), self.batch):
                idx = order[k:k + self.batch]
                Yb = raw[idx] if self.encode is None else self.encode(raw[idx])
                yield Xs[idx], Yb, None if sw is None else sw[idx]


def sparse_chunks(X: Any) -> bool:
    """Whether ``X`` is a Dask array whose chunks are ``scipy.sparse`` matrices."""
    return hasattr(X, "compute") and issparse(getattr(X, "_meta", None))


def _read(a: Any, start: int, stop: int) -> Any:
    """Rows ``start:stop`` of a NumPy, memory-mapped or Dask array, in memory.

    Sparse blocks (a Dask array of ``scipy.sparse`` chunks) stay sparse, in CSR form.
    """
    block = a[start:stop]
    if hasattr(block, "compute"):
        # NOTE: in this process, one task at a time: a thread pool would hold
        # several chunks in memory at once for no gain on a sequential read.
        block = block.compute(scheduler="synchronous")
    return block.tocsr() if issparse(block) else np.asarray(block)


def feed(batches: Batches, net: Network) -> Iterator[tuple[int, Array, Array | None]]:
    """Each batch of ``batches`` written into ``net``'s inputs: yields ``(m, Y, sample_weight)``.

    The samples are copied in as columns, or sparse batches kept as they are
    (:meth:`Network.write_inputs`); the full batch is written once and stays
    in place from epoch to epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> X, Y = np.arange(16.0).reshape(8, 2), np.ones((8, 1))
    >>> batches = Batches(X, Y, None, 3, np.random.RandomState(0), shuffle=True)
    >>> [(m, Yb.shape) for m, Yb, sw in feed(batches, net)]   # each batch now in net's inputs
    [(3, (3, 1)), (3, (3, 1)), (2, (2, 1))]
    >>> full = Batches(X, Y, None, 8, np.random.RandomState(0), shuffle=True)
    >>> [m for m, Yb, sw in feed(full, net)], full.written is X   # written once, kept
    ([8], True)
    """
    for Xb, Yb, sw in batches:
        m = Xb.shape[0]
        if Xb is not batches.written:
            net.write_inputs(Xb)
            batches.written = Xb if m == batches.m else None
        yield m, Yb, sw

