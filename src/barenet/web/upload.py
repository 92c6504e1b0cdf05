"""A CSV file sent from the page: two numeric features and a label column.

The file is read by :func:`barenet.tabular.parse_csv`, the reader behind
``barenet train``, so a file the page accepts is one the command line accepts
too (and refuses with the same message), and the Python snippet reads it the
same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._text import shorten
from ..tabular import parse_csv, read_header

LABEL_NAMES = ("label", "y", "class", "target")
MAX_ROWS = 2000


@dataclass(frozen=True)
class UploadedData:
    """Points read from an uploaded CSV file.

    Attributes
    ----------
    name : str
        The file's name, as the person chose it (folders removed).
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,)
        Labels as in the file (numbers or text), exactly two distinct values.
    features : list of str
        The two feature columns, in file order.
    target : str
        The label column.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    features: list[str]
    target: str

    def summary(self) -> dict[str, object]:
        """What the page shows about the file: name, rows, columns, classes."""
        classes = np.unique(self.y)
        return {"name": self.name, "samples": int(len(self.y)), "features": self.features,
                "target": self.target, "classes": [str(c) for c in classes],
                "counts": [int(np.sum(self.y == c)) for c in classes]}


def safe_name(name: str | None) -> str:
    """The file's base name with anything unusual replaced, for display and snippets."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip() or "data.csv"
    return base[:100]


def _target(text: str) -> str:
    """The label column: one named like a label, else the last column."""
    header = read_header(text)  # (the reader says what is wrong with a bad one)
    for name in header:
        if name.lower() in LABEL_NAMES:
            return name
    return header[-1] if header else ""


def parse_upload(
    content: bytes, name: str | None = None, max_rows: int = MAX_ROWS
) -> UploadedData:
    """Read and check an uploaded CSV file.

    Parameters
    ----------
    content : bytes
        The file, UTF-8 text with a header row.
    name : str, optional
        The file's name, used in messages and in the Python snippet.
    max_rows : int, default 2000
        Refuse larger files (each row is drawn on the page).

    Returns
    -------
    UploadedData

    Raises
    ------
    ValueError
        With a message for the page: not UTF-8 text, no header, not exactly
        three columns, anything :func:`barenet.tabular.parse_csv` refuses
        (a non-numeric, missing, infinite or absurdly large feature value, a
        missing or NaN label, an overlong field, naming line and column), more than
        ``max_rows`` rows, fewer than two points of each class, or a label
        column with other than two distinct values.
    """
    name = safe_name(name)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not a UTF-8 text file; upload a CSV file") from None
    if not text.strip():
        raise ValueError(f"{name} is empty; expected a header row such as x1,x2,label "
                         "and one row per point")
    target = _target(text)
    table = parse_csv(text, name, target=target)
    if len(table.feature_names) != 2:
        columns = shorten(", ".join([*table.feature_names, target]), 120)
        raise ValueError(
            f"{name} has {len(table.feature_names) + 1} columns ({columns}); the playground "
            "needs exactly two numeric feature columns and one label column")
    if len(table.X) > max_rows:
        raise ValueError(f"{name} has {len(table.X)} rows; the playground takes at most "
                         f"{max_rows}")
    assert table.y is not None  # (read with a target column)
    classes, counts = np.unique(table.y, return_counts=True)
    if len(classes) != 2:
        some = ", ".join(shorten(str(c)) for c in classes[:5]) + (
            ", ..." if len(classes) > 5 else "")
        raise ValueError(f"the label column {shorten(target)} of {name} has {len(classes)} "
                         f"distinct value(s) ({some}); the playground needs exactly two classes")
    if counts.min() < 2:
        rare = shorten(classes[counts.argmin()].item())
        raise ValueError(f"{name} has only {counts.min()} point(s) of class {rare}; each class "
                         "needs at least two so that both the training and the test set get one")
    return UploadedData(name, table.X, table.y, list(table.feature_names), target)
