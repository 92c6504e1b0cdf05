"""``barenet.to_torch``: a ``torch.nn.Sequential`` that computes what the estimator does.

Skipped when PyTorch is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import barenet
from barenet import NeuralNetClassifier, NeuralNetRegressor
from barenet.engine.activations import ACTIVATIONS

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed; pip install torch to export to PyTorch")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _fit(task, dtype=np.float64, hidden=(5, 3), activation="tanh"):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3)).astype(dtype)
    score = X[:, 0] - X[:, 1] * X[:, 2]
    settings = dict(hidden_layer_sizes=hidden, activation=activation, solver="lbfgs",
                    max_iter=30, random_state=0)
    if task == "binary":
        return NeuralNetClassifier(**settings).fit(X, score > 0), X
    if task == "multiclass":
        return NeuralNetClassifier(**settings).fit(X, np.digitize(score, [-0.5, 0.5])), X
    if task == "multilabel":
        return NeuralNetClassifier(**settings).fit(X, np.column_stack([score > 0, X[:, 1] > 0])), X
    if task == "poisson":
        return NeuralNetRegressor("poisson", **settings).fit(X, rng.poisson(np.exp(score / 4))), X
    return NeuralNetRegressor(**settings).fit(X, np.column_stack([score, X[:, 0]])), X


def _expected(model, X):
    """What the Sequential should compute: predict_proba (its last column for two
    classes), or predict as a matrix."""
    if isinstance(model, NeuralNetRegressor):
        return model.predict(X).reshape(len(X), -1)
    proba = model.predict_proba(X)
    return proba[:, 1:] if model._output_name == "binary" else proba


def _forward(net, X):
    with torch.no_grad():
        return net(torch.from_numpy(X)).numpy()


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel", "regression", "poisson"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_the_same_outputs_in_the_same_dtype(task, dtype):
    model, X = _fit(task, dtype)
    out = _forward(barenet.to_torch(model), X)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, _expected(model, X), **TOL[dtype])


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_hidden_activation(activation):
    model, X = _fit("multiclass", hidden=(6,), activation=activation)
    np.testing.assert_allclose(_forward(barenet.to_torch(model), X), _expected(model, X),
                               **TOL[np.float64])


def test_per_layer_activations_logits_and_a_loaded_model(tmp_path):
    model, X = _fit("binary", hidden=(5, 4), activation=["relu", "leaky_relu"])
    barenet.save(model, tmp_path / "model.npz")
    net = barenet.to_torch(barenet.load(tmp_path / "model.npz"), logits=True)
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear", "LeakyReLU", "Linear"]
    np.testing.assert_allclose(_forward(net, X)[:, 0], model.decision_function(X),
                               **TOL[np.float64])


def test_the_copy_is_independent_of_the_model():
    model, X = _fit("regression")
    net = barenet.to_torch(model)
    before = model.predict(X)
    with torch.no_grad():
        net[0].weight.add_(1.0)
    np.testing.assert_array_equal(model.predict(X), before)
