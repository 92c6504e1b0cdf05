"""The course's functions, to read top to bottom (imported from :mod:`barenet.shallow`).

The shallow network of the article, step by step in the course's notation,
each line beside its formula: sizes, initialisation, forward pass, cost,
backward pass, update, then training and prediction.  The maths is laid out in
:mod:`barenet.shallow`'s docstring; that module is where to import them from.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._course_checks import (
    NAMES,
    check_parameters,
    check_sizes,
    check_training,
    check_X,
    check_XY,
)
from .._course_network import (
    check_training_memory,
    gradient_descent,
    to_network,
    to_parameters,
)
from ..engine.activations import sigmoid, tanh, tanh_derivative
from ..engine.initializers import small_random
from ..engine.losses import binary_log_loss

Array = np.ndarray
Parameters = dict[str, Array]


def layer_sizes(X: Array, Y: Array, n_h: int = 4) -> tuple[int, int, int]:
    """Sizes of the input, hidden and output layers.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_y, m)
    n_h : int, default 4

    Returns
    -------
    (n_x, n_h, n_y) : tuple of int

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> X = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])  # 2 features x 3 samples
    >>> Y = np.array([[1, 0, 1]])
    >>> shallow.layer_sizes(X, Y)
    (2, 4, 1)
    """
    return np.shape(X)[0], n_h, np.shape(Y)[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int = 2) -> Parameters:
    """Small random weights, zero biases.

    ``W1 = randn(n_h, n_x) * 0.01``, ``b1 = 0``, ``W2 = randn(n_y, n_h) * 0.01``,
    ``b2 = 0``, drawn in that order from ``RandomState(seed)``.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Input, hidden and output sizes.
    seed : int, default 2
        The course's seed.

    Returns
    -------
    dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (n_y, n_h), ``b2`` (n_y, 1).

    Examples
    --------
    >>> from barenet import shallow
    >>> parameters = shallow.initialize_parameters(n_x=2, n_h=4, n_y=1)
    >>> {name: value.shape for name, value in parameters.items()}
    {'W1': (4, 2), 'b1': (4, 1), 'W2': (1, 4), 'b2': (1, 1)}
    >>> float(abs(parameters["W1"]).max()) < 0.05, float(abs(parameters["b1"]).max())
    (True, 0.0)
    """
    for name, value in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        if not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    rng = np.random.RandomState(seed)
    W1 = small_random(n_x, n_h, rng).T
    W2 = small_random(n_h, n_y, rng).T
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_propagation(X: Array, parameters: Parameters) -> tuple[Array, dict[str, Array]]:
    """Forward pass: ``Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2)``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict
        ``W1, b1, W2, b2`` as from :func:`initialize_parameters`.

    Returns
    -------
    A2 : ndarray of shape (1, m)
        Probability of class 1 for each sample.
    cache : dict
        ``Z1, A1`` (n_h, m) and ``Z2, A2`` (1, m), for the backward pass.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> X = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])  # 2 features x 3 samples
    >>> Y = np.array([[1, 0, 1]])
    >>> A2, cache = shallow.forward_propagation(X, shallow.initialize_parameters(2, 4, 1))
    >>> A2.shape, sorted(cache)
    ((1, 3), ['A1', 'A2', 'Z1', 'Z2'])
    >>> A2.round(3).tolist()  # tiny weights: every probability near 0.5
    [[0.5, 0.5, 0.5]]
    """
    X = check_X(X)
    check_parameters(parameters, X.shape[0])
    W1, b1, W2, b2 = (parameters[k] for k in NAMES)
    Z1 = W1 @ X + b1          # (n_h, m): every unit's weighted input, for every sample
    A1 = tanh(Z1)             # (n_h, m)
    Z2 = W2 @ A1 + b2         # (1, m)
    A2 = sigmoid(Z2)          # (1, m): the probability of class 1
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: Array, Y: Array) -> float:
    """Cross-entropy cost ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]``.

    Parameters
    ----------
    A2 : ndarray of shape (1, m)
        Predicted probabilities.
    Y : ndarray of shape (1, m)
        0/1 labels.

    Returns
    -------
    float
        The textbook value wherever it is finite; saturated outputs (exactly 0
        or 1) give a large finite cost instead of NaN or a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> round(shallow.compute_cost(np.array([[0.9, 0.2]]), np.array([[1, 0]])), 4)
    0.1643
    """
    A2, Y = np.asarray(A2), np.asarray(Y)
    if A2.shape != Y.shape:
        raise ValueError(f"A2 has shape {A2.shape} but Y has {Y.shape}; they must match")
    return binary_log_loss(Y.T, A2.T)


def backward_propagation(
    parameters: Parameters, cache: dict[str, Array], X: Array, Y: Array
) -> dict[str, Array]:
    """Gradients of the cost for ``W1, b1, W2, b2``: backpropagation, line by line.

    With ``J = -(1/m) sum [Y log A2 + (1 - Y) log(1 - A2)]`` and
    ``A2 = sigmoid(Z2)``: ``dJ/dA2 = (A2 - Y) / (A2 (1 - A2)) / m`` and
    ``dA2/dZ2 = A2 (1 - A2)``, so the two cancel and ``dZ2 = A2 - Y`` (the
    ``1/m`` is kept for the weight gradients).  Then ``Z2 = W2 A1 + b2`` gives
    ``dW2 = dZ2 A1ᵀ / m``, ``db2 = sum(dZ2) / m`` and ``dA1 = W2ᵀ dZ2``; and
    ``A1 = tanh(Z1)``, whose slope is ``1 - tanh(Z1)**2 = 1 - A1**2``, gives
    ``dZ1 = W2ᵀ dZ2 * (1 - A1**2)``, from which ``dW1`` and ``db1`` follow as
    for the second layer.  The engine's network computes the same for any
    number of layers (:meth:`barenet.engine.network.Network.backward`).

    Parameters
    ----------
    parameters : dict
    cache : dict
        From :func:`forward_propagation` on the same ``X``.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    dict
        ``dW1, db1, dW2, db2``, each shaped like its parameter.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> X = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])  # 2 features x 3 samples
    >>> Y = np.array([[1, 0, 1]])
    >>> parameters = shallow.initialize_parameters(2, 4, 1)
    >>> A2, cache = shallow.forward_propagation(X, parameters)
    >>> grads = shallow.backward_propagation(parameters, cache, X, Y)
    >>> all(grads["d" + name].shape == value.shape for name, value in parameters.items())
    True
    """
    X, Y = check_XY(X, Y)
    check_parameters(parameters, X.shape[0])
    m, W2 = X.shape[1], parameters["W2"]
    Z1, A1, A2 = cache["Z1"], cache["A1"], cache["A2"]
    dZ2 = A2 - Y                                      # (1, m): sigmoid and cross-entropy cancel
    dW2 = (1 / m) * (dZ2 @ A1.T)                      # (1, n_h)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * tanh_derivative(Z1, A1)      # (n_h, m): W2ᵀ dZ2 * (1 - A1**2)
    dW1 = (1 / m) * (dZ1 @ X.T)                       # (n_h, n_x)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(
    parameters: Parameters, grads: dict[str, Array], learning_rate: float = 1.2
) -> Parameters:
    """One gradient-descent step, ``theta <- theta - learning_rate * dtheta``.

    Parameters
    ----------
    parameters : dict
        ``W1, b1, W2, b2``.
    grads : dict
        ``dW1, db1, dW2, db2``.
    learning_rate : float, default 1.2

    Returns
    -------
    dict
        New parameters (the input dictionary is not modified).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> X = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])  # 2 features x 3 samples
    >>> Y = np.array([[1, 0, 1]])
    >>> parameters = shallow.initialize_parameters(2, 4, 1)
    >>> A2, cache = shallow.forward_propagation(X, parameters)
    >>> grads = shallow.backward_propagation(parameters, cache, X, Y)
    >>> new = shallow.update_parameters(parameters, grads, learning_rate=1.2)
    >>> bool(np.allclose(new["b2"], parameters["b2"] - 1.2 * grads["db2"]))
    True
    """
    check_parameters(parameters)
    return {k: parameters[k] - learning_rate * grads["d" + k] for k in NAMES}


def nn_model(
    X: Array,
    Y: Array,
    n_h: int,
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    print_cost: bool = False,
    seed: int = 2,
    *,
    callback: Callable[[int, Parameters, Array], None] | None = None,
) -> Parameters:
    """Train the shallow network by full-batch gradient descent.

    Each iteration does what :func:`forward_propagation`,
    :func:`backward_propagation` and :func:`update_parameters` do, as one
    :func:`~barenet.training.step.train_step` of the engine's network (see
    :func:`barenet._course_network.gradient_descent`): the results equal
    those of the three functions called in a loop, up to rounding.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    n_h : int
        Hidden units.
    num_iterations : int, default 10000
    learning_rate : float, default 1.2
    print_cost : bool, default False
        Print ``Cost after iteration i: J`` every 1000 iterations.
    seed : int, default 2
        Seed of :func:`initialize_parameters`.
    callback : callable, optional
        ``callback(i, parameters, A2)`` after the forward pass of iteration
        ``i`` (``parameters`` are those that produced ``A2``; both are copies
        the callback may keep), e.g. to record the cost curve with
        :func:`compute_cost`.

    Returns
    -------
    dict
        The trained ``W1, b1, W2, b2``.

    Raises
    ------
    DivergenceError
        If the loss (from the logits, exact however saturated the sigmoid)
        becomes non-finite or grows past ``BLOWUP_FACTOR`` times its first
        value plus one (:func:`~barenet.training.blew_up`).  The article's
        α = 1.2 makes the cost spike now and then, far below this.
    MemoryEstimateError
        If training would need more memory than is available (see
        :func:`training_memory`); nothing is allocated then.

    Examples
    --------
    >>> from barenet import datasets, shallow
    >>> X, y = datasets.load_planar_dataset()
    >>> parameters = shallow.nn_model(X.T, y.reshape(1, -1), n_h=4, num_iterations=1000)
    >>> float((shallow.predict(parameters, X.T) == y).mean()) > 0.85
    True
    """
    X, Y = check_XY(X, Y)
    check_training(num_iterations, learning_rate)
    check_sizes([n_h], "n_h must be a positive integer")
    check_training_memory(X.shape[0], [n_h], X.shape[1])
    n_x, n_h, n_y = layer_sizes(X, Y, n_h)
    net = to_network(initialize_parameters(n_x, n_h, n_y, seed))
    gradient_descent(net, X, Y, num_iterations, learning_rate, print_cost, callback)
    return to_parameters(net)


def predict_proba(parameters: Parameters, X: Array) -> Array:
    """Probability of class 1, ``A2``, without the cache.

    Parameters
    ----------
    parameters : dict
    X : ndarray of shape (n_x, m)

    Returns
    -------
    ndarray of shape (1, m)

    Notes
    -----
    Many samples through a wide network go a chunk of columns at a time, so
    the memory needed does not grow with ``m``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> X = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])  # 2 features x 3 samples
    >>> Y = np.array([[1, 0, 1]])
    >>> parameters = shallow.nn_model(X, Y, n_h=2, num_iterations=200)
    >>> proba = shallow.predict_proba(parameters, X)
    >>> proba.shape, bool(((proba > 0.5) == Y).all())
    ((1, 3), True)
    """
    X = check_X(X)
    check_parameters(parameters, X.shape[0])
    return sigmoid(to_network(parameters).logits(X.T).T)   # A2 = sigmoid(Z2)


def predict(parameters: Parameters, X: Array) -> Array:
    """Class predictions, an int array of shape ``(1, m)``: 1 where ``A2 > 0.5``, else 0.

    ``parameters`` and ``X`` as in :func:`predict_proba`.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import shallow
    >>> X = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])  # 2 features x 3 samples
    >>> Y = np.array([[1, 0, 1]])
    >>> parameters = shallow.nn_model(X, Y, n_h=2, num_iterations=200)
    >>> shallow.predict(parameters, X).tolist()
    [[1, 0, 1]]
    """
    return (predict_proba(parameters, X) > 0.5).astype(int)
