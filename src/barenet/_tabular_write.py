"""Writing CSV files: :func:`barenet.tabular.write_csv` (imported from there)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence

import numpy as np

from ._files import atomic_write

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

    Examples
    --------
    >>> import numpy as np
    >>> text = write_csv(None, ["x", "label"], [np.array([0.5, 2.0]), np.array(["a", "=1+1"])])
    >>> print(text, end="")
    x,label
    0.5,a
    2.0,'=1+1
    >>> write_csv("points.csv", ["x"], [np.array([1.0])]) is None   # written atomically
    True
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_escaped(header))
    writer.writerows(zip(*(_escaped(np.asarray(c).tolist()) for c in columns), strict=True))
    if path is None:
        return buffer.getvalue()
    atomic_write(path, lambda fh: fh.write(buffer.getvalue().encode("utf-8")))
    return None
