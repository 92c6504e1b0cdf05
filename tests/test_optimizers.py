"""Optimiser steps, learning-rate schedules and gradient clipping against their formulas.

Every expected value is worked out by hand in the test on a two-parameter
problem, so a wrong sign, a missing bias correction or a velocity updated in
the wrong order shows up as a wrong number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from barenet.engine.optimizers import (
    Adam,
    GradientDescent,
    LearningRateSchedule,
    gradient_descent_step,
)
from barenet.training import clip_by_norm


@pytest.fixture
def problem():
    """Two parameters (a matrix and a vector) and two successive gradients."""
    theta = [np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.25, -0.75])]
    g1 = [np.array([[0.1, -0.3], [2.0, 0.0]]), np.array([-1.5, 0.4])]
    g2 = [np.array([[-0.2, 0.6], [1.0, 0.5]]), np.array([0.3, -0.1])]
    return theta, g1, g2


def _copies(arrays):
    return [a.copy() for a in arrays]


def _assert_untouched(arrays, originals):
    for a, b in zip(arrays, originals, strict=True):
        assert_array_equal(a, b)


# -- plain gradient descent ----------------------------------------------------------------


def test_gradient_descent_step_is_theta_minus_alpha_g(problem):
    theta, g1, _ = problem
    before, grads_before = _copies(theta), _copies(g1)
    new = gradient_descent_step(theta, g1, 0.1)
    assert_allclose(new[0], [[1.0 - 0.01, -2.0 + 0.03], [0.5 - 0.2, 3.0]], rtol=0, atol=1e-15)
    assert_allclose(new[1], [0.25 + 0.15, -0.75 - 0.04], rtol=0, atol=1e-15)
    _assert_untouched(theta, before)
    _assert_untouched(g1, grads_before)
    assert all(n is not t for n, t in zip(new, theta, strict=True))


def test_gradient_descent_without_momentum_is_the_plain_step(problem):
    theta, g1, g2 = problem
    opt = GradientDescent(theta, learning_rate=0.3, momentum=0.0)
    p1 = opt.step(theta, g1)
    p2 = opt.step(p1, g2)
    for p, t, a, b in zip(p2, theta, g1, g2, strict=True):
        assert_allclose(p, t - 0.3 * a - 0.3 * b, rtol=0, atol=1e-15)


def test_momentum_two_steps(problem):
    theta, g1, g2 = problem
    lr, mu = 0.1, 0.9
    before = _copies(theta)
    opt = GradientDescent(theta, learning_rate=lr, momentum=mu, nesterov=False)
    p1 = opt.step(theta, g1)
    p1_before = _copies(p1)
    p2 = opt.step(p1, g2)
    for i in range(2):
        v1 = -lr * g1[i]
        v2 = mu * v1 - lr * g2[i]
        assert_allclose(p1[i], theta[i] + v1, rtol=0, atol=1e-15)
        assert_allclose(p2[i], theta[i] + v1 + v2, rtol=0, atol=1e-15)
        assert_allclose(opt.velocities[i], v2, rtol=0, atol=1e-15)
    _assert_untouched(theta, before)
    _assert_untouched(p1, p1_before)


def test_nesterov_two_steps(problem):
    theta, g1, g2 = problem
    lr, mu = 0.05, 0.8
    opt = GradientDescent(theta, learning_rate=lr, momentum=mu, nesterov=True)
    p1 = opt.step(theta, g1)
    p2 = opt.step(p1, g2)
    for i in range(2):
        v1 = -lr * g1[i]
        v2 = mu * v1 - lr * g2[i]
        # The look-ahead: theta + mu v - alpha g, with v the updated velocity.
        assert_allclose(p1[i], theta[i] + mu * v1 - lr * g1[i], rtol=0, atol=1e-15)
        assert_allclose(p2[i], p1[i] + mu * v2 - lr * g2[i], rtol=0, atol=1e-15)


def test_momentum_docstring_example():
    opt = GradientDescent([np.zeros(2)], learning_rate=0.1, momentum=0.9)
    assert opt.step([np.zeros(2)], [np.ones(2)])[0].tolist() == [-0.1, -0.1]


# -- Adam ----------------------------------------------------------------------------------


def test_adam_first_two_steps_with_bias_correction(problem):
    theta, g1, g2 = problem
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    before = _copies(theta)
    opt = Adam(theta, learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    p1 = opt.step(theta, g1)
    p2 = opt.step(p1, g2)
    assert opt.t == 2
    for i in range(2):
        m1 = (1 - b1) * g1[i]
        v1 = (1 - b2) * g1[i] ** 2
        lr1 = lr * math.sqrt(1 - b2) / (1 - b1)
        expected1 = theta[i] - lr1 * m1 / (np.sqrt(v1) + eps)
        m2 = b1 * m1 + (1 - b1) * g2[i]
        v2 = b2 * v1 + (1 - b2) * g2[i] ** 2
        lr2 = lr * math.sqrt(1 - b2**2) / (1 - b1**2)
        expected2 = expected1 - lr2 * m2 / (np.sqrt(v2) + eps)
        assert_allclose(p1[i], expected1, rtol=1e-14, atol=1e-15)
        assert_allclose(p2[i], expected2, rtol=1e-14, atol=1e-15)
        assert_allclose(opt.m[i], m2, rtol=1e-14)
        assert_allclose(opt.v[i], v2, rtol=1e-14)
    _assert_untouched(theta, before)


def test_adam_first_step_moves_each_coordinate_by_about_alpha(problem):
    # With bias correction the first step is alpha * g / (|g| + eps'): about
    # alpha in the direction of -sign(g), whatever the gradient's scale.
    theta, g1, _ = problem
    p1 = Adam(theta, learning_rate=0.01).step(theta, [1e3 * g for g in g1])
    for p, t, g in zip(p1, theta, g1, strict=True):
        assert_allclose(p - t, -0.01 * np.sign(g), rtol=1e-6, atol=1e-12)


def test_optimizers_keep_float32():
    theta = [np.ones((2, 2), dtype=np.float32), np.zeros(2, dtype=np.float32)]
    grads = [np.full((2, 2), 0.5, dtype=np.float32), np.ones(2, dtype=np.float32)]
    for opt in (GradientDescent(theta, 0.1), GradientDescent(theta, 0.1, 0.9, True),
                Adam(theta, 0.1)):
        new = opt.step(opt.step(theta, grads), grads)
        assert [p.dtype for p in new] == [np.float32, np.float32]


# -- learning-rate schedules ---------------------------------------------------------------


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


# -- gradient clipping ---------------------------------------------------------------------


def test_clip_by_norm_scales_the_joint_norm_exactly():
    grads = [np.array([[3.0, 0.0], [0.0, 4.0]]), np.array([12.0])]  # joint norm 13
    before = _copies(grads)
    clipped = clip_by_norm(grads, 6.5)
    joint = math.sqrt(sum(float(np.sum(g * g)) for g in clipped))
    assert joint == pytest.approx(6.5, rel=1e-15)
    for c, g in zip(clipped, grads, strict=True):
        assert_allclose(c, 0.5 * g, rtol=1e-15)  # same direction, half the length
    _assert_untouched(grads, before)


def test_clip_by_norm_leaves_small_gradients_alone():
    grads = [np.array([0.3, -0.4]), np.array([[1.2]])]  # joint norm 1.3
    for max_norm in (1.3, 2.0, None):
        out = clip_by_norm(grads, max_norm)
        for o, g in zip(out, grads, strict=True):
            assert_array_equal(o, g)


def test_clip_by_norm_keeps_float32():
    grads = [np.full(3, 10.0, dtype=np.float32), np.ones((2, 2), dtype=np.float32)]
    clipped = clip_by_norm(grads, 1.0)
    assert [g.dtype for g in clipped] == [np.float32, np.float32]
    joint = math.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in clipped))
    assert joint == pytest.approx(1.0, rel=1e-6)
