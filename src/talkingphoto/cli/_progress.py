"""A one-line progress bar on stderr with frames/s and ETA (no dependency)."""

import sys
import time

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable as ``progress(done, total)``; redraws at most ~10 times a second.

    As a context manager it ends its line if the work stops half way, so an error or
    "interrupted" starts on a line of its own.
    """

    def __init__(self, label: str = "frames", *, stream=None, enabled: bool = True, clock=time.perf_counter):
        self.label = label
        self.clock = clock
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._start = None  # (time, done) at the first report: the rate counts from there
        self._last_draw = 0.0
        self._open_line = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if self._start is None:
            self._start = (now, done)
        if done < total and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        started, done_then = self._start
        rate = (done - done_then) / max(now - started, 1e-9)
        eta = f"{(total - done) / rate:4.0f}s" if rate > 0 else "   ?s"
        width = 28
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {done}/{total} {self.label} {100 * done / max(total, 1):3.0f}% {rate:5.1f}/s ETA {eta}"
        self.stream.write(line)
        self._open_line = done < total
        if not self._open_line:
            self.stream.write("\n")
        self.stream.flush()
