"""Worker threads that take jobs from a :class:`JobStore` and render them.

Threads, not processes: the renderer spends its time in numpy, OpenCV, mediapipe and x264,
which release the GIL, and progress and cancel stay plain callbacks and ``threading.Event``.
bench/bench_jobs.py on 2 cores, ten 2.8 s clips: 105 jobs/min with one thread, 113 with two,
67 with two worker processes (each pays ~2 s of imports and model loading); vivid 53 -> 66. A crash that takes the
whole process down is covered by the store: the job is retried or failed after a restart.
"""

import logging
import threading
import time

from .._memory import release_free_memory
from ..errors import Cancelled, ParameterError, TalkingPhotoError
from ._render import default_renderer, render_atomically, render_notes
from ._store import OUTPUT_NAME

__all__ = ["WorkerPool", "job_for"]

_PROGRESS_INTERVAL = 0.2  # seconds between progress writes to the database

log = logging.getLogger(__name__)


def job_for(spec: dict, folder):
    """The :class:`~talkingphoto.job.Job` of a stored job's ``spec`` (its JSON form, file
    names inside ``folder``), writing ``folder/output.mp4``."""
    from ..job import Job

    return Job.from_dict({**spec, "output": OUTPUT_NAME}, base=folder)


class WorkerPool:
    """``workers`` threads rendering queued jobs of ``store`` with ``renderer``.

    Parameters
    ----------
    store : JobStore
    renderer : callable, optional
        ``renderer(job, *, progress, cancel)`` with the contract of ``pipeline.render_job``;
        defaults to it. Tests pass a fast fake here.
    workers : int

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, store, *, renderer=None, workers: int = 1):
        if workers < 1:
            raise ParameterError(f"workers must be at least 1, got {workers}")
        self.store = store
        self.workers = workers
        self._renderer = renderer
        self._wake = threading.Condition()
        self._stopping = False
        self._threads = []
        self._running = {}  # job id -> (cancel event, finished event)

    def start(self) -> "WorkerPool":
        for n in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"talkingphoto-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, *, timeout: float = 30.0) -> None:
        """Stop taking jobs; renders in progress are cancelled and go back to the queue."""
        with self._wake:
            self._stopping = True
            for cancel, _ in self._running.values():
                cancel.set()
            self._wake.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0))
        self._threads = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def notify(self) -> None:
        """Tell idle workers that a job was queued."""
        with self._wake:
            self._wake.notify_all()

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; True if it was still unfinished."""
        if self.store.cancel_queued(job_id):
            return True
        with self._wake:
            entry = self._running.get(job_id)
        record = self.store.get(job_id)
        if entry is None or record is None or record.final:
            return False
        entry[0].set()
        return True

    def delete(self, job_id: str, *, timeout: float = 30.0) -> bool:
        """Cancel ``job_id`` if needed, wait for its render to stop, then remove it and its files."""
        self.cancel(job_id)
        with self._wake:
            entry = self._running.get(job_id)
        if entry is not None:
            entry[1].wait(timeout)
        return self.store.delete(job_id)

    # -- the worker loop ----------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._wake:
                record = None
                while not self._stopping:
                    record = self.store.claim()
                    if record is not None:
                        break
                    self._wake.wait(timeout=0.5)
                if self._stopping:
                    if record is not None:
                        self.store.requeue(record.id)
                    return
                entry = (threading.Event(), threading.Event())
                self._running[record.id] = entry
            try:
                self._run(record, cancel=entry[0])
            finally:
                with self._wake:
                    del self._running[record.id]
                entry[1].set()
                release_free_memory()  # a render's buffers: an idle server shrinks back

    def _run(self, record, *, cancel) -> None:
        last_write = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last_write
            now = time.monotonic()
            if total > 0 and now - last_write >= _PROGRESS_INTERVAL:
                last_write = now
                self.store.set_progress(record.id, done / total)

        try:
            renderer = self._renderer or default_renderer()
            job = job_for(record.spec, self.store.folder(record.id))
            result = render_atomically(renderer, job, progress=progress, cancel=cancel)
        except Cancelled:
            if self._stopping:
                self.store.requeue(record.id)
            else:
                self.store.finish(record.id, "cancelled", error="cancelled while rendering")
        except TalkingPhotoError as exc:
            self.store.finish(record.id, "failed", error=str(exc))
        except Exception as exc:  # a worker must outlive any bug in one render
            log.exception("job %s crashed", record.id)
            self.store.finish(record.id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
        else:
            # even if a cancel came after the last frame
            self.store.finish(record.id, "done", notes=render_notes(result))
