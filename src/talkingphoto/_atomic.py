"""Writing outputs atomically (all of it or nothing, never half a file), and sweeping the
hidden temporary files a killed process could not remove.

Every temporary file sits beside its output under a hidden name derived from the output's
name, and the process writing it holds an exclusive ``flock`` on it until it is renamed into
place or removed. The kernel drops that lock when the process dies, however it dies (SIGKILL,
a power cut), so a temporary nobody holds is a leftover, and one that is held belongs to a
render still running: :func:`sweep_leftovers` removes only the former.
"""

import contextlib
import glob
import os
import re
import tempfile
from pathlib import Path

from .errors import OutputError

try:
    import fcntl
except ImportError:  # not POSIX: no locks; an open file cannot be removed there anyway
    fcntl = None

__all__ = ["atomic_output", "hold_temporary", "sweep_leftovers"]


def _lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when someone else holds one."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def hold_temporary(path) -> int:
    """Create ``path`` (it must not exist) and lock it as a temporary in use.

    Returns the descriptor that holds the lock: keep it open while the file is written, and
    close it once the file is renamed into place or removed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    _lock(fd)
    return fd


def _leftover_names(path: Path) -> re.Pattern:
    """Names of the temporaries of output ``path``: the video encoder's (``.x.mp4.<hex>.tmp.mp4``),
    an atomic render's (``.x.<hex>.partial.mp4`` and its encoder's ``..x.<hex>.partial.mp4.<hex>.tmp.mp4``),
    the writability probe's (``.x.mp4.<hex>.probe``) and :func:`atomic_output`'s (``.x.tsv.<random>.partial``)."""
    name, stem, suffix = (re.escape(part) for part in (path.name, path.stem, path.suffix))
    hexes = r"[0-9a-f]{8}"
    return re.compile(
        rf"\.{name}\.{hexes}\.(?:tmp\.mp4|probe)"
        rf"|\.\.?{stem}\.{hexes}\.partial{suffix}(?:\.{hexes}\.tmp\.mp4)?"
        rf"|\.{name}\.[a-z0-9_]{{8}}\.partial"
    )


def sweep_leftovers(path) -> list:
    """Remove the temporaries of output ``path`` that no living process holds.

    Returns
    -------
    list of Path
        What was removed.
    """
    path = Path(path)
    names = _leftover_names(path)
    folder = glob.escape(str(path.parent))
    candidates = set()
    for prefix in (f".{path.stem}.", f"..{path.stem}."):
        candidates.update(glob.glob(os.path.join(folder, glob.escape(prefix) + "*")))
    removed = []
    for candidate in sorted(Path(c) for c in candidates):
        if not names.fullmatch(candidate.name):
            continue
        try:
            fd = os.open(candidate, os.O_RDONLY)
        except OSError:
            continue  # gone already, or not ours to read
        try:
            if _lock(fd):  # nobody writes it any more
                candidate.unlink(missing_ok=True)
                removed.append(candidate)
        except OSError:
            pass  # cannot be removed (permissions, or open elsewhere on a system without locks)
        finally:
            os.close(fd)
    return removed


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
        sweep_leftovers(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        _lock(fd)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the user's file should not be
            os.replace(tmp, path)
            tmp = None
    except OSError as exc:
        label = f"{what} to {path}" if what else str(path)
        raise OutputError(f"cannot write {label}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
