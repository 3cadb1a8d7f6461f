"""Turning sound into per-frame controls: mouth shapes, head pose, blinks, brows, gaze."""

from ._face import FaceMotion, face_motion, idle_motion
from ._mouth import MouthOptions, mouth_track, prosody
from ._tracks import MouthTrack, Prosody

__all__ = ["FaceMotion", "face_motion", "idle_motion", "MouthTrack", "Prosody"]
__all__ += ["MouthOptions", "mouth_track", "prosody"]
