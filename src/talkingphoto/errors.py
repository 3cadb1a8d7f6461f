"""One exception tree for the whole engine.

Every error a user can cause derives from :class:`TalkingPhotoError` and also from the
matching builtin, so ``except ValueError`` keeps working for library users. Messages are
one line, name the bad input and say what to do.
"""

__all__ = [
    "TalkingPhotoError",
    "ParameterError",
    "ImageError",
    "AudioError",
    "NoFaceError",
    "VoiceError",
    "OutputError",
    "MissingDependencyError",
    "ModelError",
    "Cancelled",
]


class TalkingPhotoError(Exception):
    """Root of every error the engine raises on purpose."""


class ParameterError(TalkingPhotoError, ValueError):
    """An option has a value the engine cannot use."""


class ImageError(TalkingPhotoError, ValueError):
    """The picture is unreadable, unsupported or too large to decode safely."""


class AudioError(TalkingPhotoError, ValueError):
    """The audio is unreadable, unsupported, silent, empty or too long."""


class NoFaceError(TalkingPhotoError, LookupError):
    """No usable face was found, or the chosen one does not exist."""


class VoiceError(TalkingPhotoError, LookupError):
    """A text-to-speech voice is unknown or cannot read the text."""


class OutputError(TalkingPhotoError, OSError):
    """The output cannot be written (bad path, no permission, disk full)."""


class MissingDependencyError(TalkingPhotoError, ImportError):
    """An optional extra is needed; the message gives the exact pip command."""


class ModelError(TalkingPhotoError, OSError):
    """A model file shipped with the engine is missing or damaged; the message names it."""


class Cancelled(TalkingPhotoError):
    """A render was cancelled on request; no output was written."""
