"""Data larger than memory: fits stream a memory-mapped or Dask array in blocks."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

import barenet as bn
from barenet.estimators import STREAM_MIN_BYTES


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    rng = np.random.RandomState(0)
    n = STREAM_MIN_BYTES // (8 * 8) + 50_000  # a bit over the streaming threshold
    X = np.lib.format.open_memmap(folder / "X.npy", mode="w+", dtype=np.float64, shape=(n, 8))
    for start in range(0, n, 100_000):
        X[start:start + 100_000] = rng.randn(min(100_000, n - start), 8)
    X.flush()
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int8)
    np.save(folder / "y.npy", y)
    del X
    return folder


def _model(**kw):
    return bn.NeuralNetClassifier((16,), activation="tanh", solver="sgd", batch_size=512,
                                  learning_rate_init=0.1, momentum=0.9, max_iter=1,
                                  n_iter_no_change=None, random_state=0, **kw)


def _traced(fit):
    tracemalloc.start()
    try:
        fit()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memmap_fit_streams_with_bounded_memory(on_disk):
    X = np.load(on_disk / "X.npy", mmap_mode="r")
    y = np.load(on_disk / "y.npy", mmap_mode="r")
    model = _model()
    peak = _traced(lambda: model.fit(X, y))
    # far below the file: a block of rows, a batch, the model; y's checks (int8) included
    assert peak < X.nbytes / 8, (peak, X.nbytes)
    assert model.n_features_in_ == 8 and model.n_iter_ == 1
    assert model.score(X[:20_000], y[:20_000]) > 0.8  # it learned, from every block


def test_dask_array_gives_the_same_model_as_the_memmap(on_disk):
    da = pytest.importorskip("dask.array", reason="Dask is not installed")
    X = np.load(on_disk / "X.npy", mmap_mode="r")
    y = np.load(on_disk / "y.npy")
    from_disk = _model().fit(X, y)
    lazy = da.from_array(X, chunks=(25_000, 8))  # 1.6 MB chunks
    labels = da.from_array(y, chunks=25_000)
    lazy[:10].compute(), labels[:10].compute()  # Dask's one-time start-up, not traced
    streamed = _model()
    peak = _traced(lambda: streamed.fit(lazy, labels))
    assert peak < X.nbytes / 4, (peak, X.nbytes)  # blocks are read one at a time
    for a, b in zip(from_disk.coefs_ + from_disk.intercepts_,
                    streamed.coefs_ + streamed.intercepts_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_streaming_refuses_what_would_copy_the_data(on_disk):
    X = np.load(on_disk / "X.npy", mmap_mode="r")
    y = np.load(on_disk / "y.npy")
    with pytest.raises(ValueError, match="validation_data"):
        _model(early_stopping=True).fit(X, y)
    with pytest.raises(ValueError, match="lbfgs"):
        bn.NeuralNetClassifier((4,), solver="lbfgs", max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="samples but y has"):
        _model().fit(X, y[:-1])


def test_nan_in_a_block_is_reported_with_its_rows(tmp_path):
    n = STREAM_MIN_BYTES // 16 + 1000
    X = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float64,
                                  shape=(n, 2))
    X[:] = 1.0
    X[n - 5, 1] = np.nan
    X.flush()
    y = np.arange(n) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="NaN or infinity in rows"):
            _model().fit(np.load(tmp_path / "X.npy", mmap_mode="r"), y)


def test_streamed_data_sets_the_dtype_as_data_in_memory_does():
    da = pytest.importorskip("dask.array", reason="Dask is not installed")
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 4)
    y = (X[:, 0] > 0).astype(int)
    lazy = da.from_array(X.astype(np.float32), chunks=(500, 4))
    model = _model().fit(lazy, y)  # dtype=None: float32 data, a float32 model
    assert {W.dtype for W in model.coefs_ + model.intercepts_} == {np.dtype(np.float32)}
    assert model.predict_proba(X[:5]).dtype == np.float32
    model.partial_fit(da.from_array(X, chunks=(500, 4)).astype(np.float32), y)
    with pytest.raises(ValueError, match=r"computes in float32; convert it with "
                                         r"X.astype\('float32'\)"):
        model.partial_fit(da.from_array(X, chunks=(500, 4)), y)  # float64: it would copy
    with pytest.raises(ValueError, match="int64 Dask array"):
        _model().fit(da.from_array((X * 10).astype(np.int64), chunks=(500, 4)), y)
