"""The toy datasets' building blocks: argument checks, recipes, docstrings.

What the generators of :mod:`barenet.datasets` share: the checks of their
arguments, the seeded random state, the ways of drawing labels and points, and
the decorator that writes their Parameters and Returns sections.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Callable
from numbers import Integral, Real
from typing import TypeVar

import numpy as np

# --------------------------------------------------------------------------- checks


def check_n_samples(n_samples: object) -> int:
    """Return ``n_samples`` as an int, or raise if it cannot hold both classes."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral):
        raise TypeError(
            f"n_samples must be an integer, got {type(n_samples).__name__} {n_samples!r}; "
            "pass a whole number such as n_samples=200"
        )
    if n_samples < 2:
        raise ValueError(
            f"n_samples must be at least 2 so that both classes get a point, got {n_samples}; "
            "pass a larger n_samples"
        )
    return int(n_samples)


def check_real(value: object, name: str, *, positive: bool = False,
                below: float | None = None) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number in range."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    rule = "> 0" if positive else ">= 0"
    if below is not None:
        rule += f" and < {below:g}"
    ok = math.isfinite(value) and (value > 0 if positive else value >= 0)
    if not ok or (below is not None and value >= below):
        raise ValueError(
            f"{name} must be a finite number {rule}, got {value!r}; pass a value {rule}"
        )
    return value


def seeded_rng(random_state: object) -> np.random.RandomState:
    """Return a fresh ``RandomState`` seeded with the integer ``random_state``."""
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise TypeError(
            f"random_state must be an integer seed, got {type(random_state).__name__} "
            f"{random_state!r}; pass e.g. random_state=0 (the datasets are always seeded)"
        )
    seed = int(random_state)
    if not 0 <= seed < 2**32:
        raise ValueError(f"random_state must be in [0, 2**32 - 1], got {random_state}")
    return np.random.RandomState(seed)


# --------------------------------------------------------------------------- recipes


def class_sizes(n_samples: int) -> tuple[int, int]:
    """Class sizes for ``n_samples``: class 0 gets the extra point when it is odd."""
    return n_samples - n_samples // 2, n_samples // 2


def balanced_labels(rng: np.random.RandomState, n_samples: int) -> np.ndarray:
    """Labels 0 and 1 as :func:`class_sizes` shares them out, in random order."""
    return rng.permutation(np.repeat([0, 1], class_sizes(n_samples)))


def as_output(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` as every generator returns them: contiguous float64 and int64."""
    return np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.int64)


def from_sklearn(make: Callable[..., tuple[np.ndarray, np.ndarray]], random_state: object,
                  **kw: object) -> tuple[np.ndarray, np.ndarray]:
    """``make(random_state=random_state, **kw)``, one of ``sklearn.datasets``' generators."""
    seeded_rng(random_state)  # validate the seed the same way as the other generators
    X, y = make(random_state=random_state, **kw)
    return as_output(X, y)


def labels_first(
    n_samples: object, noise: object, random_state: object,
    place: Callable[[np.random.RandomState, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Balanced labels in random order, the points ``place(rng, y)`` puts them at, then jitter.

    The recipe of :func:`~barenet.datasets.xor` and
    :func:`~barenet.datasets.spirals`: the labels are drawn first, the points
    from them, and Gaussian jitter of standard deviation ``noise`` last, so
    that points may cross into the other class's region.
    """
    n_samples = check_n_samples(n_samples)
    noise = check_real(noise, "noise")
    rng = seeded_rng(random_state)
    y = balanced_labels(rng, n_samples)
    X = place(rng, y)
    return as_output(X + rng.normal(0.0, 1.0, size=X.shape) * noise, y)


# --------------------------------------------------------------------------- docstrings

# What the generators' parameters mean, unless a generator says otherwise.
_MEANING = {
    "n_samples": "Number of points, at least 2.",
    "noise": "Standard deviation of the jitter added to each coordinate.",
    "random_state": "Seed.",
    "cov": "Variance of each coordinate; must be positive.",
    "factor": "Radius of the inner circle relative to the outer one (unit radius), in [0, 1).",
    "centers": "Number of blobs, at least 2.",
}
_RESULTS = {"X": "ndarray of shape (n_samples, 2), float64",
            "y": "ndarray of shape (n_samples,), int64"}
_EXAMPLES = "\nExamples\n--------\n"
_Generator = TypeVar("_Generator", bound=Callable[..., tuple[np.ndarray, np.ndarray]])


def documented(**meaning: str) -> Callable[[_Generator], _Generator]:
    """Complete a generator's docstring with its Parameters and Returns sections.

    They go after the summary and notes, before an Examples section (which
    numpydoc wants last) if the docstring has one.  Each parameter is listed
    with the type and default of the signature and what it means:
    ``meaning[name]``, or else the shared :data:`_MEANING`.  ``meaning["X"]``
    and ``meaning["y"]`` describe the results further.
    """
    said = {**_MEANING, **meaning}

    def document(func: _Generator) -> _Generator:
        lines = ["", "Parameters", "----------"]
        for name, parameter in inspect.signature(func).parameters.items():
            lines += [f"{name} : {parameter.annotation}, default {parameter.default!r}",
                      _indented(said[name])]
        lines += ["", "Returns", "-------"]
        for name, kind in _RESULTS.items():
            lines += [f"{name} : {kind}", *([_indented(said[name])] if name in said else [])]
        text, examples, code = inspect.cleandoc(func.__doc__ or "").partition(_EXAMPLES)
        func.__doc__ = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        if examples:
            func.__doc__ += examples + code.rstrip("\n") + "\n"
        return func

    return document


def _indented(text: str) -> str:
    return textwrap.fill(text, 76, initial_indent="    ", subsequent_indent="    ")
