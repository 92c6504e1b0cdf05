"""Figures of a hidden-size sweep: one boundary per model, and accuracy against size.

:func:`plot_sweep` draws the decision boundary of every model of the
article's sweep side by side; :func:`plot_sweep_scores` draws the training
and validation accuracy of :func:`barenet.sweep.run_sweep` (or the training
and held-out accuracy of the demo's sweep) against the hidden size, where
overfitting shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from .boundary import Predict, _check_data, _draw_boundary, _evaluate, _grid

__all__ = ["SweepEntry", "plot_sweep", "plot_sweep_scores"]


class SweepEntry(NamedTuple):
    """One trained model of a hidden-size sweep, as drawn by :func:`plot_sweep`.

    Attributes
    ----------
    n_h : int
        Number of hidden units.
    predict : callable
        Maps an array of shape ``(n, 2)`` to ``n`` labels or scores.
    accuracy : float
        Training accuracy in percent (0-100).
    heldout_accuracy : float or None
        Accuracy on held-out data in percent, or ``None`` when there is none.

    Examples
    --------
    >>> entry = SweepEntry(4, lambda P: P[:, 0] > 0, accuracy=91.5)
    >>> entry.n_h, entry.heldout_accuracy
    (4, None)
    """

    n_h: int
    predict: Predict
    accuracy: float
    heldout_accuracy: float | None = None


def _as_entry(item: Any) -> SweepEntry:
    if all(hasattr(item, a) for a in ("n_h", "predict", "accuracy")):
        return SweepEntry(
            item.n_h, item.predict, item.accuracy, getattr(item, "heldout_accuracy", None)
        )
    if isinstance(item, (tuple, list)) and len(item) in (3, 4):
        return SweepEntry(*item)
    raise ValueError(
        "each sweep result must be a SweepEntry, an object with n_h, predict and accuracy "
        f"attributes, or a tuple (n_h, predict, accuracy[, heldout_accuracy]); got {item!r}."
    )


def _sweep_title(entry: SweepEntry) -> str:
    """Subplot title, e.g. ``"Hidden size 4: 91.5% (held-out 88.0%)"``."""
    text = f"Hidden size {entry.n_h}: {entry.accuracy:.1f}%"
    if entry.heldout_accuracy is not None:
        text += f" (held-out {entry.heldout_accuracy:.1f}%)"
    return text


def plot_sweep(
    results: Sequence[Any],
    X: Any,
    y: Any,
    *,
    ncols: int = 4,
    title: str | None = None,
    margin: float = 1.0,
    resolution: int = 200,
    panel_size: float = 3.5,
) -> Figure:
    """Decision boundaries of a hidden-size sweep, one subplot per model.

    Parameters
    ----------
    results : sequence
        One entry per model, in display order. Each entry is a
        :class:`SweepEntry`, any object with attributes ``n_h``, ``predict``,
        ``accuracy`` (and optionally ``heldout_accuracy``), or a plain tuple
        ``(n_h, predict, accuracy)`` or ``(n_h, predict, accuracy, heldout_accuracy)``.
        Accuracies are percentages (0-100).
    X : array_like, shape (n_samples, 2)
        Points drawn in every subplot (usually the training data).
    y : array_like, shape (n_samples,)
        Class labels.
    ncols : int, default 4
        Subplots per row.
    title : str, optional
        Title above the whole grid.
    margin, resolution
        As in :func:`barenet.plot.figures.plot_decision_boundary`.
    panel_size : float, default 3.5
        Width and height of each subplot in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from barenet import datasets
    >>> from barenet.plot import SweepEntry, plot_sweep
    >>> X, y = datasets.xor(n_samples=40)
    >>> results = [SweepEntry(1, lambda P: P[:, 0] > 0, accuracy=55.0),
    ...            (2, lambda P: P[:, 0] * P[:, 1] > 0, 97.5, 95.0)]  # a tuple works too
    >>> fig = plot_sweep(results, X, y, ncols=2, resolution=20)
    >>> [ax.get_title() != "" for ax in fig.axes[:2]]
    [True, True]
    """
    entries = [_as_entry(item) for item in results]
    if not entries:
        raise ValueError("results is empty; pass at least one trained model to plot.")
    if isinstance(ncols, bool) or int(ncols) != ncols or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got {ncols!r}.")
    X, y = _check_data(X, y)
    xx, yy, grid = _grid(X, margin, resolution)
    ncols = min(int(ncols), len(entries))
    nrows = math.ceil(len(entries) / ncols)
    fig = Figure(figsize=(panel_size * ncols, panel_size * nrows), layout="constrained")
    for i, entry in enumerate(entries):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        _draw_boundary(ax, _evaluate(entry.predict, grid), xx, yy, X, y, None)
        ax.set_title(_sweep_title(entry), fontsize="medium")
    if title:
        fig.suptitle(title)
    return fig


def _scores(row: Any) -> tuple[tuple, int, tuple[float, float], tuple[float, float]]:
    """(setting, hidden size, (train mean, std), (held-out mean, std)) of a row of either sweep."""
    setting = tuple(getattr(row, name, None) for name in ("learning_rate", "alpha", "activation"))
    hidden = row.hidden if hasattr(row, "hidden") else row.n_h
    heldout = ((row.val_mean, row.val_std) if hasattr(row, "val_mean")
               else (row.heldout_mean, row.heldout_std))
    return setting, hidden, (row.train_mean, row.train_std), heldout


def plot_sweep_scores(rows: Sequence[Any], *, title: str | None = None,
                      errorbars: bool = False) -> Figure:
    """Training and held-out accuracy against hidden size: where overfitting begins.

    Parameters
    ----------
    rows : sequence
        Either rows of :func:`barenet.sweep.run_sweep`: objects with
        ``hidden``, ``learning_rate``, ``alpha``, ``activation``,
        ``train_mean``, ``train_std``, ``val_mean``, ``val_std``, one pair of
        lines per (learning rate, alpha, activation); or the rows of
        ``barenet demo``'s sweep (``DemoResult.sweep``): ``n_h``,
        ``train_mean``, ``train_std``, ``heldout_mean``, ``heldout_std``.
        Accuracy in percent.
    title : str, optional
        Axes title; default "Training vs validation accuracy" (or "held-out").
    errorbars : bool, default False
        Draw each standard deviation as an error bar (training and held-out
        set slightly apart) rather than as a shaded band.

    Returns
    -------
    Figure
        Training accuracy dashed, validation (held-out) accuracy solid, each
        ± one standard deviation over folds and seeds; hidden size on a log
        axis.

    Examples
    --------
    >>> from barenet.plot import plot_sweep_scores
    >>> from barenet.sweep import SweepRow
    >>> rows = [SweepRow(hidden=h, learning_rate=1.2, alpha=0.0, activation="tanh",
    ...                  train_mean=t, train_std=1.0, val_mean=v, val_std=2.0, fit_seconds=0.05)
    ...         for h, t, v in [(1, 70.0, 68.0), (4, 91.0, 89.5), (20, 99.0, 86.0)]]
    >>> fig = plot_sweep_scores(rows, errorbars=True)
    >>> type(fig.axes[0]).__name__
    'Axes'
    """
    scores = [_scores(row) for row in rows]
    if not scores:
        raise ValueError("rows is empty: run a sweep first")
    heldout = "held-out" if not hasattr(rows[0], "val_mean") else "validation"
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    series: dict[tuple, list[tuple]] = {}
    for setting, *values in scores:
        series.setdefault(setting, []).append(tuple(values))
    colors = colormaps["tab10"]
    for i, (key, group) in enumerate(sorted(series.items(), key=lambda kv: kv[0])):
        group.sort(key=lambda values: values[0])
        h = np.array([values[0] for values in group], dtype=float)
        label = f"lr {key[0]:g}, alpha {key[1]:g}, {key[2]}" if len(series) > 1 else None
        for j, (style, name, shift) in enumerate((("--", "train", 0.96),
                                                  ("-", heldout, 1.04))):
            m, s = (np.array([values[1 + j][c] for values in group]) for c in (0, 1))
            color = colors((2 * i + j) % 10 if len(series) == 1 else i % 10)
            name += f" ({label})" if label else ""
            if errorbars:
                ax.errorbar(h * shift, m, yerr=s, fmt=style, marker="o", color=color,
                            capsize=3, label=name)
            else:
                ax.plot(h, m, style, marker="o", color=color, label=name)
                ax.fill_between(h, m - s, m + s, color=color, alpha=0.12)
    ax.set_xscale("log")
    hidden = sorted({hidden for _, hidden, _, _ in scores})
    ax.set_xticks(hidden, [str(v) for v in hidden])
    ax.set_xlabel("hidden units")
    ax.set_ylabel("accuracy (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(title or f"Training vs {heldout} accuracy")
    return fig
