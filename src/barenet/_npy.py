"""One ``.npy`` member of a model file's archive, read without trusting it.

A member's header is read and checked on its own (:func:`read_header`), then
against what the model format expects of it (:func:`check_header`), and only
then its data (:func:`read_array`), whose size the header has fixed.  The zip
archive around the members is :mod:`barenet._npz`'s business.

Every failure raises :class:`ModelFileError`, naming the file.
"""

from __future__ import annotations

import ast
import io
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NamedTuple

import numpy as np


class ModelFileError(ValueError):
    """A model file that cannot be read or should not be trusted.

    Examples
    --------
    >>> from pathlib import Path
    >>> from barenet import load
    >>> from barenet.io import ModelFileError
    >>> _ = Path("table.csv").write_text("x,y\\n1,2\\n")
    >>> try:
    ...     load("table.csv")
    ... except ModelFileError as error:  # a ValueError too
    ...     print(error)
    table.csv is not a readable barenet model file: it looks like a CSV table; ...
    """


ModelFileError.__module__ = "barenet.io"  # where users meet it

# -- limits ---------------------------------------------------------------------------
# Checked against what a header declares, before the data it describes is read
# (the archive's own limits are in barenet._npz).
MAX_STRING_CHARS = 2**23  # the longest text item of any member: version 1's metadata
MAX_TEXT_CHARS = 4096  # any other text: a class label, a feature name, a parameter
MAX_NPY_HEADER = 4096  # NumPy writes 118 bytes or so; np.load allows 10,000
_CHUNK = 2**22
_DESCR = re.compile(r"[<>|=](?:[biuf][0-9]|U[0-9]{1,9})")
_NUMERIC = {"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"}


class Npy(NamedTuple):
    """What an ``.npy`` header declares, and where its data starts."""

    dtype: np.dtype
    shape: tuple[int, ...]
    fortran: bool
    offset: int

    @property
    def nbytes(self) -> int:
        """The size of the data: the number of items times the item size."""
        return math.prod(self.shape) * self.dtype.itemsize  # Python ints: no overflow


class Kinds(NamedTuple):
    """Text or numbers of any size: the dtype kinds a member may hold, and what it holds."""

    kinds: str  # "biufU": numbers or text; "U": text
    what: str  # "class labels are numbers or texts"


def npy_size(array: np.ndarray) -> int:
    """The bytes ``np.savez`` writes for ``array``: its ``.npy`` header and data.

    The size that :func:`barenet._npz.open_archive` counts against the archive's
    limit, ``MAX_MODEL_BYTES``.
    """
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    return header.tell() + array.nbytes


# -- one member -----------------------------------------------------------------------
@contextmanager
def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> Iterator[IO[bytes]]:
    """Open a member; zipfile stops at its declared size and checks its CRC."""
    try:
        with archive.open(info) as stream:
            yield stream
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelFileError(f"{path}: member {info.filename!r} is damaged ({exc}); the file "
                             "is corrupted: save the model again") from exc


def _read_exact(stream: IO[bytes], n: int, where: str) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise ModelFileError(f"{where} ends early; the file is truncated or corrupted")
    return data


def read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> Npy:
    """Read and check a member's ``.npy`` header, and only its header.

    The header must be of ``.npy`` format 1.0 to 3.0, under 4 KiB, describe
    numbers or text (of at most :data:`MAX_STRING_CHARS` characters) in at
    most 2 dimensions, and declare exactly the member's size.
    """
    where = f"{path}: member {info.filename!r}"
    with _member(archive, info, path) as stream:
        magic = _read_exact(stream, 8, where)
        if magic[:6] != b"\x93NUMPY":
            raise ModelFileError(f"{where} is not a NumPy array; the file was altered or is "
                                 "not a barenet model")
        version = magic[6], magic[7]
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ModelFileError(f"{where} uses .npy format version {version[0]}.{version[1]}; "
                                 "barenet reads versions 1.0 to 3.0")
        width = 2 if version == (1, 0) else 4
        (length,) = struct.unpack("<H" if width == 2 else "<I", _read_exact(stream, width, where))
        if length > MAX_NPY_HEADER:
            raise ModelFileError(f"{where} has a {length}-byte .npy header; NumPy writes about "
                                 "a hundred: the file was altered")
        raw = _read_exact(stream, length, where)
    try:
        header = ast.literal_eval(raw.decode("utf-8" if version == (3, 0) else "latin-1"))
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as exc:
        raise ModelFileError(f"{where} has a broken .npy header; the file is corrupted") from exc
    descr = header.get("descr") if isinstance(header, dict) else None
    if (not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}
            or not isinstance(descr, str) or not _DESCR.fullmatch(descr)
            or (descr[1] != "U" and descr[1:] not in _NUMERIC)
            or (descr[1] == "U" and not 1 <= int(descr[2:]) <= MAX_STRING_CHARS)
            or not isinstance(header["fortran_order"], bool)
            or not isinstance(header["shape"], tuple) or len(header["shape"]) > 2
            or not all(type(n) is int and n >= 0 for n in header["shape"])):
        raise ModelFileError(f"{where} has a .npy header barenet does not write ({raw[:80]!r}); "
                             "a model holds only numbers and text arrays of up to 2 dimensions")
    npy = Npy(np.dtype(descr), header["shape"], header["fortran_order"], 8 + width + length)
    if info.file_size != npy.offset + npy.nbytes:
        raise ModelFileError(f"{where} declares a {npy.dtype} array of shape {npy.shape} "
                             f"({npy.nbytes} bytes) but holds {info.file_size - npy.offset}; "
                             "the file is truncated or corrupted")
    return npy


def read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, npy: Npy,
               path: Path) -> np.ndarray:
    """Read a member's data, whose size has been checked, into a native-order array.

    Booleans come back as 0 or 1 whatever their byte; text that is not valid
    Unicode is refused.  Whether NaN or infinity may appear is the caller's
    business.
    """
    where = f"{path}: member {info.filename!r}"
    buffer = np.empty(npy.nbytes, np.uint8)
    view, done = buffer.data, 0
    with _member(archive, info, path) as stream:
        _read_exact(stream, npy.offset, where)  # the header, checked already
        while done < npy.nbytes:  # in chunks, so that the peak is the array itself
            chunk = stream.read(min(_CHUNK, npy.nbytes - done))
            if not chunk:
                raise ModelFileError(f"{where} ends early; the file is truncated or corrupted")
            view[done:done + len(chunk)] = chunk
            done += len(chunk)
        if stream.read(1):
            raise ModelFileError(f"{where} is longer than its header says; the file is "
                                 "corrupted")
    array: np.ndarray = buffer.view(npy.dtype)
    if not npy.dtype.isnative:
        array = array.byteswap(inplace=True).view(npy.dtype.newbyteorder("="))
    array = array.reshape(npy.shape, order="F" if npy.fortran else "C")
    if array.dtype.kind == "b":
        array = array.view(np.uint8) != 0  # a bool byte other than 0 or 1 is still one value
    if array.dtype.kind == "U":
        codes = buffer.view(np.uint32)  # the buffer is in native order by now
        if np.any((codes >= 0x110000) | ((codes >= 0xD800) & (codes < 0xE000))):
            raise ModelFileError(f"{path}: {info.filename[:-4]} holds text that is not valid "
                                 "Unicode; the file is corrupted")
    return array


def check_header(npy: Npy, dtype: np.dtype | Kinds, shape: tuple, name: str,
                 path: Path) -> None:
    """Check a header against what the metadata says: a shape, and a dtype or kinds."""
    if npy.shape != shape:
        raise ModelFileError(f"{path}: {name} has shape {npy.shape}, but the metadata says "
                             f"{shape}; the file was altered or is corrupted")
    if isinstance(dtype, Kinds):
        if npy.dtype.kind not in dtype.kinds or npy.dtype.itemsize > 4 * MAX_TEXT_CHARS:
            raise ModelFileError(f"{path}: {name} has dtype {npy.dtype}; {dtype.what} of up "
                                 f"to {MAX_TEXT_CHARS} characters")
    elif npy.dtype.newbyteorder("=") != dtype:
        raise ModelFileError(f"{path}: {name} has dtype {npy.dtype}, but the metadata says "
                             f"{dtype}; the file was altered or is corrupted")
