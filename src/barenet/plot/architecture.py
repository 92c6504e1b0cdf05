"""The article's network drawn as a diagram: layers of nodes, parameter shapes, formulas.

Where :func:`~barenet.plot.network.plot_network` draws the learned weights,
:func:`plot_architecture` draws only the shapes, in the course's notation
(one example per column): ``X`` is ``(n_x, m)``, ``W1`` is ``(n_h, n_x)``,
``b1`` is ``(n_h, 1)``, ``W2`` is ``(n_y, n_h)``, ``b2`` is ``(n_y, 1)``, and
forward propagation is

.. math::

    Z_1 = W_1 X + b_1,\\quad A_1 = g(Z_1),\\quad Z_2 = W_2 A_1 + b_2,\\quad A_2 = \\sigma(Z_2).
"""

from __future__ import annotations

from numbers import Integral, Number
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._memory import n_parameters
from .network import as_network

MAX_NODES = 8
"""Nodes drawn per layer; a wider layer shows its first units, a gap, and its last."""
SYMBOLS = {"sigmoid": "σ", "logistic": "σ", "relu": "ReLU"}
"""How an activation is written in a formula (the others by their name)."""
OUTPUT_ACTIVATIONS = {"binary": "sigmoid", "multilabel": "sigmoid", "multiclass": "softmax",
                      "regression": "identity"}
LAYER_COLOURS = ("#dddddd", "#cfe3f3", "#f6d3b8")  # input, hidden, output


def plot_architecture(n_x: Any = 2, n_h: int = 4, n_y: int = 1, *, hidden: str = "tanh",
                      output: str = "sigmoid") -> Figure:
    """The two-layer network of the article: its nodes, parameter shapes and formulas.

    Inputs ``x1 .. x_nx`` feed ``n_h`` hidden units, which feed ``n_y``
    outputs.  Each connection carries its parameters' shapes, each layer its
    activation and the shape of its values for ``m`` examples, and a panel
    at the right gives forward propagation and the number of parameters,
    ``n_h n_x + n_h + n_y n_h + n_y`` (17 for the article's 2-4-1).

    Parameters
    ----------
    n_x : int or fitted estimator or dict or Network, default 2
        Input features; or a model with one hidden layer (a fitted estimator,
        the article's parameter dict ``{"W1", "b1", "W2", "b2"}``, or a
        :class:`~barenet.engine.network.Network`), whose sizes and activations
        are then drawn and ``n_h``, ``n_y``, ``hidden`` and ``output`` ignored.
    n_h : int, default 4
        Hidden units.
    n_y : int, default 1
        Output units.
    hidden : str, default "tanh"
        Activation of the hidden layer, ``g`` in ``A1 = g(Z1)``.
    output : str, default "sigmoid"
        Activation of the output layer.

    Returns
    -------
    Figure
        8 x 4 inches.

    Examples
    --------
    >>> fig = plot_architecture()  # the article's 2-4-1 network, 17 parameters
    >>> fig = plot_architecture(3, 5, 2, output="softmax")  # 32 parameters
    """
    if not isinstance(n_x, Number):
        n_x, n_h, n_y, hidden, output = _read_model(n_x)
    for name, n in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            raise ValueError(f"{name} must be a positive whole number of units; got {n!r}")
    sizes = [int(n_x), int(n_h), int(n_y)]
    fig = Figure(figsize=(8, 4), layout="constrained")
    diagram, notes = fig.subplots(1, 2, width_ratios=[1.45, 1])
    _draw_layers(diagram, sizes, hidden, output)
    _write_formulas(notes, sizes, hidden, output)
    fig.suptitle(f"A {sizes[0]}-{sizes[1]}-{sizes[2]} network: shapes of its parameters "
                 "(one example per column)", fontsize=11)
    return fig


def parameter_count(n_x: int, n_h: int, n_y: int) -> int:
    """Number of learned numbers of the two-layer network, ``n_h n_x + n_h + n_y n_h + n_y``.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Units of the input, hidden and output layers.

    Returns
    -------
    int
        Entries of ``W1``, ``b1``, ``W2`` and ``b2`` together.

    Examples
    --------
    >>> parameter_count(2, 4, 1)
    17
    """
    return n_parameters([n_x, n_h, n_y])


def _read_model(model: Any) -> tuple[int, int, int, str, str]:
    """Sizes and activation names of a model with one hidden layer."""
    net = as_network(model)
    if len(net.layer_sizes) != 3:
        shape = "-".join(str(n) for n in net.layer_sizes)
        raise ValueError(f"plot_architecture draws a network with one hidden layer; this one "
                         f"is {shape}, with {len(net.layer_sizes) - 2} hidden layers; "
                         "draw it with plot_network")
    n_x, n_h, n_y = net.layer_sizes
    return n_x, n_h, n_y, net.hidden[0].name, OUTPUT_ACTIVATIONS.get(net.output.name,
                                                                      net.output.name)


def _applied(activation: str, Z: str) -> str:
    """``activation`` applied to ``Z`` as the course writes it: ``tanh(Z1)``, ``σ(Z2)``."""
    if activation == "identity":
        return Z
    return f"{SYMBOLS.get(activation, activation)}({Z})"


def _slots(n: int) -> tuple[np.ndarray, list[int | None]]:
    """Heights of a layer's drawn nodes, top first, and the unit each shows (None: a gap)."""
    units: list[int | None] = list(range(1, n + 1))
    if n > MAX_NODES:
        units = [*range(1, MAX_NODES - 1), None, n]
    k = len(units)
    return np.linspace((k - 1) / 2, -(k - 1) / 2, k), units


def _draw_layers(ax: Axes, sizes: list[int], hidden: str, output: str) -> None:
    """Nodes, the edges between layers, and every layer's and connection's shapes."""
    n_x, n_h, n_y = sizes
    slots = [_slots(n) for n in sizes]
    names = [("x", "input"), ("", f"hidden: {hidden}"), ("ŷ" if n_y > 1 else "", "output")]
    size = 380 if max(len(u) for _, u in slots) <= 5 else 220
    for layer in range(2):
        (y0, u0), (y1, u1) = slots[layer], slots[layer + 1]
        for a, ua in zip(y0, u0, strict=True):
            for b, ub in zip(y1, u1, strict=True):
                if ua is not None and ub is not None:
                    ax.plot([layer, layer + 1], [a, b], color="#9a9a9a", linewidth=0.6,
                            zorder=1)
    for layer, ((ys, units), (prefix, title)) in enumerate(zip(slots, names, strict=True)):
        for y, unit in zip(ys, units, strict=True):
            if unit is None:
                ax.text(layer, y, "⋮", ha="center", va="center", fontsize=12)
                continue
            ax.scatter([layer], [y], s=size, c=LAYER_COLOURS[layer], edgecolors="#333333",
                       zorder=2)
            label = "ŷ" if layer == 2 and n_y == 1 else f"{prefix}{unit}"
            ax.text(layer, y, label, ha="center", va="center", fontsize=7, zorder=3)
        if layer == 2:
            title = f"output: {output}" + (" σ" if SYMBOLS.get(output) == "σ" else "")
        ax.text(layer, ys[0] + 0.75, f"{title}\n{sizes[layer]} unit"
                f"{'s' if sizes[layer] > 1 else ''}", ha="center", va="bottom", fontsize=8)
        value = ["X", "A1", "A2"][layer]
        ax.text(layer, ys[-1] - 0.7, f"{value} ({sizes[layer]} × m)", ha="center", va="top",
                fontsize=8, fontweight="bold")
    box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#777777"}
    for layer, (rows, cols) in enumerate([(n_h, n_x), (n_y, n_h)], start=1):
        ax.text(layer - 0.5, 0, f"W{layer} ({rows} × {cols})\nb{layer} ({rows} × 1)",
                ha="center", va="center", fontsize=8, bbox=box, zorder=4)
    top = max(ys[0] for ys, _ in slots)
    ax.set_xlim(-0.45, 2.45)
    ax.set_ylim(-top - 1.5, top + 1.6)
    ax.set_axis_off()


def _write_formulas(ax: Axes, sizes: list[int], hidden: str, output: str) -> None:
    """Forward propagation with the shape of every result, and the parameter count."""
    n_x, n_h, n_y = sizes
    lines = ["Forward propagation (m examples)",
             f"Z1 = W1 X + b1      ({n_h} × m)",
             f"A1 = {_applied(hidden, 'Z1')}".ljust(20) + f"({n_h} × m)",
             f"Z2 = W2 A1 + b2     ({n_y} × m)",
             f"A2 = {_applied(output, 'Z2')}".ljust(20) + f"({n_y} × m)",
             "",
             "Parameters"]
    shapes = [("W1", n_h, n_x), ("b1", n_h, 1), ("W2", n_y, n_h), ("b2", n_y, 1)]
    lines += [f"{name}  {rows} × {cols}".ljust(16) + f"{rows * cols:>6}"
              for name, rows, cols in shapes]
    total = parameter_count(n_x, n_h, n_y)
    lines += [f"{'total':<16}{total:>6} parameters"]
    for k, line in enumerate(lines):
        heading = k in (0, 6)
        ax.text(0.0, 1.0 - k * 0.085, line, transform=ax.transAxes, va="top", fontsize=8.5,
                family="sans-serif" if heading else "monospace",
                fontweight="bold" if heading or line.startswith("total") else "normal")
    ax.set_axis_off()
