"""Weight initialisers.

Each initialiser draws one weight matrix ``W`` of shape ``(fan_in, fan_out)``
(rows = samples layout: ``Z = A W + b``) from a ``numpy.random.RandomState``
passed in; biases always start at zero.  ``RandomState`` rather than
``Generator`` because it reproduces the deep-learning course's random streams,
and it is what scikit-learn's ``random_state`` hands out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray


def small_random(fan_in: int, fan_out: int, rng: np.random.RandomState) -> Array:
    """The article's initialisation: standard normal times 0.01.

    Draws ``randn(fan_out, fan_in) * 0.01`` (the course's order, so a seeded
    stream gives the course's numbers) and returns its transpose.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.initializers import small_random
    >>> W = small_random(200, 100, np.random.RandomState(0))
    >>> W.shape, round(float(W.std()), 2)
    ((200, 100), 0.01)
    """
    return np.ascontiguousarray((rng.randn(fan_out, fan_in) * 0.01).T)


def glorot_uniform(fan_in: int, fan_out: int, rng: np.random.RandomState) -> Array:
    """Glorot/Xavier uniform: ``U(-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.initializers import glorot_uniform
    >>> W = glorot_uniform(200, 100, np.random.RandomState(0))
    >>> W.shape, round(float(W.std()), 2)
    ((200, 100), 0.08)
    >>> bool(np.abs(W).max() <= np.sqrt(6 / 300))
    True
    """
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def glorot_normal(fan_in: int, fan_out: int, rng: np.random.RandomState) -> Array:
    """Glorot/Xavier normal: ``N(0, 2 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.initializers import glorot_normal
    >>> W = glorot_normal(200, 100, np.random.RandomState(0))
    >>> W.shape, round(float(W.std()), 2)
    ((200, 100), 0.08)
    >>> round(float(np.sqrt(2 / 300)), 2)  # the standard deviation it aims at
    0.08
    """
    return rng.randn(fan_in, fan_out) * np.sqrt(2 / (fan_in + fan_out))


def he_normal(fan_in: int, fan_out: int, rng: np.random.RandomState) -> Array:
    """He normal, for relu layers: ``N(0, 2 / fan_in)``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.initializers import he_normal
    >>> W = he_normal(200, 100, np.random.RandomState(0))
    >>> W.shape, round(float(W.std()), 2)
    ((200, 100), 0.1)
    >>> round(float(np.sqrt(2 / 200)), 2)  # the standard deviation it aims at
    0.1
    """
    return rng.randn(fan_in, fan_out) * np.sqrt(2 / fan_in)


INITIALIZERS: dict[str, Callable[[int, int, np.random.RandomState], Array]] = {
    "small_random": small_random,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_normal": he_normal,
}


def initialize(
    layer_sizes: Sequence[int],
    init: str,
    rng: np.random.RandomState,
    dtype: np.dtype | type = np.float64,
) -> tuple[list[Array], list[Array]]:
    """Weights and biases for a dense network, drawn layer by layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_outputs)``.
    init : str
        A name from :data:`INITIALIZERS`.
    rng : numpy.random.RandomState
    dtype : dtype, default float64

    Returns
    -------
    coefs : list of ndarray
        ``coefs[i]`` has shape ``(layer_sizes[i], layer_sizes[i + 1])``.
    intercepts : list of ndarray
        ``intercepts[i]`` has shape ``(layer_sizes[i + 1],)``, zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.initializers import initialize
    >>> coefs, intercepts = initialize((2, 4, 1), "glorot_uniform", np.random.RandomState(0))
    >>> [W.shape for W in coefs], [b.tolist() for b in intercepts]
    ([(2, 4), (4, 1)], [[0.0, 0.0, 0.0, 0.0], [0.0]])
    """
    try:
        draw = INITIALIZERS[init]
    except KeyError:
        raise ValueError(
            f"unknown init {init!r}; choose one of {', '.join(INITIALIZERS)}"
        ) from None
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        coefs.append(draw(fan_in, fan_out, rng).astype(dtype, copy=False))
        intercepts.append(np.zeros(fan_out, dtype=dtype))
    return coefs, intercepts


def mlp_uniform(
    layer_sizes: Sequence[int],
    rng: np.random.RandomState,
    dtype: np.dtype | type = np.float64,
    factor: float = 6.0,
) -> tuple[list[Array], list[Array]]:
    """scikit-learn MLP's initialisation: weights *and* biases from ``U(-l, l)``.

    ``l = sqrt(factor / (fan_in + fan_out))``, with ``factor = 6`` (Glorot's
    uniform bound) or 2 for sigmoid networks, drawn layer by layer, weights
    first, so that the same seed starts from the same network as
    ``MLPClassifier``.  The random biases matter on small data: they move the
    hidden units' hyperplanes away from the origin from the first step.

    Returns
    -------
    coefs, intercepts : lists of ndarray
        As :func:`initialize`.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.initializers import mlp_uniform
    >>> coefs, intercepts = mlp_uniform((2, 4, 1), np.random.RandomState(0))
    >>> [b.shape for b in intercepts], bool((intercepts[0] != 0).all())  # random biases too
    ([(4,), (1,)], True)
    """
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        limit = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(dtype, copy=False))
        intercepts.append(rng.uniform(-limit, limit, fan_out).astype(dtype, copy=False))
    return coefs, intercepts
