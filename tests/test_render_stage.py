"""Master mode's stage on synthetic pictures: layers, parallax, breathing, no edges showing."""

import cv2
import numpy as np
import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.media import i420_to_rgb, rgb_to_i420, yuv444_to_i420
from talkingphoto.render import BodyPose, StageAnimator, background_plate, stage_matrices
from talkingphoto.render._stage import ZOOM_TOLERANCE, _push_pull_fill, _Split, _zoom_grid, _zoomed

H, W = 240, 320


def _picture():
    """Vertical stripes (the scene) with a flat red disc (the character) standing on the bottom edge."""
    xs = np.arange(W)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = np.where((xs // 8) % 2 == 0, 60, 200)[None, :, None]
    mask = np.zeros((H, W), np.float32)
    cv2.ellipse(mask, (160, 200), (60, 120), 0, 0, 360, 1.0, -1)
    image[mask > 0.5] = (220, 30, 30)
    return image, mask


def _red_centre(frame) -> np.ndarray:
    red = (frame[..., 0] > 180) & (frame[..., 1] < 80)
    ys, xs = np.nonzero(red)
    return np.array([xs.mean(), ys.mean()])


def test_neutral_pose_is_the_identity():
    person, background = stage_matrices(BodyPose(), size=(W, H), pivot=(160, 300), chest=(160, 160))
    np.testing.assert_allclose(person, [[1, 0, 0], [0, 1, 0]], atol=1e-12)
    np.testing.assert_allclose(background, [[1, 0, 0], [0, 1, 0]], atol=1e-12)


def test_unmoved_layers_give_back_the_picture():
    image, mask = _picture()
    stage = StageAnimator(image, mask)
    out = stage.apply(image, BodyPose())  # I420, the encoder's layout
    error = np.abs(out.astype(int) - rgb_to_i420(image))
    # Exact but where the rim's two colours leave the 0..255 range (the red disc's edge).
    assert error.mean() < 0.05 and error.max() <= 16


def test_a_moving_character_leaves_no_outline_on_the_scene():
    """A dark figure with a soft edge on a light wall, breathing and swaying: the frame is the
    moved figure over the wall, with no dark trace of where its edge was (the plate used to
    keep the edge, ~45 levels off along the rim)."""
    wall, coat = np.array([150, 180, 220]), np.array([20, 20, 30])
    mask = np.zeros((H, W), np.float32)
    cv2.ellipse(mask, (160, 240), (90, 110), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 2.0)  # the photo's soft edge
    image = (mask[..., None] * coat + (1 - mask[..., None]) * wall).astype(np.uint8)
    stage = StageAnimator(image, mask)
    for pose in (BodyPose(breath=1.0, sway=1.0), BodyPose(breath=-1.0, sway=-3.0)):
        out = i420_to_rgb(stage.apply(image, pose))
        person, _ = stage_matrices(pose, size=(W, H), pivot=stage.pivot, chest=stage.chest)
        moved = cv2.warpAffine(mask, person, (W, H), borderMode=cv2.BORDER_REPLICATE)[..., None]
        expected = moved * coat + (1 - moved) * wall
        assert np.abs(out - expected).max() < 8


def test_the_plate_paints_the_character_out_with_scene_colours():
    image, mask = _picture()
    soft = cv2.GaussianBlur(mask, (0, 0), 1.0)
    plate = background_plate(image, soft)
    inside = plate[soft > 0.99]
    assert np.abs(inside[:, 0].astype(int) - inside[:, 1]).max() < 25  # grey like the stripes, not red
    assert 60 <= inside.mean() <= 200
    far = mask == 0
    far[:, 80:240] = False
    np.testing.assert_array_equal(plate[far], image[far])


def test_the_fill_at_some_pixels_is_the_whole_fill_there():
    image, mask = _picture()
    known = cv2.GaussianBlur((mask < 0.5).astype(np.float32), (0, 0), 2.0)  # soft, as the plate's
    at = np.flatnonzero((known > 0.01) & (known < 0.99))
    np.testing.assert_array_equal(_push_pull_fill(image, known, at=at), _push_pull_fill(image, known).reshape(-1, 3)[at])


def _flag_and_cap():
    """A grainy dark blue scene (std 6) with a gold cord 3 px wide running down beside a
    black cap (the character) 2 px to its right, as beside Grace Hopper's cap."""
    rng = np.random.default_rng(1)
    image = np.clip(np.array([30, 30, 90]) + rng.normal(0, 6, (H, W, 1)), 0, 255).astype(np.uint8)
    image[:, 117:120] = (230, 170, 40)
    mask = np.zeros((H, W), np.float32)
    mask[:, 122:] = 1.0
    image[mask > 0.5] = (15, 15, 15)
    return image, cv2.GaussianBlur(mask, (0, 0), 1.0)


def test_a_thin_cord_beside_the_character_does_not_colour_the_fill():
    image, mask = _flag_and_cap()
    plate = background_plate(image, mask).astype(float)
    cord, scene = np.array([230, 170, 40]), np.array([30, 30, 90])
    gold = (plate - scene) @ (cord - scene) / np.sum((cord - scene) ** 2)  # the cord's share
    assert mask[:, 124:].min() > 0.99  # all fill from 2 px past the cap's edge
    assert np.median(gold[:, 124:], axis=0).max() < 0.1  # the plain mean left 0.35 there
    far = plate[:, 240:].reshape(-1, 3).mean(axis=0)  # far from any scene, still the scene
    assert np.abs(far - scene).max() < 10


def test_the_fill_has_the_scene_s_grain_and_is_the_same_every_time():
    image, mask = _flag_and_cap()
    plate = background_plate(image, mask)
    np.testing.assert_array_equal(plate, background_plate(image, mask))
    luma = plate[..., 2].astype(float)
    fill = luma[20:-20, 130:170]
    scene = luma[20:-20, 20:100]
    assert np.std(fill) > 0.6 * np.std(scene)  # a smooth fill's is near 0
    assert np.std(fill) < 1.5 * np.std(scene)
    assert abs(fill.mean() - scene.mean()) < 4


def test_the_character_moves_more_than_the_scene_and_no_edge_shows():
    image, mask = _picture()
    stage = StageAnimator(image, mask)
    pose = BodyPose(zoom=1.04, pan_x=0.02)  # as far as the zoom leaves room for
    out = i420_to_rgb(stage.apply(image, pose))
    character_shift = _red_centre(out)[0] - _red_centre(image)[0]
    # The stripes' phase above the character, at the centre, tells the background's shift.
    row, original = out[10, 120:200, 0].astype(float), image[10, 120:200, 0].astype(float)
    shifts = np.arange(-7, 8)  # the stripes repeat every 16 px
    errors = [np.abs(np.roll(original, s)[16:-16] - row[16:-16]).mean() for s in shifts]
    scene_shift = shifts[int(np.argmin(errors))]
    assert 5.5 < character_shift < 7.5  # 2% of 320 px
    assert 3 <= scene_shift <= 5  # 70% of that: the scene is farther away
    assert out[:, 0].min() >= 50 and out[:, -1].min() >= 50  # stripes, not black borders


def test_breathing_lifts_the_character_from_its_base():
    image, mask = _picture()
    stage = StageAnimator(image, mask)
    out = i420_to_rgb(stage.apply(image, BodyPose(breath=1.0)))

    def top(frame):
        red = (frame[..., 0] > 180) & (frame[..., 1] < 80)
        return np.flatnonzero(red.sum(1) >= 10)[0]

    assert top(out) <= top(image) - 1  # the head rises
    assert np.abs(out[-1].astype(int) - image[-1]).mean() < 10  # the base barely moves


def test_a_cutout_stands_on_its_flat_backdrop():
    image, mask = _picture()
    image[mask < 0.5] = 255
    stage = StageAnimator(image, mask, backdrop=(255, 255, 255))
    out = i420_to_rgb(stage.apply(image, BodyPose(zoom=1.05, pan_x=-0.02, sway=1.0)))
    assert (out[mask == 0][:, 1] > 200).mean() > 0.9  # revealed background is the backdrop


def test_faces_are_resampled_sharply_and_their_eyes_finest():
    """Fine texture moved by a fraction of a pixel: bilinear blurs it, the faces' bicubic
    pass keeps more, the eyes' Lanczos pass the most."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    mask = np.ones((H, W), np.float32)
    boxes = {"bilinear": (20, 60, 100, 140), "sharp": (120, 60, 200, 140), "finest": (220, 60, 300, 140)}
    stage = StageAnimator(image, mask, backdrop=(0, 0, 0), sharp_boxes=[boxes["sharp"]], finest_boxes=[boxes["finest"]])
    out = i420_to_rgb(stage.apply(image, BodyPose(zoom=1.01, pan_x=0.5 / W, pan_y=0.5 / H)))  # a pan needs a zoom to move in

    def detail(box):
        x0, y0, x1, y1 = box
        grey = cv2.cvtColor(out[y0 + 12 : y1 - 12, x0 + 12 : x1 - 12], cv2.COLOR_RGB2GRAY)
        return cv2.Laplacian(grey, cv2.CV_64F).var()

    assert detail(boxes["bilinear"]) < 0.8 * detail(boxes["sharp"]) < 0.8 * detail(boxes["finest"])


def test_the_camera_zooms_in_on_its_focus_and_never_shows_an_edge():
    focus = (60.0, 50.0)  # near a corner: little room to pan towards it
    anchors = dict(size=(W, H), pivot=(160, 300), chest=(160, 160), focus=focus)
    person, _ = stage_matrices(BodyPose(zoom=1.1), **anchors)
    np.testing.assert_allclose(person[:, :2] @ focus + person[:, 2], focus)  # no pan: the focus stays put
    corners = np.array([[0, 0], [W, 0], [0, H], [W, H]], float)
    for pan_x, pan_y in ((0.05, 0.05), (-0.05, -0.05), (0.05, -0.05)):  # more than the zoom leaves room for
        for layer in stage_matrices(BodyPose(zoom=1.1, pan_x=pan_x, pan_y=pan_y), **anchors):
            shown = (corners - layer[:, 2]) @ np.linalg.inv(layer[:, :2]).T  # the picture at the frame's corners
            assert shown.min() >= -1e-9 and np.all(shown.max(0) <= [W + 1e-9, H + 1e-9])


@pytest.mark.parametrize("scale", [1.0, 1 / 1.021, 1 / 1.008, 13 / 14])
def test_zoom_grid_places_resize_s_pixels_where_the_camera_wants_them(scale):
    x = np.arange(0, 2000, 50)
    for offset in np.linspace(3.0, 4.0, 17):
        grid = _zoom_grid(scale, offset)
        if grid is None:
            # No zoom to move the grid by (a shift by part of a pixel alone), or one that
            # reaches only 14 places between two pixels (13/14): the frame is warped instead.
            assert scale == 1.0 and offset % 1 != 0 or scale == 13 / 14
            continue
        skip, start = grid
        assert np.abs(start + (x + skip + 0.5) * scale - 0.5 - (scale * x + offset)).max() <= ZOOM_TOLERANCE + 1e-9


def test_a_zoom_and_pan_resized_is_the_warp_of_it():
    rng = np.random.default_rng(3)
    picture = cv2.GaussianBlur(rng.integers(0, 256, (H, W, 3)).astype(np.uint8), (0, 0), 1.5)
    pad = 40
    padded = cv2.copyMakeBorder(picture, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    for zoom, shift in [(1.04, (-5.3, -2.71)), (1.077, (-17.45, -8.2)), (1.0, (-3.0, -1.0))]:
        matrix = np.array([[zoom, 0, shift[0]], [0, zoom, shift[1]]])
        warped = cv2.warpAffine(picture, matrix, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        zoomed = _zoomed(padded, matrix, size=(W, H), pad=pad)
        assert zoomed.shape == warped.shape
        diff = np.abs(zoomed.astype(int) - warped)
        assert diff.max() <= 3 and diff.mean() < 0.3
    turned = cv2.getRotationMatrix2D((W / 2, H / 2), 1.0, 1.04)
    assert _zoomed(padded, turned, size=(W, H), pad=pad) is None


def test_coverage_finds_clear_mixed_and_opaque_runs():
    from talkingphoto.render._stage import CLEAR, MIXED, OPAQUE, _coverage

    alpha = np.zeros((10, 100), np.uint8)
    alpha[:, 30:80] = 255
    alpha[:, 30:35] = 128  # a soft edge
    alpha[7, 60] = 254  # one see-through pixel in the second band only
    alpha[:, 90:92] = 255  # too narrow to count as opaque
    bands = _coverage(alpha, band=6, min_run=4)
    assert [(r0, r1) for r0, r1, _ in bands] == [(0, 6), (6, 10)]
    assert bands[0][2] == [(0, 30, CLEAR), (30, 35, MIXED), (35, 80, OPAQUE), (80, 90, CLEAR), (90, 92, MIXED), (92, 100, CLEAR)]
    assert bands[1][2][2:5] == [(35, 60, OPAQUE), (60, 61, MIXED), (61, 80, OPAQUE)]


def test_only_the_changed_part_of_the_frame_is_read():
    """Given where the frame differs from the picture, the stage gives the frame it gives
    when it reads the whole frame."""
    image, mask = _picture()
    frame = image.copy()
    frame[100:140, 130:190] = (20, 200, 20)  # a posed face
    stage = StageAnimator(image, mask, sharp_boxes=[(120, 90, 200, 150)], finest_boxes=[(130, 100, 190, 130)])
    pose = BodyPose(breath=0.5, sway=1.0, zoom=1.02, pan_x=0.01)
    np.testing.assert_array_equal(stage.apply(frame, pose, changed=(126, 96, 194, 144)), stage.apply(frame, pose))
    assert not np.array_equal(stage.apply(frame, pose, changed=(0, 0, 2, 2)), stage.apply(frame, pose))


def test_sharp_passes_resample_luma_alone():
    """Composed in YUV, the sharp passes change the faces' luma; their colour is the
    bilinear warp's (the encoder keeps it at half resolution anyway)."""
    from talkingphoto.media import i420_planes

    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    mask = np.ones((H, W), np.float32)
    pose = BodyPose(zoom=1.01, pan_x=0.5 / W, pan_y=0.5 / H)
    plain = StageAnimator(image, mask, backdrop=(0, 0, 0)).apply(image, pose)
    sharp = StageAnimator(image, mask, backdrop=(0, 0, 0), sharp_boxes=[(100, 60, 220, 180)]).apply(image, pose)
    (y_plain, *uv_plain), (y_sharp, *uv_sharp) = i420_planes(plain), i420_planes(sharp)
    assert all(np.array_equal(a, b) for a, b in zip(uv_plain, uv_sharp))
    changed = np.argwhere(y_plain != y_sharp)
    assert len(changed) > 0.5 * 120 * 120
    assert changed.min(0).tolist() >= [58, 98] and changed.max(0).tolist() <= [182, 222]


def test_a_rim_that_is_no_blend_of_its_two_sides_keeps_its_colour_on_the_plate():
    """The mask strays a few pixels onto a light wall beside an orange suit, and the nearest
    clear scene there is a dark stand: those rim pixels are neither a blend of suit and
    stand, nor should the plate get one (it used to take suit minus wall: a cyan blob
    beside the astronaut's shoulder, shown as soon as she leaned)."""
    wall, suit, stand = np.array([200, 180, 175]), np.array([220, 90, 50]), np.array([7, 2, 0])
    xs = np.arange(W)
    image = np.zeros((H, W, 3), np.uint8)
    image[:] = wall
    image[:, xs < 150] = suit
    image[:, (xs >= 160) & (xs < 180)] = stand
    mask = np.clip((158 - xs) / 8.0, 0, 1).astype(np.float32)[None, :].repeat(H, axis=0)
    plate = i420_to_rgb(yuv444_to_i420(StageAnimator(image, mask).plate))
    band = plate[20:-20, 151:158].reshape(-1, 3).astype(int)
    assert np.abs(band - wall).max(axis=1).max() < 40


def test_a_light_rim_on_the_character_leaves_no_light_outline_on_the_plate():
    """A dark red ear whose outer rim is lighter skin, on a blue wall: the rim's pixels are
    no blend of the ear's inside and the wall (the lighter part the line misses), and that
    part went to the plate whole, a light outline of the ear left on the wall as the head
    moved (portrait.jpg: 50 levels). The plate's share of it shrinks with the character's
    share of the pixel, so the plate there is the wall, give or take."""
    wall, inside, rim = np.array([100, 133, 191]), np.array([140, 35, 20]), np.array([200, 140, 110])
    xs = np.arange(W, dtype=np.float32)
    mask = np.clip((160 - xs) / 4.0 + 0.5, 0, 1)[None, :].repeat(H, axis=0)  # soft from x=158 to 162
    light = (np.abs(xs - 160) <= 1)[None, :, None]  # the lighter rim, under the soft edge
    character = np.where(light, rim, inside)
    image = np.round(mask[..., None] * character + (1 - mask[..., None]) * wall).astype(np.uint8)
    stage = StageAnimator(image, mask)
    plate = i420_to_rgb(yuv444_to_i420(stage.plate)).astype(int)
    band = plate[20:-20, 155:165].reshape(-1, 3)
    assert np.abs(band - wall).max() < 42  # at its brightest: 51 levels over the wall before
    still = np.abs(stage.apply(image, BodyPose()).astype(int) - rgb_to_i420(image))
    assert still.mean() < 0.05 and still.max() <= 16  # the unmoved layers still give the picture

def test_a_cord_on_a_textured_scene_beside_the_edge_stays_scene():
    """A dark cap against a dark blue flag with gold cords, one cord just clear of the cap's
    soft edge: the nearest clear colour is the cord, so the dark flag between cord and cap
    looked like cap, became character (alpha 1 where the mask says 0.03-0.3) and left cord
    colour on the plate; broken gold streaks moved with the head (portrait.jpg). On a
    textured scene the mask's share of scene there is kept."""
    cap, flag, gold = np.array([35, 28, 27]), np.array([20, 15, 50]), np.array([235, 160, 55])
    xs = np.arange(W)
    scene = np.empty((H, W, 3), np.float32)
    scene[:] = flag
    scene[:, (xs % 40 >= 6) & (xs % 40 < 12)] = gold  # 6 px cords every 40 px, one at 166-171
    scene += np.random.default_rng(0).normal(0, 6, scene.shape)  # the cloth's grain
    edge = np.where(xs < 160, 1.0, 0.0).astype(np.float32)[None, :].repeat(H, axis=0)
    mask = cv2.GaussianBlur(edge, (0, 0), 3)  # 0.43 at x=160 down to 0.03 at 165
    image = np.clip(np.round(mask[..., None] * cap + (1 - mask[..., None]) * scene), 0, 255).astype(np.uint8)
    stage = StageAnimator(image, mask)
    assert stage.alpha[20:-20, 161:166].max() < 0.4 * 255  # 255 before
    plate = i420_to_rgb(yuv444_to_i420(stage.plate))
    assert plate[20:-20, 161:166, 0].max() < 100  # the flag's dark, not the cord's 235 (233 before)
    still = np.abs(stage.apply(image, BodyPose()).astype(int) - rgb_to_i420(image))
    assert still.mean() < 0.05 and still.max() <= 16



def test_a_light_halo_just_outside_the_mask_on_a_plain_wall_leaves_the_plate():
    """A dark jacket on a plain blue wall with a 1 px light line just outside the mask (the
    picture's own edge halo: JPEG ringing, a light rim of cloth): neither cut out with the
    body nor painted out, the plate kept it, and it stayed on the wall as a faint outline
    whenever the body moved (portrait.jpg's shoulder: 20-45 levels). It goes with the body
    now, and the plate there is the wall."""
    wall, jacket, halo = np.array([115, 150, 210]), np.array([10, 8, 35]), np.array([160, 175, 225])
    xs = np.arange(W)
    image = np.empty((H, W, 3), np.float32)
    image[:] = wall
    image[:, xs < 160] = jacket
    image[:, 160] = halo
    image += np.random.default_rng(0).normal(0, 3, image.shape)  # the wall's grain
    image = np.clip(np.round(image), 0, 255).astype(np.uint8)
    mask = (xs < 160).astype(np.float32)[None, :].repeat(H, axis=0)
    stage = StageAnimator(image, mask)
    plate = i420_to_rgb(yuv444_to_i420(stage.plate)).astype(int)
    assert np.abs(plate[20:-20, 160] - wall).max(axis=1).mean() < 12  # 35 before
    still = np.abs(stage.apply(image, BodyPose()).astype(int) - rgb_to_i420(image))
    assert still.mean() < 0.05 and still.max() <= 16


def _two_figures():
    """Two dark figures on a light wall whose bodies overlap at the bottom, a light belt
    across both at row 200, and their heads' boxes."""
    wall, coat, belt = np.array([150, 180, 220]), np.array([20, 20, 30]), np.array([230, 230, 230])
    mask = np.zeros((H, W), np.float32)
    for x in (90, 230):
        cv2.ellipse(mask, (x, 240), (80, 150), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5)
    image = (mask[..., None] * coat + (1 - mask[..., None]) * wall).astype(np.uint8)
    image[199:202][mask[199:202] > 0.99] = belt
    heads = [(60, 90, 120, 140), (200, 90, 260, 140)]
    return image, mask, heads


def _belt_rows(frame: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Row (sub-pixel) of the light belt in each of ``columns``."""
    rows = np.arange(185, 216)
    light = np.clip(frame[185:216, columns, 1].astype(float) - 60, 0, None)
    return (light * rows[:, None]).sum(0) / light.sum(0)


def test_characters_side_by_side_breathe_on_their_own_without_a_seam():
    """One breathes in, the other is still: the first's head and belt rise, the second's
    stay, and between them the belt bends smoothly, neither stepping nor tearing (before,
    one layer: both rose as one)."""
    image, mask, heads = _two_figures()
    stage = StageAnimator(image, mask, figures=heads)
    out = i420_to_rgb(stage.apply(image, (BodyPose(breath=1.0), BodyPose())))
    still = i420_to_rgb(stage.apply(image, (BodyPose(), BodyPose())))

    def top(frame, x):  # first row of the figure's dark head in column x
        return int(np.argmax(frame[:, x, 1] < 100))

    assert top(still, 90) - top(out, 90) >= 4  # a full breath lifts the left figure's head
    assert top(out, 230) == top(still, 230)  # and leaves the right one's where it was
    columns = np.arange(30, 291)
    lift = _belt_rows(still, columns) - _belt_rows(out, columns)
    assert lift[:60].min() > 1.5 and np.abs(lift[-60:]).max() < 0.3
    assert np.abs(np.diff(lift)).max() < 0.25  # no step anywhere between them (0.11; split hard, 2)
    body = (mask > 0.99) & (np.abs(np.arange(H) - 200)[:, None] > 4)  # the coats, the belt aside
    assert out[170:235][body[170:235]].max() < 60  # and no wall showing through a tear


def test_heads_one_above_the_other_share_a_body():
    """A back-row head above another, overlapping it in x, and a third head beside them:
    every head's columns are wholly one body's (before, the ramp between the two stacked
    heads ran through both faces, each moved by a mix of two bodies)."""
    mask = np.zeros((H, W), np.float32)
    mask[20:, 20:300] = 1
    heads = [(60, 20, 120, 80), (85, 110, 145, 170), (230, 30, 290, 90)]
    split = _Split(mask, heads)
    for x0, _, x1, _ in heads:
        shares = split.shares(np.arange(x0, x1))
        assert shares.max(axis=0).min() == 1.0 and len(set(shares.argmax(axis=0))) == 1
    assert split.groups == [[0, 1], [2]]
    assert _Split(mask, [(60, 20, 120, 80), (140, 30, 200, 90)]).groups == [[0, 1]]  # 20 px apart: too close
    assert _Split(mask, [(60, 20, 120, 80), (160, 30, 220, 90)]).groups == [[0], [1]]  # 40 px: room to pass


def test_stacked_figures_breathe_as_one_without_tilting_a_face():
    """The first figure breathes in, the one in front of it is still: both heads rise as
    one, level (before, a light band across the upper face rose 5.6 px at its left end and
    0.4 px at its right: a face tilted 6 degrees; now 5.6 px at both)."""
    wall, coat, band = np.array([150, 180, 220]), np.array([20, 20, 30]), np.array([230, 230, 230])
    mask = np.zeros((H, W), np.float32)
    cv2.ellipse(mask, (130, 150), (60, 130), 0, 0, 360, 1.0, -1)
    cv2.ellipse(mask, (160, 240), (70, 110), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5)
    image = (mask[..., None] * coat + (1 - mask[..., None]) * wall).astype(np.uint8)
    image[69:72, 100:160] = band
    heads = [(100, 40, 160, 100), (130, 140, 190, 200)]
    stage = StageAnimator(image, mask, figures=heads)
    out = i420_to_rgb(stage.apply(image, (BodyPose(breath=1.0), BodyPose())))
    rows = np.arange(55, 86)
    light = np.clip(out[55:86, 104:156, 1].astype(float) - 60, 0, None)
    band_rows = (light * rows[:, None]).sum(0) / light.sum(0)
    assert 70 - band_rows.mean() > 4  # the breath lifts the upper face
    assert np.ptp(band_rows) < 0.2  # and level across it


def test_one_pose_moves_every_figure_as_one_body():
    image, mask, heads = _two_figures()
    pose = BodyPose(breath=0.5, sway=1.0, zoom=1.02)
    split = StageAnimator(image, mask, figures=heads)
    np.testing.assert_array_equal(split.apply(image, pose), StageAnimator(image, mask).apply(image, pose))
    with pytest.raises(ParameterError, match="one BodyPose or one for each of the 2 figures, got 3"):
        split.apply(image, [pose] * 3)
