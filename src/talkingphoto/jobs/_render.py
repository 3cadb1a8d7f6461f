"""Turning job descriptions into renders whose output appears whole or not at all."""

import dataclasses
import os
import secrets
import typing
from pathlib import Path

from .._atomic import sweep_leftovers
from ..errors import MissingDependencyError, ParameterError

__all__ = ["build_job", "default_renderer", "option_names", "numeric_options", "render_atomically"]


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


def option_names() -> tuple:
    """Names of the fields of ``RenderOptions`` a request or manifest may set."""
    return tuple(f.name for f in dataclasses.fields(_pipeline().RenderOptions))


def numeric_options() -> dict:
    """``{name: int or float}`` for the ``RenderOptions`` fields that hold numbers: how a
    manifest's text cell (or a number sent as a string) becomes their value."""
    converters = {}
    for field in dataclasses.fields(_pipeline().RenderOptions):
        kinds = set(typing.get_args(field.type)) or {field.type}
        if int in kinds:
            converters[field.name] = int
        elif float in kinds:
            converters[field.name] = float
    return converters


def build_job(*, image, output, audio=None, text=None, options=None):
    """One ``pipeline.Job`` from plain values (JSON, form fields, manifest cells).

    Parameters
    ----------
    image, output, audio : path-like
        ``audio`` is None when the speech comes from ``text`` (an empty form field counts as
        no text).
    options : dict, optional
        Keyword values for ``RenderOptions``; unknown names raise :class:`ParameterError` naming
        them, so a typo in a manifest column or API field is reported, never silently ignored.
    """
    pipeline = _pipeline()
    options = dict(options or {})
    unknown = sorted(set(options) - set(option_names()))
    if unknown:
        raise ParameterError(
            f"unknown option(s) {', '.join(unknown)}; known: {', '.join(option_names())}"
        )
    if options.get("face_at") is not None:
        try:
            x, y = (float(v) for v in options["face_at"])
        except (TypeError, ValueError):
            raise ParameterError(f"face_at must be two numbers [x, y] in pixels, got {options['face_at']!r}") from None
        options["face_at"] = (x, y)
    return pipeline.Job(
        image=Path(image),
        output=Path(output),
        audio=None if audio is None else Path(audio),
        text=None if text == "" else text,
        options=pipeline.RenderOptions(**options),
    )


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
    sweep_leftovers(final)
    partial = final.with_name(f".{final.stem}.{secrets.token_hex(4)}.partial{final.suffix}")
    try:
        result = renderer(dataclasses.replace(job, output=partial), progress=progress, cancel=cancel)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return result
