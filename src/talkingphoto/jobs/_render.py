"""Turning job descriptions into renders whose output appears whole or not at all."""

import dataclasses
import os
import secrets
from pathlib import Path

from ..errors import MissingDependencyError

__all__ = ["default_renderer", "render_atomically"]


def _pipeline():
    try:
        from .. import pipeline
    except ImportError as exc:
        raise MissingDependencyError(
            "the render engine (talkingphoto.pipeline) cannot be imported; "
            "reinstall with `pip install talkingphoto`"
        ) from exc
    return pipeline


def default_renderer():
    """The engine's own ``render_job``, imported only when a job actually runs."""
    return _pipeline().render_job


def render_atomically(renderer, job, *, progress=None, cancel=None):
    """Run ``renderer`` on ``job`` so ``job.output`` only ever holds a finished video.

    The renderer writes to a hidden partial file beside the output, which is renamed over the
    output on success (an atomic step on one file system) and removed on any failure, so a
    crash, a cancel or a full disk never leaves a half-written file that a resumed batch or a
    browser could mistake for a result. Leftovers of a killed earlier attempt are removed
    first.
    """
    final = Path(job.output)
    final.parent.mkdir(parents=True, exist_ok=True)
    # A process killed mid-render (power cut, SIGKILL) could not clean up: sweep its partial
    # file, and the encoder's own temporary beside it, before trying again.
    partials = f".{final.stem}.*.partial{final.suffix}"
    for pattern in (partials, f".{partials}.*.tmp.mp4"):
        for stale in final.parent.glob(pattern):
            stale.unlink(missing_ok=True)
    partial = final.with_name(f".{final.stem}.{secrets.token_hex(4)}.partial{final.suffix}")
    try:
        result = renderer(dataclasses.replace(job, output=partial), progress=progress, cancel=cancel)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return result
