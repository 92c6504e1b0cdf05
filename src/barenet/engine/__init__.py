"""The engine: pure NumPy maths, no I/O.

``network``      :class:`~barenet.engine.network.Network`, the one network every model
                 trains and predicts with: its forward and backward loops
``dense``        one layer, ``Z = W A + b`` beside ``[dW | db] = dZ [A; 1]ᵀ``, ``dA = Wᵀ dZ``
``activations``  element-wise non-linearities beside their derivatives
``losses``       output activations paired with their losses, and the fused output gradient
``optimizers``   SGD (momentum, Nesterov) and Adam on one flat vector, in place; clipping
``initializers`` weight initialisers
"""
