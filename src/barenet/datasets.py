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
from collections.abc import Callable
from numbers import Integral, Real

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


def _split(n_samples: int) -> tuple[int, int]:
    """Class sizes for ``n_samples``: class 0 gets the extra point when it is odd."""
    return n_samples - n_samples // 2, n_samples // 2


def _out(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.int64)


# --------------------------------------------------------------------------- generators


def gaussian_quantiles(
    n_samples: int = 200, cov: float = 0.7, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian cloud split into an inner disc and an outer ring.

    Points are drawn from a centred 2-D Gaussian with covariance ``cov * I``; the
    half closest to the origin is class 0 and the outer half class 1 (this is
    ``sklearn.datasets.make_gaussian_quantiles`` with two classes). No straight
    line separates the classes, a circle does.

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2. When odd, class 1 gets the extra point.
    cov : float, default 0.7
        Variance of each coordinate; must be positive.
    random_state : int, default 0
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        0 for the inner half, 1 for the outer ring.
    """
    n_samples = _check_n_samples(n_samples)
    cov = _check_real(cov, "cov", positive=True)
    _rng(random_state)  # validate the seed the same way as the other generators
    X, y = make_gaussian_quantiles(
        mean=None, cov=cov, n_samples=n_samples, n_features=2, n_classes=2,
        shuffle=True, random_state=random_state,
    )
    return _out(X, y)


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

    Parameters
    ----------
    n_samples : int, default 400
        Number of points, at least 2. When odd, class 0 gets the extra point.
    noise : float, default 0.2
        Standard deviation of the jitter on both the angle and the radius.
    random_state : int, default 1
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
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


def noisy_circles(
    n_samples: int = 200, noise: float = 0.3, factor: float = 0.5, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles with Gaussian jitter (``sklearn.datasets.make_circles``).

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2, split evenly (the inner circle gets the extra one).
    noise : float, default 0.3
        Standard deviation of the jitter added to each coordinate.
    factor : float, default 0.5
        Radius of the inner circle relative to the outer one (unit radius), in [0, 1).
    random_state : int, default 0
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        0 for the outer circle, 1 for the inner one.
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    factor = _check_real(factor, "factor", below=1.0)
    _rng(random_state)
    X, y = make_circles(n_samples=n_samples, noise=noise, factor=factor,
                        random_state=random_state)
    return _out(X, y)


def noisy_moons(
    n_samples: int = 200, noise: float = 0.2, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons with Gaussian jitter (``sklearn.datasets.make_moons``).

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2, split evenly.
    noise : float, default 0.2
        Standard deviation of the jitter added to each coordinate.
    random_state : int, default 0
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    _rng(random_state)
    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=random_state)
    return _out(X, y)


def blobs(
    n_samples: int = 200, centers: int = 6, random_state: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around random centres, folded into two classes.

    ``sklearn.datasets.make_blobs`` draws ``centers`` clusters (unit standard
    deviation); cluster ``k`` gets label ``k % 2``, so each class is a union of
    several blobs. With an odd number of centres class 0 has one blob more.

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2, shared out evenly among the blobs.
    centers : int, default 6
        Number of blobs, at least 2.
    random_state : int, default 5
        Seed (5 is the classic course's choice).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    n_samples = _check_n_samples(n_samples)
    if isinstance(centers, bool) or not isinstance(centers, Integral):
        raise TypeError(f"centers must be an integer, got {type(centers).__name__} {centers!r}")
    if centers < 2:
        raise ValueError(f"centers must be at least 2 to give two classes, got {centers}")
    _rng(random_state)
    X, y = make_blobs(n_samples=n_samples, n_features=2, centers=int(centers),
                      random_state=random_state)
    return _out(X, y % 2)


def no_structure(n_samples: int = 200, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in the unit square with labels unrelated to them.

    The labels are a random shuffle of an even split (class 0 gets the extra point
    when ``n_samples`` is odd), drawn independently of the points: there is
    nothing to learn, and a model should do no better than chance on new data.

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2.
    random_state : int, default 0
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        Points in ``[0, 1)^2``.
    y : ndarray of shape (n_samples,), int64
    """
    n_samples = _check_n_samples(n_samples)
    rng = _rng(random_state)
    X = rng.uniform(0.0, 1.0, size=(n_samples, 2))
    n0, n1 = _split(n_samples)
    y = rng.permutation(np.repeat([0, 1], [n0, n1]))
    return _out(X, y)


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

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2.
    noise : float, default 0.1
        Standard deviation of the jitter added to each coordinate.
    random_state : int, default 0
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    rng = _rng(random_state)
    n0, n1 = _split(n_samples)
    y = rng.permutation(np.repeat([0, 1], [n0, n1]))
    # 1 - U[0, 1) lies in (0, 1]: uniform magnitudes that are never exactly zero.
    magnitude = 1.0 - rng.uniform(0.0, 1.0, size=(n_samples, 2))
    sign1 = rng.choice([-1.0, 1.0], size=n_samples)
    sign2 = np.where(y == 1, sign1, -sign1)  # same sign <=> product > 0 <=> class 1
    X = magnitude * np.column_stack([sign1, sign2])
    X = X + rng.normal(0.0, 1.0, size=X.shape) * noise
    return _out(X, y)


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

    Parameters
    ----------
    n_samples : int, default 200
        Number of points, at least 2.
    noise : float, default 0.1
        Standard deviation of the jitter added to each coordinate.
    random_state : int, default 0
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_real(noise, "noise")
    rng = _rng(random_state)
    n0, n1 = _split(n_samples)
    y = rng.permutation(np.repeat([0, 1], [n0, n1]))
    # r = sqrt(uniform) spreads the points evenly along the arms (arc length ~ r**2).
    r = np.sqrt(rng.uniform(0.5**2, 3.5**2, size=n_samples))
    angle = np.pi * r + np.pi * y
    X = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X = X + rng.normal(0.0, 1.0, size=X.shape) * noise
    return _out(X, y)


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
