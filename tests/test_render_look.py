"""The mouth's look: one mouth on drawn faces, the photo's own teeth, eased shapes, rest on the picture's mouth."""

import cv2
import numpy as np
import pytest
from conftest import synthetic_face

from talkingphoto.characters import topology as topo
from talkingphoto.motion import MouthTrack
from talkingphoto.render import FaceAnimator, Pose, mouth_shapes
from talkingphoto.render._mouth import CAVITY_LIFT, CAVITY_SHADE, MouthLook, MouthPalette, paint_mouth
from talkingphoto.render._mouth_reading import part_lips, read_mouth
from talkingphoto.render._rig import FV_GAP, LINE_ART_GAP, MAX_GAP, mouth_polygon, opening
from talkingphoto.render._shapes import OPEN_RATE

SKIN = (250, 222, 205)
INK = (90, 40, 60)
ENAMEL = (236, 226, 208)
LILAC = (222, 214, 240)  # sylvie_green_giggle's teeth under the upper line
CUP_RIM, CUP_TONGUE = (205, 124, 104), (240, 168, 143)  # eileen_vhappy's drawn mouth
LIP = (215, 130, 125)


def _inner(face) -> np.ndarray:
    lm = face.landmarks[:, :2].astype(np.float64)
    return np.vstack([lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER][::-1]])


def _drawn_grin(lower_line=True, shaded=False, k=1, thin=False):
    """A flat-shaded drawn face whose mouth is an open grin: white teeth in an inked outline
    (or under an inked upper line only), ``shaded`` lilac in their upper third; ``k`` times
    the size; ``thin``: the upper line inked only in its outer quarters."""
    _, face = synthetic_face(size=240 * k, iris_distance=60.0 * k, mouth_gap=8.0 * k, style="drawn")
    image = np.zeros((240 * k, 240 * k, 3), np.uint8)
    image[:] = SKIN
    grin = np.round(_inner(face)).astype(np.int32)
    cv2.fillPoly(image, [grin], (255, 255, 255))
    if shaded:
        inside = np.zeros(image.shape[:2], np.uint8)
        cv2.fillPoly(inside, [grin], 1)
        rows = np.flatnonzero(inside.any(axis=1))
        inside[rows[0] + (len(rows) + 1) // 3 :] = 0
        image[inside > 0] = LILAC
    upper = len(topo.LIPS_UPPER_INNER)
    if thin:
        cv2.polylines(image, [grin[upper - 1 :]], False, INK, thickness=2)
        cv2.polylines(image, [grin[: upper // 4 + 1], grin[upper - 1 - upper // 4 : upper]], False, INK, thickness=2)
        return image, face
    cv2.polylines(image, [grin if lower_line else grin[:upper]], lower_line, INK, thickness=2)
    return image, face


def _toothy_photo():
    """A photo-style face smiling with its upper teeth showing (a noisy enamel band)."""
    image, face = synthetic_face(mouth_gap=8.0)
    lm = face.landmarks[:, :2]
    rng = np.random.default_rng(1)
    opening_mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(opening_mask, [np.round(_inner(face)).astype(np.int32)], 1)
    lips = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    cv2.fillPoly(image, [np.round(lips).astype(np.int32)], (185, 95, 100))
    noise = rng.normal(0, 4, image.shape)
    teeth = np.clip(np.array(ENAMEL) + noise, 0, 255).astype(np.uint8)
    image[opening_mask > 0] = teeth[opening_mask > 0]
    return image, face


def _tooth_lab(frame, polygon):
    """Median Lab (L 0..100) of the bright, unsaturated pixels inside ``polygon``, and how many.

    The median is the enamel's own colour: teeth shaded into the corners and up under the
    lip are darker, as they should be, without being a differently coloured block."""
    mask = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8))
    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB).astype(np.float64)[mask > 0]
    lab = np.stack([lab[:, 0] / 2.55, lab[:, 1] - 128, lab[:, 2] - 128], 1)
    teeth = lab[(lab[:, 0] > 60) & (np.hypot(lab[:, 1], lab[:, 2]) < 30)]
    return np.median(teeth, 0), len(teeth)


def test_a_drawn_grin_is_replaced_so_it_can_close():
    image, face = _drawn_grin()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.line is not None  # line art: erased and redrawn
    frame = image.copy()
    pose = Pose(open=0.6, press=1.0)
    animator.apply(frame, pose)
    dst = animator.posed_points(pose)
    # No white of the old grin anywhere: one mouth, shut.
    white = np.all(frame > 245, axis=2)
    assert not white.any()
    # Whatever is not skin lies on the new closed mouth's line.
    differs = np.abs(frame.astype(int) - SKIN).max(axis=2) > 30
    line = np.zeros(image.shape[:2], np.uint8)
    cv2.polylines(line, [np.round(mouth_polygon(animator.rig, dst)).astype(np.int32)], True, 1, thickness=5)
    assert differs.any() and not (differs & (line == 0)).any()


def test_a_drawn_grin_shows_one_outlined_mouth_when_open():
    image, face = _drawn_grin()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    frame = image.copy()
    animator.apply(frame, Pose(open=0.9))
    dst = animator.posed_points(Pose(open=0.9))
    inside = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(mouth_polygon(animator.rig, dst)).astype(np.int32)], 1)
    ring = cv2.dilate(inside, np.ones((7, 7), np.uint8)) > 0
    differs = np.abs(frame.astype(int) - SKIN).max(axis=2) > 30
    assert not (differs & ~ring).any()  # nothing of the old grin outside the new shape
    dark = frame[inside > 0].astype(float) @ [0.299, 0.587, 0.114] < 90
    assert dark.mean() > 0.3  # the opening is a dark cavity, not the old teeth stretched


def test_line_art_opens_taller_for_its_width_than_a_photo():
    # A small inked mouth opened like a photo's reads as shut until the vowel is wide.
    def share(animator):
        points = animator.posed_points(Pose(open=0.4))
        rig = animator.rig
        gap = (points[rig.slot["lower_inner"]] - points[rig.slot["upper_inner"]]) @ rig.down
        return gap.max() / rig.mouth_width

    drawn = FaceAnimator(*_drawn_grin(), whole_face=False, head_motion=False)
    photo = FaceAnimator(*synthetic_face(), whole_face=False, head_motion=False)
    assert share(photo) == pytest.approx(0.4 * MAX_GAP, rel=0.05)
    assert share(drawn) == pytest.approx(0.4 * LINE_ART_GAP, rel=0.05) and LINE_ART_GAP > 1.4 * MAX_GAP


@pytest.mark.parametrize("rest", [0.95, 0.6])
def test_leaving_the_rest_pose_a_drawn_grin_is_replaced_at_once_with_no_ghost(rest):
    image, face = _drawn_grin()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.own_mouth.teeth is not None  # a grin: its inside is teeth
    (x0, y0, x1, y1), erased, where = animator.erased
    without = image.copy()
    without[y0:y1, x0:x1][where] = erased[where]
    assert (np.abs(without.astype(int) - SKIN).max(axis=2) <= 8)[y0:y1, x0:x1][where].all()  # skin only
    # As soon as the face leaves its rest, the frame is what a picture that never had the
    # grin would give: no see-through second mouth, however little the shape has moved.
    pose = Pose(open=0.2, rest=rest)
    frame, clean = image.copy(), without.copy()
    animator.apply(frame, pose)
    animator.apply(clean, pose)
    assert np.array_equal(frame, clean)
    at_rest = image.copy()
    animator.apply(at_rest, Pose(open=0.2, rest=1.0))
    assert np.array_equal(at_rest, image)


def _easing_out_of_rest(image, animator) -> list:
    """Frames of the ease out of the rest at 25 fps (see mouth_shapes), lips nearly shut, as int."""
    frames = []
    for rest in (1.0, 0.84, 0.5, 0.16, 0.0):
        frame = image.copy()
        animator.apply(frame, Pose(open=0.07, rest=rest))
        frames.append(frame.astype(int))
    return frames


def test_a_drawn_grin_closes_through_its_own_shape_without_a_snap():
    image, face = _drawn_grin()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.own_mouth is not None and animator.look.own_mouth.teeth is not None
    # The ease out of the rest at 25 fps (see mouth_shapes), lips nearly shut: the first
    # frame out of it changes a third of what the whole ease does (the painted mouth
    # used to replace the grin there, dark inside: two thirds), the others close it.
    frames = _easing_out_of_rest(image, animator)
    assert np.array_equal(frames[0], image)
    changed = lambda a, b: (np.abs(a - b).max(axis=2) > 40).sum()  # noqa: E731
    assert changed(frames[0], frames[1]) < 0.4 * changed(frames[0], frames[-1])
    # Still the grin a frame out of the rest: its teeth fill it, no dark cavity shows.
    inside = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(_inner(face)).astype(np.int32)], 1)
    luma = frames[1][cv2.erode(inside, np.ones((5, 5), np.uint8)) > 0] @ [0.299, 0.587, 0.114]
    assert (luma > 200).mean() > 0.8


def test_a_grin_drawn_without_a_lower_line_gets_a_faint_one_back_at_rest():
    lows = []
    for lower_line in (True, False):
        image, face = _drawn_grin(lower_line)
        animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
        frame = image.copy()
        animator.apply(frame, Pose(open=0.07, rest=0.84))
        # The painted grin's lower edge, a frame out of the rest: inked as the drawing is.
        lower = np.round(animator.look.own_mouth.lower[3:-3]).astype(int)
        rows = lower[:, 1][:, None] + np.arange(-2, 3)
        lows.append(frame[rows, lower[:, 0][:, None]].astype(float) @ [0.299, 0.587, 0.114])
        assert animator.look.own_mouth.lower_ink == pytest.approx(1.0 if lower_line else 0.0, abs=0.15)
    skin = np.dot(SKIN, [0.299, 0.587, 0.114])
    inked, faint = (np.median(low.min(axis=1)) for low in lows)
    assert faint > skin - 0.35 * (skin - inked)


def test_the_painted_grin_taking_over_keeps_the_drawn_teeth_shading():
    # The frame that takes over from a drawn grin used to fill it with flat white teeth
    # where the artist shaded them lilac under the upper line: a change of look.
    image, face = _drawn_grin(shaded=True, k=2)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.own_mouth.grin
    frame = image.copy()
    animator.apply(frame, Pose(open=0.07, rest=0.84))
    lab = cv2.cvtColor(frame, cv2.COLOR_RGB2LAB).astype(float)
    lab = np.stack([lab[..., 0] / 2.55, lab[..., 1] - 128, lab[..., 2] - 128], -1)
    lilac = cv2.cvtColor(np.array([[LILAC]], np.uint8), cv2.COLOR_RGB2LAB)[0, 0].astype(float)
    lilac = np.array([lilac[0] / 2.55, lilac[1] - 128, lilac[2] - 128])
    teeth = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(teeth, [np.round(_inner(face)).astype(np.int32)], 1)
    teeth = (teeth > 0) & (lab[..., 0] > 70)  # not the ink
    rows = np.flatnonzero(teeth.sum(axis=1) > 10)
    far = lambda row: np.linalg.norm(lab[row][teeth[row]].mean(0) - lilac)  # noqa: E731
    assert far(rows[0]) < 5  # lilac under the upper line, as drawn
    assert far(rows[-1]) > 10  # white further down


def test_the_painted_grin_taking_over_inks_its_upper_line_as_drawn():
    # An artist may leave a grin's upper line out over the middle of the teeth; the frame
    # taking over from the drawing used to ink it evenly, a dark bar the picture never had.
    image, face = _drawn_grin(k=2, thin=True)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    own = animator.look.own_mouth
    assert own.grin
    frame = image.copy()
    animator.apply(frame, Pose(open=0.07, rest=0.84))
    luma = frame.astype(float) @ [0.299, 0.587, 0.114]
    skin, ink = np.dot(SKIN, [0.299, 0.587, 0.114]), np.dot(INK, [0.299, 0.587, 0.114])
    shade = (skin - luma) / (skin - ink)  # 0 skin .. 1 ink
    m = len(own.upper)
    top = animator.posed_points(Pose(open=0.07, rest=0.84))[animator.rig.slot["upper_inner"]]
    darkest = [shade[int(round(y)) - 4 : int(round(y)) + 5, int(round(x))].max() for x, y in top]
    assert max(darkest[m // 2 - 1 : m // 2 + 2]) < 0.5  # the middle: hardly a line
    assert min(darkest[1], darkest[-2]) > 0.7  # the outer quarters: inked


def _drawn_cup():
    """A flat-shaded drawn face whose mouth is drawn open like an anime smile: a cup under
    an inked upper line, a band of teeth, a dark-pink rim and a salmon tongue filling most of it."""
    _, face = synthetic_face(mouth_gap=1.0, style="drawn")
    image = np.full((240, 240, 3), SKIN, np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    (x0, y0), (x1, _) = lm[topo.MOUTH_CORNER_RIGHT], lm[topo.MOUTH_CORNER_LEFT]
    depth = 0.24 * (x1 - x0)
    u = np.linspace(-1, 1, 41)
    xs = x0 + (u + 1) * (x1 - x0) / 2
    bottom = y0 + depth * np.sqrt(1 - u**2)
    cup = np.vstack([np.stack([xs, np.full_like(u, y0)], 1), np.stack([xs, bottom], 1)[::-1]])
    cv2.fillPoly(image, [np.round(cup).astype(np.int32)], CUP_RIM)
    middle = np.abs(u) < 0.6
    tongue = np.vstack([np.stack([xs, np.full_like(u, y0 + 0.45 * depth)], 1), np.stack([xs, bottom - 1], 1)[::-1]])
    tongue = tongue[np.concatenate([middle, middle[::-1]])]
    cv2.fillPoly(image, [np.round(tongue).astype(np.int32)], CUP_TONGUE)
    image[int(round(y0)) + 1 : int(round(y0 + 0.25 * depth)) + 1, int(x0) + 2 : int(x1) - 1] = ENAMEL
    cv2.polylines(image, [np.round(cup[:41]).astype(np.int32)], False, INK, thickness=1)
    return image, face


def _cup_column(frame: np.ndarray, animator) -> tuple:
    """Down the middle of a drawn cup's place in ``frame``: how many separate runs of rows
    are darker than anything drawn inside the cup (its outlines), and how many rows differ
    from the skin (the mouth's height)."""
    own = animator.look.own_mouth
    x = int(round(own.upper[:, 0].mean()))
    top, bottom = int(own.upper[:, 1].min()) - 4, int(own.lower[:, 1].max()) + 5
    column = frame[top:bottom, x - 2 : x + 3].astype(float)
    dark = (column @ [0.299, 0.587, 0.114]).mean(axis=1) < 0.9 * (np.array(CUP_RIM) @ [0.299, 0.587, 0.114])
    outlines = int(dark[0]) + int(np.sum(dark[1:] & ~dark[:-1]))
    height = int((np.abs(column - SKIN).max(axis=2).mean(axis=1) > 40).sum())
    return outlines, height


@pytest.mark.parametrize("rest", [0.84, 0.5])
def test_a_mouth_drawn_open_closes_as_one_mouth_with_one_outline(rest):
    # Easing out of the rest, the drawn cup closes onto the painted mouth's opening (as a
    # jaw would) and only then gives way to it: cross-faded, the painted mouth's lower
    # outline showed over the faded cup (0.84), and the half-shut painted cup had two, top
    # and bottom, where the drawn one has only its upper line (0.5).
    image, face = _drawn_cup()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert _cup_column(image, animator)[0] == 1
    frame = image.copy()
    animator.apply(frame, Pose(open=0.07, rest=rest))
    assert _cup_column(frame, animator)[0] == 1


def test_a_mouth_drawn_open_hands_over_to_the_painted_one_in_its_shape_and_colours():
    image, face = _drawn_cup()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.own_mouth is not None
    # The ease out of the rest at 25 fps (see mouth_shapes), lips nearly shut: the mouth
    # closes step by step, no frame carrying more than 0.6 of its fall in height (here 10,
    # 9, 7, 3 and 3 rows, cross-faded or closed).
    frames = _easing_out_of_rest(image, animator)
    assert np.array_equal(frames[0], image)
    heights = [_cup_column(frame, animator)[1] for frame in frames]
    assert heights[0] > heights[1] > heights[2] > heights[-1]
    assert max(-np.diff(heights)) <= 0.6 * (heights[0] - heights[-1])
    # Speaking, its tongue and teeth keep the artist's colours, its cavity is the artist's
    # darker pink made dark (a light opening reads as shut).
    pose = Pose(open=0.8)
    frame = image.copy()
    animator.apply(frame, pose)
    inside = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(mouth_polygon(animator.rig, animator.posed_points(pose))).astype(np.int32)], 1)
    colours = frame[cv2.erode(inside, np.ones((3, 3), np.uint8)) > 0].astype(float)
    near = lambda colour: (np.abs(colours - colour).max(axis=1) < 12).mean()  # noqa: E731
    assert near(CUP_TONGUE) > 0.05 and near(ENAMEL) > 0.05
    assert near(np.array(CUP_RIM) * CAVITY_SHADE + CAVITY_LIFT) > 0.3


PINK_LINE = (205, 120, 130)


def _pink_line_mouth(below=0):
    """An anime mouth: a shut line in a soft pink with a dark dot at one corner, drawn
    ``below`` pixels under where the face's lips meet (a fit a little off a small drawing)."""
    _, face = synthetic_face(mouth_gap=0.0, style="drawn")
    image = np.full((240, 240, 3), SKIN, np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    line = np.round(lm[topo.LIPS_UPPER_INNER] + (0, below)).astype(np.int32)
    cv2.polylines(image, [line], False, PINK_LINE, thickness=2)
    cv2.circle(image, tuple(int(v) for v in np.round(lm[topo.MOUTH_CORNER_RIGHT])), 2, INK, -1)
    return image, face


def test_a_mouth_drawn_as_a_line_hands_over_to_the_painted_one_without_a_snap():
    # The painted line that takes over is at the same place in the rest pose, so the first
    # frame out of the rest shows both, half each.
    image, face = _pink_line_mouth()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.erased is not None and animator.look.own_mouth is None
    frames = _easing_out_of_rest(image, animator)
    assert np.array_equal(frames[0], image)
    change = [float(np.abs(frame - frames[0]).mean()) for frame in frames]
    # It used to be replaced in the first frame out of the rest: 0.95 of the whole change.
    assert 0.3 * change[-1] < change[1] < 0.65 * change[-1]


@pytest.mark.parametrize("pose", [Pose(open=0.07), Pose(open=0.3, press=1.0)])
@pytest.mark.parametrize("below", [0, 4])
def test_a_mouth_drawn_as_a_line_speaks_shut_in_its_own_colours(pose, below):
    # Its painted line is the drawn one's colours along it: pink in the middle, as dark as
    # the dot only at that corner (it was the mouth's darkest colour end to end). Drawn
    # four pixels off the fitted seam, the skin there is not its colour (the line faded).
    image, face = _pink_line_mouth(below)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.own_mouth is None
    frame = image.copy()
    animator.apply(frame, pose)
    lm = face.landmarks[:, :2]
    middle = np.round(0.5 * (lm[topo.MOUTH_CORNER_LEFT] + lm[topo.MOUTH_CORNER_RIGHT])).astype(int)
    strip = frame[middle[1] - 6 : middle[1] + 7, middle[0] - 2 : middle[0] + 3].reshape(-1, 3).astype(float)
    darkest = strip[np.argmin(strip @ [0.299, 0.587, 0.114])]
    assert np.abs(darkest - PINK_LINE).max() < 30
    right = np.round(lm[topo.MOUTH_CORNER_RIGHT]).astype(int)
    corner = frame[right[1] - 3 : right[1] + 4, right[0] - 3 : right[0] + 4].reshape(-1, 3).astype(float)
    dot = corner[np.argmin(corner @ [0.299, 0.587, 0.114])]
    assert np.linalg.norm(dot - INK) < np.linalg.norm(dot - PINK_LINE)


def _smiling_line_mouth(lift=6.0):
    """An anime mouth drawn as a smile: an ink line through the middle of where the face's
    lips meet, its corners ``lift`` pixels higher (the lips fitted to it stay straight).
    Returns the picture, the face and the drawn curve's height at each column."""
    _, face = synthetic_face(mouth_gap=0.0, style="drawn")
    image = np.full((240, 240, 3), SKIN, np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    left, right = lm[topo.MOUTH_CORNER_RIGHT], lm[topo.MOUTH_CORNER_LEFT]
    xs = np.arange(np.ceil(left[0]), np.floor(right[0]) + 1)
    u = (xs - 0.5 * (left[0] + right[0])) / (0.5 * (right[0] - left[0]))
    ys = np.interp(xs, [left[0], right[0]], [left[1], right[1]]) - lift * u**2
    # Anti-aliased and 4x subpixel: the curve's centre is where it is drawn.
    curve = np.round(np.stack([xs, ys], 1) * 4).astype(np.int32)
    cv2.polylines(image, [curve], False, INK, thickness=2, lineType=cv2.LINE_AA, shift=2)
    return image, face, dict(zip(xs.astype(int).tolist(), ys))


def test_a_mouth_drawn_as_a_curved_line_speaks_shut_along_its_curve():
    # The fitted lips are straight; the painted shut line used to lie on them, so a smile
    # spoke as a straight line (its ends 3.4 px below the drawn ones) and the frame out of
    # the rest showed both. The lips now shut on the drawn stroke's centre line.
    image, face, curve = _smiling_line_mouth()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.erased is not None and animator.look.own_mouth is None
    frame = image.copy()
    animator.apply(frame, Pose(open=0.07, rest=0.0))
    luma = frame.astype(float) @ [0.299, 0.587, 0.114]
    columns = sorted(curve)
    middle = columns[len(columns) // 2]
    for x in (columns[len(columns) // 8], middle, columns[-1 - len(columns) // 8]):
        rows = np.arange(int(curve[x]) - 8, int(curve[x]) + 9)
        darkness = np.clip(luma[rows, x].max() - luma[rows, x], 0, None)
        centre = float(np.average(rows, weights=darkness))  # the painted line's centre
        assert abs(centre - curve[x]) < 1.0, (x, centre, curve[x])


def test_a_small_round_mouth_drawn_taller_than_wide_keeps_the_lips_level():
    # A surprised "o" is taller than wide: its long axis is no slant of the mouth line. The
    # lips were turned upright onto it (-90 degrees), and the character spoke with a
    # vertical slit.
    _, face = synthetic_face(mouth_gap=0.0, style="drawn")
    image = np.full((240, 240, 3), SKIN, np.uint8)
    lm = face.landmarks[:, :2]
    middle = tuple(int(v) for v in np.round(0.5 * (lm[topo.MOUTH_CORNER_LEFT] + lm[topo.MOUTH_CORNER_RIGHT])))
    cv2.ellipse(image, middle, (4, 8), 0, 0, 360, (120, 50, 60), -1)
    cv2.ellipse(image, middle, (4, 8), 0, 0, 360, INK, 2)
    fitted, _, erased = read_mouth(image, face)
    assert erased is not None
    left, right = fitted.landmarks[topo.MOUTH_CORNER_RIGHT, :2], fitted.landmarks[topo.MOUTH_CORNER_LEFT, :2]
    assert abs(np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0]))) < 10


def test_photo_teeth_keep_their_colour_from_half_to_wide_open():
    image, face = _toothy_photo()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    assert animator.look.own_teeth is not None
    colours = []
    for amount in (0.3, 0.6, 1.0):
        frame = image.copy()
        pose = Pose(open=amount)
        animator.apply(frame, pose)
        lab, n = _tooth_lab(frame, mouth_polygon(animator.rig, animator.posed_points(pose)))
        assert n > 20
        colours.append(lab)
    source, _ = _tooth_lab(image, _inner(face))
    for lab in colours:
        assert np.linalg.norm(lab - source) < 4.0  # the photo's own enamel, not a painted block


def test_photo_upper_teeth_stay_with_the_skull_as_the_jaw_drops():
    image, face = _toothy_photo()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    x0, y0, x1, y1 = animator.look.own_teeth.box
    frame = image.copy()
    animator.apply(frame, Pose(open=1.0))
    upper = animator.look.own_teeth.upper > 0.9
    diff = np.abs(frame[y0:y1, x0:x1].astype(int) - image[y0:y1, x0:x1]).max(axis=2)
    assert np.median(diff[upper]) < 12  # same pixels, in place (soft shading aside)


def test_nearly_closed_lips_show_a_shadow_not_the_teeth():
    image, face = _toothy_photo()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    frame = image.copy()
    pose = Pose(open=0.04)
    animator.apply(frame, pose)
    slit = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(slit, [np.round(mouth_polygon(animator.rig, animator.posed_points(pose))).astype(np.int32)], 1)
    luma = frame[slit > 0].astype(float) @ [0.299, 0.587, 0.114]
    assert luma.max() < 0.8 * (np.array(ENAMEL) @ [0.299, 0.587, 0.114])


def _parted_mouth(scale: float) -> tuple:
    """A mouth painted parted over a row of teeth inside face mesh's lower lip, nearly shut
    to the mesh (a 20-pixel mouth 1.2 px apart at ``scale`` 0.4; Wesnoth's ranger+female's
    is 16 px, 1.7 apart): picture, face, lips' outline."""
    image, face = synthetic_face(size=int(240 * scale), iris_distance=60.0 * scale, mouth_gap=3.0 * scale)
    lm = face.landmarks[:, :2]
    lips = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    cv2.fillPoly(image, [np.round(lips).astype(np.int32)], (185, 95, 100))
    cv2.fillPoly(image, [np.round(_inner(face)).astype(np.int32)], (70, 35, 35))
    row = lm[topo.LIPS_LOWER_INNER][2:-2] + [0.0, 0.5 * scale]
    teeth = np.vstack([row, row[::-1] + [0.0, 5.0 * scale]])
    cv2.fillPoly(image, [np.round(teeth).astype(np.int32)], ENAMEL)
    return image, face, lips


def test_pressed_lips_hide_teeth_painted_where_face_mesh_put_the_lower_lip():
    image, face, lips = _parted_mouth(0.4)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    frame = image.copy()
    animator.apply(frame, Pose(press=1.0))
    (x0, y0), (x1, y1) = np.floor(lips.min(0)).astype(int) - 2, np.ceil(lips.max(0)).astype(int) + 3
    white = [int((f[y0:y1, x0:x1].astype(float) @ [0.299, 0.587, 0.114] > 180).sum()) for f in (image, frame)]
    assert white[0] > 10
    assert white[1] < 0.1 * white[0]


def test_a_big_mouth_is_not_parted_on_what_passes_for_teeth():
    # At 50 pixels face mesh's lips are where the mouth is; light there is a highlight.
    image, face, _ = _parted_mouth(1.0)
    assert part_lips(image, face.landmarks) is face.landmarks


def _shut_mouth_read_parted() -> tuple:
    """A 20-pixel mouth painted shut, its lips meeting on a dark line a quarter of the way
    down a 5-pixel gap face mesh put between its inner lips (Wesnoth's dwarvish scout: 6 px
    of a 23-pixel mouth, the line 2.5 px below the upper inner lip): picture, face, lips'
    outline."""
    image, face = synthetic_face(size=96, iris_distance=24.0, mouth_gap=5.0)
    lm = face.landmarks[:, :2]
    lips = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    cv2.fillPoly(image, [np.round(lips).astype(np.int32)], LIP)
    upper, lower = lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER]
    seam = 0.75 * upper + 0.25 * lower
    cv2.polylines(image, [np.round(seam * 4).astype(np.int32)], False, (60, 25, 25), 2, cv2.LINE_AA, shift=2)
    return image, face, lips


def test_a_mouth_painted_shut_that_face_mesh_reads_parted_keeps_its_lips_when_pressed():
    image, face, lips = _shut_mouth_read_parted()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    frame = image.copy()
    animator.apply(frame, Pose(press=1.0))
    (x0, y0), (x1, y1) = np.floor(lips.min(0)).astype(int) - 2, np.ceil(lips.max(0)).astype(int) + 3
    diff = np.abs(frame[y0:y1, x0:x1].astype(int) - image[y0:y1, x0:x1]).max(axis=2)
    # Pressed, a shut mouth stays the picture's: its lips were squeezed into one line.
    assert (diff > 40).sum() < 60  # the press purses the lips (30 px); squeezed, 180 px


def test_a_mouth_painted_shut_opens_between_its_lips_not_over_them():
    image, face, lips = _shut_mouth_read_parted()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    frame = image.copy()
    animator.apply(frame, Pose(open=0.3))
    (x0, y0), (x1, y1) = np.floor(lips.min(0)).astype(int) - 2, np.ceil(lips.max(0)).astype(int) + 6
    lip = [int((np.abs(f[y0:y1, x0:x1].astype(int) - LIP).max(axis=2) < 30).sum()) for f in (image, frame)]
    # Opened from face mesh's gap, the inside was painted over most of the lower lip (0.48 left).
    assert lip[1] > 0.7 * lip[0]


@pytest.mark.parametrize("drawn", [False, True])
def test_rounded_vowels_hide_teeth_but_never_grey_them(drawn):
    palette = MouthPalette(
        cavity=(70.0, 30.0, 34.0), teeth=(235.0, 225.0, 210.0), tongue=(150.0, 70.0, 72.0), gums=(180.0, 100.0, 104.0),
        seam=(110.0, 50.0, 53.0),
    )
    u = np.linspace(-1, 1, 21)
    upper = np.stack([50 + 30 * u, 40 - 4 * (1 - u**2)], 1)
    lower = np.stack([50 + 30 * u, 40 + 16 * (1 - u**2)], 1)
    rest = np.stack([50 + 30 * u, np.full_like(u, 40.0)], 1)
    brightest = []
    for rounding in (0.0, 1.0):
        canvas = np.full((80, 100, 3), SKIN, np.uint8)
        paint_mouth(
            canvas, np.vstack([upper, lower[::-1][1:-1]]), upper_teeth_edge=rest, lower_lip_edge=lower,
            lower_lip_rest=rest, centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]),
            down=np.array([0.0, 1.0]), mouth_width=60.0, look=MouthLook(palette, "drawn" if drawn else "photo"),
            rounding=rounding,
        )  # fmt: skip
        luma = canvas[30:58, 35:65].astype(float) @ [0.299, 0.587, 0.114]
        brightest.append(np.percentile(luma, 98))
    assert brightest[1] > 0.9 * brightest[0] > 180


def test_fv_tucks_the_lower_lip_under_the_teeth():
    image, face = synthetic_face(size=400, iris_distance=120.0)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    rig = animator.rig
    up, lo = rig.slot["upper_inner"], rig.slot["lower_inner"]
    mid = len(up) // 2
    dst = animator.posed_points(Pose(open=0.5, fv=1.0))
    gap = (dst[lo[mid]] - dst[up[mid]]) @ rig.down
    assert gap == pytest.approx(FV_GAP * MAX_GAP * rig.mouth_width, rel=0.05)
    assert (dst[up[mid]] - rig.points[up[mid]]) @ rig.down < -0.5  # the upper lip lifts off the teeth
    frame = image.copy()
    animator.apply(frame, Pose(open=0.5, fv=1.0))
    x = int(round(dst[up[mid], 0]))
    column = frame[int(dst[up[mid], 1]) : int(np.ceil(dst[lo[mid], 1])) + 1, x].astype(float)
    palette = animator.look.palette
    seen = column[np.argmax(column @ [0.299, 0.587, 0.114])]
    assert np.linalg.norm(seen - palette.teeth) < 0.5 * np.linalg.norm(seen - palette.cavity)  # teeth show
    darkest = (column @ [0.299, 0.587, 0.114]).min()
    assert darkest > 0.5 * np.dot(palette.cavity, [0.299, 0.587, 0.114])  # no gaping cavity


def test_tongue_tip_rises_behind_the_upper_teeth():
    image, face = synthetic_face()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    rig = animator.rig
    tongue = np.array(animator.look.palette.tongue)

    def tongue_rows(amount):
        frame = image.copy()
        pose = Pose(open=0.8, tongue=amount)
        animator.apply(frame, pose)
        dst = animator.posed_points(pose)
        x = int(round(rig.mouth_centre[0]))
        top = int(dst[rig.slot["upper_inner"]][:, 1].min())
        bottom = int(dst[rig.slot["lower_inner"]][:, 1].max())
        column = frame[top:bottom, x].astype(float)
        near = np.linalg.norm(column - tongue, axis=1) < 45
        # The tongue's run that rests on the floor of the mouth, from its top.
        rows = np.flatnonzero(near)
        runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
        return top + runs[-1][0] if len(rows) else bottom

    assert tongue_rows(1.0) < tongue_rows(0.0) - 3  # the tip reaches higher


def _track(open_, press=None, fps=25.0):
    open_ = np.asarray(open_, float)
    press = np.zeros_like(open_) if press is None else np.asarray(press, float)
    return MouthTrack(fps, open_, np.zeros_like(open_), press)


def test_shapes_ease_over_frames_but_closures_go_through():
    flicker = _track([0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1] + [0.0] * 3)
    shapes = mouth_shapes(flicker)
    gap = opening(shapes.open, shapes.press, shapes.fv)
    assert np.abs(np.diff(gap)).max() <= OPEN_RATE / 25.0 + 1e-6
    # Pressed lips shut at once, from wide open.
    press = np.zeros(10)
    press[5:7] = 1.0
    shapes = mouth_shapes(_track(np.ones(10), press))
    gap = opening(shapes.open, shapes.press, shapes.fv)
    assert gap[5] == 0.0 and gap[4] > 0.9


def test_the_face_rests_on_the_picture_in_silence_and_closes_between_words():
    fps = 25.0
    open_ = np.zeros(100)
    open_[20:40] = 0.8  # a word
    open_[44:60] = 0.7  # a short gap (4 frames), then another word
    # a long pause (60..100)
    shapes = mouth_shapes(_track(open_, fps=fps))
    assert shapes.rest[0] == 1.0 and shapes.rest[:12].min() == 1.0
    assert shapes.rest[20:60].max() == 0.0  # speech and the short gap: the controls decide
    assert shapes.rest[75:].min() == 1.0  # back on the picture's mouth in the pause
    assert np.abs(np.diff(shapes.rest)).max() < 0.6  # eased, not snapped
    # Speech from the second frame on: the first is still the picture's.
    open_ = np.full(30, 0.7)
    open_[0] = 0.0
    assert mouth_shapes(_track(open_, fps=fps)).rest[:2].tolist() == [1.0, 0.0]


def test_the_learned_mouth_rests_on_the_picture_in_digital_silence():
    """The packaged models hold the lips a hair apart where there is no sound at all (their
    mean 0.084 at round 12): a second of digital silence before and between the words
    still rests on the picture's own mouth."""
    from talkingphoto.motion import learned_mouth_track

    sr, rng = 16000, np.random.default_rng(0)
    t = np.arange(int(0.6 * sr)) / sr
    word = (0.3 * np.sin(2 * np.pi * 150 * t) * np.sin(np.pi * t / t[-1]) + 0.01 * rng.standard_normal(len(t)))
    silence = np.zeros(sr)
    y = np.concatenate([silence, word, silence, silence, word, silence]).astype(np.float32)
    shapes = mouth_shapes(learned_mouth_track(y, sr=sr, fps=25.0))
    assert shapes.rest[:20].min() == 1.0  # the first frames are the picture's
    assert shapes.rest[60:85].min() == 1.0  # and the middle of the two-second pause
    assert shapes.rest[-10:].min() == 1.0


def test_first_frame_of_silence_is_the_picture_itself():
    from talkingphoto.scene import Actor

    for image, face in (_toothy_photo(), _drawn_grin()):
        open_ = np.zeros(30)
        open_[15:] = 0.8
        actor = Actor(FaceAnimator(image, face, whole_face=False, head_motion=False), _track(open_))
        frame = image.copy()
        pose, head = actor.pose(0)
        actor.animator.apply(frame, pose, head)
        assert np.array_equal(frame, image)
        # A listener (no mouth track) keeps its own mouth too.
        listener = Actor(actor.animator)
        assert listener.pose(7)[0].rest == 1.0


@pytest.mark.slow
def test_real_grins_close_and_real_teeth_keep_their_colour(real_data):
    from talkingphoto.characters import find_faces
    from talkingphoto.media import load_image

    image = load_image(real_data / "images" / "sylvie_green_giggle.png")
    face = find_faces(image)[0]
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    frame = image.copy()
    animator.apply(frame, Pose(press=1.0))
    (x0, y0, x1, y1), _, mouth = animator.erased
    assert np.all(image[y0:y1, x0:x1][mouth] > 245, axis=1).sum() > 30  # the grin's teeth
    assert np.all(frame[y0:y1, x0:x1][mouth] > 245, axis=1).sum() == 0  # gone when shut

    image = load_image(real_data / "images" / "astronaut.jpg")
    face = find_faces(image)[0]
    animator = FaceAnimator(image, face, whole_face=True, head_motion=False)
    assert animator.look.own_teeth is not None
    source, _ = _tooth_lab(image, _inner(face))
    for amount in (0.3, 0.9):
        frame = image.copy()
        animator.apply(frame, Pose(open=amount))
        lab, n = _tooth_lab(frame, mouth_polygon(animator.rig, animator.posed_points(Pose(open=amount))))
        assert n > 20 and np.linalg.norm(lab - source) < 5.0


def test_lips_are_fitted_to_a_narrower_drawn_mouth():
    from talkingphoto.render._mouth_reading import fit_lips

    _, face = synthetic_face()
    lm = face.landmarks.astype(np.float64)
    corners = lm[[topo.MOUTH_CORNER_RIGHT, topo.MOUTH_CORNER_LEFT], :2]
    middle = corners.mean(0)
    # Tilt the mesh's lips by 8 degrees about their middle; the drawn mouth is level and
    # 60 % as long, 3 px to the right.
    angle = np.radians(8)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    lm[topo.LIPS_ALL, :2] = middle + (lm[topo.LIPS_ALL, :2] - middle) @ rotation.T
    width = float(np.linalg.norm(corners[1] - corners[0]))
    mouth = np.zeros((240, 240), bool)
    x0, x1 = int(middle[0] + 3 - 0.3 * width), int(middle[0] + 3 + 0.3 * width)
    mouth[int(middle[1]) - 3 : int(middle[1]) + 4, x0 - 2 : x1 + 3] = True  # grown by 2 px, like erase_mouth's
    fitted = fit_lips(lm, mouth, (0, 0))
    left, right = fitted[topo.MOUTH_CORNER_RIGHT, :2], fitted[topo.MOUTH_CORNER_LEFT, :2]
    assert np.linalg.norm(right - left) == pytest.approx(0.6 * width, abs=2.0)
    assert abs(right[1] - left[1]) < 1.0  # level, like the drawn mouth
    assert (left + right)[0] / 2 == pytest.approx(middle[0] + 3, abs=1.0)
    others = np.setdiff1d(np.arange(len(lm)), topo.LIPS_ALL)
    assert np.array_equal(fitted[others], lm[others].astype(np.float32))  # only the lips move
