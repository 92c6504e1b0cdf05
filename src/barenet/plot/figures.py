"""Figures for 2-D two-class toy problems: data, decision boundaries, cost curves.

Everything here builds :class:`matplotlib.figure.Figure` objects directly (the
object-oriented API) and never touches ``matplotlib.pyplot``, so importing this
module does not change the backend or open windows. Write a figure to disk
with :func:`save_figure`, or show it in a notebook by leaving it as the last
expression of a cell.

Data layout is **rows = samples**: ``X`` has shape ``(n_samples, 2)`` and ``y``
has shape ``(n_samples,)``. Colours follow the Spectral colormap, so with two
classes the first (e.g. 0) is red and the second (e.g. 1) is blue, both for the
points and for the filled decision regions behind them.

Typical use::

    fig = plot_decision_boundary(model.predict, X, y, title="Hidden size 4")
    save_figure(fig, "figures/boundary.png")
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from .._files import atomic_write

__all__ = [
    "SweepEntry",
    "plot_cost",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_sweep",
    "plot_sweep_scores",
    "save_figure",
]

CMAP = colormaps["Spectral"]
REGION_ALPHA = 0.45  # light regions, so points of the same class still stand out
POINT_STYLE = {"s": 40, "edgecolors": "#222222", "linewidths": 0.6}

Predict = Callable[[np.ndarray], Any]


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
    """

    n_h: int
    predict: Predict
    accuracy: float
    heldout_accuracy: float | None = None


# --------------------------------------------------------------------------- checks


def _check_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return ``X`` as a finite float array ``(n, 2)`` and ``y`` as ``(n,)``."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X must be a numeric array of shape (n_samples, 2): {exc}") from None
    if X.size == 0:
        raise ValueError("X is empty; at least one sample is needed to draw a plot.")
    if X.ndim != 2 or X.shape[1] != 2:
        hint = ""
        if X.ndim == 2 and X.shape[0] == 2:
            hint = " It looks like one sample per column; pass X.T instead."
        raise ValueError(
            f"X must have shape (n_samples, 2), one sample per row; got shape {X.shape}.{hint}"
        )
    y = np.asarray(y)
    if y.ndim == 2 and 1 in y.shape:  # accept (1, n) and (n, 1) label vectors
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must have shape (n_samples,); got shape {y.shape}.")
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} samples but y has {y.shape[0]} labels; "
            "they must have one label per row of X."
        )
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        raise ValueError(
            f"X contains NaN or inf in {int(bad.sum())} row(s) (first: row "
            f"{int(np.argmax(bad))}); drop or fill those samples before plotting."
        )
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("y contains NaN or inf; every sample needs a class label.")
    return X, y


def _class_codes(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, Normalize]:
    """Sorted classes, each sample's class index, and a norm that maps the
    first class to one end of the colormap and the last class to the other."""
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes, Normalize(vmin=0, vmax=max(1, classes.size - 1))


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _root_figure(ax: Axes) -> Figure:
    # ``ax.figure`` may be a SubFigure; its ``.figure`` is always the top-level Figure.
    return ax.figure.figure


# ----------------------------------------------------------------------- drawing


def _scatter(ax: Axes, X: np.ndarray, codes: np.ndarray, norm: Normalize):
    return ax.scatter(X[:, 0], X[:, 1], c=codes, cmap=CMAP, norm=norm, zorder=3, **POINT_STYLE)


def _grid(X: np.ndarray, margin: float, resolution: int):
    """Grid ``(xx, yy)`` over the data's range plus ``margin``, and its points
    as rows, shape ``(resolution**2, 2)``."""
    if not (np.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0; got {margin!r}.")
    if isinstance(resolution, bool) or int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}.")
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    if np.any(hi <= lo):
        raise ValueError(
            "All points share the same x0 or x1 value, so the grid would have zero width; "
            "use a positive margin."
        )
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], int(resolution)), np.linspace(lo[1], hi[1], int(resolution))
    )
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def _evaluate(predict: Predict, grid: np.ndarray) -> np.ndarray:
    """Call ``predict`` once on all grid points; return a flat array of ``n`` values."""
    if not callable(predict):
        raise TypeError(f"predict must be callable, e.g. model.predict; got {type(predict)}.")
    n = grid.shape[0]
    Z = np.asarray(predict(grid))
    if Z.size != n or Z.ndim > 2 or (Z.ndim == 2 and 1 not in Z.shape):
        raise ValueError(
            f"predict returned shape {Z.shape} for {n} grid points; it must return one label "
            f"or score per row, shape ({n},), ({n}, 1) or (1, {n})."
        )
    Z = Z.ravel()
    if Z.dtype.kind in "biuf" and not np.isfinite(Z).all():
        raise ValueError("predict returned NaN or inf for some grid points.")
    return Z


def _draw_boundary(
    ax: Axes,
    Z: np.ndarray,
    xx: np.ndarray,
    yy: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    title: str | None,
) -> None:
    classes, codes, norm = _class_codes(y)
    if np.isin(Z, classes).all():
        # Labels: one flat colour per class, the same colour as that class's points.
        Zc = np.searchsorted(classes, Z).astype(float).reshape(xx.shape)
        levels = np.arange(classes.size + 1) - 0.5
        ax.contourf(xx, yy, Zc, levels=levels, cmap=CMAP, norm=norm, alpha=REGION_ALPHA)
    elif Z.dtype.kind in "biuf":
        # Scores (e.g. probabilities): a shaded map, low scores red, high scores blue.
        ax.contourf(xx, yy, Z.astype(float).reshape(xx.shape), cmap=CMAP, alpha=REGION_ALPHA)
    else:
        unknown = np.setdiff1d(np.unique(Z), classes)[:5]
        raise ValueError(
            f"predict returned labels {list(unknown)} that are not classes of y "
            f"{list(classes)}; return the same labels as y, or numeric scores."
        )
    _scatter(ax, X, codes, norm)
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    if title:
        ax.set_title(title)


# ------------------------------------------------------------------------ public


def plot_dataset(X: Any, y: Any, *, title: str = "Data", ax: Axes | None = None) -> Figure:
    """Scatter plot of 2-D points coloured by class.

    Parameters
    ----------
    X : array_like, shape (n_samples, 2)
        Points, one per row.
    y : array_like, shape (n_samples,)
        Class labels (0/1 or any labels; ``(1, n)`` and ``(n, 1)`` are flattened).
    title : str, default "Data"
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure that holds ``ax``.
    """
    X, y = _check_data(X, y)
    ax = _new_axes(ax, (6.0, 4.5))
    classes, codes, norm = _class_codes(y)
    _scatter(ax, X, codes, norm)
    handles = [
        ax.scatter([], [], color=CMAP(norm(i)), label=str(c), **POINT_STYLE)
        for i, c in enumerate(classes)
    ]
    ax.legend(handles=handles, title="class", loc="best", fontsize="small")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    return _root_figure(ax)


def plot_decision_boundary(
    predict: Predict,
    X: Any,
    y: Any,
    *,
    title: str | None = None,
    ax: Axes | None = None,
    margin: float = 1.0,
    resolution: int = 200,
) -> Figure:
    """Draw the regions a classifier assigns to each class, with the data on top.

    ``predict`` is called once with every point of a ``resolution x resolution``
    grid covering the data's range plus ``margin`` on each side.

    Parameters
    ----------
    predict : callable
        Takes an array of shape ``(n, 2)`` (rows = points) and returns labels or
        scores of shape ``(n,)``, ``(n, 1)`` or ``(1, n)``; e.g. a scikit-learn
        estimator's ``.predict`` or ``lambda P: P[:, 0] > 0``. Labels equal to
        y's classes get the class colours; other numbers are shaded as scores.
    X : array_like, shape (n_samples, 2)
        Points, one per row.
    y : array_like, shape (n_samples,)
        Class labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.
    margin : float, default 1.0
        Extra room around the data, in data units, on every side.
    resolution : int, default 200
        Grid points per axis.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure that holds ``ax``.
    """
    X, y = _check_data(X, y)
    xx, yy, grid = _grid(X, margin, resolution)
    Z = _evaluate(predict, grid)
    ax = _new_axes(ax, (6.0, 4.5))
    _draw_boundary(ax, Z, xx, yy, X, y, title)
    return _root_figure(ax)


def plot_cost(
    costs: Sequence[float],
    *,
    iterations: Sequence[float] | None = None,
    title: str = "Cost",
    ax: Axes | None = None,
) -> Figure:
    """Plot a training cost curve.

    Parameters
    ----------
    costs : sequence of float, shape (n_points,)
        Cost values in the order they were recorded.
    iterations : sequence of float, shape (n_points,), optional
        The iteration of each cost; default ``0, 1, ..., n_points - 1``.
    title : str, default "Cost"
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure that holds ``ax``.
    """
    try:
        costs_arr = np.asarray(costs, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"costs must be a sequence of numbers: {exc}") from None
    if costs_arr.ndim != 1 or costs_arr.size == 0:
        raise ValueError(
            f"costs must be a non-empty 1-D sequence of numbers; got shape {costs_arr.shape}."
        )
    if iterations is None:
        x = np.arange(costs_arr.size)
    else:
        x = np.asarray(iterations, dtype=float)
        if x.shape != costs_arr.shape:
            raise ValueError(
                f"iterations has shape {x.shape} but costs has shape {costs_arr.shape}; "
                "give one iteration number per cost."
            )
    ax = _new_axes(ax, (6.0, 4.0))
    ax.plot(x, costs_arr, color=CMAP(0.9), linewidth=1.8)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return _root_figure(ax)


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
        As in :func:`plot_decision_boundary`.
    panel_size : float, default 3.5
        Width and height of each subplot in inches.

    Returns
    -------
    matplotlib.figure.Figure
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


def plot_sweep_scores(rows: Sequence[Any], *, title: str | None = None) -> Figure:
    """Training and validation accuracy against hidden size: where overfitting begins.

    Parameters
    ----------
    rows : sequence
        Objects with ``hidden``, ``learning_rate``, ``alpha``, ``activation``,
        ``train_mean``, ``train_std``, ``val_mean``, ``val_std`` (accuracy in
        percent), as :func:`barenet.sweep.run_sweep` returns.  One pair of
        lines per (learning rate, alpha, activation).
    title : str, optional

    Returns
    -------
    Figure
        Training accuracy dashed, validation accuracy solid, each with a band
        of one standard deviation over folds and seeds; hidden size on a log
        axis.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows is empty: run a sweep first")
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    series: dict[tuple, list[Any]] = {}
    for row in rows:
        series.setdefault((row.learning_rate, row.alpha, row.activation), []).append(row)
    colors = colormaps["tab10"]
    for i, (key, group) in enumerate(sorted(series.items(), key=lambda kv: kv[0])):
        group.sort(key=lambda r: r.hidden)
        h = np.array([r.hidden for r in group])
        label = f"lr {key[0]:g}, alpha {key[1]:g}, {key[2]}" if len(series) > 1 else None
        for mean, std, style, name in (("train_mean", "train_std", "--", "train"),
                                       ("val_mean", "val_std", "-", "validation")):
            m = np.array([getattr(r, mean) for r in group])
            s = np.array([getattr(r, std) for r in group])
            ax.plot(h, m, style, marker="o", color=colors(i % 10),
                    label=f"{name}" + (f" ({label})" if label else ""))
            ax.fill_between(h, m - s, m + s, color=colors(i % 10), alpha=0.12)
    ax.set_xscale("log")
    hidden = sorted({r.hidden for r in rows})
    ax.set_xticks(hidden, [str(v) for v in hidden])
    ax.set_xlabel("hidden units")
    ax.set_ylabel("accuracy (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(title or "Training vs validation accuracy")
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: float | None = None) -> Path:
    """Write ``fig`` to ``path`` atomically, creating parent folders.

    The format comes from the suffix (``.png``, ``.pdf``, ``.svg``, ...); a path
    without a suffix gets ``.png``. The image is first written to a temporary
    file in the same folder and then moved onto ``path``, so an interrupted
    save never leaves a half-written file behind or damages an existing one.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save.
    path : str or os.PathLike
        Target file.
    dpi : float, optional
        Resolution for raster formats; default is the figure's own dpi.

    Returns
    -------
    pathlib.Path
        The path written (with ``.png`` appended if it had no suffix).
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_name(path.name + ".png")
    fmt = path.suffix[1:].lower()
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise ValueError(
            f"cannot save as {path.suffix!r}; use one of: "
            + ", ".join("." + s for s in sorted(supported))
        )
    dpi_arg = "figure" if dpi is None else dpi
    return atomic_write(path, lambda fh: fig.savefig(fh, format=fmt, dpi=dpi_arg))
