"""A one-line progress bar on stderr with frames/s and ETA (no dependency)."""

import sys
import time

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable as ``progress(done, total)``; redraws at most ~10 times a second."""

    def __init__(self, label: str = "frames", *, stream=None, enabled: bool = True):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.start = time.perf_counter()
        self._last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else float("inf")
        width = 28
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {done}/{total} {self.label} {100 * done / max(total, 1):3.0f}% {rate:5.1f}/s ETA {eta:4.0f}s"
        self.stream.write(line)
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
