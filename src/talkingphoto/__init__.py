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

__version__ = "0.1.0"
__all__ = [
    "AudioError",
    "ImageError",
    "MissingDependencyError",
    "NoFaceError",
    "OutputError",
    "ParameterError",
    "TalkingPhotoError",
    "VoiceError",
]
