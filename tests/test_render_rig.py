from dataclasses import replace

import cv2
import numpy as np
import pytest
from conftest import blink_and_rings, synthetic_face

from talkingphoto.characters import topology as topo
from talkingphoto.render import FaceAnimator, HeadPose, Pose
from talkingphoto.render._glasses import rim_line
from talkingphoto.render._head import build_head_warp
from talkingphoto.render._rig import EDGE_STILL, LIP_GROUPS, MAX_GAP, build_rig, mouth_polygon, pose_points


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


def test_opening_shows_the_inside_of_the_mouth_in_proportion():
    image, face = synthetic_face()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    shown = []
    for amount in (0.0, 0.4, 0.9):
        frame = image.copy()
        pose = Pose(open=amount)
        animator.apply(frame, pose)
        inside = np.zeros(image.shape[:2], np.uint8)
        cv2.fillPoly(inside, [np.round(mouth_polygon(animator.rig, animator.posed_points(pose))).astype(np.int32)], 1)
        dark = (frame.astype(float) @ [0.299, 0.587, 0.114]) < 60
        shown.append((int(inside.sum()), int((dark & (inside > 0)).sum())))
    (area0, _), (area1, dark1), (area2, dark2) = shown
    assert area0 < area1 < area2
    assert dark1 < dark2 and dark2 > 0.3 * area2  # a deep, dark cavity once wide open


def test_a_photo_with_an_open_mouth_can_be_closed_and_opened_wider():
    _, face = synthetic_face(mouth_gap=8.0)
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    assert _gap(rig, rig.points).max() == pytest.approx(8.0, abs=0.5)
    closed = pose_points(rig, Pose(open=0.0))
    assert np.abs(_gap(rig, closed)).max() < 0.01
    wide = pose_points(rig, Pose(open=1.0))
    assert _gap(rig, wide).max() > 20
    # At rest the mouth is the photo's own, whatever the controls say.
    assert np.array_equal(pose_points(rig, Pose(open=1.0, spread=-1, rest=1.0)), rig.points)


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


def test_a_turn_or_a_nod_leaves_the_head_outline_where_it_is_and_a_big_one_lands_exactly():
    _, face = synthetic_face(size=320)
    head = build_head_warp(face, image_shape=(320, 320))
    oval = face.landmarks[topo.FACE_OVAL, :2]
    width = np.ptp(oval[:, 0])
    centre = oval.mean(0)
    for pose in ({"yaw": 10.0, "pitch": 0.0}, {"yaw": 0.0, "pitch": 6.0}):
        motion = head.motion(roll=0, shift_x=0, shift_y=0, **pose)
        nose = np.abs(head.displacement(motion, face.landmarks[[topo.NOSE_TIP], :2])).max()
        # Beside and above the face, where hair would be: a turn or a nod about the head's
        # middle hardly moves it.
        hair = np.array([[centre[0] - 0.75 * width, centre[1]], [centre[0] + 0.75 * width, centre[1]], [centre[0], oval[:, 1].min() - 0.35 * width]])
        assert nose > 8 and np.abs(head.displacement(motion, hair)).max() < 0.1 * nose
        # The painted parts follow even a big turn to within a few hundredths of a pixel.
        points = face.landmarks[:, :2].astype(np.float64)
        landed = head.carry(motion, points)
        assert np.abs(landed - head.displacement(motion, landed) - points).max() < 0.2


def test_a_head_near_the_pictures_edge_gets_less_room():
    _, face = synthetic_face(size=320)
    assert build_head_warp(face, image_shape=(320, 320)).room == 1.0
    # The same face with the picture cut off just beside it, left and above.
    x0, y0 = face.landmarks[:, :2].min(0) - 6
    near = replace(face, landmarks=face.landmarks - np.float32([x0, y0, 0]), box=(6, 6, *face.box[2:]))
    room = build_head_warp(near, image_shape=(320, 320)).room
    assert 0.3 <= room < 0.8


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


@pytest.mark.parametrize("whole_face", [False, True])
def test_an_upside_down_face_is_refused_in_words(whole_face):
    # Face mesh finds such "faces" on robots' panels (FreedroidRPG's droid 249).
    from talkingphoto.errors import ParameterError

    image, face = synthetic_face()
    lm = face.landmarks.copy()
    lm[:, 1] = image.shape[0] - 1 - lm[:, 1]
    with pytest.raises(ParameterError, match=r"face 0's mouth cannot be animated.*upside down.*--points"):
        build_rig(replace(face, landmarks=lm), image_shape=image.shape, whole_face=whole_face)


def test_standard_mode_rigs_lips_under_a_nose_fitted_onto_them():
    # A mesh fitted to a small drawn nose can put the nose on the upper lip.
    _, face = synthetic_face()
    lm = face.landmarks.copy()
    lm[topo.NOSE_BOTTOM, 1] = lm[topo.LIPS_UPPER_OUTER][:, 1].min() - 0.5
    face = replace(face, landmarks=lm)
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    assert {"upper_outer", "upper_inner", "lower_inner", "lower_outer"} <= set(rig.slot)
    pose_points(rig, Pose(open=0.5))


def _dots(size: int, spacing: int = 10) -> np.ndarray:
    """Soft dots on a grid, grey on black: their centroids show where a warp moved them."""
    import cv2

    image = np.zeros((size, size), np.float32)
    image[spacing // 2 :: spacing, spacing // 2 :: spacing] = 255.0
    image = cv2.GaussianBlur(image, (0, 0), 1.3)
    return np.repeat(np.clip(image * (250 / image.max()), 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def _centroids(image: np.ndarray, spacing: int = 10) -> np.ndarray:
    grey = image[..., 0].astype(np.float64)
    ys, xs = np.mgrid[0:spacing, 0:spacing]
    found = []
    for y in range(0, grey.shape[0] - spacing + 1, spacing):
        for x in range(0, grey.shape[1] - spacing + 1, spacing):
            cell = grey[y : y + spacing, x : x + spacing]
            found.append([x + (cell * xs).sum() / cell.sum(), y + (cell * ys).sum() / cell.sum()])
    return np.array(found)


def test_one_resampling_puts_every_pixel_where_the_face_and_head_warps_in_turn_would():
    from talkingphoto.render import piecewise_affine_maps, remap

    _, face = synthetic_face(size=320)
    image = _dots(320)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    # At rest on its own mouth nothing is painted over the dots: the warp alone is measured.
    pose, head = Pose(spread=0.6, brow=1.0, gaze_x=0.8, rest=1.0), HeadPose(yaw=3, pitch=2, roll=1.5, shift_x=0.01)
    single = image.copy()
    animator.apply(single, pose, head)
    # The same two warps as two bilinear passes: face first, then head.
    rig = animator.rig
    x0, y0, x1, y1 = rig.roi
    map_x, map_y, _ = piecewise_affine_maps(rig.points, pose_points(rig, pose), rig.triangles, shape=(y1 - y0, x1 - x0), origin=(x0, y0))
    twice = image.copy()
    twice[y0:y1, x0:x1] = remap(image, map_x, map_y)
    hx0, hy0, hx1, hy1 = animator.head.roi
    ys, xs = np.mgrid[hy0:hy1, hx0:hx1].astype(np.float32)
    pixels = np.dstack([xs, ys])
    motion = animator.head.motion(yaw=3, pitch=2, roll=1.5, shift_x=0.01, shift_y=0.0)
    back = pixels - animator.head.displacement(motion, pixels)
    twice[hy0:hy1, hx0:hx1] = remap(twice, back[..., 0], back[..., 1])
    moved = np.hypot(*(_centroids(twice) - _centroids(image)).T)
    error = np.hypot(*(_centroids(single) - _centroids(twice)).T)
    assert moved.max() > 2  # the warps did move the dots
    # The face's map is computed every 2nd pixel here: a few tenths of a pixel near the
    # mesh's kinks (measured: median 0.003, 99th percentile 0.21, worst 0.39).
    assert animator.map_step == 2
    assert np.median(error) < 0.02 and np.percentile(error, 99) < 0.3 and error.max() < 0.6


def test_a_blink_moves_nothing_beyond_the_eye_so_a_rim_around_it_stays_straight():
    import cv2

    image, face = synthetic_face(size=320)
    lm = face.landmarks[:, :2]
    eye = lm[topo.RIGHT_EYE]
    width = np.ptp(eye[:, 0])
    # A glasses' rim: a dark ring a third of the eye's width outside it.
    (ex0, ey0), (ex1, ey1) = eye.min(0) - 0.33 * width, eye.max(0) + 0.33 * width
    rim = np.zeros(image.shape[:2], np.uint8)
    cv2.rectangle(rim, (int(ex0), int(ey0)), (int(ex1), int(ey1)), 255, 2)
    image[rim > 0] = (20, 20, 20)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    assert animator.rig.lids == "squash"
    open_eyes, shut = image.copy(), image.copy()
    animator.apply(open_eyes, Pose(blink=0.0, open=0.3))
    animator.apply(shut, Pose(blink=1.0, open=0.3))
    changed = np.any(open_eyes != shut, axis=2)
    assert changed[int(eye[:, 1].mean()), int(eye[:, 0].min()) : int(eye[:, 0].max())].any()  # the eye did close
    assert not (changed & (rim > 0)).any()
    # Every change lies within the fixed vertices around the two eyes.
    inside = np.zeros(image.shape[:2], np.uint8)
    for side in ("right", "left"):
        ring = animator.rig.vertices(f"{side}_eye_ring")
        cv2.fillConvexPoly(inside, cv2.convexHull(np.round(ring).astype(np.int32)), 1)
    inside = cv2.dilate(inside, np.ones((3, 3), np.uint8))  # pixels the hull's outline cuts
    assert not (changed & (inside == 0)).any()


def _browline_glasses(image: np.ndarray) -> np.ndarray:
    """Browline glasses on ``synthetic_face(size=320)``, in place: a dark bar along the
    lower edge of the brows (y 108-111, the lids' tops at 117) from beyond one eye to beyond
    the other, across the nose. Returns its mask [shape=(h, w), bool]."""
    bar = np.zeros(image.shape[:2], bool)
    bar[108:112, 100:221] = True
    image[bar] = (20, 20, 20)
    return bar


def test_glasses_across_the_brows_are_found_on_photos_only():
    image, face = synthetic_face(size=320)
    assert rim_line(image, face).shape == (0, 2)  # skin, however textured, has no frame
    _browline_glasses(image)
    rim = rim_line(image, face)
    assert np.all(np.abs(rim[:, 1] - 108) <= 1.5)  # its top edge
    assert rim[:, 0].min() < face.landmarks[topo.RIGHT_EYE_UPPER[0], 0] - 10  # out beyond the eyes
    assert rim[:, 0].max() > face.landmarks[topo.LEFT_EYE_UPPER[-1], 0] + 10
    assert rim_line(image, replace(face, style="drawn")).shape == (0, 2)


def test_raised_brows_leave_glasses_across_them_rigid_and_the_brows_above_them_move():
    image, face = synthetic_face(size=320)
    bar = _browline_glasses(image)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    rest, raised = image.copy(), image.copy()
    animator.apply(rest, Pose(open=0.3))
    animator.apply(raised, Pose(open=0.3, brow=1.0, brow_raise=1.0, brow_inner=0.2))
    changed = np.any(rest != raised, axis=2)
    assert not (changed & bar).any()  # the frame: nothing moved
    assert changed[95:106, 105:215].mean() > 0.3  # the brows above it rose
    # Without the glasses the rig is the one it always was.
    assert build_rig(face, image_shape=image.shape, whole_face=True).brow_share is None


@pytest.mark.slow
def test_grace_hoppers_glasses_stay_rigid_under_surprised_brows_and_the_astronaut_wears_none(real_data):
    from talkingphoto.characters import find_faces
    from talkingphoto.media import load_image

    astronaut = load_image(real_data / "images" / "astronaut.jpg")
    assert rim_line(astronaut, find_faces(astronaut)[0]).shape == (0, 2)
    image = load_image(real_data / "images" / "grace_hopper.jpg")
    face = find_faces(image)[0]
    rim = rim_line(image, face)
    eyes = face.landmarks[list(topo.RIGHT_EYE_UPPER) + list(topo.LEFT_EYE_UPPER), :2]
    assert rim[:, 0].min() < eyes[:, 0].min() and rim[:, 0].max() > eyes[:, 0].max()
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    raised = image.copy()
    animator.apply(raised, Pose(brow=1.0, brow_raise=1.0, brow_inner=0.2, lid_drop=-0.8))
    changed = np.abs(raised.astype(int) - image).max(axis=2) > 10
    # Her top rim: the 6 rows under its top edge, all along it (old code: 85% changed).
    rows = np.round(rim[:, 1]).astype(int)[:, None] + np.arange(6)
    columns = np.repeat(np.round(rim[:, 0]).astype(int)[:, None], 6, axis=1)
    assert changed[rows, columns].mean() < 0.01
    above = changed[rows - 12, columns]  # her forehead and brows above it rose
    assert above.mean() > 0.3


def _profile_face(size=320):
    """A drawn face turned away: its left eye foreshortened to a sliver behind the nose,
    both eyes opened wide as drawn eyes are (so they blink with painted lids)."""
    image, face = synthetic_face(size=size, style="drawn")
    lm = face.landmarks.copy()
    for eye, iris in ((topo.RIGHT_EYE, topo.RIGHT_IRIS), (topo.LEFT_EYE, topo.LEFT_IRIS)):
        ids = list(eye) + list(iris)
        centre = lm[list(eye), :2].mean(0)
        lm[ids, 1] = centre[1] + 2.5 * (lm[ids, 1] - centre[1])
    left = list(topo.LEFT_EYE) + list(topo.LEFT_IRIS)
    centre = lm[list(topo.LEFT_EYE), :2].mean(0)
    lm[left, 0] = centre[0] + 0.2 * (lm[left, 0] - centre[0])
    from dataclasses import replace

    return image, replace(face, landmarks=lm)


def test_the_hidden_eye_of_a_profile_gets_no_lid_and_no_lashes():
    image, face = _profile_face()
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    assert animator.rig.lids == "paint" and animator.rig.still_eyes == ("left",)
    open_eyes, shut = image.copy(), image.copy()
    animator.apply(open_eyes, Pose(blink=0.0))
    animator.apply(shut, Pose(blink=1.0))
    changed = np.any(open_eyes != shut, axis=2)

    def around(ids):
        pts = face.landmarks[list(ids), :2]
        (x0, y0), (x1, y1) = np.floor(pts.min(0)).astype(int) - 6, np.ceil(pts.max(0)).astype(int) + 6
        return changed[y0:y1, x0:x1]

    assert around(topo.RIGHT_EYE).sum() > 50  # the seen eye closes under a painted lid
    assert not around(topo.LEFT_EYE).any()


def _line_art_face(*, shut: bool):
    """A flat-shaded drawn face with inked brows and a closed mouth, its eyes drawn shut
    ("^ ^": an arc along each upper lid) or open (twice as tall: white, iris, outline)."""
    from dataclasses import replace

    skin, ink = (250, 222, 205), (90, 40, 60)
    _, face = synthetic_face(style="drawn")
    if not shut:
        landmarks = face.landmarks.copy()
        for eye, iris in ((topo.RIGHT_EYE, topo.RIGHT_IRIS), (topo.LEFT_EYE, topo.LEFT_IRIS)):
            ids = list(eye) + list(iris)
            centre = landmarks[list(eye), 1].mean()
            landmarks[ids, 1] = centre + 2 * (landmarks[ids, 1] - centre)
        face = replace(face, landmarks=landmarks)
    lm = face.landmarks[:, :2].astype(np.float64)
    image = np.zeros((240, 240, 3), np.uint8)
    image[:] = skin
    for brow in (topo.RIGHT_BROW, topo.LEFT_BROW):
        cv2.polylines(image, [np.round(lm[list(brow)[:5]]).astype(np.int32)], False, ink, 2, cv2.LINE_AA)
    cv2.polylines(image, [np.round(lm[list(topo.LIPS_UPPER_INNER)]).astype(np.int32)], False, ink, 2, cv2.LINE_AA)
    for upper, lower, iris in (
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_IRIS),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_IRIS),
    ):
        lid = np.round(lm[list(upper)]).astype(np.int32)
        if shut:
            cv2.polylines(image, [lid], False, ink, 3, cv2.LINE_AA)
            continue
        outline = np.round(np.vstack([lm[list(upper)], lm[list(lower)][::-1]])).astype(np.int32)
        cv2.fillPoly(image, [outline], (255, 255, 255))
        cv2.circle(image, tuple(np.round(lm[iris[0]]).astype(int)), 4, (90, 140, 230), -1)
        cv2.polylines(image, [outline], True, ink, 2, cv2.LINE_AA)
    return image, face


def test_eyes_drawn_shut_never_blink_nor_look_around_but_their_brows_move():
    image, face = _line_art_face(shut=True)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    assert animator.rig.shut_eyes == ("right", "left")
    rest = image.copy()
    animator.apply(rest, Pose())
    eyes = face.landmarks[list(topo.RIGHT_EYE) + list(topo.LEFT_EYE), :2]
    (x0, y0), (x1, y1) = np.floor(eyes.min(0)).astype(int) - 6, np.ceil(eyes.max(0)).astype(int) + 6
    for pose in (Pose(blink=0.5), Pose(blink=1.0), Pose(gaze_x=1.0, gaze_y=-1.0)):
        frame = image.copy()
        animator.apply(frame, pose)
        assert np.array_equal(frame[y0:y1, x0:x1], rest[y0:y1, x0:x1]), pose
    raised = image.copy()
    animator.apply(raised, Pose(brow=1.0))
    assert np.any(raised != rest)

    image, face = _line_art_face(shut=False)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    assert animator.rig.shut_eyes == ()
    blink = image.copy()
    animator.apply(blink, Pose(blink=1.0))
    assert np.any(blink[y0:y1, x0:x1] != image[y0:y1, x0:x1])


@pytest.mark.parametrize("spread", [0.5, 1.0])
def test_the_gap_is_the_same_share_of_the_mouth_width_whatever_the_lips_do(spread):
    # The track contract (and the lip-sync measurement) reads openness as inner-lip gap
    # over mouth width: spread lips change the width, not that share.
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    corners = rig.slot["upper_outer"][[0, -1]]

    def share(pose):
        p = pose_points(rig, pose)
        return _gap(rig, p).max() / np.linalg.norm(p[corners[1]] - p[corners[0]])

    assert share(Pose(open=0.5, spread=spread)) == pytest.approx(share(Pose(open=0.5)), rel=0.03)


def test_rounded_lips_part_in_a_round_hole_in_the_middle():
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=False)
    upper = rig.slot["upper_inner"]

    def hole(pose):
        p = pose_points(rig, pose)
        gap = _gap(rig, p)
        along = (p[upper] - rig.mouth_centre) @ rig.right
        parted = along[gap > 0.1 * gap.max()]
        return gap.max() / (parted.max() - parted.min()), gap.max()

    round_ratio, round_gap = hole(Pose(open=0.5, spread=-1.0))
    flat_ratio, flat_gap = hole(Pose(open=0.5))
    assert round_ratio > 2 * flat_ratio  # taller than wide-ish, not a narrower slit
    assert round_gap > 0.6 * flat_gap  # the jaw still opens it


def test_rounded_lips_flatten_the_pictures_own_smile():
    _, flat = synthetic_face()
    _, smiling = synthetic_face()
    lips = np.unique(np.concatenate([topo.LIPS_UPPER_OUTER, topo.LIPS_LOWER_OUTER, topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER]))
    lm = smiling.landmarks
    centre_x, half = lm[lips, 0].mean(), 0.5 * np.ptp(lm[lips, 0])
    lm[lips, 1] -= 8.0 * ((lm[lips, 0] - centre_x) / half) ** 2  # corners 8 px up

    def rise(face, pose):
        rig = build_rig(face, image_shape=(240, 240), whole_face=False)
        p = pose_points(rig, pose)
        upper = rig.slot["upper_inner"]
        return (p[upper[len(upper) // 2]] - 0.5 * (p[upper[0]] + p[upper[-1]])) @ rig.down

    def smile(pose):
        return rise(smiling, pose) - rise(flat, pose)

    spoken = smile(Pose(open=0.3))
    assert spoken > 5  # the picture's smile, as far as the rig's thinned lip vertices show it
    assert smile(Pose(open=0.3, spread=0.5)) == pytest.approx(spoken, rel=0.05)
    assert smile(Pose(open=0.3, spread=-1.0)) < 0.6 * spoken  # an OO is a pout


@pytest.mark.parametrize("side", ["right", "left"])
def test_an_eye_cut_off_by_the_picture_edge_leaves_both_eyes_still(side):
    # The picture's edge runs through one eye (a cropped portrait): that eye's lids are not
    # wholly in the rig. Blinking must not fail (it raised KeyError), and neither eye moves:
    # where the rig cannot hold an eye, face mesh may have guessed both (under a helmet).
    image, face = synthetic_face()
    eye = topo.RIGHT_EYE if side == "right" else topo.LEFT_EYE
    xs = face.landmarks[list(eye), 0]
    lm = face.landmarks.copy()
    if xs.mean() < lm[:, 0].mean():  # the eye lies left in the picture: cut the left side off
        cut = int(xs.mean())
        image, lm[:, 0] = np.ascontiguousarray(image[:, cut:]), lm[:, 0] - cut
    else:
        image = np.ascontiguousarray(image[:, : int(xs.mean())])
    face = replace(face, landmarks=lm)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    assert animator.rig.still_eyes == ("right", "left")
    open_eyes, shut = image.copy(), image.copy()
    animator.apply(open_eyes, Pose(blink=0.0))
    animator.apply(shut, Pose(blink=1.0))
    eyes = lm[list(topo.EYES_ALL), :2]
    (x0, y0), (x1, y1) = np.floor(eyes.min(0)).astype(int) - 2, np.ceil(eyes.max(0)).astype(int) + 3
    assert np.array_equal(shut[max(y0, 0) : y1, max(x0, 0) : x1], open_eyes[max(y0, 0) : y1, max(x0, 0) : x1])


def test_brows_cut_off_by_the_picture_edge_stay_while_the_eyes_blink():
    # The picture's top edge runs through the brows (or a hood hides them): they are not in
    # the rig, so brow motion and expressions leave them be, and the eyes still blink.
    image, face = synthetic_face()
    cut = int(face.landmarks[list(topo.BROWS), 1].mean())
    lm = face.landmarks.copy()
    lm[:, 1] -= cut
    image, face = np.ascontiguousarray(image[cut:]), replace(face, landmarks=lm)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    assert "right_brow" not in animator.rig.slot and not animator.rig.still_eyes
    open_eyes, shut = image.copy(), image.copy()
    animator.apply(open_eyes, Pose(blink=0.0, brow=1.0, brow_raise=0.5, brow_inner=0.5))
    animator.apply(shut, Pose(blink=1.0, brow=1.0, brow_raise=0.5, brow_inner=0.5))
    (x0, y0), (x1, y1) = lm[list(topo.RIGHT_EYE), :2].min(0), lm[list(topo.RIGHT_EYE), :2].max(0)
    assert np.any(open_eyes != shut, axis=2)[int(y0) : int(y1) + 1, int(x0) : int(x1) + 1].any()


def test_a_turned_painted_face_with_eyes_of_photo_proportions_squashes_its_lids():
    # Its far eye is foreshortened along the eye, not across it: a sliver twice as tall for
    # its width as the near eye, which alone says what kind of eyes these are.
    _, face = synthetic_face(size=320, style="drawn")
    lm = face.landmarks.copy()
    for eye in (topo.RIGHT_EYE, topo.LEFT_EYE):
        centre = lm[list(eye), :2].mean(0)
        lm[list(eye), 1] = centre[1] + 1.3 * (lm[list(eye), 1] - centre[1])
    far = list(topo.LEFT_EYE) + list(topo.LEFT_IRIS)
    centre = lm[list(topo.LEFT_EYE), :2].mean(0)
    lm[far, 0] = centre[0] + 0.4 * (lm[far, 0] - centre[0])  # not hidden (over HIDDEN_EYE)
    rig = build_rig(replace(face, landmarks=lm), image_shape=(320, 320), whole_face=True)
    assert rig.still_eyes == ()
    assert rig.lids == "squash"


def test_an_eye_outside_the_rigged_region_leaves_both_eyes_still():
    # A mesh fitted to a turned painted face can put an eye's outer corner past the face's
    # outline, outside the region the rig holds: blinking must not fail, and no eye moves.
    image, face = synthetic_face(size=320)
    lm = face.landmarks.copy()
    oval = lm[topo.FACE_OVAL, 0]
    outer = min(topo.RIGHT_EYE_UPPER[0], topo.RIGHT_EYE_UPPER[-1], key=lambda i: lm[i, 0])
    lm[outer, 0] = oval.min() - 0.15 * np.ptp(oval)
    face = replace(face, landmarks=lm)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0, gaze_x=0.5, brow=1.0))
    eyes = lm[list(topo.EYES_ALL) + list(topo.BROWS), :2]
    (x0, y0), (x1, y1) = np.floor(eyes.min(0)).astype(int) - 4, np.ceil(eyes.max(0)).astype(int) + 4
    assert np.array_equal(shut[y0:y1, x0:x1], image[y0:y1, x0:x1])  # nothing closed, turned or raised
    assert animator.rig.still_eyes == ("right", "left")


@pytest.mark.parametrize("where", ["past the inner corner", "above the upper lid"])
def test_an_iris_fitted_on_the_ring_around_the_eye_does_not_drag_the_skin_in_a_blink(where):
    # On small painted eyes the mesh can put iris points on or past the fixed ring around
    # the eye: squashed into the closing eye, they pulled the skin beyond the ring along.
    image, face = synthetic_face(size=320)
    lm = face.landmarks.copy()
    upper = lm[list(topo.RIGHT_EYE_UPPER), :2]
    iris = list(topo.RIGHT_IRIS)
    if where == "past the inner corner":
        inner = min(upper[0], upper[-1], key=lambda corner: abs(corner[0] - lm[topo.NOSE_BOTTOM, 0]))
        target = inner + 0.05 * (inner - upper.mean(0))
    else:
        width = float(np.linalg.norm(upper[-1] - upper[0]))
        target = upper[len(upper) // 2] - [0, 0.2 * width]
    lm[iris, :2] += target - lm[iris, :2].mean(0)
    animator = FaceAnimator(image, replace(face, landmarks=lm), whole_face=True, head_motion=False)
    changed, inside = blink_and_rings(animator, image)
    assert changed.sum() > 40  # both eyes closed
    assert not (changed & ~inside).any()


def _cat_rig(chin_y: float = 136.0, size: int = 260):
    """A rig from clicked points: a 40-pixel mouth at y=100 in a ``size`` x ``size`` picture."""
    from talkingphoto.characters import face_from_points

    points = {
        "mouth_left": [80, 100], "mouth_right": [120, 100], "upper_lip": [100, 98], "lower_lip": [100, 103],
        "chin": [100, chin_y], "left_eye": [75, 50], "right_eye": [125, 50],
    }  # fmt: skip
    face = face_from_points(points, image_shape=(size, size, 3))
    return build_rig(face, image_shape=(size, size, 3), whole_face=True)


def test_an_animals_jaw_drops_with_its_chin_and_the_fur_below_it():
    # Clicked points give an animal's mouth and chin: opening, its lower jaw drops as one
    # piece (lower lip, chin and the fur below them), fading out further down, before the
    # picture's edge, never squeezing the fur there (starting higher when the chin is near
    # it). A human jaw moved the kitten's chin half as far as its lower lip, and squashed the
    # fur between them.
    from talkingphoto.render._warp import mesh_displacement

    chin_y = 136.0
    for size in (260, 175):  # room below the chin, and the chin near the picture's edge
        rig = _cat_rig(chin_y, size=size)
        dst = pose_points(rig, Pose(open=1.0))
        lip = rig.slot["lower_outer"][len(rig.slot["lower_outer"]) // 2]
        lip_drop = float((dst[lip] - rig.points[lip]) @ rig.down)
        assert lip_drop > 15
        x0, y0, x1, y1 = rig.roi
        field, _ = mesh_displacement(rig.points, dst, rig.triangles, shape=(y1 - y0, x1 - x0), origin=(x0, y0))
        rows = np.arange(int(dst[lip][1]) + 2, y1)  # output rows down the middle, below the lip
        sources = rows + field[rows - y0, int(round(rig.mouth_centre[0])) - x0, 1]
        assert np.all(np.diff(sources) > 0)  # no fold, no tear
        fur = [rig.points[lip][1] + 3] + ([chin_y, chin_y + 4] if size > 200 else [])  # under the lip, the chin, below
        for rest in fur:
            assert np.interp(rest, sources, rows) - rest > 0.8 * lip_drop, (size, rest)
        assert np.diff(sources).max() < 1.75, size  # rows of the picture per output row: not squashed
        assert abs(sources[-1] - rows[-1]) < 0.5  # the rig's edge stays


def test_an_animals_mouth_opens_round_below_its_nose():
    # A cat's mouth opens below its nose, deepest in the middle, its corners tight: the
    # human lips' slot (as tall at 0.6 of the way to a corner as 0.77 of the middle, the
    # upper lip lifting by 0.22 of the gap) made a painted oval across the whole muzzle.
    rig = _cat_rig()
    dst = pose_points(rig, Pose(open=1.0))
    upper, lower = rig.slot["upper_inner"], rig.slot["lower_inner"]
    u = ((rig.points[upper] + rig.points[lower]) / 2 - rig.mouth_centre) @ rig.right / (0.5 * rig.mouth_width)
    gap = _gap(rig, dst)
    middle = len(upper) // 2
    for side in (-0.6, 0.6):
        assert np.interp(side, u, gap) < 0.65 * gap[middle]
    lift = float((rig.points[upper[middle]] - dst[upper[middle]]) @ rig.down)
    assert 0 <= lift < 0.15 * gap[middle]


def _least_stretch(rig, posed) -> float:
    """How far the most squeezed triangle of the posed mesh outside the mouth's opening is
    squeezed, along its most squeezed direction (1 = not at all, 0 = flat, < 0 = turned over)."""
    triangles = rig.triangles[~np.isin(rig.triangles, np.r_[rig.slot["upper_inner"], rig.slot["lower_inner"]]).any(1)]

    def edges(p):
        a, b, c = (p[triangles[:, k]] for k in range(3))
        return np.stack([b - a, c - a], axis=-1)

    maps = edges(posed) @ np.linalg.inv(edges(rig.points))
    return float(np.min(np.sign(np.linalg.det(maps)) * np.linalg.svd(maps, compute_uv=False)[:, 1]))


@pytest.mark.parametrize("whole_face", [False, True])
@pytest.mark.parametrize("opened", [0.5, 1.0])
def test_rounded_lips_carry_the_skin_around_them_and_squeeze_no_triangle(whole_face, opened):
    # Before, only the lips moved: the corners came in across cheeks that stayed and the
    # pouting lower lip pushed down onto a chin that dropped less (FreedroidRPG's kevin: a
    # crease down his cheek, a hard edge under his lip). This face's skin was squeezed to
    # 0.39 (open 0.5) and 0.24 (open 1) of its size; open and unrounded, 0.71 and 0.55.
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=whole_face)
    assert _least_stretch(rig, pose_points(rig, Pose(open=opened, spread=-1.0))) > 0.45


def _jaw_near_the_edge(rows_below_chin: float, *, lip_share: float = 0.0):
    """A synthetic face cut off ``rows_below_chin`` below its chin (or, with ``lip_share``,
    that share of the way from the lower lip's bottom to the chin), mouth wide open: the
    rig, the posed mesh, and the picture rows per output row under the mouth's middle
    (exact map, worst below the posed lower lip)."""
    from talkingphoto.render._warp import mesh_displacement

    _, face = synthetic_face(size=240)
    lm = face.landmarks[:, :2]
    chin, lip = float(lm[topo.CHIN, 1]), float(lm[topo.LIPS_LOWER_OUTER, 1].max())
    height = int(round(lip + lip_share * (chin - lip) if lip_share else chin + rows_below_chin))
    rig = build_rig(face, image_shape=(height, 240, 3), whole_face=False)
    posed = pose_points(rig, Pose(open=1.0))
    x0, y0, x1, y1 = rig.roi
    field, _ = mesh_displacement(rig.points, posed, rig.triangles, shape=(y1 - y0, x1 - x0), origin=(x0, y0))
    middle = slice(int(rig.mouth_centre[0] - 0.25 * rig.mouth_width) - x0, int(rig.mouth_centre[0] + 0.25 * rig.mouth_width) - x0)
    below_lip = int(np.ceil(posed[rig.slot["lower_outer"], 1].max())) + 1 - y0
    squash = 1 + np.diff(field[below_lip:, middle, 1], axis=0)
    return rig, posed, squash, height


def _folded(rig, posed) -> bool:
    """Does a triangle of the posed mesh outside the mouth's opening turn over (or collapse)?"""
    triangles = rig.triangles[~np.isin(rig.triangles, np.r_[rig.slot["upper_inner"], rig.slot["lower_inner"]]).any(1)]

    def signed_area(p):
        a, b, c = (p[triangles[:, k]] for k in range(3))
        return np.cross(b - a, c - a)

    return bool(np.any(signed_area(posed) * np.sign(signed_area(rig.points)) <= 0.05))


@pytest.mark.parametrize("rows_below_chin", [0, 4, 8])
def test_a_chin_at_the_pictures_edge_squashes_the_skin_below_evenly_and_tears_nothing(rows_below_chin):
    # Before, the jaw's fade ran past the edge: the skin under the lip folded over the fixed
    # edge (4-12 px past it) and the last rows tore; 8 rows below the chin, 3.7 rows of the
    # picture went to one of the frame's. With room below, this face's worst is 2.04.
    rig, posed, squash, height = _jaw_near_the_edge(rows_below_chin)
    assert not _folded(rig, posed)
    assert squash.size and squash.min() > 0 and squash.max() < 2.5
    bottom = rig.roi[3]
    assert bottom == height - 1 - EDGE_STILL and np.all(posed[rig.points[:, 1] >= bottom - 0.5] == rig.points[rig.points[:, 1] >= bottom - 0.5])
    assert posed[:, 1].max() <= bottom


def test_an_edge_through_the_chin_lets_the_lower_lip_drop_as_far_as_the_room_allows():
    rig, posed, squash, height = _jaw_near_the_edge(0, lip_share=0.5)
    lower = rig.slot["lower_outer"]
    drop = float((posed[lower] - rig.points[lower])[:, 1].max())
    room = rig.roi[3] - float(rig.points[lower, 1].max())
    assert not _folded(rig, posed)
    assert 0.4 * room < drop <= 0.5 * room + 0.01  # the mouth still opens, half the room
    assert squash.max() < 2.5


def test_a_chin_with_room_below_drops_as_before():
    _, face = synthetic_face(size=240)
    roomy = build_rig(face, image_shape=(240, 240, 3), whole_face=False)
    assert np.isinf(roomy.lip_room) or roomy.lip_room > 0.95 * 0.78 * MAX_GAP * roomy.mouth_width * 1.3
    rel = roomy.points - roomy.mouth_centre
    chin_depth = float((face.landmarks[topo.CHIN, :2] - roomy.mouth_centre) @ roomy.down)
    vertical = (rel @ roomy.down) / chin_depth
    lateral = np.abs(rel @ roomy.right) / (0.5 * roomy.face_width)
    expected = np.clip(1 - lateral**1.6, 0, 1) * np.clip(vertical / 0.45, 0, 1) * np.clip(1.6 - vertical, 0, 1)
    landmarks = len(roomy.landmark_ids)
    assert np.array_equal(roomy.jaw_weight[:landmarks], expected[:landmarks])


def test_a_turning_head_with_its_chin_at_the_edge_leaves_the_edges_row_as_a_shut_mouth_does():
    # The head's coarse map samples the face's a pixel or two in from the edge: before, the
    # jaw's drop showed in the picture's last row (the chin smeared into it, 7-22 px).
    image, face = synthetic_face(size=240)
    chin = int(round(float(face.landmarks[topo.CHIN, 1])))
    image = np.ascontiguousarray(image[: chin + 2])
    animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
    head = HeadPose(yaw=4, pitch=3, roll=2)
    shut, open_wide = image.copy(), image.copy()
    animator.apply(shut, Pose(), head)
    animator.apply(open_wide, Pose(open=1.0), head)
    assert np.array_equal(open_wide[-1], shut[-1])
    assert np.abs(shut[-1].astype(int) - image[-1].astype(int)).max() < 20  # the head's own, sub-pixel


@pytest.mark.parametrize(("mouth_scale", "still"), [(0.3, ("right", "left")), (0.5, ())])
def test_eyes_far_too_wide_for_the_mouth_stay_still(mouth_scale, still):
    # Face mesh's eye outlines on Wesnoth's elvish captain took in the brow and headband,
    # 1.7 mouth widths wide: a blink dragged the headband down over his face. Eyes that wide
    # beside the mouth are none it found; a painted face's 1.1 still blinks.
    _, face = synthetic_face()
    lm = face.landmarks.copy()
    lips = list(topo.LIPS_ALL)
    centre = lm[lips, :2].mean(0)
    lm[lips, :2] = centre + mouth_scale * (lm[lips, :2] - centre)
    rig = build_rig(replace(face, landmarks=lm), image_shape=(240, 240), whole_face=True)
    assert rig.lids == "squash" and rig.still_eyes == still


def _turned_face(yaw_degrees: float, *, size: int = 320, iris_distance: float = 80.0):
    """The canonical template turned ``yaw_degrees`` about the vertical (the subject's left
    cheek towards the camera for positive angles) and projected, as face mesh reports it."""
    from talkingphoto.characters import Face
    from talkingphoto.characters._template import canonical_face

    lm = canonical_face().astype(np.float64) * iris_distance
    lm -= lm.mean(0)
    c, s = np.cos(np.radians(yaw_degrees)), np.sin(np.radians(yaw_degrees))
    lm = lm @ np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])
    lm[:, :2] += [size / 2, size * 0.45]
    x0, y0 = lm[:, :2].min(0)
    x1, y1 = lm[:, :2].max(0)
    box = (x0, y0, x1 - x0, y1 - y0)
    return Face(index=0, box=box, landmarks=lm.astype(np.float32), detector="face_mesh", confidence=1.0)


def test_rounded_lips_on_a_turned_face_part_at_the_lips_middle():
    # Turned 35 degrees, the far half of the mouth is foreshortened: the lips' real middle
    # lies well off the corners' midpoint in the picture. The round hole of an OO is centred
    # on it, its near half the wider, and the corners bunch towards it.
    face = _turned_face(35.0)
    rig = build_rig(face, image_shape=(320, 320), whole_face=True)
    upper, lower = rig.slot["upper_inner"], rig.slot["lower_inner"]
    lm = face.landmarks[:, :2].astype(np.float64)
    corners = lm[[topo.MOUTH_CORNER_RIGHT, topo.MOUTH_CORNER_LEFT]] @ rig.right
    middle = lm[[topo.LIPS_UPPER_INNER[5], topo.LIPS_LOWER_INNER[5]]].mean(0) @ rig.right
    half = 0.5 * rig.mouth_width
    assert abs(middle - corners.mean()) > 0.2 * half  # the test's premise: a turned face

    posed = pose_points(rig, Pose(open=0.5, spread=-1.0))
    along = (posed[upper] + posed[lower]) / 2 @ rig.right
    gap = np.maximum(_gap(rig, posed), 0.0)
    hole = float(gap @ along / gap.sum())
    assert abs(hole - middle) < 0.05 * half  # main's: 0.13, centred on the corners' midpoint
    assert abs(float(along[np.argmax(gap)]) - middle) < 0.05 * half
    # The posed lips' middle stays where it was; both corners come in towards it.
    assert abs(float(along[5]) - middle) < 0.02 * half
    near, far = sorted(np.abs(posed[[upper[0], upper[-1]]] @ rig.right - middle))[::-1]
    rest_near, rest_far = sorted(np.abs(rig.points[[upper[0], upper[-1]]] @ rig.right - middle))[::-1]
    assert near < rest_near and far < rest_far and near > far > 0


def test_a_frontal_face_or_one_without_depth_is_laid_out_along_the_picture():
    _, face = synthetic_face()
    rig = build_rig(face, image_shape=(240, 240), whole_face=True)
    assert rig.along is None  # no depth of its own (a template fitted, clicked points)
    frontal = build_rig(_turned_face(0.0), image_shape=(320, 320), whole_face=True)
    lips = np.unique(np.concatenate([frontal.slot[group] for group in LIP_GROUPS]))
    picture = (frontal.points[lips] - frontal.mouth_centre) @ frontal.right / (0.5 * frontal.mouth_width)
    assert np.abs(frontal.along[lips] - picture).max() < 0.03
