"""What every decision-boundary figure shares: checks, colours, the grid, the drawing.

The figures of :mod:`barenet.plot` (:mod:`~barenet.plot.figures`,
:mod:`~barenet.plot.sweep`, :mod:`~barenet.plot.network`,
:mod:`~barenet.plot.animation`) draw through these helpers, so that a point
of class 0 is the same red everywhere and a bad ``X`` gets the same message
from every figure:

1. :func:`_check_data` turns ``X`` and ``y`` into arrays ``(n, 2)`` and ``(n,)``;
2. :func:`_grid` lays a ``resolution x resolution`` grid over the data;
3. :func:`_evaluate` calls the model's ``predict`` once on every grid point;
4. :func:`_draw_boundary` fills the regions and scatters the points on top.

Data layout is **rows = samples**.  Colours follow the Spectral colormap, so
with two classes the first (e.g. 0) is red and the second (e.g. 1) is blue,
both for the points and for the filled decision regions behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

CMAP = colormaps["Spectral"]
"""The colormap of classes and scores: first class red, last class blue."""
REGION_ALPHA = 0.45
"""Opacity of the filled regions: light, so points of the same class still stand out."""
POINT_STYLE: dict[str, Any] = {"s": 40, "edgecolors": "#222222", "linewidths": 0.6}
"""Marker size and edge of every data point."""

Predict = Callable[[np.ndarray], Any]
"""A model's predict: an array ``(n, 2)`` of points to ``n`` labels or scores."""


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
    """Fill the regions of the grid values ``Z`` in ``ax``, scatter ``X`` on top.

    Values that are all classes of ``y`` get one flat colour per class;
    other numbers are shaded as scores.  The limits are the grid's.
    """
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

