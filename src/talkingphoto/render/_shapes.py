"""From mouth controls to the shapes a face shows: eased in time, resting on the picture's own mouth.

Whatever the controls do, the rendered mouth never snaps: its opening, spread, F/V and
tongue may change by at most about half their range per frame at 25 fps, so wide open to
shut takes two or three frames. The one exception is a real closure (M/B/P): lips pressed
shut close at once, as real lips do. Easing is centred in time (the mean of a forward and
a backward rate limit), so it rounds the shapes off without making them late.

In silence the face rests on the picture's own mouth (a toothy smile stays a toothy smile,
and the first frame is the picture itself); in pauses of half a second or more it eases
back to it and out again; shorter gaps between words close the lips as the controls say.
"""

from dataclasses import dataclass

import numpy as np

from ..motion import MouthTrack
from ._rig import FV_GAP, Pose, opening

__all__ = ["MouthShapes", "mouth_shapes"]

OPEN_RATE = 11.0  # opening range per second: 0.44 of it per frame at 25 fps
SPREAD_RATE = 22.0  # spread runs -1..1, so the same share of its range per frame
DETAIL_RATE = 11.0  # fv, tongue
PAUSE = 0.5  # seconds of a closed, quiet mouth before it rests on the picture's own
EASE = 0.16  # seconds to ease into and out of the rest
# Opening (fraction of the widest) below which the mouth counts as closed: the learned
# mouth holds the lips a hair apart in silence (0.04-0.07 where a recording's noise is, 0.084
# in digital silence since round 12 taught it to sing; 0.059 before), shut enough to rest.
QUIET = 0.1
CLOSURE = 0.5  # press at which lips shut at once


@dataclass(frozen=True)
class MouthShapes:
    """Per-frame mouth shapes as rendered (see MouthTrack for the controls' meaning).

    Attributes
    ----------
    fps : float
    open, spread, press, fv, tongue : np.ndarray [shape=(n_frames,), dtype=float32]
        Eased controls, same ranges as MouthTrack's.
    rest : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1]
        1 where the face shows the picture's own mouth (see Pose.rest).
    """

    fps: float
    open: np.ndarray
    spread: np.ndarray
    press: np.ndarray
    fv: np.ndarray
    tongue: np.ndarray
    rest: np.ndarray

    @property
    def n_frames(self) -> int:
        return len(self.open)

    def pose(self, i: int) -> Pose:
        """The mouth part of frame ``i``'s Pose (eyes and brows at rest)."""
        return Pose(
            open=float(self.open[i]),
            spread=float(self.spread[i]),
            press=float(self.press[i]),
            fv=float(self.fv[i]),
            tongue=float(self.tongue[i]),
            rest=float(self.rest[i]),
        )


def _limit(target: np.ndarray, step: float, *, free: np.ndarray) -> np.ndarray:
    """Rate-limit ``target`` to ``step`` per frame, centred in time; where ``free`` is set
    a fall onto the target goes through at once (a closure), and so does the frame before
    it (the backward pass must not ease the mouth shut ahead of the closure)."""

    def one_way(x, closing, after_closure):
        out = x.copy()
        for i in range(1, len(x)):
            previous = out[i - 1]
            if (closing[i] and x[i] <= previous) or after_closure[i]:
                continue
            out[i] = min(max(x[i], previous - step), previous + step)
        return out

    never = np.zeros_like(free)
    forward = one_way(target, free, never)
    # Backwards, frame i comes after frame i + 1: a closure there frees it.
    behind = np.concatenate([[False], free[::-1][:-1]])
    backward = one_way(target[::-1], free[::-1], behind)[::-1]
    eased = 0.5 * (forward + backward)
    return np.where(free, np.minimum(eased, target), eased)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _rest_weight(quiet: np.ndarray, fps: float) -> np.ndarray:
    """1 inside long quiet runs (and quiet runs at either end of the clip), easing to 0
    at their edges."""
    n = len(quiet)
    rest = np.zeros(n)
    ease = max(1.0, EASE * fps)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        at_start, at_end = a == 0, b == n
        if not (at_start or at_end or b - a >= PAUSE * fps):
            continue
        i = np.arange(a, b)
        # A run at either end of the clip eases within itself, however short: the first
        # frame (the thumbnail) is the picture whenever it is silent.
        span = min(ease, b - a) if at_start or at_end else ease
        to_start = np.inf if at_start else i - a + 1
        to_end = np.inf if at_end else b - i
        rest[a:b] = _smoothstep(np.minimum(to_start, to_end) / span)
    return rest


def mouth_shapes(track: MouthTrack) -> MouthShapes:
    """Ease ``track`` into the shapes a face shows, with its rest weight (see module notes).

    Parameters
    ----------
    track : MouthTrack

    Returns
    -------
    MouthShapes
        Same frame count and rate; ``opening(open, press, fv)`` changes by at most
        ``OPEN_RATE / fps`` per frame except into a closure.
    """
    fps = float(track.fps)
    press = track.press.astype(np.float64)
    closure = press >= CLOSURE
    spread = _limit(track.spread.astype(np.float64), SPREAD_RATE / fps, free=np.zeros_like(closure))
    fv = _limit(track.fv.astype(np.float64), DETAIL_RATE / fps, free=closure)
    tongue = _limit(track.tongue.astype(np.float64), DETAIL_RATE / fps, free=closure)
    target = opening(track.open, press, track.fv)
    gap = _limit(target.astype(np.float64), OPEN_RATE / fps, free=closure)
    # Back from the eased opening to the jaw control that gives it with the eased lips.
    share = (1 - fv) * (1 - press)
    open_ = np.where(share > 1e-3, (gap - fv * FV_GAP) / np.maximum(share, 1e-3), track.open)
    rest = _rest_weight((target < QUIET) & (press < 0.1), fps)
    return MouthShapes(
        fps, *(np.asarray(x, np.float32) for x in (np.clip(open_, 0, 1), spread, press, fv, tongue, rest))
    )
