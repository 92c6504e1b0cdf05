"""NeuralNetRegressor(loss="poisson"): the log link against its formulas and its peers.

A network with one identity hidden unit is a Poisson GLM, so it must find
``PoissonRegressor``'s fit; with any hidden layers it must train as
``MLPRegressor(loss="poisson")`` does, and score as it scores.
"""

from __future__ import annotations

import inspect
import json
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.neural_network._base import poisson_loss

import barenet as bn
from barenet import NeuralNetRegressor, check_gradients
from barenet.engine.losses import OUTPUTS, exp, half_poisson_deviance
from barenet.estimators import _BaseNeuralNet
from barenet.io import ModelFileError

# (Short fits on purpose: what is compared is where they stop, not convergence.)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _counts(n=100, seed=0, n_features=1):
    """Counts drawn around ``exp(X w + 1)``: the GLM's own model."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (n, n_features))
    return X, rng.poisson(np.exp(X @ np.linspace(1, -0.5, n_features) + 1)).astype(float)


def _deviance(y, mu, sample_weight=None):
    """Half the Poisson deviance, written out: mean of ``y log(y/mu) - y + mu``, 0 log 0 = 0."""
    y, mu = np.asarray(y, float), np.asarray(mu, float)
    ratio = np.where(y > 0, y / mu, 1.0)
    return float(np.average(y * np.log(ratio) - y + mu, weights=sample_weight))


def _poisson(**params):
    params = {"max_iter": 5, "n_iter_no_change": None, "learning_rate_init": 0.01,
              "random_state": 0, **params}
    return NeuralNetRegressor("poisson", **params)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_identity_unit_is_the_poisson_glm(seed):
    n = 100
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, n)
    y = rng.poisson(np.exp(x + 1))
    X = x.reshape(n, 1)
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    net = NeuralNetRegressor(loss="poisson", hidden_layer_sizes=(1,), activation="identity",
                             alpha=0, solver="lbfgs", tol=1e-7,
                             random_state=seed + 1).fit(X, y)
    assert_allclose(net.predict(X), glm.predict(X), rtol=1e-4)
    # The squared error's identity output is another model: it does not find the GLM.
    ols = NeuralNetRegressor(hidden_layer_sizes=(1,), activation="identity", alpha=0,
                             solver="lbfgs", tol=1e-7, random_state=seed + 1).fit(X, y)
    assert not np.allclose(ols.predict(X), glm.predict(X), rtol=1e-4)


def test_trains_as_mlpregressor_does():
    X, y = _counts(60, n_features=3)
    params = dict(loss="poisson", hidden_layer_sizes=(5,), activation="tanh", alpha=0.01,
                  solver="lbfgs", max_iter=40, random_state=0)
    ours = NeuralNetRegressor(**params).fit(X, y)
    theirs = MLPRegressor(**params).fit(X, y)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), rel=1e-8)


@pytest.mark.parametrize("activation", ["identity", "tanh", "sigmoid", "relu", "leaky_relu"])
@pytest.mark.parametrize("weighted", [False, True])
def test_backpropagation_matches_finite_differences(activation, weighted):
    X, y = _counts(12, seed=3, n_features=3)
    sw = np.random.default_rng(4).uniform(0.2, 2, len(y)) if weighted else None
    model = _poisson(hidden_layer_sizes=(4, 3), activation=activation, alpha=0.3)
    model.fit(X, y, sample_weight=sw)
    report = check_gradients(model, X, y, sample_weight=sw)
    assert report.max_error < 1e-6, str(report)


def test_two_targets_backpropagate_too():
    X, y = _counts(12, seed=5, n_features=2)
    Y = np.c_[y, y[::-1]]
    model = _poisson(hidden_layer_sizes=(3,), activation="tanh", alpha=0.1).fit(X, Y)
    assert model.predict(X).shape == Y.shape
    assert check_gradients(model, X, Y).max_error < 1e-6


def test_the_loss_is_half_the_poisson_deviance():
    rng = np.random.default_rng(0)
    y = rng.poisson(3.0, (50, 1)).astype(float)
    assert np.any(y == 0)
    Z = rng.normal(1.0, 0.5, (50, 1))
    sw = rng.uniform(0.1, 3, 50)
    assert half_poisson_deviance(y, Z) == pytest.approx(_deviance(y, np.exp(Z)), rel=1e-12)
    assert half_poisson_deviance(y, Z, sw) == pytest.approx(
        _deviance(y.ravel(), np.exp(Z.ravel()), sw), rel=1e-12)
    # ... scikit-learn's own function (it averages over samples, sums over outputs).
    Y2, Z2 = np.c_[y, y[::-1]], np.c_[Z, -Z]
    assert half_poisson_deviance(Y2, Z2, sw) == pytest.approx(
        poisson_loss(Y2, np.exp(Z2), sw), rel=1e-12)
    assert half_poisson_deviance(y, np.log(np.maximum(y, 1e-300))) == pytest.approx(0, abs=1e-9)


def test_a_fitted_models_loss_is_the_deviance_of_its_predictions():
    X, y = _counts(40, seed=1, n_features=2)
    model = _poisson(hidden_layer_sizes=(4,), activation="tanh", alpha=0).fit(X, y)
    assert check_gradients(model, X, y).loss == pytest.approx(
        _deviance(y, model.predict(X)), rel=1e-12)


def test_large_and_small_logits_stay_finite_without_warnings():
    y = np.array([[0.0], [2.0], [5.0], [1.0]])
    Z = np.array([[-800.0], [-800.0], [700.0], [0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = half_poisson_deviance(y, Z)
        # exp(-800) rounds to 0, yet log(y / mu) = log y + 800 is exact.
        expected = (0 + (2 * np.log(2) + 1600 - 2) + (5 * np.log(5) - 3500 - 5 + np.exp(700))
                    + (0 - 1 + 1)) / 4
        assert value == pytest.approx(expected, rel=1e-12)
        # A mean beyond the largest float is infinite, and so is the loss: never NaN.
        assert half_poisson_deviance(y, np.array([[800.0], [0], [0], [0]])) == np.inf
        assert exp(np.array([800.0]))[0] == np.inf
        assert np.isfinite(half_poisson_deviance(y.astype(np.float32), Z.astype(np.float32)
                                                 / 10))


def test_predictions_are_positive_means():
    X, y = _counts(80, seed=2, n_features=2)
    model = _poisson(hidden_layer_sizes=(8,), activation="relu", max_iter=50).fit(X, y)
    P = model.predict(X)
    assert P.shape == y.shape and np.all(P > 0)
    assert_allclose(P, np.exp(model._logits(X)[:, 0]), rtol=1e-15)
    assert OUTPUTS["poisson"].activation is exp


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_negative_targets_are_refused(solver):
    X, y = _counts(20)
    y[3] = -1
    message = "Some value\\(s\\) of y are negative which is not allowed for Poisson regression"
    with pytest.raises(ValueError, match=message):
        _poisson(solver=solver).fit(X, y)
    good = _poisson(solver=solver).fit(X, np.abs(y))
    with pytest.raises(ValueError, match=message):
        good.fit(X, np.abs(y), validation_data=(X, y))
    with pytest.raises(ValueError, match=message):
        check_gradients(good, X, y)
    if solver != "lbfgs":
        with pytest.raises(ValueError, match=message):
            good.partial_fit(X, y)
    NeuralNetRegressor(hidden_layer_sizes=(2,), max_iter=2).fit(X, y)  # squared error: any sign


def test_loss_is_validated_and_fixed_at_fit():
    X, y = _counts(30)
    with pytest.raises(ValueError, match="'loss' parameter"):
        NeuralNetRegressor(loss="gamma").fit(X, y)
    with pytest.raises(ValueError, match="'loss' parameter"):
        NeuralNetRegressor((3,)).fit(X, y)  # hidden_layer_sizes is the second parameter
    model = _poisson(hidden_layer_sizes=(3,)).fit(X, y)
    model.set_params(loss="squared_error")
    with pytest.raises(ValueError, match="fitted with the 'exp' output"):
        model.predict(X)
    with pytest.raises(ValueError, match="fit again with warm_start=False"):
        model.set_params(warm_start=True).fit(X, y)
    model.set_params(warm_start=False).fit(X, y)
    assert model.out_activation_ == "identity"


def test_the_signature_is_mlpregressors():
    ours = list(inspect.signature(NeuralNetRegressor).parameters.values())
    theirs = list(inspect.signature(MLPRegressor).parameters.values())
    shared = [p.name for p in ours if p.name in {q.name for q in theirs}]
    assert shared == [q.name for q in theirs]
    assert [p.kind for p in ours[:len(theirs)]] == [q.kind for q in theirs]
    assert [p.default for p in ours[:len(theirs)]] == [q.default for q in theirs]
    assert ours[0].name == "loss" and ours[0].default == "squared_error"
    # ... and after loss, the shared parameters exactly as the base class has them.
    base = list(inspect.signature(_BaseNeuralNet).parameters.values())
    assert ours[1:] == base


def test_save_and_load_a_poisson_regressor(tmp_path):
    X, y = _counts(40, n_features=2)
    model = _poisson(hidden_layer_sizes=(4,), activation="tanh").fit(X, y)
    path = bn.save(model, tmp_path / "counts.npz")
    with np.load(path) as archive:
        meta = json.loads(str(archive["__metadata__"]))
    assert meta["output"] == "poisson" and meta["params"]["loss"] == "poisson"
    loaded = bn.load(path)
    assert loaded.loss == "poisson" and loaded.out_activation_ == "exp"
    assert_allclose(loaded.predict(X), model.predict(X), rtol=0, atol=0)
    assert loaded.score(X, y) == model.score(X, y)
    # An output that disagrees with the loss is refused, either way round.
    meta["params"]["loss"] = "squared_error"
    with np.load(path) as archive:
        entries = {k: archive[k] for k in archive.files}
    entries["__metadata__"] = np.array(json.dumps(meta))
    np.savez(path, **entries)
    with pytest.raises(ModelFileError, match="output disagrees with params.loss"):
        bn.load(path)


@pytest.mark.parametrize("weighted", [False, True])
def test_score_is_mlpregressors_r2_of_the_same_predictions(weighted):
    X, y = _counts(60, seed=4, n_features=2)
    sw = np.random.default_rng(0).uniform(0.5, 2, len(y)) if weighted else None
    ours = _poisson(hidden_layer_sizes=(3,), activation="tanh", max_iter=30).fit(X, y)
    # scikit-learn's regressor holding the same weights predicts the same means...
    theirs = MLPRegressor(loss="poisson", hidden_layer_sizes=(3,), activation="tanh")
    theirs.coefs_, theirs.intercepts_ = ours.coefs_, ours.intercepts_
    theirs.n_layers_, theirs.n_outputs_ = ours.n_layers_, ours.n_outputs_
    theirs.out_activation_, theirs.n_features_in_ = ours.out_activation_, ours.n_features_in_
    assert_allclose(theirs.predict(X), ours.predict(X), rtol=1e-14)
    # ... and scores them by R², as barenet does.
    expected = theirs.score(X, y, sample_weight=sw)
    assert ours.score(X, y, sample_weight=sw) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(r2_score(y, ours.predict(X), sample_weight=sw))


def test_early_stopping_scores_the_means():
    X, y = _counts(200, seed=6, n_features=2)
    model = _poisson(hidden_layer_sizes=(4,), max_iter=20, early_stopping=True,
                     n_iter_no_change=5).fit(X, y)
    assert np.all(np.isfinite(model.validation_scores_))
    assert model.best_validation_score_ == max(model.validation_scores_)


def test_float32_fits_and_predicts_in_float32():
    X, y = _counts(50, n_features=2)
    model = _poisson(hidden_layer_sizes=(4,), dtype="float32", max_iter=20).fit(X, y)
    assert model.predict(X).dtype == np.float32 and np.all(model.predict(X) > 0)
