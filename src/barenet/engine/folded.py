"""A dense network laid out for training: the fast form of :mod:`.network`.

The formulas are those of :func:`barenet.engine.network.forward` and
:func:`~barenet.engine.network.backward`, computed by the same activation
and loss functions; what differs is how the arrays are laid out, so that a
step (over the full batch or a mini-batch) is a handful of NumPy calls and
allocates nothing:

* **columns = samples**: a layer computes ``Z = W A`` with ``A`` of shape
  ``(n_in, m)``.  On small networks this orientation is the faster one for
  BLAS, and it is the article's.
* **biases as weights**: every layer's input carries a constant last row of
  ones, so ``Z = [W | b] [A; 1]`` is one product, and the backward product
  ``dZ [A; 1]^T`` gives ``[dW | db]`` at once.
* **one flat vector**: every ``[W | b]`` is a view into ``theta`` and every
  gradient a view into ``step``, so the update is one subtraction, or one
  optimiser step on one vector (momentum and Adam are elementwise; their
  state is laid out the same way with :meth:`FoldedNetwork.flatten`).
* **the learning rate folded into the output gradient**: for plain gradient
  descent ``dZ`` of the output is multiplied by it once
  (:func:`~barenet.engine.losses.output_delta`'s ``scale``), and every
  gradient computed from it comes out as a step.
* **activations in place**: ``A = g(Z)`` overwrites ``Z``, and on the way
  back the slope ``g'`` overwrites ``A``, so only activations whose slope
  reads ``A`` alone can be used (all the built-in ones, see
  :attr:`~barenet.engine.activations.Activation.slope_from_output`).

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


class _Pass:
    """The arrays of a forward and backward pass over ``m`` samples (columns)."""

    def __init__(self, net: FoldedNetwork, m: int) -> None:
        sizes, dtype = net.layer_sizes, net.theta.dtype
        # Inputs of each layer, [A; 1]: the last row stays ones.
        self.A = [np.ones((n + 1, m), dtype) for n in sizes[:-1]]
        self.Z = np.empty((sizes[-1], m), dtype)
        self.P = np.empty_like(self.Z)
        self.dZ = [np.empty((n, m), dtype) for n in sizes[1:]]
        # What each step reads, looked up once: per hidden layer the weights,
        # its input, its units and the activation; per layer (last first)
        # what the backward products read.
        layers = zip(net.W[:-1], self.A[:-1], self.A[1:], net.hidden, strict=True)
        self.forward = [(W, A_in, A_out[:-1], g.forward_into) for W, A_in, A_out, g in layers]
        # (W^T dZ with a single output is an outer product: a broadcast
        # multiplication does it cheaper than BLAS.)
        self.backward = [(net.dW[l], self.A[l].T, net.W[l][:, :-1].T,
                          np.multiply if net.W[l].shape[0] == 1 else np.dot,
                          self.dZ[l - 1] if l else None,
                          self.A[l][:-1] if l else None,
                          net.hidden[l - 1].derivative_into if l else None)
                         for l in range(len(net.W) - 1, -1, -1)]
        self.Z_T, self.P_T, self.dZ_T = self.Z.T, self.P.T, self.dZ[-1].T


class FoldedNetwork:
    """Parameters and the arrays of training, laid out as the module describes.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_outputs)``.
    hidden : sequence of Activation
        One per hidden layer, each with ``slope_from_output``.
    output_activation : callable
        ``output_activation(Z, out=...)`` in the rows = samples layout, e.g.
        :func:`~barenet.engine.activations.sigmoid` or
        :func:`~barenet.engine.losses.softmax`.
    dtype : dtype, default float64

    Attributes
    ----------
    theta : ndarray
        All parameters, layer by layer, each layer's ``[W | b]`` row by row.
    step : ndarray
        Written by :meth:`backward`: ``scale`` times the gradient of the mean
        loss, same layout as ``theta``.
    W, dW : list of ndarray
        Views ``[W | b]`` of shape ``(n_out, n_in + 1)`` into ``theta`` and ``step``.
    mask : ndarray of shape (n_outputs, n_last_hidden + 1), optional
        Multiplies the last layer's step: zeros keep those weights where
        they are (the batched sweep's block-structured output layer).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS, sigmoid
    >>> net = FoldedNetwork([2, 3, 1], [ACTIVATIONS["tanh"]], sigmoid)
    >>> net.inputs(5)[...] = np.arange(10.0).reshape(2, 5)   # 5 samples, as columns
    >>> net.forward(5).shape
    (1, 5)
    >>> step = net.backward(np.ones((5, 1)), scale=0.1)   # 0.1 * gradient
    >>> net.theta -= step                                  # one step of descent
    """

    def __init__(self, layer_sizes: Sequence[int], hidden: Sequence[Activation],
                 output_activation: Callable[..., Array], dtype: type = np.float64) -> None:
        for g in hidden:
            if not g.slope_from_output:
                raise ValueError(f"activation {g.name!r} needs Z for its slope; "
                                 "FoldedNetwork overwrites Z with A")
        self.layer_sizes = sizes = list(layer_sizes)
        self._shapes = [(n_out, n_in + 1)
                        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        self.theta = np.zeros(sum(rows * cols for rows, cols in self._shapes), dtype)
        self.step = np.empty_like(self.theta)
        self.W, self.dW = self.layers(self.theta), self.layers(self.step)
        self.hidden, self.output_activation = list(hidden), output_activation
        self.mask: Array | None = None
        self._passes: dict[int, _Pass] = {}  # by number of samples (a full and a last batch)
        self._last: _Pass | None = None

    def _pass(self, m: int) -> _Pass:
        p = self._passes.get(m)
        if p is None:
            p = self._passes[m] = _Pass(self, m)
        return p

    # -- parameters in the rows = samples layout --------------------------------
    def layers(self, vector: Array) -> list[Array]:
        """Views ``[W | b]`` of each layer into ``vector``, laid out like :attr:`theta`."""
        views, start = [], 0
        for rows, cols in self._shapes:
            views.append(vector[start:start + rows * cols].reshape(rows, cols))
            start += rows * cols
        return views

    def parameters(self, vector: Array) -> list[Array]:
        """Views ``[*coefs, *intercepts]`` into ``vector`` (laid out like :attr:`theta`).

        ``coefs[l]`` has shape ``(n_in, n_out)`` and ``intercepts[l]`` shape
        ``(n_out,)``: the rows = samples layout of
        :attr:`barenet.training.Network.params`.
        """
        layers = self.layers(vector)
        return [V[:, :-1].T for V in layers] + [V[:, -1] for V in layers]

    def flatten(self, params: Sequence[Array], out: Array | None = None) -> Array:
        """A vector laid out like :attr:`theta` from arrays laid out like the parameters.

        ``params`` is ``[*coefs, *intercepts]`` (the order of
        :attr:`barenet.training.Network.params`), or anything of those
        shapes: an optimiser's velocities or moment estimates.  Written into
        ``out`` when given, else into a new vector.
        """
        vector = np.empty_like(self.theta) if out is None else out
        for view, p in zip(self.parameters(vector), params, strict=True):
            view[...] = np.reshape(p, view.shape)
        return vector

    def unflatten(self, vector: Array) -> list[Array]:
        """The inverse of :meth:`flatten`: ``[*coefs, *intercepts]``, new C-ordered arrays."""
        return [view.copy() for view in self.parameters(vector)]

    def coefs(self) -> list[Array]:
        """``coefs[l]`` of shape ``(n_in, n_out)``: views into ``theta``."""
        return self.parameters(self.theta)[:len(self.W)]

    def intercepts(self) -> list[Array]:
        """``intercepts[l]`` of shape ``(n_out,)``: views into ``theta``."""
        return self.parameters(self.theta)[len(self.W):]

    def set_parameters(self, coefs: Sequence[Array], intercepts: Sequence[Array]) -> None:
        """Copy ``coefs[l]`` ``(n_in, n_out)`` and ``intercepts[l]`` into ``theta``."""
        self.flatten([*coefs, *intercepts], out=self.theta)

    # -- one iteration ----------------------------------------------------------
    def inputs(self, m: int) -> Array:
        """The input array of a pass over ``m`` samples, ``(n_features, m)``: write the data here.

        It keeps what was written: data written once serves every full-batch
        iteration.
        """
        return self._pass(m).A[0][:-1]

    def forward(self, m: int) -> Array:
        """Forward pass over the ``m`` samples in :meth:`inputs`.

        Returns the output activations ``(n_outputs, m)``; the output
        pre-activations are then :attr:`Z`.
        """
        p = self._last = self._pass(m)
        for W, A_in, units, g in p.forward:
            np.dot(W, A_in, out=units)              # Z = [W | b] [A; 1]
            g(units, out=units)                     # A = g(Z), in place
        np.dot(self.W[-1], p.A[-1], out=p.Z)
        self.output_activation(p.Z_T, out=p.P_T)
        return p.P

    @property
    def Z(self) -> Array:
        """Output pre-activations ``(n_outputs, m)`` of the last :meth:`forward`."""
        if self._last is None:
            raise RuntimeError("call forward() first")
        return self._last.Z

    def backward(self, Y: Array, sample_weight: Array | None = None,
                 scale: float = 1.0) -> Array:
        """Backward pass after :meth:`forward`: ``step = scale * dLoss/dtheta``.

        Each hidden layer's activations are overwritten by their slopes on
        the way (the next :meth:`forward` computes them again).

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
        p = self._last
        if p is None:
            raise RuntimeError("call forward() first")
        dZ = output_delta(p.P_T, Y, sample_weight, out=p.dZ_T, scale=scale).T
        for dW, A_in_T, W_T, product, dZ_in, A_in, derivative in p.backward:
            np.dot(dZ, A_in_T, out=dW)              # [dW | db] = dZ [A; 1]^T
            if dZ_in is not None:                   # dZ_in = W^T dZ * g'(Z_in)
                product(W_T, dZ, out=dZ_in)
                # A_in is not read again in this pass: its slope overwrites it.
                dZ = np.multiply(dZ_in, derivative(None, A_in, out=A_in), out=dZ_in)
        if self.mask is not None:
            self.dW[-1] *= self.mask
        return self.step
