"""Writing outputs atomically (all of it or nothing, never half a file), and sweeping the
hidden temporary files a killed process could not remove.

Every output is first written to a hidden temporary beside it, ``.NAME.<8 hex>.partial.EXT``
(:func:`partial_path`), then renamed into place: the video encoder, atomic renders (whatever
the renderer), Ray's returned videos, saved speech and cue files all go through
:func:`atomic_path` or its pieces. The process writing a temporary holds an exclusive
``flock`` on it until it is renamed or removed; the kernel drops that lock when the process
dies, however it dies (SIGKILL, a power cut), so a temporary nobody holds is a leftover, and
one that is held belongs to a writer still running: :func:`sweep_leftovers` removes only the
former. A process stopping on a signal removes its own with :func:`remove_held`.
"""

import contextlib
import glob
import os
import re
import secrets
from pathlib import Path

from .errors import OutputError

try:
    import fcntl
except ImportError:  # not POSIX: no locks; an open file cannot be removed there anyway
    fcntl = None

__all__ = [
    "atomic_path",
    "atomic_output",
    "partial_path",
    "hold_temporary",
    "let_go",
    "remove_temporary",
    "remove_held",
    "sweep_leftovers",
]

_held: dict = {}
"""The temporaries this process created and still holds: path -> locking descriptor."""


def _lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when someone else holds one."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def hold_temporary(path) -> None:
    """Create ``path`` (it must not exist) and lock it as a temporary in use, until
    :func:`let_go` (once it is renamed into place) or :func:`remove_temporary`."""
    path = Path(path)
    _held[path] = None  # known before it exists: a signal in between cannot orphan it
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError:
        del _held[path]
        raise
    _held[path] = fd
    _lock(fd)


def let_go(path) -> None:
    """Stop holding temporary ``path`` (renamed into place or removed): close its lock."""
    fd = _held.pop(Path(path), None)
    if fd is not None:
        os.close(fd)


def remove_temporary(path) -> None:
    """Remove temporary ``path`` if this process holds it (never a file it did not create),
    and let go of it."""
    path = Path(path)
    if path in _held:
        with contextlib.suppress(OSError):  # the name is hidden, unique and swept next time
            path.unlink(missing_ok=True)
        let_go(path)


def remove_held() -> None:
    """Remove every temporary this process still holds.

    For a process ending on a signal: Python raises the signal's exception wherever the main
    thread is, which may be after a temporary was created and before the block that would
    remove it was entered.
    """
    for path in list(_held):
        remove_temporary(path)


def partial_path(path) -> Path:
    """A new hidden temporary name beside ``path``, keeping its suffix (``x.mp4`` ->
    ``.x.1a2b3c4d.partial.mp4``), so whatever writes it sees the right kind of file."""
    path = Path(path)
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")


def _leftover_names(path: Path) -> re.Pattern:
    """Names of the temporaries of output ``path``: its partial files (and the partials of
    those, as an encoder inside an atomic render makes) and the writability probe's."""
    name, stem, suffix = (re.escape(part) for part in (path.name, path.stem, path.suffix))
    hexes = r"[0-9a-f]{8}"
    return re.compile(
        rf"\.{stem}\.{hexes}\.partial{suffix}"
        rf"|\.\.{stem}\.{hexes}\.partial\.{hexes}\.partial{suffix}"
        rf"|\.{name}\.{hexes}\.probe"
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
def atomic_path(path, *, what: str = ""):
    """Yield a held temporary path beside ``path`` (see :func:`partial_path`) for the block
    to write; it replaces ``path`` only if the block succeeds, and is removed otherwise.
    What a killed writer left for ``path`` is swept first.

    OS errors (no such folder, no permission, disk full) become one-line OutputErrors;
    ``what`` names the content in them ("audio", "cues", "video").
    """
    path = Path(path)
    tmp = None
    try:
        sweep_leftovers(path)
        tmp = partial_path(path)
        hold_temporary(tmp)
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        label = f"{what} to {path}" if what else str(path)
        raise OutputError(f"cannot write {label}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            remove_temporary(tmp)


@contextlib.contextmanager
def atomic_output(path, *, what: str = ""):
    """Like :func:`atomic_path`, yielding a binary handle on the temporary instead."""
    with atomic_path(path, what=what) as tmp, open(tmp, "wb") as handle:
        yield handle
