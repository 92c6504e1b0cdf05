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


def forward(
    X: Array,
    coefs: Sequence[Array],
    intercepts: Sequence[Array],
    activations: Sequence[Activation],
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

    Returns
    -------
    Zs : list of ndarray
        Pre-activations ``[Z1, ..., ZL]``, ``Zs[l]`` of shape ``(n_samples, n_{l+1})``.
    As : list of ndarray
        Activations ``[X, A1, ..., AL]``; ``As[-1]`` is the network's output.
    """
    Zs, As = [], [X]
    A = X
    for W, b, g in zip(coefs, intercepts, activations, strict=True):
        Z = np.dot(A, W) + b
        A = g.forward(Z)
        Zs.append(Z)
        As.append(A)
    return Zs, As


def backward(
    Zs: Sequence[Array],
    As: Sequence[Array],
    coefs: Sequence[Array],
    activations: Sequence[Activation],
    dZ: Array,
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
    n_layers = len(coefs)
    dWs: list[Array] = [None] * n_layers  # type: ignore[list-item]
    dbs: list[Array] = [None] * n_layers  # type: ignore[list-item]
    for l in range(n_layers - 1, -1, -1):
        dWs[l] = np.dot(As[l].T, dZ)
        dbs[l] = dZ.sum(axis=0)
        if l > 0:
            dZ = np.dot(dZ, coefs[l].T) * activations[l - 1].derivative(Zs[l - 1], As[l])
    return dWs, dbs
