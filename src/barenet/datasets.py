"""Two-class toy datasets in the plane.

Every generator returns ``(X, y)`` in the scikit-learn layout, **one row per
sample**:

* ``X`` -- float64 array of shape ``(n_samples, 2)``, the point coordinates;
* ``y`` -- int64 array of shape ``(n_samples,)``, the class labels 0 and 1.

All randomness goes through the ``random_state`` argument (an integer seed), so
calling a generator twice with the same arguments gives identical arrays; the
global ``np.random`` state is never touched.

The command line finds the datasets by name through :func:`names` and
:func:`load`.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Callable
from numbers import Integral, Real
from typing import TypeVar

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_gaussian_quantiles, make_moons

__all__ = [
    "blobs",
    "gaussian_quantiles",
    "load",
    "load_planar_dataset",
    "names",
    "no_structure",
    "noisy_circles",
    "noisy_moons",
    "spirals",
    "xor",
]


# --------------------------------------------------------------------------- checks


def _check_n_samples(n_samples: object) -> int:
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


def _check_real(value: object, name: str, *, positive: bool = False,
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


def _rng(random_state: object) -> np.random.RandomState:
    """Return a fresh ``RandomState`` seeded with the integer ``random_state``."""
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise TypeError(
            f"random_state must be an integer seed, got {type(random_state).__name__} "
            f"{random_state!r}; pass e.g. random_state=0 (the datasets are always seeded)"
        )
    if not 0 <= random_state < 2**32:
        raise ValueError(f"random_state must be in [0, 2**32 - 1], got {random_state}")
    return np.random.RandomState(int(random_state))


# --------------------------------------------------------------------------- recipes


def _split(n_samples: int) -> tuple[int, int]:
    """Class sizes for ``n_samples``: class 0 gets the extra point when it is odd."""
    return n_samples - n_samples // 2, n_samples // 2


def _balanced_labels(rng: np.random.RandomState, n_samples: int) -> np.ndarray:
    """Labels 0 and 1 as :func:`_split` shares them out, in random order."""
    return rng.permutation(np.repeat([0, 1], _split(n_samples)))


def _out(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.int64)


def _from_sklearn(make: Callable[..., tuple[np.ndarray, np.ndarray]], random_state: object,
                  **kw: object) -> tuple[np.ndarray, np.ndarray]:
    """``make(random_state=random_state, **kw)``, one of ``sklearn.datasets``' generators."""
    _rng(random_state)  # validate the seed the same way as the other generators
    X, y = make(random_state=random_state, **kw)
    return _out(X, y)


def _labels_first(
    n_samples: object, noise: object, random_state: object,
    place: Callable[[np.random.RandomState, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Balanced labels in random order, the points ``place(rng, y)`` puts them at, then jitter.

    The recipe of :func:`xor` and :func:`spirals`: the labels are drawn first,
    the points from them, and Gaussian jitter of standard deviation ``noise``
    last, so that points may cross into the other class's region.
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    rng = _rng(random_state)
    y = _balanced_labels(rng, n_samples)
    X = place(rng, y)
    return _out(X + rng.normal(0.0, 1.0, size=X.shape) * noise, y)


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
_Generator = TypeVar("_Generator", bound=Callable[..., tuple[np.ndarray, np.ndarray]])


def _documented(**meaning: str) -> Callable[[_Generator], _Generator]:
    """Complete a generator's docstring with its Parameters and Returns sections.

    Each parameter is listed with the type and default of the signature and
    what it means: ``meaning[name]``, or else the shared :data:`_MEANING`.
    ``meaning["X"]`` and ``meaning["y"]`` describe the results further.
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
        func.__doc__ = inspect.cleandoc(func.__doc__ or "") + "\n" + "\n".join(lines) + "\n"
        return func

    return document


def _indented(text: str) -> str:
    return textwrap.fill(text, 76, initial_indent="    ", subsequent_indent="    ")


# --------------------------------------------------------------------------- generators


@_documented(n_samples="Number of points, at least 2. When odd, class 1 gets the extra point.",
             y="0 for the inner half, 1 for the outer ring.")
def gaussian_quantiles(
    n_samples: int = 200, cov: float = 0.7, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian cloud split into an inner disc and an outer ring.

    Points are drawn from a centred 2-D Gaussian with covariance ``cov * I``; the
    half closest to the origin is class 0 and the outer half class 1 (this is
    ``sklearn.datasets.make_gaussian_quantiles`` with two classes). No straight
    line separates the classes, a circle does.
    """
    n_samples = _check_n_samples(n_samples)
    cov = _check_real(cov, "cov", positive=True)
    return _from_sklearn(make_gaussian_quantiles, random_state, mean=None, cov=cov,
                         n_samples=n_samples, n_features=2, n_classes=2, shuffle=True)


@_documented(n_samples="Number of points, at least 2. When odd, class 0 gets the extra point.",
             noise="Standard deviation of the jitter on both the angle and the radius.")
def load_planar_dataset(
    n_samples: int = 400, noise: float = 0.2, random_state: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """The "flower": two classes interleaved as the petals of a rose curve.

    Class ``j`` (0 then 1) takes angles ``t`` evenly spaced over
    ``[3.12 j, 3.12 (j + 1)]`` plus Gaussian jitter, radius
    ``r = 4 sin(4 t)`` plus Gaussian jitter, and the point ``(r sin t, r cos t)``.
    With the default arguments the points are bit-identical to the classic course
    version (seed 1, 200 points per class), transposed to one row per sample;
    rows are not shuffled (class 0 first).
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    rng = _rng(random_state)
    X = np.zeros((n_samples, 2))
    y = np.zeros(n_samples, dtype=np.int64)
    start = 0
    for j, n in enumerate(_split(n_samples)):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise
        r = 4 * np.sin(4 * t) + rng.randn(n) * noise
        X[start:start + n] = np.column_stack([r * np.sin(t), r * np.cos(t)])
        y[start:start + n] = j
        start += n
    return _out(X, y)


@_documented(n_samples="Number of points, at least 2, split evenly (the inner circle gets the "
                       "extra one).", y="0 for the outer circle, 1 for the inner one.")
def noisy_circles(
    n_samples: int = 200, noise: float = 0.3, factor: float = 0.5, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles with Gaussian jitter (``sklearn.datasets.make_circles``)."""
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    factor = _check_real(factor, "factor", below=1.0)
    return _from_sklearn(make_circles, random_state, n_samples=n_samples, noise=noise,
                         factor=factor)


@_documented(n_samples="Number of points, at least 2, split evenly.")
def noisy_moons(
    n_samples: int = 200, noise: float = 0.2, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons with Gaussian jitter (``sklearn.datasets.make_moons``)."""
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    return _from_sklearn(make_moons, random_state, n_samples=n_samples, noise=noise)


@_documented(n_samples="Number of points, at least 2, shared out evenly among the blobs.",
             random_state="Seed (5 is the classic course's choice).")
def blobs(
    n_samples: int = 200, centers: int = 6, random_state: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around random centres, folded into two classes.

    ``sklearn.datasets.make_blobs`` draws ``centers`` clusters (unit standard
    deviation); cluster ``k`` gets label ``k % 2``, so each class is a union of
    several blobs. With an odd number of centres class 0 has one blob more.
    """
    n_samples = _check_n_samples(n_samples)
    if isinstance(centers, bool) or not isinstance(centers, Integral):
        raise TypeError(f"centers must be an integer, got {type(centers).__name__} {centers!r}")
    if centers < 2:
        raise ValueError(f"centers must be at least 2 to give two classes, got {centers}")
    X, y = _from_sklearn(make_blobs, random_state, n_samples=n_samples, n_features=2,
                         centers=int(centers))
    return X, y % 2


@_documented(X="Points in ``[0, 1)^2``.")
def no_structure(n_samples: int = 200, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in the unit square with labels unrelated to them.

    The labels are a random shuffle of an even split (class 0 gets the extra point
    when ``n_samples`` is odd), drawn independently of the points: there is
    nothing to learn, and a model should do no better than chance on new data.
    """
    n_samples = _check_n_samples(n_samples)
    rng = _rng(random_state)
    X = rng.uniform(0.0, 1.0, size=(n_samples, 2))
    return _out(X, _balanced_labels(rng, n_samples))


@_documented()
def xor(
    n_samples: int = 200, noise: float = 0.1, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR pattern: opposite quadrants of the square share a class.

    Points are uniform in ``[-1, 1]^2`` and labelled 1 where ``x1 * x2 > 0``
    (first and third quadrants), 0 otherwise. Each class gets half of the points
    (class 0 the extra one when odd). No coordinate is exactly zero, so with
    ``noise=0`` the label is exactly the sign of ``x1 * x2``. The noise is
    Gaussian jitter added to the points *after* labelling, so points near the axes
    may cross into a quadrant of the other class.
    """

    def quadrants(rng: np.random.RandomState, y: np.ndarray) -> np.ndarray:
        # 1 - U[0, 1) lies in (0, 1]: uniform magnitudes that are never exactly zero.
        magnitude = 1.0 - rng.uniform(0.0, 1.0, size=(len(y), 2))
        sign1 = rng.choice([-1.0, 1.0], size=len(y))
        sign2 = np.where(y == 1, sign1, -sign1)  # same sign <=> product > 0 <=> class 1
        return magnitude * np.column_stack([sign1, sign2])

    return _labels_first(n_samples, noise, random_state, quadrants)


@_documented()
def spirals(
    n_samples: int = 200, noise: float = 0.1, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, one per class.

    A point at radius ``r`` (between 0.5 and 3.5) sits at angle ``pi * r`` on arm 0
    and ``pi * r + pi`` on arm 1, so each arm makes one and a half turns and the
    arms are one unit apart along any ray from the origin. The radii are drawn so
    that the points are spread evenly along the arms. Each class gets
    half of the points (class 0 the extra one when odd); Gaussian jitter of
    standard deviation ``noise`` is then added to each coordinate.
    """

    def arms(rng: np.random.RandomState, y: np.ndarray) -> np.ndarray:
        # r = sqrt(uniform) spreads the points evenly along the arms (arc length ~ r**2).
        r = np.sqrt(rng.uniform(0.5**2, 3.5**2, size=len(y)))
        angle = np.pi * r + np.pi * y
        return r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])

    return _labels_first(n_samples, noise, random_state, arms)


# --------------------------------------------------------------------------- registry

# name -> (generator, arguments fixed by that name)
_REGISTRY: dict[str, tuple[Callable[..., tuple[np.ndarray, np.ndarray]], dict[str, object]]] = {
    "gaussian_quantiles": (gaussian_quantiles, {}),
    "flower": (load_planar_dataset, {}),
    "noisy_circles": (noisy_circles, {}),
    "noisy_moons": (noisy_moons, {}),
    "blobs": (blobs, {}),
    "gaussian_quantiles_cov05": (gaussian_quantiles, {"cov": 0.5}),
    "no_structure": (no_structure, {}),
    "xor": (xor, {}),
    "spirals": (spirals, {}),
}


def names() -> list[str]:
    """Names accepted by :func:`load`.

    Returns
    -------
    list of str
        In a fixed order: the article's dataset, the course's flower and its
        extra datasets, then ``xor`` and ``spirals``.
    """
    return list(_REGISTRY)


def load(name: str, **kw: object) -> tuple[np.ndarray, np.ndarray]:
    """Generate the dataset called ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names`. ``"flower"`` is :func:`load_planar_dataset` and
        ``"gaussian_quantiles_cov05"`` is :func:`gaussian_quantiles` with
        ``cov=0.5``; every other name is the generator of the same name.
    **kw
        Passed to the generator, e.g. ``n_samples``, ``noise``, ``random_state``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64

    Raises
    ------
    ValueError
        If ``name`` is unknown or a keyword is not one the generator takes.
    """
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__} {name!r}")
    if name not in _REGISTRY:
        raise ValueError(f"unknown dataset {name!r}; available datasets: {', '.join(names())}")
    func, fixed = _REGISTRY[name]
    accepted = [p for p in inspect.signature(func).parameters if p not in fixed]
    unknown = [k for k in kw if k not in accepted]
    if unknown:
        hint = ""
        for k in unknown:
            if k in fixed:
                hint += f"; {k} is fixed at {fixed[k]!r} for {name!r} (use the base generator)"
        raise ValueError(
            f"dataset {name!r} does not take argument(s) {', '.join(map(repr, unknown))}; "
            f"accepted arguments: {', '.join(accepted)}{hint}"
        )
    return func(**fixed, **kw)
