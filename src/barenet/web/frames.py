"""What the page draws, computed by the estimator and the engine.

A frame is a small JSON-ready dict: the decision boundary as a grid of
probabilities, one activation map per hidden unit, the weights (for the
network diagram), and the losses.  Grids travel as base64 text of one byte
per cell, which keeps a frame a few kilobytes.

Grid layout: cell ``(row, col)`` is at ``x = xmin + (col + 1/2) dx`` and
``y = ymax - (row + 1/2) dy``, rows top to bottom like the canvas that shows it.
"""

from __future__ import annotations

import base64

import numpy as np

from ..engine.losses import binary_log_loss_from_logits

Array = np.ndarray
BOUNDARY_SIZE = 64
UNIT_SIZE = 24


def square_domain(X: Array, margin: float = 0.1) -> tuple[float, float, float, float]:
    """A square around the points, with a margin, as ``(xmin, xmax, ymin, ymax)``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    margin : float, default 0.1
        Added on each side, as a fraction of the half-width.
    """
    low, high = X.min(axis=0), X.max(axis=0)
    centre = (low + high) / 2
    half = max(float(np.max(high - low)) / 2, 1e-3) * (1 + margin)
    return (float(centre[0] - half), float(centre[0] + half),
            float(centre[1] - half), float(centre[1] + half))


def grid_points(domain: tuple[float, float, float, float], size: int) -> Array:
    """Cell centres of a ``size x size`` grid over ``domain``, row by row from the top.

    Returns
    -------
    ndarray of shape (size * size, 2)
    """
    xmin, xmax, ymin, ymax = domain
    xs = xmin + (np.arange(size) + 0.5) * (xmax - xmin) / size
    ys = ymax - (np.arange(size) + 0.5) * (ymax - ymin) / size
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def encode_bytes(values: Array) -> str:
    """Values in ``[0, 1]`` as base64 text of one byte each (0 to 255)."""
    q = np.rint(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def boundary(model, points: Array) -> str:
    """Probability of the second class at each grid point, encoded.

    Parameters
    ----------
    model : NeuralNetClassifier
        Fitted, binary.
    points : ndarray of shape (n_cells, 2)
    """
    return encode_bytes(model.predict_proba(points)[:, 1])


def hidden_activations(model, points: Array) -> list[Array]:
    """Every hidden layer's activations at ``points``, from the engine's forward pass.

    Returns
    -------
    list of ndarray
        ``A[l]`` of shape ``(n_points, n_units_l)`` for each hidden layer.
    """
    return model._network().hidden_activations(points.astype(model.coefs_[0].dtype))


def unit_maps(model, points: Array) -> list[dict[str, object]]:
    """Each hidden unit's activation over the grid, encoded layer by layer.

    A value ``a`` is drawn as ``a / scale`` on a scale from -1 to 1, where
    ``scale = max(1, max |a|)`` per unit: bounded activations (tanh,
    sigmoid) keep their true colours, larger ones are scaled down.

    Returns
    -------
    list of dict
        Per hidden layer: ``scale`` (one per unit) and ``data``, the units'
        maps one after the other.
    """
    layers: list[dict[str, object]] = []
    for A in hidden_activations(model, points):
        scale = np.maximum(1.0, np.abs(A).max(axis=0))
        values = (A / scale + 1) / 2
        layers.append({"scale": [round(float(s), 4) for s in scale],
                       "data": encode_bytes(values.T.ravel())})
    return layers


def scores(model, X: Array, y: Array) -> tuple[float, float]:
    """Log-loss (no L2 term) and accuracy of a binary classifier on ``X, y``.

    The loss is the engine's binary cross-entropy from the logits, the
    quantity training minimises; the accuracy counts ``logit > 0`` as the
    second class, which is what ``predict`` does.
    """
    Z = np.asarray(model.decision_function(X), dtype=np.float64).reshape(-1, 1)
    Y = (y == model.classes_[1]).astype(np.float64).reshape(-1, 1)
    loss = binary_log_loss_from_logits(Y, Z)
    accuracy = float(np.mean((Z > 0) == (Y > 0.5)))
    return float(loss), accuracy


def weights(model) -> list[list[float]]:
    """Every weight matrix, flattened row by row (input unit major), rounded."""
    return [np.round(W.astype(np.float64), 4).ravel().tolist() for W in model.coefs_]
