"""Running renders: the studio's persistent job queue, batch manifests and a Ray backend.

Everything here takes the renderer as a callable with the contract of
``talkingphoto.pipeline.render_job`` (``renderer(job, *, progress, cancel)``), so the queue can
be exercised with a fast fake and scaled out without touching the engine.
"""

from ._batch import BatchItem, BatchResult, read_manifest, run_batch
from ._pool import OUTPUT_NAME, WorkerPool, job_for
from ._ray import run_batch_on_ray
from ._render import default_renderer, render_atomically
from ._store import FINAL_STATUSES, STATUSES, JobRecord, JobStore, is_job_id

__all__ = [
    "FINAL_STATUSES",
    "OUTPUT_NAME",
    "STATUSES",
    "BatchItem",
    "BatchResult",
    "JobRecord",
    "JobStore",
    "WorkerPool",
    "default_renderer",
    "is_job_id",
    "job_for",
    "read_manifest",
    "render_atomically",
    "run_batch",
    "run_batch_on_ray",
]
