"""Manual rig: points validation, the points file, and the template fit."""

import json

import numpy as np
import pytest

from talkingphoto.characters import face_from_points, load_points, topology as topo, validate_points
from talkingphoto.characters._template import canonical_face, canonical_from_landmarks
from talkingphoto.errors import ParameterError

SHAPE = (300, 451, 3)
CAT = {
    "mouth_left": [228, 281],
    "mouth_right": [290, 279],
    "upper_lip": [258, 279],
    "lower_lip": [258, 287],
    "chin": [260, 298],
}
CAT_EYES = {**CAT, "left_eye": [172, 115], "right_eye": [318, 137]}


def test_template_is_normalised_and_upright():
    template = canonical_face()
    assert template.shape == (478, 3) and template.dtype == np.float32
    np.testing.assert_allclose(template[topo.RIGHT_IRIS_CENTRE, :2], [-0.5, 0.0], atol=2e-3)
    np.testing.assert_allclose(template[topo.LEFT_IRIS_CENTRE, :2], [0.5, 0.0], atol=2e-3)
    assert template[topo.CHIN, 1] > template[topo.LOWER_LIP_CENTRE, 1] > template[topo.NOSE_TIP, 1] > 0
    assert template[topo.MOUTH_CORNER_RIGHT, 0] < 0 < template[topo.MOUTH_CORNER_LEFT, 0]
    assert template[topo.NOSE_TIP, 2] < template[topo.FACE_OVAL, 2].mean()  # nose towards the camera


def test_canonical_frame_undoes_rotation_scale_and_shift():
    template = canonical_face().astype(np.float64)
    angle = np.deg2rad(25)
    rotation = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    moved = template @ rotation.T * 80 + [200, 150, 0]
    np.testing.assert_allclose(canonical_from_landmarks(moved), template, atol=1e-4)


@pytest.mark.parametrize("points", [CAT, CAT_EYES], ids=["mouth_chin", "with_eyes"])
def test_fit_puts_lip_and_chin_points_exactly_where_asked(points):
    face = face_from_points(points, image_shape=SHAPE)
    lm = face.landmarks
    for name, landmark in (
        ("mouth_left", topo.MOUTH_CORNER_RIGHT),
        ("mouth_right", topo.MOUTH_CORNER_LEFT),
        ("upper_lip", topo.UPPER_LIP_CENTRE),
        ("lower_lip", topo.LOWER_LIP_CENTRE),
        ("chin", topo.CHIN),
    ):
        np.testing.assert_allclose(lm[landmark, :2], points[name], atol=0.01, err_msg=name)
    if "left_eye" in points:
        np.testing.assert_allclose(lm[topo.RIGHT_IRIS_CENTRE, :2], points["left_eye"], atol=0.01)
        np.testing.assert_allclose(lm[topo.LEFT_IRIS_CENTRE, :2], points["right_eye"], atol=0.01)
    # Only clicked eyes are known to be eyes (the renderer closes fur lids over them).
    assert face.eyes_clicked == ("left_eye" in points) and face.scaled(0.5).eyes_clicked == face.eyes_clicked
    assert face.detector == "points" and face.confidence == 1.0 and face.index == 0
    assert lm.shape == (478, 3) and np.isfinite(lm).all()
    # The inner lips (closed, as in the template) stay between the outer lips.
    upper_inner, lower_inner = lm[topo.LIPS_UPPER_INNER[5], 1], lm[topo.LIPS_LOWER_INNER[5], 1]
    assert lm[topo.UPPER_LIP_CENTRE, 1] < min(upper_inner, lower_inner)
    assert max(upper_inner, lower_inner) < lm[topo.LOWER_LIP_CENTRE, 1]
    assert abs(upper_inner - lower_inner) < 0.5


def test_fit_of_template_points_reproduces_the_template():
    template = canonical_face().astype(np.float64) * 50 + [200, 100, 0]
    names = {"mouth_left": topo.MOUTH_CORNER_RIGHT, "mouth_right": topo.MOUTH_CORNER_LEFT,
             "upper_lip": topo.UPPER_LIP_CENTRE, "lower_lip": topo.LOWER_LIP_CENTRE, "chin": topo.CHIN,
             "left_eye": topo.RIGHT_IRIS_CENTRE, "right_eye": topo.LEFT_IRIS_CENTRE}  # fmt: skip
    points = {name: template[i, :2].tolist() for name, i in names.items()}
    face = face_from_points(points, image_shape=(400, 400))
    np.testing.assert_allclose(face.landmarks, template, atol=1e-3)
    x, y, w, h = face.box
    assert (x, y) == (int(np.floor(template[:, 0].min())), int(np.floor(template[:, 1].min())))


@pytest.mark.parametrize(
    "points, message",
    [
        ([1, 2], "expected a JSON object"),
        ({**CAT, "mouth_lft": [1, 2]}, "unknown key 'mouth_lft'; valid keys are mouth_left"),
        ({k: v for k, v in CAT.items() if k != "chin"}, "missing 'chin'"),
        ({**CAT, "chin": [260]}, "'chin' must be [x, y] with two pixel numbers, got [260]"),
        ({**CAT, "chin": ["260", 298]}, "'chin' must be [x, y]"),
        ({**CAT, "chin": [260, float("nan")]}, "'chin' must be [x, y]"),
        ({**CAT, "chin": [260, 300]}, "'chin' = [260, 300] is outside the 451x300 picture"),
        ({**CAT, "mouth_right": [229, 281]}, "'mouth_left' and 'mouth_right' must be at least 2 px apart"),
        ({**CAT, "mouth_left": CAT["mouth_right"], "mouth_right": CAT["mouth_left"]}, "'lower_lip' must be below"),
        ({**CAT, "chin": [260, 285]}, "'chin' must be below 'lower_lip'"),
        ({**CAT, "left_eye": [250, 290]}, "'left_eye' must be above the mouth"),
        ({**CAT_EYES, "left_eye": [318, 137], "right_eye": [172, 115]}, "'left_eye' must be the eye on the picture's left"),
    ],
)
def test_validation_says_what_is_wrong(points, message):
    with pytest.raises(ParameterError) as info:
        validate_points(points, image_shape=SHAPE)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_load_points_reads_and_validates(tmp_path):
    path = tmp_path / "cat.json"
    path.write_text(json.dumps(CAT_EYES))
    points = load_points(path)
    assert set(points) == set(CAT_EYES)
    np.testing.assert_array_equal(points["chin"], CAT["chin"])


def test_load_points_errors_name_the_file_and_problem(tmp_path):
    with pytest.raises(ParameterError, match=r"points file '.*nothing\.json' does not exist"):
        load_points(tmp_path / "nothing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"chin": [1, 2],}')
    with pytest.raises(ParameterError, match=r"is not valid JSON \(.* at line 1 column \d+\)"):
        load_points(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**CAT, "upper_lip": {"x": 1, "y": 2}}))
    with pytest.raises(ParameterError, match=r"points file '.*wrong\.json': 'upper_lip' must be \[x, y\]"):
        load_points(wrong)


def test_loaded_points_feed_the_fit(tmp_path):
    path = tmp_path / "cat.json"
    path.write_text(json.dumps(CAT))
    face = face_from_points(load_points(path), image_shape=SHAPE)
    np.testing.assert_allclose(face.landmarks[topo.CHIN, :2], CAT["chin"], atol=0.01)
    with pytest.raises(ParameterError, match=r"'chin' must be \[x, y\] with two pixel numbers, got \[1.0, 2.0, 3.0\]"):
        validate_points({**CAT, "chin": np.array([1.0, 2.0, 3.0])})
