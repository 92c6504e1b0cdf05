"""Figures for 2-D two-class toy problems: data, decision boundaries, cost curves.

Everything here builds :class:`matplotlib.figure.Figure` objects directly (the
object-oriented API) and never touches ``matplotlib.pyplot``, so importing this
module does not change the backend or open windows. Write a figure to disk
with :func:`save_figure`, or show it in a notebook by leaving it as the last
expression of a cell.

Data layout is **rows = samples**: ``X`` has shape ``(n_samples, 2)`` and ``y``
has shape ``(n_samples,)``; the colours are those of :mod:`barenet.plot.boundary`.

Typical use::

    fig = plot_decision_boundary(model.predict, X, y, title="Hidden size 4")
    save_figure(fig, "figures/boundary.png")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._files import atomic_write
from .boundary import (
    CMAP,
    POINT_STYLE,
    Predict,
    _check_data,
    _class_codes,
    _draw_boundary,
    _evaluate,
    _grid,
    _new_axes,
    _root_figure,
    _scatter,
)
from .curves import draw_curve

__all__ = [
    "plot_cost",
    "plot_dataset",
    "plot_decision_boundary",
    "save_figure",
]


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

    Examples
    --------
    >>> from barenet import datasets
    >>> from barenet.plot import plot_dataset
    >>> X, y = datasets.noisy_moons(n_samples=50)
    >>> fig = plot_dataset(X, y, title="Moons")
    >>> type(fig).__name__, fig.axes[0].get_title()
    ('Figure', 'Moons')
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

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from barenet import datasets
    >>> from barenet.plot import plot_decision_boundary
    >>> X, y = datasets.xor(n_samples=50)
    >>> fig = plot_decision_boundary(lambda P: P[:, 0] * P[:, 1] > 0, X, y, resolution=50)
    >>> len(fig.axes) >= 1
    True
    >>> ax = Figure().add_subplot()  # or draw into an axes of your own
    >>> plot_decision_boundary(lambda P: P[:, 0] > 0, X, y, ax=ax, resolution=50) is ax.figure
    True
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

    Every point is drawn: with more points than the axes have pixel columns,
    as the band between each column's lowest and highest cost
    (:func:`~barenet.plot.curves.draw_curve`), so that spikes are never
    sampled away or made to look random.

    Parameters
    ----------
    costs : sequence of float, shape (n_points,)
        Cost values in the order they were recorded.
    iterations : sequence of float, shape (n_points,), optional
        The iteration of each cost; default ``0, 1, ..., n_points - 1``.
    title : str, default "Cost"
        Axes title.
    ax : matplotlib.axes.Axes, optional
        As in :func:`plot_dataset`.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure that holds ``ax``.

    Examples
    --------
    >>> from barenet.plot import plot_cost
    >>> fig = plot_cost([0.69, 0.5, 0.3, 0.2], iterations=[0, 100, 200, 300])
    >>> ax = fig.axes[0]
    >>> type(ax).__name__, ax.lines[0].get_xdata().tolist()
    ('Axes', [0.0, 100.0, 200.0, 300.0])
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
    draw_curve(ax, x, costs_arr, color=CMAP(0.9))  # (an envelope if too dense to alias)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return _root_figure(ax)


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

    Examples
    --------
    >>> from barenet.plot import plot_cost, save_figure
    >>> path = save_figure(plot_cost([0.69, 0.4, 0.3]), "figures/cost")
    >>> path.as_posix(), path.stat().st_size > 0
    ('figures/cost.png', True)
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
