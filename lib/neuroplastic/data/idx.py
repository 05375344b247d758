"""Strict reader and writer for the IDX format (LeCun's MNIST container).

Layout: two zero bytes, a type code (0x08 = unsigned byte), the number of
dimensions ``d``, then ``d`` big-endian uint32 sizes, then the payload in C order.
A file whose payload is shorter or longer than the header announces is an error
(:class:`IDXError`): a truncated download must never load silently.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXError(ValueError):
    """A file is not a well-formed, complete IDX file."""


def _read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip magic
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise IDXError(f"{path}: corrupt or truncated gzip stream ({exc})") from exc
    return raw


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (raw or gzip-compressed) and return its array.

    The payload must hold exactly ``prod(shape) * itemsize`` bytes after the header.

    Parameters
    ----------
    path : str or os.PathLike
        The file (gzip is detected by its magic bytes, not by the name).

    Returns
    -------
    np.ndarray
        The array in native byte order, with the header's shape and dtype.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If the file does not exist.
    IDXError
        When the gzip stream, the magic number, the type code, the number of dimensions or
        the payload length do not match the header.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    data = _read_bytes(path)
    if len(data) < 4:
        raise IDXError(f"{path}: {len(data)} bytes, shorter than an IDX header")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _DTYPES or not 1 <= ndim <= 4:
        raise IDXError(f"{path}: bad IDX magic (zero={zero}, type=0x{code:02x}, ndim={ndim})")
    head = 4 + 4 * ndim
    if len(data) < head:
        raise IDXError(f"{path}: truncated header")
    shape = struct.unpack(">" + "I" * ndim, data[4:head])
    dtype = _DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - head != expected:
        raise IDXError(
            f"{path}: payload has {len(data) - head} bytes, header announces "
            f"{expected} (shape {shape}); the file is truncated or corrupt"
        )
    return (
        np.frombuffer(data, dtype=dtype, offset=head).reshape(shape).astype(dtype.newbyteorder("="))
    )


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool | None = None) -> Path:
    """Write ``array`` (uint8) as an IDX file (type code 0x08).

    Parameters
    ----------
    path : str or os.PathLike
        The target file.
    array : np.ndarray
        uint8 array with 1 to 4 dimensions.
    compress : bool or None
        Gzip the file (with ``mtime=0``, so the bytes are reproducible); None: gzip when the
        name ends in ``.gz``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    TypeError
        If ``array`` is not uint8.
    ValueError
        If ``array`` has fewer than 1 or more than 4 dimensions.
    """
    path = Path(path)
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise TypeError(f"array must be uint8, got {array.dtype}")
    if not 1 <= array.ndim <= 4:
        raise ValueError(f"array must have 1..4 dimensions, got {array.ndim}")
    blob = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(
        ">" + "I" * array.ndim, *array.shape
    )
    blob += np.ascontiguousarray(array).tobytes()
    if compress is None:
        compress = path.suffix == ".gz"
    path.write_bytes(gzip.compress(blob, mtime=0) if compress else blob)
    return path
