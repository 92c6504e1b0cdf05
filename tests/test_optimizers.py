"""Optimiser steps, learning-rate schedules and gradient clipping against their formulas.

The optimisers update one flat parameter vector in place.  Every expected
value is worked out by hand in the test on a two-parameter problem (a 2x2
matrix and a vector of 2, laid end to end in one vector of 6), so a wrong
sign, a missing bias correction or a velocity updated in the wrong order
shows up as a wrong number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import peak_growth
from numpy.testing import assert_allclose, assert_array_equal

from barenet.engine.optimizers import SGD, Adam, LearningRateSchedule, clip_by_norm


@pytest.fixture
def problem():
    """Two parameters (a matrix and a vector), flattened, and two successive gradients."""
    theta = np.concatenate([np.array([[1.0, -2.0], [0.5, 3.0]]).ravel(), [0.25, -0.75]])
    g1 = np.concatenate([np.array([[0.1, -0.3], [2.0, 0.0]]).ravel(), [-1.5, 0.4]])
    g2 = np.concatenate([np.array([[-0.2, 0.6], [1.0, 0.5]]).ravel(), [0.3, -0.1]])
    return theta, g1, g2


def scaled(optimizer, g):
    """What the backward pass hands the optimiser: ``gradient_scale()`` times ``g``, a copy."""
    return g * optimizer.gradient_scale()


# -- plain gradient descent (momentum 0) --------------------------------------------------


def test_plain_step_is_theta_minus_alpha_g_in_place(problem):
    theta, g1, _ = problem
    opt = SGD(6, learning_rate=0.1)
    # The backward pass multiplies the gradient by the learning rate: it is the step.
    assert opt.gradient_scale() == 0.1
    grad = scaled(opt, g1)
    same = theta
    opt.step(theta, grad)
    assert theta is same
    assert_allclose(theta, [1.0 - 0.01, -2.0 + 0.03, 0.5 - 0.2, 3.0, 0.25 + 0.15, -0.75 - 0.04],
                    rtol=0, atol=1e-15)
    assert_allclose(grad, 0.1 * g1, rtol=0, atol=1e-16)  # the step, left as it was
    assert not opt.velocity.any()  # no momentum: the velocity is never used


def test_plain_steps_add_up(problem):
    theta, g1, g2 = problem
    start = theta.copy()
    opt = SGD(6, learning_rate=0.3, momentum=0.0)
    opt.step(theta, scaled(opt, g1))
    opt.step(theta, scaled(opt, g2))
    assert_allclose(theta, start - 0.3 * g1 - 0.3 * g2, rtol=0, atol=1e-15)


def test_a_changed_learning_rate_is_used_at_the_next_step(problem):
    # (Schedules set ``learning_rate`` between steps.)
    theta, g1, g2 = problem
    start = theta.copy()
    opt = SGD(6, learning_rate=0.3)
    opt.step(theta, scaled(opt, g1))
    opt.learning_rate = 0.05
    assert opt.gradient_scale() == 0.05
    opt.step(theta, scaled(opt, g2))
    assert_allclose(theta, start - 0.3 * g1 - 0.05 * g2, rtol=0, atol=1e-15)


# -- momentum --------------------------------------------------------------------------------


def test_momentum_two_steps(problem):
    theta, g1, g2 = problem
    lr, mu = 0.1, 0.9
    start = theta.copy()
    opt = SGD(6, learning_rate=lr, momentum=mu, nesterov=False)
    # With momentum the optimiser scales the gradient itself.
    assert opt.gradient_scale() == 1.0
    opt.step(theta, scaled(opt, g1))
    p1 = theta.copy()
    opt.step(theta, scaled(opt, g2))
    v1 = -lr * g1
    v2 = mu * v1 - lr * g2
    assert_allclose(p1, start + v1, rtol=0, atol=1e-15)
    assert_allclose(theta, start + v1 + v2, rtol=0, atol=1e-15)
    assert_allclose(opt.velocity, v2, rtol=0, atol=1e-15)


def test_nesterov_two_steps(problem):
    theta, g1, g2 = problem
    lr, mu = 0.05, 0.8
    start = theta.copy()
    opt = SGD(6, learning_rate=lr, momentum=mu, nesterov=True)
    assert opt.gradient_scale() == 1.0
    opt.step(theta, scaled(opt, g1))
    p1 = theta.copy()
    opt.step(theta, scaled(opt, g2))
    v1 = -lr * g1
    v2 = mu * v1 - lr * g2
    # The look-ahead: theta + mu v - alpha g, with v the updated velocity.
    assert_allclose(p1, start + mu * v1 - lr * g1, rtol=0, atol=1e-15)
    assert_allclose(theta, p1 + mu * v2 - lr * g2, rtol=0, atol=1e-15)
    assert_allclose(opt.velocity, v2, rtol=0, atol=1e-15)


def test_momentum_docstring_example():
    theta, opt = np.zeros(2), SGD(2, learning_rate=0.1, momentum=0.9)
    opt.step(theta, np.ones(2) * opt.gradient_scale())
    assert theta.tolist() == [-0.1, -0.1]


# -- Adam ------------------------------------------------------------------------------------


def test_adam_first_two_steps_with_bias_correction(problem):
    theta, g1, g2 = problem
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    start = theta.copy()
    opt = Adam(6, learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    assert opt.gradient_scale() == 1.0
    grad1, grad2 = scaled(opt, g1), scaled(opt, g2)
    opt.step(theta, grad1)
    p1 = theta.copy()
    opt.step(theta, grad2)
    assert opt.t == 2
    m1 = (1 - b1) * g1
    v1 = (1 - b2) * g1**2
    lr1 = lr * math.sqrt(1 - b2) / (1 - b1)
    expected1 = start - lr1 * m1 / (np.sqrt(v1) + eps)
    m2 = b1 * m1 + (1 - b1) * g2
    v2 = b2 * v1 + (1 - b2) * g2**2
    lr2 = lr * math.sqrt(1 - b2**2) / (1 - b1**2)
    expected2 = expected1 - lr2 * m2 / (np.sqrt(v2) + eps)
    assert_allclose(p1, expected1, rtol=1e-14, atol=1e-15)
    assert_allclose(theta, expected2, rtol=1e-14, atol=1e-15)
    assert_allclose(opt.m, m2, rtol=1e-14)
    assert_allclose(opt.v, v2, rtol=1e-14)
    # Adam leaves the gradient it was given as it was.
    assert_array_equal(grad1, g1)
    assert_array_equal(grad2, g2)


def test_adam_first_step_moves_each_coordinate_by_about_alpha(problem):
    # With bias correction the first step is alpha * g / (|g| + eps'): about
    # alpha in the direction of -sign(g), whatever the gradient's scale.
    theta, g1, _ = problem
    start = theta.copy()
    Adam(6, learning_rate=0.01).step(theta, 1e3 * g1)
    assert_allclose(theta - start, -0.01 * np.sign(g1), rtol=1e-6, atol=1e-12)


# -- dtype and memory ------------------------------------------------------------------------


OPTIMIZERS = {
    "sgd": lambda n, dtype: SGD(n, 0.1, dtype=dtype),
    "momentum": lambda n, dtype: SGD(n, 0.1, 0.9, False, dtype),
    "nesterov": lambda n, dtype: SGD(n, 0.1, 0.9, True, dtype),
    "adam": lambda n, dtype: Adam(n, 0.1, dtype=dtype),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_stays_float32(name, problem):
    theta64, g1, g2 = problem
    theta = theta64.astype(np.float32)
    same = theta
    opt = OPTIMIZERS[name](6, np.float32)
    for g in (g1, g2):
        opt.step(theta, scaled(opt, g).astype(np.float32))
    assert theta is same and theta.dtype == np.float32
    # The state is laid out like theta, in theta's dtype.
    state = [opt.velocity] if isinstance(opt, SGD) else [opt.m, opt.v]
    for s in state:
        assert s.dtype == np.float32 and s.shape == theta.shape
    # And the float32 steps compute what the float64 ones do, to float32 precision.
    ref = OPTIMIZERS[name](6, np.float64)
    for g in (g1, g2):
        ref.step(theta64, scaled(ref, g))
    assert_allclose(theta, theta64, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_steps_allocate_no_array_of_the_parameters_size(name, dtype):
    n = 10_000
    rng = np.random.RandomState(0)
    theta = rng.randn(n).astype(dtype)
    grad = rng.randn(n).astype(dtype)
    opt = OPTIMIZERS[name](n, dtype)
    vector = theta.nbytes

    def steps():
        for _ in range(100):
            opt.step(theta, grad)

    # The measure sees NumPy's arrays: one step written the allocating way shows.
    assert peak_growth(lambda: theta - grad) >= vector
    assert peak_growth(steps) < vector / 10
    assert np.all(np.isfinite(theta))


# -- learning-rate schedules -----------------------------------------------------------------


def test_constant_schedule():
    schedule = LearningRateSchedule("constant", 0.3)
    assert [schedule.at(t) for t in (0, 1, 1000)] == [0.3, 0.3, 0.3]
    assert schedule.on_plateau() is False
    assert schedule.at(5000) == 0.3


@pytest.mark.parametrize("power_t", [0.5, 0.25, 1.0])
def test_invscaling_schedule(power_t):
    schedule = LearningRateSchedule("invscaling", 0.2, power_t=power_t)
    for t in (0, 1, 9, 199, 10_000):
        assert schedule.at(t) == pytest.approx(0.2 / (t + 1) ** power_t, rel=1e-15)
    assert schedule.at(0) == 0.2
    assert schedule.on_plateau() is False


def test_adaptive_schedule_divides_by_five_until_below_one_millionth():
    schedule = LearningRateSchedule("adaptive", 1e-3)
    rates = [schedule.at(0)]
    while schedule.on_plateau():
        rates.append(schedule.at(123))
        assert len(rates) < 100
    # 1e-3 -> 2e-4 -> 4e-5 -> 8e-6 -> 1.6e-6 -> 3.2e-7, then it stops.
    assert_allclose(rates, [1e-3 / 5**k for k in range(6)], rtol=1e-12)
    assert rates[-2] > 1e-6 >= rates[-1]
    assert schedule.on_plateau() is False
    assert schedule.at(0) == rates[-1]


def test_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="invscaling"):
        LearningRateSchedule("cosine", 0.1)


# -- gradient clipping -----------------------------------------------------------------------


def test_clip_by_norm_scales_the_joint_norm_exactly_in_place():
    # A 2x2 matrix and a vector of 1, flattened: joint norm 13.
    grad = np.concatenate([np.array([[3.0, 0.0], [0.0, 4.0]]).ravel(), [12.0]])
    original = grad.copy()
    same = grad
    assert clip_by_norm(grad, 6.5) is None
    assert grad is same
    assert math.sqrt(float(np.sum(grad * grad))) == pytest.approx(6.5, rel=1e-15)
    assert_allclose(grad, 0.5 * original, rtol=1e-15)  # same direction, half the length


def test_clip_by_norm_leaves_small_gradients_alone():
    original = np.concatenate([[0.3, -0.4], np.array([[1.2]]).ravel()])  # joint norm 1.3
    for max_norm in (1.3, 2.0, None):
        grad = original.copy()
        clip_by_norm(grad, max_norm)
        assert_array_equal(grad, original)


def test_clip_by_norm_none_is_no_limit():
    grad = np.full(5, 1e300)
    clip_by_norm(grad, None)
    assert_array_equal(grad, np.full(5, 1e300))


def test_clip_by_norm_keeps_float32():
    grad = np.concatenate([np.full(3, 10.0), np.ones(4)]).astype(np.float32)
    same = grad
    clip_by_norm(grad, 1.0)
    assert grad is same and grad.dtype == np.float32
    assert math.sqrt(float(np.sum(grad.astype(np.float64) ** 2))) == pytest.approx(1.0, rel=1e-6)


def test_adam_in_chunks_is_adam_on_whole_vectors_bit_for_bit():
    # Longer than a chunk, and not a multiple of one: the formulas on whole vectors.
    from barenet.engine.optimizers import ADAM_CHUNK

    n, rng = 2 * ADAM_CHUNK + 123, np.random.default_rng(0)
    theta, opt = rng.standard_normal(n), Adam(n, learning_rate=0.01)
    want, m, v = theta.copy(), np.zeros(n), np.zeros(n)
    for t in range(1, 4):
        g = rng.standard_normal(n)
        opt.step(theta, g)
        m = 0.9 * m + (1 - 0.9) * g
        v = 0.999 * v + (1 - 0.999) * (g * g)
        lr = 0.01 * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        want -= (m / (np.sqrt(v) + 1e-8)) * lr
        assert_array_equal(theta, want)
    assert opt._scratch.size == ADAM_CHUNK  # one chunk of scratch, not a copy of theta
