"""A battery of bad inputs for every public entry point, and property-based fits.

Every bad input must raise ValueError (or TypeError where the type is wrong)
with a message that names the problem; nothing else may reach the user.  The
property tests are derandomized: the same examples every run, so a failure in
CI is reproducible (explore more locally with a higher max_examples).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import barenet as bn
from barenet import plot, shallow

rng = np.random.RandomState(0)
X_ok = rng.randn(30, 2)
y_ok = (X_ok[:, 0] > 0).astype(int)


def clf(**kw):
    return bn.NeuralNetClassifier((3,), max_iter=5, n_iter_no_change=None, random_state=0, **kw)


def reg(**kw):
    return bn.NeuralNetRegressor(hidden_layer_sizes=(3,), max_iter=5, n_iter_no_change=None,
                                 random_state=0, **kw)


def fitted():
    return clf().fit(X_ok, y_ok)


X_nan = X_ok.copy()
X_nan[3, 1] = np.nan
X_inf = X_ok.copy()
X_inf[0, 0] = np.inf

# (name, call, exception, message pattern)
BATTERY = [
    # estimators
    ("NaN in X", lambda: clf().fit(X_nan, y_ok), ValueError, "NaN"),
    ("infinity in X", lambda: clf().fit(X_inf, y_ok), ValueError, "infinity"),
    ("NaN in y (regression)", lambda: reg().fit(X_ok, np.where(y_ok, np.nan, 1.0)),
     ValueError, "NaN"),
    ("1-D X", lambda: clf().fit(X_ok[:, 0], y_ok), ValueError, "2D array"),
    ("3-D X", lambda: clf().fit(X_ok[:, :, None], y_ok), ValueError, "dim"),
    ("mismatched lengths", lambda: clf().fit(X_ok, y_ok[:-1]), ValueError, "inconsistent"),
    ("empty X", lambda: clf().fit(X_ok[:0], y_ok[:0]), ValueError, "0 sample"),
    ("no features", lambda: clf().fit(X_ok[:, :0], y_ok), ValueError, "0 feature"),
    ("a single class", lambda: clf().fit(X_ok, np.zeros(30)), ValueError, "one class"),
    ("continuous labels", lambda: clf().fit(X_ok, X_ok[:, 0]), ValueError, "Unknown label"),
    ("text features", lambda: clf().fit(np.array([["a", "b"]] * 30), y_ok), ValueError,
     "convert"),
    ("object features", lambda: clf().fit(np.array([[1, "x"]] * 30, dtype=object), y_ok),
     ValueError, "convert"),
    ("complex features", lambda: clf().fit(X_ok + 1j, y_ok), ValueError, "omplex"),
    ("wrong number of features", lambda: fitted().predict(np.ones((4, 3))), ValueError,
     "3 features, but NeuralNetClassifier is expecting 2"),
    ("unfitted predict", lambda: clf().predict(X_ok), ValueError, "not fitted"),
    ("NaN at predict", lambda: fitted().predict(X_nan), ValueError, "NaN"),
    ("fewer samples than classes in the split",
     lambda: clf(early_stopping=True, validation_fraction=0.1).fit(
         X_ok[:12], np.arange(12) % 6), ValueError, "validation"),
    ("bad sample_weight length", lambda: clf().fit(X_ok, y_ok, sample_weight=np.ones(3)),
     ValueError, "sample_weight"),
    ("negative sample weights", lambda: clf().fit(X_ok, y_ok, sample_weight=-np.ones(30)),
     ValueError, "sample_weight"),
    ("bad parameter", lambda: clf(alpha=-1).fit(X_ok, y_ok), ValueError, "alpha"),
    ("bad parameter type", lambda: clf(max_iter="ten").fit(X_ok, y_ok), (TypeError, ValueError),
     "max_iter"),
    ("unknown solver", lambda: clf(solver="magic").fit(X_ok, y_ok), ValueError, "solver"),
    ("validation_data of the wrong width",
     lambda: clf().fit(X_ok, y_ok, validation_data=(np.ones((3, 5)), [0, 1, 0])), ValueError,
     "features"),
    ("unseen label in partial_fit",
     lambda: clf().partial_fit(X_ok, y_ok, classes=[0, 1]).partial_fit(X_ok, y_ok + 5),
     ValueError, "not seen"),
    # the article's functions
    ("article: labels not 0/1", lambda: shallow.nn_model(X_ok.T, (y_ok + 1)[None], 2, 5),
     ValueError, "0/1"),
    ("article: rows layout", lambda: shallow.nn_model(X_ok, y_ok[None], 2, 5), ValueError,
     "samples"),
    ("article: NaN", lambda: shallow.predict(shallow.initialize_parameters(2, 2, 1), X_nan.T),
     ValueError, "NaN"),
    ("article: text", lambda: shallow.predict(shallow.initialize_parameters(2, 2, 1),
                                              np.array([["a"], ["b"]])), TypeError, "numbers"),
    ("article: cost shapes", lambda: shallow.compute_cost(np.ones((1, 3)) / 2, np.ones((1, 4))),
     ValueError, "shape"),
    # datasets
    ("dataset name", lambda: bn.datasets.load("mnist"), ValueError, "unknown dataset"),
    ("dataset size", lambda: bn.datasets.load("xor", n_samples=-3), ValueError, "n_samples"),
    ("dataset noise", lambda: bn.datasets.noisy_moons(noise=float("nan")), ValueError, "noise"),
    ("dataset argument", lambda: bn.datasets.load("flower", bogus=1), ValueError, "bogus"),
    # plots
    ("plot: 3 columns", lambda: plot.plot_dataset(np.ones((5, 3)), np.zeros(5)), ValueError,
     "2"),
    ("plot: lengths", lambda: plot.plot_dataset(X_ok, y_ok[:5]), ValueError, "5 labels"),
    ("plot: NaN", lambda: plot.plot_decision_boundary(lambda Z: Z[:, 0] > 0, X_nan, y_ok),
     ValueError, "NaN|finite"),
    ("plot: empty sweep", lambda: plot.plot_sweep([], X_ok, y_ok), ValueError, "empty|no "),
    # model files
    ("save unfitted", lambda: bn.save(clf(), "/tmp/never-written.npz"), ValueError,
     "not fitted"),
    ("load missing", lambda: bn.load("/nonexistent/model.npz"), ValueError, "no model file"),
]


@pytest.mark.parametrize(("name", "call", "error", "match"), BATTERY, ids=[b[0] for b in BATTERY])
def test_bad_input_battery(name, call, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a ConvergenceWarning before the error
        with pytest.raises(error, match=match) as info:
            call()
    assert type(info.value).__mro__[0] is not Exception
    assert len(str(info.value)) > 15  # a sentence, not a bare value


# -- properties ------------------------------------------------------------------
finite = st.floats(-1e6, 1e6, allow_nan=False, width=64)
anything = st.floats(allow_nan=True, allow_infinity=True, width=64)


@st.composite
def datasets_(draw, values=finite):
    n = draw(st.integers(1, 25))
    d = draw(st.integers(1, 4))
    X = draw(hnp.arrays(np.float64, (n, d), elements=values))
    labels = draw(st.sampled_from([[0, 1], [0, 1, 2], ["a", "b"], [-1.5, 2.0], [True, False]]))
    y = np.array(draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n)))
    return X, y


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(data=datasets_(), solver=st.sampled_from(["sgd", "adam", "lbfgs"]),
       dtype=st.sampled_from(["float64", "float32"]),
       activation=st.sampled_from(["tanh", "relu", "sigmoid", "identity", "leaky_relu"]))
def test_fit_works_or_refuses_clearly_and_predictions_are_finite(data, solver, dtype,
                                                                   activation):
    X, y = data
    model = bn.NeuralNetClassifier((3,), activation=activation, solver=solver, dtype=dtype,
                                   max_iter=4, random_state=0, learning_rate_init=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning included
        try:
            model.fit(X, y)
        except (ValueError, TypeError):
            return
    proba = model.predict_proba(X)
    assert proba.dtype == np.dtype(dtype) and np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(np.unique(model.predict(X))) <= set(np.unique(y))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=datasets_(values=anything))
@example(data=(np.array([[np.inf, -np.inf]]), np.array([0])))  # inf + -inf in the check
def test_nan_and_infinity_are_refused_not_propagated(data):
    X, y = data
    model = bn.NeuralNetRegressor(hidden_layer_sizes=(2,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        try:
            model.fit(X, np.arange(len(y), dtype=float))
        except (ValueError, TypeError) as exc:
            # Refused because of NaN/infinity, or values so large the loss overflows.
            assert not np.all(np.isfinite(X)) or "diverged" in str(exc)
            return
    assert np.all(np.isfinite(X))
    assert np.all(np.isfinite(model.predict(X)))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(X=hnp.arrays(np.float64, st.tuples(st.just(2), st.integers(1, 12)),
                    elements=st.floats(-1e300, 1e300, allow_nan=False)))
def test_article_functions_never_produce_nan_on_finite_input(X):
    parameters = shallow.initialize_parameters(2, 3, 1)
    parameters = {k: v * 1e3 for k, v in parameters.items()}
    A2, cache = shallow.forward_propagation(X, parameters)
    Y = (X[:1] > 0).astype(int)
    assert np.all(np.isfinite(A2)) and np.isfinite(shallow.compute_cost(A2, Y))
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    assert all(np.all(np.isfinite(g)) for g in grads.values())
