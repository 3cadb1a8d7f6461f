import numpy as np
import pytest
from conftest import synthetic_face

from talkingphoto.characters import topology as topo
from talkingphoto.render import FaceAnimator, HeadPose, Pose
from talkingphoto.render._head import build_head_warp
from talkingphoto.render._rig import build_rig, interior_opacity, pose_points


def _gap(rig, points):
    upper, lower = rig.slot["upper_inner"], rig.slot["lower_inner"]
    return (points[lower] - points[upper]) @ rig.down


def test_standard_mode_changes_nothing_outside_the_lower_face():
    image, face = synthetic_face()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    frame = image.copy()
    animator.apply(frame, Pose(open=0.8, spread=0.5))
    x0, y0, x1, y1 = animator.region
    changed = np.any(frame != image, axis=2)
    assert changed.any()
    outside = changed.copy()
    outside[y0:y1, x0:x1] = False
    assert not outside.any()
    # Nothing at or above the nose moves.
    nose_y = int(face.landmarks[topo.NOSE_BOTTOM, 1])
    assert not changed[:nose_y].any()


def test_opening_darkens_the_mouth_in_proportion():
    image, face = synthetic_face()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    centre = face.landmarks[topo.LIPS_UPPER_INNER[5], :2].round().astype(int)
    darkness = []
    for amount in (0.0, 0.4, 0.9):
        frame = image.copy()
        animator.apply(frame, Pose(open=amount))
        patch = frame[centre[1] - 2 : centre[1] + 14, centre[0] - 10 : centre[0] + 10]
        darkness.append(float(np.mean(patch < 60)))
    assert darkness[0] < darkness[1] < darkness[2]


def test_a_photo_with_an_open_mouth_can_be_closed_and_opened_wider():
    _, face = synthetic_face(mouth_gap=8.0)
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    assert _gap(rig, rig.points).max() == pytest.approx(8.0, abs=0.5)
    closed = pose_points(rig, Pose(open=0.0))
    assert np.abs(_gap(rig, closed)).max() < 0.01
    wide = pose_points(rig, Pose(open=1.0))
    assert _gap(rig, wide).max() > 20
    # The photo's own lip line or teeth show until the mouth opens beyond them.
    assert interior_opacity(rig, rig.points) == 0.0
    assert interior_opacity(rig, wide) == 1.0


def test_press_seals_the_lips_whatever_the_opening():
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    pressed = pose_points(rig, Pose(open=0.9, press=1.0))
    assert _gap(rig, pressed).max() < 0.01  # no opening anywhere (overlap = sealed)


def test_rounding_narrows_and_spreading_widens_the_mouth():
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    corners = rig.slot["upper_outer"][[0, -1]]

    def width(pose):
        p = pose_points(rig, pose)[corners]
        return np.linalg.norm(p[1] - p[0])

    assert width(Pose(spread=-1)) < width(Pose()) < width(Pose(spread=1))


def test_blink_brings_the_lids_together_and_only_in_vivid_rigs():
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=True)
    shut = pose_points(rig, Pose(blink=1.0))
    for side in ("right", "left"):
        upper, lower = rig.slot[f"{side}_upper_lid"], rig.slot[f"{side}_lower_lid"]
        assert np.abs((shut[lower] - shut[upper]) @ rig.down).max() < 0.01
        assert np.abs((rig.points[lower] - rig.points[upper]) @ rig.down).max() > 3
    assert "right_upper_lid" not in build_rig(face, image_shape=(240, 240), whole_face=False).slot


def test_head_warp_is_exact_identity_at_rest_and_moves_the_nose_more_than_the_outline():
    _, face = synthetic_face()
    head = build_head_warp(face, image_shape=(240, 240))
    x0, y0, x1, y1 = head.roi
    ys, xs = np.mgrid[y0:y1, x0:x1]
    pixels = np.dstack([xs, ys]).astype(np.float32)
    still = head.motion(yaw=0, pitch=0, roll=0, shift_x=0, shift_y=0)
    assert not head.displacement(still, pixels).any()
    turned = head.motion(yaw=5, pitch=0, roll=0, shift_x=0, shift_y=0)
    dx = head.displacement(turned, pixels)[..., 0]

    def moved(point):
        x, y = face.landmarks[point, :2].round().astype(int)
        return dx[y - y0, x - x0]

    assert moved(topo.NOSE_TIP) > moved(topo.FACE_OVAL[8]) > 0
    # The frame border of the region never moves, so there is no seam.
    assert np.abs(dx[[0, -1], :]).max() < 1e-3 or head.roi[1] == 0
    # Carried points land where the backward map samples them from.
    nose = face.landmarks[[topo.NOSE_TIP], :2]
    landed = head.carry(turned, nose)
    assert np.allclose(landed - head.displacement(turned, landed), nose, atol=0.02)


def test_vivid_animator_poses_eyes_and_head_without_touching_far_pixels():
    image, face = synthetic_face(size=320)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    frame = image.copy()
    animator.apply(frame, Pose(open=0.5, blink=1.0, brow=1.0), HeadPose(yaw=3, pitch=2, roll=1))
    x0, y0, x1, y1 = animator.region
    changed = np.any(frame != image, axis=2)
    eye = face.landmarks[topo.RIGHT_EYE_UPPER[4], :2].round().astype(int)
    assert changed[eye[1] - 3 : eye[1] + 3, eye[0] - 3 : eye[0] + 3].any()
    outside = changed.copy()
    outside[y0:y1, x0:x1] = False
    assert not outside.any()


def test_a_face_too_small_to_animate_is_refused_in_words():
    from talkingphoto.errors import ParameterError

    _, face = synthetic_face(size=40, iris_distance=6)
    with pytest.raises(ParameterError, match=r"face 0 is too small to animate .* raise --max-size"):
        build_rig(face, image_shape=(40, 40, 3), whole_face=True)
