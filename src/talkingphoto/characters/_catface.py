"""Cat faces: OpenCV's frontal cat-face cascade, rigged as clicked points would be.

Looked for only when the detection chain finds no face at all (see FaceFinder.find), so a
picture with a person in it never gets a cat's mouth. The cascade gives a square box and no
parts: :data:`CAT_POINTS` places the mouth, lips, chin and eyes in it, and
:func:`~._points.face_from_points` fits the mesh to them (the animal muzzle of manual points).
"""

from dataclasses import replace

import numpy as np

from ._face import Face
from ._points import face_from_points
from ._style import guess_style

__all__ = ["CAT_POINTS", "cat_points", "detect_cat_boxes", "cat_faces"]

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

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    boxes = cascade.detectMultiScale(
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
