"""The article's shallow network, function by function.

These are the functions of the tutorial and of the deep-learning course it
follows, with the same names, arguments, defaults and **column layout**:
``X`` is ``(n_x, m)`` (features x samples) and ``Y`` is ``(1, m)``, which is
also the engine's layout.  Each is written out in the course's notation over
:mod:`barenet.engine`, which holds the maths once for every model in barenet:
the course's ``W1, b1`` are the first :class:`~barenet.engine.dense.Dense`
layer's ``[W | b]``, and so on.

The network is 2 inputs -> ``n_h`` tanh units -> 1 sigmoid output:

* ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``, ``Z2 = W2 A1 + b2``, ``A2 = sigmoid(Z2)``
* ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]``
* ``dZ2 = A2 - Y``, ``dW2 = (1/m) dZ2 A1^T``, ``db2 = (1/m) sum dZ2``,
  ``dZ1 = W2^T dZ2 * (1 - A1**2)``, ``dW1 = (1/m) dZ1 X^T``, ``db1 = (1/m) sum dZ1``
* ``theta <- theta - alpha dtheta``

Training: :func:`nn_model` is one :func:`~barenet.training.step.train_step`
of the engine's network per iteration, plain gradient descent as every
estimator runs it; it equals the step functions called in a loop, up to
rounding.  :func:`nn_model_sweep` is :func:`nn_model` once per hidden size.

Randomness: :func:`initialize_parameters` uses ``numpy.random.RandomState(seed)``
(never the global state), drawing ``W1`` then ``W2`` as the course does, so
``seed=2`` gives the course's published numbers.

Examples
--------
>>> from barenet import datasets, shallow
>>> X, y = datasets.load_planar_dataset()
>>> X, Y = X.T, y.reshape(1, -1)          # the course's layout
>>> parameters = shallow.nn_model(X, Y, n_h=4, num_iterations=1000)
>>> float((shallow.predict(parameters, X) == Y).mean()) > 0.8
True
"""

from __future__ import annotations

from .._course_network import training_memory
from .course import (
    backward_propagation,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    layer_sizes,
    nn_model,
    predict,
    predict_proba,
    update_parameters,
)
from .sweep import ARTICLE_SIZES, nn_model_sweep

# In the course's order: the documentation lists them so.
__all__ = [
    "layer_sizes",
    "initialize_parameters",
    "forward_propagation",
    "compute_cost",
    "backward_propagation",
    "update_parameters",
    "nn_model",
    "nn_model_sweep",
    "predict_proba",
    "predict",
    "training_memory",
    "ARTICLE_SIZES",
]
