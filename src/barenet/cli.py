"""The ``barenet`` command line: argument parsing only.

Exit status: 0 on success, 2 on bad usage or bad input (one line on stderr,
no traceback), 1 on an unexpected failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, with the way out."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers such as 1,2,4, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 1,2,4, got {text!r}")
    return values


def _dataset_name(text: str) -> str:
    from . import datasets

    if text not in datasets.names():
        raise argparse.ArgumentTypeError(
            f"unknown dataset {text!r}; choose one of {', '.join(datasets.names())}")
    return text


def _add_demo(sub: argparse._SubParsersAction) -> None:
    from .demo import ARTICLE_SIZES

    p = sub.add_parser(
        "demo", help="the whole article in one run: data, baseline, network, sweep",
        description="Reproduce the article: the data, a logistic-regression baseline, "
        "the shallow network with its cost lines, and a hidden-size sweep with training "
        "and held-out accuracy. Writes figures and report.md to --out.")
    p.add_argument("--dataset", type=_dataset_name, default="gaussian_quantiles",
                   help="built-in dataset (default: gaussian_quantiles, the article's)")
    p.add_argument("--hidden", type=_positive_int, default=4, metavar="N",
                   help="hidden units of the network (default: 4)")
    p.add_argument("--iterations", type=_positive_int, default=5000, metavar="N",
                   help="gradient-descent iterations (default: 5000)")
    p.add_argument("--learning-rate", type=_positive_float, default=1.2, metavar="A",
                   help="learning rate (default: 1.2)")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="seed for the data, the weights and the folds (default: the "
                   "dataset's own seed, the course's weight seed 2, fold seed 0)")
    p.add_argument("--sizes", type=_int_list, default=list(ARTICLE_SIZES), metavar="1,2,3",
                   help="hidden sizes of the sweep (default: 1,2,3,4,5,20,50)")
    p.add_argument("--cv", type=_positive_int, default=5, metavar="K",
                   help="cross-validation folds for held-out accuracy (default: 5)")
    p.add_argument("--out", default="barenet-demo", metavar="DIR",
                   help="output folder (default: barenet-demo/)")
    p.set_defaults(run=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(dataset=args.dataset, hidden=args.hidden, iterations=args.iterations,
             learning_rate=args.learning_rate, seed=args.seed, sizes=args.sizes,
             out=args.out, cv=args.cv)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The ``barenet`` argument parser with its sub-commands."""
    parser = _Parser(
        prog="barenet",
        description="Neural networks from scratch in NumPy.")
    parser.add_argument("--version", action="version", version=f"barenet {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_demo(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad usage or input, 1 on an unexpected failure.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except (ValueError, TypeError) as exc:
        print(f"barenet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("barenet: interrupted", file=sys.stderr)
        return 130
