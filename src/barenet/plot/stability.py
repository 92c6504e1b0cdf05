"""The edge of stability drawn: the cost's spikes beside the sharpness that causes them.

:func:`plot_stability` puts the article's cost at every iteration, at two
learning rates, above the sharpness (the largest eigenvalue of the cost's
Hessian, :mod:`barenet.stability`) against ``2 / alpha``.  A curve with more
points than the axes have pixel columns is drawn as its
:func:`~barenet.plot.curves.envelope`, the
lowest and highest value in each column, rather than as a line that would
alias (spikes every 56 iterations drawn through 5000 points at 700 pixels show
as a random comb).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import datasets, stability
from .boundary import CMAP
from .curves import draw_curve

Array = np.ndarray

__all__ = ["plot_stability"]

# Colours by position in the learning rates: the unstable first (red), then blue, ...
COLOURS = (CMAP(0.08), CMAP(0.9), CMAP(0.75), CMAP(0.3))


def _curves(X: Array | None, Y: Array | None, learning_rates: Sequence[float], n_h: int,
            num_iterations: int, seed: int, every: int) -> tuple[dict, dict]:
    """Costs and sharpness curves by learning rate, computed."""
    if X is None or Y is None:
        data, labels = datasets.gaussian_quantiles()
        X, Y = data.T, labels.reshape(1, -1)
    costs, sharpness = {}, {}
    for alpha in learning_rates:
        curve, iterations, values = stability.stability_curves(
            X, Y, n_h, num_iterations, alpha, seed, every)
        costs[alpha], sharpness[alpha] = curve, (iterations, values)
    return costs, sharpness


def _draw_costs(ax: Axes, costs: Mapping[float, Array], spike_height: float) -> dict:
    """The cost panel; returns the first spike's iteration by learning rate (or None)."""
    first = {}
    for k, (alpha, curve) in enumerate(costs.items()):
        curve = np.asarray(curve, dtype=float)
        draw_curve(ax, np.arange(curve.size), curve, color=COLOURS[k % len(COLOURS)],
                   label=f"α = {alpha:g}")
        peaks = stability.spikes(curve, spike_height)
        first[alpha] = int(peaks[0]) if peaks.size else None
    ax.set_ylabel("cost J")
    ax.set_title("Cost at every iteration: the larger step makes it spike again and again")
    ax.legend(loc="upper right")
    return first


def _zoom(ax: Axes, curve: Array, peak: int, colour: tuple) -> None:
    """An inset of the cost around ``peak``, at every iteration."""
    window = np.arange(max(0, peak - 15), min(curve.size, peak + 16))
    inset = ax.inset_axes((0.5, 0.42, 0.28, 0.4))
    inset.plot(window, curve[window], ".-", color=colour, linewidth=0.6, markersize=4)
    # NOTE: the period 2 is in the weights (successive steps point opposite
    # ways along the sharpest direction); the cost itself climbs and falls back.
    inset.set_title("zoom: one spike, at every iteration", fontsize="small")
    inset.tick_params(labelsize="x-small")
    inset.grid(alpha=0.3)
    ax.indicate_inset_zoom(inset, edgecolor="0.4")


def _draw_sharpness(ax: Axes, sharpness: Mapping[float, tuple[Array, Array]]) -> None:
    """The sharpness panel: each curve, its ``2 / alpha`` line, its first crossing."""
    for k, (alpha, (iterations, values)) in enumerate(sharpness.items()):
        colour = COLOURS[k % len(COLOURS)]
        # (Dots, not only a line: sampled every few iterations, a curve that
        # rises and drops within a spike would show as a false zigzag.)
        ax.plot(iterations, values, ".-", color=colour, linewidth=0.4, markersize=3,
                label=f"α = {alpha:g}: largest Hessian eigenvalue")
        ax.axhline(2 / alpha, color=colour, linestyle="--", linewidth=1.0,
                   label=f"2/α = {2 / alpha:.3g}: beyond it, steps overshoot along that direction")
        crossing = stability.first_crossing(iterations, values, alpha)
        if crossing is not None:
            ax.plot([crossing], [np.interp(crossing, iterations, values)], "o", color=colour,
                    label=f"passes 2/α at iteration {crossing}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("largest Hessian eigenvalue")
    ax.set_title("Sharpness: it climbs to 2/α, then hovers around it")
    ax.legend(loc="upper left", fontsize="small")


def plot_stability(costs: Mapping[float, Array] | None = None,
                   sharpness: Mapping[float, tuple[Array, Array]] | None = None, *,
                   X: Array | None = None, Y: Array | None = None,
                   learning_rates: Sequence[float] = (1.2, 0.5), n_h: int = 4,
                   num_iterations: int = 5000, seed: int = 2, every: int = 20,
                   spike_height: float = 0.1) -> Figure:
    """The cost's spikes above the sharpness: gradient descent at the edge of stability.

    Top: the cost ``J`` at every iteration for each learning rate (an
    envelope where the iterations outnumber the pixels, :func:`draw_curve`).
    Bottom: the sharpness ``lambda_max(H)`` along training with its
    ``2 / alpha`` line, along which a step of ``alpha`` overshoots once
    ``lambda_max > 2 / alpha``; the first spike
    (:func:`barenet.stability.spikes`) is marked on both.

    Parameters
    ----------
    costs : mapping of float to ndarray, optional
        Learning rate -> cost at every iteration
        (:func:`barenet.stability.cost_curve`).  Computed if omitted.
    sharpness : mapping of float to (ndarray, ndarray), optional
        Learning rate -> ``(iterations, eigenvalues)``
        (:func:`barenet.stability.sharpness_curve`).  Computed if omitted.
    X : ndarray of shape (n_x, m), optional
        Data to train on when computing; by default the article's
        :func:`barenet.datasets.gaussian_quantiles`.
    Y : ndarray of shape (1, m), optional
    learning_rates : sequence of float, default (1.2, 0.5)
        When computing: the rates to compare, the unstable one first.
    n_h, num_iterations, seed, every : int
        When computing: as in :func:`barenet.stability.stability_curves`.
    spike_height : float, default 0.1
        How far above its running low the cost must rise to count as a spike.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from barenet import datasets
    >>> from barenet.plot import plot_stability
    >>> X, y = datasets.gaussian_quantiles(n_samples=40)
    >>> fig = plot_stability(X=X.T, Y=y.reshape(1, -1), learning_rates=(1.2, 0.5),
    ...                      num_iterations=100, every=50)
    >>> len(fig.axes)  # cost above, sharpness below
    2
    """
    if costs is None or sharpness is None:
        computed = _curves(X, Y, learning_rates, n_h, num_iterations, seed, every)
        costs = computed[0] if costs is None else costs
        sharpness = computed[1] if sharpness is None else sharpness
    fig = Figure(figsize=(9.0, 7.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    first = _draw_costs(top, costs, spike_height)
    _draw_sharpness(bottom, sharpness)
    spiking = [(alpha, i) for alpha, i in first.items() if i is not None]
    if spiking:
        alpha, i = spiking[0]
        for ax in (top, bottom):
            ax.axvline(i, color="0.35", linestyle=":", linewidth=1.0)
        top.annotate(f"first spike, α = {alpha:g}\n(iteration {i})", (i, 1), xytext=(4, -4),
                     xycoords=("data", "axes fraction"), textcoords="offset points",
                     va="top", fontsize="small")
        colour = COLOURS[list(costs).index(alpha) % len(COLOURS)]
        _zoom(top, np.asarray(costs[alpha], dtype=float), i, colour)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    fig.suptitle("Edge of stability: the cost spikes once the sharpness passes 2/α")
    return fig
