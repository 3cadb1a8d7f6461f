"""The overlay shows each face's mesh, lips, eyes and index number."""

import numpy as np

from talkingphoto.characters import draw_overlay, face_from_points, topology as topo

POINTS = {
    "mouth_left": [80, 150],
    "mouth_right": [140, 150],
    "upper_lip": [110, 142],
    "lower_lip": [110, 160],
    "chin": [112, 200],
    "left_eye": [80, 90],
    "right_eye": [140, 90],
}


def test_overlay_draws_lips_eyes_and_number_without_touching_the_input():
    image = np.full((240, 220, 3), 90, np.uint8)
    face = face_from_points(POINTS, image_shape=image.shape)
    before = image.copy()
    out = draw_overlay(image, [face])
    np.testing.assert_array_equal(image, before)
    assert out.shape == image.shape and out.dtype == np.uint8
    # Red outer lip line at the mouth corner, cyan eye outline at the eye corner.
    x, y = np.round(face.landmarks[topo.MOUTH_CORNER_RIGHT, :2]).astype(int)
    patch = out[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).astype(int)
    assert np.any((patch[:, 0] > 200) & (patch[:, 1] < 120))
    x, y = np.round(face.landmarks[topo.RIGHT_EYE_UPPER[0], :2]).astype(int)
    patch = out[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).astype(int)
    assert np.any((patch[:, 2] > 200) & (patch[:, 0] < 120))
    # The index number is drawn in white above the box.
    bx, by, bw, bh = face.box
    above = out[max(0, by - 40) : by, bx : bx + bw]
    assert (above.min(-1) > 240).sum() > 20


def test_overlay_with_no_faces_is_the_picture():
    image = np.random.default_rng(0).integers(0, 255, (50, 60, 3), dtype=np.uint8)
    np.testing.assert_array_equal(draw_overlay(image, []), image)
