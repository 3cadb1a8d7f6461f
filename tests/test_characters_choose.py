"""Choosing the speaker among the faces found."""

import numpy as np
import pytest

from talkingphoto.characters import Face, choose_face
from talkingphoto.errors import NoFaceError, ParameterError


def _face(index, box, confidence=0.9):
    return Face(index=index, box=box, landmarks=np.zeros((478, 3)), detector="test", confidence=confidence)


FACES = [_face(0, (10, 20, 50, 60)), _face(1, (100, 20, 90, 100)), _face(2, (220, 30, 40, 40))]


def test_default_is_the_largest_face():
    assert choose_face(FACES).index == 1


def test_default_passes_over_a_larger_face_found_far_less_surely():
    # A false face on a shoulder that only face mesh saw (0.5) beside the face a detector
    # confirmed (0.84): the confirmed one speaks, though smaller.
    faces = [_face(0, (70, 30, 53, 61), confidence=0.84), _face(1, (120, 87, 73, 63), confidence=0.5)]
    assert choose_face(faces).index == 0
    assert choose_face([faces[0], _face(1, (120, 87, 73, 63), confidence=0.7)]).index == 1


def test_by_index_and_by_point():
    assert choose_face(FACES, face=2).index == 2
    assert choose_face(FACES, face_at=(30, 50)).index == 0
    assert choose_face(FACES, face_at=[239.5, 69]).index == 2


def test_point_on_nested_boxes_takes_the_smaller():
    nested = [_face(0, (0, 0, 200, 200)), _face(1, (50, 50, 20, 20))]
    assert choose_face(nested, face_at=(55, 55)).index == 1


def test_nothing_found_explains_points_and_inspect():
    with pytest.raises(NoFaceError) as info:
        choose_face([])
    message = str(info.value)
    assert message.startswith("no face found in the picture")
    for needed in ("--points FILE.json", '"mouth_left": [x, y]', '"mouth_right"', '"upper_lip"', '"lower_lip"',
                   '"chin"', "talkingphoto inspect IMAGE -o overlay.png"):  # fmt: skip
        assert needed in message
    assert "\n" not in message


def test_bad_index_lists_the_faces_seen():
    with pytest.raises(NoFaceError) as info:
        choose_face(FACES, face=3)
    message = str(info.value)
    assert "there is no face 3 (3 found)" in message
    assert "0: box (x=10, y=20, w=50, h=60); 1: box (x=100, y=20, w=90, h=100); 2: box (x=220" in message


def test_point_off_every_face_lists_the_faces_seen():
    with pytest.raises(NoFaceError, match=r"no face at point \(5, 500\); faces seen, left to right: 0: box"):
        choose_face(FACES, face_at=(5, 500))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(face=0, face_at=(1, 1)), "not both"),
        (dict(face=1.5), "face must be a whole number"),
        (dict(face=True), "face must be a whole number"),
        (dict(face_at=(1, 2, 3)), "face_at must be a point"),
        (dict(face_at="middle"), "face_at must be a point"),
    ],
)
def test_malformed_choice(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        choose_face(FACES, **kwargs)
