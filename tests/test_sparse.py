"""Sparse input (``scipy.sparse``), end to end, through the public API.

A sparse matrix must train and predict exactly as its dense twin (the same
sums, in another order: to rounding), in every solver, task and dtype, and
must never be made dense: the first layer multiplies it as it is.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from barenet import NeuralNetClassifier, NeuralNetRegressor
from barenet.engine.activations import ACTIVATIONS
from barenet.engine.losses import OUTPUTS
from barenet.engine.network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def bag_of_words(n_samples=300, n_features=60, per_row=6, seed=0):
    """A CSR matrix with ``per_row`` non-zeros a row and labels a linear rule sets."""
    rng = np.random.default_rng(seed)
    nnz = n_samples * per_row
    X = sp.csr_matrix((rng.random(nnz), rng.integers(0, n_features, nnz),
                       np.arange(0, nnz + 1, per_row)), shape=(n_samples, n_features))
    X.sum_duplicates()
    score = X @ rng.standard_normal(n_features)
    return X, score


@pytest.fixture(scope="module")
def data():
    X, score = bag_of_words()
    y = (score > np.median(score)).astype(int)
    return X, y


def test_the_engine_gradient_of_sparse_data_is_the_dense_one_and_finite_differences():
    X, score = bag_of_words(40, 15, 4)
    rng = np.random.default_rng(1)
    Y = np.column_stack([score > 0, score > 1, score < -1]).astype(float)
    net = Network([15, 6, 5, 3], [ACTIVATIONS["tanh"], ACTIVATIONS["relu"]],
                  OUTPUTS["multilabel"])
    net.theta[:] = rng.normal(size=net.theta.size)
    loss_dense, grad_dense = net.loss_and_gradient(X.toarray(), Y, alpha=0.3)
    loss_sparse, grad_sparse = net.loss_and_gradient(X, Y, alpha=0.3)
    assert loss_sparse == pytest.approx(loss_dense, rel=1e-13)
    np.testing.assert_allclose(grad_sparse, grad_dense, rtol=1e-12, atol=1e-14)
    # Central differences on the first layer's weights and biases (the sparse product).
    theta, eps = net.theta.copy(), 1e-6
    for i in rng.choice(6 * 16, 12, replace=False):
        net.theta[:] = theta
        net.theta[i] += eps
        up = net.loss_and_gradient(X, Y, alpha=0.3)[0]
        net.theta[i] -= 2 * eps
        down = net.loss_and_gradient(X, Y, alpha=0.3)[0]
        assert (up - down) / (2 * eps) == pytest.approx(grad_sparse[i], rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_a_sparse_fit_is_the_dense_fit(data, solver, fmt):
    X, y = data
    params = dict(hidden_layer_sizes=(12,), solver=solver, max_iter=30, random_state=0)
    dense = NeuralNetClassifier(**params).fit(X.toarray(), y)
    sparse = NeuralNetClassifier(**params).fit(X.asformat(fmt), y)
    assert sparse.n_iter_ == dense.n_iter_
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-9)
    for W_sparse, W_dense in zip(sparse.coefs_, dense.coefs_, strict=True):
        np.testing.assert_allclose(W_sparse, W_dense, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sparse.predict_proba(X.asformat(fmt)),
                               dense.predict_proba(X.toarray()), rtol=1e-8, atol=1e-12)


def test_a_sparse_model_predicts_dense_data_and_back(data):
    X, y = data
    model = NeuralNetClassifier((8,), max_iter=40, random_state=0).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X.toarray()), model.predict_proba(X),
                               rtol=1e-12, atol=1e-15)
    dense_model = NeuralNetClassifier((8,), max_iter=40, random_state=0).fit(X.toarray(), y)
    assert (dense_model.predict(X) == dense_model.predict(X.toarray())).all()


@pytest.mark.parametrize("task", ["multiclass", "multilabel", "regression", "poisson"])
def test_every_task_takes_sparse_data(task):
    X, score = bag_of_words(200, 40, 5, seed=3)
    if task == "multiclass":
        y, Model = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3])), NeuralNetClassifier
    elif task == "multilabel":
        y, Model = np.column_stack([score > 0, score > 1]).astype(int), NeuralNetClassifier
    elif task == "regression":
        y, Model = score, NeuralNetRegressor
    else:
        y, Model = np.random.default_rng(0).poisson(np.exp(0.3 * score)), NeuralNetRegressor
    params = dict(hidden_layer_sizes=(10,), max_iter=25, random_state=0)
    if task == "poisson":
        params["loss"] = "poisson"
    dense = Model(**params).fit(X.toarray(), y)
    sparse = Model(**params).fit(X, y)
    np.testing.assert_allclose(sparse.predict(X), dense.predict(X.toarray()), rtol=1e-8)
    assert sparse.score(X, y) == pytest.approx(dense.score(X.toarray(), y), rel=1e-9)


def test_no_hidden_layer_early_stopping_and_validation_data(data):
    X, y = data
    linear = NeuralNetClassifier((), max_iter=50, random_state=0)
    np.testing.assert_allclose(linear.fit(X, y).predict_proba(X),
                               linear.fit(X.toarray(), y).predict_proba(X.toarray()),
                               rtol=1e-9)
    stopped = NeuralNetClassifier((8,), early_stopping=True, max_iter=200, random_state=0)
    stopped.fit(X, y)
    again = NeuralNetClassifier((8,), early_stopping=True, max_iter=200, random_state=0)
    again.fit(X.toarray(), y)
    np.testing.assert_allclose(stopped.validation_scores_, again.validation_scores_)
    held = NeuralNetClassifier((8,), max_iter=20, random_state=0)
    held.fit(X[:200], y[:200], validation_data=(X[200:], y[200:]))
    assert held.history_["val_score"][-1] == pytest.approx(held.score(X[200:], y[200:]))


def test_partial_fit_on_sparse_blocks_is_partial_fit_on_dense_blocks(data):
    X, y = data
    sparse = NeuralNetClassifier((8,), random_state=0)
    dense = NeuralNetClassifier((8,), random_state=0)
    for start in range(0, X.shape[0], 100):
        rows = slice(start, start + 100)
        sparse.partial_fit(X[rows], y[rows], classes=[0, 1])
        dense.partial_fit(X[rows].toarray(), y[rows], classes=[0, 1])
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X.toarray()),
                               rtol=1e-9)


def test_float32_sparse_data_stays_float32(data):
    X, y = data
    model = NeuralNetClassifier((8,), max_iter=10, random_state=0).fit(X.astype(np.float32), y)
    assert {W.dtype for W in model.coefs_} == {np.dtype(np.float32)}
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32
    as64 = NeuralNetClassifier((8,), max_iter=10, random_state=0).fit(X, y)
    assert as64.coefs_[0].dtype == np.float64


def test_sparse_data_with_nan_is_refused_clearly(data):
    X, y = data
    bad = X.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        NeuralNetClassifier((4,), max_iter=5).fit(bad, y)


def test_a_dask_array_of_sparse_chunks_streams_and_predicts():
    da = pytest.importorskip("dask.array", reason="needs the dask extra")
    X, score = bag_of_words(3_000, 80, 6, seed=5)
    y = (score > 0).astype(int)
    lazy = da.from_array(X, chunks=(500, 80), asarray=False)
    model = NeuralNetClassifier((8,), max_iter=5, batch_size=50, random_state=0).fit(lazy, y)
    assert model.score(X, y) > 0.7
    np.testing.assert_allclose(model.predict_proba(lazy), model.predict_proba(X))


def test_a_wide_sparse_fit_never_makes_the_data_dense():
    # 2,000 x 400,000 at 5 non-zeros a row: 6 GB dense, 0.1 MB sparse.
    X, score = bag_of_words(2_000, 400_000, 5, seed=2)
    y = (score > 0).astype(int)
    dense_bytes = X.shape[0] * X.shape[1] * 8
    # Mini-batches, and the whole data at once (L-BFGS keeps about 40 copies of
    # the first layer's 1.6 M weights: 0.5 GB).
    for solver, bound in (("adam", dense_bytes / 50), ("lbfgs", dense_bytes / 10)):
        model = NeuralNetClassifier((4,), solver=solver, max_iter=2, random_state=0)
        tracemalloc.start()
        try:
            model.fit(X, y)
            proba = model.predict_proba(X)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < bound, f"{solver}: peak {peak / 2**20:.0f} MiB"
        assert proba.shape == (2_000, 2)


def test_same_accuracy_as_mlpclassifier_on_sparse_data():
    X, score = bag_of_words(1_000, 300, 10, seed=4)
    y = (score > 0).astype(int)
    params = dict(hidden_layer_sizes=(20,), max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(**params).fit(X, y).score(X, y)
    ours = NeuralNetClassifier(**params).fit(X, y).score(X, y)
    assert ours >= theirs - 0.02
