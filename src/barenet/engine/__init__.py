"""The engine: pure NumPy maths, no I/O.

``activations``  element-wise non-linearities beside their derivatives
``losses``       output activations paired with their losses, and the fused output gradient
``initializers`` weight initialisers
``network``      forward and backward passes of a dense network
``optimizers``   parameter updates
"""
