"""Turning sound into per-frame controls: mouth shapes, head pose, blinks, brows, gaze."""

from ._face import FaceMotion, face_motion, idle_motion
from ._tracks import MouthTrack, Prosody

__all__ = ["FaceMotion", "face_motion", "idle_motion", "MouthTrack", "Prosody"]
