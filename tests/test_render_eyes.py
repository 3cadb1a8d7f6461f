from dataclasses import replace

import numpy as np
import pytest

from talkingphoto.render._eyes import _lid_shapes, drawn_shut, lid_palette, paint_lid


def _anime_eye(k: int = 1):
    """A big drawn eye: dark outline and blue iris on pale skin; lids corner to corner;
    ``k`` times the size."""
    import cv2

    image = np.full((80 * k, 100 * k, 3), (250, 225, 215), np.uint8)
    cv2.ellipse(image, (50 * k, 40 * k), (30 * k, 22 * k), 0, 0, 360, (255, 255, 255), -1)
    cv2.circle(image, (50 * k, 40 * k), 16 * k, (60, 90, 200), -1)
    cv2.ellipse(image, (50 * k, 40 * k), (30 * k, 22 * k), 0, 180, 360, (30, 20, 40), 3 * k)
    t = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.stack([50 * k + 30 * k * np.cos(t), 40 * k + 22 * k * np.sin(t)], 1)
    lower = np.stack([upper[:, 0], 40 * k + (40 * k - upper[:, 1])], 1)
    return image, upper, lower


def test_palette_reads_skin_below_and_lash_from_the_darkest_pixels():
    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)
    assert np.allclose(palette.skin, (250, 225, 215), atol=3)
    assert max(palette.lash) < 100


def test_shut_lid_hides_the_iris_and_draws_a_lash_line():
    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)
    open_eye = image.copy()
    paint_lid(open_eye, upper, lower, 0.0, palette)
    assert np.array_equal(open_eye, image)
    shut = image.copy()
    paint_lid(shut, upper, lower, 1.0, palette)
    blue = (shut[..., 2] > 150) & (shut[..., 0] < 120)
    assert blue.sum() == 0
    # The lash line crosses the middle of the eye, near where the lids meet.
    column = shut[:, 50].astype(int).sum(1)
    assert column[40:62].min() < 300
    half = image.copy()
    paint_lid(half, upper, lower, 0.5, palette)
    half_blue = (half[..., 2] > 150) & (half[..., 0] < 120)
    assert 0 < half_blue.sum() < ((image[..., 2] > 150) & (image[..., 0] < 120)).sum()


def _shut_eye():
    """A laughing character's shut eye, "^": one inked arc on pale skin; the lids a face
    mesh puts on it (the upper on the arc, the lower a little below)."""
    import cv2

    image = np.full((80, 100, 3), (250, 225, 215), np.uint8)
    t = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.stack([50 + 30 * np.cos(t), 44 + 10 * np.sin(t)], 1)
    cv2.polylines(image, [np.round(upper).astype(np.int32)], False, (70, 30, 60), 4, cv2.LINE_AA)
    cv2.circle(image, (46, 35), 1, (255, 255, 255), -1)  # a glint on the ink
    lower = np.stack([upper[:, 0], 44 + 0.3 * (44 - upper[:, 1])], 1)
    return image, upper, lower


def test_an_eye_drawn_shut_is_told_from_open_ones():
    import cv2

    assert drawn_shut(*_shut_eye())
    assert not drawn_shut(*_anime_eye())
    # An open eye of a photo's proportions: no taller than a shut one's stroke and lashes,
    # but its white shows.
    image = np.full((80, 100, 3), (250, 225, 215), np.uint8)
    cv2.ellipse(image, (50, 40), (30, 9), 0, 0, 360, (255, 255, 255), -1)
    cv2.circle(image, (50, 40), 8, (90, 60, 40), -1)
    cv2.ellipse(image, (50, 40), (30, 9), 0, 0, 360, (70, 30, 60), 2)
    t = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.stack([50 + 30 * np.cos(t), 40 + 9 * np.sin(t)], 1)
    lower = np.stack([upper[:, 0], 80 - upper[:, 1]], 1)
    assert not drawn_shut(image, upper, lower)
    # Different skin above and below (hair over the lid, a misplaced eye): not a shut eye.
    shut, upper, lower = _shut_eye()
    shut[:25] = (120, 60, 30)
    assert not drawn_shut(shut, upper, lower)


def test_a_lid_fades_in_while_it_is_still_up_at_the_drawn_lash_line():
    # The detected outline rarely matches the ink: a lid painted at full strength at the
    # start of a blink draws a second, heavy lash line around the eye for a frame.
    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)

    def change(blink):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        return np.abs(frame.astype(int) - image).sum()

    assert change(0.05) < 0.1 * change(0.3)
    assert 0 < change(0.15) < change(0.3)


def test_a_fading_lid_hides_the_drawn_lash_line_it_has_come_below():
    # Faded in evenly, the lid let the drawn upper lash line show through it, lighter,
    # above its own stroke: for a frame the eye had two lash lines.
    import cv2

    image, upper, lower = _anime_eye(2)
    palette = lid_palette(image, upper, lower)

    def lightness(picture):
        return cv2.cvtColor(picture.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]

    skin = lightness(np.array([[palette.skin]]))[0, 0]
    ink = image.astype(int).sum(2) < 200
    ink[60:], ink[:, :80], ink[:, 121:] = False, False, False  # the drawn line over the iris
    lash = lightness(image)[ink].mean()
    for blink in (0.2, 0.25):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        edge = np.flatnonzero(np.abs(frame[:80, 100].astype(int) - image[:80, 100]).sum(1) > 0).max()
        above = ink.copy()
        above[int(edge - 2 * palette.thickness) :] = False  # more than a stroke above the lid's edge
        assert above.sum() > 10
        assert ((skin - lightness(frame)[above]) / (skin - lash)).mean() < 0.02, blink


def test_the_first_frames_of_a_blink_show_one_lash_line():
    # A lash line drawn thicker and higher than the lid reaches over: the lid, opaque
    # where its edge has come in, cut a band of skin through it in the first frames of a
    # blink, two lash lines; the drawn line comes down with the lid's edge instead.
    import cv2

    image, upper, lower = _anime_eye(2)
    cv2.ellipse(image, (100, 80), (70, 54), 0, 180, 360, (30, 20, 40), 20)
    palette = lid_palette(image, upper, lower)

    def lightness(picture):
        return cv2.cvtColor(picture.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]

    skin, lash = (lightness(np.array([[c]]))[0, 0] for c in (palette.skin, palette.lash))
    for blink in (0.05, 0.07, 0.1):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        dark = np.flatnonzero((skin - lightness(frame)[:48, 100]) / (skin - lash) > 0.5)  # above the iris
        assert len(dark) and (np.diff(dark) == 1).all(), blink  # one run of ink


def test_a_nearly_shut_eye_shows_no_hairline_of_iris():
    # Closing all the way to blink 1, the lids left a sliver between the lid's stroke and
    # the lower lid: a hairline of iris under a shut-looking line for a frame. They meet
    # earlier, and the stroke comes down over the last sliver.
    image, upper, lower = _anime_eye(2)
    palette = lid_palette(image, upper, lower)
    for blink in (0.84, 0.87, 0.9, 0.93, 0.96):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        assert ((frame[..., 2] > 150) & (frame[..., 0] < 120)).sum() == 0, blink


def test_a_closing_lid_strokes_no_line_over_the_still_open_eye():
    # The lid's edge comes down across the eye. Moving every point of the outline the same
    # share of its way down would bend the edge along the eye's sides to the corners, its
    # stroke a grey inverted U over the open eye as a blink starts and reopens; and the
    # fading lid would pale the sides' drawn lines.
    import cv2

    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)
    eye = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(eye, [np.round(np.vstack([upper, lower[::-1]])).astype(np.int32)], 1)
    open_eye = cv2.erode(eye, np.ones((7, 7), np.uint8)) > 0  # inside the drawn outline's ink
    ink = (image.astype(int).sum(2) < 200) & (cv2.dilate(eye, np.ones((5, 5), np.uint8)) > 0)
    ink[38:] = False  # the upper lid's sides (the lower lid's reach covers the corners)

    def lightness(picture):
        return cv2.cvtColor(picture.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]

    for blink in (0.13, 0.25, 0.4):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        changed = np.flatnonzero(np.abs(frame[:40, 50].astype(int) - image[:40, 50]).sum(1) > 0)
        below = np.arange(image.shape[0])[:, None] > changed.max()  # the upper lid's edge, at its lowest
        change = lightness(frame) - lightness(image)
        assert not ((change < -25) & open_eye & below).any(), blink
        assert not ((change > 25) & ink & below).any(), blink


def _rendered_eyes(*, scale: float | tuple = 1.6, shadow: bool = False):
    """A face whose eyes are drawn ``scale`` times taller than the mesh outlines them, as a
    3D cartoon's are: white, a big blue iris (beyond the mesh's lids) and a bold lash line,
    on smooth skin. ``scale`` 1 draws them on the mesh's outline with a fine lash line, as
    a photo shows them; a pair (right eye, left eye) scales each its own; ``shadow`` puts the
    skin above each eye in deep shadow (hair or a brow's, skin-hued but dark). Returns
    (image, face, iris [shape=(240, 240), bool: the blue])."""
    import cv2
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo

    _, face = synthetic_face(size=240, iris_distance=60.0)
    rng = np.random.default_rng(1)
    image = np.clip(np.full((240, 240, 3), (225, 175, 135), np.float64) + rng.normal(0, 2, (240, 240, 3)), 0, 255)
    image = image.astype(np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    scales = scale if isinstance(scale, tuple) else (scale, scale)
    for (upper, lower), scale in zip(((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)), scales):
        outline = lm[list(upper) + list(lower)[::-1]]
        centre = outline.mean(0)
        outline = centre + (outline - centre) * (1.0, scale)  # taller, corners in place
        height = np.ptp(outline[:, 1])
        if shadow:
            top = outline[: len(upper)]
            band = np.vstack([top, (top - (0, 0.5 * height))[::-1]])
            cv2.fillPoly(image, [np.round(band).astype(np.int32)], (70, 45, 33))
        eye = np.zeros((240, 240), np.uint8)
        cv2.fillPoly(eye, [np.round(outline).astype(np.int32)], 1)
        drawn = image.copy()
        cv2.circle(drawn, tuple(int(v) for v in np.round(centre)), int(round(0.45 * height)), (60, 100, 200), -1)
        cv2.circle(drawn, tuple(int(v) for v in np.round(centre)), int(round(0.18 * height)), (10, 10, 20), -1)
        image[eye > 0] = (235, 235, 228)
        image[(eye > 0) & (drawn[..., 2] == 200)] = (60, 100, 200)
        image[(eye > 0) & (drawn[..., 2] == 20)] = (10, 10, 20)
        lash = 2 if scale > 1 else 1  # a render's lash line is bold, a photo's fine
        cv2.polylines(image, [np.round(outline[: len(upper)]).astype(np.int32)], False, (45, 30, 30), lash)
    iris = (image[..., 2] > 150) & (image[..., 0] < 120)
    return image, face, iris


def test_rendered_eyes_bigger_than_the_mesh_close_fully():
    from talkingphoto.render import FaceAnimator, Pose

    image, face, iris = _rendered_eyes()
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    blue = (shut[..., 2] > 150) & (shut[..., 0] < 120)
    # The mesh's lids squashed only the middle of each iris (a quarter of it stayed, a
    # band across the eye); lids fitted to the skin cover it all.
    assert blue.sum() <= 0.02 * iris.sum()
    # What covers it is the skin above the eye, not the eye's white or its lashes.
    closed = shut[iris]
    assert np.median(np.abs(closed.astype(int) - (225, 175, 135)).max(1)) < 25


def test_a_rendered_eye_under_a_shadow_closes_under_a_skin_coloured_lid():
    from talkingphoto.render import FaceAnimator, Pose

    image, face, iris = _rendered_eyes(shadow=True)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    assert animator.rendered_eyes
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    closed = shut[iris].astype(int)
    # The shadowed band above the eye, stretched down, closed it under a dark slab (its
    # median 90 levels from the skin); the lid has the skin's colour, its crease aside.
    assert np.median(np.abs(closed - (225, 175, 135)).max(1)) < 30
    assert (closed.sum(1) < 300).mean() < 0.1
    # Open, nothing changes.
    still = image.copy()
    animator.apply(still, Pose(blink=0.0))
    assert np.array_equal(still[iris], image[iris])


def _brown_eyes(*, render: bool):
    """Brown eyes in brown skin: a dark brown iris (the skin's hue) as tall as the eye. As a
    render draws them (``render``): 1.8 times taller than the mesh outlines them, the mesh's
    irises 1.3 times bigger for the eye, as face mesh fits them on renders; as a photo with
    thick eyeliner shows them: on the mesh's outline, a black stroke along the upper lid.
    Returns (image, face, eye [shape=(240, 240), bool: the drawn eye])."""
    import cv2
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo

    _, face = synthetic_face(size=240, iris_distance=60.0)
    rng = np.random.default_rng(2)
    image = np.clip(np.full((240, 240, 3), (190, 130, 95), np.float64) + rng.normal(0, 2, (240, 240, 3)), 0, 255)
    image = image.astype(np.uint8)
    landmarks = face.landmarks.copy()
    lm = landmarks[:, :2].astype(np.float64)
    eyes = np.zeros((240, 240), bool)
    for upper, lower, iris in (
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_IRIS),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_IRIS),
    ):
        outline = lm[list(upper) + list(lower)[::-1]]
        centre = outline.mean(0)
        outline = centre + (outline - centre) * (1.0, 1.8 if render else 1.0)
        height = np.ptp(outline[:, 1])
        eye = np.zeros((240, 240), np.uint8)
        cv2.fillPoly(eye, [np.round(outline).astype(np.int32)], 1)
        drawn = np.zeros((240, 240), np.uint8)
        cv2.circle(drawn, tuple(int(v) for v in np.round(centre)), int(round(0.6 * height)), 1, -1)
        cv2.circle(drawn, tuple(int(v) for v in np.round(centre)), int(round(0.25 * height)), 2, -1)
        image[eye > 0] = (200, 195, 190)
        image[(eye > 0) & (drawn == 1)] = (70, 42, 30)
        image[(eye > 0) & (drawn == 2)] = (15, 10, 8)
        stroke = 2 if render else max(2, int(round(0.1 * np.ptp(outline[:, 0]))))
        lash = np.round(outline[: len(upper)] - (0, stroke / 2 - 1)).astype(np.int32)
        cv2.polylines(image, [lash], False, (20, 14, 12), stroke)
        if render:
            landmarks[list(iris[1:]), :2] = lm[iris[0]] + 1.3 * (lm[list(iris[1:])] - lm[iris[0]])
        eyes |= eye > 0
    return image, replace(face, landmarks=landmarks), eyes


def test_brown_eyes_of_a_render_close_fully():
    from talkingphoto.render import FaceAnimator, Pose

    image, face, eye = _brown_eyes(render=True)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))

    def dark(frame):
        return int((frame[eye].astype(int).sum(1) < 200).sum())

    # Their irises pass for skin by hue: the mesh's lids were kept, and the closed eye
    # showed a band of pupil and iris (over a third of them). The lash line remains.
    assert dark(shut) <= 0.12 * dark(image)


def test_brown_eyes_with_eyeliner_in_a_photo_keep_the_mesh_lids():
    from talkingphoto.render._eyes import fit_rendered_eyes

    image, face, _ = _brown_eyes(render=False)
    assert fit_rendered_eyes(image, face) is face


def test_a_painted_eye_the_mesh_outlines_keeps_its_lids_beside_a_bigger_one():
    import cv2

    from talkingphoto.characters import topology as topo
    from talkingphoto.render._eyes import fit_rendered_eyes

    # The right eye is drawn bigger than the mesh's, the left one on its outline, a grey
    # shadow under it and beside it (a painted socket's, as on Wesnoth's necromancer).
    image, face, _ = _rendered_eyes(scale=(2.0, 1.0))
    lm = face.landmarks[:, :2].astype(np.float64)
    outline = lm[list(topo.LEFT_EYE_UPPER) + list(topo.LEFT_EYE_LOWER)[::-1]]
    centre, width = np.round(outline.mean(0)).astype(int), np.ptp(outline[:, 0])
    shadow = np.zeros(image.shape[:2], np.uint8)
    cv2.ellipse(shadow, (int(centre[0]), int(centre[1])), (int(0.6 * width), int(0.36 * width)), 0, 0, 180, 1, -1)
    eye = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(eye, [np.round(outline).astype(np.int32)], 1)
    image[(shadow > 0) & (eye == 0)] = (118, 108, 104)
    fitted = fit_rendered_eyes(image, face)
    assert fitted is not face
    middle = topo.RIGHT_EYE_UPPER[len(topo.RIGHT_EYE_UPPER) // 2]
    assert fitted.landmarks[middle, 1] < face.landmarks[middle, 1] - 2  # moved up, to the skin
    # Moved out into the shadow (the lower lid a quarter of the eye's width down, the
    # corners 0.1-0.16 out), the left eye's lids closed it under a grey slab.
    left = list(topo.LEFT_EYE_UPPER) + list(topo.LEFT_EYE_LOWER)
    assert np.array_equal(fitted.landmarks[left], face.landmarks[left])


def test_eyes_the_mesh_outlines_keep_its_lids():
    from talkingphoto.render._eyes import fit_rendered_eyes

    image, face, _ = _rendered_eyes(scale=1.0)
    assert fit_rendered_eyes(image, face) is face
    image, face, _ = _rendered_eyes()
    fitted = fit_rendered_eyes(image, face)
    from talkingphoto.characters import topology as topo

    for upper in (topo.RIGHT_EYE_UPPER, topo.LEFT_EYE_UPPER):
        middle = upper[len(upper) // 2]
        assert fitted.landmarks[middle, 1] < face.landmarks[middle, 1] - 2  # moved up, to the skin


@pytest.mark.slow
def test_a_3d_cartoon_closes_both_eyes_in_a_vivid_blink(real_data, tmp_path):
    from talkingphoto.characters import topology as topo
    from talkingphoto.job import Job
    from talkingphoto.pipeline import frame_at
    from talkingphoto.scene import build_scene

    job = Job.single(
        real_data / "images" / "freedroidrpg_kevin.png",
        tmp_path / "kevin.mp4",
        audio=real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav",
        mode="vivid",
    )
    scene = build_scene(job)
    blink = scene.actors[0].motion.blink
    shut = frame_at(scene, int(np.argmax(blink)))
    assert blink.max() > 0.99
    lm = scene.speaker.landmarks[:, :2]
    for upper in (topo.RIGHT_EYE_UPPER, topo.LEFT_EYE_UPPER):
        eye = lm[list(upper)]
        pad = 0.3 * np.ptp(eye[:, 0])
        (x0, y0), (x1, y1) = np.floor(eye.min(0) - pad).astype(int), np.ceil(eye.max(0) + pad).astype(int)

        def blue(frame):
            box = frame[y0:y1, x0:x1].astype(int)
            return int((box[..., 2] > box[..., 0] + 40).sum())

        # Kevin's blue irises: a fifth of one stayed in view with the mesh's lids.
        assert blue(shut) <= 0.05 * blue(scene.image)


def test_a_rendered_lid_is_blurred_along_the_eye_as_it_closes():
    from talkingphoto.render._eyes import smooth_lid

    # A lid band with lashes painted on it: vertical stripes a pixel apart.
    canvas = np.zeros((40, 60, 3), np.uint8)
    canvas[:, ::2] = (200, 150, 120)
    canvas[:, 1::2] = (120, 80, 60)
    edge = np.stack([np.linspace(10, 50, 9), np.full(9, 24.0)], 1)
    top = edge[1:-1] - (0, 14)
    still = canvas.copy()
    smooth_lid(still, top, edge, 0.0)
    assert np.array_equal(still, canvas)
    shut = canvas.copy()
    smooth_lid(shut, top, edge, 1.0)
    lid = shut[14:22, 20:40].astype(int)
    assert np.abs(np.diff(lid, axis=1)).max() <= 12  # the stripes (80 apart) are gone
    assert abs(lid.mean() - canvas[14:22, 20:40].mean()) < 3  # its colour stays
    assert np.array_equal(shut[:8], canvas[:8]) and np.array_equal(shut[30:], canvas[30:])  # only the lid


def test_a_shut_eye_is_one_smooth_line_tapering_to_its_corners():
    # A face mesh's points on a drawn eye wobble about the ink; lids meeting on them shut
    # the eye on a "~" of even, heavy width. An artist draws one gentle arc, thinner at
    # both ends than through its middle.
    import cv2

    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)
    wobble = 2.5 * np.r_[0, 1, -1, 1, -1, 1, -1, 1, 0]
    upper, lower = upper + np.c_[0 * wobble, wobble], lower + np.c_[0 * wobble, wobble]
    shut = image.copy()
    paint_lid(shut, upper, lower, 1.0, palette)
    lightness = cv2.cvtColor(shut.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]
    skin, lash = (cv2.cvtColor(np.array([[c]], np.float32) / 255, cv2.COLOR_RGB2Lab)[0, 0, 0] for c in (palette.skin, palette.lash))
    ink = np.clip((skin - lightness) / (skin - lash), 0, 1)
    columns = np.arange(24, 77)  # the corners at 20 and 80
    width = ink[:, columns].sum(0)
    centre = (ink[:, columns] * np.arange(len(ink))[:, None]).sum(0) / width
    fit = np.polyfit(columns, centre, 2)
    assert np.abs(centre - np.polyval(fit, columns)).max() < 1.0
    width = width / np.hypot(1, np.polyval(np.polyder(fit), columns))  # across the line
    ends, middle = np.r_[width[:6], width[-6:]].mean(), width[24:30].mean()
    assert ends < 0.8 * middle < 1.2 * palette.thickness


def _shaded_eye():
    """:func:`_anime_eye` in skin shaded from lit (left, top) to shadow (right, bottom), as
    an illustrator shades a face; returns (image, skin alone, upper, lower)."""
    import cv2

    image, upper, lower = _anime_eye()
    ys, xs = np.mgrid[0:80, 0:100]
    shade = np.clip(0.5 * xs / 100 + 0.5 * ys / 80, 0, 1)[..., None]
    skin = np.array((250, 225, 215)) * (1 - shade) + np.array((225, 175, 170)) * shade
    skin = np.round(skin).astype(np.uint8)
    eye = np.zeros((80, 100), np.uint8)
    cv2.ellipse(eye, (50, 40), (32, 24), 0, 0, 360, 1, -1)
    image = np.where(eye[..., None] > 0, image, skin)
    return image, skin, upper, lower


def test_a_shut_lid_continues_the_skin_around_it():
    # A lid of one flat colour (the cheek's) was a pale oval with edges where the eye sits
    # in shaded skin; it is the skin around it, filled in over the eye.
    import cv2

    image, skin, upper, lower = _shaded_eye()
    palette = lid_palette(image, upper, lower)
    shut = image.copy()
    paint_lid(shut, upper, lower, 1.0, palette)
    lid = np.zeros((80, 100), np.uint8)
    cv2.ellipse(lid, (50, 40), (36, 28), 0, 0, 360, 1, -1)
    edge = _lid_shapes(upper, lower, 1.0, palette.thickness)[2]
    cv2.polylines(lid, [np.round(edge).astype(np.int32)], False, 0, int(np.ceil(3 * palette.thickness)) + 2)  # the shut line
    lab = [cv2.cvtColor(p.astype(np.float32) / 255, cv2.COLOR_RGB2Lab) for p in (shut, skin)]
    delta = np.linalg.norm(lab[0] - lab[1], axis=-1)[lid > 0]
    assert np.percentile(delta, 95) < 4.0


def test_a_lid_goes_behind_hair_over_the_eye():
    # Bangs ending just above a drawn eye: the lid's margin above the lash line covered
    # their ends with skin in every blink.
    import cv2

    image, upper, lower = _anime_eye()
    for x in (38, 46, 54, 62):
        cv2.line(image, (x - 4, 0), (x, 11), (170, 100, 90), 3)
    hair = np.zeros((80, 100), bool)
    hair[:12, 30:70] = np.abs(image[:12, 30:70].astype(int) - (250, 225, 215)).sum(-1) > 60
    palette = lid_palette(image, upper, lower)
    for blink in (0.2, 0.5, 1.0):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        changed = np.abs(frame.astype(int) - image).max(-1) > 10
        assert hair.sum() > 40 and not (changed & hair).any(), blink


def test_a_lid_goes_behind_bangs_and_a_strand_that_touch_the_drawn_eye():
    # Bangs whose tips touch the lash line, a strand passing the outer corner: joined to
    # the drawn eye, they were taken into it and covered as it shut (sylvie_green_normal,
    # whose fitted outlines lie inside her drawn eyes, as these).
    import cv2

    image, upper, lower = _anime_eye()
    upper, lower = (50, 40) + 0.85 * (upper - (50, 40)), (50, 40) + 0.85 * (lower - (50, 40))
    image[:5] = (150, 60, 120)
    for x in (38, 50, 62):
        cv2.line(image, (x - 3, 0), (x, 18), (120, 45, 95), 3)
    cv2.line(image, (16, 0), (17, 79), (230, 140, 60), 4)
    # In front down to a tenth of the eye's width above the lash line (the last pixels,
    # raced for by the eye grown out and the hair grown in, may go under the lid); the
    # strand up to a pixel from the eye's drawing (the lid's edge is anti-aliased).
    hair = np.zeros((80, 100), bool)
    hair[:12] = np.abs(image[:12].astype(int) - (250, 225, 215)).sum(-1) > 60
    hair[:, :18] |= np.abs(image[:, :18].astype(int) - (250, 225, 215)).sum(-1) > 60
    palette = lid_palette(image, upper, lower)
    for blink in (0.6, 1.0):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        changed = np.abs(frame.astype(int) - image).max(-1) > 10
        assert hair.sum() > 200 and not (changed & hair).any(), (blink, np.argwhere(changed & hair)[:5])
    blue = (frame[..., 2] > 150) & (frame[..., 0] < 120)
    assert not blue.any()  # the eye is still covered


def test_a_strand_hanging_across_the_drawn_eye_stays_in_front_of_the_lid():
    # A strand of the bangs drawn across the eye's white and iris, of an iris's hue: taken
    # for the eye, the closing lid painted it over, cut off along the lid's edge
    # (sylvie_green_normal); its edge against the lid is the strand's colour feathered,
    # not the eye it hid.
    import cv2

    image, upper, lower = _anime_eye()
    image[:6] = (230, 140, 60)
    cv2.line(image, (44, 0), (48, 34), (230, 140, 60), 5)
    strand = np.zeros((80, 100), np.uint8)
    cv2.line(strand, (44, 0), (48, 34), 1, 5)
    whole = cv2.erode(strand, np.ones((3, 3), np.uint8)) > 0
    beside = (cv2.dilate(strand, np.ones((3, 3), np.uint8)) > 0) & (strand == 0)
    palette = lid_palette(image, upper, lower)
    for blink in (0.45, 1.0):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        changed = np.abs(frame.astype(int) - image).max(-1) > 10
        assert whole.sum() > 100 and not (changed & whole).any(), blink
    blue = (frame[..., 2] > 150) & (frame[..., 0] < 120)
    assert not blue.any()  # the eye beside and under the strand is covered
    fringe = frame[beside & (image[..., 2] > 150)].astype(int)
    assert len(fringe) > 10 and (fringe[:, 2] - fringe[:, 0]).max() < 20  # no fringe of iris


def test_a_shut_eye_leaves_no_end_of_the_drawn_lash_line_above_it():
    # The artist's lash line reaches past the fitted outline at the outer corner (a "(");
    # its end stayed above the shut line, two marks for one closed eye.
    import cv2

    image, upper, lower = _anime_eye()
    cv2.ellipse(image, (50, 40), (36, 26), 0, 185, 250, (30, 20, 40), 3)
    cv2.line(image, (38, 16), (38, 20), (30, 20, 40), 3)  # joined to the lash line
    arc = np.zeros((80, 100), bool)
    arc[:34, :30] = image[:34, :30].astype(int).sum(-1) < 300
    palette = lid_palette(image, upper, lower)
    shut = image.copy()
    paint_lid(shut, upper, lower, 1.0, palette)
    assert arc.sum() > 20
    assert (shut[:34, :30].astype(int).sum(-1) < 500).sum() == 0


def test_a_closing_lid_leaves_no_drawn_side_of_the_eye_standing_above_its_edge():
    # The artist's eye reaches past the fitted outline at the outer corner (a "("): half
    # closed, the lid stopped at the outline there and the drawn side stood above its edge
    # as specks and a dark rim (sylvie_green_normal's tall eyes, blinks 0.4-0.7).
    import cv2

    image, upper, lower = _anime_eye()
    cv2.ellipse(image, (50, 40), (36, 26), 0, 185, 250, (30, 20, 40), 3)
    palette = lid_palette(image, upper, lower)
    ys = np.mgrid[0:80, 0:100][0]
    for blink in (0.5, 0.6):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        edge, inside = _lid_shapes(upper, lower, blink, palette.thickness)[2:]
        above = ys < edge[inside > 0][:, 1].min() - 2 * palette.thickness
        dark = frame.astype(int).sum(-1) < 500
        assert (image.astype(int).sum(-1) < 500)[above].sum() > 20
        assert not (dark & above).any(), (blink, np.argwhere(dark & above)[:5])


def test_a_shut_lid_takes_no_grey_from_a_lash_line_tapering_out():
    # A lash line running on past the corner in soft grey: its anti-aliased rim passed for
    # skin and the lid filled in from it was a grey smudge (eileen_vhappy's inner corners).
    import cv2

    image, upper, lower = _anime_eye()
    taper = np.zeros((80, 100), np.float32)
    cv2.ellipse(taper, (50, 40), (33, 25), 0, 182, 250, 1.0, 2)
    taper = np.clip(cv2.GaussianBlur(taper, (0, 0), 1.5) * 1.6, 0, 1)[..., None]
    image = np.clip(image * (1 - taper) + np.array((150, 140, 135)) * taper + 0.5, 0, 255).astype(np.uint8)
    palette = lid_palette(image, upper, lower)
    shut = image.copy()
    paint_lid(shut, upper, lower, 1.0, palette)
    lid = np.abs(shut.astype(int) - image).max(-1) > 3
    edge = _lid_shapes(upper, lower, 1.0, palette.thickness)[2]
    line = np.zeros((80, 100), np.uint8)
    cv2.polylines(line, [np.round(edge).astype(np.int32)], False, 1, int(np.ceil(3 * palette.thickness)) + 2)
    lid &= (line == 0) & (taper[..., 0] < 0.05)
    skin = np.full_like(shut, (250, 225, 215))
    lab = [cv2.cvtColor(p.astype(np.float32) / 255, cv2.COLOR_RGB2Lab) for p in (shut, skin)]
    delta = np.linalg.norm(lab[0] - lab[1], axis=-1)[lid]
    assert lid.sum() > 1000 and np.percentile(delta, 95) < 3.0


def test_a_render_with_big_eyes_that_passes_for_drawn_closes_them_as_a_render():
    from talkingphoto.characters import topology as topo
    from talkingphoto.render import FaceAnimator, Pose

    # A 3D render's smooth shading can pass for drawn: with eyes big enough for painted
    # lids, the lid was a flat patch with the eye's dark outline left round it (professor).
    image, face, iris = _rendered_eyes(scale=2.6)
    lm = face.landmarks.copy()
    for upper, lower in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        middle = 0.5 * (lm[list(upper[1:-1]), 1] + lm[list(lower[1:-1]), 1])
        lm[list(upper[1:-1]), 1] = middle + 1.7 * (lm[list(upper[1:-1]), 1] - middle)
        lm[list(lower[1:-1]), 1] = middle + 1.7 * (lm[list(lower[1:-1]), 1] - middle)
    animator = FaceAnimator(image, replace(face, style="drawn", detector="face_mesh", landmarks=lm), whole_face=True, head_motion=False)
    assert animator.rendered_eyes and animator.rig.lids == "squash"
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    blue = (shut[..., 2] > 150) & (shut[..., 0] < 120)
    assert blue.sum() <= 0.02 * iris.sum()


def test_a_rendered_lid_in_shadow_takes_the_shadowed_skin_around_it():
    from talkingphoto.render._eyes import light_lid

    # The eye sits in shadow (under a hat's brim): the skin around it is darker than the
    # lit skin further out, with its own grain. The shut lid was lit skin, a pale oval.
    rng = np.random.default_rng(3)
    canvas = np.clip(np.full((40, 60, 3), (120, 80, 62), np.float64) + rng.normal(0, 2, (40, 60, 3)), 0, 255).astype(np.uint8)
    edge = np.stack([np.linspace(15, 45, 9), np.full(9, 26.0)], 1)
    top = edge[1:-1] - (0, 10)
    canvas[17:26, 18:43] = (90, 60, 70)  # the band stretched down: lashes, eyeliner
    shut = canvas.copy()
    light_lid(shut, top, edge, 1.0, (220, 165, 135))
    lid = shut[19:25, 22:39].reshape(-1, 3).astype(float)
    # It meets the shadowed skin above and beside it without a step.
    assert np.abs(np.median(lid, axis=0) - (120, 80, 62)).max() < 15
    assert np.array_equal(shut[:5], canvas[:5]) and np.array_equal(shut[32:], canvas[32:])  # only the lid


def _lid_under_brow_shadow(lit, *, seed: int) -> tuple:
    """A render's eye shut by ``light_lid``: lit skin of colour ``lit`` with a little noise,
    the brow's shadow right above the lid (rows 6-15), the lash line (rows 25-26); returns
    the canvas, the lid's edge and the line above it."""
    rng = np.random.default_rng(seed)
    canvas = np.clip(np.full((40, 60, 3), lit, np.float64) + rng.normal(0, 2, (40, 60, 3)), 0, 255).astype(np.uint8)
    canvas[6:16] = (110, 90, 60)
    canvas[25:27, 18:43] = (70, 50, 45)
    edge = np.stack([np.linspace(15, 45, 9), np.full(9, 26.0)], 1)
    return canvas, edge, edge[1:-1] - (0, 10)


def test_a_rendered_lid_under_a_brow_shadow_keeps_its_lit_skin():
    from talkingphoto.render._eyes import light_lid

    # The upper lid is lit skin, the band above it lies in the brow ridge's shadow (kevin):
    # filled in from that shadow, the shut lid was a dull grey-green patch under lit lids.
    lit = (240, 215, 170)
    canvas, edge, top = _lid_under_brow_shadow(lit, seed=5)
    shut = canvas.copy()
    light_lid(shut, top, edge, 1.0, lit)
    lid = shut[21:25, 20:41].reshape(-1, 3).astype(float)  # its middle, clear of the rim
    assert np.abs(np.median(lid, axis=0) - lit).max() < 16
    assert np.array_equal(shut[:3], canvas[:3]) and np.array_equal(shut[34:], canvas[34:])  # only the lid
    # Where it meets the shadow it turns to it: a whole lid of lit skin read as a pale oval.
    assert np.median(shut[16, 22:39].astype(float).sum(-1)) < np.median(shut[23, 22:39].astype(float).sum(-1)) - 90


def test_a_rendered_lid_takes_the_skin_in_another_light_around_it():
    from talkingphoto.render._eyes import light_lid

    # The eye's outer half lies in blue light (female_hunter's), the rest of the face in warm
    # light: skin told by the warm cheek's hue left the blue-lit skin out, and the shut lid
    # was warm skin all across, a tan patch in the blue light.
    rng = np.random.default_rng(7)
    warm, blue = (200, 160, 120), (80, 85, 115)
    canvas = np.full((40, 60, 3), warm, np.float64)
    canvas[:, :30] = blue
    canvas = np.clip(canvas + rng.normal(0, 2, canvas.shape), 0, 255).astype(np.uint8)
    edge = np.stack([np.linspace(15, 45, 9), np.full(9, 26.0)], 1)
    top = edge[1:-1] - (0, 10)
    canvas[17:26, 18:43] = (120, 110, 100)  # the band stretched down
    shut = canvas.copy()
    light_lid(shut, top, edge, 1.0, warm, tinted=blue)
    outer, inner = np.median(shut[19:25, 16:21].reshape(-1, 3), axis=0), np.median(shut[19:25, 38:42].reshape(-1, 3), axis=0)
    assert outer[2] > outer[0] + 10  # blue where it meets the blue-lit skin, not lit warm as a shadow would be
    assert inner[0] > inner[2] + 40  # warm


def test_skin_in_another_light_is_found_above_and_below_an_eye_not_hair_above_it():
    from talkingphoto.render._eyes import tinted_skin_around

    # Blue light over the outer side of the eye, above and below it, is skin in that light;
    # blue hair over the eye, only above it, is not.
    warm, blue = (200, 160, 120), (80, 85, 115)
    upper = np.stack([np.linspace(30, 70, 9), 50 - 8 * np.sin(np.linspace(0, np.pi, 9))], 1)
    lower = np.stack([np.linspace(30, 70, 9), 50 + 6 * np.sin(np.linspace(0, np.pi, 9))], 1)
    lit = np.full((100, 100, 3), warm, np.uint8)
    lit[:, :45] = blue
    found = tinted_skin_around(lit, upper, lower)
    assert found is not None and found[2] > found[0] + 20
    hair = np.full((100, 100, 3), warm, np.uint8)
    hair[:46, :] = blue
    assert tinted_skin_around(hair, upper, lower) is None
    assert tinted_skin_around(np.full((100, 100, 3), warm, np.uint8), upper, lower) is None
    # Skin in shade turns warmer (kevin's brow shadow): a shade the lid turns to no more
    # than to any shadow, not another light.
    shade = np.full((100, 100, 3), warm, np.uint8)
    shade[:, :45] = (170, 95, 80)  # 40 degrees off the cheek's hue
    assert tinted_skin_around(shade, upper, lower) is None


def test_a_rendered_lid_takes_its_skin_by_half_a_blink():
    from talkingphoto.render._eyes import light_lid

    # The band stretched down over a small eye carries its painted lashes: taken in only as
    # the blink went, half of them showed through at blink 0.5 as streaks down the lid.
    skin = (220, 170, 140)
    canvas = np.full((40, 60, 3), skin, np.uint8)
    edge = np.stack([np.linspace(15, 45, 9), np.full(9, 26.0)], 1)
    top = edge[1:-1] - (0, 10)
    canvas[17:26, 18:43:3] = (150, 80, 40)  # orange lashes, stretched into streaks
    shut = canvas.copy()
    light_lid(shut, top, edge, 0.5, skin)
    assert np.ptp(shut[21, 20:41].astype(int).sum(-1)) < 40


def test_a_rendered_lid_keeps_no_more_grain_than_the_skin_around_it():
    from talkingphoto.render._eyes import light_lid

    # Thin lashes stretched down a small eye's shut lid pass for grain: kept whole, they ran
    # down the lid in streaks; the skin around it is smooth.
    skin = (220, 170, 140)
    canvas = np.full((40, 60, 3), skin, np.uint8)
    canvas[::2, ::2] += 3  # the render's fine noise
    edge = np.stack([np.linspace(15, 45, 9), np.full(9, 26.0)], 1)
    top = edge[1:-1] - (0, 10)
    canvas[17:26, 18:43:3] = (150, 80, 40)
    shut = canvas.copy()
    light_lid(shut, top, edge, 1.0, skin)
    assert np.ptp(shut[21, 20:41].astype(int).sum(-1)) < 40


def test_a_rendered_lid_takes_no_colour_from_a_highlight_burnt_out_on_it():
    from talkingphoto.render._eyes import light_lid
    from talkingphoto.render._colour import _lab

    # The lit upper lid shines burnt out, two channels at the top (kevin's: 255, 255, 195,
    # pale yellow-green where his skin is orange): stretched down, that shine was most of
    # the band and the shut lid took it for its own lit skin, a pale yellow-green patch.
    lit = (255, 216, 163)
    canvas, edge, top = _lid_under_brow_shadow(lit, seed=11)
    canvas[16:24, 21:40] = (255, 255, 195)  # the shine, stretched down
    shut = canvas.copy()
    light_lid(shut, top, edge, 1.0, lit)
    lid = np.median(_lab(shut[19:25, 22:39]).reshape(-1, 3), axis=0)
    skin = _lab(np.array([[lit]], np.uint8))[0, 0]
    # The skin's hue and near its light: it was L* 97 a* -5, on skin of L* 89 a* +6.
    assert abs(lid[1] - skin[1]) < 3 and np.linalg.norm(lid - skin) < 8, (lid, skin)
    assert np.array_equal(shut[:3], canvas[:3]) and np.array_equal(shut[34:], canvas[34:])  # only the lid


def _small_painted_eyes(*, drop: float):
    """Small painted eyes (18 pixels wide, 6 high) in an olive face: a dark socket around
    each and a light yellow iris (9 by 5 pixels) ``drop`` pixels below the middle of the
    mesh's lids (Wesnoth's orcs: the mesh outlines the eye a pixel or two too high). Returns (image, face as face mesh
    finds it, iris [shape=(160, 160), bool: the yellow])."""
    import cv2
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo

    _, face = synthetic_face(size=160, iris_distance=40.0)
    rng = np.random.default_rng(2)
    image = np.clip(np.full((160, 160, 3), (150, 130, 80), np.float64) + rng.normal(0, 2, (160, 160, 3)), 0, 255)
    image = image.astype(np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    for upper, lower in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        outline = lm[list(upper) + list(lower)[::-1]]
        centre = outline.mean(0) + (0, drop)
        socket = outline.mean(0) + (outline - outline.mean(0)) * (1.0, 1.6) + (0, drop)
        cv2.fillPoly(image, [np.round(socket).astype(np.int32)], (60, 50, 30))
        x, y = (int(v) for v in np.round(centre))
        cv2.ellipse(image, (x, y), (4, 2), 0, 0, 360, (235, 205, 90), -1)
        image[y - 1 : y + 2, x] = (10, 10, 10)  # the pupil, a slit
    iris = (image[..., 0] > 200) & (image[..., 2] < 130)
    return image, replace(face, detector="face_mesh"), iris


def test_a_small_painted_eye_below_the_mesh_lids_closes_fully():
    from talkingphoto.render import FaceAnimator, Pose

    image, face, iris = _small_painted_eyes(drop=3.0)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    yellow = (shut[..., 0] > 200) & (shut[..., 2] < 130)
    # The mesh's lower lids crossed the irises: the squash closed their upper halves and
    # left the rest in view (about half of each iris); the lids moved down cover them.
    assert yellow.sum() <= 0.1 * iris.sum()
    # Open, nothing changes.
    still = image.copy()
    animator.apply(still, Pose(blink=0.0))
    assert np.array_equal(still[iris], image[iris])


def test_a_painted_eye_between_the_mesh_lids_keeps_them():
    from talkingphoto.render._eyes import fit_painted_eyes

    image, face, _ = _small_painted_eyes(drop=0.0)
    assert fit_painted_eyes(image, face) is face


def test_a_narrow_iris_between_the_lower_lids_points_is_closed_over():
    from talkingphoto.characters import topology as topo
    from talkingphoto.render import FaceAnimator, Pose

    # Face mesh's lid points lie two pixels apart on a small painted eye: the bottom of an
    # iris, a pixel just below the lower lid in the column between two points' rays, was
    # missed (Wesnoth's grunt), the lid stayed above it and the blink's peak left it in view.
    image, face, _ = _small_painted_eyes(drop=0.0)
    image[(image[..., 0] > 200) | (image.sum(-1) < 60)] = (60, 50, 30)  # no iris in the lids
    lm = face.landmarks[:, :2].astype(np.float64)
    for lower_ids in (topo.RIGHT_EYE_LOWER, topo.LEFT_EYE_LOWER):
        lower = lm[list(lower_ids)]
        a, b = lower[3], lower[4]
        x = int(np.ceil(0.5 * (a[0] + b[0])))
        assert x not in (round(a[0]), round(b[0]))  # between the two points' rays
        image[int(np.ceil(max(a[1], b[1]))), x] = (235, 205, 90)
    iris = (image[..., 0] > 200) & (image[..., 2] < 130)
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    yellow = (shut[..., 0] > 200) & (shut[..., 2] < 130)
    assert iris.sum() == 2 and yellow.sum() == 0


def _outsized_eye_outlines(*, irises: bool = True):
    """A drawn face whose mesh eye outlines are three times too wide for its small painted
    eyes (a 17-pixel lash line over a white and a blue iris), taking in the brows, and too
    wide for its mouth (1.6 mouth widths, Wesnoth's elvish captain's 1.7). Returns (image,
    face, blue [bool: the irises])."""
    import cv2
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo

    _, face = synthetic_face(size=240, iris_distance=60.0, style="drawn")
    rng = np.random.default_rng(3)
    image = np.clip(np.full((240, 240, 3), (230, 190, 160), np.float64) + rng.normal(0, 2, (240, 240, 3)), 0, 255)
    image = image.astype(np.uint8)
    landmarks = face.landmarks.copy()
    lm = landmarks[:, :2].astype(np.float64)
    mouth = list(dict.fromkeys(topo.LIPS_ALL))
    lm[mouth] = lm[mouth].mean(0) + 0.6 * (lm[mouth] - lm[mouth].mean(0))
    for upper, lower, iris in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_IRIS), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_IRIS)):
        ids = list(upper) + list(lower) + list(iris)
        x, y = (int(v) for v in np.round(lm[list(upper) + list(lower)].mean(0)))
        lm[ids] = (x, y) + 1.8 * (lm[ids] - (x, y))
        image[y - 6 : y - 4, x - 18 : x + 18] = (90, 60, 40)  # the brow, inside the outline
        if irises:
            image[y - 2 : y, x - 8 : x + 9] = (60, 40, 30)  # the lash line
            image[y : y + 3, x - 6 : x + 7] = (240, 240, 235)  # the white
            cv2.ellipse(image, (x, y + 1), (2, 1), 0, 0, 360, (60, 110, 200), -1)
    blue = (image[..., 2] > 180) & (image[..., 0] < 100)
    landmarks[:, :2] = lm
    return image, replace(face, landmarks=landmarks), blue


def test_an_eye_outline_three_times_too_big_is_refitted_onto_the_painted_eye():
    from talkingphoto.render import FaceAnimator, Pose

    # Face mesh outlined a painted eye with its brow and headband (the elvish captain): held
    # still, the eye never blinked; squashed whole, the brow came down over the face.
    image, face, blue = _outsized_eye_outlines()
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    assert animator.rig.still_eyes == ()
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    assert blue.sum() > 0 and ((shut[..., 2] > 180) & (shut[..., 0] < 100)).sum() <= 0.1 * blue.sum()
    brows = np.all(image == (90, 60, 40), axis=2)
    assert np.array_equal(shut[brows], image[brows])
    # No painted eye inside the outlines: it cannot be refitted, and both eyes stay still.
    image, face, _ = _outsized_eye_outlines(irises=False)
    assert FaceAnimator(image, face, whole_face=True, head_motion=False).rig.still_eyes == ("right", "left")


def test_a_photo_eye_whose_iris_shows_above_the_mesh_lid_closes_under_skin():
    # Face mesh often puts a photo's upper lid inside the iris (grace_hopper: the iris's top
    # and its catchlight lie above it). The band above the lid, squashed down, closed the
    # eye under a dark smudge of iris; the closing lid takes the skin around it instead.
    import cv2
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo
    from talkingphoto.render import FaceAnimator, Pose

    _, face = synthetic_face(size=240, iris_distance=60.0)
    rng = np.random.default_rng(2)
    skin = np.array((215, 160, 130), np.float64)
    image = np.clip(skin + rng.normal(0, 3, (240, 240, 3)), 0, 255).astype(np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    eyes = np.zeros((240, 240), bool)
    for upper, lower in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        outline = lm[list(upper) + list(lower)[::-1]]
        centre, height = outline.mean(0), np.ptp(outline[:, 1])
        eye = np.zeros((240, 240), np.uint8)
        cv2.fillPoly(eye, [np.round(outline).astype(np.int32)], 1)
        image[eye > 0] = (225, 222, 215)  # the white
        # A brown iris reaching 0.6 of the eye's height above the mesh's lid, with a
        # catchlight in its top, under a fine lash line on the real lid's edge.
        cv2.circle(image, tuple(int(v) for v in np.round(centre - (0, 0.3 * height))), int(round(0.8 * height)), (55, 35, 28), -1)
        cv2.circle(image, tuple(int(v) for v in np.round(centre - (0.2 * height, 0.75 * height))), 1, (250, 250, 250), -1)
        top = np.round(lm[list(upper)] - (0, 0.6 * height)).astype(np.int32)
        cv2.polylines(image, [top], False, (40, 28, 25), 1)
        grown = centre + (outline - centre) * (1.1, 2.6)
        cv2.fillPoly(eye, [np.round(grown).astype(np.int32)], 1)
        eyes |= eye > 0
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    assert not animator.rendered_eyes  # a photo's eye: the mesh's lids, squashed
    shut = image.copy()
    animator.apply(shut, Pose(blink=1.0))
    lightness = shut.astype(np.float64) @ [0.299, 0.587, 0.114]
    # Dark pixels left around the shut eyes: only the lash line's (a stroke under 2 px
    # across each eye), not a smudge of iris over the lid.
    dark = (lightness < 100) & eyes
    assert dark.sum() < 2 * 2 * 0.6 * 60


@pytest.mark.parametrize("skin_only", [False, True])
def test_a_photo_lid_takes_no_shading_from_the_eye_in_its_band(skin_only):
    from talkingphoto.render._eyes import light_lid

    # A photo's mesh lid lies inside the eye, so its band stretched down holds a blot of the
    # eye's white and grey iris (Wesnoth's ruffian): read as the lid's shading and grain it
    # stayed a grey blot on the shut lid. Read from the skin alone, the lid is skin there.
    lit = (220, 170, 140)
    rng = np.random.default_rng(3)
    canvas = np.clip(np.full((40, 60, 3), lit, np.float64) + rng.normal(0, 4, (40, 60, 3)), 0, 255).astype(np.uint8)
    canvas[18:25, 26:34] = (170, 172, 178)  # the white and a grey iris
    edge = np.stack([np.linspace(15, 45, 9), np.full(9, 26.0)], 1)
    shut = canvas.copy()
    light_lid(shut, edge[1:-1] - (0, 10), edge, 1.0, lit, skin_only=skin_only)
    blot = np.median(shut[19:24, 27:33].reshape(-1, 3).astype(float), axis=0)
    off = np.abs(blot - lit).max()
    assert (off < 15) if skin_only else (off > 20)


@pytest.mark.parametrize("deep", [True, False])
def test_a_photo_lid_in_a_deep_socket_shuts_in_the_socket_s_shade(deep):
    from talkingphoto.render._eyes import light_lid, socket_depth

    # A painted eye set deep under a hood: the socket around it is a dark shade of the skin.
    # Lit like the skin beyond the socket, the shut lid was a pale oval where the eye had
    # been (Flare's hooded rogue); it takes the socket's shade and meets it without an edge.
    # How deep is read once from the picture at rest: read from the closing band each frame
    # it swung through the blink. A socket in the skin's own light is no socket.
    lit = (220, 165, 135)
    socket = (60, 38, 30) if deep else (205, 150, 122)
    rng = np.random.default_rng(4)
    canvas = np.full((44, 64, 3), lit, np.float64)
    canvas[6:38, 8:56] = socket
    canvas[19:25, 25:35] = (170, 172, 178)  # the white and a grey iris in the band
    canvas = np.clip(canvas + rng.normal(0, 3, canvas.shape), 0, 255).astype(np.uint8)
    edge = np.stack([np.linspace(15, 47, 9), np.full(9, 26.0)], 1)
    top = edge[1:-1] - (0, 10)
    open_edge = edge - (0, 6)  # the lid at rest, above the eye
    depth = socket_depth(canvas, top, open_edge, lit)
    assert depth == (1.0 if deep else 0.0)
    shut = canvas.copy()
    light_lid(shut, top, edge, 1.0, lit, skin_only=True, socket=depth)
    lid = np.median(shut[19:25, 22:40].reshape(-1, 3).astype(float), axis=0)
    assert np.abs(lid - socket).max() < 20
