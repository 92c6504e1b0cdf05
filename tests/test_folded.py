"""The folded network (the estimators' fast path) computes what the plain engine computes.

:class:`barenet.engine.folded.FoldedNetwork` lays a network out in columns,
with biases folded into the weights and one flat parameter vector; the
estimators' stochastic training runs on it.  Here its passes are compared
with :func:`barenet.engine.network.forward`/``backward``, and fits through it
(every optimiser) with fits through the general loop.  No test here measures
time.
"""

from __future__ import annotations

import numpy as np
import pytest

from barenet import NeuralNetClassifier, NeuralNetRegressor, training
from barenet.engine.activations import ACTIVATIONS, Activation
from barenet.engine.folded import FoldedNetwork
from barenet.engine.losses import OUTPUTS
from barenet.training import DivergenceError, Network, loss_and_gradients

FOLD = training._fold  # the real one, whatever a test has patched

# Fits here run a fixed number of epochs on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def random_network(rng, sizes, hidden, output, dtype=np.float64):
    coefs = [rng.randn(a, b).astype(dtype) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    intercepts = [rng.randn(b).astype(dtype) for b in sizes[1:]]
    return Network(coefs, intercepts, [ACTIVATIONS[h] for h in hidden], OUTPUTS[output])


def targets(rng, output, m, k):
    if output == "multiclass":
        return np.eye(k)[rng.randint(0, k, m)]
    if output == "regression":
        return rng.randn(m, k)
    return (rng.rand(m, k) > 0.5).astype(float)


CASES = [
    ([3, 5, 1], ["tanh"], "binary"),
    ([3, 4, 6, 2], ["relu", "leaky_relu"], "multilabel"),
    ([4, 7, 3], ["sigmoid"], "multiclass"),
    ([2, 3, 3, 3, 2], ["tanh", "identity", "logistic"], "regression"),
    ([3, 2], [], "binary"),
]


@pytest.mark.parametrize("sizes, hidden, output", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_equals_the_engine_gradient(sizes, hidden, output, weighted):
    rng = np.random.RandomState(0)
    m = 23
    net = random_network(rng, sizes, hidden, output)
    X, Y = rng.randn(m, sizes[0]), targets(rng, output, m, sizes[-1])
    sw = rng.rand(m) + 0.5 if weighted else None
    loss, grads = loss_and_gradients(net, X, Y, sw)
    folded = FoldedNetwork(sizes, net.hidden, net.output.activation)
    folded.set_parameters(net.coefs, net.intercepts)
    folded.inputs(m)[...] = X.T
    P = folded.forward(m)
    np.testing.assert_allclose(net.output.loss(Y, folded.Z.T, sw), loss, rtol=1e-13)
    np.testing.assert_allclose(P.T, net.output.activation(net.logits(X)), rtol=1e-12,
                               atol=1e-15)
    step = folded.backward(Y, sw, scale=0.5)
    assert step is folded.step
    n = len(net.coefs)
    for l, dW in enumerate(folded.dW):
        np.testing.assert_allclose(dW[:, :-1].T, 0.5 * grads[l], rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(dW[:, -1], 0.5 * grads[n + l], rtol=1e-11, atol=1e-14)


def test_parameters_are_views_in_the_rows_layout():
    rng = np.random.RandomState(1)
    net = random_network(rng, [3, 4, 2], ["tanh"], "multilabel")
    folded = FoldedNetwork([3, 4, 2], net.hidden, net.output.activation)
    folded.set_parameters(net.coefs, net.intercepts)
    for got, want in zip(folded.coefs() + folded.intercepts(), net.coefs + net.intercepts,
                         strict=True):
        np.testing.assert_array_equal(got, want)
        assert np.shares_memory(got, folded.theta)
    folded.theta -= 1.0
    np.testing.assert_array_equal(folded.coefs()[0], net.coefs[0] - 1.0)


def test_flatten_and_unflatten_are_inverse_and_follow_theta():
    rng = np.random.RandomState(11)
    net = random_network(rng, [3, 5, 4, 2], ["tanh", "relu"], "multilabel")
    folded = FoldedNetwork([3, 5, 4, 2], net.hidden, net.output.activation)
    folded.set_parameters(net.coefs, net.intercepts)
    flat = folded.flatten(net.params)
    np.testing.assert_array_equal(flat, folded.theta)  # the layout of theta
    assert not np.shares_memory(flat, folded.theta)
    back = folded.unflatten(flat)
    assert len(back) == len(net.params)
    for got, want in zip(back, net.params, strict=True):
        assert got.shape == want.shape and got.flags.c_contiguous
        np.testing.assert_array_equal(got, want)
        assert not np.shares_memory(got, flat)


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu", "leaky_relu"])
def test_built_in_activations_work_in_place(name):
    g = ACTIVATIONS[name]
    Z = np.random.RandomState(9).randn(4, 6) * 3
    A = g.forward(Z)
    inplace = Z.copy()
    np.testing.assert_array_equal(g.forward(inplace, out=inplace), A)
    slope = A.copy()
    np.testing.assert_array_equal(g.derivative(None, slope, out=slope), g.derivative(Z, A))
    assert g.slope_from_output


def test_activation_that_needs_z_is_refused():
    softplus = Activation("softplus", lambda Z: np.logaddexp(0, Z),
                          lambda Z, A: 1 / (1 + np.exp(-Z)))
    with pytest.raises(ValueError, match="needs Z"):
        FoldedNetwork([2, 2, 1], [softplus], ACTIVATIONS["sigmoid"].forward)


# --------------------------------------------------------------------------- estimators


def fit_both(monkeypatch, make, X, y, **fit):
    """The same fit through the folded path and through the general loop."""
    folded_fits = []
    original = FOLD

    def spy(*args):
        result = original(*args)
        folded_fits.append(result is not None)
        return result

    monkeypatch.setattr(training, "_fold", spy)
    fast = make().fit(X, y, **fit)
    assert folded_fits == [True], "this configuration should take the folded path"
    monkeypatch.setattr(training, "_fold", lambda *args: None)
    plain = make().fit(X, y, **fit)
    return fast, plain


def assert_same_fit(fast, plain, rtol=1e-9):
    for a, b in zip(fast.coefs_ + fast.intercepts_, plain.coefs_ + plain.intercepts_,
                    strict=True):
        assert a.flags.c_contiguous and a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(fast.loss_curve_, plain.loss_curve_, rtol=rtol)
    assert fast.n_iter_ == plain.n_iter_


@pytest.mark.parametrize("kwargs", [
    dict(hidden_layer_sizes=(6,), activation="tanh"),
    dict(hidden_layer_sizes=(5, 4), activation="relu", alpha=0.01),
    dict(hidden_layer_sizes=(4,), activation="logistic", learning_rate="invscaling"),
    dict(hidden_layer_sizes=(), alpha=0.1),
])
@pytest.mark.parametrize("classes", [2, 3])
def test_classifier_full_batch_gd_equals_the_general_loop(monkeypatch, kwargs, classes):
    rng = np.random.RandomState(2)
    X = rng.randn(60, 3)
    y = rng.randint(0, classes, 60)
    sw = rng.rand(60) + 0.5

    def make():
        return NeuralNetClassifier(solver="sgd", batch_size=None, momentum=0.0,
                                   learning_rate_init=0.3, max_iter=40, tol=1e-12,
                                   random_state=0, **kwargs)

    assert_same_fit(*fit_both(monkeypatch, make, X, y))
    assert_same_fit(*fit_both(monkeypatch, make, X, y, sample_weight=sw))


def test_regressor_full_batch_gd_equals_the_general_loop(monkeypatch):
    rng = np.random.RandomState(3)
    X = rng.randn(50, 4)
    y = np.c_[X[:, 0] - X[:, 1] ** 2, X[:, 2]]

    def make():
        return NeuralNetRegressor((8,), activation="tanh", solver="sgd", batch_size=500,
                                  momentum=0.0, learning_rate_init=0.05, max_iter=30,
                                  random_state=0)

    assert_same_fit(*fit_both(monkeypatch, make, X, y))


def test_float32_full_batch_gd_stays_float32(monkeypatch):
    rng = np.random.RandomState(4)
    X = rng.randn(40, 2).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)

    def make():
        return NeuralNetClassifier((5,), activation="tanh", solver="sgd", batch_size=None,
                                   momentum=0.0, learning_rate_init=0.5, max_iter=20,
                                   dtype="float32", random_state=0)

    fast, plain = fit_both(monkeypatch, make, X, y)
    assert fast.coefs_[0].dtype == np.float32
    assert_same_fit(fast, plain, rtol=2e-5)


OPTIMISERS = [
    dict(solver="sgd", momentum=0.9),
    dict(solver="sgd", momentum=0.8, nesterovs_momentum=False, learning_rate="invscaling"),
    dict(solver="adam", learning_rate_init=0.01),
    dict(solver="sgd", momentum=0.0, max_grad_norm=0.5),
    dict(solver="adam", learning_rate_init=0.05, max_grad_norm=0.3),
]


@pytest.mark.parametrize("optimiser", OPTIMISERS)
@pytest.mark.parametrize("batch_size", [None, 32])
def test_momentum_adam_and_clipping_fit_as_in_the_general_loop(monkeypatch, optimiser,
                                                                batch_size):
    rng = np.random.RandomState(5)
    X = rng.randn(90, 3)
    y = rng.randint(0, 3, 90)

    def make():
        return NeuralNetClassifier((6, 4), activation="tanh", batch_size=batch_size,
                                   alpha=0.01, max_iter=8, n_iter_no_change=None,
                                   random_state=0, **optimiser)

    fast, plain = fit_both(monkeypatch, make, X, y)
    assert_same_fit(fast, plain)
    if optimiser.get("max_grad_norm"):
        # The clipping did act: without it the fit goes elsewhere.
        unclipped = {k: v for k, v in optimiser.items() if k != "max_grad_norm"}
        free = NeuralNetClassifier((6, 4), activation="tanh", batch_size=batch_size,
                                   alpha=0.01, max_iter=8, n_iter_no_change=None,
                                   random_state=0, **unclipped).fit(X, y)
        assert not np.allclose(free.coefs_[0], fast.coefs_[0])


@pytest.mark.parametrize("optimiser", OPTIMISERS[:3])
def test_partial_fit_continues_the_optimiser_state_in_both_layouts(monkeypatch, optimiser):
    # Velocities and moment estimates are flat while training and back in the
    # parameters' layout between calls: every continued step equals the
    # general loop's, and the state handed back has the parameters' shapes.
    rng = np.random.RandomState(9)
    X = rng.randn(64, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    fits = {}
    for name, fold in [("fast", FOLD), ("plain", lambda *args: None)]:
        monkeypatch.setattr(training, "_fold", fold)
        model = NeuralNetClassifier((5,), activation="relu", batch_size=16, random_state=0,
                                    **optimiser)
        for _ in range(4):
            model.partial_fit(X, y, classes=[0, 1])
        fits[name] = model
    assert_same_fit(fits["fast"], fits["plain"])
    optimizer = fits["fast"]._optimizer
    state = optimizer.velocities if hasattr(optimizer, "velocities") else optimizer.m
    params = fits["fast"].coefs_ + fits["fast"].intercepts_
    assert [s.shape for s in state] == [p.shape for p in params]
    assert any(np.any(s != 0) for s in state)


@pytest.mark.parametrize("batch_size", [16, 25])
def test_mini_batch_sgd_equals_the_general_loop(monkeypatch, batch_size):
    # 100 samples: batches of 16 leave a last batch of 4, of 25 none.
    rng = np.random.RandomState(8)
    X = rng.randn(100, 3)
    y = rng.randint(0, 3, 100)
    sw = rng.rand(100) + 0.5

    def make():
        return NeuralNetClassifier((7, 5), activation="tanh", solver="sgd",
                                   batch_size=batch_size, momentum=0.0, alpha=0.01,
                                   learning_rate_init=0.1, max_iter=6, random_state=0)

    assert_same_fit(*fit_both(monkeypatch, make, X, y))
    assert_same_fit(*fit_both(monkeypatch, make, X, y, sample_weight=sw))


def test_divergence_in_the_folded_path_rolls_back(monkeypatch):
    X = np.random.RandomState(6).randn(40, 2) * 50
    y = X[:, 0] * 1e3
    model = NeuralNetRegressor((4,), activation="relu", solver="sgd", batch_size=None,
                               momentum=0.0, learning_rate_init=10.0, max_iter=50,
                               random_state=0)
    folded = []
    monkeypatch.setattr(training, "_fold", lambda *args: folded.append(FOLD(*args)) or folded[-1])
    with pytest.raises(DivergenceError, match="diverged"):
        model.fit(X, y)
    assert folded[0] is not None
    params = model.coefs_ + model.intercepts_
    for p in params:
        assert np.all(np.isfinite(p)) and p.flags.c_contiguous
        # Copied out of the folded vector: no two share memory.
        assert not any(np.shares_memory(p, q) for q in params if q is not p)


def test_callbacks_see_each_epochs_weights(monkeypatch):
    X = np.random.RandomState(7).randn(30, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    seen = []

    def record(model, info):
        seen.append([W.copy() for W in model.coefs_])

    fast, plain = fit_both(monkeypatch, lambda: NeuralNetClassifier(
        (4,), activation="tanh", solver="sgd", batch_size=None, momentum=0.0,
        learning_rate_init=0.5, max_iter=5, n_iter_no_change=None, random_state=0,
        callbacks=[record]), X, y)
    assert len(seen) == 10
    for a, b in zip(seen[:5], seen[5:], strict=True):
        np.testing.assert_allclose(a[0], b[0], rtol=1e-12)
    assert not np.array_equal(seen[0][0], seen[4][0])


def test_streamed_mini_batches_take_the_folded_path_too(monkeypatch, tmp_path):
    from barenet import estimators

    monkeypatch.setattr(estimators, "STREAM_MIN_BYTES", 0)  # stream even this small file
    rng = np.random.RandomState(10)
    X = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float64,
                                  shape=(3000, 2))
    X[:] = rng.randn(3000, 2)
    X.flush()
    X = np.load(tmp_path / "X.npy", mmap_mode="r")
    y = (X[:, 0] * X[:, 1] > 0).astype(int)

    def make():
        return NeuralNetClassifier((6,), activation="tanh", solver="sgd", batch_size=128,
                                   momentum=0.0, learning_rate_init=0.2, max_iter=2,
                                   n_iter_no_change=None, random_state=0)

    fast, plain = fit_both(monkeypatch, make, X, y)
    assert_same_fit(fast, plain)


def test_backward_before_forward_says_so():
    folded = FoldedNetwork([2, 3, 1], [ACTIVATIONS["tanh"]], ACTIVATIONS["sigmoid"].forward)
    with pytest.raises(RuntimeError, match="forward"):
        folded.backward(np.ones((4, 1)))
    with pytest.raises(RuntimeError, match="forward"):
        _ = folded.Z
