"""How much one studio takes on: a cap on waiting jobs, and small JSON fields only."""

import json
import threading
from contextlib import contextmanager

from fastapi import HTTPException

from ..errors import ParameterError

__all__ = ["QueueLimit", "small_json"]


class QueueLimit:
    """At most ``max_queued`` jobs waiting, counting uploads still being accepted, so a client
    cannot fill the disk and the queue faster than the workers empty it.

    Parameters
    ----------
    count_queued : callable() -> int
        Jobs in the queue now (running ones do not count).
    max_queued : int
    """

    def __init__(self, count_queued, *, max_queued: int):
        if max_queued < 1:
            raise ParameterError(f"must be at least 1, got {max_queued}", option="max_queued")
        self.max_queued = max_queued
        self._count_queued = count_queued
        self._accepting = 0
        self._lock = threading.Lock()

    @contextmanager
    def admit(self):
        """A place in the queue for one job for the duration of the block, or a 429."""
        with self._lock:
            if self._count_queued() + self._accepting >= self.max_queued:
                raise HTTPException(
                    429,
                    f"the queue is full ({self.max_queued} jobs waiting): try again when some have finished",
                    headers={"Retry-After": "30"},
                )
            self._accepting += 1
        try:
            yield
        finally:
            with self._lock:
                self._accepting -= 1


def small_json(text: str, *, name: str, max_chars: int = 4096, max_depth: int = 4):
    """Parse a form field holding a small JSON value, refusing long or deeply nested ones
    before the parser sees them (deep nesting exhausts Python's recursion limit)."""
    if len(text) > max_chars:
        raise ParameterError(f"is too long ({len(text)} characters; at most {max_chars})", option=name)
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    if deepest > max_depth:
        raise ParameterError(f"nests too deeply (depth {deepest}; at most {max_depth})", option=name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParameterError(f"must be JSON ({exc.msg})", option=name) from exc
