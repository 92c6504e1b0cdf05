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
"""

from __future__ import annotations

import numpy as np

from .activations import Activation

Array = np.ndarray


class Dense:
    """One layer's parameters ``[W | b]``, their gradient ``[dW | db]`` and activation ``g``.

    ``Wb`` and ``dWb`` are views into the network's flat parameter and
    gradient vectors (:class:`barenet.engine.network.Network`): the layer
    owns no memory, and an optimiser updating the flat vector updates it.

    Parameters
    ----------
    Wb, dWb : ndarray of shape (n_out, n_in + 1)
    g : Activation
        The layer's activation (the output layer's is applied by the network,
        with its loss).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> layer = Dense(np.array([[1.0, 2.0, 0.5]]), np.empty((1, 3)), ACTIVATIONS["tanh"])
    >>> A_in = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])   # 2 samples, and the ones
    >>> layer.forward(A_in, np.empty((1, 2))).tolist()            # W A_in + b
    [[1.5, 2.5]]
    """

    def __init__(self, Wb: Array, dWb: Array, g: Activation) -> None:
        self.Wb, self.dWb, self.g = Wb, dWb, g
        self.W_T = Wb[:, :-1].T          # Wᵀ without the bias column: a view, made once
        # NOTE: with one unit, Wᵀ dZ is an outer product: a broadcast
        # multiplication does it cheaper than BLAS.
        self._product = np.multiply if Wb.shape[0] == 1 else np.dot

    def forward(self, A_in: Array, Z: Array) -> Array:
        """``Z = W A_in + b`` written into ``Z`` (``A_in`` is ``[A_in; 1]``, ``(n_in + 1, m)``)."""
        return np.dot(self.Wb, A_in, out=Z)             # Z = [W | b] [A_in; 1]

    def backward(self, A_in_T: Array, dZ: Array, dA_in: Array | None) -> None:
        """``[dW | db]`` into :attr:`dWb` and, unless ``dA_in`` is None, ``Wᵀ dZ`` into it.

        ``A_in_T`` is ``[A_in; 1]ᵀ`` of shape ``(m, n_in + 1)``, ``dZ`` the
        gradient of the loss with respect to ``Z``, ``(n_out, m)``.
        """
        np.dot(dZ, A_in_T, out=self.dWb)                # [dW | db] = dZ [A_in; 1]ᵀ
        if dA_in is not None:
            self._product(self.W_T, dZ, out=dA_in)      # dA_in = Wᵀ dZ
