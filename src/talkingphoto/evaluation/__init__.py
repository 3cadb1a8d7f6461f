"""The project's own lip-sync measurement.

Phones aligned to the speech give the expected mouth opening per frame
(:func:`reference_openness`); the opening is measured on rendered video
(:func:`measure_video_openness`) or read straight from a MouthTrack
(:func:`track_openness`, a fast proxy for tuning), and :func:`lipsync_report` compares
them: correlation at lag 0, the best lag, and how often the lips close on M/B/P.
:func:`track_video_landmarks` and :func:`head_report` measure the head's motion the same
way: turns, nods and tilts re-detected in the rendered frames.
Run ``python -m talkingphoto.evaluation VIDEO --transcript "..."`` for a report.
"""

from ._head import HeadReport, head_angles, head_report
from ._reference import PHONE_OPENNESS, reference_openness
from ._report import BILABIALS, CLOSED_GAP, LipsyncReport, evaluate_track, lipsync_report, track_openness
from ._video import landmark_openness, measure_video_openness, track_video_landmarks, video_fps

__all__ = [
    "PHONE_OPENNESS",
    "reference_openness",
    "BILABIALS",
    "CLOSED_GAP",
    "LipsyncReport",
    "lipsync_report",
    "track_openness",
    "evaluate_track",
    "measure_video_openness",
    "track_video_landmarks",
    "landmark_openness",
    "video_fps",
    "HeadReport",
    "head_angles",
    "head_report",
]
