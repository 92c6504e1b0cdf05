"""CSV files in and out, for the command line and the playground (no pandas needed).

A data file has a header row; feature columns hold numbers; the target column
may hold any labels.  :func:`parse_csv` is the one reader: :func:`read_csv`
(the command line) and the playground's uploads both go through it, so a file
one accepts the other accepts too.  Every problem is reported as a
``ValueError`` that names the file, the line and the column, and says what to
do: text where a number belongs, an empty, NaN or infinite value, a value too
large to train on (:data:`MAX_ABS_FEATURE`), a field longer than
:data:`MAX_FIELD_CHARS`, or a missing label.

:func:`write_csv` writes atomically and escapes text cells that a spreadsheet
would run as a formula.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._files import atomic_write
from ._text import shorten

# A feature of larger magnitude cannot be trained on as it is: its products with
# the weights overflow float32 within a few steps, and no scale of the initial
# weights suits it.  Scaling the column first is the remedy (the message says so).
MAX_ABS_FEATURE = 1e15
# No number or label needs more characters than this; a longer field means the
# file is not the CSV file it was meant to be (the limit of Python's csv reader,
# which refuses longer fields).
MAX_FIELD_CHARS = csv.field_size_limit()


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
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target: str | None


def read_csv(
    path: str | os.PathLike[str],
    target: str | None = None,
    features: Sequence[str] | None = None,
) -> Table:
    """Read a CSV file with a header row.

    Parameters
    ----------
    path : path-like
    target : str, optional
        Name of the label column; it must exist when given.
    features : sequence of str, optional
        Feature columns to take, in this order (default: every column except
        the target).

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
    >>> _ = path.write_text("x1,x2,label\\n0.5,1,yes\\n-2,3e-1,no\\n")
    >>> table = read_csv(path, target="label")
    >>> table.X.shape, table.y.tolist(), table.feature_names
    ((2, 2), ['yes', 'no'], ['x1', 'x2'])
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a CSV file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text; give a CSV file (a model file or "
                         "spreadsheet cannot be read as data)") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path} ({exc.strerror or exc})") from None
    return parse_csv(text, str(path), target, features)


def parse_csv(
    text: str,
    name: str = "the CSV text",
    target: str | None = None,
    features: Sequence[str] | None = None,
) -> Table:
    """Read CSV text with a header row; the one reader behind :func:`read_csv`.

    Parameters
    ----------
    text : str
        The file's content.
    name : str, default "the CSV text"
        What messages call the file.
    target, features
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
        unknown column, a feature value that is empty, not a number, NaN,
        infinite or beyond ``±MAX_ABS_FEATURE``, or a label that is empty,
        NaN or infinite.
    """
    header, rows, lines = _records(text, name)
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
    X = np.empty((len(rows), len(features)))
    for j, column in enumerate(features):
        X[:, j] = _numbers(rows, position[column], column, name, lines)
    y = None
    if target is not None:
        y = _labels(rows, position[target], target, name, lines)
    return Table(X, y, list(features), target)


def _records(text: str, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows and each row's line number; blank lines skipped."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                continue
            if len(row) != len(header):
                raise ValueError(f"{name}, line {reader.line_num}: {len(row)} values but the "
                                 f"header has {len(header)} columns")
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        if "field larger" in str(exc):
            reason = f"a field is longer than {MAX_FIELD_CHARS:,} characters"
        elif "NUL" in str(exc):
            reason = "it holds a NUL character"
        else:
            reason = str(exc)
        raise ValueError(f"{name}, line {reader.line_num}: {reason}; is this the CSV "
                         "file you meant?") from None
    if header is None:
        raise ValueError(f"{name} is empty; expected a header row and data rows")
    if not rows:
        raise ValueError(f"{name} has a header but no data rows")
    return header, rows, lines


def _where(name: str, line: int, column: str, value: str) -> str:
    return f"{name}, line {line}, column {shorten(column)}: {shorten(value)}"


def _numbers(rows: list[list[str]], col: int, column: str, name: str,
             lines: list[int]) -> np.ndarray:
    """One feature column as float64, every value checked."""
    cells = [row[col] for row in rows]
    try:
        values = np.array(cells, dtype=np.float64)  # fast path; errors located below
    except ValueError:
        values = None
    if values is not None:
        with np.errstate(invalid="ignore"):
            bad = ~(np.abs(values) <= MAX_ABS_FEATURE)  # also NaN
        if not bad.any():
            return values
    for line, cell in zip(lines, cells, strict=True):
        value = cell.strip()
        where = _where(name, line, column, value)
        if value == "":
            raise ValueError(f"{name}, line {line}, column {shorten(column)}: the value is empty; "
                             "fill it in or remove the row")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{where} is not a number; feature columns must be numeric "
                             "(encode categories as numbers or drop the column)") from None
        if not math.isfinite(number):
            raise ValueError(f"{where} is not a finite number; remove or impute it")
        if abs(number) > MAX_ABS_FEATURE:
            raise ValueError(f"{where} is too large to train on (beyond ±{MAX_ABS_FEATURE:g}); "
                             "scale the column first, e.g. to standard units")
    raise AssertionError("a bad value was seen but not found")  # pragma: no cover


def _labels(rows: list[list[str]], col: int, column: str, name: str,
            lines: list[int]) -> np.ndarray:
    """The target column: integers, else floats, else text; never empty, NaN or infinite."""
    labels = [row[col].strip() for row in rows]
    for line, label in zip(lines, labels, strict=True):
        if label == "":
            raise ValueError(f"{name}, line {line}: the target {shorten(column)} is empty; give "
                             "every row a label or remove the row")
        if label.lstrip("+-").lower() in ("nan", "inf", "infinity"):
            raise ValueError(f"{_where(name, line, column, label)} is not a label; give the "
                             "row a real label or remove it")
    for kind in (int, float):
        try:
            return np.array([kind(v) for v in labels])
        except ValueError:
            continue
    return np.array(labels)


# Text starting with these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value  # NOTE: the usual escape: a leading apostrophe means "text"
    return value


def _escaped(values: Iterable[object]) -> list[object]:
    return [_cell(v) for v in values]


def write_csv(
    path: str | os.PathLike[str] | None, header: Sequence[str], columns: Sequence[np.ndarray]
) -> str | None:
    """Write columns under a header, atomically; to a string when ``path`` is None.

    Text cells that begin like a formula (``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return) and are not numbers get a leading apostrophe, so that a
    spreadsheet opening the file shows them instead of running them.

    Parameters
    ----------
    path : path-like or None
    header : sequence of str
    columns : sequence of ndarray
        Equally long.

    Returns
    -------
    str or None
        The CSV text when ``path`` is None.

    Raises
    ------
    OSError
        (:class:`barenet._files.WriteError`) naming ``path`` when it cannot
        be written; nothing is left half-written.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_escaped(header))
    writer.writerows(zip(*(_escaped(np.asarray(c).tolist()) for c in columns), strict=True))
    if path is None:
        return buffer.getvalue()
    atomic_write(path, lambda fh: fh.write(buffer.getvalue().encode("utf-8")))
    return None
