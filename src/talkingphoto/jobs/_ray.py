"""The batch runner on a Ray cluster: one task per job, no shared file system needed.

The driver reads each input file once and puts its bytes in Ray's object store; a task writes
them to a scratch folder on whichever node runs it, renders there and returns the finished
video's bytes, which the driver writes (atomically) where the manifest says. So worker nodes
need talkingphoto installed but no access to the studio's disks.
"""

import tempfile
import threading
import time
from pathlib import Path

from .._atomic import atomic_output
from ..errors import MissingDependencyError, OutputError, ParameterError, TalkingPhotoError
from ._batch import BatchResult
from ._render import default_renderer, render_atomically, render_notes

__all__ = ["run_batch_on_ray"]

_INSTALL = "pip install 'talkingphoto[ray]'"


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError(f"running a batch on Ray needs the ray extra: {_INSTALL}") from exc
    return ray


def run_batch_on_ray(items, *, address: str = "auto", renderer=None, on_progress=None) -> list:
    """Render every item whose output does not exist yet as one Ray task each.

    Parameters
    ----------
    items : list of BatchItem
    address : str
        Ray cluster address (``"auto"``: the cluster this machine belongs to, e.g. started by
        ``ray start``). Ignored when this process is already connected (``ray.init`` done).
    renderer : callable, optional
        Contract of ``pipeline.render_job``, sent to the workers (it must pickle with
        cloudpickle); by default each worker uses its own installed engine.
    on_progress : callable, optional
        ``on_progress(fraction, finished, total)`` as each job ends.

    Returns
    -------
    list of BatchResult in manifest order, like :func:`run_batch`.
    """
    ray = _import_ray()
    results = [None] * len(items)
    todo = []
    for index, item in enumerate(items):
        if item.job.output.exists():
            results[index] = BatchResult(item, "skipped")
        else:
            todo.append(index)

    def report():
        if on_progress is not None:
            finished = sum(result is not None for result in results)
            on_progress(finished / max(len(items), 1), finished, len(items))

    connected_here = not ray.is_initialized()
    if connected_here:
        _check_reachable(address)
        try:
            ray.init(address=address, log_to_driver=False)
        except ConnectionError as exc:
            raise ParameterError(
                f"cannot reach a Ray cluster at {address!r} ({exc}); start one with `ray start --head`"
                " or pass its address"
            ) from exc
    try:
        report()
        task = ray.remote(num_cpus=1)(_render_task)
        uploads = {}  # input path -> object ref, so a picture shared by many jobs is sent once

        def upload(path):
            if path not in uploads:
                uploads[path] = ray.put(Path(path).read_bytes())
            return uploads[path]

        pending = {}
        for index in todo:
            spec, files = _portable(items[index].job)
            refs = {name: upload(path) for name, path in files.items()}
            pending[task.remote(spec, refs, renderer)] = (index, time.monotonic())
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                index, start = pending.pop(ready[0])
                results[index] = _collect(ray, ready[0], items[index], start)
                report()
        except BaseException:
            for ref in pending:  # Ctrl-C: stop the cluster's work too
                ray.cancel(ref, force=True)
            raise
    finally:
        if connected_here:
            ray.shutdown()
    return results


def _portable(job):
    """``(spec, files)``: the job's JSON form with its input files named by short names,
    and ``{name: path}`` of those files."""
    files, names = {}, {}
    for k, path in enumerate(job.inputs()):
        names[path] = f"input{k}{Path(path).suffix.lower()}"
        files[names[path]] = path
    spec = job.with_paths(names, output="output" + (Path(job.output).suffix or ".mp4")).to_dict()
    return spec, files


def _collect(ray, ref, item, start) -> BatchResult:
    seconds = time.monotonic() - start
    try:
        outcome = ray.get(ref)
    except ray.exceptions.TaskCancelledError:
        return BatchResult(item, "cancelled", seconds)
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause if isinstance(exc.cause, BaseException) else exc
        return BatchResult(item, "failed", seconds, f"error on the cluster: {type(cause).__name__}: {cause}")
    except ray.exceptions.RayError as exc:  # a worker or node died, an object was lost, ...
        return BatchResult(item, "failed", seconds, f"error on the cluster: {type(exc).__name__}")
    if outcome["error"] is not None:
        return BatchResult(item, "failed", seconds, outcome["error"])
    output = Path(item.job.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_output(output, what="video") as handle:
            handle.write(outcome["video"])
    except OutputError as exc:
        return BatchResult(item, "failed", seconds, str(exc))
    return BatchResult(item, "done", seconds, notes=outcome["notes"])


def _render_task(spec: dict, refs: dict, renderer) -> dict:
    """Runs on a Ray worker: inputs arrive as bytes, the video goes back as bytes.

    A user-caused failure comes back as ``{"error": message}`` (a one-line reason for the
    summary), while a crash raises and is reported by Ray with its traceback.
    """
    import ray

    from ..job import Job

    renderer = renderer or default_renderer()
    with tempfile.TemporaryDirectory(prefix="talkingphoto-ray-") as scratch:
        scratch = Path(scratch)
        for name, ref in refs.items():
            (scratch / name).write_bytes(ray.get(ref))
        job = Job.from_dict(spec, base=scratch)
        try:
            result = render_atomically(renderer, job, progress=None, cancel=threading.Event())
        except TalkingPhotoError as exc:
            return {"error": str(exc), "video": None}
        return {"error": None, "video": job.output.read_bytes(), "notes": render_notes(result)}


def _check_reachable(address: str, *, timeout: float = 5.0) -> None:
    """Fail fast on a ``host:port`` nobody answers at: ``ray.init`` would wait for ever."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray resolves itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ParameterError(
            f"cannot reach a Ray cluster at {address!r} ({exc.strerror or exc}); start one with"
            " `ray start --head` or pass its address"
        ) from exc
