"""talkingphoto: make a still picture talk or sing, offline."""

from .errors import (
    AudioError,
    ImageError,
    MissingDependencyError,
    NoFaceError,
    OutputError,
    ParameterError,
    TalkingPhotoError,
    VoiceError,
)
from .pipeline import Job, RenderOptions, RenderResult, render, render_job

__version__ = "0.1.0"
__all__ = [
    "render",
    "render_job",
    "Job",
    "RenderOptions",
    "RenderResult",
    "AudioError",
    "ImageError",
    "MissingDependencyError",
    "NoFaceError",
    "OutputError",
    "ParameterError",
    "TalkingPhotoError",
    "VoiceError",
]
