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
    """An option has a value the engine cannot use.

    Raised as ``ParameterError("must be 1..120, got 0", option="fps")`` when it is about one
    option: the message then reads "fps must be 1..120, got 0", and ``option`` keeps the
    option's own name (its flat name, see ``talkingphoto.job.OPTION_NAMES``), so a front end can show it the way its
    user typed it (:meth:`naming`: the CLI says ``--fps``).
    """

    def __init__(self, message: str, *, option: str | None = None):
        super().__init__(message if option is None else f"{option} {message}")
        self.option = option

    def naming(self, label: str) -> str:
        """The message with the option called ``label`` (e.g. ``"--max-size"``)."""
        message = str(self)
        return message if self.option is None else label + message[len(self.option) :]


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
