"""Many hidden sizes at once: :func:`~barenet.shallow.nn_model_sweep`.

One :func:`~barenet.shallow.nn_model` per hidden size, in as many processes as
asked; re-exported by :mod:`barenet.shallow`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._course_checks import check_sizes, check_training, check_XY
from .._course_network import check_training_memory, raise_divergences
from ..training import DivergenceError
from .course import nn_model

Array = np.ndarray
Parameters = dict[str, Array]

# The hidden-layer sizes the article sweeps over.
ARTICLE_SIZES = (1, 2, 3, 4, 5, 20, 50)


def nn_model_sweep(
    X: Array,
    Y: Array,
    hidden_sizes: Sequence[int],
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    seed: int = 2,
    *,
    n_jobs: int | None = None,
) -> list[Parameters]:
    """Train one shallow network per hidden size: :func:`nn_model` for each.

    Each network is exactly ``nn_model(X, Y, n_h, num_iterations,
    learning_rate, seed=seed)``, bit for bit: the sweep and the single model
    of the same size never disagree.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    hidden_sizes : sequence of int
        Hidden units of each network, e.g. ``(1, 2, 3, 4, 5, 20, 50)``.
    num_iterations : int, default 10000
    learning_rate : float, default 1.2
    seed : int, default 2
        Seed of :func:`initialize_parameters`, the same for every network.
    n_jobs : int, optional
        Processes to train the sizes in (joblib's meaning: None one, -1 one
        per core); the largest sizes start first.  The results are the same.

    Returns
    -------
    list of dict
        The trained ``W1, b1, W2, b2`` of each network, in the order of
        ``hidden_sizes``.

    Raises
    ------
    DivergenceError
        If networks diverge, as in :func:`nn_model`; the message names their sizes.
    MemoryEstimateError
        If the largest networks, as many as train at once, would not fit in memory.

    Notes
    -----
    Training the sizes side by side in one batched pass (all hidden units in
    one layer, a block-structured output layer) sums the matrix products in
    another order, and at learning rate 1.2 the dynamics amplify those
    roundings into visibly different weights (up to 0.14 on the article's data).

    Examples
    --------
    >>> from barenet import datasets, shallow
    >>> X, y = datasets.gaussian_quantiles()
    >>> nets = shallow.nn_model_sweep(X.T, y.reshape(1, -1), (1, 4), num_iterations=500)
    >>> [p["W1"].shape for p in nets]
    [(1, 2), (4, 2)]
    """
    from joblib import Parallel, delayed, effective_n_jobs

    X, Y = check_XY(X, Y)
    check_training(num_iterations, learning_rate)
    sizes = check_sizes(list(hidden_sizes), "hidden_sizes must be positive integers")
    workers = min(effective_n_jobs(n_jobs), len(sizes))
    check_training_memory(X.shape[0], sizes, X.shape[1], workers)
    order = sorted(range(len(sizes)), key=lambda k: -sizes[k])  # the workers end together
    fits = Parallel(n_jobs=n_jobs)(delayed(_fit_or_divergence)(
        X, Y, sizes[k], num_iterations, learning_rate, seed) for k in order)
    trained = [fit for _, fit in sorted(zip(order, fits, strict=True), key=lambda kf: kf[0])]
    raise_divergences(sizes, trained)
    return trained


def _fit_or_divergence(X: Array, Y: Array, n_h: int, num_iterations: int, learning_rate: float,
                       seed: int) -> Parameters | DivergenceError:
    try:
        return nn_model(X, Y, n_h, num_iterations, learning_rate, seed=seed)
    except DivergenceError as exc:
        return exc
