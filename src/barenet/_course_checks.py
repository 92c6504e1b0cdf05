"""Checks of the article's functions' arguments, with messages in the course's terms."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Array = np.ndarray
Parameters = dict[str, Array]

# The course's parameter names, in the order it draws and updates them.
NAMES = ("W1", "b1", "W2", "b2")


def check_X(X: Array) -> Array:
    """``X`` as an array of shape ``(n_x, m)``: numbers, finite, at least one sample."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(
            f"X must hold numbers, got dtype {X.dtype}; convert it with X.astype(float)"
        )
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D with shape (n_x, m) (features x samples), got shape {X.shape}"
        )
    if X.shape[1] == 0:
        raise ValueError("X has no samples (m = 0); pass at least one column")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity; remove or impute those samples first")
    return X


def check_XY(X: Array, Y: Array) -> tuple[Array, Array]:
    """``X`` as by :func:`check_X` and ``Y`` 0/1 labels of shape ``(1, m)``."""
    X = check_X(X)
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[0] != 1:
        raise ValueError(
            f"Y must have shape (1, m), got {Y.shape}; reshape labels with y.reshape(1, -1)"
        )
    if Y.shape[1] != X.shape[1]:
        raise ValueError(
            f"X has {X.shape[1]} samples (columns) but Y has {Y.shape[1]}; they must match"
        )
    if Y.dtype.kind not in "biuf" or not np.all((Y == 0) | (Y == 1)):
        raise ValueError(
            "Y must hold 0/1 labels for the article's network; "
            "encode two classes as 0 and 1 first"
        )
    return X, Y


def check_parameters(parameters: Parameters, n_x: int | None = None) -> None:
    """``W1, b1, W2, b2`` are all there, and ``W1`` takes ``n_x`` features."""
    missing = [k for k in NAMES if k not in parameters]
    if missing:
        raise ValueError(
            f"parameters lack {', '.join(missing)}; build them with initialize_parameters"
        )
    if n_x is not None and parameters["W1"].shape[1] != n_x:
        raise ValueError(
            f"X has {n_x} features (rows) but W1 was made for {parameters['W1'].shape[1]}"
        )


def check_sizes(sizes: Sequence[int], rule: str) -> list[int]:
    """Hidden sizes as ints: at least one, each a positive integer (``rule`` says so otherwise)."""
    if not sizes:
        raise ValueError("hidden_sizes is empty; pass at least one hidden size, e.g. (4,)")
    bad = [n for n in sizes if not isinstance(n, int | np.integer) or n < 1]
    if bad:
        raise ValueError(f"{rule}, got {bad[0]!r}")
    return [int(n) for n in sizes]


def check_training(num_iterations: int, learning_rate: float) -> None:
    """A whole number of iterations and a positive, finite learning rate."""
    if not isinstance(num_iterations, int | np.integer) or num_iterations < 0:
        raise ValueError(f"num_iterations must be a non-negative integer, got {num_iterations!r}")
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
