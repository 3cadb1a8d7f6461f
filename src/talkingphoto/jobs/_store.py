"""The studio's job list: one SQLite file plus one folder of inputs and output per job.

Everything a job needs lives on disk before its id is handed out, so stopping the server at
any moment loses nothing: queued jobs run after a restart, and a job that was running is put
back in the queue (or failed with the reason once it has been interrupted too often).
"""

import json
import re
import secrets
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .._atomic import sweep_leftovers
from ..errors import OutputError, ParameterError

try:
    import fcntl
except ImportError:  # not POSIX: run without the one-server-per-folder guard
    fcntl = None

__all__ = ["FINAL_STATUSES", "OUTPUT_NAME", "STATUSES", "JobRecord", "JobStore", "is_job_id"]

OUTPUT_NAME = "output.mp4"  # the finished video in each job's folder

STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINAL_STATUSES = frozenset({"done", "failed", "cancelled"})

# 16 random bytes, url-safe base64: 128 bits, so ids cannot be guessed or enumerated.
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    label TEXT NOT NULL DEFAULT '',
    spec TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
)
"""


def is_job_id(text: str) -> bool:
    """True when ``text`` has the shape of an id this store hands out."""
    return bool(_ID_PATTERN.fullmatch(text))


@dataclass(frozen=True)
class JobRecord:
    """One job as stored.

    Attributes
    ----------
    spec : dict
        The job's JSON form (``talkingphoto.job.Job.to_dict``), its file names relative to
        the job's folder.
    label : str
        A short human description (the uploaded file names), for the history list only.
    notes : tuple of str
        One-line notices of a finished render for its user (a speaker's mouth that looks
        covered and so never opens, clicked eyes that will not blink).
    """

    id: str
    status: str
    progress: float
    error: str | None
    attempts: int
    created: float
    started: float | None
    finished: float | None
    label: str
    spec: dict
    notes: tuple = ()

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


class JobStore:
    """Thread-safe job list under ``data_dir`` (``jobs.sqlite3`` and ``jobs/<id>/``).

    Parameters
    ----------
    data_dir : path-like
        Created if missing. Job folders are named by id only; nothing from a request is ever
        used as a path.
    max_attempts : int
        How many times a job may start. A job that was running when the process died is
        retried until it has started this often, then failed with the reason.
    """

    def __init__(self, data_dir, *, max_attempts: int = 2):
        self.data_dir = Path(data_dir)
        self.max_attempts = max_attempts
        (self.data_dir / "jobs").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._lock_file = _lock_folder(self.data_dir)
        self._db = sqlite3.connect(self.data_dir / "jobs.sqlite3", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)
        if "notes" not in {row["name"] for row in self._db.execute("PRAGMA table_info(jobs)")}:
            self._db.execute("ALTER TABLE jobs ADD COLUMN notes TEXT NOT NULL DEFAULT ''")  # a folder from before notes
        self._recover()

    # -- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._lock_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _recover(self) -> None:
        """Requeue or fail jobs left running by a previous process; drop unsubmitted uploads
        and the partial files of renders that a crash cut short (a job that has failed for
        good would otherwise keep them for ever)."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE jobs SET status='queued', progress=0, started=NULL,"
                " error='interrupted by a server stop; retrying' WHERE status='running' AND attempts < ?",
                (self.max_attempts,),
            )
            for row in self._db.execute("SELECT id, attempts FROM jobs WHERE status='running'").fetchall():
                self._db.execute(
                    "UPDATE jobs SET status='failed', finished=?, error=? WHERE id=?",
                    (
                        time.time(),
                        f"the server stopped or crashed while rendering this job ({row['attempts']} of"
                        f" {self.max_attempts} attempts); giving up",
                        row["id"],
                    ),
                )
            known = {row[0] for row in self._db.execute("SELECT id FROM jobs")}
        for folder in (self.data_dir / "jobs").iterdir():
            if folder.name not in known:
                shutil.rmtree(folder, ignore_errors=True)
            else:
                sweep_leftovers(folder / OUTPUT_NAME)

    # -- creating jobs ------------------------------------------------------------------------

    def reserve(self) -> tuple:
        """A fresh ``(job_id, folder)`` to write a job's inputs into before :meth:`submit`."""
        while True:
            job_id = secrets.token_urlsafe(16)
            folder = self.data_dir / "jobs" / job_id
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return job_id, folder

    def discard(self, job_id: str) -> None:
        """Remove a reserved folder whose job was never submitted (its upload was refused)."""
        shutil.rmtree(self.folder(job_id), ignore_errors=True)

    def submit(self, job_id: str, *, spec: dict, label: str = "") -> JobRecord:
        """Queue a reserved job; its input files must already be in its folder."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO jobs (id, status, created, label, spec) VALUES (?, 'queued', ?, ?, ?)",
                (job_id, time.time(), label, json.dumps(spec)),
            )
        return self.get(job_id)

    # -- reading ------------------------------------------------------------------------------

    def folder(self, job_id: str) -> Path:
        """The folder of ``job_id``; raises :class:`ParameterError` for malformed ids."""
        if not is_job_id(job_id):
            raise ParameterError(f"{job_id!r} is not a job id")
        return self.data_dir / "jobs" / job_id

    def get(self, job_id: str) -> JobRecord | None:
        """The job, or None when there is no such job."""
        if not is_job_id(job_id):
            return None
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
        return None if row is None else _record(row)

    def list(self, *, limit: int = 100) -> list:
        """The newest ``limit`` jobs, newest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM jobs ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [_record(row) for row in rows]

    def count(self, status: str) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM jobs WHERE status=?", (status,)).fetchone()[0]

    # -- state changes ------------------------------------------------------------------------

    def claim(self) -> JobRecord | None:
        """Mark the oldest queued job running and return it (None when the queue is empty)."""
        with self._lock, self._db:
            row = self._db.execute(
                "UPDATE jobs SET status='running', attempts=attempts+1, started=?, progress=0"
                " WHERE seq=(SELECT seq FROM jobs WHERE status='queued' ORDER BY seq LIMIT 1)"
                " RETURNING *",
                (time.time(),),
            ).fetchall()
        return _record(row[0]) if row else None

    def set_progress(self, job_id: str, progress: float) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE jobs SET progress=? WHERE id=? AND status='running'",
                (min(max(float(progress), 0.0), 1.0), job_id),
            )

    def finish(self, job_id: str, status: str, *, error: str | None = None, notes: tuple = ()) -> None:
        """Record how a running job ended (``done``, ``failed`` or ``cancelled``), with the
        render's ``notes`` for its user (one line each)."""
        if status not in FINAL_STATUSES:
            raise ParameterError(f"status must be one of {sorted(FINAL_STATUSES)}, got {status!r}")
        with self._lock, self._db:
            self._db.execute(
                "UPDATE jobs SET status=?, error=?, finished=?, notes=?,"
                " progress=CASE WHEN ?='done' THEN 1 ELSE progress END WHERE id=?",
                (status, error, time.time(), "\n".join(notes), status, job_id),
            )

    def requeue(self, job_id: str) -> None:
        """Put a running job back in the queue without counting the start (server shutdown)."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE jobs SET status='queued', progress=0, started=NULL,"
                " attempts=MAX(attempts-1, 0) WHERE id=? AND status='running'",
                (job_id,),
            )

    def cancel_queued(self, job_id: str) -> bool:
        """Cancel ``job_id`` if it has not started; True when it was cancelled here."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "UPDATE jobs SET status='cancelled', finished=?, error='cancelled before it started'"
                " WHERE id=? AND status='queued'",
                (time.time(), job_id),
            )
        return cursor.rowcount == 1

    def delete(self, job_id: str) -> bool:
        """Forget ``job_id`` and remove its files; True when it existed."""
        folder = self.folder(job_id)
        with self._lock, self._db:
            cursor = self._db.execute("DELETE FROM jobs WHERE id=?", (job_id,))
        shutil.rmtree(folder, ignore_errors=True)
        return cursor.rowcount == 1


def _lock_folder(data_dir: Path):
    """Hold an exclusive lock on ``data_dir`` so two servers never share (and requeue) jobs."""
    handle = open(data_dir / "lock", "a")
    if fcntl is not None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise OutputError(
                f"data folder {data_dir} is in use by another talkingphoto server; "
                "stop it or choose another --data-dir"
            ) from exc
    return handle


def _record(row) -> JobRecord:
    values = dict(row)
    values.pop("seq")
    values["spec"] = json.loads(values["spec"])
    values["notes"] = tuple(values["notes"].splitlines())
    return JobRecord(**values)
