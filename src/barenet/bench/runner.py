"""What a benchmark workload is, and how the systems of one are timed.

A workload prepares its data once and returns a :class:`Case`: the systems to
time, each a zero-argument callable doing the whole work.  :func:`time_case`
times them one after the other (A B C, A B C, ... with the order rotated
every round) and keeps the medians, so that every system sees the same state
of the machine.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_INSTALLED = "not installed"
"""The status of a system whose library is missing (e.g. PyTorch)."""

Runner = Callable[[], object]
"""A system of a workload: a zero-argument callable doing the whole work."""


@dataclass
class Case:
    """One prepared workload.

    Attributes
    ----------
    title : str
        What the workload does, for the table.
    iterations : int
        Gradient-descent iterations of each training run.
    systems : dict
        ``name -> runner`` (a zero-argument callable doing the whole work) or
        ``name -> str`` saying why that system cannot run (e.g. not installed).
    reference : str
        The barenet system every ratio is taken against.
    per_iteration : bool
        Whether to report microseconds per iteration as well.
    check : callable, optional
        ``check(outputs, medians) -> dict`` given the last output and the
        median time (s) of every system that ran; the dict has at least
        ``ok`` (bool) and ``message`` (str).
    repeats : int
        Default number of rounds.

    Examples
    --------
    >>> case = Case("a sum", 1, {"builtin": lambda: sum(range(1000))}, "builtin")
    >>> time_case(case, 2, echo=lambda line: None)["systems"]["builtin"]["status"]
    'ok'
    """

    title: str
    iterations: int
    systems: dict[str, Runner | str]
    reference: str
    per_iteration: bool = False
    check: Callable[[dict[str, Any], dict[str, float]], dict] | None = None
    repeats: int = 3


def timed(run: Runner) -> float:
    """Wall-clock seconds one call of ``run`` takes.

    Parameters
    ----------
    run : callable
        Called once, without arguments; its result is dropped.

    Returns
    -------
    float
        Seconds, from :func:`time.perf_counter`.

    Examples
    --------
    >>> seconds = timed(lambda: sum(range(1000)))
    >>> type(seconds).__name__, seconds >= 0
    ('float', True)
    """
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def quiet_fit(make: Callable[[], Any], X: Any, y: Any) -> Callable[[], Any]:
    """A runner that fits a new estimator ``make()`` to ``X, y`` and returns it.

    The workloads stop fits early on purpose (one epoch, a fixed number of
    iterations): their ``ConvergenceWarning`` is silenced.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> run = quiet_fit(lambda: LogisticRegression(max_iter=1), [[0.0], [1.0]], [0, 1])
    >>> type(run()).__name__
    'LogisticRegression'
    """
    from sklearn.exceptions import ConvergenceWarning

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return make().fit(X, y)

    return run


def traced_peak(run: Runner) -> int:
    """Bytes at the peak of what Python and NumPy allocate during one call of ``run``.

    Examples
    --------
    >>> import numpy as np
    >>> traced_peak(lambda: np.ones(1_000_000)) >= 8_000_000
    True
    """
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def time_case(case: Case, rounds: int, echo: Callable[[str], None]) -> dict:
    """Time the systems of ``case``, interleaved, for ``rounds`` rounds.

    Parameters
    ----------
    case : Case
        The prepared workload.
    rounds : int
        Rounds; each runs every system once, the order rotated by one each round.
    echo : callable
        Where the progress line of each round and the check's message go.

    Returns
    -------
    dict
        ``title``, ``iterations``, ``repeats``, ``reference``, ``systems``
        (per system its ``status`` and, when it ran, ``median_s``, ``min_s``,
        ``times_s`` and with ``case.per_iteration`` ``us_per_iteration``),
        ``ratios`` (each system's median over the reference's) and ``check``
        (the check's dict, or None).
    """
    runners = {name: run for name, run in case.systems.items() if callable(run)}
    runnable = list(runners)
    times: dict[str, list[float]] = {name: [] for name in runnable}
    outputs: dict[str, Any] = {}
    for r in range(rounds):
        order = runnable[r % len(runnable):] + runnable[:r % len(runnable)]
        for name in order:
            start = time.perf_counter()
            outputs[name] = runners[name]()
            times[name].append(time.perf_counter() - start)
        echo(f"  round {r + 1}/{rounds}: " + ", ".join(
            f"{name} {times[name][-1]:.3f} s" for name in runnable))
    systems = _summaries(case, times)
    reference = systems[case.reference]["median_s"]
    ratios = {name: s["median_s"] / reference for name, s in systems.items()
              if "median_s" in s and name != case.reference}
    medians = {name: s["median_s"] for name, s in systems.items() if "median_s" in s}
    check = case.check(outputs, medians) if case.check is not None else None
    if check is not None:
        echo(f"  check: {check['message']}")
    return {"title": case.title, "iterations": case.iterations, "repeats": rounds,
            "reference": case.reference, "systems": systems, "ratios": ratios,
            "check": check}


def _summaries(case: Case, times: dict[str, list[float]]) -> dict[str, dict]:
    """Per system of ``case``: its status and, when it ran, the statistics of its times."""
    systems: dict[str, dict] = {}
    for name, run in case.systems.items():
        if not callable(run):
            systems[name] = {"status": run}
            continue
        median = statistics.median(times[name])
        entry = {"status": "ok", "median_s": median, "min_s": min(times[name]),
                 "times_s": times[name]}
        if case.per_iteration:
            entry["us_per_iteration"] = median / case.iterations * 1e6
        systems[name] = entry
    return systems
