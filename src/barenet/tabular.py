"""CSV files in and out for the command line (no pandas needed).

A data file has a header row; feature columns hold numbers; the target column
may hold any labels.  Every problem is reported as a ``ValueError`` that
names the file, the row and the column.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._files import atomic_write


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

    Raises
    ------
    ValueError
        Missing file, no header, no rows, ragged rows, an unknown column, an
        empty or non-numeric feature value, or infinity/NaN in a feature.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path} as a UTF-8 CSV file ({exc})") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if row and any(c.strip() for c in row)]
    if not rows:
        raise ValueError(f"{path} is empty; expected a header row and data rows")
    header = [name.strip() for name in rows[0]]
    rows = rows[1:]
    if not rows:
        raise ValueError(f"{path} has a header but no data rows")
    if len(set(header)) != len(header):
        raise ValueError(f"{path} has repeated column names in its header: {header}")
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}, line {i}: {len(row)} values but the header has "
                             f"{len(header)} columns")
    if target is not None and target not in header:
        raise ValueError(f"{path} has no column {target!r}; its columns are {', '.join(header)}")
    if features is None:
        features = [name for name in header if name != target]
    else:
        absent = [name for name in features if name not in header]
        if absent:
            raise ValueError(f"{path} lacks the model's feature columns {absent}; "
                             f"its columns are {', '.join(header)}")
    if not features:
        raise ValueError(f"{path} has no feature columns besides the target {target!r}")
    X = np.empty((len(rows), len(features)))
    for j, name in enumerate(features):
        col = header.index(name)
        for i, row in enumerate(rows):
            value = row[col].strip()
            try:
                X[i, j] = float(value)
            except ValueError:
                raise ValueError(
                    f"{path}, line {i + 2}, column {name!r}: {value!r} is not a number; "
                    "feature columns must be numeric (encode categories as numbers or "
                    "drop the column)") from None
            if not np.isfinite(X[i, j]):
                raise ValueError(f"{path}, line {i + 2}, column {name!r}: {value!r} is not a "
                                 "finite number; remove or impute it")
    y = None
    if target is not None:
        col = header.index(target)
        labels = [row[col].strip() for row in rows]
        if any(label == "" for label in labels):
            line = labels.index("") + 2
            raise ValueError(f"{path}, line {line}: the target {target!r} is empty")
        y = _labels(labels)
    return Table(X, y, list(features), target)


def _labels(values: list[str]) -> np.ndarray:
    for kind in (int, float):
        try:
            return np.array([kind(v) for v in values])
        except ValueError:
            continue
    return np.array(values)


def write_csv(
    path: str | os.PathLike[str] | None, header: Sequence[str], columns: Sequence[np.ndarray]
) -> str | None:
    """Write columns under a header, atomically; to a string when ``path`` is None.

    Returns
    -------
    str or None
        The CSV text when ``path`` is None.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*(np.asarray(c).tolist() for c in columns), strict=True))
    if path is None:
        return buffer.getvalue()
    atomic_write(path, lambda fh: fh.write(buffer.getvalue().encode("utf-8")))
    return None
