"""Look inside a network: what every hidden unit computes, and its weights as a graph."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import Colormap, ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .._memory import forward_rows
from ..engine.activations import ACTIVATIONS
from ..engine.losses import OUTPUTS
from ..engine.network import Network
from .boundary import CMAP, _check_data, _class_codes, _grid

MAX_UNITS_SHOWN = 16
WEIGHT_CMAP = colormaps["RdBu"]  # red negative, blue positive
POSITIVE_CMAP = ListedColormap(WEIGHT_CMAP(np.linspace(0.5, 1.0, 128)), "RdBu_blue_half")
"""The blue half of :data:`WEIGHT_CMAP`: white at 0, for values that are never negative."""


def as_network(model: Any) -> Network:
    """The :class:`~barenet.engine.network.Network` of a fitted estimator or of the article's
    parameter dictionary (``W1, b1, W2, b2``, features x samples), or ``model`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> parameters = {"W1": np.ones((4, 2)), "b1": np.zeros((4, 1)),
    ...               "W2": np.ones((1, 4)), "b2": np.zeros((1, 1))}   # the article's 2-4-1
    >>> net = as_network(parameters)
    >>> net.layer_sizes, type(net).__name__, as_network(net) is net
    ([2, 4, 1], 'Network', True)
    """
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

    Every map of a row shares one colour scale, with its colour bar at the
    right, so that two units can be compared and a unit that is in effect
    constant is drawn in one colour.  The scale is fixed by the activation's
    range where it has one (tanh -1..1, sigmoid and the output's
    probabilities 0..1); for relu it runs from 0 to the row's largest value,
    for other activations from minus to plus the row's largest ``|a|``.

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

    Examples
    --------
    >>> from barenet import NeuralNetClassifier, datasets
    >>> X, y = datasets.noisy_moons(n_samples=50)
    >>> clf = NeuralNetClassifier((3,), learning_rate_init=0.05, max_iter=500,
    ...                           random_state=0).fit(X, y)
    >>> from barenet.plot import plot_hidden_units
    >>> fig = plot_hidden_units(clf, X, y, resolution=20)
    >>> type(fig).__name__, len(fig.axes) >= 3  # a map per hidden unit
    ('Figure', True)
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
    fig = Figure(figsize=(1.6 * ncols + 1.4, 1.7 * len(rows) + 0.4), layout="constrained")
    axes = fig.subplots(len(rows), ncols, squeeze=False)
    _, codes, norm = _class_codes(y)
    extent = (xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0])
    for r, ((label, A, activation), width, n) in enumerate(zip(rows, widths, units,
                                                               strict=True)):
        scale, cmap, meaning = _row_scale(activation, A, label == "output")
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c >= width:
                ax.set_axis_off()
                continue
            image = ax.imshow(A[:, c].reshape(xx.shape).astype(float), origin="lower",
                              extent=extent, cmap=cmap, norm=scale, aspect="auto")
            ax.scatter(X[:, 0], X[:, 1], c=codes, cmap=CMAP, norm=norm, s=4, alpha=0.5,
                       linewidths=0)
            ax.set_title(f"{label} · {c + 1}" if label != "output" or n > 1
                         else "output", fontsize=8)
        if n > width:
            axes[r, width - 1].set_title(f"{label} · {width} (of {n})", fontsize=8)
        axes[r, 0].set_ylabel(activation, fontsize=8)
        bar = fig.colorbar(image, ax=list(axes[r]), shrink=0.9, aspect=12, pad=0.02)
        bar.set_label(meaning, fontsize=7)
        bar.ax.tick_params(labelsize=7)
    fig.suptitle("What each unit computes over the input plane "
                 "(one colour scale per row, bar at the right)", fontsize=10)
    return fig


def _row_scale(activation: str, A: np.ndarray, output: bool) -> tuple[Normalize, Colormap, str]:
    """The colour scale shared by one row of maps, its colormap and what it means.

    Bounded activations get their whole range, whatever the values drawn, so
    that a unit stuck near -1 looks stuck; unbounded ones a scale wide enough
    for every map of the row (``A``, one column per unit shown).
    """
    if activation == "tanh":
        return Normalize(-1.0, 1.0), WEIGHT_CMAP, "tanh: fixed −1 … 1"
    if activation in ("sigmoid", "logistic", "softmax"):
        meaning = "probability" if output else activation
        return Normalize(0.0, 1.0), WEIGHT_CMAP, f"{meaning}: fixed 0 … 1"
    finite = np.abs(A[np.isfinite(A)])
    top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    if activation == "relu":
        return Normalize(0.0, top), POSITIVE_CMAP, "relu: 0 … row's max"
    return Normalize(-top, top), WEIGHT_CMAP, f"{activation}: ± row's max |a|"


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

    Edge colour gives the sign (blue positive, red negative) and edge width
    ``|w|`` relative to the largest ``|w|`` of the same layer, written under
    each layer's edges: the first layer's weights are often several times
    smaller than the last's, and on one global scale they would vanish.  Node
    colour shows the bias, on the colour bar at the right.  Layers wider than
    16 units show their first 16.

    Parameters
    ----------
    model : fitted estimator, article parameter dict, or Network
    feature_names : list of str, optional
        Labels of the input nodes (default ``x1, x2, ...``, or the
        estimator's ``feature_names_in_``).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from barenet import shallow
    >>> from barenet.plot import plot_network
    >>> parameters = shallow.initialize_parameters(n_x=2, n_h=4, n_y=1)
    >>> fig = plot_network(parameters, feature_names=["x", "y"])
    >>> type(fig).__name__
    'Figure'
    """
    net = as_network(model)
    sizes = net.layer_sizes
    shown = [min(s, MAX_UNITS_SHOWN) for s in sizes]
    if feature_names is None:
        names = getattr(model, "feature_names_in_", None)
        feature_names = ([str(n) for n in names] if names is not None
                         else [f"x{i + 1}" for i in range(sizes[0])])
    fig = Figure(figsize=(2.2 * len(sizes) + 1.8, 0.45 * max(shown) + 2.6), layout="constrained")
    ax = fig.add_subplot()
    # first unit on top
    ys = [np.linspace((n - 1) / 2, -(n - 1) / 2, n) if n > 1 else np.zeros(1) for n in shown]
    bottom = -max(shown) / 2
    for layer, W in enumerate(net.coefs()):
        top = float(np.abs(W).max()) or 1.0
        w = W[: shown[layer], : shown[layer + 1]]
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                strength = abs(float(w[i, j])) / top
                ax.plot([layer, layer + 1], [ys[layer][i], ys[layer + 1][j]],
                        color=WEIGHT_CMAP(0.5 + 0.5 * np.sign(w[i, j]) * max(strength, 0.15)),
                        linewidth=_edge_width(strength), alpha=0.35 + 0.6 * strength, zorder=1)
        ax.text(layer + 0.5, bottom - 0.2, f"W{layer + 1}: max |w| = {top:.3g}",
                ha="center", va="top", fontsize=8)
    biases = _draw_nodes(ax, net, shown, ys, feature_names)
    bar = fig.colorbar(biases, ax=ax, shrink=0.7, aspect=15, pad=0.01)
    bar.set_label("bias b (node colour)", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.legend(handles=_edge_legend(), loc="upper center", bbox_to_anchor=(0.5, -0.02),
              ncols=5, fontsize=7, frameon=False, handlelength=2.5)
    ax.set_xlim(-0.8, len(sizes) - 0.4)
    ax.set_ylim(bottom - 0.8, max(shown) / 2 + 1.0)
    ax.set_axis_off()
    ax.set_title("Weights: edge colour = sign, edge width = |w| / max |w| of its layer; "
                 "node colour = bias", fontsize=10)
    return fig


def _edge_width(strength: float) -> float:
    """Line width of an edge whose ``|w|`` is ``strength`` times its layer's largest."""
    return 0.3 + 4 * strength


def _edge_legend() -> list[Line2D]:
    """Legend entries for the edges: the two sign colours and three sample widths."""
    grey = "#555555"
    return [Line2D([], [], color=WEIGHT_CMAP(0.9), linewidth=2.5, label="w > 0"),
            Line2D([], [], color=WEIGHT_CMAP(0.1), linewidth=2.5, label="w < 0"),
            *(Line2D([], [], color=grey, linewidth=_edge_width(f), label=label)
              for f, label in [(1.0, "|w| = layer max"), (0.5, "½ layer max"),
                               (0.1, "0.1 × layer max")])]


def _draw_nodes(ax: Axes, net: Network, shown: list[int], ys: list[np.ndarray],
                feature_names: list[str]) -> PathCollection:
    """The nodes, coloured by bias on one scale ``±max |b|``, with each layer's label.

    Returns the last layer's nodes, whose colour scale is every layer's.
    """
    sizes, intercepts = net.layer_sizes, net.intercepts()
    bias_scale = max([float(np.abs(b).max()) for b in intercepts] + [1e-12])
    scale = Normalize(-bias_scale, bias_scale)
    for k in range(shown[0]):
        ax.annotate(feature_names[k], (0, ys[0][k]), xytext=(-14, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=8)
    ax.scatter(np.zeros(shown[0]), ys[0], s=260, c="#dddddd", edgecolors="#333333", zorder=2)
    for layer, n in enumerate(shown[1:], start=1):
        nodes = ax.scatter(np.full(n, layer), ys[layer], s=260, c=intercepts[layer - 1][:n],
                           cmap=WEIGHT_CMAP, norm=scale, edgecolors="#333333", zorder=2)
    for layer, n in enumerate(shown):
        label = ("input" if layer == 0 else "output" if layer == len(sizes) - 1
                 else f"{net.hidden[layer - 1].name}")
        extra = f" ({MAX_UNITS_SHOWN} of {sizes[layer]})" if sizes[layer] > n else ""
        ax.annotate(f"{label}\n{sizes[layer]}{extra}", (layer, ys[layer].max()),
                    xytext=(0, 16), textcoords="offset points", ha="center", fontsize=8)
    return nodes
