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
from collections.abc import Callable
from numbers import Integral

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_gaussian_quantiles, make_moons

from ._datasets_recipes import (
    as_output,
    balanced_labels,
    check_n_samples,
    check_real,
    class_sizes,
    documented,
    from_sklearn,
    labels_first,
    seeded_rng,
)

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


# --------------------------------------------------------------------------- generators


@documented(n_samples="Number of points, at least 2. When odd, class 1 gets the extra point.",
             y="0 for the inner half, 1 for the outer ring.")
def gaussian_quantiles(
    n_samples: int = 200, cov: float = 0.7, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian cloud split into an inner disc and an outer ring.

    Points are drawn from a centred 2-D Gaussian with covariance ``cov * I``; the
    half closest to the origin is class 0 and the outer half class 1 (this is
    ``sklearn.datasets.make_gaussian_quantiles`` with two classes). No straight
    line separates the classes, a circle does.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.gaussian_quantiles(n_samples=20)
    >>> X.shape, X.dtype.name, y.dtype.name, np.bincount(y).tolist()
    ((20, 2), 'float64', 'int64', [10, 10])
    >>> radius = np.linalg.norm(X, axis=1)
    >>> bool(radius[y == 0].max() < radius[y == 1].min())  # a circle separates them
    True
    """
    n_samples = check_n_samples(n_samples)
    cov = check_real(cov, "cov", positive=True)
    return from_sklearn(make_gaussian_quantiles, random_state, mean=None, cov=cov,
                         n_samples=n_samples, n_features=2, n_classes=2, shuffle=True)


@documented(n_samples="Number of points, at least 2. When odd, class 0 gets the extra point.",
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

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.load_planar_dataset()
    >>> X.shape, np.bincount(y).tolist(), y[:3].tolist(), y[-3:].tolist()
    ((400, 2), [200, 200], [0, 0, 0], [1, 1, 1])
    >>> Xc, Yc = X.T, y.reshape(1, -1)  # the course's layout, for barenet.shallow
    >>> Xc.shape, Yc.shape
    ((2, 400), (1, 400))
    """
    n_samples = check_n_samples(n_samples)
    noise = check_real(noise, "noise")
    rng = seeded_rng(random_state)
    X = np.zeros((n_samples, 2))
    y = np.zeros(n_samples, dtype=np.int64)
    start = 0
    for j, n in enumerate(class_sizes(n_samples)):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise
        r = 4 * np.sin(4 * t) + rng.randn(n) * noise
        X[start:start + n] = np.column_stack([r * np.sin(t), r * np.cos(t)])
        y[start:start + n] = j
        start += n
    return as_output(X, y)


@documented(n_samples="Number of points, at least 2, split evenly (the inner circle gets the "
                       "extra one).", y="0 for the outer circle, 1 for the inner one.")
def noisy_circles(
    n_samples: int = 200, noise: float = 0.3, factor: float = 0.5, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles with Gaussian jitter (``sklearn.datasets.make_circles``).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.noisy_circles(n_samples=20, noise=0.0)
    >>> radius = np.linalg.norm(X, axis=1).round(6)
    >>> sorted(set(radius[y == 0].tolist())), sorted(set(radius[y == 1].tolist()))
    ([1.0], [0.5])
    """
    n_samples = check_n_samples(n_samples)
    noise = check_real(noise, "noise")
    factor = check_real(factor, "factor", below=1.0)
    return from_sklearn(make_circles, random_state, n_samples=n_samples, noise=noise,
                         factor=factor)


@documented(n_samples="Number of points, at least 2, split evenly.")
def noisy_moons(
    n_samples: int = 200, noise: float = 0.2, random_state: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons with Gaussian jitter (``sklearn.datasets.make_moons``).

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.noisy_moons(n_samples=20)
    >>> X.shape, np.bincount(y).tolist()
    ((20, 2), [10, 10])
    >>> X2, y2 = datasets.noisy_moons(n_samples=20)  # same seed, same points
    >>> bool(np.array_equal(X, X2) and np.array_equal(y, y2))
    True
    """
    n_samples = check_n_samples(n_samples)
    noise = check_real(noise, "noise")
    return from_sklearn(make_moons, random_state, n_samples=n_samples, noise=noise)


@documented(n_samples="Number of points, at least 2, shared out evenly among the blobs.",
             random_state="Seed (5 is the classic course's choice).")
def blobs(
    n_samples: int = 200, centers: int = 6, random_state: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around random centres, folded into two classes.

    ``sklearn.datasets.make_blobs`` draws ``centers`` clusters (unit standard
    deviation); cluster ``k`` gets label ``k % 2``, so each class is a union of
    several blobs. With an odd number of centres class 0 has one blob more.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.blobs(n_samples=60)  # 6 blobs of 10 points, 3 per class
    >>> X.shape, np.bincount(y).tolist()
    ((60, 2), [30, 30])
    """
    n_samples = check_n_samples(n_samples)
    if isinstance(centers, bool) or not isinstance(centers, Integral):
        raise TypeError(f"centers must be an integer, got {type(centers).__name__} {centers!r}")
    if centers < 2:
        raise ValueError(f"centers must be at least 2 to give two classes, got {centers}")
    X, y = from_sklearn(make_blobs, random_state, n_samples=n_samples, n_features=2,
                         centers=int(centers))
    return X, y % 2


@documented(X="Points in ``[0, 1)^2``.")
def no_structure(n_samples: int = 200, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in the unit square with labels unrelated to them.

    The labels are a random shuffle of an even split (class 0 gets the extra point
    when ``n_samples`` is odd), drawn independently of the points: there is
    nothing to learn, and a model should do no better than chance on new data.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.no_structure(n_samples=21)
    >>> np.bincount(y).tolist(), bool(((X >= 0) & (X < 1)).all())
    ([11, 10], True)
    """
    n_samples = check_n_samples(n_samples)
    rng = seeded_rng(random_state)
    X = rng.uniform(0.0, 1.0, size=(n_samples, 2))
    return as_output(X, balanced_labels(rng, n_samples))


@documented()
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

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.xor(n_samples=20, noise=0.0)
    >>> np.bincount(y).tolist()
    [10, 10]
    >>> bool(np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int)))  # the sign of x1 * x2
    True
    """

    def quadrants(rng: np.random.RandomState, y: np.ndarray) -> np.ndarray:
        # 1 - U[0, 1) lies in (0, 1]: uniform magnitudes that are never exactly zero.
        magnitude = 1.0 - rng.uniform(0.0, 1.0, size=(len(y), 2))
        sign1 = rng.choice([-1.0, 1.0], size=len(y))
        sign2 = np.where(y == 1, sign1, -sign1)  # same sign <=> product > 0 <=> class 1
        return magnitude * np.column_stack([sign1, sign2])

    return labels_first(n_samples, noise, random_state, quadrants)


@documented()
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

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.spirals(n_samples=20, noise=0.0)
    >>> radius = np.linalg.norm(X, axis=1)
    >>> np.bincount(y).tolist(), bool(((radius >= 0.5) & (radius <= 3.5)).all())
    ([10, 10], True)
    """

    def arms(rng: np.random.RandomState, y: np.ndarray) -> np.ndarray:
        # r = sqrt(uniform) spreads the points evenly along the arms (arc length ~ r**2).
        r = np.sqrt(rng.uniform(0.5**2, 3.5**2, size=len(y)))
        angle = np.pi * r + np.pi * y
        return r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])

    return labels_first(n_samples, noise, random_state, arms)


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

    Examples
    --------
    >>> from barenet import datasets
    >>> datasets.names()[:4]
    ['gaussian_quantiles', 'flower', 'noisy_circles', 'noisy_moons']
    >>> "spirals" in datasets.names()
    True
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

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import datasets
    >>> X, y = datasets.load("flower", n_samples=40)
    >>> X.shape, np.bincount(y).tolist()
    ((40, 2), [20, 20])
    >>> datasets.load("moons")
    Traceback (most recent call last):
        ...
    ValueError: unknown dataset 'moons'; available datasets: gaussian_quantiles, flower, ...
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
