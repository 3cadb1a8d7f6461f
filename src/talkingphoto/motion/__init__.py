"""Turning sound into per-frame controls: mouth shapes, head pose, blinks, brows, gaze, body and camera."""

from ._body import BodyMotion, body_motion
from ._cues import MouthCue, cues_from_learned, cues_from_phones, cues_from_track, cues_to_json, cues_to_tsv, write_cues
from ._expression import EXPRESSIONS, Expression, ExpressionTrack, express_motion, expression_track
from ._face import GAZES, FaceMotion, conversation_motion, face_motion, idle_motion
from ._learned import (LearnedMouth, MouthModel, MouthStream, learned_mouth, learned_mouth_track, load_mouth_model,
                       offline_models, song_mouth)  # fmt: skip
from ._mouth import MouthOptions, mouth_track, prosody
from ._phonemes import ipa_to_arpabet, mouth_track_from_phones
from ._tracks import MouthTrack, Prosody, mix_prosody, place_tracks

__all__ = ["FaceMotion", "face_motion", "idle_motion", "conversation_motion", "GAZES"]
__all__ += ["EXPRESSIONS", "Expression", "ExpressionTrack", "expression_track", "express_motion"]
__all__ += ["MouthTrack", "Prosody", "place_tracks", "mix_prosody"]
__all__ += ["mouth_track_from_phones", "ipa_to_arpabet"]
__all__ += ["MouthCue", "cues_from_phones", "cues_from_track", "cues_to_tsv", "cues_to_json", "write_cues"]
__all__ += ["MouthOptions", "mouth_track", "prosody"]
__all__ += ["MOUTH_SOURCES", "MUSIC_HEARD", "mouth_source", "recording_mouth"]
__all__ += ["MouthModel", "LearnedMouth", "MouthStream", "load_mouth_model"]
__all__ += ["offline_models"]
__all__ += ["learned_mouth", "learned_mouth_track", "song_mouth", "cues_from_learned"]

# The learned model, hearing a song's voice apart from its backing music where music plays
# behind the voice (auto, the default); the learned model on the whole sound; the model on
# the voice apart from the music (song_mouth); or the acoustic rules.
MOUTH_SOURCES = ("auto", "model", "music", "signal")
# What the user is told where "auto" heard backing music (each front end adds how to say "model").
MUSIC_HEARD = (
    "music was heard behind the voice{where}, so the mouth follows the voice alone and rests where only the music plays"
)


def mouth_source(y, *, sr: int, source: str = "auto") -> str:
    """The mouth source a recording gets: ``"auto"`` is ``"music"`` where music plays behind
    the voice (voice.backing_music) and ``"model"`` elsewhere; any other source as given."""
    if source != "auto":
        return source
    from ..voice import backing_music

    return "music" if backing_music(y, sr=sr).plays else "model"


def recording_mouth(y, *, sr: int, fps: float, n_frames: int | None = None, source: str = "auto") -> MouthTrack:
    """Mouth track of a recording from the learned model (``"model"``; ``"music"`` for a
    voice over music; ``"auto"`` either, see :func:`mouth_source`) or the acoustic rules
    (``"signal"``)."""
    source = mouth_source(y, sr=sr, source=source)
    if source in ("model", "music"):
        return learned_mouth_track(y, sr=sr, fps=fps, n_frames=n_frames, music=source == "music")
    if source == "signal":
        return mouth_track(y, sr=sr, fps=fps, n_frames=n_frames)
    from ..errors import ParameterError

    raise ParameterError(f"mouth must be one of {', '.join(MOUTH_SOURCES)}, got {source!r}")
__all__ += ["BodyMotion", "body_motion"]
