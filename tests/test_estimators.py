"""NeuralNetClassifier and NeuralNetRegressor against formulas and their peers.

The peers are the article's ``nn_model``, scikit-learn's ``LogisticRegression``
and ``MLPClassifier``, and least squares; the formulas are those of sample and
class weights, early stopping and the convergence rule.  Data sets are small
and fits short, so the file runs in seconds.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest
from helpers import loss_and_gradients
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_blobs,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, recall_score
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight
from threadpoolctl import threadpool_limits

from barenet import NeuralNetClassifier, NeuralNetRegressor, datasets, shallow
from barenet.training import DivergenceError

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The article's network (the Notes of NeuralNetClassifier's docstring).
ARTICLE = dict(hidden_layer_sizes=(4,), activation="tanh", solver="sgd", learning_rate_init=1.2,
               momentum=0, batch_size=None, alpha=0, init="small_random", random_state=2,
               n_iter_no_change=None)


@cache
def moons():
    X, y = datasets.noisy_moons(200, random_state=0)
    X.flags.writeable = y.flags.writeable = False
    return X, y


@cache
def blobs3():
    """Three overlapping classes (so no weight runs off to infinity)."""
    X, y = make_blobs(240, centers=[[0, 0], [3, 0], [1.5, 2.5]], cluster_std=0.9, random_state=0)
    X.flags.writeable = y.flags.writeable = False
    return X, y


def _params(model):
    return [*model.coefs_, *model.intercepts_]


def _assert_same_params(a, b, **tol):
    for p, q in zip(_params(a), _params(b), strict=True):
        assert_allclose(p, q, **tol)


# -- the article ---------------------------------------------------------------------------


def test_article_settings_reproduce_nn_model():
    X, y = datasets.gaussian_quantiles()
    parameters = shallow.nn_model(X.T, y.reshape(1, -1), n_h=4, num_iterations=1000)
    clf = NeuralNetClassifier(**ARTICLE, max_iter=1000).fit(X, y)
    assert_allclose(clf.coefs_[0], parameters["W1"].T, rtol=0, atol=1e-12)
    assert_allclose(clf.intercepts_[0], parameters["b1"].ravel(), rtol=0, atol=1e-12)
    assert_allclose(clf.coefs_[1], parameters["W2"].T, rtol=0, atol=1e-12)
    assert_allclose(clf.intercepts_[1], parameters["b2"].ravel(), rtol=0, atol=1e-12)
    assert np.abs(parameters["W1"]).max() > 1  # it trained: the weights left 0.01 far behind
    assert clf.n_iter_ == 1000


def test_article_settings_predict_like_nn_model_after_5000_iterations():
    # With a learning rate of 1.2 the last bits of rounding grow over thousands of steps
    # (the weights differ by about 1e-2 at 5000), so compare what is stable:
    # the predictions and the accuracy.
    X, y = datasets.gaussian_quantiles()
    parameters = shallow.nn_model(X.T, y.reshape(1, -1), n_h=4, num_iterations=5000)
    clf = NeuralNetClassifier(**ARTICLE, max_iter=5000).fit(X, y)
    article = shallow.predict(parameters, X.T).ravel()
    assert np.mean(clf.predict(X) == article) >= 0.99
    assert clf.score(X, y) == pytest.approx(np.mean(article == y), abs=0.01)
    assert clf.score(X, y) > 0.9
    assert_allclose(clf.coefs_[0], parameters["W1"].T, atol=0.1)


# -- the peers: logistic regression, least squares, MLPClassifier --------------------------


def test_no_hidden_layer_is_logistic_regression():
    X, y = datasets.noisy_moons(200, noise=0.3, random_state=1)  # not separable
    clf = NeuralNetClassifier((), solver="lbfgs", alpha=0, tol=1e-10, max_iter=1000,
                              random_state=0).fit(X, y)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, y)
    assert clf.n_layers_ == 2 and clf.coefs_[0].shape == (2, 1)
    assert_allclose(clf.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    assert_allclose(clf.coefs_[0].ravel(), ref.coef_.ravel(), rtol=1e-3)
    assert_allclose(clf.intercepts_[0], ref.intercept_, rtol=1e-3, atol=1e-4)


def test_no_hidden_layer_is_l2_multinomial_logistic_regression():
    # barenet minimises mean loss + alpha / (2 m) ||W||^2, LogisticRegression
    # sum loss / ... + ||W||^2 / (2 C): the same problem with alpha = 1 / C.
    X, y = blobs3()
    clf = NeuralNetClassifier((), solver="lbfgs", alpha=2.0, tol=1e-10, max_iter=1000,
                              random_state=0).fit(X, y)
    ref = LogisticRegression(C=0.5, tol=1e-10, max_iter=1000).fit(X, y)
    # (Limited by L-BFGS's ftol, see the least-squares test below.)
    assert_allclose(clf.predict_proba(X), ref.predict_proba(X), atol=5e-4)
    assert_allclose(clf.coefs_[0], ref.coef_.T, atol=5e-3)
    assert clf.loss_ == pytest.approx(log_loss(y, ref.predict_proba(X))
                                      + np.sum(ref.coef_ ** 2) / (2 * 0.5 * len(y)), rel=1e-7)


@pytest.mark.parametrize("n_targets", [1, 3])
def test_regressor_without_hidden_layer_is_least_squares(n_targets):
    X, y = make_regression(150, 4, n_targets=n_targets, noise=5.0, random_state=0)
    y = y / y.std()
    A = np.hstack([X, np.ones((len(X), 1))])
    solution = np.linalg.lstsq(A, y, rcond=None)[0].reshape(5, n_targets)
    least = 0.5 * np.mean(np.sum((A @ solution - y.reshape(150, -1)) ** 2, axis=1))
    # Gradient descent on this well-conditioned quadratic reaches the minimum.
    reg = NeuralNetRegressor(hidden_layer_sizes=(), solver="sgd", batch_size=None,
                             learning_rate_init=0.5, alpha=0, max_iter=300,
                             n_iter_no_change=None, random_state=0).fit(X, y)
    assert_allclose(reg.coefs_[0], solution[:4], rtol=0, atol=1e-9)
    assert_allclose(reg.intercepts_[0], solution[4], rtol=0, atol=1e-9)
    assert_allclose(reg.predict(X), A @ solution.squeeze(), rtol=0, atol=1e-9)
    # L-BFGS stops, as in scikit-learn's MLP, when a step lowers the loss by
    # less than scipy's ftol (2.2e-9 relative): the loss to that, the weights
    # to about its square root.
    reg = NeuralNetRegressor(hidden_layer_sizes=(), solver="lbfgs", alpha=0, tol=1e-12,
                             max_iter=2000, random_state=0).fit(X, y)
    assert reg.loss_ == pytest.approx(least, rel=1e-7)
    assert_allclose(reg.coefs_[0], solution[:4], rtol=0, atol=1e-4)
    assert_allclose(reg.intercepts_[0], solution[4], rtol=0, atol=1e-4)


@pytest.mark.parametrize("settings", [
    {}, {"solver": "sgd"}, {"solver": "lbfgs"}, {"activation": "logistic"},
    {"batch_size": 32, "hidden_layer_sizes": (20, 10)},
], ids=["adam", "sgd", "lbfgs", "logistic", "minibatch-deep"])
def test_defaults_compute_what_mlpclassifier_computes(settings):
    # Same random_state, same initial weights and biases, same steps: the
    # loss curves and probabilities agree to rounding.
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours = NeuralNetClassifier(random_state=3, max_iter=40, **settings).fit(X, y)
    peer = MLPClassifier(random_state=3, max_iter=40, **settings).fit(X, y)
    assert ours.n_iter_ == peer.n_iter_
    assert_allclose(ours.loss_, peer.loss_, rtol=1e-10)
    if settings.get("solver") != "lbfgs":
        assert_allclose(ours.loss_curve_, peer.loss_curve_, rtol=1e-10)
    assert_allclose(ours.predict_proba(X), peer.predict_proba(X), atol=1e-10)
    _assert_same_params(ours, peer, rtol=1e-8, atol=1e-10)


# -- tasks, labels and shapes --------------------------------------------------------------


def test_multiclass_softmax_with_string_labels():
    X, y = blobs3()
    names = np.array(["cat", "dog", "bird"])[y]
    clf = NeuralNetClassifier((8,), solver="lbfgs", max_iter=60, random_state=0).fit(X, names)
    assert clf.classes_.tolist() == ["bird", "cat", "dog"]
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (240, 3)
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-12)
    pred = clf.predict(X)
    assert pred.dtype == names.dtype and set(pred) <= set(names)
    assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, names) > 0.85
    assert clf.decision_function(X).shape == (240, 3)


def test_labels_in_any_order_and_binary_strings():
    X, y = moons()
    labels = np.where(y == 1, "yes", "no")
    clf = NeuralNetClassifier((16,), solver="lbfgs", max_iter=60, random_state=0).fit(X, labels)
    assert clf.classes_.tolist() == ["no", "yes"]
    assert clf.predict_proba(X).shape == (200, 2)
    assert_array_equal(clf.predict(X) == "yes", clf.predict_proba(X)[:, 1] > 0.5)
    assert clf.decision_function(X).shape == (200,)
    # Integer labels that are neither 0..k-1 nor sorted in order of appearance.
    X3, y3 = blobs3()
    odd = np.array([7, -3, 2])[y3]
    clf3 = NeuralNetClassifier((8,), solver="lbfgs", max_iter=60, random_state=0).fit(X3, odd)
    assert clf3.classes_.tolist() == [-3, 2, 7]
    proba = clf3.predict_proba(X3)
    assert_array_equal(clf3.predict(X3), clf3.classes_[proba.argmax(axis=1)])
    assert clf3.score(X3, odd) > 0.85


def test_multilabel_indicator_targets():
    X, Y = make_multilabel_classification(200, 6, n_classes=3, random_state=0)
    clf = NeuralNetClassifier((16,), solver="lbfgs", max_iter=60, random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    pred = clf.predict(X)
    assert pred.shape == (200, 3) and set(np.unique(pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == (200, 3)
    assert_array_equal(pred, (proba > 0.5).astype(int))
    assert not np.allclose(proba.sum(axis=1), 1)  # independent labels, not a softmax
    assert np.mean(pred == Y) > 0.8
    # The same fit as MLPClassifier's (same start, same L-BFGS steps).
    peer = MLPClassifier((16,), solver="lbfgs", max_iter=60, random_state=0).fit(X, Y)
    assert_allclose(proba, peer.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("shape", [(), (1,), (3,)])
def test_regression_predict_shapes(shape):
    n_targets = shape[0] if shape else 1
    X, y = make_regression(120, 3, n_targets=n_targets, noise=1.0, random_state=0)
    y = y.reshape(120, *shape)
    reg = NeuralNetRegressor(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=60,
                             random_state=0).fit(X, y)
    assert reg.predict(X).shape == y.shape
    assert reg.out_activation_ == "identity" and reg.n_outputs_ == n_targets
    assert reg.score(X, y) > 0.9


@pytest.mark.parametrize("data", ["binary", "multiclass", "multilabel"])
def test_predict_log_proba_is_log_of_predict_proba_and_always_finite(data):
    if data == "binary":
        X, y = moons()
    elif data == "multiclass":
        X, y = blobs3()
    else:
        X, y = make_multilabel_classification(100, 4, n_classes=3, random_state=0)
    clf = NeuralNetClassifier((8,), max_iter=20, random_state=0, n_iter_no_change=None)
    clf.fit(X, y)
    proba, log_proba = clf.predict_proba(X), clf.predict_log_proba(X)
    assert_allclose(log_proba, np.log(proba), rtol=1e-10, atol=1e-12)
    # Saturate the output: predict_proba rounds to exactly 0 and 1 somewhere,
    # the logarithm from the logits stays finite (and equal where log is).
    clf.coefs_[-1] = clf.coefs_[-1] * 1e4
    proba, log_proba = clf.predict_proba(X), clf.predict_log_proba(X)
    assert np.any(proba == 0)
    assert np.all(np.isfinite(log_proba))
    # (Near 0, predict_proba keeps few bits: 1 - p for a p that rounds to 1,
    # or a number below the smallest normal one.)
    clear = proba > 1e-6
    assert_allclose(log_proba[clear], np.log(proba[clear]), rtol=1e-10, atol=1e-9)
    assert np.all(log_proba[proba == 0] < np.log(np.finfo(proba.dtype).eps))


# -- sample and class weights --------------------------------------------------------------


def test_integer_sample_weight_equals_repeated_rows():
    X, y = moons()
    X, y = X[:60], y[:60]
    counts = np.random.RandomState(0).randint(1, 4, size=60)
    Xr, yr = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    # Full-batch gradient descent: the same steps, to rounding.
    sgd = dict(hidden_layer_sizes=(5,), solver="sgd", batch_size=None, alpha=0.01,
               learning_rate_init=0.5, max_iter=60, n_iter_no_change=None, random_state=0)
    weighted = NeuralNetClassifier(**sgd).fit(X, y, sample_weight=counts)
    repeated = NeuralNetClassifier(**sgd).fit(Xr, yr)
    assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)
    _assert_same_params(weighted, repeated, rtol=1e-10, atol=1e-12)
    # L-BFGS on a strictly convex problem: the same minimum.  (On a network
    # the two runs agree for the first iterations, then L-BFGS amplifies the
    # rounding differences and they may settle in different minima.)
    lbfgs = dict(hidden_layer_sizes=(), solver="lbfgs", alpha=0.01, tol=1e-10, max_iter=500,
                 random_state=0)
    weighted = NeuralNetClassifier(**lbfgs).fit(X, y, sample_weight=counts)
    repeated = NeuralNetClassifier(**lbfgs).fit(Xr, yr)
    _assert_same_params(weighted, repeated, rtol=1e-7, atol=1e-9)
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-12)


def test_zero_sample_weight_equals_dropped_rows():
    X, y = moons()
    keep = np.arange(200) % 3 != 0
    settings = dict(hidden_layer_sizes=(5,), solver="sgd", batch_size=None, alpha=0.01,
                    learning_rate_init=0.5, max_iter=60, n_iter_no_change=None, random_state=0)
    weighted = NeuralNetClassifier(**settings).fit(X, y, sample_weight=keep.astype(float))
    dropped = NeuralNetClassifier(**settings).fit(X[keep], y[keep])
    _assert_same_params(weighted, dropped, rtol=1e-10, atol=1e-13)


def test_class_weight_dict_equals_sample_weight():
    X, y = moons()
    settings = dict(hidden_layer_sizes=(8,), batch_size=50, max_iter=15, random_state=0,
                    n_iter_no_change=None, learning_rate_init=0.01)
    by_class = NeuralNetClassifier(**settings, class_weight={0: 1, 1: 3}).fit(X, y)
    by_sample = NeuralNetClassifier(**settings).fit(X, y, sample_weight=np.where(y == 1, 3.0, 1))
    _assert_same_params(by_class, by_sample, rtol=1e-13, atol=1e-15)
    plain = NeuralNetClassifier(**settings).fit(X, y)
    assert not np.allclose(plain.coefs_[0], by_class.coefs_[0])


def test_balanced_class_weight_is_n_over_k_counts_and_lifts_minority_recall():
    X, y = make_classification(400, 4, n_informative=2, weights=[0.9, 0.1], flip_y=0.05,
                               class_sep=0.5, random_state=0)
    counts = np.bincount(y)
    formula = (len(y) / (2 * counts))[y]
    assert_allclose(compute_sample_weight("balanced", y), formula)
    settings = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200, random_state=0)
    balanced = NeuralNetClassifier(**settings, class_weight="balanced").fit(X, y)
    by_formula = NeuralNetClassifier(**settings).fit(X, y, sample_weight=formula)
    _assert_same_params(balanced, by_formula, rtol=1e-10, atol=1e-12)
    plain = NeuralNetClassifier(**settings).fit(X, y)
    assert recall_score(y, balanced.predict(X)) > recall_score(y, plain.predict(X)) + 0.1


# -- early stopping, history and convergence -----------------------------------------------


def _last_improvement(values, tol, larger_is_better):
    """Index of the last epoch that beat every earlier one by more than tol."""
    best, last = (-np.inf if larger_is_better else np.inf), None
    for i, v in enumerate(values):
        if (v > best + tol) if larger_is_better else (v < best - tol):
            last = i
        best = max(best, v) if larger_is_better else min(best, v)
    return last


class Recorder:
    """A callback that keeps a copy of the weights and the info of every epoch."""

    def __init__(self):
        self.params, self.infos, self.models = [], [], []

    def __call__(self, model, info):
        self.models.append(model)
        self.params.append([p.copy() for p in _params(model)])
        self.infos.append(dict(info))


def test_early_stopping_on_validation_fraction_restores_the_best_epoch():
    X, y = moons()
    recorder = Recorder()
    clf = NeuralNetClassifier((16,), early_stopping=True, n_iter_no_change=4, tol=1e-4,
                              learning_rate_init=0.01, batch_size=32, max_iter=300,
                              random_state=0, callbacks=[recorder]).fit(X, y)
    history = clf.history_
    assert len(history["loss"]) == len(history["val_loss"]) == len(history["val_score"])
    assert len(history["loss"]) == clf.n_iter_ == len(recorder.params) < 300
    scores = history["val_score"]
    assert clf.best_validation_score_ == max(scores)
    assert clf.validation_scores_ == scores and clf.best_loss_ is None
    # The weights kept are those of the first epoch that reached the best score.
    best = int(np.argmax(scores))
    for p, q in zip(_params(clf), recorder.params[best], strict=True):
        assert_array_equal(p, q)
    # n_iter_no_change: it stopped n_iter_no_change + 1 epochs after the last improvement.
    last = _last_improvement(scores, 1e-4, larger_is_better=True)
    assert clf.n_iter_ == last + 4 + 2


def test_early_stopping_on_validation_data():
    X, y = moons()
    Xv, yv = datasets.noisy_moons(100, random_state=1)
    clf = NeuralNetClassifier((16,), early_stopping=True, n_iter_no_change=3,
                              learning_rate_init=0.01, batch_size=32, max_iter=300,
                              random_state=0)
    clf.fit(X, y, validation_data=(Xv, yv))
    history = clf.history_
    assert len(history["loss"]) == len(history["val_loss"]) == len(history["val_score"])
    assert clf.score(Xv, yv) == max(history["val_score"]) == clf.best_validation_score_
    # All the training data was used: no fraction held out.
    assert clf.t_ == 200 * clf.n_iter_
    # The recorded validation loss is the mean log-loss on (Xv, yv).
    last_epoch = NeuralNetClassifier((16,), learning_rate_init=0.01, batch_size=32, random_state=0,
                                     max_iter=clf.n_iter_, n_iter_no_change=None)
    last_epoch.fit(X, y, validation_data=(Xv, yv))
    assert last_epoch.history_ == clf.history_  # the same epochs, without the restore
    p = last_epoch.predict_proba(Xv)[np.arange(len(yv)), yv]
    assert last_epoch.history_["val_loss"][-1] == pytest.approx(-np.mean(np.log(p)), rel=1e-10)
    assert last_epoch.history_["val_score"][-1] == last_epoch.score(Xv, yv)


def test_without_early_stopping_the_loss_decides_when_to_stop():
    X, y = moons()
    clf = NeuralNetClassifier((8,), solver="sgd", learning_rate_init=0.05, batch_size=20,
                              n_iter_no_change=5, tol=1e-3, max_iter=500,
                              random_state=0).fit(X, y)
    last = _last_improvement(clf.loss_curve_, 1e-3, larger_is_better=False)
    assert clf.n_iter_ == last + 5 + 2 < 500
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.history_["val_score"] == [] and clf.best_validation_score_ is None


def test_validation_data_is_recorded_for_lbfgs_too():
    X, y = moons()
    Xv, yv = datasets.noisy_moons(100, random_state=1)
    clf = NeuralNetClassifier((8,), solver="lbfgs", max_iter=30, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y, validation_data=(Xv, yv))
    history = clf.history_
    assert len(history["loss"]) == len(history["val_score"]) == len(history["val_loss"]) == 30
    assert history["val_score"][-1] == clf.score(Xv, yv)


def test_lbfgs_early_stopping_keeps_all_the_training_data():
    # L-BFGS does not stop early (as in scikit-learn), so nothing is held out.
    X, y = moons()
    settings = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50, random_state=0)
    a = NeuralNetClassifier(**settings, early_stopping=True).fit(X, y)
    b = NeuralNetClassifier(**settings).fit(X, y)
    _assert_same_params(a, b, rtol=0, atol=0)


def test_convergence_warning_only_when_stopping_was_asked_for():
    X, y = moons()
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        NeuralNetClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = NeuralNetClassifier((8,), max_iter=5, n_iter_no_change=None, random_state=0)
        assert clf.fit(X, y).n_iter_ == 5


# -- callbacks and progress bar ------------------------------------------------------------


def test_callbacks_get_the_estimator_and_the_epoch_figures():
    X, y = moons()
    Xv, yv = datasets.noisy_moons(60, random_state=1)
    recorder = Recorder()
    clf = NeuralNetClassifier((8,), solver="sgd", learning_rate="invscaling",
                              learning_rate_init=0.5, batch_size=None, max_iter=6,
                              n_iter_no_change=None, random_state=0, callbacks=[recorder])
    clf.fit(X, y, validation_data=(Xv, yv))
    assert len(recorder.infos) == 6
    assert all(model is clf for model in recorder.models)
    for epoch, info in enumerate(recorder.infos):
        assert set(info) == {"epoch", "loss", "val_loss", "val_score", "learning_rate"}
        assert info["epoch"] == epoch
        assert info["loss"] == clf.history_["loss"][epoch]
        assert info["val_loss"] == clf.history_["val_loss"][epoch]
        assert info["val_score"] == clf.history_["val_score"][epoch]
        # Full batch: one step per epoch, taken after `epoch` epochs of 200 samples.
        assert info["learning_rate"] == pytest.approx(0.5 / (200 * epoch + 1) ** 0.5)
    # Each epoch's callback saw that epoch's weights, the last one the final weights.
    for p, q in zip(recorder.params[-1], _params(clf), strict=True):
        assert_array_equal(p, q)
    assert not np.array_equal(recorder.params[0][0], recorder.params[1][0])


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_returning_true_stops_training(solver):
    X, y = moons()
    seen = []

    def stop_after_three(model, info):
        seen.append(info["epoch"])
        return info["epoch"] == 2

    clf = NeuralNetClassifier((8,), solver=solver, max_iter=100, random_state=0,
                              callbacks=[lambda m, i: None, stop_after_three]).fit(X, y)
    assert clf.n_iter_ == 3 and seen == [0, 1, 2] and len(clf.loss_curve_) == 3


def test_lbfgs_callbacks_see_the_accepted_iterate():
    # The weights shown to a callback are the ones whose loss it is told.
    X, y = moons()
    losses = []

    def recompute(model, info):
        loss, _ = loss_and_gradients(model._network(), X, (y[:, None] == 1).astype(float),
                                     alpha=model.alpha)
        losses.append((loss, info["loss"]))

    NeuralNetClassifier((8,), solver="lbfgs", max_iter=15, random_state=0, n_iter_no_change=None,
                        callbacks=[recompute]).fit(X, y)
    assert len(losses) == 15
    for recomputed, told in losses:
        assert recomputed == pytest.approx(told, rel=1e-12)


def test_verbose_progress_shows_a_progress_bar_on_stderr(capsys):
    X, y = moons()
    NeuralNetClassifier((4,), max_iter=3, n_iter_no_change=None, random_state=0,
                        verbose="progress").fit(X, y)
    out, err = capsys.readouterr()
    assert "NeuralNetClassifier" in err and "3/3" in err and "epoch" in err
    assert out == ""
    NeuralNetClassifier((4,), max_iter=3, n_iter_no_change=None, random_state=0,
                        verbose=True).fit(X, y)
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("Iteration 3, loss = ") and err == ""
    NeuralNetClassifier((4,), max_iter=3, n_iter_no_change=None, random_state=0).fit(X, y)
    assert capsys.readouterr() == ("", "")


# -- warm start and partial_fit ------------------------------------------------------------


def test_warm_start_continues_from_the_previous_weights():
    X, y = moons()
    settings = dict(hidden_layer_sizes=(8,), solver="sgd", batch_size=None, max_iter=30,
                    learning_rate_init=0.3, n_iter_no_change=None, random_state=0)
    clf = NeuralNetClassifier(**settings, warm_start=True).fit(X, y)
    Y = (y[:, None] == 1).astype(float)
    reached, _ = loss_and_gradients(clf._network(), X, Y, alpha=clf.alpha)
    clf.fit(X, y)
    # Full batch: the first loss of the second fit is the loss at the weights
    # the first one reached; a fresh start begins far higher.
    assert clf.loss_curve_[0] == pytest.approx(reached, rel=1e-12)
    fresh = NeuralNetClassifier(**settings).fit(X, y)
    assert fresh.loss_curve_[0] > reached + 0.05
    # And 30 + 30 warm-started epochs are 60 epochs from scratch (new momentum
    # at the restart aside): much lower than 30.
    assert clf.loss_ < fresh.loss_


def test_warm_start_lbfgs_from_a_converged_fit():
    # L-BFGS finds the gradient already below tol and takes no step: the
    # model keeps its weights and reports the loss there.
    X, y = moons()
    clf = NeuralNetClassifier((4,), solver="lbfgs", tol=1e-2, warm_start=True, random_state=0)
    clf.fit(X, y)
    weights, loss = [p.copy() for p in _params(clf)], clf.loss_
    clf.fit(X, y)
    assert clf.loss_curve_ == [] and clf.n_iter_ == 0  # (this fit's, as scikit-learn's)
    assert clf.loss_ == pytest.approx(loss, rel=1e-12) and clf.best_loss_ == clf.loss_
    for p, q in zip(_params(clf), weights, strict=True):
        assert_allclose(p, q, rtol=0, atol=1e-15)


def test_partial_fit_counts_epochs_and_guards_the_classes():
    X, y = blobs3()
    clf = NeuralNetClassifier((8,), random_state=0, learning_rate_init=0.01)
    for call in range(1, 4):
        clf.partial_fit(X, y, classes=[0, 1, 2])
        assert clf.n_iter_ == call
    assert len(clf.loss_curve_) == 3 and clf.t_ == 3 * 240
    with pytest.raises(ValueError, match="not seen"):
        clf.partial_fit(X[:5], np.full(5, 9))
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])

    # Without classes the first call takes them from y; a later, new label is refused.
    first = NeuralNetClassifier((8,), random_state=0)
    first.partial_fit(X[y < 2], y[y < 2])
    assert first.classes_.tolist() == [0, 1]
    with pytest.raises(ValueError, match=r"not seen.*classes="):
        first.partial_fit(X, y)
    # With classes, a first y that lacks some is fine; a y outside them is not.
    some = NeuralNetClassifier((8,), random_state=0).partial_fit(X[y < 2], y[y < 2],
                                                                  classes=[0, 1, 2])
    assert some.classes_.tolist() == [0, 1, 2] and some.predict_proba(X).shape == (240, 3)
    with pytest.raises(ValueError, match="not seen"):
        NeuralNetClassifier((8,)).partial_fit(X, y, classes=[0, 1])


def test_partial_fit_is_not_offered_with_lbfgs():
    assert not hasattr(NeuralNetClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(NeuralNetRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(NeuralNetClassifier(solver="sgd"), "partial_fit")
    X, y = make_regression(50, 3, random_state=0)
    reg = NeuralNetRegressor(hidden_layer_sizes=(4,), random_state=0)
    assert reg.partial_fit(X, y).partial_fit(X, y).n_iter_ == 2


# -- float32 all the way -------------------------------------------------------------------


@pytest.mark.parametrize("settings", [
    {"solver": "sgd", "momentum": 0.9, "learning_rate": "invscaling"},
    {"solver": "sgd", "momentum": 0.5, "nesterovs_momentum": False, "learning_rate": "adaptive"},
    {"solver": "adam", "alpha": 0.1, "max_grad_norm": 0.5},
    {"solver": "adam", "early_stopping": True, "class_weight": "balanced"},
    {"solver": "lbfgs", "alpha": 0.1, "class_weight": {0: 1.0, 1: 2.5}},
], ids=["sgd-invscaling", "sgd-adaptive", "adam-clip", "adam-early", "lbfgs"])
def test_float32_stays_float32(settings):
    X, y = moons()
    sw = np.random.RandomState(0).rand(200) + 0.5
    dtypes = []

    def watch(model, info):
        dtypes.extend(p.dtype for p in _params(model))

    clf = NeuralNetClassifier((8, 4), dtype="float32", max_iter=15, n_iter_no_change=None,
                              batch_size=64, random_state=0, callbacks=[watch], **settings)
    clf.fit(X, y, sample_weight=sw)
    assert dtypes and set(dtypes) == {np.dtype(np.float32)}
    assert all(p.dtype == np.float32 for p in _params(clf))
    for state in ("velocities", "m", "v"):
        for array in getattr(clf._optimizer, state, []):
            assert array.dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    assert clf.predict_log_proba(X).dtype == np.float32
    assert clf.decision_function(X).dtype == np.float32
    assert np.all(np.isfinite(clf.loss_curve_))


def test_float32_regressor_and_multiclass():
    X, y = make_regression(100, 3, n_targets=2, random_state=0)
    reg = NeuralNetRegressor(hidden_layer_sizes=(6,), dtype="float32", max_iter=5,
                             n_iter_no_change=None, random_state=0).fit(
                                 X, y, validation_data=(X, y))
    assert {p.dtype for p in _params(reg)} == {np.dtype(np.float32)}
    assert reg.predict(X.astype(np.float64)).dtype == np.float32
    X3, y3 = blobs3()
    clf = NeuralNetClassifier((6,), solver="lbfgs", dtype="float32", max_iter=20,
                              random_state=0).fit(X3, y3)
    assert {p.dtype for p in _params(clf)} == {np.dtype(np.float32)}
    assert clf.predict_proba(X3).dtype == np.float32


# -- solvers, schedules, clipping, divergence ----------------------------------------------


@pytest.mark.parametrize("settings", [
    {"solver": "adam", "learning_rate_init": 0.01},
    {"solver": "sgd", "learning_rate_init": 0.1, "batch_size": 20},
    {"solver": "sgd", "learning_rate_init": 0.1, "batch_size": 20, "nesterovs_momentum": False},
    {"solver": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.5, "power_t": 0.25,
     "batch_size": 20},
    {"solver": "sgd", "learning_rate": "adaptive", "learning_rate_init": 0.1, "batch_size": 20},
    {"solver": "sgd", "momentum": 0, "learning_rate_init": 0.5, "batch_size": 20},
    {"solver": "lbfgs"},
    {"solver": "adam", "learning_rate_init": 0.05, "max_grad_norm": 0.1},
    {"solver": "adam", "learning_rate_init": 0.01, "activation": "tanh", "init": "glorot_normal"},
], ids=["adam", "sgd-nesterov", "sgd-momentum", "invscaling", "adaptive", "sgd-plain", "lbfgs",
        "clip", "tanh-glorot"])
def test_every_solver_and_schedule_learns_the_moons(settings):
    X, y = moons()
    Xt, yt = datasets.noisy_moons(200, random_state=1)
    clf = NeuralNetClassifier((16,), max_iter=150, random_state=0, **settings).fit(X, y)
    assert clf.score(Xt, yt) > 0.85


def test_adaptive_schedule_divides_the_rate_by_five_at_each_plateau():
    X, y = moons()
    clf = NeuralNetClassifier((8,), solver="sgd", learning_rate="adaptive",
                              learning_rate_init=0.1, batch_size=20, n_iter_no_change=2,
                              tol=1e-2, max_iter=200, random_state=0).fit(X, y)
    rates = clf.history_["learning_rate"]
    distinct = sorted(set(rates), reverse=True)
    assert rates == sorted(rates, reverse=True)
    # 0.1 / 5**k for k = 0..8: 0.1 / 5**8 = 2.6e-7 is the first at or below
    # 1e-6, and the next plateau ends the fit (well before max_iter).
    assert_allclose(distinct, [0.1 / 5**k for k in range(9)], rtol=1e-12)
    assert clf.n_iter_ < 200
    # Adam keeps its own steps: the schedules are for sgd, as in MLPClassifier.
    adam = NeuralNetClassifier((8,), learning_rate="adaptive", n_iter_no_change=2, tol=1e-2,
                               max_iter=50, random_state=0).fit(X, y)
    assert set(adam.history_["learning_rate"]) == {0.001}


def test_max_grad_norm_caps_each_step():
    # Plain full-batch gradient descent with lr = 1 steps by exactly the
    # clipped gradient: length max_grad_norm, direction -g.
    X, y = moons()
    clf = NeuralNetClassifier((8,), solver="sgd", momentum=0, batch_size=None, max_iter=1,
                              learning_rate_init=1.0, n_iter_no_change=None, random_state=0,
                              max_grad_norm=1e-3, warm_start=True)
    before = [p.copy() for p in _params(clf.fit(X, y))]
    _, grads = loss_and_gradients(clf._network(), X, (y[:, None] == 1).astype(float),
                                  alpha=clf.alpha)
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    assert norm > 1e-2  # so the clipping bites
    step = [a - b for a, b in zip(_params(clf.fit(X, y)), before, strict=True)]
    assert np.sqrt(sum(np.sum(s**2) for s in step)) == pytest.approx(1e-3, rel=1e-9)
    for s, g in zip(step, grads, strict=True):
        assert_allclose(s, -1e-3 * g / norm, rtol=1e-9, atol=1e-18)


@pytest.mark.parametrize("learning_rate_init", [1e6, 1e10])
@pytest.mark.parametrize("batch_size", ["auto", 32])
def test_a_diverging_fit_says_so(learning_rate_init, batch_size):
    X, y = moons()
    clf = NeuralNetClassifier((16,), activation="relu", solver="sgd", batch_size=batch_size,
                              learning_rate_init=learning_rate_init, random_state=0)
    with pytest.raises(DivergenceError, match="diverged") as caught:
        clf.fit(X, y)
    assert isinstance(caught.value, ValueError)
    assert "smaller learning rate" in str(caught.value)
    assert all(np.all(np.isfinite(p)) for p in _params(clf))
    # What the model keeps still predicts, without overflow (RuntimeWarnings are errors here).
    assert np.all(np.isfinite(clf.predict_proba(X)))


def test_a_reasonable_fit_is_not_called_divergent():
    # A large but workable rate overshoots for a while and settles.
    X, y = moons()
    clf = NeuralNetClassifier((16,), solver="sgd", learning_rate_init=1.0, batch_size=20,
                              max_iter=60, random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.8


# -- the scikit-learn ecosystem ------------------------------------------------------------


def test_pipeline_grid_search_cross_val_and_clone():
    X, y = moons()
    pipe = make_pipeline(StandardScaler(),
                         NeuralNetClassifier(solver="lbfgs", max_iter=50, random_state=0))
    grid = GridSearchCV(pipe, {"neuralnetclassifier__hidden_layer_sizes": [(4,), (16,)],
                               "neuralnetclassifier__alpha": [1e-4, 1.0]}, cv=3)
    grid.fit(X, y)
    assert set(grid.best_params_) == {"neuralnetclassifier__hidden_layer_sizes",
                                      "neuralnetclassifier__alpha"}
    assert grid.best_score_ > 0.85
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.85
    fitted = grid.best_estimator_[-1]
    copy = clone(fitted)
    assert not hasattr(copy, "coefs_")
    assert copy.get_params() == fitted.get_params()


def test_get_params_set_params_round_trip():
    clf = NeuralNetClassifier((7, 3), activation=["tanh", "relu"], solver="sgd", alpha=0.3,
                              dtype="float32", class_weight={0: 2}, max_grad_norm=5.0)
    params = clf.get_params()
    assert params["hidden_layer_sizes"] == (7, 3) and params["class_weight"] == {0: 2}
    other = NeuralNetClassifier().set_params(**params)
    assert other.get_params() == params
    assert "class_weight" not in NeuralNetRegressor().get_params()


def test_feature_names_from_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = moons()
    frame = pd.DataFrame(X, columns=["width", "height"])
    clf = NeuralNetClassifier((4,), solver="lbfgs", random_state=0).fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["width", "height"]
    with pytest.warns(UserWarning, match="feature names"):
        from_array = clf.predict(X)
    assert_array_equal(clf.predict(frame), from_array)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame.rename(columns={"height": "depth"}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (no feature names: warned above)
        with pytest.raises(ValueError, match="5 features, but .* 2 features"):
            clf.predict(np.ones((3, 5)))


@pytest.mark.parametrize("params, match", [
    ({"solver": "foo"}, "solver"),
    ({"alpha": -1}, "alpha"),
    ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": (4, -2)}, "hidden_layer_sizes"),
    ({"activation": ["tanh"], "hidden_layer_sizes": (4, 4)}, "one per layer"),
    ({"activation": "swish"}, "activation"),
    ({"dtype": "int8"}, "dtype"),
    ({"dtype": np.int8}, "dtype"),
    ({"learning_rate": "cosine"}, "learning_rate"),
    ({"learning_rate_init": 0}, "learning_rate_init"),
    ({"batch_size": 0}, "batch_size"),
    ({"momentum": 1.5}, "momentum"),
    ({"init": "zeros"}, "init"),
    ({"max_grad_norm": 0}, "max_grad_norm"),
    ({"class_weight": "most"}, "class_weight"),
])
def test_bad_parameters_are_refused_clearly(params, match):
    X, y = moons()
    with pytest.raises(ValueError, match=match):
        NeuralNetClassifier(**params).fit(X, y)


# -- real data: barenet's defaults against MLPClassifier's ---------------------------------

REAL_DATA = {"breast_cancer": load_breast_cancer, "digits": load_digits, "wine": load_wine,
             "iris": load_iris}
# The two estimators start from the same weights with the same random_state
# and take the same steps (test_defaults_compute_what_mlpclassifier_computes),
# so their accuracies differ only where rounding flips a borderline sample.
# 0.005 is less than one sample of wine (1/178) or iris (1/150), about three
# of breast cancer (569 samples) and nine of digits (1797).
ACCURACY_TOLERANCE = 0.005


@pytest.mark.parametrize("name", list(REAL_DATA))
def test_defaults_match_mlpclassifier_on_real_data(name):
    X, y = REAL_DATA[name](return_X_y=True)
    results = {}
    # NOTE: one BLAS thread: these matrices are small, and threads only fight.
    with threadpool_limits(limits=1, user_api="blas"):
        for model in (NeuralNetClassifier(random_state=0, max_iter=300),
                      MLPClassifier(random_state=0, max_iter=300)):
            cv = cross_validate(make_pipeline(StandardScaler(), model), X, y, cv=5)
            results[type(model).__name__] = (cv["test_score"], cv["fit_time"].sum())
    # Shown with pytest -s: the figures of the comparison.
    for label, (scores, seconds) in results.items():
        print(f"\n{name:14s} {label:20s} accuracy {scores.mean():.4f} ± {scores.std():.4f}"
              f"  fit time (5 folds) {seconds:.2f} s", end="")
    ours, peer = results["NeuralNetClassifier"][0], results["MLPClassifier"][0]
    assert ours.mean() >= peer.mean() - ACCURACY_TOLERANCE
    assert ours.mean() > 0.9
