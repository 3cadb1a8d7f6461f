"""Keeping the C++ log lines of mediapipe and TensorFlow Lite off the user's stderr.

Their graphs write "INFO: Created TensorFlow Lite XNNPACK delegate..." and absl lines such as
"W0000 00:00:... inference_feedback_manager.cc:114] ..." straight to file descriptor 2, past
any Python setting, and no environment variable of theirs turns them off. While a graph is
built or run, :func:`quiet_native_logs` points descriptor 2 at a scratch file; when the
block ends it restores it and passes on everything else written meanwhile (the program's
own messages, from any thread), in order. ``TALKINGPHOTO_NATIVE_LOGS=1`` keeps the native
lines, for debugging a detector.
"""

import contextlib
import os
import re
import sys
import tempfile
import threading

__all__ = ["quiet_native_logs", "NATIVE_LOGS_ENV"]

NATIVE_LOGS_ENV = "TALKINGPHOTO_NATIVE_LOGS"
# A native line, wherever it starts: threads write to descriptor 2 in pieces, so one can land
# in the middle of another's line.
_NATIVE_LINE = re.compile(
    rb"(?:[IWEF]\d{4} [\d:.]+ +\d+ [^ \]]+:\d+\] "  # absl / glog: "W0000 00:00:1796235343.102587  1743 file.cc:114] "
    rb"|INFO: Created TensorFlow Lite "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called)[^\n]*\n?"
)

_lock = threading.Lock()
_state = {"depth": 0, "saved": None, "scratch": None, "read": 0}


@contextlib.contextmanager
def quiet_native_logs():
    """Hold native log lines back while the block runs (re-entrant, thread-safe)."""
    if os.environ.get(NATIVE_LOGS_ENV) == "1" or not _enter():
        yield
        return
    try:
        yield
    finally:
        _leave()


def _enter() -> bool:
    with _lock:
        if _state["depth"] == 0:
            try:
                _flush_python_stderr()
                saved = os.dup(2)
                fd, path = tempfile.mkstemp(prefix="talkingphoto-stderr-")
            except OSError:
                return False  # no descriptor 2 to protect (a detached process), or no scratch space
            # Writers append (every write lands whole at the end); the reader keeps its own place.
            writer = os.open(path, os.O_WRONLY | os.O_APPEND)
            os.unlink(path)
            os.dup2(writer, 2)
            os.close(writer)
            _state.update(saved=saved, scratch=fd, read=0)
        _state["depth"] += 1
        return True


def _leave() -> None:
    with _lock:
        _state["depth"] -= 1
        if _state["depth"] > 0:
            return
        _flush_python_stderr()
        saved = _state["saved"]
        # Pass on what was held while descriptor 2 still points at the scratch file, then
        # restore it and pass on the little written in between: other threads' lines keep
        # their order (restoring first let their next line overtake everything held).
        _pass_on(saved)
        os.dup2(saved, 2)
        os.close(saved)
        _pass_on(2)
        os.close(_state["scratch"])
        _state.update(saved=None, scratch=None, read=0)


def _pass_on(fd: int) -> None:
    """Write what the scratch file gained since the last call, native log lines left out, to ``fd``."""
    held = b""
    while chunk := os.pread(_state["scratch"], 1 << 16, _state["read"] + len(held)):
        held += chunk
    _state["read"] += len(held)
    kept = _NATIVE_LINE.sub(b"", held)
    while kept:
        try:
            kept = kept[os.write(fd, kept) :]
        except OSError:
            break  # stderr went away meanwhile: nothing left to tell it


def _flush_python_stderr() -> None:
    """Python's own buffered stderr goes out on the descriptor it was written under."""
    stream = sys.stderr
    if stream is not None:
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
