"""CSV files in and out, for the command line and the playground.

A data file has a header row; feature columns hold numbers; the target column
may hold any labels.  :func:`read_csv` (a file, gzip-compressed or not) and
:func:`parse_csv` (text: the playground's uploads) are one reader, so a file
one accepts the other accepts too.

The reader is fast where it can be: a clean file is parsed in C by
``pandas.read_csv`` when pandas is installed, else by ``numpy.loadtxt``.  When
that parser fails or its result holds a bad value, the reference parser (Python's
csv module, every cell checked) reads the file again and refuses the first
problem as a ``ValueError`` naming the file, the line and the column, and
saying what to do: text where a number belongs, a missing (empty, NA, NaN) or
infinite value, a value too large to train on (:data:`MAX_ABS_FEATURE`), a
field longer than :data:`MAX_FIELD_CHARS`, or a missing label.  Missing
feature values can be imputed instead (``impute="mean"``, ``"median"`` or
``"most_frequent"``, as scikit-learn's ``SimpleImputer`` does).

:func:`write_csv` writes atomically and escapes text cells that a spreadsheet
would run as a formula.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import numpy as np

from ._tabular_parsers import (
    MAX_ABS_FEATURE,
    MAX_FIELD_CHARS,
    MISSING,
    Layout,
    OpenBinary,
    bad_label,
    csv_reason,
    good_features,
    label_array,
    parse_numpy,
    parse_pandas,
    parse_python,
    text_stream,
)
from ._tabular_write import write_csv
from ._text import shorten

__all__ = ["DELIMITERS", "IMPUTE_STRATEGIES", "MAX_ABS_FEATURE", "MAX_FIELD_CHARS", "MISSING",
           "Table", "parse_csv", "read_csv", "write_csv"]

# The delimiters told apart when none is given, the first one when the header says nothing.
DELIMITERS = (",", ";", "\t")
IMPUTE_STRATEGIES = ("mean", "median", "most_frequent")


@dataclass
class Table:
    """Features and (optionally) the target read from a CSV file.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,) or None
        Integers if every label is an integer, floats if every label is a
        number, otherwise text.
    feature_names : list of str
    target : str or None
    n_imputed : int
        Missing feature values filled in (0 unless ``impute`` was given).

    Examples
    --------
    >>> table = parse_csv("x1,x2,label\\n0.5,1.0,cat\\n-1.0,,dog\\n", "pets.csv",
    ...                   target="label", impute="mean")
    >>> table.X.tolist(), table.y.tolist(), table.feature_names, table.n_imputed
    ([[0.5, 1.0], [-1.0, 1.0]], ['cat', 'dog'], ['x1', 'x2'], 1)
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target: str | None
    n_imputed: int = 0


def read_csv(
    path: str | os.PathLike[str],
    target: str | None = None,
    features: Sequence[str] | None = None,
    *,
    delimiter: str | None = None,
    impute: str | None = None,
) -> Table:
    """Read a CSV file with a header row, gzip-compressed or not.

    Parameters
    ----------
    path : path-like
        A CSV file; one compressed with gzip (``data.csv.gz``) is read as it is.
    target : str, optional
        Name of the label column; it must exist when given.
    features : sequence of str, optional
        Feature columns to take, in this order (default: every column except
        the target).
    delimiter : str, optional
        The one character between values (default: told from the header row:
        whichever of comma, semicolon and tab splits it into most columns;
        comma when none does).
    impute : {"mean", "median", "most_frequent"}, optional
        Fill missing feature values (empty cells, ``NA``, ``N/A``, ``NaN``)
        with their column's mean, median or most frequent value, as
        scikit-learn's ``SimpleImputer(strategy=impute)``; by default a
        missing value is refused.  Labels are never imputed.

    Returns
    -------
    Table
        The feature columns as ``X`` and, when ``target`` is given, its labels as ``y``.

    Raises
    ------
    ValueError
        A missing file or a folder, a file that is not UTF-8 text, and every
        problem :func:`parse_csv` reports.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "points.csv"
    >>> _ = path.write_text("x1;x2;label\\n0.5;1;yes\\n-2;;no\\n4;5;yes\\n")
    >>> table = read_csv(path, target="label", impute="mean")
    >>> table.X.tolist(), table.y.tolist(), table.feature_names
    ([[0.5, 1.0], [-2.0, 3.0], [4.0, 5.0]], ['yes', 'no', 'yes'], ['x1', 'x2'])
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a CSV file")
    try:
        with open(path, "rb") as fh:
            compressed = fh.read(2) == b"\x1f\x8b"  # gzip's magic number
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path} ({exc.strerror or exc})") from None

    def open_binary() -> IO[bytes]:
        # (a GzipFile is a binary file, which typeshed does not say)
        return cast(IO[bytes], gzip.open(path, "rb")) if compressed else open(path, "rb")  # noqa: SIM115

    return _read(open_binary, str(path), target, features, delimiter, impute)


def parse_csv(
    text: str,
    name: str = "the CSV text",
    target: str | None = None,
    features: Sequence[str] | None = None,
    *,
    delimiter: str | None = None,
    impute: str | None = None,
) -> Table:
    """Read CSV text with a header row, as :func:`read_csv` reads a file.

    Parameters
    ----------
    text : str
        The file's content.
    name : str, default "the CSV text"
        What messages call the file.
    target, features, delimiter, impute
        As in :func:`read_csv`.

    Returns
    -------
    Table
        As :func:`read_csv` returns it.

    Raises
    ------
    ValueError
        Naming the line and column: no header, no rows, ragged rows, a field
        longer than :data:`MAX_FIELD_CHARS` or holding a NUL character, an
        unknown column, a feature value that is not a number, missing (unless
        imputed), infinite or beyond ``±MAX_ABS_FEATURE``, or a label that is
        empty, NaN or infinite.

    Examples
    --------
    >>> parse_csv("a,b,t\\n1,2,x\\n3,4,y\\n", target="t").X.tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    data = text.encode("utf-8")
    return _read(lambda: io.BytesIO(data), name, target, features, delimiter, impute)


def read_header(text: str, delimiter: str | None = None) -> list[str]:
    """The column names of CSV text, as :func:`parse_csv` reads them.

    Parameters
    ----------
    text : str
        The file's content, or its first lines.
    delimiter : str, optional
        As in :func:`read_csv`.

    Returns
    -------
    list of str
        The names, stripped; empty when there is no header row.

    Examples
    --------
    >>> read_header("x1;x2;label\\n1;2;a\\n")
    ['x1', 'x2', 'label']
    """
    data = text.encode("utf-8")
    try:
        header, _, _ = _header(lambda: io.BytesIO(data), "the CSV text", delimiter)
    except ValueError:
        return []
    return [cell.strip() for cell in header]


def _read(open_binary: OpenBinary, name: str, target: str | None,
          features: Sequence[str] | None, delimiter: str | None, impute: str | None) -> Table:
    """The reader behind :func:`read_csv` and :func:`parse_csv`."""
    if impute is not None and impute not in IMPUTE_STRATEGIES:
        raise ValueError(f"impute must be one of {', '.join(IMPUTE_STRATEGIES)}; got "
                         f"{shorten(impute)}")
    try:
        layout = _layout(open_binary, name, target, features, delimiter)
        X, labels = _fast(open_binary, layout, impute is not None)
        if X is None:
            X, labels = parse_python(open_binary, layout, allow_missing=impute is not None)
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not UTF-8 text; give a CSV file (a model file or "
                         "spreadsheet cannot be read as data)") from None
    except (OSError, EOFError) as exc:  # a damaged gzip file, a disk failing
        raise ValueError(f"cannot read {name} ({getattr(exc, 'strerror', None) or exc})") from None
    n_imputed = 0
    if impute is not None:
        X, n_imputed = _impute(X, impute, layout)
    y = labels if labels is None or labels.dtype != object else label_array(labels)
    return Table(X, y, list(layout.features), target, n_imputed)


def _header(open_binary: OpenBinary, name: str,
            delimiter: str | None) -> tuple[list[str], str, int]:
    """The header row's names, the delimiter and the lines up to the header's end."""
    with text_stream(open_binary) as fh:
        first = next((line for line in fh if line.strip()), None)
    if first is None:
        raise ValueError(f"{name} is empty; expected a header row and data rows")
    if delimiter is None:
        widths = [len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS]
        delimiter = DELIMITERS[widths.index(max(widths))]
    with text_stream(open_binary) as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            row = next(row for row in reader if any(cell.strip() for cell in row))
        except csv.Error as exc:
            raise ValueError(f"{name}, line {reader.line_num}: {csv_reason(exc)}; is this "
                             "the CSV file you meant?") from None
        return row, delimiter, reader.line_num


def _layout(open_binary: OpenBinary, name: str, target: str | None,
            features: Sequence[str] | None, delimiter: str | None) -> Layout:
    """The header read and the columns asked for found in it."""
    if delimiter is not None and len(delimiter) != 1:
        raise ValueError(f"the delimiter must be one character, got {shorten(delimiter)}")
    raw, delimiter, header_lines = _header(open_binary, name, delimiter)
    header = [cell.strip() for cell in raw]
    if len(set(header)) != len(header):
        repeated = [h for h, n in Counter(header).items() if n > 1]
        raise ValueError(f"{name} has repeated column names in its header: "
                         f"{shorten(repeated, 200)}")
    columns = shorten(header[:20], 300) + (f" and {len(header) - 20} more" * (len(header) > 20))
    position = {column: i for i, column in enumerate(header)}  # (files may be wide)
    if target is not None and target not in position:
        raise ValueError(f"{name} has no column {shorten(target)}; its columns are {columns}")
    if features is None:
        features = [h for h in header if h != target]
    else:
        absent = [h for h in features if h not in position]
        if absent:
            raise ValueError(f"{name} lacks the model's feature columns {shorten(absent, 200)}; "
                             f"its columns are {columns}")
    if not features:
        raise ValueError(f"{name} has no feature columns besides the target {target!r}")
    return Layout(name, delimiter, len(header), header_lines, list(features),
                  [position[f] for f in features], target,
                  None if target is None else position[target],
                  one_line_header=not any("\n" in h or "\r" in h for h in raw))


def _fast_parser() -> Callable[[OpenBinary, Layout], tuple[np.ndarray, np.ndarray | None]]:
    """pandas' parser when pandas is installed, else NumPy's."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        return parse_numpy
    return parse_pandas


def _fast(open_binary: OpenBinary, layout: Layout,
          allow_missing: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Features and stripped labels by a fast parser, or (None, None) when the file
    needs the reference parser: one that fails, a bad value, a missing one not allowed."""
    try:
        X, labels = _fast_parser()(open_binary, layout)
    except MemoryError:
        raise
    except Exception:  # NOTE: whatever it is, the reference parser finds and names it
        return None, None
    if len(X) == 0 or not good_features(X, allow_missing):
        return None, None
    if labels is not None and labels.dtype == object:
        try:
            stripped = [label.strip() for label in labels]
        except AttributeError:  # a missing label, read as NaN
            return None, None
        if any(bad_label(label) for label in set(stripped)):
            return None, None
        labels = np.array(stripped, dtype=object)
    return X, labels


def _impute(X: np.ndarray, strategy: str, layout: Layout) -> tuple[np.ndarray, int]:
    """X with its NaNs filled in as ``SimpleImputer(strategy=strategy)`` does, and their count."""
    missing = np.isnan(X)
    n_missing = int(missing.sum())
    if n_missing == 0:
        return X, 0
    empty = missing.all(axis=0)
    if empty.any():
        column = layout.features[int(np.argmax(empty))]
        raise ValueError(f"{layout.name}: column {shorten(column)} has no values, so there is "
                         "nothing to impute from; fill it in or drop the column")
    from sklearn.impute import SimpleImputer

    return SimpleImputer(strategy=strategy).fit_transform(X), n_missing
