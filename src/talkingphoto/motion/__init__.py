"""Turning sound into per-frame controls: mouth shapes, head pose, blinks, brows, gaze."""

from ._tracks import MouthTrack, Prosody

__all__ = ["MouthTrack", "Prosody"]
