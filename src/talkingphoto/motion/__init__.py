"""Turning sound into per-frame controls: mouth shapes, head pose, blinks, brows, gaze, body and camera."""

from ._body import BodyMotion, body_motion
from ._cues import MouthCue, cues_from_phones, cues_from_track, cues_to_json, cues_to_tsv, write_cues
from ._face import FaceMotion, conversation_motion, face_motion, idle_motion
from ._mouth import MouthOptions, mouth_track, prosody
from ._phonemes import ipa_to_arpabet, mouth_track_from_phones
from ._tracks import MouthTrack, Prosody, mix_prosody, place_tracks

__all__ = ["FaceMotion", "face_motion", "idle_motion", "conversation_motion"]
__all__ += ["MouthTrack", "Prosody", "place_tracks", "mix_prosody"]
__all__ += ["mouth_track_from_phones", "ipa_to_arpabet"]
__all__ += ["MouthCue", "cues_from_phones", "cues_from_track", "cues_to_tsv", "cues_to_json", "write_cues"]
__all__ += ["MouthOptions", "mouth_track", "prosody"]
__all__ += ["BodyMotion", "body_motion"]
