"""A dense network laid out for full-batch training: the fast form of :mod:`.network`.

The formulas are those of :func:`barenet.engine.network.forward` and
:func:`~barenet.engine.network.backward`, computed by the same activation
and loss functions; what differs is how the arrays are laid out, so that an
iteration over a small data set is a handful of NumPy calls and allocates
nothing:

* **columns = samples**: a layer computes ``Z = W A`` with ``A`` of shape
  ``(n_in, m)``.  On small networks this orientation is the faster one for
  BLAS, and it is the article's.
* **biases as weights**: every layer's input carries a constant last row of
  ones, so ``Z = [W | b] [A; 1]`` is one product, and the backward product
  ``dZ [A; 1]^T`` gives ``[dW | db]`` at once.
* **one flat vector**: every ``[W | b]`` is a view into ``theta`` and every
  gradient a view into ``step``, so the update is one subtraction.
* **the learning rate folded into the output gradient**: ``dZ`` of the output
  is multiplied by it once (:func:`~barenet.engine.losses.output_delta`'s
  ``scale``), and every gradient computed from it comes out as a step.
* **activations in place**: ``A = g(Z)`` overwrites ``Z``, so only
  activations whose slope reads ``A`` alone can be used (all the built-in
  ones, see :attr:`~barenet.engine.activations.Activation.slope_from_output`).

Rows = samples stays the layout everywhere else; the weights a network
exposes (:meth:`FoldedNetwork.coefs`) are views in that layout, so code that
reads ``coefs[l]`` of shape ``(n_in, n_out)`` reads these directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .activations import Activation
from .losses import output_delta

Array = np.ndarray


def _slope_function(g: Activation) -> Callable[..., Array]:
    """``slope(None, A, out=...)`` of an activation whose slope reads ``A`` only."""
    return g.derivative if g.accepts_out else g.derivative_into


class FoldedNetwork:
    """Parameters, data and every intermediate array of full-batch training.

    Parameters
    ----------
    X : ndarray of shape (n_features, m)
        The training inputs, samples as columns (copied once, beside a row of ones).
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_outputs)``.
    hidden : sequence of Activation
        One per hidden layer, each with ``slope_from_output``.
    output_activation : callable
        ``output_activation(Z, out=...)`` in the rows = samples layout, e.g.
        :func:`~barenet.engine.activations.sigmoid` or
        :func:`~barenet.engine.losses.softmax`.
    dtype : dtype, optional
        Default: ``X``'s.

    Attributes
    ----------
    theta : ndarray
        All parameters, layer by layer, each layer's ``[W | b]`` row by row.
    step : ndarray
        Written by :meth:`backward`: ``scale`` times the gradient of the mean
        loss, same layout as ``theta``.
    W, dW : list of ndarray
        Views ``[W | b]`` of shape ``(n_out, n_in + 1)`` into ``theta`` and ``step``.
    Z : ndarray of shape (n_outputs, m)
        Output pre-activations of the last :meth:`forward`.
    mask : ndarray of shape (n_outputs, n_last_hidden + 1), optional
        Multiplies the last layer's step: zeros keep those weights where
        they are (the batched sweep's block-structured output layer).
    """

    def __init__(self, X: Array, layer_sizes: Sequence[int], hidden: Sequence[Activation],
                 output_activation: Callable[..., Array], dtype: type | None = None) -> None:
        for g in hidden:
            if not g.slope_from_output:
                raise ValueError(f"activation {g.name!r} needs Z for its slope; "
                                 "FoldedNetwork overwrites Z with A")
        dtype = X.dtype if dtype is None else dtype
        sizes, m = list(layer_sizes), X.shape[1]
        shapes = [(n_out, n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        ends = np.cumsum([rows * cols for rows, cols in shapes])
        self.theta = np.zeros(ends[-1], dtype)
        self.step = np.empty_like(self.theta)
        cuts = zip(ends - [rows * cols for rows, cols in shapes], ends, shapes, strict=True)
        self.W, self.dW = [], []
        for start, end, shape in cuts:
            self.W.append(self.theta[start:end].reshape(shape))
            self.dW.append(self.step[start:end].reshape(shape))
        # Inputs of each layer, [A; 1]: the last row stays ones.
        self.A = [np.ones((n + 1, m), dtype) for n in sizes[:-1]]
        self.A[0][:-1] = X
        self.Z = np.empty((sizes[-1], m), dtype)
        self.P = np.empty_like(self.Z)
        self.dZ = [np.empty((n, m), dtype) for n in sizes[1:]]
        self.slope = [np.empty((n, m), dtype) for n in sizes[1:-1]]
        self.hidden, self.output_activation = list(hidden), output_activation
        self.mask: Array | None = None
        # What each iteration reads, looked up once: per hidden layer the
        # weights, its input, its units and the activation's functions; per
        # layer (last first) what the backward products read.
        layers = zip(self.W[:-1], self.A[:-1], self.A[1:], self.hidden, strict=True)
        self._forward = [(W, A_in, A_out[:-1], g.forward if g.accepts_out else g.forward_into)
                         for W, A_in, A_out, g in layers]
        self._backward = [(self.dW[l], self.A[l].T, self.W[l][:, :-1].T,
                           self.dZ[l - 1] if l else None,
                           self.A[l][:-1] if l else None,
                           self.slope[l - 1] if l else None,
                           _slope_function(self.hidden[l - 1]) if l else None)
                          for l in range(len(self.W) - 1, -1, -1)]
        self._Z_T, self._P_T, self._dZ_T = self.Z.T, self.P.T, self.dZ[-1].T

    # -- parameters in the rows = samples layout --------------------------------
    def coefs(self) -> list[Array]:
        """``coefs[l]`` of shape ``(n_in, n_out)``: views into ``theta``."""
        return [W[:, :-1].T for W in self.W]

    def intercepts(self) -> list[Array]:
        """``intercepts[l]`` of shape ``(n_out,)``: views into ``theta``."""
        return [W[:, -1] for W in self.W]

    def set_parameters(self, coefs: Sequence[Array], intercepts: Sequence[Array]) -> None:
        """Copy ``coefs[l]`` ``(n_in, n_out)`` and ``intercepts[l]`` into ``theta``."""
        for W, coef, b in zip(self.W, coefs, intercepts, strict=True):
            W[:, :-1] = coef.T
            W[:, -1] = np.ravel(b)

    # -- one iteration ----------------------------------------------------------
    def forward(self) -> Array:
        """Forward pass on the training inputs; returns the output activations ``(n_outputs, m)``.

        The output pre-activations stay in :attr:`Z`, each hidden layer's
        activations in ``A[l + 1]``.
        """
        for W, A_in, units, g in self._forward:
            np.dot(W, A_in, out=units)              # Z = [W | b] [A; 1]
            g(units, out=units)                     # A = g(Z), in place
        np.dot(self.W[-1], self.A[-1], out=self.Z)
        self.output_activation(self._Z_T, out=self._P_T)
        return self.P

    def backward(self, Y: Array, sample_weight: Array | None = None,
                 scale: float = 1.0) -> Array:
        """Backward pass after :meth:`forward`: ``step = scale * dLoss/dtheta``.

        Parameters
        ----------
        Y : ndarray of shape (m, n_outputs)
            Targets encoded for the output, rows = samples.
        sample_weight : ndarray of shape (m,), optional
        scale : float, default 1
            Gradient descent passes its learning rate: ``step`` is then the step.

        Returns
        -------
        ndarray
            :attr:`step`.
        """
        dZ = output_delta(self._P_T, Y, sample_weight, out=self._dZ_T, scale=scale).T
        for dW, A_in_T, W_T, dZ_in, A_in, slope, derivative in self._backward:
            np.dot(dZ, A_in_T, out=dW)              # [dW | db] = dZ [A; 1]^T
            if dZ_in is not None:                   # dZ_in = W^T dZ * g'(Z_in)
                dZ = np.dot(W_T, dZ, out=dZ_in)
                dZ *= derivative(None, A_in, out=slope)
        if self.mask is not None:
            self.dW[-1] *= self.mask
        return self.step
