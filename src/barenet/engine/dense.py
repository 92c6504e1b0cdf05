"""One dense layer: its forward pass beside its backward pass.

The course's notation, columns = samples: a layer takes the activations
``A_in`` of shape ``(n_in, m)`` of the layer before and computes

    Z = W A_in + b          pre-activations, (n_out, m)
    A = g(Z)                activations, (n_out, m)

and on the way back, given ``dZ = dJ/dZ``:

    dW = dZ A_inᵀ           (n_out, n_in)
    db = Σ_samples dZ       (n_out, 1)
    dA_in = Wᵀ dZ           (n_in, m); the layer before turns it into its
                            own dZ_in = dA_in * g'(Z_in)

NOTE: the bias is stored as the last column of the weights, ``[W | b]`` of
shape ``(n_out, n_in + 1)``, and ``A_in`` carries a last row of ones,
``[A_in; 1]``.  Then ``W A_in + b = [W | b] [A_in; 1]`` is one matrix product,
and so is ``[dW | db] = dZ [A_in; 1]ᵀ`` (the row of ones sums ``dZ`` over the
samples): two BLAS calls a layer instead of four NumPy operations.

NOTE: sparse data (``scipy.sparse``, e.g. TF-IDF features) enters the first
layer as it is, rows = samples (:class:`SparseRows`): ``Z = (X Wᵀ)ᵀ + b`` and
``dW = (Xᵀ dZᵀ)ᵀ`` are sparse × dense products, and ``X`` is never made dense.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import Activation

Array = np.ndarray


class SparseRows:
    """The first layer's input when the data is sparse: ``X`` of shape ``(m, n_in)``.

    Rows = samples, in CSR form, as the user gave them (no row of ones: the
    bias is added on its own).  :class:`Dense` multiplies it as it is.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> layer = Dense(np.array([[1.0, 2.0, 0.5]]), np.empty((1, 3)), ACTIVATIONS["tanh"])
    >>> A_in = SparseRows()
    >>> A_in.X = csr_matrix([[1.0, 0.0], [0.0, 3.0]])      # 2 samples, rows = samples
    >>> layer.forward(A_in, np.empty((1, 2))).tolist()      # (X Wᵀ)ᵀ + b
    [[1.5, 6.5]]
    """

    __slots__ = ("X",)

    def __init__(self) -> None:
        self.X: Any = None


class Dense:
    """One layer's parameters ``[W | b]``, their gradient ``[dW | db]`` and activation ``g``.

    ``Wb`` and ``dWb`` are views into the network's flat parameter and
    gradient vectors (:class:`barenet.engine.network.Network`): the layer
    owns no memory, and an optimiser updating the flat vector updates it.

    Parameters
    ----------
    Wb, dWb : ndarray of shape (n_out, n_in + 1)
    g : Activation or None
        The layer's activation (None for the output layer: the network
        applies the output's activation, with its loss).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> layer = Dense(np.array([[1.0, 2.0, 0.5]]), np.empty((1, 3)), ACTIVATIONS["tanh"])
    >>> A_in = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])   # 2 samples, and the ones
    >>> layer.forward(A_in, np.empty((1, 2))).tolist()            # W A_in + b
    [[1.5, 2.5]]
    """

    def __init__(self, Wb: Array, dWb: Array, g: Activation | None) -> None:
        self.Wb, self.dWb, self.g = Wb, dWb, g
        self.W_T = Wb[:, :-1].T          # Wᵀ without the bias column: a view, made once
        # NOTE: with one unit, Wᵀ dZ is an outer product: a broadcast
        # multiplication does it cheaper than BLAS.
        self._product = np.multiply if Wb.shape[0] == 1 else np.dot

    def forward(self, A_in: Array | SparseRows, Z: Array) -> Array:
        """``Z = W A_in + b`` written into ``Z`` (``A_in`` is ``[A_in; 1]``, ``(n_in + 1, m)``)."""
        if isinstance(A_in, SparseRows):                # sparse data X, rows = samples:
            return np.add((A_in.X @ self.W_T).T, self.Wb[:, -1:], out=Z)  # Z = (X Wᵀ)ᵀ + b
        return np.dot(self.Wb, A_in, out=Z)             # Z = [W | b] [A_in; 1]

    def backward(self, A_in_T: Array | SparseRows, dZ: Array, dA_in: Array | None) -> None:
        """``[dW | db]`` into :attr:`dWb` and, unless ``dA_in`` is None, ``Wᵀ dZ`` into it.

        ``A_in_T`` is ``[A_in; 1]ᵀ`` of shape ``(m, n_in + 1)`` (or sparse
        data, :class:`SparseRows`), ``dZ`` the gradient of the loss with
        respect to ``Z``, ``(n_out, m)``.
        """
        if isinstance(A_in_T, SparseRows):              # sparse data X: the first layer
            self.dWb[:, :-1] = (A_in_T.X.T @ dZ.T).T    # dW = dZ X = (Xᵀ dZᵀ)ᵀ
            np.sum(dZ, axis=1, out=self.dWb[:, -1])     # db = Σ_samples dZ
            return
        np.dot(dZ, A_in_T, out=self.dWb)                # [dW | db] = dZ [A_in; 1]ᵀ
        if dA_in is not None:
            self._product(self.W_T, dZ, out=dA_in)      # dA_in = Wᵀ dZ
