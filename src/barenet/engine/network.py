"""A dense network: a stack of :class:`~barenet.engine.dense.Dense` layers, trained as one.

Every model in barenet is this class: the article's network
(:func:`barenet.shallow.nn_model`), the estimators, the gradient check, the
figures and the playground.  Its forward and backward passes are
:meth:`Network.forward` and :meth:`Network.backward`, a few lines each.

How it is laid out, and why (each choice is a measured speed-up; none
changes a formula):

* **columns = samples** inside, the course's layout: ``A`` of a layer is
  ``(n_units, m)``.  On the small networks of the course BLAS is faster this
  way round.  The data, and the weights a user reads (:meth:`Network.coefs`),
  stay rows = samples; those are views or one transposed copy at the edge.
* **biases folded into the weights** (see :mod:`~barenet.engine.dense`): one
  product per layer forward, one backward.
* **one flat parameter vector** :attr:`Network.theta`, every layer's
  ``[W | b]`` a view into it, and one gradient vector :attr:`Network.grad`
  laid out the same: an optimiser updates one vector in place, and its state
  is laid out like it.
* **buffers bound once per batch size** (a small plan, made on the first
  pass over ``m`` samples): a training step allocates no array of the
  batch's size for tanh, relu and identity units (the slopes of sigmoid and
  leaky relu units still make a temporary each, as does the L2 term).
* **activations in place**: ``A = g(Z)`` overwrites ``Z``, and on the way
  back the slope ``g'`` overwrites ``A``, for every activation whose slope
  reads its output (all the built-in ones: ``1 - A**2`` for tanh).  A custom
  activation whose slope needs ``Z`` keeps ``Z`` in a buffer of its own.
* **the learning rate folded into the output gradient**: ``backward(...,
  scale=lr)`` makes every gradient come out as the step of plain gradient
  descent (:meth:`barenet.engine.optimizers.SGD.gradient_scale`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike
from scipy.sparse import issparse

from .._memory import forward_rows
from .activations import Activation
from .dense import Dense, SparseRows
from .losses import Output, output_delta

Array = np.ndarray

# Buffers kept for predictions (a chunk size and its last chunk, for a couple
# of data sets); those of training are kept for the network's life.
MAX_PREDICTION_PLANS = 4


class _Plan:
    """The buffers of a forward and backward pass over ``m`` samples (columns)."""

    def __init__(self, net: Network, m: int, sparse: bool = False) -> None:
        sizes, dtype, layers = net.layer_sizes, net.theta.dtype, net.layers
        # Inputs of each layer, [A; 1]: the last row stays ones.  Sparse data
        # is the first layer's input as it is, rows = samples.
        hidden_in = [np.ones((n + 1, m), dtype) for n in sizes[1:-1]]
        first: Array | SparseRows = (SparseRows() if sparse
                                     else np.ones((sizes[0] + 1, m), dtype))
        self.A = [first, *hidden_in]
        self.sparse = first if isinstance(first, SparseRows) else None
        self.data = None if isinstance(first, SparseRows) else first[:-1]  # dense data, columns
        self.units = [A[:-1] for A in hidden_in]       # hidden activations, without the ones
        # Z of the hidden layers: the activations' own rows, unless the slope needs Z.
        self.Z_hidden = [units if g.slope_from_output else np.empty_like(units)
                         for g, units in zip(net.hidden, self.units, strict=True)]
        self.Z = np.empty((sizes[-1], m), dtype)        # output pre-activations
        self.P = np.empty_like(self.Z)                  # output activations
        self.dZ = [np.empty((n, m), dtype) for n in sizes[1:]]
        self.Z_T, self.P_T, self.dZ_out_T = self.Z.T, self.P.T, self.dZ[-1].T
        # What each layer reads and writes, looked up once (a step is then a
        # handful of NumPy calls): forward, the hidden layers first to last;
        # backward, every layer last to first, with the slope of the layer
        # before (None for the first layer, whose input is the data).
        self.forward = list(zip(layers[:-1], net.hidden, self.A[:-1], self.Z_hidden,
                                self.units, strict=True))
        self.backward = [
            (layer, A_in if isinstance(A_in, SparseRows) else A_in.T, *self._before(net, l))
            for l, (layer, A_in) in reversed(list(enumerate(zip(layers, self.A, strict=True))))]

    def _before(self, net: Network, l: int) -> tuple:
        """``dA_in``, the slope of layer ``l - 1`` and where it reads ``Z`` and ``A``."""
        if l == 0:
            return None, None, None, None
        g = net.hidden[l - 1]
        return (self.dZ[l - 1], g.derivative_into,
                None if g.slope_from_output else self.Z_hidden[l - 1], self.units[l - 1])


class Network:
    """A dense network: layer sizes, activations and one flat parameter vector.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_outputs)``.
    hidden : sequence of Activation
        One per hidden layer.
    output : Output
        The output activation with its loss
        (:data:`barenet.engine.losses.OUTPUTS`).
    dtype : dtype, default float64

    Attributes
    ----------
    theta : ndarray
        All parameters: layer after layer, each ``[W | b]`` row by row.
    grad : ndarray
        Written by :meth:`backward`, laid out like ``theta``.
    layers : list of Dense
        Their ``Wb`` and ``dWb`` are views into ``theta`` and ``grad``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-1, 1, net.theta.size)
    >>> net.inputs(5)[...] = np.arange(10.0).reshape(2, 5)   # 5 samples, as columns
    >>> net.forward(5).shape                                 # the output activations
    (1, 5)
    >>> grad = net.backward(np.ones((5, 1)))                 # dJ/dtheta, laid out like theta
    >>> net.theta -= 0.1 * grad                              # one step of gradient descent
    """

    def __init__(self, layer_sizes: Sequence[int], hidden: Sequence[Activation],
                 output: Output, dtype: DTypeLike = np.float64) -> None:
        self.layer_sizes = sizes = [int(n) for n in layer_sizes]
        if len(hidden) != len(sizes) - 2:
            raise ValueError(f"{len(sizes) - 2} hidden layers need as many activations, "
                             f"got {len(hidden)}")
        shapes = [(n_out, n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        self.theta: Array = np.zeros(sum(r * c for r, c in shapes), dtype)
        self.grad = np.zeros_like(self.theta)
        self.hidden, self.output = list(hidden), output
        # (The output layer's activation goes with its loss: its g is never called.)
        self.layers = [Dense(Wb, dWb, g) for Wb, dWb, g in zip(
            self.views(self.theta), self.views(self.grad), [*self.hidden, None], strict=True)]
        self._plans: dict[tuple[int, bool, bool], _Plan] = {}
        self._last: _Plan | None = None
        self._sparse = False  # whether the training input written last is sparse
        self._penalty: Array | None = None

    @classmethod
    def from_weights(cls, coefs: Sequence[Array], intercepts: Sequence[Array],
                     hidden: Sequence[Activation], output: Output) -> Network:
        """A network holding copies of ``coefs[l]`` ``(n_in, n_out)`` and ``intercepts[l]``.

        The dtype is that of ``coefs[0]``; the layout is scikit-learn's
        ``coefs_`` and ``intercepts_``.
        """
        sizes = [np.shape(coefs[0])[0], *(np.shape(W)[1] for W in coefs)]
        net = cls(sizes, hidden, output, np.asarray(coefs[0]).dtype)
        net.set_parameters(coefs, intercepts)
        return net

    # -- parameters ---------------------------------------------------------------
    def views(self, vector: Array) -> list[Array]:
        """Views ``[W | b]`` of shape ``(n_out, n_in + 1)`` into ``vector``, laid out like theta."""
        views, start = [], 0
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True):
            size = n_out * (n_in + 1)
            views.append(vector[start:start + size].reshape(n_out, n_in + 1))
            start += size
        return views

    def coefs(self, vector: Array | None = None) -> list[Array]:
        """``coefs[l]`` of shape ``(n_in, n_out)``: views into ``theta`` (or ``vector``)."""
        return [Wb[:, :-1].T for Wb in self.views(self.theta if vector is None else vector)]

    def intercepts(self, vector: Array | None = None) -> list[Array]:
        """``intercepts[l]`` of shape ``(n_out,)``: views into ``theta`` (or ``vector``)."""
        return [Wb[:, -1] for Wb in self.views(self.theta if vector is None else vector)]

    def set_parameters(self, coefs: Sequence[Array], intercepts: Sequence[Array]) -> None:
        """Copy ``coefs[l]`` ``(n_in, n_out)`` and ``intercepts[l]`` ``(n_out,)`` into ``theta``."""
        for Wb, W, b in zip(self.layers, coefs, intercepts, strict=True):
            Wb.Wb[:, :-1], Wb.Wb[:, -1] = np.transpose(W), np.ravel(b)

    # -- passes -------------------------------------------------------------------
    def _plan(self, m: int, predict: bool = False, sparse: bool = False) -> _Plan:
        # (Predictions have buffers of their own: scoring held-out data
        # between epochs leaves the training batch in place.)
        key = (m, predict, sparse)
        plan = self._plans.get(key)
        if plan is None:
            if predict and sum(key[1] for key in self._plans) >= MAX_PREDICTION_PLANS:
                self._plans.pop(next(key for key in self._plans if key[1]))
            plan = self._plans[key] = _Plan(self, m, sparse)
        return plan

    def inputs(self, m: int) -> Array:
        """The input of a pass over ``m`` samples, ``(n_features, m)``: write the data here.

        It keeps what was written: data written once serves every
        full-batch iteration.
        """
        self._sparse = False
        data = self._plan(m).data
        assert data is not None  # (a dense plan)
        return data

    def write_inputs(self, X: Any, predict: bool = False) -> int:
        """Write the samples ``X`` ``(m, n_features)``, rows = samples, as the next input.

        ``X`` is a NumPy array (copied in as columns) or a ``scipy.sparse``
        matrix (kept as it is, in CSR form: the first layer multiplies it
        sparse).  Returns ``m``, for :meth:`forward`.  With ``predict``, the
        pass is one of a prediction's (see :meth:`logits`).
        """
        self._write(X, predict)
        return X.shape[0]

    def _write(self, X: Any, predict: bool) -> _Plan:
        plan = self._plan(X.shape[0], predict, issparse(X))
        if plan.sparse is not None:
            plan.sparse.X = X.tocsr()
        elif plan.data is not None:
            plan.data[...] = X.T
        if not predict:
            self._sparse = plan.sparse is not None
        return plan

    def forward(self, m: int) -> Array:
        """Forward pass over the ``m`` samples in :meth:`inputs` (or :meth:`write_inputs`).

        Returns the output activations ``P`` of shape ``(n_outputs, m)``; the
        output pre-activations are :attr:`Z`, the hidden activations
        :meth:`activations`.
        """
        return self._forward(self._plan(m, sparse=self._sparse))

    def _forward(self, p: _Plan) -> Array:
        self._last = p
        for layer, g, A_in, Z, A in p.forward:
            layer.forward(A_in, Z)                      # Z = W A_in + b
            g.forward_into(Z, A)                        # A = g(Z), in place of Z if it may
        self.layers[-1].forward(p.A[-1], p.Z)           # Z_out = W A + b
        self.output.activation(p.Z_T, out=p.P_T)        # P = sigmoid, softmax or identity
        return p.P

    def backward(self, Y: Array, sample_weight: Array | None = None, alpha: float = 0.0,
                 scale: float = 1.0) -> Array:
        """Backward pass after :meth:`forward`: ``grad = scale * dJ/dtheta``.

        ``J`` is :meth:`loss`.  The hidden activations are overwritten by
        their slopes on the way.

        Parameters
        ----------
        Y : ndarray of shape (m, n_outputs)
            Targets encoded for the output, rows = samples.
        sample_weight : ndarray of shape (m,), optional
        alpha : float, default 0
            L2 penalty on the weights (not the biases).
        scale : float, default 1
            Multiplies the whole gradient: plain gradient descent passes its
            learning rate, and :attr:`grad` is then the step.

        Returns
        -------
        ndarray
            :attr:`grad`.
        """
        p = self._pass()
        # NOTE: for sigmoid + binary cross-entropy, softmax + categorical
        # cross-entropy and identity + half squared error (the canonical
        # pairs), dJ/dZ_out = dJ/dP * dP/dZ_out collapses to (P - Y) / m.
        dZ = output_delta(p.P_T, Y, sample_weight, out=p.dZ_out_T, scale=scale).T
        for layer, A_in_T, dA_in, slope_of, Z_in, A_in in p.backward:
            layer.backward(A_in_T, dZ, dA_in)           # [dW | db] = dZ [A_in; 1]ᵀ, dA_in = Wᵀ dZ
            if dA_in is not None:
                # g'(Z_in), written over A_in (or Z_in when the slope needs Z):
                # neither is read again in this pass.
                slope = slope_of(Z_in, A_in, A_in if Z_in is None else Z_in)
                dZ = np.multiply(dA_in, slope, out=dA_in)   # dZ_in = dA_in * g'(Z_in)
        if alpha:
            factor = scale * alpha / _weight_sum(Y, sample_weight)
            for layer in self.layers:                   # dW += (alpha / m) W
                layer.dWb[:, :-1] += np.multiply(layer.Wb[:, :-1], factor,
                                                 out=self._scratch(layer.Wb[:, :-1].shape))
        return self.grad

    def loss(self, Y: Array, sample_weight: Array | None = None, alpha: float = 0.0) -> float:
        """The loss ``J`` at the last :meth:`forward`: data loss plus L2 penalty.

        ``J = loss(Y, Z_out) + alpha / (2 m) * sum ||W||**2`` over the weights
        (not the biases), as in scikit-learn's MLP; with sample weights the
        loss is their weighted mean and ``m`` their sum.
        """
        value = self.output.loss(Y, self._pass().Z_T, sample_weight)
        if alpha:
            # (||W||² = ||[W | b]||² - ||b||²: two products of contiguous rows, no copy.)
            value += 0.5 * alpha / _weight_sum(Y, sample_weight) * sum(
                float(np.vdot(layer.Wb, layer.Wb) - np.vdot(layer.Wb[:, -1], layer.Wb[:, -1]))
                for layer in self.layers)
        return value

    def _scratch(self, shape: tuple[int, ...]) -> Array:
        """A buffer of ``shape`` for the L2 term, made once: as large as the largest layer."""
        if self._penalty is None:
            self._penalty = np.empty(max(layer.Wb.size for layer in self.layers),
                                     self.theta.dtype)
        return self._penalty[:math.prod(shape)].reshape(shape)

    def loss_and_gradient(self, X: Any, Y: Array, sample_weight: Array | None = None,
                          alpha: float = 0.0) -> tuple[float, Array]:
        """:meth:`loss` and a copy of :meth:`backward`'s gradient for ``X`` ``(m, n_features)``.

        The gradient is laid out like :attr:`theta`: ``coefs(grad)`` and
        ``intercepts(grad)`` read it by layer.
        """
        m = self.write_inputs(X)
        self.forward(m)
        loss = self.loss(Y, sample_weight, alpha)
        return loss, self.backward(Y, sample_weight, alpha).copy()

    def _pass(self) -> _Plan:
        if self._last is None:
            raise RuntimeError("call forward() first")
        return self._last

    @property
    def Z(self) -> Array:
        """Output pre-activations ``(n_outputs, m)`` of the last :meth:`forward`."""
        return self._pass().Z

    @property
    def P(self) -> Array:
        """Output activations ``(n_outputs, m)`` of the last :meth:`forward`."""
        return self._pass().P

    def activations(self) -> list[Array]:
        """Hidden activations ``(n_units, m)`` of the last :meth:`forward`, layer by layer.

        Views, valid until the next pass (:meth:`backward` overwrites them).
        """
        return self._pass().units

    # -- rows = samples, at the edge ----------------------------------------------
    def logits(self, X: Any, chunk: int | None = None) -> Array:
        """Output pre-activations for ``X`` of shape ``(n_samples, n_features)``.

        ``X`` is a NumPy array or a ``scipy.sparse`` matrix.

        Returns ``(n_samples, n_outputs)``.  The samples go through ``chunk``
        at a time (by default at most 4096, fewer for wide networks: see
        :func:`barenet._memory.forward_rows`), in buffers reused from chunk to
        chunk, small enough to stay in the CPU's cache: the memory a
        prediction needs does not grow with the number of samples.
        """
        return self._by_chunks(X, chunk, lambda: [self._pass().Z])[0]

    def hidden_activations(self, X: Any, chunk: int | None = None) -> list[Array]:
        """Activations of every hidden layer for ``X`` ``(n_samples, n_features)``.

        Returns ``A[l]`` of shape ``(n_samples, n_units_l)`` for each hidden layer.
        """
        return self._by_chunks(X, chunk, self.activations)

    def _by_chunks(self, X: Any, chunk: int | None, read) -> list[Array]:
        m = X.shape[0]
        sparse = issparse(X)
        X = X.tocsr() if sparse else X  # (rows sliced cheaply)
        if chunk is None:
            units = sum(self.layer_sizes[1:])
            # Sparse data: scipy's product copies the first layer's Wᵀ once a
            # chunk; chunks whose activations outweigh that copy amortise it.
            most = max(4096, min(65536, self.layers[0].W_T.size // (4 * units))) if sparse else 4096
            chunk = forward_rows(units, self.theta.itemsize, most)
        out: list[Array] | None = None
        for start in range(0, m, chunk) if m else [0]:
            rows = X[start:start + chunk]
            self._forward(self._write(rows, predict=True))
            parts = read()
            if out is None:
                out = [np.empty((m, part.shape[0]), part.dtype) for part in parts]
            for whole, part in zip(out, parts, strict=True):
                whole[start:start + rows.shape[0]] = part.T
        assert out is not None  # (one chunk at least)
        return out


def _weight_sum(Y: Array, sample_weight: Array | None) -> float:
    """``m``, or the sum of the sample weights (a weight of 2 counts as a repeated sample)."""
    return Y.shape[0] if sample_weight is None else float(np.sum(sample_weight))
