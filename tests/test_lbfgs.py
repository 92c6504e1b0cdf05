"""L-BFGS against scikit-learn's: the same steps, the same stops, the same warnings.

Both hand the same loss, gradient and options to SciPy's L-BFGS-B, so from the
same initial weights they take the same iterates; ``max_fun`` is a hard bound
on loss evaluations here, and a fit stopped by a limit warns scikit-learn's
``ConvergenceWarning``.
"""

from __future__ import annotations

import warnings
from functools import cache

import pytest
import scipy.optimize
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from barenet import NeuralNetClassifier


@cache
def multilabel():
    X, Y = make_multilabel_classification(n_samples=50, random_state=0)
    X.flags.writeable = Y.flags.writeable = False
    return X, Y


def _fit(cls, **params):
    """The fitted model and the ``ConvergenceWarning`` messages its fit raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model = cls(solver="lbfgs", random_state=0, **params).fit(*multilabel())
    return model, [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]


def _lbfgs_messages(messages):
    return [text for text in messages if text.startswith("lbfgs failed to converge")]


@pytest.fixture
def evaluations(monkeypatch):
    """Counts the loss evaluations L-BFGS asks for, fit by fit."""
    counts = []
    minimize = scipy.optimize.minimize

    def counting(fun, x0, *args, **kwargs):
        counts.append(0)

        def counted(theta, *rest):
            value = fun(theta, *rest)
            counts[-1] += 1                 # (a refused evaluation raises: not counted)
            return value
        return minimize(counted, x0, *args, **kwargs)
    monkeypatch.setattr(scipy.optimize, "minimize", counting)
    return counts


@pytest.mark.parametrize("hidden", [30, (100,)])
def test_the_same_fit_as_mlpclassifier_on_multilabel_data(hidden):
    X, Y = multilabel()
    peer, peer_warnings = _fit(MLPClassifier, hidden_layer_sizes=hidden)
    ours, our_warnings = _fit(NeuralNetClassifier, hidden_layer_sizes=hidden)
    assert peer_warnings == our_warnings == []
    assert ours.n_iter_ == peer.n_iter_ < 200                 # converged: gtol reached
    assert ours.loss_ == pytest.approx(peer.loss_, rel=1e-6)
    assert_array_equal(ours.predict(X), Y)
    assert_array_equal(peer.predict(X), Y)
    assert_allclose(ours.predict_proba(X), peer.predict_proba(X), atol=1e-6)


def test_max_iter_warns_scikit_learns_message():
    peer, peer_warnings = _fit(MLPClassifier, hidden_layer_sizes=30, max_iter=10)
    ours, our_warnings = _fit(NeuralNetClassifier, hidden_layer_sizes=30, max_iter=10)
    assert ours.n_iter_ == peer.n_iter_ == 10
    assert ours.loss_ == pytest.approx(peer.loss_, rel=1e-9)
    (message,) = _lbfgs_messages(our_warnings)
    assert message.startswith("lbfgs failed to converge after 10 iteration(s) (status=1):\n"
                              "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT\n")
    assert "(max_iter=10)" in message
    # (Older scikit-learn releases word it otherwise.)
    if peer_warnings[0].startswith("lbfgs failed to converge after"):
        assert message == peer_warnings[0]


@pytest.mark.parametrize("max_fun", [1, 2, 7, 20])
def test_max_fun_bounds_the_loss_evaluations(evaluations, max_fun):
    ours, messages = _fit(NeuralNetClassifier, hidden_layer_sizes=30, max_fun=max_fun)
    assert evaluations == [max_fun]
    (message,) = _lbfgs_messages(messages)
    assert f"after {ours.n_iter_} iteration(s) (status=1)" in message
    assert f"(max_fun={max_fun})" in message
    # The model keeps the last complete iteration: that of a fit stopped there.
    assert len(ours.loss_curve_) == ours.n_iter_ < max_fun
    same, _ = _fit(NeuralNetClassifier, hidden_layer_sizes=30, max_iter=max(ours.n_iter_, 1))
    if ours.n_iter_:
        assert_array_equal(ours.coefs_[0], same.coefs_[0])
        assert ours.loss_ == same.loss_


def test_mlpclassifier_may_exceed_max_fun(evaluations):
    # scikit-learn stops only after the iteration in which the count went over.
    _fit(MLPClassifier, hidden_layer_sizes=30, max_fun=7)
    assert evaluations[0] > 7


def test_a_converged_fit_and_a_requested_stop_do_not_warn():
    _, messages = _fit(NeuralNetClassifier, hidden_layer_sizes=30)
    assert messages == []
    seen = []

    def stop_after_three(model, info):
        seen.append(info["epoch"])
        return len(seen) == 3
    ours, messages = _fit(NeuralNetClassifier, hidden_layer_sizes=30,
                          callbacks=[stop_after_three])
    assert messages == [] and ours.n_iter_ == 3

