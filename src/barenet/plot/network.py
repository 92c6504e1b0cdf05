"""Look inside a network: what every hidden unit computes, and its weights as a graph."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from .._memory import forward_rows
from ..engine.activations import ACTIVATIONS
from ..engine.losses import OUTPUTS
from ..engine.network import Network
from .boundary import CMAP, _check_data, _class_codes, _grid

MAX_UNITS_SHOWN = 16
WEIGHT_CMAP = colormaps["RdBu"]  # red negative, blue positive


def as_network(model: Any) -> Network:
    """The :class:`~barenet.engine.network.Network` of a fitted estimator or of the article's
    parameter dictionary (``W1, b1, W2, b2``, features x samples), or ``model`` itself."""
    if isinstance(model, Network):
        return model
    if isinstance(model, dict):
        missing = [k for k in ("W1", "b1", "W2", "b2") if k not in model]
        if missing:
            raise ValueError(f"the parameter dictionary lacks {', '.join(missing)}")
        return Network.from_weights([np.asarray(model["W1"]).T, np.asarray(model["W2"]).T],
                                    [np.ravel(model["b1"]), np.ravel(model["b2"])],
                                    [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    if not hasattr(model, "coefs_"):
        raise ValueError(f"{type(model).__name__} is not fitted; fit it before drawing it")
    return model._network()


def plot_hidden_units(model: Any, X: Any, y: Any, *, margin: float = 1.0,
                      resolution: int = 60, ncols: int | None = None) -> Figure:
    """One small map per hidden unit: its activation over the input plane.

    Like TensorFlow Playground's neuron thumbnails: row ``l`` shows the units
    of hidden layer ``l`` (at most 16), the last row the network's output
    (probability of the second class, or each output), with the data on top.
    Works for 2-feature inputs.

    Parameters
    ----------
    model : fitted estimator, article parameter dict, or Network
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    margin : float, default 1.0
    resolution : int, default 60
        Grid points per axis of each map.
    ncols : int, optional
        Maps per row (default: the widest layer shown).

    Returns
    -------
    Figure
    """
    X, y = _check_data(X, y)
    net = as_network(model)
    if net.layer_sizes[0] != 2:
        raise ValueError(f"unit maps need a 2-feature model; this one has "
                         f"{net.layer_sizes[0]} features")
    xx, yy, grid = _grid(X, margin, resolution)
    maps = _unit_maps(net, grid)
    units = net.layer_sizes[1:]
    rows = [(f"layer {i + 1}", A, net.hidden[i].name) for i, A in enumerate(maps[:-1])]
    output = {"binary": "sigmoid", "multilabel": "sigmoid", "multiclass": "softmax"}
    rows.append(("output", maps[-1], output.get(net.output.name, "identity")))
    widths = [A.shape[1] for _, A, _ in rows]
    ncols = ncols or max(widths)
    fig = Figure(figsize=(1.6 * ncols + 0.6, 1.7 * len(rows) + 0.4), layout="constrained")
    axes = fig.subplots(len(rows), ncols, squeeze=False)
    _, codes, norm = _class_codes(y)
    for r, ((label, A, activation), width, n) in enumerate(zip(rows, widths, units,
                                                               strict=True)):
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= width:
                ax.set_axis_off()
                continue
            values = A[:, c].reshape(xx.shape).astype(float)
            lo, hi = float(values.min()), float(values.max())
            if lo < 0 < hi:
                scale = TwoSlopeNorm(0.0, lo, hi)
            else:
                scale = Normalize(lo, hi if hi > lo else lo + 1e-12)
            ax.imshow(values, origin="lower", extent=(xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]),
                      cmap=WEIGHT_CMAP, norm=scale, aspect="auto")
            ax.scatter(X[:, 0], X[:, 1], c=codes, cmap=CMAP, norm=norm, s=4, alpha=0.5,
                       linewidths=0)
            ax.set_title(f"{label} · {c + 1}" if label != "output" or n > 1
                         else "output", fontsize=8)
        if n > width:
            axes[r, width - 1].set_title(f"{label} · {width} (of {n})", fontsize=8)
        axes[r, 0].set_ylabel(activation, fontsize=8)
    fig.suptitle("What each unit computes over the input plane (blue high, red low)",
                 fontsize=10)
    return fig


def _unit_maps(net: Network, grid: np.ndarray) -> list[np.ndarray]:
    """Each layer's first :data:`MAX_UNITS_SHOWN` activations over the grid's points.

    The points go through the network's forward pass in chunks, keeping only
    the units shown, so a network of any width needs no more memory than a chunk.
    """
    grid = grid.astype(net.theta.dtype)
    step = forward_rows(sum(net.layer_sizes[1:]), net.theta.itemsize)
    maps = [np.empty((len(grid), min(n, MAX_UNITS_SHOWN)), grid.dtype)
            for n in net.layer_sizes[1:]]
    for start in range(0, len(grid), step):
        points = grid[start:start + step]
        layers = [*net.hidden_activations(points, step),
                  net.output.activation(net.logits(points, step))]
        for M, A in zip(maps, layers, strict=True):
            M[start:start + step] = A[:, :M.shape[1]]
    return maps


def plot_network(model: Any, *, feature_names: list[str] | None = None) -> Figure:
    """The network as a graph: one column of nodes per layer, an edge per weight.

    Edge width grows with ``|w|`` and colour gives the sign (blue positive,
    red negative); node colour shows the bias.  Layers wider than 16 units
    show their first 16.

    Parameters
    ----------
    model : fitted estimator, article parameter dict, or Network
    feature_names : list of str, optional
        Labels of the input nodes (default ``x1, x2, ...``, or the
        estimator's ``feature_names_in_``).

    Returns
    -------
    Figure
    """
    net = as_network(model)
    sizes = net.layer_sizes
    shown = [min(s, MAX_UNITS_SHOWN) for s in sizes]
    if feature_names is None:
        names = getattr(model, "feature_names_in_", None)
        feature_names = ([str(n) for n in names] if names is not None
                         else [f"x{i + 1}" for i in range(sizes[0])])
    fig = Figure(figsize=(2.2 * len(sizes) + 1, 0.45 * max(shown) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    # first unit on top
    ys = [np.linspace((n - 1) / 2, -(n - 1) / 2, n) if n > 1 else np.zeros(1) for n in shown]
    coefs, intercepts = net.coefs(), net.intercepts()
    biggest = max(float(np.abs(W).max()) for W in coefs) or 1.0
    for layer, W in enumerate(coefs):
        w = W[: shown[layer], : shown[layer + 1]]
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                strength = abs(float(w[i, j])) / biggest
                ax.plot([layer, layer + 1], [ys[layer][i], ys[layer + 1][j]],
                        color=WEIGHT_CMAP(0.5 + 0.5 * np.sign(w[i, j]) * max(strength, 0.15)),
                        linewidth=0.3 + 4 * strength, alpha=0.35 + 0.6 * strength, zorder=1)
    bias_scale = max([float(np.abs(b).max()) for b in intercepts] + [1e-12])
    for layer, n in enumerate(shown):
        if layer == 0:
            colors = ["#dddddd"] * n
        else:
            b = intercepts[layer - 1][:n]
            colors = [WEIGHT_CMAP(0.5 + 0.5 * float(v) / bias_scale) for v in b]
        ax.scatter(np.full(n, layer), ys[layer], s=260, c=colors, edgecolors="#333333",
                   zorder=2)
        if layer == 0:
            for k in range(n):
                ax.annotate(feature_names[k], (layer, ys[layer][k]), xytext=(-14, 0),
                            textcoords="offset points", ha="right", va="center", fontsize=8)
        label = ("input" if layer == 0 else "output" if layer == len(sizes) - 1
                 else f"{net.hidden[layer - 1].name}")
        extra = f" ({MAX_UNITS_SHOWN} of {sizes[layer]})" if sizes[layer] > shown[layer] else ""
        ax.annotate(f"{label}\n{sizes[layer]}{extra}", (layer, ys[layer].max()),
                    xytext=(0, 16), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xlim(-0.8, len(sizes) - 0.4)
    ax.set_ylim(-max(shown) / 2 - 0.5, max(shown) / 2 + 1.0)
    ax.set_axis_off()
    ax.set_title("Weights: width = |w|, blue positive, red negative; node colour = bias")
    return fig
