"""Choosing which character speaks."""

import numbers

from ..errors import NoFaceError, ParameterError
from ._geometry import contains

__all__ = ["choose_face", "NO_FACE_HELP", "POINTS_FORMAT"]

POINTS_FORMAT = (
    'a JSON object {"mouth_left": [x, y], "mouth_right": [x, y], "upper_lip": [x, y], "lower_lip": [x, y], '
    '"chin": [x, y]} in image pixels (optionally "left_eye", "right_eye")'
)
NO_FACE_HELP = (
    f"no face found in the picture; mark the mouth by hand with --points FILE.json, {POINTS_FORMAT}, "
    "and check what is found with: talkingphoto inspect IMAGE -o overlay.png"
)


# By default the largest face speaks, of those found within SURE_MARGIN of the surest: a face
# only face mesh saw (it reports no score: the finder's floor, 0.5) beside one a detector
# confirmed (0.84) is passed over though larger, as a false face on a Naev portrait's shoulder
# was, whose rig then refused the whole render.
SURE_MARGIN = 0.25


def _faces_seen(faces: list) -> str:
    listed = "; ".join(f"{f.index}: box (x={f.box[0]}, y={f.box[1]}, w={f.box[2]}, h={f.box[3]})" for f in faces)
    return f"faces seen, left to right: {listed}"


def choose_face(faces: list, *, face=None, face_at=None):
    """Pick the speaking face.

    Parameters
    ----------
    faces : list of Face
        As returned by :func:`find_faces` (indices left to right).
    face : int, optional
        Index of the face, counted left to right from 0.
    face_at : (x, y), optional
        A point in source pixels on the wanted face (the smallest box containing it wins).

    Returns
    -------
    Face
        The chosen face; by default the largest of those found about as surely as the
        surest (see ``SURE_MARGIN``).

    Raises
    ------
    NoFaceError
        Nothing was found (the message explains manual points and ``inspect``), or the
        index or point matches no face (the message lists the faces seen).
    ParameterError
        Both ``face`` and ``face_at`` were given, or one is malformed.
    """
    if face is not None and face_at is not None:
        raise ParameterError("choose the face either by index (face) or by a point on it (face_at), not both")
    if not faces:
        raise NoFaceError(NO_FACE_HELP)
    if face is not None:
        if not isinstance(face, numbers.Integral) or isinstance(face, bool):
            raise ParameterError(f"face must be a whole number counted left to right from 0, got {face!r}")
        for candidate in faces:
            if candidate.index == face:
                return candidate
        raise NoFaceError(f"there is no face {face} ({len(faces)} found); {_faces_seen(faces)}")
    if face_at is not None:
        try:
            x, y = (float(v) for v in face_at)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"face_at must be a point (x, y) in image pixels, got {face_at!r}") from exc
        hits = [candidate for candidate in faces if contains(candidate.box, (x, y))]
        if not hits:
            raise NoFaceError(f"no face at point ({x:g}, {y:g}); {_faces_seen(faces)}")
        return min(hits, key=lambda candidate: candidate.box[2] * candidate.box[3])
    surest = max(candidate.confidence for candidate in faces)
    sure = [candidate for candidate in faces if candidate.confidence >= surest - SURE_MARGIN]
    return max(sure, key=lambda candidate: candidate.box[2] * candidate.box[3])
