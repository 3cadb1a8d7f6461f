"""Lip-sync figures: how well a mouth opening follows the phone reference.

Openness is compared in one unit everywhere: the inner-lip gap divided by the mouth
width, as measured on video. A :class:`~talkingphoto.motion.MouthTrack` converts to it
through the track contract (``open == 1`` is a gap of 0.6 x mouth width), so the fast
proxy and the rendered-video measurement report comparable numbers.
"""

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import ParameterError
from ._reference import reference_openness

__all__ = ["LipsyncReport", "lipsync_report", "track_openness", "evaluate_track", "CLOSED_GAP", "BILABIALS"]

CLOSED_GAP = 0.05  # gap / mouth width below which the lips count as closed
BILABIALS = frozenset({"M", "B", "P"})
_OPEN_GAP = 0.6  # gap / mouth width of MouthTrack.open == 1 (the track contract)


@dataclass(frozen=True)
class LipsyncReport:
    """Agreement between a mouth opening and the phone reference.

    Attributes
    ----------
    correlation : float
        Pearson correlation at lag 0 over frames where the opening is known.
    best_lag : int
        Lag in frames with the highest correlation; positive = the video is late.
    best_correlation : float
        Correlation at ``best_lag``.
    closure_rate : float
        Fraction of M/B/P phones during which the lips close for at least one frame
        (NaN if the speech has none).
    n_bilabials : int
        How many M/B/P phones there were.
    n_frames : int
    valid_fraction : float
        Fraction of frames where the opening is known (a face was found).
    """

    correlation: float
    best_lag: int
    best_correlation: float
    closure_rate: float
    n_bilabials: int
    n_frames: int
    valid_fraction: float

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN becomes None)."""
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in asdict(self).items()}


def track_openness(track) -> np.ndarray:
    """Inner-lip gap / mouth width that ``track`` asks for, per frame.

    Parameters
    ----------
    track : MouthTrack

    Returns
    -------
    np.ndarray [shape=(n_frames,), dtype=float32, range 0..0.6]
        ``0.6 * open * (1 - press)``: press shuts the lips whatever ``open`` says.
    """
    return (_OPEN_GAP * track.open * (1.0 - track.press)).astype(np.float32)


def evaluate_track(track, phones, *, max_lag: int = 5) -> LipsyncReport:
    """Lip-sync figures of a MouthTrack against aligned phones, without rendering.

    A fast proxy of :func:`lipsync_report` on the rendered video, used for tuning.
    """
    reference = reference_openness(phones, fps=track.fps, n_frames=track.n_frames)
    return lipsync_report(track_openness(track), reference, phones, fps=track.fps, max_lag=max_lag)


def lipsync_report(
    openness: np.ndarray,
    reference: np.ndarray,
    phones,
    *,
    fps: float,
    max_lag: int = 5,
    closed_gap: float = CLOSED_GAP,
) -> LipsyncReport:
    """Compare a measured mouth opening with the expected one.

    Parameters
    ----------
    openness : np.ndarray [shape=(n_frames,), float]
        Inner-lip gap / mouth width per frame; NaN where unknown.
    reference : np.ndarray [shape=(n_frames,), float]
        Expected opening, from :func:`reference_openness`.
    phones : sequence of Phone
        The aligned phones the reference came from (for the M/B/P closures).
    fps : float
    max_lag : int
        Lags from ``-max_lag`` to ``+max_lag`` frames are searched.
    closed_gap : float
        Gap / mouth width under which the lips count as closed.
    """
    openness = np.asarray(openness, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if openness.ndim != 1 or openness.shape != reference.shape:
        raise ParameterError(
            f"openness and reference must be 1-D of equal length, got {openness.shape} and {reference.shape}"
        )
    if max_lag < 0:
        raise ParameterError(f"max_lag must be >= 0, got {max_lag}")
    n = len(openness)
    lags = range(-max_lag, max_lag + 1)
    by_lag = {lag: _lagged_correlation(openness, reference, lag) for lag in lags}
    finite = {lag: c for lag, c in by_lag.items() if np.isfinite(c)}
    # Ties go to the smallest absolute lag: never claim an offset the data does not show.
    best_lag = max(finite, key=lambda lag: (finite[lag], -abs(lag))) if finite else 0
    closed, total = _bilabial_closures(openness, phones, fps=fps, closed_gap=closed_gap)
    return LipsyncReport(
        correlation=float(by_lag[0]),
        best_lag=int(best_lag),
        best_correlation=float(by_lag[best_lag]),
        closure_rate=float(closed / total) if total else float("nan"),
        n_bilabials=int(total),
        n_frames=int(n),
        valid_fraction=float(np.mean(np.isfinite(openness))) if n else 0.0,
    )


def _lagged_correlation(video: np.ndarray, reference: np.ndarray, lag: int) -> float:
    """Pearson correlation of video[t] with reference[t - lag] over frames both define."""
    if lag > 0:
        a, b = video[lag:], reference[:-lag]
    elif lag < 0:
        a, b = video[:lag], reference[-lag:]
    else:
        a, b = video, reference
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _bilabial_closures(openness: np.ndarray, phones, *, fps: float, closed_gap: float) -> tuple:
    """(closed, total): M/B/P phones whose frames include one with the lips closed.

    A phone's frames are those whose span ``[i / fps, (i + 1) / fps)`` overlaps it, so
    a 40 ms M still owns at least one frame at 25 fps. Phones over frames with unknown
    opening only are not counted.
    """
    closed = total = 0
    n = len(openness)
    for phone in phones:
        if str(phone.label).upper().rstrip("012") not in BILABIALS:
            continue
        first = int(np.floor(phone.start * fps))
        last = int(np.ceil(phone.end * fps)) - 1
        values = openness[max(first, 0) : min(max(last, first) + 1, n)]
        values = values[np.isfinite(values)]
        if len(values) == 0:
            continue
        total += 1
        closed += bool(np.min(values) < closed_gap)
    return closed, total
