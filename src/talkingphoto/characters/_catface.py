"""Cat faces: OpenCV's frontal cat-face cascade, rigged as clicked points would be.

Two ways in (see FaceFinder.find): on the whole picture only when the detection chain finds
no face at all, so a cat is never looked for beside a person; and on an upright crop around
each face the chain did find (:func:`cat_face_around`), since face mesh takes some cats for
people (a kitten with its head tilted), checked against the human-face cascade there.
The cascade gives a square box and no parts: :data:`CAT_POINTS` places the mouth, lips, chin and eyes in it, and
:func:`~._points.face_from_points` fits the mesh to them (the animal muzzle of manual points).
"""

import functools
from dataclasses import replace

import numpy as np

from ..errors import ParameterError
from ._face import Face
from ._points import face_from_points
from ._style import guess_style
from .topology import LEFT_EYE, RIGHT_EYE

__all__ = ["CAT_POINTS", "cat_points", "detect_cat_boxes", "cat_faces", "cat_face_around"]

CASCADE = "haarcascade_frontalcatface_extended.xml"

# Where each clicked point sits in the cascade's box, as (x, y) fractions of its side (left
# and right as seen in the picture). Medians over the kitten's 15 boxes (examples/kitten.jpg
# and the GCompris photo it was cut from, decoded at 7 sizes from 1920 px down to 288 px,
# and mirrored) of its hand-clicked points, left and right averaged: spread under 0.01 of
# the side, 0.02 for the mouth's x. The tilted kitten of tests/data/images/cat_yarn.jpg,
# clicked on a copy turned upright, has its mouth 0.08 and its chin 0.09 lower in its box
# (a weak box, 11 neighbours, that MIN_NEIGHBOURS rejects).
CAT_POINTS = {
    "left_eye": (0.273, 0.400),
    "right_eye": (0.727, 0.400),
    "mouth_left": (0.417, 0.767),
    "mouth_right": (0.583, 0.767),
    "upper_lip": (0.500, 0.759),
    "lower_lip": (0.500, 0.783),
    "chin": (0.500, 0.850),
}

# Boxes the cascade must find again at this many neighbouring scales and positions
# (scaleFactor 1.05). A real cat's face gathers 36-90 (the kitten from 1920 px down to
# 192 px); on 1,347 pictures with no cat (GCompris photos and drawings, Tux Paint stamps) the
# most was 15 (Mount Rushmore), on 15 with human or drawn faces 7. With these settings the
# cascade finds a cat in 1 of 9,215 pictures with no cat (those, 3,235 Wesnoth and 4,949
# FreedroidRPG images of 100 px or more; 2026-12-05): Wesnoth's ogre portrait, whose face the
# mesh finds first.
MIN_NEIGHBOURS = 20
SCALE_STEP = 1.05
MIN_SIDE = 64  # pixels, a 10.7 px mouth (render._rig.MIN_MOUTH_PX is 8); lettering passed for cats at 54-58

# A face the chain found is looked at again as a cat on a crop CROP_SCALE times its box's
# longer side, turned so its eye line is level and scaled to CROP_SIDE px: the cascade sees
# the face upright, at one size. A cat there needs MIN_NEIGHBOURS_AROUND_FACE, a box of
# MIN_SIDE picture pixels or more, and more neighbours than OpenCV's frontal human-face
# cascade gathers on the same crop. See cat_face_around for the counts.
CROP_SCALE = 2.0
CROP_SIDE = 128  # pixels
MIN_NEIGHBOURS_AROUND_FACE = 30
HUMAN_CASCADE = "haarcascade_frontalface_default.xml"


@functools.cache
def _cascade(name: str = CASCADE):
    import cv2

    return cv2.CascadeClassifier(cv2.data.haarcascades + name)


def cat_points(box) -> dict:
    """The points a user would click on the cat face in ``box``.

    Parameters
    ----------
    box : (x, y, w, h)
        The cascade's box, in picture pixels.

    Returns
    -------
    dict[str, np.ndarray [shape=(2,), float64]]
        As :func:`~._points.validate_points` returns them, in picture pixels.
    """
    x, y, w, h = (float(v) for v in box)
    return {name: np.array([x + fx * w, y + fy * h]) for name, (fx, fy) in CAT_POINTS.items()}


def detect_cat_boxes(image: np.ndarray) -> list:
    """Frontal cat faces in ``image``.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]

    Returns
    -------
    list of (x, y, w, h)
        Square boxes in picture pixels; empty when no cat face is found.
    """
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    boxes = _cascade().detectMultiScale(
        grey, scaleFactor=SCALE_STEP, minNeighbors=MIN_NEIGHBOURS, minSize=(MIN_SIDE, MIN_SIDE)
    )
    return [tuple(int(v) for v in box) for box in boxes]


def cat_faces(image: np.ndarray, *, confidence: float) -> list:
    """Every frontal cat face in ``image``, rigged from :func:`cat_points` as clicked points.

    Returns
    -------
    list of Face
        ``detector="catface"``, ``confidence`` as given (the cascade has no score), the
        style guessed from the picture, index 0 (the caller numbers them).
    """
    found = []
    for box in detect_cat_boxes(image):
        face = face_from_points(cat_points(box), image_shape=image.shape)
        style = guess_style(image, face.box)
        found.append(replace(face, detector="catface", confidence=confidence, style=style))
    return found


def _upright_crop(image: np.ndarray, landmarks: np.ndarray, box):
    """The square around ``box`` turned so the eyes of ``landmarks`` are level, and the 2x3
    matrix taking picture pixels to crop pixels."""
    import cv2

    right_eye, left_eye = landmarks[RIGHT_EYE, :2].mean(axis=0), landmarks[LEFT_EYE, :2].mean(axis=0)
    dx, dy = left_eye - right_eye  # the subject's right eye is on the picture's left
    roll = np.degrees(np.arctan2(dy, dx))
    x, y, w, h = (float(v) for v in box)
    centre = (x + w / 2, y + h / 2)
    zoom = CROP_SIDE / (CROP_SCALE * max(w, h))
    to_crop = cv2.getRotationMatrix2D(centre, roll, zoom)
    to_crop[:, 2] += np.subtract(CROP_SIDE / 2, centre)
    interpolation = cv2.INTER_AREA if zoom < 1 else cv2.INTER_LINEAR
    crop = cv2.warpAffine(image, to_crop, (CROP_SIDE, CROP_SIDE), flags=interpolation, borderMode=cv2.BORDER_REPLICATE)
    return crop, to_crop


def cat_face_around(image: np.ndarray, landmarks: np.ndarray, box, *, confidence: float):
    """The cat's face where the chain found a face, or None when the cascade sees no cat there.

    Face mesh takes some cats for people, and rigs them with lips and teeth. The cat cascade
    looks again on an upright crop around the face (see ``CROP_SCALE``); a cat it finds there
    is rigged as :func:`cat_faces` rigs one, its points turned back with the crop.

    Counted on every face the chain found in 22 copies of 3 cat photos (the yarn kitten, also
    at 1024 px as GCompris's farm kitten, the example kitten and Chelsea, turned -40..40
    degrees and mirrored)
    and in 1,053 pictures without a cat (ours and 8 turned or mirrored copies of 13 of them,
    239 Wesnoth portraits, 41 FreedroidRPG portraits, 2 Tux Paint people, 548 GCompris
    pictures; 2026-12-05), on this crop: 16 of the 22 cat faces become cats (the others: 27
    and 28 neighbours, Chelsea's three-quarter view and two meshes askew, none), 0 of the 314
    others. The most those gather: Wesnoth's ogre 28 (49 for the human cascade), a mirrored
    FreedroidRPG Kevin 21 (27), Mount Rushmore 20 (56); on cats the human cascade gathers at
    most 20. The human cascade alone keeps a small soft face in a Renoir painting, scaled up
    2 or 3 times, from passing for a cat (34-43 neighbours on other crops). 4 ms a face
    (median; 17 ms at the 95th percentile).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    landmarks : np.ndarray [shape=(478, 2|3)]
        The face mesh the chain found, picture pixels; its eye line gives the roll.
    box : (x, y, w, h)
        Its box, picture pixels.
    confidence : float
        Kept as the cat's (the cascade has no score).

    Returns
    -------
    Face or None
        ``detector="catface"``, index 0 (the caller numbers them).
    """
    import cv2

    landmarks = np.asarray(landmarks, dtype=np.float64)
    crop, to_crop = _upright_crop(image, landmarks, box)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    zoom = np.hypot(*to_crop[0, :2])
    side = max(CROP_SIDE // 4, int(np.ceil(MIN_SIDE * zoom)))  # half the face's box, MIN_SIDE in the picture
    if side > CROP_SIDE:
        return None
    boxes, neighbours = _cascade().detectMultiScale2(
        grey, scaleFactor=SCALE_STEP, minNeighbors=MIN_NEIGHBOURS_AROUND_FACE, minSize=(side, side)
    )
    if len(boxes) == 0:
        return None
    best = int(np.argmax(np.ravel(neighbours)))
    _, human = _cascade(HUMAN_CASCADE).detectMultiScale2(
        grey, scaleFactor=SCALE_STEP, minNeighbors=1, minSize=(CROP_SIDE // 4, CROP_SIDE // 4)
    )
    if len(human) and np.max(human) >= np.ravel(neighbours)[best]:
        return None  # as much a person's face as a cat's (a small soft painted face)
    to_picture = cv2.invertAffineTransform(to_crop)
    points = {name: to_picture[:, :2] @ point + to_picture[:, 2] for name, point in cat_points(boxes[best]).items()}
    try:
        face = face_from_points(points, image_shape=image.shape)
    except ParameterError:
        return None  # points off the picture or out of order: keep the chain's face
    return replace(face, detector="catface", confidence=confidence, style=guess_style(image, face.box))
