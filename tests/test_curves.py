"""Cost curves are drawn at every point: lines where there is room, envelopes where not."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from barenet import datasets, plot
from barenet.plot.animation import Frame


def _spiky(n):
    # A period-2 comb every 60 steps, the shape of the article's cost at 1.2:
    # sampled every 10th point it would look random, or vanish.
    costs = 0.1 + 0.5 * np.exp(-np.arange(n) / 300)
    costs[1300::60] += 0.3
    return costs


def test_a_dense_cost_curve_keeps_every_spike():
    costs = _spiky(5000)
    fig = plot.plot_cost(costs)
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1 and not ax.lines  # an envelope, no aliased line
    top = bands[0].get_paths()[0].vertices[:, 1]
    assert top.max() == pytest.approx(costs.max()) and top.min() == pytest.approx(costs.min())


def test_a_short_cost_curve_is_a_line_through_every_point():
    costs = _spiky(300)
    ax = plot.plot_cost(costs).axes[0]
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_ydata(), costs)


def test_the_animation_draws_the_whole_curve_it_is_given(tmp_path):
    X, y = datasets.gaussian_quantiles(n_samples=40)
    frames = [Frame(step, lambda P: np.full(len(P), 0.5), float(0.7 - step / 1e4))
              for step in (0, 2500, 4999)]
    path = plot.write_animation(frames, X, y, tmp_path / "a.gif", resolution=10,
                                curve=(np.arange(5000), _spiky(5000)))
    assert path.stat().st_size > 0
    with pytest.raises(ValueError, match="two 1-D sequences of one length"):
        plot.write_animation(frames, X, y, tmp_path / "b.gif", resolution=10,
                             curve=(np.arange(10), np.zeros(9)))
