"""scikit-learn's own MLP examples, run with barenet's estimators swapped in.

Each snippet is kept as scikit-learn's documentation writes it (plots left
out, MNIST replaced by ``load_digits`` so nothing is downloaded) and takes the
estimator classes as arguments: it runs once with ``MLPClassifier`` /
``MLPRegressor`` and once with ``NeuralNetClassifier`` / ``NeuralNetRegressor``,
and the scores must agree within a few points.  A case that cannot agree yet
is an expected failure that says why.

Sources: the user guide's "Neural network models (supervised)" page, the
``MLPClassifier`` and ``MLPRegressor`` docstrings, and the examples "Compare
Stochastic learning strategies for MLPClassifier" (plot_mlp_training_curves),
"Varying regularization in Multi-layer Perceptron" (plot_mlp_alpha) and
"Visualization of MLP weights on MNIST" (plot_mnist_filters).
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import datasets
from sklearn.datasets import (
    load_digits,
    make_circles,
    make_classification,
    make_moons,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from threadpoolctl import threadpool_limits

from barenet import NeuralNetClassifier, NeuralNetRegressor

# "Within a few points": one or two test samples of the small data sets below.
POINTS = 0.05


@pytest.fixture(autouse=True)
def one_thread():
    # (Tiny matrices: BLAS threads only cost time here.)
    with threadpool_limits(1):
        yield


# -- the user guide -------------------------------------------------------------------------


def user_guide(MLP):
    """The user guide's classification and multi-label snippets."""
    X = [[0., 0.], [1., 1.]]
    y = [0, 1]
    clf = MLP(solver='lbfgs', alpha=1e-5, hidden_layer_sizes=(5, 2), random_state=1)
    clf.fit(X, y)
    found = {"predict": clf.predict([[2., 2.], [-1., -2.]]),
             "shapes": [coef.shape for coef in clf.coefs_],
             "proba": clf.predict_proba([[2., 2.], [1., 2.]])}
    X = [[0., 0.], [1., 1.]]
    y = [[0, 1], [1, 1]]
    clf = MLP(solver='lbfgs', alpha=1e-5, hidden_layer_sizes=(15,), random_state=1)
    clf.fit(X, y)
    found["multilabel"] = clf.predict([[1., 2.]]), clf.predict([[0., 0.]])
    return found


def test_user_guide_snippets():
    peer, ours = user_guide(MLPClassifier), user_guide(NeuralNetClassifier)
    assert_array_equal(ours["predict"], [1, 0])
    assert ours["shapes"] == peer["shapes"] == [(2, 5), (5, 2), (2, 1)]
    assert_allclose(ours["proba"], peer["proba"], atol=1e-6)
    assert_array_equal(ours["multilabel"][0], [[1, 1]])
    assert_array_equal(ours["multilabel"][1], [[0, 1]])


# -- the estimators' docstrings ---------------------------------------------------------------


def docstring_examples(MLPClassifier, MLPRegressor):
    """The Examples sections of ``MLPClassifier`` and ``MLPRegressor``."""
    X, y = make_classification(n_samples=100, random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y,
                                                        random_state=1)
    clf = MLPClassifier(random_state=1, max_iter=300).fit(X_train, y_train)
    found = {"proba": clf.predict_proba(X_test[:1]), "predict": clf.predict(X_test[:5, :]),
             "accuracy": clf.score(X_test, y_test)}
    X, y = make_regression(n_samples=200, n_features=20, random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(X, y,
                                                        random_state=1)
    regr = MLPRegressor(random_state=1, max_iter=2000, tol=0.1)
    regr.fit(X_train, y_train)
    found["regression"] = regr.predict(X_test[:2])
    found["r2"] = regr.score(X_test, y_test)
    return found


def test_docstring_examples():
    peer = docstring_examples(MLPClassifier, MLPRegressor)
    ours = docstring_examples(NeuralNetClassifier, NeuralNetRegressor)
    assert_array_equal(ours["predict"], peer["predict"])
    assert_allclose(ours["proba"], peer["proba"], atol=0.01)
    assert ours["accuracy"] == pytest.approx(peer["accuracy"], abs=POINTS)
    assert ours["accuracy"] >= 0.8                         # the docstring's "0.8..."
    assert_allclose(ours["regression"], peer["regression"], rtol=0.05)
    assert ours["r2"] == pytest.approx(peer["r2"], abs=0.02)


# -- "Compare Stochastic learning strategies for MLPClassifier" -------------------------------

params = [{'solver': 'sgd', 'learning_rate': 'constant', 'momentum': 0,
           'learning_rate_init': 0.2},
          {'solver': 'sgd', 'learning_rate': 'constant', 'momentum': .9,
           'nesterovs_momentum': False, 'learning_rate_init': 0.2},
          {'solver': 'sgd', 'learning_rate': 'constant', 'momentum': .9,
           'nesterovs_momentum': True, 'learning_rate_init': 0.2},
          {'solver': 'sgd', 'learning_rate': 'invscaling', 'momentum': 0,
           'learning_rate_init': 0.2},
          {'solver': 'sgd', 'learning_rate': 'invscaling', 'momentum': .9,
           'nesterovs_momentum': True, 'learning_rate_init': 0.2},
          {'solver': 'sgd', 'learning_rate': 'invscaling', 'momentum': .9,
           'nesterovs_momentum': False, 'learning_rate_init': 0.2},
          {'solver': 'adam', 'learning_rate_init': 0.01}]

labels = ["constant learning-rate", "constant with momentum",
          "constant with Nesterov's momentum",
          "inv-scaling learning-rate", "inv-scaling with momentum",
          "inv-scaling with Nesterov's momentum", "adam"]


def data_sets():
    iris = datasets.load_iris()
    digits = datasets.load_digits()
    return dict(zip(['iris', 'digits', 'circles', 'moons'],
                    [(iris.data, iris.target),
                     (digits.data, digits.target),
                     datasets.make_circles(noise=0.2, factor=0.5, random_state=1),
                     datasets.make_moons(noise=0.3, random_state=0)], strict=True))


def learn_on_dataset(MLPClassifier, X, y, name, param):
    """One curve of ``plot_on_dataset``: the example's loop body for one strategy."""
    X = MinMaxScaler().fit_transform(X)
    if name == "digits":
        # digits is larger but converges fairly quickly
        max_iter = 15
    else:
        max_iter = 400
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        mlp = MLPClassifier(verbose=0, random_state=0,
                            max_iter=max_iter, **param)
        mlp.fit(X, y)
    return mlp.score(X, y), mlp.loss_, mlp.loss_curve_


@pytest.mark.parametrize("name, label", [
    (name, label) for name in ['iris', 'digits', 'circles', 'moons'] for label in labels])
def test_compare_stochastic_learning_strategies(name, label):
    X, y = data_sets()[name]
    param = params[labels.index(label)]
    peer_score, peer_loss, peer_curve = learn_on_dataset(MLPClassifier, X, y, name, param)
    score, loss, curve = learn_on_dataset(NeuralNetClassifier, X, y, name, param)
    assert score == pytest.approx(peer_score, abs=POINTS)
    assert loss == pytest.approx(peer_loss, rel=0.1, abs=0.01)
    assert len(curve) == pytest.approx(len(peer_curve), abs=5)


# -- "Varying regularization in Multi-layer Perceptron" ---------------------------------------


def varying_regularization(MLPClassifier, dataset):
    """plot_mlp_alpha for one data set: the test score of each alpha (no plots)."""
    h = 0.02  # step size in the mesh

    alphas = np.logspace(-1, 1, 5)

    classifiers = []
    names = []
    for alpha in alphas:
        classifiers.append(
            make_pipeline(
                StandardScaler(),
                MLPClassifier(
                    solver="lbfgs",
                    alpha=alpha,
                    random_state=1,
                    max_iter=2000,
                    early_stopping=True,
                    hidden_layer_sizes=[10, 10],
                ),
            )
        )
        names.append(f"alpha {alpha:.2f}")

    X, y = make_classification(
        n_features=2, n_redundant=0, n_informative=2, random_state=0, n_clusters_per_class=1
    )
    rng = np.random.RandomState(2)
    X += 2 * rng.uniform(size=X.shape)
    linearly_separable = (X, y)

    X, y = {"moons": make_moons(noise=0.3, random_state=0),
            "circles": make_circles(noise=0.2, factor=0.5, random_state=1),
            "linearly separable": linearly_separable}[dataset]
    # split into training and test part
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.4, random_state=42
    )
    x_min, x_max = X[:, 0].min() - 0.5, X[:, 0].max() + 0.5
    y_min, y_max = X[:, 1].min() - 0.5, X[:, 1].max() + 0.5
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))

    scores = {}
    for name, clf in zip(names, classifiers, strict=True):
        clf.fit(X_train, y_train)
        score = clf.score(X_test, y_test)

        # Plot the decision boundary. For that, we will assign a color to each
        # point in the mesh [x_min, x_max] x [y_min, y_max].
        if hasattr(clf, "decision_function"):
            Z = clf.decision_function(np.column_stack([xx.ravel(), yy.ravel()]))
        else:
            Z = clf.predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))[:, 1]

        # Put the result into a color plot
        Z = Z.reshape(xx.shape)
        scores[name] = score
    return scores


@pytest.mark.parametrize("dataset", ["moons", "circles", "linearly separable"])
def test_varying_regularization(dataset):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)   # both converge in 2000
        peer = varying_regularization(MLPClassifier, dataset)
        ours = varying_regularization(NeuralNetClassifier, dataset)
    assert list(ours) == list(peer)
    for name, score in ours.items():
        assert score == pytest.approx(peer[name], abs=POINTS), name


# -- "Visualization of MLP weights on MNIST", on the 8x8 digits -------------------------------


def mlp_weights(MLPClassifier):
    """plot_mnist_filters with ``load_digits`` (string labels, as MNIST's) for MNIST."""
    X, y = load_digits(return_X_y=True)
    y = y.astype(str)
    X = X / 16.0

    # Split data into train partition and test partition
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, test_size=0.7)

    mlp = MLPClassifier(
        hidden_layer_sizes=(40,),
        max_iter=8,
        alpha=1e-4,
        solver="sgd",
        verbose=10,
        random_state=1,
        learning_rate_init=0.2,
    )

    # this example won't converge because of resource usage constraints on
    # our Continuous Integration infrastructure, so we catch the warning and
    # ignore it here
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module="sklearn")
        mlp.fit(X_train, y_train)

    found = {"train": mlp.score(X_train, y_train), "test": mlp.score(X_test, y_test),
             "stdout": out.getvalue().splitlines(), "stderr": err.getvalue(),
             "warnings": [w for w in caught if issubclass(w.category, ConvergenceWarning)]}

    # use global min / max to ensure all weights are shown on the same scale
    vmin, vmax = mlp.coefs_[0].min(), mlp.coefs_[0].max()
    found["images"] = [coef.reshape(8, 8) for coef in mlp.coefs_[0].T]
    found["scale"] = 0.5 * vmin, 0.5 * vmax
    return found


def test_mlp_weights_on_digits():
    peer, ours = mlp_weights(MLPClassifier), mlp_weights(NeuralNetClassifier)
    assert ours["train"] == pytest.approx(peer["train"], abs=POINTS)
    assert ours["test"] == pytest.approx(peer["test"], abs=POINTS)
    assert len(ours["images"]) == 40 and ours["scale"][0] < 0 < ours["scale"][1]
    # verbose=10 prints scikit-learn's line per epoch on stdout.
    assert len(ours["stdout"]) == len(peer["stdout"]) == 8
    for k, (line, peer_line) in enumerate(zip(ours["stdout"], peer["stdout"], strict=True), 1):
        assert line.startswith(f"Iteration {k}, loss = ")
        assert float(line.split("=")[1]) == pytest.approx(float(peer_line.split("=")[1]),
                                                          rel=0.01)


@pytest.mark.xfail(strict=True, reason=(
    "the example silences its ConvergenceWarning with filterwarnings(..., module='sklearn'); "
    "scikit-learn's warning is attributed to its own module, barenet's to the caller's "
    "line (stacklevel), so no module= filter naming a library matches it; "
    "filterwarnings('ignore', category=ConvergenceWarning) without module= does"))
def test_mlp_weights_example_silences_its_warning():
    assert mlp_weights(MLPClassifier)["warnings"] == []
    assert mlp_weights(NeuralNetClassifier)["warnings"] == []
