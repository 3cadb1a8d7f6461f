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
_NATIVE_LINE = re.compile(
    rb"[IWEF]\d{4} [\d:.]+ +\d+ [^ \]]+:\d+\] "  # absl / glog: "W0000 00:00:1796235343.102587  1743 file.cc:114] "
    rb"|INFO: Created TensorFlow Lite "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called"
)

_lock = threading.Lock()
_state = {"depth": 0, "saved": None, "scratch": None}


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
            except OSError:
                return False  # no descriptor 2 to protect (a detached process)
            if _state["scratch"] is None:
                _state["scratch"] = tempfile.TemporaryFile()
            os.dup2(_state["scratch"].fileno(), 2)
            _state["saved"] = saved
        _state["depth"] += 1
        return True


def _leave() -> None:
    with _lock:
        _state["depth"] -= 1
        if _state["depth"] > 0:
            return
        _flush_python_stderr()
        saved, scratch = _state["saved"], _state["scratch"]
        os.dup2(saved, 2)
        os.close(saved)
        _state["saved"] = None
        scratch.seek(0)
        held = scratch.read()
        scratch.seek(0)
        scratch.truncate()
        kept = b"".join(line for line in held.splitlines(keepends=True) if not _NATIVE_LINE.match(line))
        while kept:
            try:
                kept = kept[os.write(2, kept) :]
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
