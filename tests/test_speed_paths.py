"""The fast training paths compute what the plain formulas compute.

nn_model runs the engine's network on reused buffers, with the biases folded
into the weights and the learning rate into the output gradient, and
nn_model_sweep is nn_model once per size.  Here they are compared with the
public step functions called in a plain loop, and with each other.  At
learning rate 1.2 the dynamics amplify rounding after several hundred
iterations (sooner for large n_h), so long runs of the plain loop are
compared with tolerances; the sweep and nn_model must agree exactly.
No test here measures time.
"""

from __future__ import annotations

import numpy as np
import pytest

from barenet import datasets, shallow
from barenet.engine.activations import sigmoid, tanh, tanh_derivative
from barenet.engine.losses import output_delta

NAMES = ("W1", "b1", "W2", "b2")


@pytest.fixture(scope="module")
def quantiles():
    X, y = datasets.gaussian_quantiles()
    return X.T, y.reshape(1, -1)


@pytest.fixture(scope="module")
def flower():
    X, y = datasets.load_planar_dataset()
    return X.T, y.reshape(1, -1)


def plain_nn_model(X, Y, n_h, num_iterations, learning_rate, seed=2):
    """The article's loop over the public step functions, nothing fused."""
    p = shallow.initialize_parameters(X.shape[0], n_h, Y.shape[0], seed)
    for _ in range(num_iterations):
        A2, cache = shallow.forward_propagation(X, p)
        grads = shallow.backward_propagation(p, cache, X, Y)
        p = shallow.update_parameters(p, grads, learning_rate)
    return p


def max_difference(p, q):
    return max(float(np.max(np.abs(p[k] - q[k]))) for k in NAMES)


def cost(X, Y, p):
    return shallow.compute_cost(shallow.forward_propagation(X, p)[0], Y)


@pytest.mark.parametrize(("n_h", "iterations", "learning_rate"),
                         [(4, 1000, 1.2), (1, 1000, 1.2), (5, 600, 1.2),
                          (4, 2000, 0.5), (20, 1500, 0.5)])
def test_nn_model_equals_the_plain_loop(quantiles, n_h, iterations, learning_rate):
    X, Y = quantiles
    fast = shallow.nn_model(X, Y, n_h, iterations, learning_rate)
    plain = plain_nn_model(X, Y, n_h, iterations, learning_rate)
    assert max_difference(fast, plain) < 1e-12
    for k in NAMES:
        assert fast[k].shape == plain[k].shape and fast[k].dtype == np.float64


def test_nn_model_equals_the_plain_loop_on_the_flower(flower):
    X, Y = flower
    fast = shallow.nn_model(X, Y, 4, 1000)
    assert max_difference(fast, plain_nn_model(X, Y, 4, 1000, 1.2)) < 1e-12


def test_long_runs_agree_within_the_chaos_tolerance(quantiles):
    X, Y = quantiles
    fast = shallow.nn_model(X, Y, 4, 5000)
    plain = plain_nn_model(X, Y, 4, 5000, 1.2)
    assert cost(X, Y, fast) == pytest.approx(cost(X, Y, plain), abs=1e-2)


def test_zero_iterations_return_the_initial_parameters(quantiles):
    X, Y = quantiles
    p = shallow.nn_model(X, Y, 3, num_iterations=0)
    q = shallow.initialize_parameters(2, 3, 1)
    assert max_difference(p, q) == 0


def test_callback_sees_copies_and_changes_nothing(quantiles):
    X, Y = quantiles
    seen = []

    def record(i, parameters, A2):
        seen.append((i, parameters, A2))

    with_callback = shallow.nn_model(X, Y, 4, 50, callback=record)
    without = shallow.nn_model(X, Y, 4, 50)
    assert max_difference(with_callback, without) == 0
    assert [i for i, _, _ in seen] == list(range(50))
    # Each call got the parameters that produced its A2, and kept them: no
    # later iteration overwrote what an earlier call received.
    for _, parameters, A2 in seen[::7]:
        np.testing.assert_allclose(A2, shallow.forward_propagation(X, parameters)[0],
                                   rtol=0, atol=1e-15)
    first = seen[0][1]
    assert max_difference(first, shallow.initialize_parameters(2, 4, 1)) == 0


@pytest.mark.parametrize(("iterations", "learning_rate"), [(500, 1.2), (2000, 0.5)])
def test_sweep_equals_nn_model_for_each_size(quantiles, iterations, learning_rate):
    X, Y = quantiles
    sizes = (1, 2, 3, 4, 5, 20, 50)
    swept = shallow.nn_model_sweep(X, Y, sizes, iterations, learning_rate)
    assert len(swept) == len(sizes)
    for n_h, p in zip(sizes, swept, strict=True):
        alone = shallow.nn_model(X, Y, n_h, iterations, learning_rate)
        assert p["W1"].shape == (n_h, 2) and p["b1"].shape == (n_h, 1)
        assert p["W2"].shape == (1, n_h) and p["b2"].shape == (1, 1)
        assert max_difference(p, alone) == 0, n_h   # bit for bit


def test_the_long_article_sweep_is_nn_model_bit_for_bit(flower):
    # At learning rate 1.2 over 5000 iterations any difference in rounding
    # would grow into visibly different weights: there is none.
    X, Y = flower
    sizes = (1, 4, 50)
    swept = shallow.nn_model_sweep(X, Y, sizes, 5000)
    for n_h, p in zip(sizes, swept, strict=True):
        alone = shallow.nn_model(X, Y, n_h, 5000)
        for name in NAMES:
            np.testing.assert_array_equal(p[name], alone[name], err_msg=f"n_h={n_h} {name}")


def test_the_sweep_in_processes_is_the_same_sweep(quantiles):
    # Two worker processes, the largest size first: the same numbers, in the
    # order of the sizes asked for.
    X, Y = quantiles
    sizes = (3, 20, 1, 4)
    alone = shallow.nn_model_sweep(X, Y, sizes, 300)
    parallel = shallow.nn_model_sweep(X, Y, sizes, 300, n_jobs=2)
    for n_h, p, q in zip(sizes, alone, parallel, strict=True):
        assert p["W1"].shape == (n_h, 2)
        for name in NAMES:
            np.testing.assert_array_equal(p[name], q[name], err_msg=f"n_h={n_h} {name}")


def test_sweep_starts_each_size_from_its_own_initial_weights(quantiles):
    X, Y = quantiles
    swept = shallow.nn_model_sweep(X, Y, [3, 1, 3], num_iterations=0, seed=5)
    for n_h, p in zip([3, 1, 3], swept, strict=True):
        assert max_difference(p, shallow.initialize_parameters(2, n_h, 1, seed=5)) == 0
    # Repeated sizes train alike, each on its own (to rounding: the matrix
    # products may group their sums differently at different offsets).
    a, _, c = shallow.nn_model_sweep(X, Y, [3, 1, 3], num_iterations=20, seed=5)
    assert max_difference(a, c) < 1e-15


def test_sweep_returns_arrays_it_no_longer_uses(quantiles):
    X, Y = quantiles
    p, q = shallow.nn_model_sweep(X, Y, (2, 3), num_iterations=5)
    for k in NAMES:
        assert p[k].flags.owndata and p[k].flags.c_contiguous
    p["W1"][:] = 0  # must not reach q
    assert np.any(q["W1"])


@pytest.mark.parametrize(
    ("sizes", "match"),
    [((), "empty"), ((4, 0), "positive"), ((-1,), "positive"), ((2.5,), "positive"),
     (("3",), "positive")],
)
def test_sweep_refuses_bad_sizes(quantiles, sizes, match):
    X, Y = quantiles
    with pytest.raises(ValueError, match=match):
        shallow.nn_model_sweep(X, Y, sizes, num_iterations=1)


def test_sweep_checks_its_data_like_nn_model():
    with pytest.raises(ValueError, match="0/1"):
        shallow.nn_model_sweep(np.ones((2, 3)), np.array([[0, 1, 2]]), (2,))
    with pytest.raises(ValueError, match="learning_rate"):
        shallow.nn_model_sweep(np.ones((2, 3)), np.array([[0, 1, 1]]), (2,), learning_rate=0)
    with pytest.raises(ValueError, match="num_iterations"):
        shallow.nn_model_sweep(np.ones((2, 3)), np.array([[0, 1, 1]]), (2,), num_iterations=-1)


# --------------------------------------------------------------------------- engine, out=


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_engine_functions_write_into_out_what_they_return(dtype):
    rng = np.random.RandomState(0)
    Z = (rng.randn(5, 7) * 30).astype(dtype)
    Y = (rng.rand(5, 1) > 0.5).astype(dtype)
    A = sigmoid(Z)
    for fn, args in [(sigmoid, (Z,)), (tanh, (Z,)), (tanh_derivative, (None, A)),
                     (output_delta, (A, Y))]:
        expected = fn(*args)
        buffer = np.empty_like(expected)
        got = fn(*args, out=buffer)
        assert got is buffer and got.dtype == dtype
        np.testing.assert_array_equal(got, expected)
    inplace = Z.copy()
    np.testing.assert_array_equal(sigmoid(inplace, out=inplace), sigmoid(Z))


def test_plain_engine_formulas_are_unchanged():
    rng = np.random.RandomState(1)
    Z = rng.randn(4, 6) * 10
    A = np.tanh(Z)
    # The sigmoid is the textbook formula itself, also where exp(-Z) overflows
    # (NumPy warns there; the engine does not).
    Z[0, :2] = -800, 800
    with np.errstate(over="ignore"):
        textbook = 1 / (1 + np.exp(-Z))
    np.testing.assert_array_equal(sigmoid(Z), textbook)
    assert sigmoid(Z)[0, 0] == 0 and sigmoid(Z)[0, 1] == 1
    np.testing.assert_array_equal(tanh_derivative(Z, A), 1 - A * A)
    Y = (rng.rand(4, 1) > 0.5).astype(float)
    np.testing.assert_array_equal(output_delta(A, Y), (A - Y) / 4)
    np.testing.assert_array_equal(output_delta(A, Y, scale=1.2), (A - Y) * (1.2 / 4))
