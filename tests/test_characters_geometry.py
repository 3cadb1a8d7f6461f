"""Boxes, least-squares fits and the smooth deformations the rigs are built with."""

import numpy as np

from talkingphoto.characters._anime import _snap
from talkingphoto.characters._geometry import box_cover, box_iou, box_of
from talkingphoto.characters._template import apply_affine, deform, fit_affine, fit_similarity


def test_box_overlaps():
    assert box_iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert box_iou((0, 0, 10, 10), (5, 0, 10, 10)) == 50 / 150
    assert box_iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert box_cover((0, 0, 100, 100), (10, 10, 20, 20)) == 1.0  # a small box inside a big one
    assert box_iou((0, 0, 100, 100), (10, 10, 20, 20)) == 0.04


def test_box_of_clips_to_the_picture():
    points = np.array([[-5.0, 10.2], [30.5, 40.0], [12.0, 80.0]])
    assert box_of(points, (60, 25, 3)) == (0, 10, 25, 50)


def test_similarity_recovers_a_known_transform():
    rng = np.random.default_rng(1)
    src = rng.uniform(-1, 1, (7, 2))
    angle, scale, shift = 0.4, 37.0, np.array([120.0, -4.0])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = src @ (scale * rot).T + shift
    matrix = fit_similarity(src, dst)
    np.testing.assert_allclose(matrix[:, :2], scale * rot, atol=1e-9)
    np.testing.assert_allclose(matrix[:, 2], shift, atol=1e-9)
    affine = fit_affine(src, dst)
    np.testing.assert_allclose(affine, matrix, atol=1e-9)
    # z follows the map's scale.
    moved = apply_affine(matrix, np.hstack([src, np.ones((7, 1))]))
    np.testing.assert_allclose(moved[:, 2], scale)


def test_deform_is_exact_at_controls_and_local():
    grid = np.stack(np.meshgrid(np.arange(0, 200, 10.0), np.arange(0, 200, 10.0)), -1).reshape(-1, 2)
    src = np.array([[50.0, 50.0], [60.0, 50.0]])
    dst = src + [[0.0, 8.0], [0.0, -3.0]]
    points = np.vstack([src, grid])
    out = deform(points, src=src, dst=dst, radius=10.0)
    np.testing.assert_allclose(out[:2], dst, atol=1e-5)
    far = np.hypot(*(grid - [55.0, 50.0]).T) > 80
    np.testing.assert_allclose(out[2:][far], grid[far], atol=1e-6)


def test_snap_puts_members_on_targets_and_fades_out():
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [15.0, 5.0], [200.0, 200.0]])
    landmarks = np.hstack([xy, np.zeros((6, 1))])
    targets = xy[:4] + [3.0, 4.0]
    out = _snap(landmarks, [(np.arange(4), targets, 10.0)])
    np.testing.assert_allclose(out[:4, :2], targets)
    near = out[4, :2] - xy[4]  # 5 px outside the region: follows most of the shift
    assert 0.5 * 5 < np.hypot(*near) < 5.0
    np.testing.assert_allclose(out[5], landmarks[5])
