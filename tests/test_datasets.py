"""Tests for barenet.datasets."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_circles, make_gaussian_quantiles, make_moons

from barenet import datasets
from barenet.datasets import (
    blobs,
    gaussian_quantiles,
    load,
    load_planar_dataset,
    names,
    no_structure,
    noisy_circles,
    noisy_moons,
    spirals,
    xor,
)

EXPECTED_NAMES = {
    "gaussian_quantiles",
    "flower",
    "noisy_circles",
    "noisy_moons",
    "blobs",
    "gaussian_quantiles_cov05",
    "no_structure",
    "xor",
    "spirals",
}

# What each name must mean, written out independently of the module's registry.
DIRECT = {
    "gaussian_quantiles": lambda **kw: gaussian_quantiles(**kw),
    "flower": lambda **kw: load_planar_dataset(**kw),
    "noisy_circles": lambda **kw: noisy_circles(**kw),
    "noisy_moons": lambda **kw: noisy_moons(**kw),
    "blobs": lambda **kw: blobs(**kw),
    "gaussian_quantiles_cov05": lambda **kw: gaussian_quantiles(cov=0.5, **kw),
    "no_structure": lambda **kw: no_structure(**kw),
    "xor": lambda **kw: xor(**kw),
    "spirals": lambda **kw: spirals(**kw),
}

DEFAULT_ROWS = {name: 200 for name in EXPECTED_NAMES} | {"flower": 400}

# Smallest class as a fraction of all points, per dataset. Every generator splits
# the classes evenly (within one point) except blobs, whose balance depends on
# how the folded clusters share the points: with the default 6 centres it is
# even too, but only require 40 %. no_structure shuffles an even split of labels.
MIN_CLASS_FRACTION = {name: 0.5 - 1 / 200 for name in EXPECTED_NAMES} | {"blobs": 0.4}

WITH_NOISE = ["flower", "noisy_circles", "noisy_moons", "xor", "spirals"]


def course_flower() -> tuple[np.ndarray, np.ndarray]:
    """The deep-learning course's planar "flower", drawn with a private RandomState(1)."""
    rng = np.random.RandomState(1)
    m = 400
    N = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros(m, dtype=np.int64)
    a = 4
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X, Y


# --------------------------------------------------------------------------- flower


def test_flower_shape_dtype_and_counts():
    X, y = load_planar_dataset()
    assert X.shape == (400, 2) and y.shape == (400,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [200, 200]


def test_flower_is_bit_identical_to_course_code():
    X, y = load_planar_dataset()
    X_ref, y_ref = course_flower()
    assert np.array_equal(X, X_ref)
    assert np.array_equal(y, y_ref)


def test_flower_first_points_by_hand():
    # First three points of class 0 recomputed from the course's recipe.
    rng = np.random.RandomState(1)
    t_noise = rng.randn(200) * 0.2
    r_noise = rng.randn(200) * 0.2
    t = np.linspace(0.0, 3.12, 200)[:3] + t_noise[:3]
    r = 4 * np.sin(4 * t) + r_noise[:3]
    X, y = load_planar_dataset()
    for i in range(3):
        assert X[i, 0] == r[i] * np.sin(t[i])
        assert X[i, 1] == r[i] * np.cos(t[i])
        assert y[i] == 0
    assert y[200] == 1


def test_flower_noise_replaces_both_jitters():
    X, y = load_planar_dataset(noise=0.0)
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, 200)
        r = 4 * np.sin(4 * t)
        rows = slice(200 * j, 200 * (j + 1))
        np.testing.assert_allclose(X[rows], np.c_[r * np.sin(t), r * np.cos(t)], atol=1e-12)
        assert np.all(y[rows] == j)
    # More noise moves the points further from the noiseless curve.
    small = np.abs(load_planar_dataset(noise=0.05)[0] - X).mean()
    large = np.abs(load_planar_dataset(noise=0.5)[0] - X).mean()
    assert 0 < small < large


def test_flower_odd_n_samples_splits_as_evenly_as_possible():
    X, y = load_planar_dataset(n_samples=401)
    assert X.shape == (401, 2)
    assert np.bincount(y).tolist() == [201, 200]


# --------------------------------------------------------------------------- every dataset


def test_names_are_the_expected_ones_in_a_fixed_order():
    assert set(names()) == EXPECTED_NAMES
    assert len(names()) == len(EXPECTED_NAMES)
    assert names() == names()
    assert names()[0] == "gaussian_quantiles"


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_shapes_dtypes_labels_and_balance(name):
    X, y = load(name)
    n = DEFAULT_ROWS[name]
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert set(np.unique(y).tolist()) == {0, 1}
    assert np.all(np.isfinite(X))
    assert np.bincount(y).min() / n >= MIN_CLASS_FRACTION[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_deterministic_per_seed(name):
    X1, y1 = load(name, random_state=3)
    X2, y2 = load(name, random_state=3)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    X3, _ = load(name, random_state=4)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_global_random_state_is_left_alone(name):
    np.random.seed(12345)  # noqa: NPY002 - checking that the generators ignore it
    before = np.random.get_state()  # noqa: NPY002
    load(name)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_two_samples_give_both_classes(name):
    X, y = load(name, n_samples=2)
    assert X.shape == (2, 2)
    assert sorted(y.tolist()) == [0, 1]


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_odd_n_samples(name):
    X, y = load(name, n_samples=51)
    assert X.shape == (51, 2) and y.shape == (51,)
    assert set(np.unique(y).tolist()) == {0, 1}


# --------------------------------------------------------------------------- individual datasets


@pytest.mark.parametrize("cov", [0.7, 0.5, 2.0])
def test_gaussian_quantiles_matches_sklearn(cov):
    X, y = gaussian_quantiles(n_samples=150, cov=cov, random_state=7)
    X_ref, y_ref = make_gaussian_quantiles(
        mean=None, cov=cov, n_samples=150, n_features=2, n_classes=2, shuffle=True,
        random_state=7,
    )
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_gaussian_quantiles_inner_points_are_class_0():
    X, y = gaussian_quantiles()
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 0].max() < radius[y == 1].min()


def test_cov05_variant_is_gaussian_quantiles_with_cov_half():
    X, y = load("gaussian_quantiles_cov05", random_state=2)
    X_ref, y_ref = make_gaussian_quantiles(
        mean=None, cov=0.5, n_samples=200, n_features=2, n_classes=2, shuffle=True,
        random_state=2,
    )
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_circles_moons_blobs_match_sklearn():
    X, y = noisy_circles()
    X_ref, y_ref = make_circles(n_samples=200, noise=0.3, factor=0.5, random_state=0)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)
    X, y = noisy_moons()
    X_ref, y_ref = make_moons(n_samples=200, noise=0.2, random_state=0)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)
    X, y = blobs()
    X_ref, y_ref = make_blobs(n_samples=200, n_features=2, centers=6, random_state=5)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref % 2)


def test_no_structure_points_in_unit_square():
    X, _ = no_structure(n_samples=500)
    assert X.min() >= 0.0 and X.max() < 1.0


def test_xor_labels_follow_sign_of_product_without_noise():
    X, y = xor(n_samples=500, noise=0.0)
    assert np.all(X != 0.0)
    assert np.abs(X).max() <= 1.0
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(np.int64))
    # All four quadrants are used.
    quadrants = {(bool(a > 0), bool(b > 0)) for a, b in X}
    assert len(quadrants) == 4


def test_xor_noise_is_jitter_added_after_labelling():
    X0, y0 = xor(noise=0.0, random_state=1)
    X1, y1 = xor(noise=0.1, random_state=1)
    assert np.array_equal(y0, y1)
    shift = X1 - X0
    assert 0.05 < shift.std() < 0.2


def test_spirals_are_two_arms():
    X, y = spirals(n_samples=400, noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.5 - 1e-12 and r.max() <= 3.5 + 1e-12
    # On the arm of class j the angle is pi * r + pi * j (mod 2 pi).
    phase = np.arctan2(X[:, 1], X[:, 0]) - np.pi * r
    np.testing.assert_allclose(np.cos(phase[y == 0]), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.cos(phase[y == 1]), -1.0, atol=1e-9)
    assert np.bincount(y).tolist() == [200, 200]


def test_spirals_noisy_points_stay_near_their_arm():
    X0, y0 = spirals(noise=0.0, random_state=2)
    X1, y1 = spirals(noise=0.1, random_state=2)
    assert np.array_equal(y0, y1)
    assert 0.05 < (X1 - X0).std() < 0.2


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_load_equals_calling_the_generator(name):
    X, y = load(name)
    X_ref, y_ref = DIRECT[name]()
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)
    X, y = load(name, n_samples=30, random_state=9)
    X_ref, y_ref = DIRECT[name](n_samples=30, random_state=9)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_load_passes_keywords_through():
    X, y = load("gaussian_quantiles", n_samples=50)
    assert X.shape == (50, 2) and y.shape == (50,)
    X, _ = load("gaussian_quantiles", cov=3.0)
    assert np.array_equal(X, gaussian_quantiles(cov=3.0)[0])
    X, _ = load("flower", noise=0.0)
    assert np.array_equal(X, load_planar_dataset(noise=0.0)[0])
    X, _ = load("blobs", centers=3)
    assert np.array_equal(X, blobs(centers=3)[0])


def test_load_unknown_name_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"unknown dataset 'petals'.*available.*flower.*spirals"):
        load("petals")


def test_load_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a string"):
        load(3)


def test_load_rejects_unknown_keyword_naming_accepted_ones():
    with pytest.raises(
        ValueError, match=r"'bogus'.*accepted arguments: n_samples, noise, random_state"
    ):
        load("flower", bogus=1)
    with pytest.raises(ValueError, match=r"'noise'.*accepted arguments: n_samples, random_state"):
        load("no_structure", noise=0.1)


def test_load_cov05_rejects_overriding_cov():
    with pytest.raises(ValueError, match=r"'cov'.*fixed at 0\.5"):
        load("gaussian_quantiles_cov05", cov=0.7)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
@pytest.mark.parametrize("n_samples", [0, -5, 1])
def test_n_samples_too_small(name, n_samples):
    with pytest.raises(ValueError, match=r"n_samples must be at least 2.*larger n_samples"):
        load(name, n_samples=n_samples)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
@pytest.mark.parametrize("n_samples", [2.5, 100.0, "100", True, None])
def test_n_samples_wrong_type(name, n_samples):
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        load(name, n_samples=n_samples)


def test_n_samples_accepts_numpy_integers():
    X, _ = load("xor", n_samples=np.int64(12))
    assert X.shape == (12, 2)


@pytest.mark.parametrize("name", WITH_NOISE)
@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf")])
def test_bad_noise(name, noise):
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0"):
        load(name, noise=noise)


@pytest.mark.parametrize("name", WITH_NOISE)
def test_noise_wrong_type(name):
    with pytest.raises(TypeError, match="noise must be a real number"):
        load(name, noise="0.1")


@pytest.mark.parametrize("cov", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_cov(cov):
    with pytest.raises(ValueError, match=r"cov must be a finite number > 0"):
        gaussian_quantiles(cov=cov)


@pytest.mark.parametrize("factor", [1.0, 1.5, -0.1, float("nan")])
def test_bad_factor(factor):
    with pytest.raises(ValueError, match=r"factor must be a finite number >= 0 and < 1"):
        noisy_circles(factor=factor)


def test_bad_centers():
    with pytest.raises(ValueError, match="centers must be at least 2"):
        blobs(centers=1)
    with pytest.raises(TypeError, match="centers must be an integer"):
        blobs(centers=2.0)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_bad_random_state(name):
    with pytest.raises(TypeError, match="random_state must be an integer seed"):
        load(name, random_state=None)
    with pytest.raises(TypeError, match="random_state must be an integer seed"):
        load(name, random_state=np.random.RandomState(0))
    with pytest.raises(ValueError, match=r"random_state must be in \[0, 2\*\*32 - 1\]"):
        load(name, random_state=-1)


def test_module_exports_every_public_function():
    for name in datasets.__all__:
        func = getattr(datasets, name)
        assert callable(func)
        assert func.__doc__ and "Returns" in func.__doc__
