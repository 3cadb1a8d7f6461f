"""Shared handling of "a path or the file's bytes" inputs."""

import io
import os
from pathlib import Path

BytesLike = (bytes, bytearray, memoryview)


def describe(source) -> str:
    """A short name for ``source`` to put in error messages."""
    if isinstance(source, BytesLike):
        return f"the given bytes ({len(source)} bytes)"
    return str(source)


def open_source(source, *, kind: str, error):
    """Return a path string or a binary stream for ``source``, raising ``error`` if it cannot be read.

    Checking the file up front turns the OS's terse errors into messages that say what to fix.
    """
    if isinstance(source, BytesLike):
        if len(source) == 0:
            raise error(f"the {kind} data is empty (0 bytes): pass the file's content or its path")
        return io.BytesIO(bytes(source))
    if not isinstance(source, (str, os.PathLike)):
        raise error(f"{kind} source must be a path or bytes, got {type(source).__name__}")
    path = Path(source)
    if not path.exists():
        raise error(f"{kind} file not found: {path}; check the path")
    if path.is_dir():
        raise error(f"{kind} path {path} is a directory; give a file")
    if not os.access(path, os.R_OK):
        raise error(f"cannot read {kind} file {path}: permission denied")
    if path.stat().st_size == 0:
        raise error(f"{kind} file {path} is empty (0 bytes)")
    return str(path)
