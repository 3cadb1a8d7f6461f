"""Command-line interface: ``talkingphoto COMMAND ...``.

Each command lives in its own module exposing ``add_parser(subparsers)`` (which sets
``func`` on its parser) so commands stay independent. Errors the user can fix print one
line and exit with status 2; nothing else reaches the terminal as a traceback.
"""

import argparse
import importlib
import os
import signal
import sys

from .. import __version__
from .._atomic import remove_held
from .._native import NATIVE_LOGS_ENV
from ..errors import ParameterError, TalkingPhotoError

__all__ = ["main"]

_COMMAND_MODULES = ["render", "inspect", "voices", "cues", "dialogue", "batch", "serve"]
# The flag that sets each option (its flat name in talkingphoto.job), so an error about an option names
# it as the user typed it: "--max-size must be at least 16 pixels", not "max_size ...".
OPTION_FLAGS = {
    "mode": "--mode",
    "fps": "--fps",
    "seed": "--seed",
    "face": "--face",
    "face_at": "--face-at",
    "points": "--points",
    "mouth_cover": "--mouth-cover",
    "max_size": "--max-size",
    "voice": "--voice",
    "rate": "--rate",
    "pitch": "--pitch",
    "max_audio_seconds": "--max-audio-seconds",
    "max_text_chars": "--max-text-chars",
    "crf": "--crf",
    "mouth": "--mouth",
    "motion": "--motion",
    "blink_rate": "--blink-rate",
    "gaze": "--gaze",
    "expression": "--expression",
    "expression_strength": "--expression-strength",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talkingphoto", description="Make a still picture talk or sing, offline."
    )
    parser.add_argument("--version", action="version", version=f"talkingphoto {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"._{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}._{name}":
                raise
            continue  # command not built yet
        module.add_parser(subparsers)
    return parser


def _silence_native_logs() -> None:
    """Keep mediapipe's and TensorFlow Lite's C++ log lines (written straight to file
    descriptor 2, past any Python setting) off the terminal, while Python's own stderr,
    where progress and errors go, keeps the real terminal. ``TALKINGPHOTO_NATIVE_LOGS=1``
    keeps them, for debugging a detector."""
    if os.environ.get(NATIVE_LOGS_ENV) == "1":
        return
    try:
        sys.stderr.flush()
        terminal = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return  # no usable descriptor 2 (a detached process): nothing to keep clean
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace")


def _in_flags(exc: TalkingPhotoError) -> str:
    if isinstance(exc, ParameterError) and exc.option in OPTION_FLAGS:
        return exc.naming(OPTION_FLAGS[exc.option])
    return str(exc)


class _Terminated(BaseException):
    """SIGTERM (``kill``, a service manager) unwinds like Ctrl-C, so temp files are removed."""


def _terminate(signum, frame):
    raise _Terminated


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if argv is None:  # a real command line, not a call from Python code or tests
        _silence_native_logs()
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args) or 0
    except TalkingPhotoError as exc:
        print(f"error: {_in_flags(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        remove_held()
        print("interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        remove_held()
        print("terminated", file=sys.stderr)
        return 143
    except BrokenPipeError:
        # The reader went away (`talkingphoto voices | head`): nothing left to say to it.
        sys.stdout = open(os.devnull, "w")
        return 0
