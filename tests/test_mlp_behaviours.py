"""Code written for scikit-learn's MLP behaves the same on barenet's estimators.

Each test runs the same calls on ``MLPClassifier``/``MLPRegressor`` and on
``NeuralNetClassifier``/``NeuralNetRegressor`` and compares what a user
sees: the dtypes of the outputs, the warnings and errors, ``n_iter_``, the
lines printed with ``verbose=True``.  Where barenet deliberately differs
(documented on the estimators), the test says so.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils._param_validation import InvalidParameterError

from barenet import NeuralNetClassifier, NeuralNetRegressor
from barenet.training import DivergenceError

X, y = make_classification(120, 4, random_state=0)
y_reg = X @ [1.0, -2.0, 0.5, 3.0]
PAIRS = {"classifier": (NeuralNetClassifier, MLPClassifier, y),
         "regressor": (NeuralNetRegressor, MLPRegressor, y_reg)}


def both(kind, **params):
    """The same model twice: barenet's, and scikit-learn's."""
    ours, theirs, _ = PAIRS[kind]
    return ours(**params), theirs(**params)


def quietly(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit(*args, **kwargs)


# -- 1. dtype follows the data -------------------------------------------------------------
@pytest.mark.parametrize("kind", PAIRS)
@pytest.mark.parametrize("data", [np.float32, np.float64, np.int64])
def test_dtype_follows_the_data_as_in_scikit_learn(kind, data):
    # (The regressor's default is passed explicitly: dtype=None.)
    ours, theirs = both(kind, hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    ours.set_params(dtype=None)
    Xd = (X * 10).astype(data)
    target = PAIRS[kind][2]
    quietly(ours.fit, Xd, target)
    quietly(theirs.fit, Xd, target)
    assert ours.coefs_[0].dtype == theirs.coefs_[0].dtype
    assert ours.coefs_[0].dtype == (np.float32 if data == np.float32 else np.float64)
    assert all(p.dtype == ours.coefs_[0].dtype for p in ours.coefs_ + ours.intercepts_)
    methods = ["predict_proba", "predict_log_proba"] if kind == "classifier" else ["predict"]
    for method in methods:
        assert getattr(ours, method)(Xd).dtype == getattr(theirs, method)(Xd).dtype


def test_dtype_defaults_to_none_and_an_explicit_one_overrides_the_data():
    assert NeuralNetClassifier().get_params()["dtype"] is None
    X32 = X.astype(np.float32)
    clf = quietly(NeuralNetClassifier((5,), dtype="float64", max_iter=5).fit, X32, y)
    assert clf.coefs_[0].dtype == np.float64 and clf.predict_proba(X32).dtype == np.float64
    clf = quietly(NeuralNetClassifier((5,), dtype="float32", max_iter=5).fit, X, y)
    assert clf.coefs_[0].dtype == np.float32 and clf.predict_proba(X).dtype == np.float32
    with pytest.raises(InvalidParameterError, match="dtype"):
        NeuralNetClassifier(dtype="float16").fit(X, y)
    with pytest.raises(ValueError, match="dtype must be"):
        NeuralNetClassifier(dtype=np.int32).fit(X, y)


def test_continuing_keeps_the_fitted_dtype():
    X32 = X.astype(np.float32)
    clf = NeuralNetClassifier((5,), random_state=0).partial_fit(X32, y, classes=[0, 1])
    clf.partial_fit(X, y)  # float64 data: converted to the model's float32
    assert {p.dtype for p in clf.coefs_ + clf.intercepts_} == {np.dtype(np.float32)}
    assert clf.predict_proba(X).dtype == np.float32
    warm = quietly(NeuralNetClassifier((5,), max_iter=3, warm_start=True).fit, X32, y)
    quietly(warm.fit, X, y)
    assert warm.coefs_[0].dtype == np.float32
    with pytest.raises(ValueError, match="fitted in float32"):
        warm.set_params(dtype="float64").fit(X, y)
    refit = quietly(warm.set_params(warm_start=False).fit, X, y)  # a new model may change
    assert refit.coefs_[0].dtype == np.float64


def test_float32_data_on_disk_streams_in_float32(tmp_path, monkeypatch):
    from barenet.estimators import fitting

    monkeypatch.setattr(fitting, "STREAM_MIN_BYTES", 0)  # stream even this small file
    path = tmp_path / "X.npy"
    np.save(path, X.astype(np.float32))
    on_disk = np.load(path, mmap_mode="r")
    streamed = quietly(NeuralNetClassifier((5,), max_iter=3, random_state=0).fit, on_disk, y)
    loaded = quietly(NeuralNetClassifier((5,), max_iter=3, random_state=0).fit,
                     np.array(on_disk), y)
    assert streamed.coefs_[0].dtype == np.float32
    for a, b in zip(streamed.coefs_, loaded.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


# -- 2. partial_fit's arguments -------------------------------------------------------------
def test_partial_fit_takes_scikit_learns_arguments_in_its_order():
    ours = list(inspect.signature(NeuralNetClassifier.partial_fit).parameters)
    theirs = list(inspect.signature(MLPClassifier.partial_fit).parameters)
    assert ours == theirs == ["self", "X", "y", "sample_weight", "classes"]
    weights = np.linspace(0.5, 2, len(y))
    for model in both("classifier", hidden_layer_sizes=(5,), random_state=0):
        model.partial_fit(X, y, weights, [0, 1])  # positionally, as scikit-learn's
        assert list(model.classes_) == [0, 1]


# -- 3. n_iter_no_change=np.inf ------------------------------------------------------------
@pytest.mark.parametrize("kind", PAIRS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_infinite_patience_never_stops_early(kind, early_stopping):
    # tol=1e3: no epoch ever improves enough, so a finite patience would stop at once.
    for model in both(kind, hidden_layer_sizes=(5,), max_iter=15, tol=1e3, random_state=0,
                      n_iter_no_change=np.inf, early_stopping=early_stopping):
        with pytest.warns(ConvergenceWarning, match="[Mm]aximum iterations"):
            model.fit(X, PAIRS[kind][2])
        assert model.n_iter_ == 15
    ours = NeuralNetClassifier((5,), max_iter=15, tol=1e3, random_state=0).fit(X, y)
    assert ours.n_iter_ == 12  # the default patience, 10, stops after 1 + 10 + 1 epochs


# -- 4. warm starts, partial_fit, held-out data ---------------------------------------------
@pytest.mark.parametrize("kind", PAIRS)
def test_each_warm_started_fit_warns_and_counts_its_own_epochs(kind):
    target = PAIRS[kind][2]
    for model in both(kind, hidden_layer_sizes=(5,), max_iter=5, warm_start=True,
                      random_state=0):
        for max_iter in (5, 5, 3):
            with pytest.warns(ConvergenceWarning, match=f"[Mm]aximum iterations \\({max_iter}"):
                model.set_params(max_iter=max_iter).fit(X, target)
            assert model.n_iter_ == max_iter
        assert model.t_ == 13 * len(X)  # samples seen, over every fit


def test_partial_fit_counts_on():
    # A deliberate difference: scikit-learn's n_iter_ is 1 after each partial_fit;
    # barenet's counts the epochs of incremental training, as loss_curve_ does.
    clf = NeuralNetClassifier((5,), random_state=0)
    for call in range(1, 4):
        clf.partial_fit(X, y, classes=[0, 1])
        assert clf.n_iter_ == len(clf.loss_curve_) == call
    assert MLPClassifier((5,)).partial_fit(X, y, classes=[0, 1]).partial_fit(X, y).n_iter_ == 1


@pytest.mark.parametrize("relabel", [lambda t: np.where(t == 1, 2, t),  # a new class
                                     lambda t: np.zeros_like(t)])  # one class missing
def test_warm_start_refuses_other_classes(relabel):
    for model in both("classifier", hidden_layer_sizes=(5,), max_iter=3, warm_start=True,
                      random_state=0):
        quietly(model.fit, X, y)
        with pytest.raises(ValueError, match="warm_start can only be used where `y` has the "
                                             "same classes as in the previous call to fit"):
            model.fit(X, np.asarray(relabel(y)))
    clf = quietly(NeuralNetClassifier((5,), max_iter=3, warm_start=True).fit, X, y)
    quietly(clf.fit, X, 1 - y)  # the same classes: fine


@pytest.mark.parametrize("kind", PAIRS)
def test_partial_fit_refuses_early_stopping(kind):
    extra = {"classes": [0, 1]} if kind == "classifier" else {}
    for model in both(kind, hidden_layer_sizes=(5,), early_stopping=True):
        with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
            model.partial_fit(X, PAIRS[kind][2], **extra)


def test_a_validation_set_too_small_is_refused():
    for model in both("regressor", hidden_layer_sizes=(5,), early_stopping=True):
        with pytest.raises(ValueError, match="validation set is too small"):
            model.fit(X[:10], y_reg[:10])  # 10% of 10 samples: one to score on
    # Stratified, a class of one sample cannot be split: scikit-learn lets
    # train_test_split's error through; barenet says what it means.
    for model in both("classifier", hidden_layer_sizes=(5,), early_stopping=True):
        with pytest.raises(ValueError):
            model.fit(X[:10], np.r_[np.zeros(9), 1])
    with pytest.raises(ValueError, match="validation set is too small.*validation_fraction"):
        NeuralNetClassifier(early_stopping=True).fit(X[:10], np.r_[np.zeros(9), 1])


# -- 5. divergence with early stopping ------------------------------------------------------
def _diverging(**params):
    """Full-batch gradient descent with a step 15% past stability: the loss blows up slowly."""
    rng = np.random.RandomState(0)
    Xd = rng.randn(200, 3)
    rate = 2.3 / np.linalg.eigvalsh(Xd.T @ Xd / len(Xd)).max()
    settings = dict(hidden_layer_sizes=(), solver="sgd", batch_size=180, momentum=0.0,
                    alpha=0.0, learning_rate_init=rate, shuffle=False, max_iter=300,
                    random_state=0, **params)
    return settings, Xd, Xd @ [1.0, 2.0, 3.0]


def test_early_stopping_keeps_the_best_weights_when_the_loss_blows_up():
    settings, Xd, yd = _diverging(early_stopping=True, n_iter_no_change=np.inf)
    ours = NeuralNetRegressor(**settings)
    with pytest.warns(ConvergenceWarning, match="diverged.*best validation score"):
        ours.fit(Xd, yd)
    assert ours.n_iter_ < 300  # it stopped there
    theirs = quietly(MLPRegressor(**settings).fit, Xd, yd)  # (which runs on, on NaN)
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_,
                                                        rel=1e-9)
    np.testing.assert_allclose(ours.predict(Xd), theirs.predict(Xd), rtol=1e-9, atol=1e-9)


def test_without_early_stopping_divergence_still_raises():
    settings, Xd, yd = _diverging()
    with pytest.raises(DivergenceError, match="diverged"):
        NeuralNetRegressor(**settings).fit(Xd, yd)
    # Nothing validated yet (it blows up in the first epoch): nothing to keep.
    with pytest.raises(DivergenceError, match="diverged at epoch 1"):
        NeuralNetClassifier((16, 16), solver="sgd", learning_rate_init=10, batch_size=1,
                            early_stopping=True, random_state=0).fit(X, y)


# -- 6. verbose ---------------------------------------------------------------------------
def printed(model, X, y):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        quietly(model.fit, X, y)
    return out.getvalue().splitlines()


NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]\d+)?")


@pytest.mark.parametrize("kind", PAIRS)
@pytest.mark.parametrize("settings", [
    dict(tol=1e-2, n_iter_no_change=3),
    dict(tol=1e-2, n_iter_no_change=2, early_stopping=True),
    dict(learning_rate="adaptive", tol=1e-1, n_iter_no_change=2),
], ids=["training loss", "validation score", "adaptive"])
def test_verbose_prints_what_scikit_learn_prints(kind, settings):
    ours, theirs = both(kind, hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.01,
                        max_iter=60, shuffle=False, random_state=0, verbose=True, **settings)
    ours_lines, their_lines = printed(ours, X, PAIRS[kind][2]), printed(theirs, X,
                                                                          PAIRS[kind][2])
    assert [NUMBER.sub("#", s) for s in ours_lines] == [NUMBER.sub("#", s) for s in their_lines]
    for a, b in zip(ours_lines, their_lines, strict=True):
        got = [float(m.group()) for m in NUMBER.finditer(a)]
        want = [float(m.group()) for m in NUMBER.finditer(b)]
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert ours_lines[0].startswith("Iteration 1, loss = ")
    assert ours_lines[-1].endswith("Stopping.")


def test_verbose_progress_is_a_bar_on_stderr_and_lbfgs_prints_iterations(capsys):
    quietly(NeuralNetClassifier((5,), max_iter=4, verbose="progress").fit, X, y)
    out, err = capsys.readouterr()
    assert out == "" and "4/4" in err
    quietly(NeuralNetClassifier((5,), solver="lbfgs", max_iter=4, verbose=1).fit, X, y)
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("Iteration 4, loss = ") and err == ""
    with pytest.raises(InvalidParameterError, match="verbose"):
        NeuralNetClassifier(verbose="loud").fit(X, y)


def test_convergence_warnings_point_at_the_first_caller_outside_barenet():
    # Called directly, the warning names this file; through a Pipeline, the
    # pipeline's line that called fit (never a line inside barenet).
    from pathlib import Path

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import barenet
    from barenet import NeuralNetClassifier

    package = str(Path(barenet.__file__).parent)
    X = np.random.RandomState(0).randn(40, 2)
    y = (X[:, 0] > 0).astype(int)
    for solver in ("sgd", "lbfgs"):
        for piped in (False, True):
            clf = NeuralNetClassifier((3,), solver=solver, max_iter=2, random_state=0)
            model = make_pipeline(StandardScaler(), clf) if piped else clf
            with pytest.warns(ConvergenceWarning) as caught:
                model.fit(X, y)
            (warning,) = [w for w in caught if w.category is ConvergenceWarning]
            if piped:
                assert "sklearn" in warning.filename and not warning.filename.startswith(package)
            else:
                assert warning.filename == __file__
