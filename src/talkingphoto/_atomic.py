"""Writing small output files atomically: all of it or nothing, never half a file."""

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_output"]


@contextlib.contextmanager
def atomic_output(path, *, what: str = ""):
    """Yield a binary handle on a hidden temp file beside ``path``; rename it into place
    only if the block succeeds, delete it otherwise.

    OS errors (no such folder, no permission, disk full) become one-line OutputErrors;
    ``what`` names the content in them ("audio", "cues").
    """
    path = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the user's file should not be
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        label = f"{what} to {path}" if what else str(path)
        raise OutputError(f"cannot write {label}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
