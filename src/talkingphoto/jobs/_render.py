"""Turning job descriptions into renders whose output appears whole or not at all."""

import dataclasses
from pathlib import Path

from .._atomic import atomic_path
from ..errors import MissingDependencyError

__all__ = ["default_renderer", "render_atomically", "render_notes"]


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

    The renderer writes a hidden partial file beside the output (see ``_atomic.atomic_path``),
    which is renamed over the output on success and removed on any failure, so a crash, a
    cancel or a full disk never leaves a half-written file that a resumed batch or a browser
    could mistake for a result; leftovers of a killed earlier attempt are swept first.
    """
    final = Path(job.output)
    final.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(final, what="video") as partial:
        return renderer(dataclasses.replace(job, output=partial), progress=progress, cancel=cancel)


def render_notes(result) -> tuple:
    """The notices for the user of what ``renderer`` returned (``RenderResult.notes``: a
    mouth that looks covered, clicked eyes that will not blink); none from a custom
    renderer that returns something else."""
    return tuple(getattr(result, "notes", ()))
