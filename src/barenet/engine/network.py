"""Forward and backward passes of a dense network, any number of layers.

Layout: rows = samples.  Layer ``l`` maps ``A[l]`` of shape
``(n_samples, n_l)`` to ``Z[l+1] = A[l] @ W[l] + b[l]`` and
``A[l+1] = g_l(Z[l+1])``, with ``W[l]`` of shape ``(n_l, n_{l+1})`` and
``b[l]`` of shape ``(n_{l+1},)`` (or anything that broadcasts like it).
The same code serves the article's 2-4-1 network, the estimators and the
checks; only the output activation and loss differ by task
(:mod:`barenet.engine.losses`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation

Array = np.ndarray


class Workspace:
    """Arrays that every forward and backward pass of up to ``batch`` samples reuses.

    Passing one to :func:`forward` and :func:`backward` gives the same numbers
    without allocating: training loops and chunked predictions make one and
    keep it.  The arrays returned by a pass are views into it, overwritten by
    the next pass.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_outputs)``.
    batch : int
        The most samples a pass will see.
    dtype : dtype
    """

    def __init__(self, layer_sizes: Sequence[int], batch: int, dtype: np.dtype | type) -> None:
        outs = list(layer_sizes[1:])
        self.batch = batch
        self.Z = [np.empty((batch, n), dtype) for n in outs]
        self.A = [np.empty((batch, n), dtype) for n in outs]
        self.dZ = [np.empty((batch, n), dtype) for n in outs]
        self.slope = [np.empty((batch, n), dtype) for n in outs[:-1]]
        self.dW = [np.empty((a, b), dtype) for a, b in zip(layer_sizes[:-1], outs, strict=True)]
        self.db = [np.empty(n, dtype) for n in outs]


def forward(
    X: Array,
    coefs: Sequence[Array],
    intercepts: Sequence[Array],
    activations: Sequence[Activation],
    workspace: Workspace | None = None,
) -> tuple[list[Array], list[Array]]:
    """Forward pass, keeping what the backward pass needs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    coefs : sequence of ndarray
        ``coefs[l]`` of shape ``(n_l, n_{l+1})``.
    intercepts : sequence of ndarray
        ``intercepts[l]`` broadcasting to ``(n_samples, n_{l+1})``.
    activations : sequence of Activation
        One per layer, the last being the output activation.
    workspace : Workspace, optional
        Buffers to compute in (at least ``n_samples`` rows); the results are
        then views into it.

    Returns
    -------
    Zs : list of ndarray
        Pre-activations ``[Z1, ..., ZL]``, ``Zs[l]`` of shape ``(n_samples, n_{l+1})``.
    As : list of ndarray
        Activations ``[X, A1, ..., AL]``; ``As[-1]`` is the network's output.
    """
    m = X.shape[0]
    Zs, As = [], [X]
    A = X
    ws = workspace
    for l, (W, b, g) in enumerate(zip(coefs, intercepts, activations, strict=True)):
        Z = np.dot(A, W, out=None if ws is None else ws.Z[l][:m])
        Z += b
        A = g.forward(Z) if ws is None else g.forward_into(Z, ws.A[l][:m])
        Zs.append(Z)
        As.append(A)
    return Zs, As


def backward(
    Zs: Sequence[Array],
    As: Sequence[Array],
    coefs: Sequence[Array],
    activations: Sequence[Activation],
    dZ: Array,
    workspace: Workspace | None = None,
) -> tuple[list[Array], list[Array]]:
    """Backward pass: gradients of the loss for every weight and bias.

    Parameters
    ----------
    Zs, As : list of ndarray
        As returned by :func:`forward`.
    coefs : sequence of ndarray
        The weights used in the forward pass.
    activations : sequence of Activation
        The same activations as in the forward pass.
    dZ : ndarray of shape (n_samples, n_outputs)
        Gradient of the loss with respect to the output pre-activation, already
        divided by the number of samples (see
        :func:`barenet.engine.losses.output_delta`).
    workspace : Workspace, optional
        Buffers to compute in; the gradients are then views into it.

    Returns
    -------
    dWs : list of ndarray
        ``dWs[l] = A[l]^T dZ[l+1]``, same shapes as ``coefs``.
    dbs : list of ndarray
        ``dbs[l] = sum over samples of dZ[l+1]``, shape ``(n_{l+1},)``.

    Notes
    -----
    Between layers, ``dZ[l] = (dZ[l+1] W[l]^T) * g'(Z[l])``.
    """
    n_layers, m = len(coefs), dZ.shape[0]
    ws = workspace
    dWs: list[Array] = [None] * n_layers  # type: ignore[list-item]
    dbs: list[Array] = [None] * n_layers  # type: ignore[list-item]
    for l in range(n_layers - 1, -1, -1):
        dWs[l] = np.dot(As[l].T, dZ, out=None if ws is None else ws.dW[l])
        dbs[l] = dZ.sum(axis=0, out=None if ws is None else ws.db[l])
        if l > 0:
            g, out = activations[l - 1], None if ws is None else ws.dZ[l - 1][:m]
            slope = (g.derivative(Zs[l - 1], As[l]) if ws is None
                     else g.derivative_into(Zs[l - 1], As[l], ws.slope[l - 1][:m]))
            dZ = np.multiply(np.dot(dZ, coefs[l].T, out=out), slope, out=out)
    return dWs, dbs
