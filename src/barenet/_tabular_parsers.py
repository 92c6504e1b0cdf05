"""The parsers behind :mod:`barenet.tabular`: two fast ones and the exact one.

Each takes an ``open_binary`` callable (a fresh binary stream of the file on
every call, so that a second parser can start over) and a :class:`Layout`
saying which columns to take.

- :func:`parse_pandas` and :func:`parse_numpy` read a clean file in C
  (``pandas.read_csv``, else ``numpy.loadtxt``) and check nothing: whatever
  they cannot read, they raise, and :mod:`barenet.tabular` checks what they
  return.
- :func:`parse_python` is the reference: Python's csv module, row by row, each
  value checked, so that the first problem is refused naming its line and
  column.  It is slower, and runs only when a fast parser is missing or found
  something wrong.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np

from ._text import shorten

OpenBinary = Callable[[], IO[bytes]]

# A feature of larger magnitude cannot be trained on as it is: its products with
# the weights overflow float32 within a few steps, and no scale of the initial
# weights suits it.  Scaling the column first is the remedy (the message says so).
MAX_ABS_FEATURE = 1e15
# No number or label needs more characters than this; a longer field means the
# file is not the CSV file it was meant to be (the limit of Python's csv reader,
# which refuses longer fields).
MAX_FIELD_CHARS = csv.field_size_limit()
# Feature cells that mean "no value" (a NaN in any spelling also does).
MISSING = ("", "NA", "N/A", "NaN", "nan", "NAN")
IMPUTE_HINT = ("fill it in or remove the row, or impute missing values "
               "(impute='mean', 'median' or 'most_frequent'; --impute on the command line)")


@dataclass(frozen=True)
class Layout:
    """Where the wanted columns are in a file whose header has been read.

    Attributes
    ----------
    name : str
        What messages call the file.
    delimiter : str
    n_columns : int
        Columns in the header.
    header_lines : int
        Lines up to and including the header row.
    features : list of str
        Feature columns, in the order asked.
    feature_cols : list of int
        Their positions in the file.
    target : str or None
    target_col : int or None
    """

    name: str
    delimiter: str
    n_columns: int
    header_lines: int
    features: list[str]
    feature_cols: list[int]
    target: str | None
    target_col: int | None
    one_line_header: bool = True


class _Counting:
    """A binary stream that counts one delimiter byte, and notes quotes, as it is read."""

    def __init__(self, fh: IO[bytes], delimiter: str) -> None:
        self.fh, self.sep = fh, delimiter.encode("utf-8")
        self.count, self.quoted = 0, len(self.sep) != 1  # (a longer one is not counted)

    def read(self, size: int = -1) -> bytes:
        chunk = self.fh.read(size)
        self.count += chunk.count(self.sep)
        self.quoted = self.quoted or b'"' in chunk
        return chunk


def text_stream(open_binary: OpenBinary) -> IO[str]:
    """The file as text for Python's csv module (UTF-8, a leading BOM dropped)."""
    return io.TextIOWrapper(open_binary(), encoding="utf-8-sig", newline="")


def parse_pandas(open_binary: OpenBinary, layout: Layout) -> tuple[np.ndarray, np.ndarray | None]:
    """Features (float64, NaN where :data:`MISSING`) and labels, by pandas.

    Labels come as pandas reads them: integers, finite floats, or text (an object
    array).  Raises ValueError for a row of other length than the header.
    """
    import pandas as pd

    if not layout.one_line_header:
        raise ValueError("a header over several lines")
    # NOTE: pandas fills a short row's missing values with NaN, so the last column is
    # read (NaN there: a short row, or an empty last value, which the reference parser
    # tells apart).  It drops a long row's surplus when it reads some columns only, so
    # the delimiters are counted; a file with quotes (which may hide some) is read
    # whole, and the warning pandas gives for a long first row is an error.
    last = layout.n_columns - 1
    # types are those pandas finds (faster than asking for float64)
    dtype = {} if last in layout.feature_cols or last == layout.target_col else {last: object}
    target = [] if layout.target_col is None else [layout.target_col]
    wanted = sorted({*layout.feature_cols, last, *target})

    def read(fh: object, usecols: list[int] | None) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                fh, sep=layout.delimiter, header=None, names=range(layout.n_columns),
                usecols=usecols, dtype=dtype, skiprows=layout.header_lines, index_col=False,
                keep_default_na=False, na_values=list(MISSING), encoding="utf-8-sig",
                engine="c", quotechar='"', skip_blank_lines=True)

    with open_binary() as fh:
        counted = _Counting(fh, layout.delimiter)
        frame = read(counted, wanted)
    delimiters = None if counted.quoted else counted.count
    if delimiters is None:
        with open_binary() as fh:
            frame = read(fh, None)
    if frame[last].isna().any() or (
            delimiters is not None and delimiters != (layout.n_columns - 1) * (len(frame) + 1)):
        raise ValueError("a row has more or fewer values than the header")
    if any(frame[c].dtype.kind not in "iuf" for c in layout.feature_cols):
        raise ValueError("a feature column of text or booleans")
    X = frame[layout.feature_cols].to_numpy(dtype=np.float64)
    if layout.target_col is None:
        return X, None
    labels = frame[layout.target_col]
    if labels.dtype.kind in "iu":
        return X, labels.to_numpy()
    if labels.dtype.kind == "f":
        y = labels.to_numpy()
        if not np.isfinite(y).all():
            raise ValueError("a missing or infinite label")
        return X, y
    if labels.dtype.kind == "b":
        raise ValueError("labels read as booleans; the reference parser keeps their text")
    return X, labels.to_numpy(dtype=object)


def parse_numpy(open_binary: OpenBinary, layout: Layout) -> tuple[np.ndarray, np.ndarray | None]:
    """Features and raw label text by ``numpy.loadtxt`` (for when pandas is absent)."""
    last = layout.n_columns - 1
    # NOTE: loadtxt ignores the surplus values of a long row; counting the delimiters
    # finds them, in a file without quotes (one with quotes goes to the reference parser)
    with open_binary() as fh:
        counted = _Counting(fh, layout.delimiter)
        while counted.read(1 << 22):
            pass
    delimiters = counted.count
    if counted.quoted or not layout.one_line_header:
        raise ValueError("quotes or a header over several lines")

    def load(cols: list[int], dtype: type) -> np.ndarray:
        with text_stream(open_binary) as fh, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Input line")  # blank lines: skipped
            return np.loadtxt(fh, delimiter=layout.delimiter, skiprows=layout.header_lines,
                              usecols=cols, dtype=dtype, comments=None, quotechar='"',
                              ndmin=2)

    X = load(layout.feature_cols, np.float64)
    text_cols = [c for c in (layout.target_col, last) if c is not None]
    # reading the last column refuses a row cut short
    labels = load(text_cols, str)
    if len(labels) != len(X) or delimiters != (layout.n_columns - 1) * (len(X) + 1):
        raise ValueError("a row has more or fewer values than the header")
    y = None if layout.target_col is None else labels[:, 0].astype(object)
    return X, y


def _rows(open_binary: OpenBinary, layout: Layout) -> Iterator[tuple[int, list[str]]]:
    """Each data row and the line it ends on; blank rows skipped, ragged ones refused."""
    name = layout.name
    with text_stream(open_binary) as fh:
        reader = csv.reader(fh, delimiter=layout.delimiter)
        seen_header = False
        while True:
            try:
                row = next(reader, None)
            except csv.Error as exc:
                raise ValueError(f"{name}, line {reader.line_num}: {csv_reason(exc)}; is this "
                                 "the CSV file you meant?") from None
            if row is None:
                return
            if not any(cell.strip() for cell in row):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(row) != layout.n_columns:
                raise ValueError(f"{name}, line {reader.line_num}: {len(row)} values but the "
                                 f"header has {layout.n_columns} columns")
            yield reader.line_num, row


def csv_reason(exc: csv.Error) -> str:
    """What a csv module error means, in words."""
    if "field larger" in str(exc):
        return f"a field is longer than {MAX_FIELD_CHARS:,} characters"
    if "NUL" in str(exc):
        return "it holds a NUL character"
    return str(exc)


def _where(name: str, line: int, column: str, value: str) -> str:
    return f"{name}, line {line}, column {shorten(column)}: {shorten(value)}"


def feature_value(cell: str, name: str, line: int, column: str, allow_missing: bool) -> float:
    """One feature cell as a float; NaN for a missing value when ``allow_missing``."""
    value = cell.strip()
    try:
        number = float(value)  # the common case first: a number, checked below
    except ValueError:
        number = None
    if number is not None and abs(number) <= MAX_ABS_FEATURE:
        return number
    where = _where(name, line, column, value)
    if value == "":
        if allow_missing:
            return math.nan
        raise ValueError(f"{name}, line {line}, column {shorten(column)}: the value is empty; "
                         f"{IMPUTE_HINT}")
    if value in MISSING:
        number = math.nan
    elif number is None:
        raise ValueError(f"{where} is not a number; feature columns must be numeric "
                         "(encode categories as numbers or drop the column)")
    if math.isnan(number):
        if allow_missing:
            return math.nan
        raise ValueError(f"{where} is not a finite number (a missing value); {IMPUTE_HINT}")
    if math.isinf(number):
        raise ValueError(f"{where} is not a finite number; remove the row or replace the value")
    if abs(number) > MAX_ABS_FEATURE:
        raise ValueError(f"{where} is too large to train on (beyond ±{MAX_ABS_FEATURE:g}); "
                         "scale the column first, e.g. to standard units")
    return number


def bad_label(label: str) -> bool:
    """Whether a (stripped) label cannot be a class or a target value."""
    return label == "" or label.lstrip("+-").lower() in ("nan", "inf", "infinity")


def _label(cell: str, name: str, line: int, column: str) -> str:
    label = cell.strip()
    if label == "":
        raise ValueError(f"{name}, line {line}: the target {shorten(column)} is empty; give "
                         "every row a label or remove the row")
    if bad_label(label):
        raise ValueError(f"{_where(name, line, column, label)} is not a label; give the "
                         "row a real label or remove it")
    return label


def parse_python(open_binary: OpenBinary, layout: Layout,
                 allow_missing: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The reference parser: every cell checked, row by row, the first problem refused.

    Returns the features (NaN for missing values when ``allow_missing``) and the
    labels, stripped, as an object array.
    """
    name, values, labels = layout.name, array("d"), []
    pairs = list(zip(layout.feature_cols, layout.features, strict=True))
    for line, row in _rows(open_binary, layout):
        for col, column in pairs:
            values.append(feature_value(row[col], name, line, column, allow_missing))
        if layout.target_col is not None:
            labels.append(_label(row[layout.target_col], name, line, str(layout.target)))
    if not values:
        raise ValueError(f"{name} has a header but no data rows")
    X = np.frombuffer(values, dtype=np.float64).reshape(-1, len(pairs))
    return X, None if layout.target_col is None else np.array(labels, dtype=object)


def good_features(X: np.ndarray, allow_missing: bool) -> bool:
    """Whether every value is finite and within ``±MAX_ABS_FEATURE`` (or NaN, if allowed)."""
    step = max(1, 2**20 // X.shape[1])  # a block at a time: no copy of the whole
    for start in range(0, len(X), step):
        block = X[start:start + step]
        with np.errstate(invalid="ignore"):
            good = np.abs(block) <= MAX_ABS_FEATURE
        if not good.all() and not (allow_missing and np.isnan(block[~good]).all()):
            return False
    return True


def label_array(labels: np.ndarray) -> np.ndarray:
    """Integers if every label is one, else floats if every label is a number, else text."""
    for kind in (int, float):
        try:
            return np.array([kind(v) for v in labels])
        except ValueError:
            continue
    return labels.astype(str)
