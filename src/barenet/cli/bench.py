"""``barenet bench``: the benchmark workloads against barenet's peers."""

from __future__ import annotations

import argparse
import sys

from ._shared import EXIT_OK, Command, positive_int


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("workloads", nargs="*", default=["W1", "W2", "W3", "W4", "W5"],
                   metavar="WORKLOAD", help="W1 W2 W3 W4 W5 (default: all)")
    p.add_argument("--quick", action="store_true", help="a short smoke run (rough figures)")
    p.add_argument("--repeats", type=positive_int, default=None, metavar="N",
                   help="rounds per workload (default: each workload's own)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def _run(args: argparse.Namespace) -> int:
    """Time the workloads; print the table, or JSON with --json (progress on stderr)."""
    import json

    from ..bench import format_table, run_bench

    echo = (lambda line: print(line, file=sys.stderr)) if args.json else print
    result = run_bench(args.workloads, quick=args.quick, repeats=args.repeats, echo=echo)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print()
        print(format_table(result))
    return EXIT_OK


COMMAND = Command(
    "bench", help="the benchmark workloads against PyTorch, MLPClassifier and the "
    "article's code, side by side",
    description="Time barenet's benchmark workloads (W1: the article's 2-4-1 network on "
    "its 200 points; W2: the same for every hidden size of its sweep; W3 and W4: training "
    "and inference on a million points; W5: sparse bag-of-words features against "
    "MLPClassifier) for barenet and its peers in this one process, "
    "interleaved, and print medians and ratios (above 1: barenet is faster). "
    "PyTorch columns say 'not installed' when it is absent.",
    add_options=_add_options, run=_run)
