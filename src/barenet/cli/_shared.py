"""What several ``barenet`` commands share: the parser, the exit statuses, the
record of a command, the argument types and calling a fitted model.

Nothing here imports NumPy or scikit-learn at module level, so that the
command line starts at once; what needs them imports them when it runs.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, with the way out.

    Its sub-command parsers are of this class too. Parameters are those of
    :class:`argparse.ArgumentParser`.

    Examples
    --------
    >>> Parser(prog="barenet").prog
    'barenet'
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        """Exit with status 2 and ``PROG: error: MESSAGE (see PROG --help)``.

        Parameters
        ----------
        message : str
            What was wrong with the command line.
        """
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Command:
    """A ``barenet`` sub-command: what ``--help`` says of it, its options, its work.

    Parameters
    ----------
    name : str
        The word after ``barenet``.
    help : str
        Its line in ``barenet --help``.
    description : str
        The paragraph that opens ``barenet NAME --help``.
    add_options : callable
        ``add_options(parser)`` declares the command's arguments.
    run : callable
        ``run(args)`` does the work with the parsed arguments and returns the
        exit status. It imports what it needs (NumPy and the rest) itself.

    Examples
    --------
    >>> hello = Command("hello", "say hello", "Say hello.", lambda p: None, lambda a: 0)
    >>> parser = Parser(prog="barenet")
    >>> hello.add_to(parser.add_subparsers())
    >>> args = parser.parse_args(["hello"])
    >>> args.run(args)
    0
    """

    def __init__(self, name: str, help: str, description: str,
                 add_options: Callable[[argparse.ArgumentParser], None],
                 run: Callable[[argparse.Namespace], int]) -> None:
        self.name, self.help, self.description = name, help, description
        self.add_options, self.run = add_options, run

    def add_to(self, sub: argparse._SubParsersAction) -> None:
        """Add the command to ``sub``, with ``run`` set on the arguments it parses.

        Parameters
        ----------
        sub : argparse._SubParsersAction
            The sub-commands of the ``barenet`` parser.
        """
        parser = sub.add_parser(self.name, help=self.help, description=self.description)
        self.add_options(parser)
        parser.set_defaults(run=self.run)


class ArgumentType:
    """An argparse ``type=``: the typed text as a value, or an error that says what
    was expected.

    Parameters
    ----------
    parse : callable
        ``parse(text)`` gives the value or raises ValueError.
    ok : callable
        ``ok(value)`` says whether a parsed value is allowed.
    expected : str
        What a good value is, for text that does not parse: ``"a positive
        integer"`` gives ``expected a positive integer, got 'x'``.
    out_of_range : str, optional
        The message for a value that parses but is not ``ok``, a format string
        of ``text`` and ``value`` (default: the same as for text that does not
        parse).

    Examples
    --------
    >>> odd = ArgumentType(int, lambda v: v % 2 == 1, "an odd number")
    >>> odd("3")
    3
    >>> odd("4")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: expected an odd number, got '4'
    """

    def __init__(self, parse: Callable[[str], Any], ok: Callable[[Any], bool], expected: str,
                 out_of_range: str | None = None) -> None:
        self.parse, self.ok = parse, ok
        self.expected, self.out_of_range = expected, out_of_range

    def __call__(self, text: str) -> Any:
        """The value of ``text``.

        Parameters
        ----------
        text : str
            The argument as typed.

        Returns
        -------
        object
            What ``parse`` made of it.

        Raises
        ------
        argparse.ArgumentTypeError
            When it does not parse or is not ``ok``.
        """
        unparsed = f"expected {self.expected}, got {text!r}"
        try:
            value = self.parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(unparsed) from None
        if not self.ok(value):
            raise argparse.ArgumentTypeError(unparsed if self.out_of_range is None else
                                             self.out_of_range.format(text=text, value=value))
        return value


def _split(convert: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    """A parser of comma-separated values, blanks skipped: ``"1,2,"`` is ``[1, 2]``."""
    return lambda text: [convert(v) for v in text.split(",") if v.strip()]


# The argument types of the commands' options.
positive_int = ArgumentType(int, lambda v: v >= 1, "a positive integer")
positive_float = ArgumentType(float, lambda v: v > 0 and v != math.inf, "a positive number")
seed = ArgumentType(int, lambda v: 0 <= v < 2**32, "a whole number",
                    "expected a seed between 0 and 2**32 - 1, got {value}")
path = ArgumentType(str, lambda v: bool(v.strip()), "a path", "expected a path, got an empty one")
int_list = ArgumentType(
    _split(int), lambda v: bool(v) and min(v) >= 1, "comma-separated integers such as 1,2,4",
    "expected comma-separated positive integers such as 1,2,4, got {text!r}")
float_list = ArgumentType(
    _split(float), lambda v: bool(v) and all(math.isfinite(x) and x >= 0 for x in v),
    "comma-separated numbers such as 0.1,1.2",
    "expected comma-separated non-negative numbers, got {text!r}")


def _delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
    value = named.get(text.lower(), text)
    if len(value) != 1 or value in "\"\r\n":
        raise ValueError(text)
    return value


delimiter = ArgumentType(_delimiter, lambda v: True,
                         "one character, or comma, semicolon or tab")


def add_csv_options(p: argparse.ArgumentParser) -> None:
    """The options of reading a CSV file: its delimiter and missing values.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The parser of a command that reads a CSV file.
    """
    g = p.add_argument_group("CSV files (gzip-compressed ones too: data.csv.gz)")
    g.add_argument("--delimiter", type=delimiter, default=None, metavar="D",
                   help="the character between values: ',', ';', 'tab' or any one character "
                        "(default: told from the header row among comma, semicolon and tab)")
    g.add_argument("--impute", choices=["mean", "median", "most_frequent"], default=None,
                   help="fill missing feature values (empty, NA, NaN) with the column's mean, "
                        "median or most frequent value in DATA (default: refuse them, naming "
                        "the line and column)")


def dataset_name(text: str) -> str:
    """The name of a built-in dataset, an argparse ``type=``.

    Parameters
    ----------
    text : str
        The value of ``--dataset``.

    Returns
    -------
    str
        ``text``, once it is one of :func:`barenet.datasets.names`.
    """
    from .. import datasets

    if text not in datasets.names():
        raise argparse.ArgumentTypeError(
            f"unknown dataset {text!r}; choose one of {', '.join(datasets.names())}")
    return text


def call_model(model: Any, X: Any, method: str, *args: Any) -> Any:
    """Call a fitted model on columns already matched by name.

    NOTE: the command line matches CSV columns to ``feature_names_in_``
    itself, so scikit-learn's warning about an array without names does not
    apply here.

    Parameters
    ----------
    model : estimator
        A fitted barenet estimator.
    X : array-like of shape (n_samples, n_features)
        The features, in the order the model was fitted with.
    method : {"predict", "predict_proba", "score"}
        The method to call.
    *args
        Further arguments of the method (the labels, for ``score``).

    Returns
    -------
    object
        What the method returns.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        return getattr(model, method)(X, *args)
