"""check_gradients: backpropagation against finite differences on fitted models."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from helpers import loss_and_gradients
from sklearn.utils.class_weight import compute_sample_weight

import barenet
from barenet import NeuralNetClassifier, NeuralNetRegressor, check_gradients, gradcheck
from barenet.engine.activations import Activation, get_activation, sigmoid
from barenet.engine.initializers import initialize
from barenet.engine.losses import OUTPUTS
from barenet.engine.network import Network

BUILTIN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]
TASKS = ["binary", "multiclass", "multilabel", "regression"]
# No hidden layer once (the activation plays no part), then every activation
# with one and with two hidden layers.
ARCHITECTURES = [((), "relu")] + [(h, a) for h in [(4,), (5, 3)] for a in BUILTIN]
# (alpha, weighted): plain, penalised, penalised with sample weights.
VARIANTS = [(0.0, False), (0.5, False), (0.5, True)]


def _data(task, seed=0, m=15, n_features=3):
    rng = np.random.RandomState(seed)
    # NOTE: off-centre features and unbalanced classes keep every gradient,
    # the biases' included, well away from zero; a near-zero gradient would
    # only measure the finite difference's rounding (about 1e-10 here).
    X = rng.randn(m, n_features) + 0.5
    if task == "binary":
        y = np.array(["no", "yes"])[(np.arange(m) % 3 == 0).astype(int)]
    elif task == "multiclass":
        y = np.array([0, 0, 0, 1, 1, 2])[np.arange(m) % 6]
    elif task == "multilabel":
        y = (rng.rand(m, 3) > [0.3, 0.5, 0.8]).astype(int)
    else:
        y = X @ rng.randn(n_features) + 1 + 0.1 * rng.randn(m)
    return X, y, rng.rand(m) + 0.2


def _fit(task, X, y, sample_weight=None, **params):
    # A few epochs only: the weights move off their initial values, but no
    # unit saturates and the gradients stay far from zero.
    params = {"max_iter": 3, "n_iter_no_change": None, "learning_rate_init": 0.01,
              "random_state": 0, **params}
    Estimator = NeuralNetRegressor if task == "regression" else NeuralNetClassifier
    return Estimator(**params).fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize(("hidden", "activation"), ARCHITECTURES)
@pytest.mark.parametrize(("alpha", "weighted"), VARIANTS)
def test_fitted_estimators_pass(task, hidden, activation, alpha, weighted):
    X, y, sw = _data(task)
    sw = sw if weighted else None
    model = _fit(task, X, y, sw, hidden_layer_sizes=hidden, activation=activation, alpha=alpha)
    report = check_gradients(model, X, y, sample_weight=sw)
    assert report.max_error < 1e-6, str(report)
    assert report.passed()
    assert len(report.errors) == 2 * (len(hidden) + 1)


def test_the_report_is_the_estimators_own_loss_with_its_class_weights():
    X, y, sw = _data("multiclass", seed=1)
    y = np.array(["a", "b", "c", "c", "c"])[np.arange(len(y)) % 5]
    clf = _fit("multiclass", X, y, sw, hidden_layer_sizes=(4,), activation="tanh",
               alpha=0.3, class_weight="balanced")
    report = check_gradients(clf, X, y, sample_weight=sw)
    Y = (y[:, None] == np.array(["a", "b", "c"])).astype(float)
    expected = loss_and_gradients(clf._network(), X, Y,
                                  sw * compute_sample_weight("balanced", y), alpha=0.3)
    assert report.loss == pytest.approx(expected[0], rel=1e-12)
    for name, grad in zip(["coefs_[0]", "coefs_[1]", "intercepts_[0]", "intercepts_[1]"],
                          expected[1], strict=True):
        np.testing.assert_allclose(report.analytic[name], grad, rtol=1e-12)
    assert report.passed()


def test_float32_models_are_checked_in_float64_and_left_unchanged():
    X, y, _ = _data("regression")
    reg = _fit("regression", X, y, hidden_layer_sizes=(6,), activation="sigmoid",
               dtype="float32")
    before = [p.copy() for p in reg.coefs_ + reg.intercepts_]
    report = check_gradients(reg, X, y)
    assert report.max_error < 1e-6, str(report)
    assert all(g.dtype == np.float64 for g in report.analytic.values())
    after = reg.coefs_ + reg.intercepts_
    assert all(a.dtype == np.float32 for a in after)
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def softplus(Z):
    return np.logaddexp(0, Z)


def test_custom_activation_pair_and_per_layer_activations():
    X, y, sw = _data("binary")
    pair = _fit("binary", X, y, hidden_layer_sizes=(4,), activation=(softplus, sigmoid))
    assert check_gradients(pair, X, y).max_error < 1e-6
    swish = Activation("swish", lambda Z: Z * sigmoid(Z),
                       lambda Z, A: sigmoid(Z) * (1 + Z * (1 - sigmoid(Z))))
    mixed = _fit("multilabel", *_data("multilabel")[:2],
                 hidden_layer_sizes=(4, 3, 2), activation=[swish, "leaky_relu", "tanh"],
                 alpha=0.1)
    report = check_gradients(mixed, *_data("multilabel")[:2])
    assert report.max_error < 1e-6, str(report)


def _network(hidden, task, n_in=3, n_out=2, seed=0):
    rng = np.random.RandomState(seed)
    coefs, intercepts = initialize([n_in, *[4] * len(hidden), n_out], "glorot_normal", rng)
    intercepts = [b + 0.1 * rng.randn(*b.shape) for b in intercepts]
    return Network.from_weights(coefs, intercepts, hidden, OUTPUTS[task])


def test_a_wrong_derivative_is_caught_where_it_acts():
    # tanh's slope is 1 - A**2; 1 - A is a plausible slip.
    bad = Activation("bad_tanh", np.tanh, lambda Z, A: 1 - A)
    net = _network([bad], "multiclass")
    rng = np.random.RandomState(1)
    X, Y = rng.randn(10, 3), np.eye(2)[np.arange(10) % 2]
    report = check_gradients(net, X, Y)
    assert not report.passed() and report.max_error > 1e-2
    # The output layer's gradients do not go through the hidden slope.
    assert report.errors["coefs[1]"] < 1e-6 and report.errors["intercepts[1]"] < 1e-6
    assert report.errors["coefs[0]"] > 1e-2 and report.errors["intercepts[0]"] > 1e-2
    text = str(report)
    for name in ("coefs[0]", "coefs[1]", "intercepts[0]", "intercepts[1]"):
        assert name in text
    fixed = _network([get_activation("tanh")], "multiclass")
    assert check_gradients(fixed, X, Y).passed()


def test_network_with_penalty_and_weights():
    net = _network([get_activation("sigmoid"), get_activation("leaky_relu")], "regression")
    rng = np.random.RandomState(2)
    X, Y, sw = rng.randn(12, 3), rng.randn(12, 2), rng.rand(12) + 0.5
    plain = check_gradients(net, X, Y, sample_weight=sw)
    penalised = check_gradients(net, X, Y, sample_weight=sw, alpha=0.7)
    assert plain.passed() and penalised.passed(), str(penalised)
    penalty = 0.35 * sum(np.vdot(W, W) for W in net.coefs()) / sw.sum()
    assert penalised.loss - plain.loss == pytest.approx(penalty, rel=1e-10)


def test_report_table_names_every_array():
    X, y, _ = _data("multiclass")
    clf = _fit("multiclass", X, y, hidden_layer_sizes=(4, 3), activation="tanh")
    report = check_gradients(clf, X, y, epsilon=1e-5)
    text = str(report)
    names = [f"{kind}_[{i}]" for kind in ("coefs", "intercepts") for i in range(3)]
    assert list(report.errors) == names
    for name in names:
        assert name in text
    assert "3x4" in text and "max relative error" in text
    assert report.epsilon == 1e-5 and report.passed(tol=1e-5)
    assert report.max_error == max(report.errors.values())


def test_relative_error_formula():
    a, n = np.array([3.0, 4.0]), np.array([3.0, 4.0 + 1e-3])
    assert gradcheck.relative_error(a, n) == pytest.approx(1e-3 / (5 + np.hypot(3, 4.001)))
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error(np.ones(2), -np.ones(2)) == pytest.approx(1.0)


def test_errors_a_person_can_act_on():
    X, y, _ = _data("binary")
    with pytest.raises(ValueError, match="fit it first"):
        check_gradients(NeuralNetClassifier(), X, y)
    clf = _fit("binary", X, y, hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="4 features"):
        check_gradients(clf, np.hstack([X, X[:, :1]]), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        check_gradients(clf, X, y[:-1])
    with pytest.raises(ValueError, match="not seen"):
        check_gradients(clf, X, np.where(y == "no", "maybe", y))
    net = _network([get_activation("tanh")], "binary", n_out=1)
    with pytest.raises(ValueError, match="network takes 3 features"):
        check_gradients(net, X[:, :2], np.zeros((15, 1)))
    with pytest.raises(ValueError, match=r"shape \(15, 1\)"):
        check_gradients(net, X, np.zeros(15))
    with pytest.raises(ValueError, match="sample_weight"):
        check_gradients(net, X, np.zeros((15, 1)), sample_weight=np.ones(3))
    with pytest.raises(TypeError, match="Network"):
        check_gradients("model", X, y)


def test_exported_and_its_example_runs():
    assert barenet.check_gradients is check_gradients
    assert "check_gradients" in barenet.__all__
    result = doctest.testmod(gradcheck)
    assert result.attempted > 0 and result.failed == 0


def test_the_check_runs_the_backward_pass_that_trains(monkeypatch):
    # A slip in the one layer every model trains with shows in the check:
    # there is no second backward pass for the check to run instead.
    from barenet.engine import dense

    X, y, _ = _data("binary")
    clf = _fit("binary", X, y, hidden_layer_sizes=(4,), activation="tanh")
    assert check_gradients(clf, X, y).passed()
    right = dense.Dense.backward

    def slipped(layer, A_in_T, dZ, dA_in):
        right(layer, A_in_T, dZ, dA_in)
        layer.dWb[:, -1] *= 1.01            # the bias gradient 1% off

    monkeypatch.setattr(dense.Dense, "backward", slipped)
    report = check_gradients(clf, X, y)
    assert not report.passed()
    assert report.errors["intercepts_[0]"] > 1e-3 and report.errors["intercepts_[1]"] > 1e-3
    assert report.errors["coefs_[0]"] < 1e-6 or report.errors["coefs_[1]"] < 1e-6


def test_the_articles_parameters_are_checked_in_the_courses_layout():
    # The dict nn_model returns, with X (n_x, m) and Y (1, m): all 17
    # parameters, named and shaped as in the course, and what
    # shallow.backward_propagation computes is the analytic gradient.
    from barenet import datasets, shallow

    X, y = datasets.gaussian_quantiles()
    X, Y = X[:12].T, y[:12].reshape(1, -1)
    parameters = shallow.nn_model(X, Y, 4, num_iterations=50)
    report = check_gradients(parameters, X, Y)
    assert list(report.errors) == ["W1", "b1", "W2", "b2"]
    assert [report.analytic[k].shape for k in report.errors] == [(4, 2), (4, 1), (1, 4), (1, 1)]
    assert report.passed(), str(report)
    grads = shallow.backward_propagation(parameters, shallow.forward_propagation(X, parameters)[1],
                                         X, Y)
    for name in report.errors:
        np.testing.assert_allclose(report.analytic[name], grads["d" + name], rtol=1e-12,
                                   atol=1e-17)
    with pytest.raises(ValueError, match="lack b2"):
        check_gradients({k: v for k, v in parameters.items() if k != "b2"}, X, Y)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\)"):
        check_gradients(parameters, X, Y.T)
