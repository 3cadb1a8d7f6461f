"""Cat faces found by OpenCV's cascade, rigged as clicked points would be."""

import json
from pathlib import Path

import numpy as np
import pytest

from talkingphoto.characters import FaceFinder, FinderOptions, validate_points
from talkingphoto.characters._catface import cat_points, detect_cat_boxes

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rgb(path):
    from talkingphoto.media import load_image

    return load_image(path)


def test_points_sit_where_they_were_measured_in_the_box():
    points = cat_points((100, 40, 200, 200))
    validate_points(points, image_shape=(300, 400))  # in order: corners, lips above the chin, eyes above
    assert points["mouth_left"] == pytest.approx([183.4, 193.4], abs=0.1)
    assert points["mouth_right"] == pytest.approx([216.6, 193.4], abs=0.1)
    assert points["upper_lip"] == pytest.approx([200.0, 191.8], abs=0.1)
    assert points["lower_lip"] == pytest.approx([200.0, 196.6], abs=0.1)
    assert points["chin"] == pytest.approx([200.0, 210.0], abs=0.1)
    assert points["left_eye"] == pytest.approx([154.6, 120.0], abs=0.1)
    assert points["right_eye"] == pytest.approx([245.4, 120.0], abs=0.1)


def test_the_kittens_box_puts_the_points_where_they_were_clicked():
    image = _rgb(EXAMPLES / "kitten.jpg")
    (box,) = detect_cat_boxes(image)
    placed = cat_points(box)
    clicked = json.loads((EXAMPLES / "kitten_points.json").read_text())
    # The points are placed symmetrically in the box; this kitten's mouth is 6.5 px (0.026
    # of the 249 px box) right of the box's middle, a sixth of its 42 px width.
    for name, point in clicked.items():
        assert np.linalg.norm(placed[name] - point) < 8, name


@pytest.mark.parametrize(
    "name", ["chelsea.png", "cat_yarn.jpg", "grace_hopper.jpg", "wesnoth_lancer.png", "freedroidrpg_kevin.png"]
)
def test_no_cat_face_in_a_three_quarter_or_tilted_cat_people_or_game_art(real_data, name):
    # The cascade knows upright frontal cats only: Chelsea (three-quarter, chin cut off) and
    # the kitten with the yarn (head tilted 35 degrees) still need clicked points.
    assert detect_cat_boxes(_rgb(real_data / "images" / name)) == []


def _finder_seeing(monkeypatch, *, mesh):
    finder = FaceFinder(FinderOptions(anime=False))
    monkeypatch.setattr(finder, "mesh_whole", lambda image: mesh)
    monkeypatch.setattr(finder, "detect_boxes", lambda image: [])
    monkeypatch.setattr("talkingphoto.characters._catface.detect_cat_boxes", lambda image: [(40, 30, 120, 120)])
    return finder


def test_cats_are_looked_for_only_when_no_face_was_found(monkeypatch):
    from conftest import synthetic_face

    image, human = synthetic_face()
    (cat,) = _finder_seeing(monkeypatch, mesh=[]).find(image)
    assert cat.detector == "catface" and cat.from_points and cat.eyes_clicked
    chin = cat.landmarks[152, :2]  # topology.CHIN
    assert chin == pytest.approx(cat_points((40, 30, 120, 120))["chin"], abs=0.01)
    (found,) = _finder_seeing(monkeypatch, mesh=[human.landmarks.astype(np.float64)]).find(image)
    assert found.detector == "face_mesh"
