"""Curves that never alias: a line where every point has a pixel, else its envelope.

A cost recorded at every iteration of a long run has more points than the
figure has pixel columns; drawn as a line, the renderer picks some of them
and regular spikes look random, or vanish.  :func:`draw_curve` draws the band
between the lowest and the highest value of each pixel column instead.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

Array = np.ndarray


def envelope(x: Array, y: Array, columns: int) -> tuple[Array, Array, Array]:
    """The lowest and highest ``y`` in each of ``columns`` equal slices of ``x``'s range.

    Column ``j`` holds the points with ``x0 + j w <= x < x0 + (j + 1) w``,
    ``w = (x1 - x0) / columns`` (the last column also ``x = x1``); empty
    columns are left out.  Filled between ``low`` and ``high``, the envelope
    shows every value of a curve too dense for the screen.

    Parameters
    ----------
    x : ndarray of shape (n,)
    y : ndarray of shape (n,)
    columns : int
        How many slices, e.g. the pixel width of the axes.

    Returns
    -------
    centres : ndarray of shape (k,)
        The middle of each non-empty column, ``k <= columns``.
    low, high : ndarray of shape (k,)
        ``min y`` and ``max y`` over each column.

    Examples
    --------
    >>> import numpy as np
    >>> x, y = np.arange(8.0), np.array([0.0, 3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
    >>> centres, low, high = envelope(x, y, columns=2)   # x in [0, 3.5) and [3.5, 7]
    >>> centres.tolist(), low.tolist(), high.tolist()
    ([1.75, 5.25], [0.0, 1.0], [4.0, 9.0])
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size == 0:
        raise ValueError(f"x and y must be non-empty 1-D arrays of one shape, got {x.shape} "
                         f"and {y.shape}")
    if not isinstance(columns, int | np.integer) or columns < 1:
        raise ValueError(f"columns must be a positive integer, got {columns!r}")
    x0, width = x.min(), (x.max() - x.min()) / columns
    column = np.zeros(x.size, int) if width == 0 else \
        np.minimum(((x - x0) / width).astype(int), columns - 1)
    low, high = np.full(columns, np.inf), np.full(columns, -np.inf)
    np.minimum.at(low, column, y)
    np.maximum.at(high, column, y)
    filled = np.isfinite(low)
    centres = x0 + (np.arange(columns) + 0.5) * width
    return centres[filled], low[filled], high[filled]


def draw_curve(ax: Axes, x: Array, y: Array, **style) -> None:
    """Draw ``y`` against ``x`` as a line, or as its :func:`envelope` if it is too dense.

    With more points than the axes have pixel columns, the band between the
    lowest and the highest value of each column is filled instead.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : ndarray of shape (n,)
    **style
        Passed to ``ax.plot`` or ``ax.fill_between`` (``color``, ``label``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = Figure(figsize=(2, 1), dpi=50).add_subplot()   # 77 pixel columns wide
    >>> draw_curve(ax, np.arange(10), np.arange(10.0))      # few points: a line
    >>> x = np.arange(1000)
    >>> draw_curve(ax, x, np.sin(x), color="C1")            # too dense: the envelope
    >>> len(ax.lines), len(ax.collections)
    (1, 1)
    """
    columns = max(1, int(ax.get_window_extent().width))
    if np.size(x) <= columns:
        ax.plot(x, y, linewidth=1.0, **style)
        return
    centres, low, high = envelope(x, y, columns)
    # (An edge as wide as a pixel keeps one-pixel-tall columns visible.)
    ax.fill_between(centres, low, high, linewidth=0.6, step="mid", **style)
