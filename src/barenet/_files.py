"""Writing files so that a crash never leaves a half-written one, nor loses an input."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

# Plain words for the errors a person can do something about.
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOENT: "a part of the path does not exist",
}


class WriteError(OSError):
    """A file could not be written; the message names it and says why.

    ``errno``, ``strerror`` and ``filename`` are those of the operating
    system's error, with ``filename`` the file that was to be written.
    """

    def __str__(self) -> str:
        return str(self.args[0])


def _write_error(path: Path, exc: OSError) -> WriteError:
    reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    error = WriteError(f"cannot write {path}: {reason}")
    error.errno, error.strerror, error.filename = exc.errno, exc.strerror, str(path)
    return error


def _is_stream(path: Path) -> bool:
    """Whether ``path`` (links followed) exists and is neither a file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def check_writable(path: str | os.PathLike[str], folder: bool = False) -> Path:
    """Refuse early a target that cannot be written, before any long work.

    Creates nothing: a file is created and removed in the nearest existing
    folder on the way to ``path``, to learn whether writing there works.

    Parameters
    ----------
    path : path-like
        A file to write (or, with ``folder=True``, a folder to write into).
    folder : bool, default False

    Returns
    -------
    pathlib.Path
        ``path``, which the caller may now write.

    Raises
    ------
    ValueError
        If ``path`` is empty, or names a folder where a file is wanted.
    WriteError
        If a file stands where a folder is needed, or the nearest existing
        folder cannot be written to (permission, a read-only or full disk).
    """
    if str(path).strip() == "":
        raise ValueError("the output path is empty; name a " + ("folder" if folder else "file"))
    path = Path(path)
    if not folder and (path.is_dir() or path.name in ("", ".", "..")):
        raise ValueError(f"{path} is a folder; name a file to write, e.g. {path / 'out'}")
    if not folder and _is_stream(path):  # written into: its own permission is what counts
        if not os.access(path, os.W_OK):
            raise _write_error(path, OSError(errno.EACCES, "Permission denied"))
        return path
    existing = path if folder else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "it" if existing == path else existing
        error = WriteError(f"cannot write {path}: {where} is a file, not a folder")
        error.errno, error.filename = errno.ENOTDIR, str(path)
        raise error
    try:
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as exc:
        raise _write_error(path, exc) from None
    return path


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (links and ``..`` resolved)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(a).resolve() == Path(b).resolve()


def check_not_input(outputs: Iterable[str | os.PathLike[str]],
                    inputs: Iterable[str | os.PathLike[str]], option: str) -> None:
    """Refuse outputs that would overwrite one of the inputs.

    Parameters
    ----------
    outputs, inputs : iterable of path-like
    option : str
        How the user named the outputs, e.g. ``"--out model.npz"``.

    Raises
    ------
    ValueError
        Naming the option and the input it would replace.
    """
    inputs = list(inputs)
    for out in outputs:
        for source in inputs:
            if same_file(out, source):
                raise ValueError(f"{option} would overwrite the input file {source}; choose "
                                 "another name")


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> Path:
    """Write a file through a temporary file in the same folder, then rename it.

    A target that is a link gets the file it points to replaced; one that
    is neither a file nor a folder (``/dev/stdout``, a pipe) is written into.

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

    Raises
    ------
    WriteError
        (an ``OSError``) naming ``path`` and the reason, if it cannot be
        written: a folder there, a file in the way of its folders, no
        permission, a full disk (also when ``write`` meets it).  Other
        errors raised by ``write`` pass through unchanged.
    """
    path = Path(path)
    if path.name in ("", ".", "..") or path.is_dir():
        raise _write_error(path, OSError(errno.EISDIR, "Is a directory"))
    if _is_stream(path):
        # NOTE: /dev/stdout, a pipe, a terminal: written into, never replaced by a
        # renamed file (which, for a user allowed to, would replace the device itself).
        try:
            with open(path, "wb") as fh:
                write(fh)
        except OSError as exc:
            raise _write_error(path, exc) from None
        return path
    # Through a link, the file it points to is replaced, not the link.
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    tmp = real.with_name(f".{real.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fh = open(tmp, "xb")  # "x": never clobber; permissions follow the umask
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        with fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, real)  # atomic on POSIX and Windows
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError) and (
                exc.filename in (None, str(tmp), str(real))):
            raise _write_error(path, exc) from None
        raise
    return path
