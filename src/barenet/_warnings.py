"""Where barenet's warnings point: at the line of the user's code that called it."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType

_PACKAGE = str(Path(__file__).resolve().parent)


def caller_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside barenet.

    A fixed ``stacklevel`` is right for one call path only: the same warning
    reached through ``fit``, ``partial_fit`` or a ``Pipeline`` is raised at
    different depths.  Call it directly in the ``warnings.warn`` call.
    """
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
