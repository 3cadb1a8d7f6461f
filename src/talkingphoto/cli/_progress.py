"""Progress on stderr (no dependency): a bar redrawn in place on a terminal, and plain lines a
few percent apart when stderr is a log file or a CI console (where ``\\r`` redraws pile up)."""

import sys
import time

__all__ = ["ProgressBar", "BatchProgress", "LOG_STEP", "summary_line"]

LOG_STEP = 5  # percent between two lines written to a non-terminal


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or already closed
        return False


def _percent(fraction: float, *, complete: bool) -> int:
    """Whole percent, rounded down and never 100 before the work is complete (so the
    figure never runs ahead of a count printed beside it)."""
    percent = int(100 * min(max(fraction, 0.0), 1.0))
    return percent if complete else min(percent, 99)


def _bar(percent: int, width: int) -> str:
    filled = width * percent // 100
    return "#" * filled + "-" * (width - filled)


class _Line:
    """Writes one progress line: in place on a terminal (at most ~10 times a second), as a new
    line every ``LOG_STEP`` percent elsewhere. As a context manager it ends an unfinished line
    on a terminal, so an error or "interrupted" starts on a line of its own."""

    def __init__(self, *, stream=None, enabled: bool = True, live: bool | None = None, clock=time.perf_counter):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = _is_terminal(self.stream) if live is None else live
        self.clock = clock
        self._last_draw = None
        self._last_step = -1
        self._open_line = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False

    def _due(self, percent: int, *, complete: bool, changed: bool = False) -> bool:
        """Whether to write now; ``changed`` forces a redraw on a terminal (a job finished)."""
        if self.live:
            now = self.clock()
            if not complete and not changed and self._last_draw is not None and now - self._last_draw < 0.1:
                return False
            self._last_draw = now
            return True
        step = 100 // LOG_STEP if complete else percent // LOG_STEP
        if step <= self._last_step:
            return False
        self._last_step = step
        return True

    def _write(self, line: str, *, complete: bool) -> None:
        if self.live:
            self.stream.write("\r" + line + ("\n" if complete else ""))
            self._open_line = not complete
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class ProgressBar(_Line):
    """Callable as ``progress(done, total)``, with frames/s and ETA."""

    def __init__(self, label: str = "frames", **kwargs):
        super().__init__(**kwargs)
        self.label = label
        self._start = None  # (time, done) at the first report: the rate counts from there

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if self._start is None:
            self._start = (now, done)
        complete = done >= total
        percent = _percent(done / max(total, 1), complete=complete)
        if not self._due(percent, complete=complete):
            return
        started, done_then = self._start
        rate = (done - done_then) / max(now - started, 1e-9)
        eta = f"{(total - done) / rate:4.0f}s" if rate > 0 else "   ?s"
        line = f"[{_bar(percent, 28)}] {done}/{total} {self.label} {percent:3d}% {rate:5.1f}/s ETA {eta}"
        self._write(line, complete=complete)


class BatchProgress(_Line):
    """Callable as ``progress(fraction, finished, total)`` for a batch of jobs: the share of
    all frames rendered, and how many jobs have finished."""

    def __init__(self, **kwargs):
        kwargs.setdefault("clock", time.monotonic)
        super().__init__(**kwargs)
        self.start = self.clock()
        self._finished = -1

    def __call__(self, fraction: float, finished: int, total: int) -> None:
        if not self.enabled:
            return
        complete = finished >= total
        percent = _percent(fraction, complete=complete)
        if not self._due(percent, complete=complete, changed=finished != self._finished):
            return
        self._finished = finished
        line = f"[{_bar(percent, 30)}] {percent:3d}% {finished}/{total} jobs {self.clock() - self.start:6.1f}s"
        self._write(line, complete=complete)


def summary_line(result, *, extra: str = "") -> str:
    """The line a finished render prints (render and dialogue alike): size, length, frames,
    and the time it took, each rounded the same way. ``result`` is a RenderResult."""
    more = f", {extra}" if extra else ""
    return (
        f"wrote {result.output} ({result.width}x{result.height}, {result.duration:.1f} s, "
        f"{result.n_frames} frames{more}) in {result.timings['total']:.1f} s"
    )
