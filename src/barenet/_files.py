"""Writing files so that a crash never leaves a half-written one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Write a file through a temporary file in the same folder, then rename it.

    Parameters
    ----------
    path : path-like
        The target; its parent folders are created.
    write : callable
        ``write(fh)`` writes the whole content to the binary file object ``fh``.

    Returns
    -------
    pathlib.Path
        ``path``.  If ``write`` raises (or the process dies), the target is
        untouched: a previous file there stays as it was, and the temporary
        file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as fh:  # "x": never clobber; permissions follow the umask
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # atomic on POSIX and Windows
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
