"""The ``barenet`` command line: argument parsing only, one module per command.

Exit status: 0 on success, 2 on bad usage or bad input, a file that cannot be
read or written, or too little memory (one line on stderr, no traceback), 130
on Ctrl-C, 1 on an unexpected failure.

Each command is a module of its own with one :class:`~barenet.cli._shared.Command`,
``COMMAND``: its name, its help, its options and the function that does its
work, which imports NumPy and the rest only then, so that the command line
starts at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from . import bench, demo, export, playground, predict, sweep, train
from ._shared import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Command, Parser

__all__ = ["COMMANDS", "EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "Command", "build_parser", "main"]

# The sub-commands, in the order ``barenet --help`` lists them.
COMMANDS = tuple(module.COMMAND for module in (demo, train, predict, export, sweep, bench,
                                                 playground))


def build_parser() -> argparse.ArgumentParser:
    """The ``barenet`` argument parser with its sub-commands.

    Returns
    -------
    argparse.ArgumentParser
        A parser whose parsed arguments carry the command's ``run``.

    Examples
    --------
    >>> args = build_parser().parse_args(["train", "points.csv", "--target", "label"])
    >>> args.data, args.target, callable(args.run)
    ('points.csv', 'label', True)
    """
    parser = Parser(
        prog="barenet",
        description="Neural networks from scratch in NumPy.")
    parser.add_argument("--version", action="version", version=f"barenet {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_to(sub)
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

    Examples
    --------
    >>> main(["--version"])
    barenet ...
    0
    >>> main(["train", "no-such-file.csv", "--target", "label"])
    2
    """
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
            return int(exc.code or 0)
        if not hasattr(args, "run"):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return args.run(args)
    except KeyboardInterrupt:  # also while starting up: a stop, not a failure
        print("barenet: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as exc:
        # Bad input, or a file that cannot be read or written: said in one line.
        return _usage_error(str(exc))
    except MemoryError:
        return _usage_error("not enough memory for this; use a smaller network, a smaller "
                            "--batch-size or less data")


def _usage_error(message: str) -> int:
    print(f"barenet: error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE
