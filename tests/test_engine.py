"""The engine: every activation, loss and layer against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from barenet.engine import activations, initializers, losses, network, optimizers
from barenet.gradcheck import central_difference

BUILTIN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]


def rel_error(a, b):
    """Relative error of two gradient arrays, ||a - b|| / (||a|| + ||b||)."""
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("name", BUILTIN)
def test_activation_derivative_against_finite_differences(name):
    g = activations.ACTIVATIONS[name]
    rng = np.random.RandomState(0)
    Z = rng.randn(7, 3) * 2
    Z[np.abs(Z) < 1e-3] = 0.5  # keep away from relu's kink
    numeric = (g.forward(Z + 1e-6) - g.forward(Z - 1e-6)) / 2e-6
    assert rel_error(g.derivative(Z, g.forward(Z)), numeric) < 1e-6


@pytest.mark.parametrize("name", BUILTIN)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_keep_the_dtype(name, dtype):
    g = activations.ACTIVATIONS[name]
    Z = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    A = g.forward(Z)
    assert A.dtype == dtype and g.derivative(Z, A).dtype == dtype


def test_sigmoid_is_stable_and_exact():
    Z = np.array([-1000.0, -745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    A = activations.sigmoid(Z)  # overflow would be a RuntimeWarning, an error here
    assert np.all(np.isfinite(A)) and A[0] == 0.0 and A[-1] == 1.0 and A[4] == 0.5
    middle = slice(2, 7)
    np.testing.assert_allclose(A[middle], 1 / (1 + np.exp(-Z[middle])), rtol=1e-15)
    assert A[2] == pytest.approx(np.exp(-40.0), rel=1e-14)  # not rounded to zero


def test_custom_activation_pair():
    softplus = activations.get_activation((lambda Z: np.logaddexp(0, Z), activations.sigmoid))
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(softplus.derivative(Z, softplus.forward(Z)),
                               activations.sigmoid(Z))
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activations.get_activation("swish")
    with pytest.raises(ValueError, match="pair"):
        activations.get_activation((np.tanh,))


def test_softmax_is_stable():
    Z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    A = losses.softmax(Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[1], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    assert A[0, 0] == 1.0


def _targets(task, rng, m, k):
    if task in ("binary", "multilabel"):
        return (rng.rand(m, k) > 0.5).astype(float)
    if task == "multiclass":
        return np.eye(k)[rng.randint(0, k, m)]
    if task == "poisson":
        return rng.poisson(2.0, (m, k)).astype(float)
    return rng.randn(m, k)


@pytest.mark.parametrize("task", list(losses.OUTPUTS))
@pytest.mark.parametrize("weighted", [False, True])
def test_output_delta_is_the_gradient_of_the_loss(task, weighted):
    out = losses.OUTPUTS[task]
    rng = np.random.RandomState(1)
    m, k = 9, 1 if task == "binary" else 3
    Z, Y = rng.randn(m, k) * 3, _targets(task, rng, m, k)
    sw = rng.rand(m) + 0.1 if weighted else None
    numeric = central_difference(lambda: out.loss(Y, Z, sw), Z)
    assert rel_error(losses.output_delta(out.activation(Z), Y, sw), numeric) < 1e-7


def test_losses_from_logits_equal_the_textbook_formulas():
    rng = np.random.RandomState(2)
    Z = rng.randn(6, 1)
    Y = (rng.rand(6, 1) > 0.5).astype(float)
    A = 1 / (1 + np.exp(-Z))
    textbook = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert losses.binary_log_loss_from_logits(Y, Z) == pytest.approx(textbook, rel=1e-13)
    assert losses.binary_log_loss(Y, A) == pytest.approx(textbook, rel=1e-13)
    Z3, Y3 = rng.randn(6, 3), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    P = np.exp(Z3) / np.exp(Z3).sum(axis=1, keepdims=True)
    assert losses.categorical_log_loss_from_logits(Y3, Z3) == pytest.approx(
        -np.mean(np.log(P[Y3 == 1])), rel=1e-13)
    assert losses.squared_error(Y, Z) == pytest.approx(np.mean((Z - Y) ** 2) / 2)


def test_losses_from_logits_stay_finite_when_saturated():
    Z = np.array([[800.0], [-800.0]])
    Y = np.array([[0.0], [1.0]])
    assert losses.binary_log_loss_from_logits(Y, Z) == pytest.approx(800.0)
    Z3 = np.array([[900.0, -900.0, 0.0]])
    assert losses.categorical_log_loss_from_logits(np.array([[0.0, 1.0, 0.0]]), Z3) == (
        pytest.approx(1800.0))


@pytest.mark.parametrize("task", list(losses.OUTPUTS))
@pytest.mark.parametrize("hidden", [(), (4,), (5, 3)])
@pytest.mark.parametrize("name", BUILTIN)
def test_network_gradients_against_finite_differences(task, hidden, name):
    out = losses.OUTPUTS[task]
    rng = np.random.RandomState(sum(map(ord, task + name)) + len(hidden))
    m, n_in, k = 8, 3, 1 if task == "binary" else 3
    X, Y = rng.randn(m, n_in), _targets(task, rng, m, k)
    sizes = (n_in, *hidden, k)
    coefs, intercepts = initializers.initialize(sizes, "glorot_normal", rng)
    intercepts = [b + 0.1 * rng.randn(*b.shape) for b in intercepts]
    net = network.Network.from_weights(coefs, intercepts,
                                       [activations.ACTIVATIONS[name]] * len(hidden), out)
    _, grad = net.loss_and_gradient(X, Y)

    def loss():
        return net.loss_and_gradient(X, Y)[0]

    # Each parameter is nudged where the network reads it: through its views into theta.
    for W, dW in zip(net.coefs(), net.coefs(grad), strict=True):
        assert rel_error(dW, central_difference(loss, W)) < 1e-6
    for b, db in zip(net.intercepts(), net.intercepts(grad), strict=True):
        assert rel_error(db, central_difference(loss, b)) < 1e-6


@pytest.mark.parametrize("init", list(initializers.INITIALIZERS))
def test_initializers_shapes_scale_and_seed(init):
    coefs, intercepts = initializers.initialize((50, 40, 3), init, np.random.RandomState(0))
    assert [W.shape for W in coefs] == [(50, 40), (40, 3)]
    for W, b in zip(coefs, intercepts, strict=True):
        assert b.shape == (W.shape[1],) and not b.any()
    again, _ = initializers.initialize((50, 40, 3), init, np.random.RandomState(0))
    assert all(np.array_equal(a, b) for a, b in zip(coefs, again, strict=True))
    expected_std = {"small_random": 0.01, "glorot_uniform": np.sqrt(2 / 90),
                    "glorot_normal": np.sqrt(2 / 90), "he_normal": np.sqrt(2 / 50)}[init]
    assert np.std(coefs[0]) == pytest.approx(expected_std, rel=0.1)


def test_small_random_draws_in_the_course_order():
    rng = np.random.RandomState(2)
    W = initializers.small_random(2, 4, rng)
    np.testing.assert_array_equal(W, np.random.RandomState(2).randn(4, 2).T * 0.01)


def test_initialize_float32_and_unknown():
    coefs, intercepts = initializers.initialize((2, 3, 1), "he_normal", np.random.RandomState(0),
                                                np.float32)
    assert all(a.dtype == np.float32 for a in coefs + intercepts)
    with pytest.raises(ValueError, match="unknown init"):
        initializers.initialize((2, 1), "zeros", np.random.RandomState(0))


def test_gradient_descent_step_closed_form():
    # Two parameters, [1, -2] and [[0.5]], as one flat vector, updated in place.
    theta = np.array([1.0, -2.0, 0.5])
    g = np.array([0.1, 0.2, -1.0])
    opt = optimizers.SGD(3, learning_rate=0.5)
    before = theta
    opt.step(theta, g * opt.gradient_scale())
    assert theta is before
    np.testing.assert_allclose(theta, [0.95, -2.1, 1.0])
    assert g.tolist() == [0.1, 0.2, -1.0]
