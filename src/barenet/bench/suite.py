"""The benchmark suite: the workloads by id (W1 to W5), and :func:`run_bench`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .article import w1, w2
from .report import environment
from .runner import Case, time_case
from .scale import w3, w4
from .sparse import w5

WORKLOADS: dict[str, Callable[[bool], Case]] = {"W1": w1, "W2": w2, "W3": w3, "W4": w4,
                                                "W5": w5}
"""Workload id -> ``prepare(quick) -> Case``: W1 to W4 as in the product's
specification, W5 sparse input."""


def run_bench(
    workloads: Sequence[str] = ("W1", "W2", "W3", "W4", "W5"),
    quick: bool = False,
    repeats: int | None = None,
    echo: Callable[[str], None] = print,
) -> dict:
    """Time the workloads for barenet and its peers, interleaved, in this process.

    Parameters
    ----------
    workloads : sequence of str, default ("W1", "W2", "W3", "W4", "W5")
        Ids from :data:`WORKLOADS`.
    quick : bool, default False
        Fewer iterations and rounds: a smoke run of a few seconds whose
        figures are rough.
    repeats : int, optional
        Rounds per workload (each round runs every system once); by default
        each workload's own (more for short workloads).
    echo : callable, default print
        Where progress lines go.

    Returns
    -------
    dict
        ``environment`` (versions, threads) and ``workloads``: for each id its
        ``title``, ``iterations``, ``repeats``, ``reference``, per system its
        ``status`` and, when it ran, ``median_s``, ``min_s``, ``times_s`` (and
        ``us_per_iteration``, from the median), ``ratios`` (each system's median time over the
        reference's: above 1 means barenet is faster) and ``check``.  Plain
        types only, ready for ``json.dumps``.

    Examples
    --------
    A smoke run of the cheapest workload, one round (the times differ from
    run to run, so only the layout of the result is shown):

    >>> result = run_bench(["W1"], quick=True, repeats=1, echo=lambda line: None)
    >>> sorted(result), list(result["workloads"])
    (['environment', 'quick', 'workloads'], ['W1'])
    >>> w1 = result["workloads"]["W1"]
    >>> sorted(w1)
    ['check', 'iterations', 'ratios', 'reference', 'repeats', 'systems', 'title']
    >>> w1["reference"], w1["repeats"], w1["iterations"]
    ('barenet nn_model', 1, 500)
    >>> sorted(w1["systems"][w1["reference"]])
    ['median_s', 'min_s', 'status', 'times_s', 'us_per_iteration']
    """
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        raise ValueError(f"unknown workload {unknown[0]!r}; choose from {', '.join(WORKLOADS)}")
    if repeats is not None and repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    result: dict = {"quick": quick, "environment": environment(), "workloads": {}}
    for wid in workloads:
        case = WORKLOADS[wid](quick)
        rounds = repeats or case.repeats
        echo(f"{wid}: {case.title} ({rounds} rounds)")
        result["workloads"][wid] = time_case(case, rounds, echo)
    return result
