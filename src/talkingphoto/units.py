"""Units every stage shares: the sample rates, and seconds to video frames.

Frame ``i`` of a video at ``fps`` frames per second shows the instant ``(i + 0.5) / fps``
and lasts from ``i / fps`` to ``(i + 1) / fps``; a sound of ``seconds`` needs
:func:`seconds_to_frames` frames to be shown whole.
"""

import math

__all__ = ["ANALYSIS_SR", "OUTPUT_SR", "seconds_to_frames", "samples_to_frames", "frame_of"]

ANALYSIS_SR = 16000  # Hz: what sound analysis reads (features, alignment, mouth shapes)
OUTPUT_SR = 48000  # Hz: the MP4's sound track
# A duration that is a whole number of frames but for float rounding needs no extra frame.
_ROUNDING = 1e-6


def seconds_to_frames(seconds: float, *, fps: float) -> int:
    """Frames needed to show ``seconds`` of sound: ``ceil(seconds * fps)``, at least 1."""
    return max(1, math.ceil(seconds * fps - _ROUNDING))


def samples_to_frames(n_samples: int, *, sr: int, fps: float) -> int:
    """Frames needed to show ``n_samples`` of sound at ``sr`` Hz (see :func:`seconds_to_frames`)."""
    return seconds_to_frames(n_samples / sr, fps=fps)


def frame_of(seconds: float, *, fps: float) -> int:
    """The frame nearest to the instant ``seconds``: where something starting then first shows."""
    return int(round(seconds * fps))
