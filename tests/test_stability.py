"""The edge of stability: Hessian-vector products, the sharpness, and the article's spikes.

Every eigenvalue here is checked against ``numpy.linalg.eigvalsh`` of a
full Hessian built column by column from the course's own gradient
(``forward_propagation`` + ``backward_propagation``), not from the code
under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from barenet import datasets, shallow, stability
from barenet.plot.curves import draw_curve, envelope
from barenet.plot.stability import plot_stability

NAMES = ("W1", "b1", "W2", "b2")


def _data(n_samples: int = 200):
    X, y = datasets.gaussian_quantiles(n_samples=n_samples)
    return X.T, y.reshape(1, -1)


def _course_gradient(theta, like, X, Y):
    parameters = stability.unflatten(theta, like)
    _, cache = shallow.forward_propagation(X, parameters)
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    return stability.flatten({name: grads["d" + name] for name in NAMES})  # theta's layout


def _numerical_hessian(parameters, X, Y, h=1e-5):
    """The 17 x 17 Hessian, column j the central difference of the gradient along e_j."""
    theta = stability.flatten(parameters)
    columns = []
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        columns.append((_course_gradient(theta + e, parameters, X, Y)
                        - _course_gradient(theta - e, parameters, X, Y)) / (2 * h))
    H = np.column_stack(columns)
    assert np.abs(H - H.T).max() < 1e-7 * max(1.0, np.abs(H).max())   # a Hessian is symmetric
    return (H + H.T) / 2


@pytest.fixture(scope="module")
def article():
    """The article's run at both learning rates: costs, and the sharpness along training."""
    X, Y = _data()
    costs, iterations, sharpness = stability.stability_curves(X, Y)           # alpha = 1.2
    slow = stability.cost_curve(X, Y, learning_rate=0.5)
    slow_iterations, slow_sharpness = stability.sharpness_curve(X, Y, learning_rate=0.5,
                                                                every=250)
    return {"costs": costs, "iterations": iterations, "sharpness": sharpness,
            "slow": slow, "slow_iterations": slow_iterations, "slow_sharpness": slow_sharpness}


# ------------------------------------------------------------------ the maths


def test_flatten_lays_out_the_engines_theta_and_unflatten_inverts_it():
    # [W1 | b1] row by row, then [W2 | b2]: the network's own vector.
    p = shallow.initialize_parameters(2, 4, 1)
    p["b1"] = np.arange(4.0).reshape(4, 1)
    theta = stability.flatten(p)
    assert theta.shape == (17,)
    np.testing.assert_array_equal(theta[:12].reshape(4, 3), np.hstack([p["W1"], p["b1"]]))
    np.testing.assert_array_equal(theta[12:], np.hstack([p["W2"], p["b2"]]).ravel())
    back = stability.unflatten(theta, p)
    for name in NAMES:
        np.testing.assert_array_equal(back[name], p[name])
    with pytest.raises(ValueError, match="flatten"):
        stability.unflatten(theta[:-1], p)


@pytest.mark.parametrize("iterations", [0, 1500])
def test_the_fast_gradient_is_the_course_gradient(iterations):
    X, Y = _data()
    p = shallow.nn_model(X, Y, 4, iterations)
    theta = stability.flatten(p)
    np.testing.assert_allclose(stability.gradient_function(p, X, Y)(theta),
                               _course_gradient(theta, p, X, Y), rtol=1e-12, atol=1e-15)


def test_hessian_vector_product_is_the_numerical_hessian_times_v():
    X, Y = _data(40)
    rng = np.random.default_rng(3)
    for p in (shallow.nn_model(X, Y, 4, 300),
              stability.unflatten(rng.standard_normal(17), shallow.initialize_parameters(2, 4, 1))):
        H = _numerical_hessian(p, X, Y)
        for scale in (1e-3, 1.0, 1e3):
            v = scale * rng.standard_normal(17)
            Hv = stability.hessian_vector_product(p, X, Y, v)
            assert np.linalg.norm(Hv - H @ v) <= 1e-6 * np.linalg.norm(H @ v)
        np.testing.assert_array_equal(stability.hessian_vector_product(p, X, Y, np.zeros(17)), 0)
    with pytest.raises(ValueError, match="17 parameters"):
        stability.hessian_vector_product(p, X, Y, np.ones(16))


@pytest.mark.parametrize("iterations", [0, 1280, 3000])
def test_sharpness_is_the_largest_eigenvalue_of_the_hessian(iterations):
    X, Y = _data()
    p = shallow.nn_model(X, Y, 4, iterations)
    expected = np.linalg.eigvalsh(_numerical_hessian(p, X, Y)).max()
    assert stability.sharpness(p, X, Y) == pytest.approx(expected, rel=1e-4)


def test_sharpness_is_the_largest_not_the_largest_magnitude_eigenvalue():
    # Dead-flat first layer, hidden units biased to where tanh bends most,
    # large output weights: the cost curves down far more than up.
    X, Y = _data()
    p = {"W1": np.zeros((4, 2)), "b1": np.full((4, 1), 0.66), "W2": np.full((1, 4), 3.0),
         "b2": np.array([[-3.0]])}
    eigenvalues = np.linalg.eigvalsh(_numerical_hessian(p, X, Y))
    assert eigenvalues.min() < -2 * eigenvalues.max() < 0
    for seed in range(3):
        assert stability.sharpness(p, X, Y, seed=seed) == pytest.approx(eigenvalues.max(),
                                                                        rel=1e-4)


def test_largest_eigenvalue_of_known_matrices():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    start = rng.standard_normal(6)
    for spectrum, largest in (([-5.0, 2.0, 1.5, 0.3, -1.0, 0.0], 2.0),    # |-5| dominates
                              ([-5.0, -3.0, -1.0, -2.0, -4.0, -1.5], -1.0),  # all negative
                              ([3.0, 1.0, 0.5, -0.5, -2.0, 0.1], 3.0)):
        A = Q @ np.diag(spectrum) @ Q.T
        value, vector = stability.largest_eigenvalue(lambda v, A=A: A @ v, start)
        assert value == pytest.approx(largest, rel=1e-6)
        np.testing.assert_allclose(A @ vector, largest * vector, atol=1e-3)
    with pytest.raises(ValueError, match="zero vector"):
        stability.largest_eigenvalue(lambda v: v, np.zeros(3))


def test_cost_curve_is_the_course_cost_at_every_iteration():
    X, Y = _data()
    costs = stability.cost_curve(X, Y, num_iterations=30)
    p = shallow.initialize_parameters(2, 4, 1)
    for i in range(30):
        A2, cache = shallow.forward_propagation(X, p)
        assert costs[i] == pytest.approx(shallow.compute_cost(A2, Y), rel=1e-12)
        p = shallow.update_parameters(p, shallow.backward_propagation(p, cache, X, Y), 1.2)


def test_spikes_finds_the_peaks_of_rises_above_the_running_low():
    costs = np.array([1.0, 0.8, 0.5, 0.7, 0.4, 0.3, 0.3, 0.6, 0.55, 0.2, 0.1, 0.15])
    np.testing.assert_array_equal(stability.spikes(costs, height=0.1), [3, 7])
    assert stability.spikes(np.linspace(1, 0, 50)).size == 0
    assert stability.first_crossing([0, 10, 20], [1.0, 1.7, 1.6], 1.2) == 10
    assert stability.first_crossing([0, 10], [1.0, 1.6], 1.2) is None


# ------------------------------------------------------------ the article's run


def test_the_cost_spikes_with_period_two_at_learning_rate_1_2(article):
    costs = article["costs"]
    peaks = stability.spikes(costs, height=0.1)
    assert 1200 < peaks[0] < 1400                # the first, after a smooth descent
    assert np.all(np.diff(costs[:1200]) <= 0)    # no step raised the cost before
    assert len(peaks) >= 40                      # and then again and again,
    assert 40 <= np.median(np.diff(peaks)) <= 80  # about every 60 iterations
    assert costs[peaks].max() > 0.3
    for peak in peaks:
        # Period 2: the curvature (second difference) flips sign from one
        # iteration to the next around the peak, where a smooth curve keeps it.
        signs = np.sign(np.diff(costs[peak - 6:peak + 7], 2))
        assert np.count_nonzero(signs[1:] != signs[:-1]) >= 5, f"spike at {peak}"


def test_no_spikes_at_learning_rate_0_5(article):
    slow = article["slow"]
    assert stability.spikes(slow, height=0.1).size == 0
    assert np.all(np.diff(slow) < 0)             # every single step lowers the cost
    assert article["slow_sharpness"].max() < 2 / 0.5


def test_the_sharpness_crosses_two_over_alpha_before_the_first_spike(article):
    iterations, sharpness = article["iterations"], article["sharpness"]
    threshold = 2 / 1.2
    crossing = stability.first_crossing(iterations, sharpness, 1.2)
    first_spike = stability.spikes(article["costs"])[0]
    assert sharpness[0] == pytest.approx(0.25, abs=0.01)
    assert crossing is not None and crossing < first_spike
    assert sharpness[iterations < first_spike].max() > 1.9   # overshoot before the spike
    after = sharpness[iterations > first_spike]
    # Afterwards it hovers at the edge: never far below, on average just above.
    assert threshold - 0.1 < after.mean() < threshold + 0.15
    assert after.min() > 1.2 and after.max() < 2.6


# ------------------------------------------------------------------ the figure


def test_envelope_keeps_every_extreme_of_a_dense_curve():
    x = np.arange(5000)
    y = np.where(x % 2 == 0, 1.0, -1.0) * (1 + x / 5000)     # a period-2 zigzag
    centres, low, high = envelope(x, y, 700)
    assert centres.size == 700 and np.all(np.diff(centres) > 0)
    np.testing.assert_array_less(low, -0.99)
    np.testing.assert_array_less(0.99, high)
    assert low.min() == y.min() and high.max() == y.max()
    centres, low, high = envelope(x[:10], y[:10], 100)         # sparse: each point alone
    assert centres.size == 10
    np.testing.assert_array_equal(low, y[:10])
    with pytest.raises(ValueError, match="columns"):
        envelope(x, y, 0)


def _cost_artist(ax, label):
    return [a for a in (*ax.lines, *ax.collections) if a.get_label() == label]


def test_the_figure_shows_both_panels_and_the_edge(article):
    costs = {1.2: article["costs"], 0.5: article["slow"]}
    sharpness = {1.2: (article["iterations"], article["sharpness"])}
    fig = plot_stability(costs, sharpness)
    top, bottom = fig.axes
    assert bottom.get_ylabel() == "largest Hessian eigenvalue"
    edges = [line for line in bottom.lines
             if np.allclose(line.get_ydata(), 1 / 0.6) and "2/α" in line.get_label()]
    assert len(edges) == 1
    # 5000 iterations on a few hundred pixels: an envelope with every extreme.
    for alpha, curve in costs.items():
        (band,) = _cost_artist(top, f"α = {alpha:g}")
        assert isinstance(band, PolyCollection)
        y = band.get_paths()[0].vertices[:, 1]
        assert y.min() == pytest.approx(curve.min()) and y.max() == pytest.approx(curve.max())
    assert top.child_axes                     # the zoom on the first spike
    first_spike = stability.spikes(article["costs"])[0]
    assert any(np.allclose(line.get_xdata(), first_spike) for line in top.lines)


def test_a_short_run_is_drawn_one_point_per_iteration():
    X, Y = _data()
    fig = plot_stability(X=X, Y=Y, num_iterations=300, every=50)
    top, bottom = fig.axes
    for alpha in (1.2, 0.5):
        (line,) = _cost_artist(top, f"α = {alpha:g}")
        np.testing.assert_array_equal(line.get_xdata(), np.arange(300))
        np.testing.assert_allclose(line.get_ydata(),
                                   stability.cost_curve(X, Y, num_iterations=300,
                                                        learning_rate=alpha))
    assert any(np.allclose(line.get_ydata(), 2 / 0.5) for line in bottom.lines)


def test_draw_curve_switches_to_an_envelope_past_the_pixel_width():
    fig = plot_stability({1.2: np.linspace(1, 0, 10)}, {1.2: (np.arange(2), np.ones(2))})
    ax = fig.axes[0]
    width = int(ax.get_window_extent().width)
    draw_curve(ax, np.arange(width), np.zeros(width), label="narrow")
    draw_curve(ax, np.arange(width + 1), np.zeros(width + 1), label="wide")
    assert len(_cost_artist(ax, "narrow")[0].get_xdata()) == width
    assert isinstance(_cost_artist(ax, "wide")[0], PolyCollection)
