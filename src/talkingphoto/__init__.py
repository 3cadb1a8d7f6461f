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
from .job import EncodeOptions, Job, Limits, MotionOptions, Speaker, Turn, VoiceOptions
from .pipeline import RenderResult, render, render_job

__version__ = "0.1.0"
__all__ = [
    "render",
    "render_job",
    "Job",
    "Turn",
    "Speaker",
    "VoiceOptions",
    "MotionOptions",
    "EncodeOptions",
    "Limits",
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
