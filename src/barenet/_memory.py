"""Memory: what a fit will need, what this process can still get, and refusing in time.

A network too large for the machine should be refused with the numbers
before anything is allocated: the alternatives are a ``MemoryError``
traceback halfway through, or the kernel's out-of-memory killer after the
machine has started swapping.  :func:`fit_memory` estimates a fit from the
layer sizes, :func:`available_memory` reads what is left, and
:func:`check_memory` compares the two and says what to change.
:func:`rows_per_chunk` sizes the chunks in which predictions go through a
wide network, so that evaluating many points never needs memory
proportional to points x units.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import numpy as np

try:
    resource: ModuleType | None = importlib.import_module("resource")
except ImportError:  # (Windows)
    resource = None

# Where Linux says how much memory is left; module attributes, so that tests
# can point them at files of their own.
MEMINFO = Path("/proc/meminfo")
STATM = Path("/proc/self/statm")
CGROUP_OF_PROCESS = Path("/proc/self/cgroup")
CGROUP_ROOT = Path("/sys/fs/cgroup")

# scipy's L-BFGS keeps this many (s, y) vector pairs (its ``maxcor``).
LBFGS_HISTORY = 10
# Copies of the parameters a fit holds at once: the network's own arrays, the
# training layout, the gradient, the copy a diverging step is rolled back to,
# and the arrays copied out at the end.
PARAMETER_COPIES = 5
# Further float64 copies L-BFGS holds beside its history of vector pairs: its
# work arrays, bounds and gradient, the iterates passed to it and back.
LBFGS_EXTRA_COPIES = 20
# Arrays of one row's width per unit during a pass: 3 where activations
# overwrite pre-activations and slopes overwrite activations (the engine's
# network, for every built-in activation), else 6 (pre-activations kept
# beside the activations, their gradients, and the temporaries between them).
ACTIVATION_COPIES = {True: 3, False: 6}
# Fits below this size are not checked: reading the limits costs more than
# they risk, and a partial_fit loop would pay for it on every call.
UNCHECKED_BYTES = 16 * 2**20
# Working memory of one chunk of a prediction (see rows_per_chunk).
CHUNK_BYTES = 64 * 2**20

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


class MemoryEstimateError(ValueError, MemoryError):
    """A computation needs more memory than this process can get.

    A ``ValueError`` (the size asked for is the problem, and the message says
    which to change) and a ``MemoryError`` (code that handles running out of
    memory handles this too).
    """


def format_bytes(n_bytes: float) -> str:
    """``n_bytes`` in binary units with one decimal, e.g. ``"31.2 GiB"``."""
    value, unit = float(n_bytes), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{int(value)} bytes" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


# -- what is left -----------------------------------------------------------------
def available_memory() -> int | None:
    """Bytes this process can still allocate, or None when nothing says.

    The least of: the memory the kernel could give without swapping
    (``MemAvailable`` in ``/proc/meminfo``); what the process's control
    group still allows (cgroup v2 ``memory.max`` or v1
    ``memory.limit_in_bytes``, less the usage that reclaimable file cache
    does not explain, at every level of the hierarchy); and what its
    address-space limit still allows (``RLIMIT_AS``, as ``ulimit -v`` sets it,
    less the process's current virtual size).  Off Linux, psutil's
    ``available`` when psutil is installed.

    Returns
    -------
    int or None
        None where nothing is known: then nothing can be checked.
    """
    known = [n for n in (_meminfo(), _cgroup(), _address_space()) if n is not None]
    if not known:
        known = [n for n in (_psutil(),) if n is not None]
    return max(0, min(known)) if known else None


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except (OSError, ValueError):
        return None


def _meminfo() -> int | None:
    for line in (_read(MEMINFO) or "").splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024  # the kernel writes kB and means KiB
    return None


def _cgroup() -> int | None:
    """What the tightest memory control group above this process still allows."""
    lines = (_read(CGROUP_OF_PROCESS) or "").splitlines()
    left = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2: one unified hierarchy
            files = CGROUP_ROOT, "memory.max", "memory.current", "inactive_file"
        elif "memory" in controllers.split(","):  # v1: the memory controller's own
            files = (CGROUP_ROOT / "memory", "memory.limit_in_bytes",
                     "memory.usage_in_bytes", "total_inactive_file")
        else:
            continue
        root, limit_file, usage_file, cache_key = files
        # NOTE: inside a container the path may name a group the mount does
        # not show (the container's own group is the mount's root); the walk
        # up to the root reads whichever levels are there.
        group = Path(path.strip())
        for level in [group, *group.parents]:
            folder = root / level.relative_to("/")
            limit = _number(_read(folder / limit_file))
            if limit is None or limit >= 2**60:  # "max", or v1's unlimited
                continue
            usage = _number(_read(folder / usage_file)) or 0
            left.append(limit - max(0, usage - _stat(folder / "memory.stat", cache_key)))
    return min(left) if left else None


def _number(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text is not None else None
    except ValueError:
        return None


def _stat(path: Path, key: str) -> int:
    """One counter of a cgroup's ``memory.stat``; 0 when absent."""
    for line in (_read(path) or "").splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return _number(value) or 0
    return 0


def _address_space() -> int | None:
    if resource is None:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    fields = (_read(STATM) or "").split()
    if not fields:
        return None
    return soft - int(fields[0]) * os.sysconf("SC_PAGE_SIZE")


def _psutil() -> int | None:
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


# -- what a fit needs ---------------------------------------------------------------
def n_parameters(layer_sizes: Sequence[int]) -> int:
    """Weights and biases of a dense network, ``sum((n_in + 1) * n_out)``."""
    return sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))


def fit_memory(layer_sizes: Sequence[int], n_samples: int, batch_size: int, solver: str,
               itemsize: int, *, in_place: bool = True,
               input_per_row: float | None = None) -> dict[str, int]:
    """Bytes a fit needs at its peak, by part: an estimate that errs high.

    With ``P`` parameters, ``U`` units after the input layer, ``n_in``
    inputs, batches of ``B`` rows (plus a last, shorter batch of ``r`` rows
    when ``B`` does not divide the samples) and ``s`` bytes per number:

    * parameters: ``5 P s`` (:data:`PARAMETER_COPIES`);
    * optimiser state: ``k P s``, laid out like the parameters and updated
      in place: ``k = 1`` for "sgd" (a velocity), ``2`` for "adam" (two
      moments; its scratch space is a small chunk), 0 for "gd" (plain descent);
    * L-BFGS: ``(2 m + 20) P`` float64 numbers: scipy's history of ``m = 10``
      vector pairs, and :data:`LBFGS_EXTRA_COPIES`;
    * activations: ``(B + r) (c U + 2 n_in) s``, ``c`` from
      :data:`ACTIVATION_COPIES` (L-BFGS: the full batch); ``2 n_in`` is the
      batch and its copy as columns (``input_per_row`` for sparse data);
    * data: an index of the samples, 8 bytes each.

    Measured peaks (``tracemalloc``) of the estimators' fits are 0.65 to 0.95
    times this.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, n_hidden_1, ..., n_outputs)``.
    n_samples : int
    batch_size : int
        Rows per batch (``n_samples`` for the full batch).
    solver : {"gd", "sgd", "adam", "lbfgs"}
    itemsize : int
        Bytes per number: 8 for float64, 4 for float32.
    in_place : bool, default True
        Whether the passes overwrite each unit's arrays in place (every
        built-in activation does; one whose slope needs ``Z`` does not).
    input_per_row : float, optional
        Numbers a row of the input takes in a pass, if not ``2 n_in``: sparse
        data takes its batch's non-zeros with their indices.

    Returns
    -------
    dict
        Bytes per part, in the order above; parts that need nothing are left out.

    Examples
    --------
    >>> parts = fit_memory([2, 64, 64, 1], 1_000_000, 1024, "sgd", 4)
    >>> format_bytes(sum(parts.values()))
    '10.1 MiB'
    """
    n_params = n_parameters(layer_sizes)
    lbfgs = solver == "lbfgs"
    batch = n_samples if lbfgs else max(1, min(batch_size, n_samples))
    rows = batch + n_samples % batch
    inputs = 2 * layer_sizes[0] if input_per_row is None else input_per_row
    per_row = ACTIVATION_COPIES[in_place] * sum(layer_sizes[1:]) + inputs
    parts = {
        "parameters": PARAMETER_COPIES * n_params * itemsize,
        "optimiser state": {"sgd": 1, "adam": 2}.get(solver, 0) * n_params * itemsize,
        "L-BFGS": (2 * LBFGS_HISTORY + LBFGS_EXTRA_COPIES) * n_params * 8 if lbfgs else 0,
        "activations": int(rows * per_row * itemsize),
        "data": 8 * n_samples,
    }
    return {name: n for name, n in parts.items() if n}


def check_memory(need: int | Mapping[str, int], what: str, advice: str) -> None:
    """Raise :class:`MemoryEstimateError` if ``need`` bytes exceed what is available.

    Parameters
    ----------
    need : int or mapping of str to int
        Bytes, or bytes per part (as :func:`fit_memory` gives), summed and
        named in the message.
    what : str
        What needs it, e.g. ``"training this network"``.
    advice : str
        What to change, e.g. ``"use fewer hidden units or a smaller batch_size"``.

    Raises
    ------
    MemoryEstimateError
        E.g. "training this network needs about 31.2 GiB (parameters 7.5 GiB,
        ...) but about 20.1 GiB is available; use fewer hidden units".
        Nothing is raised when the memory left is unknown, nor for needs under
        :data:`UNCHECKED_BYTES`.
    """
    parts = dict(need) if isinstance(need, Mapping) else {}
    total = _total(need)
    if total < UNCHECKED_BYTES:
        return
    available = available_memory()
    if available is None or total <= available:
        return
    # (Parts under a thousandth of the whole would only be noise in the message.)
    detail = ", ".join(f"{name} {format_bytes(n)}" for name, n in parts.items()
                       if n >= total / 1000)
    raise MemoryEstimateError(
        f"{what} needs about {format_bytes(total)}" + (f" ({detail})" if detail else "")
        + f" but about {format_bytes(available)} is available; {advice}")


def _total(need: int | Mapping[str, int]) -> int:
    """Bytes in all, from a number or from bytes per part."""
    return sum(need.values()) if isinstance(need, Mapping) else int(need)


@contextmanager
def memory_errors_explained(need: int | Mapping[str, int], what: str,
                            advice: str) -> Iterator[None]:
    """Report a ``MemoryError`` raised inside as a :class:`MemoryEstimateError`
    that also gives the estimate (``need``, as in :func:`check_memory`) and the
    memory available now, with the original error as its cause.

    For the case the estimate did not foresee: the error says that memory ran
    out, not that the computation was refused.
    """
    try:
        yield
    except MemoryEstimateError:
        raise
    except MemoryError as exc:
        total = _total(need)
        available = available_memory()
        left = "" if available is None else f", about {format_bytes(available)} available now"
        raise MemoryEstimateError(
            f"{what} ran out of memory ({exc or 'MemoryError'}; estimated need about "
            f"{format_bytes(total)}{left}); {advice}") from exc


def rows_per_chunk(bytes_per_row: int, most: int | None = None,
                   budget: int = CHUNK_BYTES) -> int:
    """How many rows to compute at once so that a chunk needs about ``budget`` bytes.

    Parameters
    ----------
    bytes_per_row : int
        Working memory per row (e.g. units x bytes per number x arrays per unit).
    most : int, optional
        Never more rows than this.
    budget : int, default :data:`CHUNK_BYTES`

    Returns
    -------
    int
        At least 1.
    """
    rows = max(1, budget // max(1, bytes_per_row))
    return rows if most is None else max(1, min(rows, most))


def forward_rows(units: int, itemsize: int, most: int | None = None) -> int:
    """Rows per chunk of a forward pass through ``units`` units (all layers after
    the input), ``itemsize`` bytes per number: :func:`rows_per_chunk` with the
    4 arrays per unit that a pass with a workspace keeps."""
    return rows_per_chunk(4 * units * itemsize, most)


def in_chunks(f: Callable[[np.ndarray], np.ndarray], X: np.ndarray, rows: int,
              axis: int = 0) -> np.ndarray:
    """``f`` applied to ``rows`` rows of ``X`` at a time (columns with ``axis=1``),
    the results joined along the same axis: the same as ``f(X)`` for any ``f``
    that treats rows (columns) independently, in memory bounded by ``rows``."""
    n = X.shape[axis]
    if n <= rows:
        return f(X)
    take = (lambda a, b: X[a:b]) if axis == 0 else (lambda a, b: X[:, a:b])
    return np.concatenate([f(take(a, a + rows)) for a in range(0, n, rows)], axis=axis)
