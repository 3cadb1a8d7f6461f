"""Landmark index sets of the 478-point face mesh, in one place.

Written out from mediapipe's ``face_mesh_connections`` (the tests check them against it) so
that importing them does not load mediapipe. "Left" and "right" are the subject's, as in
mediapipe: the subject's right eye is on the image's left. Every ordered contour runs
image-left to image-right on a frontal face; paired contours (upper/lower lip, upper/lower
lid) have the same length and share their two corner points, so index ``i`` of the upper
contour sits above index ``i`` of the lower one.

Every constant is a read-only ``np.ndarray[int]`` (so ``landmarks[LIPS_UPPER_OUTER]`` selects
rows) or a plain ``int`` for single points.
"""

import numpy as np

__all__ = [
    "LIPS_UPPER_OUTER",
    "LIPS_LOWER_OUTER",
    "LIPS_UPPER_INNER",
    "LIPS_LOWER_INNER",
    "LIPS_ALL",
    "MOUTH_CORNER_RIGHT",
    "MOUTH_CORNER_LEFT",
    "UPPER_LIP_CENTRE",
    "LOWER_LIP_CENTRE",
    "RIGHT_EYE_UPPER",
    "RIGHT_EYE_LOWER",
    "LEFT_EYE_UPPER",
    "LEFT_EYE_LOWER",
    "RIGHT_EYE",
    "LEFT_EYE",
    "EYES_ALL",
    "RIGHT_IRIS_CENTRE",
    "LEFT_IRIS_CENTRE",
    "RIGHT_IRIS",
    "LEFT_IRIS",
    "IRISES",
    "RIGHT_BROW_UPPER",
    "RIGHT_BROW_LOWER",
    "LEFT_BROW_UPPER",
    "LEFT_BROW_LOWER",
    "RIGHT_BROW",
    "LEFT_BROW",
    "BROWS",
    "FACE_OVAL",
    "NOSE_TIP",
    "NOSE_BOTTOM",
    "CHIN",
    "FOREHEAD",
]


def _ids(*values: int) -> np.ndarray:
    array = np.array(values, dtype=np.intp)
    array.setflags(write=False)
    return array


def _union(*groups: np.ndarray) -> np.ndarray:
    return _ids(*dict.fromkeys(int(i) for group in groups for i in group))


# Lips: outer edge (skin/red border) and inner edge (where the lips meet), corner to corner.
LIPS_UPPER_OUTER = _ids(61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_LOWER_OUTER = _ids(61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LIPS_UPPER_INNER = _ids(78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_LOWER_INNER = _ids(78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
LIPS_ALL = _union(LIPS_UPPER_OUTER, LIPS_LOWER_OUTER, LIPS_UPPER_INNER, LIPS_LOWER_INNER)
MOUTH_CORNER_RIGHT = 61  # subject's right = image left
MOUTH_CORNER_LEFT = 291
UPPER_LIP_CENTRE = 0  # top of the upper lip, on the outer edge
LOWER_LIP_CENTRE = 17  # bottom of the lower lip, on the outer edge

# Eyelids, outer-to-inner corner for the right eye and inner-to-outer for the left.
RIGHT_EYE_UPPER = _ids(33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER = _ids(33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER = _ids(362, 398, 384, 385, 386, 387, 388, 466, 263)
LEFT_EYE_LOWER = _ids(362, 382, 381, 380, 374, 373, 390, 249, 263)
RIGHT_EYE = _union(RIGHT_EYE_UPPER, RIGHT_EYE_LOWER)
LEFT_EYE = _union(LEFT_EYE_UPPER, LEFT_EYE_LOWER)
EYES_ALL = _union(RIGHT_EYE, LEFT_EYE)

# Irises (refined landmarks only): centre first, then four rim points.
RIGHT_IRIS_CENTRE = 468
LEFT_IRIS_CENTRE = 473
RIGHT_IRIS = _ids(468, 469, 470, 471, 472)
LEFT_IRIS = _ids(473, 474, 475, 476, 477)
IRISES = _union(RIGHT_IRIS, LEFT_IRIS)

# Brows: upper and lower edge, image-left to image-right.
RIGHT_BROW_UPPER = _ids(70, 63, 105, 66, 107)
RIGHT_BROW_LOWER = _ids(46, 53, 52, 65, 55)
LEFT_BROW_UPPER = _ids(336, 296, 334, 293, 300)
LEFT_BROW_LOWER = _ids(285, 295, 282, 283, 276)
RIGHT_BROW = _union(RIGHT_BROW_UPPER, RIGHT_BROW_LOWER)
LEFT_BROW = _union(LEFT_BROW_UPPER, LEFT_BROW_LOWER)
BROWS = _union(RIGHT_BROW, LEFT_BROW)

# Face outline as a closed loop, starting at the top of the forehead and going clockwise
# on the image (towards the image's right first).
FACE_OVAL = _ids(
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip

NOSE_TIP = 1
NOSE_BOTTOM = 2  # where the nose meets the upper lip
CHIN = 152  # lowest point of the face oval
FOREHEAD = 10  # highest point of the face oval
