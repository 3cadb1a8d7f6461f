"""The painted mouth interior on a synthetic opening."""

import cv2
import numpy as np
import pytest
from scipy import ndimage

from conftest import synthetic_face

from talkingphoto.characters import topology as topo
from talkingphoto.render import FaceAnimator, Pose
from talkingphoto.render._rig import pose_points
from talkingphoto.render._mouth import TEETH_CHROMA, MouthLook, MouthPalette, OwnMouth, paint_mouth, palette_from_image
from talkingphoto.render._mouth_reading import find_own_inside, find_own_teeth, read_mouth

PALETTE = MouthPalette(
    cavity=(70.0, 22.0, 32.0), teeth=(240.0, 235.0, 220.0), tongue=(168.0, 70.0, 82.0), gums=(200.0, 100.0, 110.0),
    seam=(119.0, 46.0, 57.0),
)
WIDTH = 60.0


def _open_mouth(gap: float):
    """An ellipse-ish opening 60 px wide and ``gap`` px tall, centred at (50, 40)."""
    u = np.linspace(-1, 1, 21)
    upper = np.stack([50 + 30 * u, 40 - 0.2 * gap * (1 - u**2)], 1)
    lower = np.stack([50 + 30 * u, 40 + 0.8 * gap * (1 - u**2)], 1)
    return np.vstack([upper, lower[::-1][1:-1]]), upper, lower


def _paint(style: str, gap: float, **controls):
    canvas = np.full((80, 100, 3), (200, 150, 130), np.uint8)  # skin
    opening, upper, lower = _open_mouth(gap)
    rest_upper = upper.copy()
    rest_upper[:, 1] = 40
    paint_mouth(
        canvas,
        opening,
        upper_teeth_edge=rest_upper,
        lower_lip_edge=lower,
        lower_lip_rest=rest_upper,
        centre=np.array([50.0, 40.0]),
        right=np.array([1.0, 0.0]),
        down=np.array([0.0, 1.0]),
        mouth_width=WIDTH,
        **{"look": MouthLook(PALETTE, style), **controls},
    )
    return canvas


def _paint_between(canvas, upper, lower, rest, *, width: float) -> None:
    """A photo mouth opened between lip edges ``upper`` and ``lower`` (both at ``rest``
    when shut), centred on the resting line's middle, painted on ``canvas`` in place."""
    paint_mouth(
        canvas, np.vstack([upper, lower[::-1][1:-1]]), upper_teeth_edge=rest, lower_lip_edge=lower,
        lower_lip_rest=rest, centre=rest.mean(0), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]),
        mouth_width=width, look=MouthLook(PALETTE, "photo"),
    )  # fmt: skip

def _column(canvas):
    """The middle column inside the opening, top to bottom, as 'teeth'/'dark' labels."""
    column = canvas[:, 50].astype(float)
    teeth = np.linalg.norm(column - PALETTE.teeth, axis=1) < 40
    dark = np.linalg.norm(column - PALETTE.cavity, axis=1) < 40
    return teeth, dark


@pytest.mark.parametrize("gap", [4.0, 12.0, 30.0])
def test_drawn_teeth_are_one_band_on_top_that_never_fills_the_opening(gap):
    teeth, dark = _column(_paint("drawn", gap))
    assert teeth.any()
    assert teeth.sum() <= 0.45 * gap + 1
    if gap >= 12:  # room for a cavity between anti-aliased edges
        assert np.flatnonzero(teeth).max() < np.flatnonzero(dark).min()  # teeth above, cavity below
    rows_of_teeth = np.flatnonzero(teeth)
    assert np.all(np.diff(rows_of_teeth) == 1)  # one band: no lower row


def test_photo_mouth_shows_upper_teeth_and_a_dark_cavity_when_wide_open():
    canvas = _paint("photo", 30.0)
    column = canvas[16:66, 50].astype(float)
    luma = column @ [0.299, 0.587, 0.114]
    assert luma.max() > 150 and luma.min() < 40  # bright teeth and a deep shadow
    assert np.argmax(luma) < np.argmin(luma)  # the teeth hang above the cavity


@pytest.mark.parametrize("style", ["photo", "drawn"])
def test_a_mouth_without_known_teeth_is_dark_inside(style):
    canvas = np.full((80, 100, 3), (200, 150, 130), np.uint8)
    opening, upper, lower = _open_mouth(30.0)
    paint_mouth(
        canvas, opening, upper_teeth_edge=upper, lower_lip_edge=lower, lower_lip_rest=upper,
        centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]), mouth_width=WIDTH,
        look=MouthLook(PALETTE, style, teeth=False),
    )  # fmt: skip
    teeth, dark = _column(canvas)
    assert not teeth.any() and dark.any()


FACE_SKIN, LIPS = (200, 160, 140), (165, 95, 95)


@pytest.mark.parametrize(
    "between, skin, found",
    [((240, 235, 225), FACE_SKIN, True), (FACE_SKIN, FACE_SKIN, False), ((206, 152, 105), (137, 75, 35), False)],
)
def test_own_teeth_must_be_whiter_than_the_skin_and_nearly_neutral(between, skin, found):
    # A mouth drawn as two lip lines with the skin showing between them (a painted profile)
    # is whiter than the lips but no whiter than the skin: no teeth to cut out there. Nor is
    # lit orange skin, whiter than a beard's shadow around the mouth.
    image = np.full((80, 100, 3), skin, np.uint8)
    image[30:50, 20:81] = LIPS
    image[36:44, 22:79] = (60, 20, 25)  # the dark inside
    image[36:40, 22:79] = between  # under the upper lip
    upper = np.stack([np.linspace(20, 80, 13), np.full(13, 36.0)], 1)
    lower = np.stack([np.linspace(20, 80, 13), np.full(13, 44.0)], 1)
    own = find_own_teeth(image, upper, lower, LIPS, skin, upper_lip=UPPER_LIP, mouth_width=60.0)
    assert (own is not None) == found


UPPER_LIP = np.stack([np.linspace(20, 80, 13), np.full(13, 30.0)], 1)  # outer edge of lips at rows 30-50


@pytest.mark.parametrize("moustache_top, found", [(36, True), (22, False)])
def test_white_over_the_upper_lip_is_a_moustache_not_teeth(moustache_top, found):
    # The lip line fitted into a white moustache (FreedroidRPG's professor): the white
    # between the inner lips runs up over the upper lip and past it, teeth stop under it.
    image = np.full((80, 100, 3), FACE_SKIN, np.uint8)
    image[30:50, 20:81] = LIPS
    image[36:44, 22:79] = (60, 20, 25)
    image[moustache_top:40, 22:79] = (250, 250, 248)
    upper = np.stack([np.linspace(20, 80, 13), np.full(13, 36.0)], 1)
    lower = np.stack([np.linspace(20, 80, 13), np.full(13, 44.0)], 1)
    own = find_own_teeth(image, upper, lower, LIPS, FACE_SKIN, upper_lip=UPPER_LIP, mouth_width=60.0)
    assert (own is not None) == found

@pytest.mark.parametrize("apart, found", [(0.6, False), (3.0, True)])
def test_lips_shut_at_rest_show_no_teeth_between_them(apart, found):
    # A pale highlight along a shut painted mouth (Wesnoth's goblin rouser) is whiter than
    # lips and skin, but lips under a pixel apart hold no teeth.
    image = np.full((80, 100, 3), FACE_SKIN, np.uint8)
    image[30:50, 20:81] = LIPS
    image[40:43, 22:79] = (240, 235, 225)
    upper = np.stack([np.linspace(20, 80, 13), np.full(13, 40.0)], 1)
    lower = np.stack([np.linspace(20, 80, 13), 40.0 + apart * (1 - np.linspace(-1, 1, 13) ** 2)], 1)
    own = find_own_teeth(image, upper, lower, LIPS, FACE_SKIN, upper_lip=UPPER_LIP, mouth_width=60.0)
    assert (own is not None) == found


def test_teeth_touching_white_above_the_lip_only_at_a_corner_are_teeth():
    # A lich's bony face is as white as his painted teeth; towards a corner his upper lip is
    # a slanted line one pixel thin, which the white on both sides touches only at the
    # corners of its steps: the teeth below it are teeth, not a moustache over the lip.
    bone, lips, teeth = (225, 222, 205), (77, 66, 39), (240, 238, 228)
    image = np.full((80, 100, 3), (56, 56, 47), np.uint8)
    image[10:30, 20:81] = bone
    image[30:50, 20:81] = lips
    image[36:44, 22:79] = (20, 10, 10)
    image[36:40, 22:79] = teeth
    for x in range(60, 79):
        line = 35 - (x - 60) // 4
        image[30:line, x] = bone
        image[line + 1 : 40, x] = teeth
    upper = np.stack([np.linspace(20, 80, 13), np.full(13, 36.0)], 1)
    lower = np.stack([np.linspace(20, 80, 13), np.full(13, 44.0)], 1)
    own = find_own_teeth(image, upper, lower, lips, (56, 56, 47), upper_lip=UPPER_LIP, mouth_width=60.0)
    assert own is not None


def _luma(canvas):
    return canvas.astype(float) @ [0.299, 0.587, 0.114]


def test_photo_teeth_fade_into_the_corners_without_a_side_edge():
    canvas = _paint("photo", 30.0)
    # A row across the upper teeth (the rest lip line is row 40; their rounded tips end 2-3
    # rows lower): the crowns' brightness may fall off towards the corners, but never jump
    # from one column to the next as a block's end does. The seams between crowns dip in
    # between, so the crowns' envelope (the brightest within a tooth's width, 9 px) is what
    # must be smooth.
    band = _luma(canvas[41:42, 22:79])
    assert band[:, [23, 24, 32, 33]].min() > 150  # bright central incisors in front
    assert band[:, [0, -1]].max() < 100  # dark at the corners
    crowns = ndimage.maximum_filter1d(band, size=9, axis=1)
    assert np.abs(np.diff(crowns, axis=1)).max() < 25


def test_photo_lower_teeth_show_seams_between_the_incisors():
    canvas = _paint("photo", 30.0)  # wide open: the lower lip's inner edge is at row 64 in the middle
    rows = _luma(canvas[55:66, 44:57])
    row = rows[np.argmax(rows.mean(1))]  # along the lower teeth
    assert row.max() - row.min() > 15  # one smooth band read as a grey strip
    assert np.argmin(row[4:9]) + 4 == 6  # a seam between the two middle incisors (x = 50)


def test_a_lifted_lip_bares_tooth_and_gum_not_a_dark_gap():
    # The upper lip lifted 9 px (0.15 of the width) above where it rests: between it and
    # the teeth the column shows the teeth going up under the lip (and gum), not the cavity.
    canvas = np.full((80, 100, 3), (200, 150, 130), np.uint8)
    u = np.linspace(-1, 1, 21)
    upper = np.stack([50 + 30 * u, 40 - 9 * (1 - u**2)], 1)
    lower = np.stack([50 + 30 * u, 40 + 24 * (1 - u**2)], 1)
    rest = np.stack([50 + 30 * u, np.full_like(u, 40.0)], 1)
    _paint_between(canvas, upper, lower, rest, width=WIDTH)
    column = canvas[33:43, 50].astype(float)  # from just under the lifted lip to the teeth
    cavity = np.linalg.norm(column - PALETTE.cavity, axis=1)
    assert cavity.min() > 60
    assert _luma(canvas[33:35, 50]).mean() < _luma(canvas[40:42, 50]).mean()  # darker up under the lip


INK = (40.0, 40.0, 140.0)  # far from the cavity colour, to tell them apart
SKIN = (250, 228, 215)


def _ink_mouth(upper, lower, *, rounding=0.0):
    """``upper``/``lower`` inner-lip edges painted as a line-art mouth (stroke 2 px) on skin."""
    canvas = np.full((80, 100, 3), SKIN, np.uint8)
    paint_mouth(
        canvas, np.vstack([upper, lower[::-1][1:-1]]), upper_teeth_edge=upper, lower_lip_edge=lower,
        lower_lip_rest=upper, centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]),
        down=np.array([0.0, 1.0]), mouth_width=WIDTH, look=MouthLook(PALETTE, "drawn", line=INK, line_width=2.0),
        rounding=rounding,
    )  # fmt: skip
    return canvas


def test_a_line_art_mouth_barely_parted_is_drawn_shut_as_one_stroke():
    u = np.linspace(-1, 1, 21)
    upper = np.stack([50 + 30 * u, np.full_like(u, 40.0)], 1)
    lower = np.stack([50 + 30 * u, 40 + 2.5 * (1 - u**2)], 1)  # 2.5 px apart: under 1.5 strokes
    column = _ink_mouth(upper, lower)[:, 50].astype(float)
    inked = np.flatnonzero(np.linalg.norm(column - SKIN, axis=1) > 60)
    assert 1 <= len(inked) <= 3 and np.all(np.diff(inked) == 1)  # one stroke about 2 px wide
    assert np.linalg.norm(column - PALETTE.cavity, axis=1).min() > 30  # no cavity between two strokes


def test_rounded_line_art_lips_are_not_inked_where_they_meet_beside_the_hole():
    # Lips meeting over the outer thirds, a round hole 12 px tall in the middle.
    u = np.linspace(-1, 1, 21)
    hole = 12 * np.clip(1 - (u / 0.4) ** 2, 0, None)
    upper = np.stack([50 + 30 * u, 40 - 0.3 * hole], 1)
    lower = np.stack([50 + 30 * u, 40 + 0.7 * hole], 1)
    beside = (slice(38, 43), slice(24, 30))  # on the meeting line, away from the hole
    spread = np.linalg.norm(_ink_mouth(upper, lower)[beside].astype(float) - SKIN, axis=2).max()
    rounded = _ink_mouth(upper, lower, rounding=1.0)
    assert spread > 60  # unrounded, the closed stretch is a drawn line
    assert np.linalg.norm(rounded[beside].astype(float) - SKIN, axis=2).max() < 10
    assert np.linalg.norm(rounded[40:46, 50].astype(float) - PALETTE.cavity, axis=1).min() < 30  # the hole stays


def test_a_line_art_mouth_is_inked_on_a_curve_through_its_lips_not_in_straight_spans():
    # The same two parabolas given by 5 vertices an edge and by 41: straight spans between
    # 5 would cut 1.25 px inside the curve halfway between vertices (x = 57.5).
    def upper_stroke_row(vertices):
        u = np.linspace(-1, 1, vertices)
        upper = np.stack([50 + 30 * u, 40 - 20 * (1 - u**2)], 1)
        lower = np.stack([50 + 30 * u, 40 + 20 * (1 - u**2)], 1)
        column = _ink_mouth(upper, lower)[10:30, 57].astype(float)
        inkness = np.clip(1 - np.linalg.norm(column - INK, axis=1) / 60, 0, None)
        return (inkness * np.arange(20)).sum() / inkness.sum()

    assert abs(upper_stroke_row(5) - upper_stroke_row(41)) < 0.3


@pytest.mark.parametrize("fur", [(235, 230, 220), (150, 95, 50), (60, 55, 50)])
def test_a_mouth_rigged_from_points_has_a_pink_tongue_in_the_skins_light(fur):
    # Clicked points know no lips: whatever lies there (white, ginger or dark fur) the inside
    # is a mammal's, the tongue pink; a darker picture gets a darker one.

    image = np.zeros((40, 40, 3), np.uint8)
    image[:] = fur
    image[30:, :20] = (40, 120, 200)  # a colour photo: blue sky somewhere
    skin = np.zeros((40, 40), bool)
    skin[:10] = True
    palette = palette_from_image(image, None, skin, style="photo")
    r, g, b = palette.tongue
    assert r > g + 40 and r > b + 30  # pink-red, not the fur's colour
    assert np.mean(palette.cavity) < 0.4 * np.mean(palette.tongue)  # a dark mouth around it
    assert np.mean(palette.seam) < 0.5 * np.mean(palette.tongue)  # nearly shut lips: a dark line, not a pink one
    bright = image.copy()
    bright[:30] = 235
    assert sum(palette.tongue) <= sum(palette_from_image(bright, None, skin, style="photo").tongue) + 1e-6
    grey = palette_from_image(np.repeat(image.mean(2, keepdims=True), 3, 2).astype(np.uint8), None, skin, style="photo")
    assert np.ptp(grey.tongue) < 1  # a black-and-white photo gets a grey mouth


def test_an_animals_open_mouth_is_set_into_its_fur_not_cut_into_it():
    # Clicked points know no lips: a hole cut sharp into fur, with the human inner lips'
    # pointed corners, reads as a sticker. The edge is soft and the fur around it darker.
    canvas = np.full((80, 100, 3), (200, 150, 130), np.uint8)
    opening, upper, lower = _open_mouth(20.0)
    paint_mouth(
        canvas, opening, upper_teeth_edge=upper, lower_lip_edge=lower, lower_lip_rest=upper,
        centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]), mouth_width=WIDTH,
        look=MouthLook(PALETTE, "photo", teeth=False),
    )  # fmt: skip
    luma = _luma(canvas)
    fur = _luma(np.array([200, 150, 130]))
    steps = np.abs(np.diff(luma[:, 50]))
    assert luma[40:50, 50].min() < 60  # still a dark opening
    assert steps.max() < 45  # no one-pixel cut from fur to the inside
    assert luma[58:62, 50].mean() < fur - 6  # fur shaded just below the lower edge (at row 56)
    assert luma[68, 50] > fur - 1 and luma[40, 5] > fur - 1  # and left alone further out


FUR = (200, 150, 130)


def _animal_mouth(gap: float = 30.0):
    """An animal's mouth (no teeth known) opened ``gap`` px on fur of FUR: the opening's
    upper edge at row 40 - 0.2 * gap, its lower edge at row 40 + 0.8 * gap in column 50."""
    canvas = np.full((80, 100, 3), FUR, np.uint8)
    opening, upper, lower = _open_mouth(gap)
    paint_mouth(
        canvas, opening, upper_teeth_edge=upper, lower_lip_edge=lower, lower_lip_rest=upper,
        centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]), mouth_width=WIDTH,
        look=MouthLook(PALETTE, "photo", teeth=False),
    )  # fmt: skip
    return canvas


def test_an_animals_open_mouth_is_deep_with_its_tongue_low_and_back():
    # Looked at 3x, the kitten's open mouth was a flat dark oval with a pink band along its
    # lower rim, like lipstick. Inside, it darkens from under the upper lip towards the
    # throat, and the tongue lies back from the lower rim, the lower lip's dark inside in
    # front of it.
    luma = _luma(_animal_mouth(30.0))[:, 50]  # upper edge at row 34, lower edge at row 64
    under_lip = luma[37:40].mean()
    tongue_row = 45 + int(np.argmax(luma[45:64]))
    assert luma[40:tongue_row].min() < 0.6 * under_lip  # darker deep inside than under the lip
    assert tongue_row <= 64 - 0.1 * 30  # the tongue's front lies back from the lower rim
    assert luma[tongue_row + 1 : 66].min() < 0.5 * luma[tongue_row]  # with a dark gap in front of it


def test_the_fur_around_an_animals_open_mouth_is_shaded_in_its_own_colour():
    # Shaded towards the inside's dark red, the fur ringed the hole like lipstick: it darkens
    # as dark lips and overhanging fur do, keeping its own hue.
    canvas = _animal_mouth(30.0).astype(float)
    shaded = canvas[67:69, 50]  # below the soft edge (the lower edge is at row 64)
    assert _luma(shaded).max() < _luma(np.array(FUR)) - 1  # shaded
    red_over_green = shaded[:, 0] / shaded[:, 1]
    np.testing.assert_allclose(red_over_green, FUR[0] / FUR[1], rtol=0.03)


def test_a_slightly_parted_photo_mouth_shows_the_teeth_edge_over_a_dark_gap():
    # Painted teeth filling every small opening made openings of 0.1-0.3 look (and read to
    # face mesh) alike: below the teeth a dark gap shows, from a tenth of the width on. Down
    # a central incisor (x = 54; the seam between the two is at 50).
    teeth_luma = np.dot(PALETTE.teeth, [0.299, 0.587, 0.114])
    for share in (0.1, 0.15, 0.2, 0.3):
        gap = share * WIDTH
        column = _paint("photo", gap)[int(40 - 0.2 * gap) : int(np.ceil(40 + 0.8 * gap)) + 1, 54].astype(float)
        luma = column @ [0.299, 0.587, 0.114]
        bright, dark = np.flatnonzero(luma > 0.8 * teeth_luma), np.flatnonzero(luma < 0.5 * teeth_luma)
        assert len(bright) and bright.max() < dark.min()  # the teeth's edge on top
        assert len(dark) >= 0.4 * gap


@pytest.mark.parametrize("gap", [4.0, 6.0])
def test_a_small_photo_mouths_teeth_keep_their_colour(gap):
    # A 400-pixel painted portrait's mouth is 14-25 pixels wide: there a sub-pixel row of
    # teeth, seams every 1.5 pixels and a half-pixel blur mixed the teeth with the cavity
    # into a grey line darker than the skin.
    width = 16.0
    canvas = np.full((30, 40, 3), (200, 150, 130), np.uint8)
    u = np.linspace(-1, 1, 21)
    upper = np.stack([20 + 8 * u, 14 - 0.2 * gap * (1 - u**2)], 1)
    lower = np.stack([20 + 8 * u, 14 + 0.8 * gap * (1 - u**2)], 1)
    rest = np.stack([20 + 8 * u, np.full_like(u, 14.0)], 1)
    _paint_between(canvas, upper, lower, rest, width=width)
    teeth_luma = np.dot(PALETTE.teeth, [0.299, 0.587, 0.114])
    lightest = _luma(canvas[10:20, 17:24]).max(axis=0)  # each column across the front teeth
    assert lightest.min() > 0.85 * teeth_luma


def test_a_painted_face_that_is_not_line_art_gets_an_inside_in_its_own_colours():
    # The flat cartoon inside (a fixed pink, a cream band) is for cel-shaded line art; on a
    # shaded painting it looked pasted on (candy pink in a dark green orc's face).
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo
    from talkingphoto.render._mouth_reading import read_mouth

    image, face = synthetic_face(style="drawn")  # textured: shaded, not flat
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    lips = (70, 110, 60)  # a green-skinned creature's lips
    cv2.fillPoly(image, [np.round(outer).astype(np.int32)], lips)
    _, look, erased = read_mouth(image, face)
    assert erased is None and look.style == "photo"
    inside = np.array([look.palette.cavity, look.palette.tongue], np.uint8).reshape(1, 2, 3)
    redness = cv2.cvtColor(inside, cv2.COLOR_RGB2LAB)[0, :, 1].astype(float) - 128  # a*
    assert redness.max() < 15  # dark, from the lips; the cartoon's pink tongue is at +40


def test_pale_painted_lips_in_a_colourful_picture_keep_a_red_mouth():
    # An elf painted with lips hardly darker or redder than her pale skin, in a picture full
    # of colour: her mouth's inside is red-brown, not the grey a black-and-white photo gets.
    image = np.full((40, 40, 3), (245, 232, 222), np.uint8)  # pale skin
    image[10:20, 10:30] = (225, 200, 192)  # pale lips
    image[30:, :] = (60, 130, 70)  # a green cloak
    lips = np.zeros((40, 40), bool)
    lips[10:20, 10:30] = True
    skin = np.zeros((40, 40), bool)
    skin[:8] = True
    r, g, b = palette_from_image(image, lips, skin, style="photo").tongue
    assert r > g + 50 and r > b + 50
    grey = palette_from_image(np.repeat(image.mean(2, keepdims=True), 3, 2).astype(np.uint8), lips, skin, style="photo")
    assert np.ptp(grey.tongue) < 1


@pytest.mark.parametrize("gap", [0.0, 0.1, 0.4])
@pytest.mark.parametrize("style", ["photo", "drawn"])
def test_lips_that_meet_leave_no_more_mark_than_the_gap_between_them(style, gap):
    # Pressed lips (M/B/P) and lips a hair apart: the opening's anti-aliased edge must not
    # paint a full-strength seam line a pixel or two wide over the picture's own lip line
    # (a pressed photo or 3D-render mouth showed a dark red stroke the picture never had).
    canvas = _paint(style, gap)
    skin = np.array((200, 150, 130), float)
    change = np.abs(canvas.astype(float) - skin).sum(-1) / np.abs(np.array(PALETTE.seam) - skin).sum()
    area = (2 / 3) * WIDTH * gap  # the opening's area in pixels
    assert change.sum() <= area + 2.0


@pytest.mark.parametrize("between, found", [((225, 205, 160), True), ((215, 168, 121), False)])
def test_own_teeth_are_a_nearly_neutral_pale_not_tan_skin_under_a_dark_beard(between, found):
    # Around a bearded mouth the skin reads dark, so tan skin between painted lips is whiter
    # than both it and the lips; enamel, even yellowed, is far less saturated for its light.
    beard, lips = (90, 70, 50), (200, 140, 100)
    image = np.full((80, 100, 3), beard, np.uint8)
    image[30:50, 20:81] = lips
    image[36:44, 22:79] = (60, 20, 25)
    image[36:40, 22:79] = between
    upper = np.stack([np.linspace(20, 80, 13), np.full(13, 36.0)], 1)
    lower = np.stack([np.linspace(20, 80, 13), np.full(13, 44.0)], 1)
    own = find_own_teeth(image, upper, lower, lips, beard, upper_lip=UPPER_LIP, mouth_width=60.0)
    assert (own is not None) == found


def test_a_line_art_mouth_fills_a_hair_thin_corner_by_its_width_not_as_a_stroke():
    # Rounded lips part in the middle and leave a sliver 0.6 px thin towards a
    # corner: filled as a polygon, it showed as a cavity-red tail past the ink.
    def tail_darkening(sliver):
        u = np.linspace(-1, 1, 21)
        upper = np.stack([50 + 30 * u, np.full_like(u, 40.0)], 1)
        depth = np.maximum(12 * (1 - (u / 0.5) ** 2), sliver)
        depth[[0, -1]] = 0
        lower = np.stack([50 + 30 * u, 40 + depth], 1)
        canvas = np.full((80, 100, 3), SKIN, np.uint8)
        paint_mouth(
            canvas, np.vstack([upper, lower[::-1][1:-1]]), upper_teeth_edge=upper, lower_lip_edge=lower,
            lower_lip_rest=upper, centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]),
            down=np.array([0.0, 1.0]), mouth_width=WIDTH, look=MouthLook(PALETTE, "drawn", line=INK, line_width=0.5),
        )  # fmt: skip
        tail = canvas[34:48, 68:78].astype(float)  # ten columns of the sliver
        return (np.abs(tail - SKIN).sum(-1) / np.abs(np.array(PALETTE.cavity) - SKIN).sum()).sum()

    filled = tail_darkening(0.6) - tail_darkening(0.3)  # lips 0.3 px apart meet: ink alone
    assert filled <= 1.5 * 10 * 0.6  # its area, and some of the outline fading in (see HAIRLINE)


def test_painted_teeth_are_lit_by_the_cheeks_not_by_a_beard_around_the_mouth():
    # The ring around the mouth may be a dark beard, hair or the background (FreedroidRPG's
    # bartender, female_scientist): teeth lit by it came out no whiter than the skin.
    _, face = synthetic_face(size=240)
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    centre = outer.mean(0)
    image = np.full((240, 240, 3), FACE_SKIN, np.uint8)
    cv2.fillPoly(image, [np.round(centre + 1.9 * (outer - centre)).astype(np.int32)], (60, 45, 35))
    cv2.fillPoly(image, [np.round(outer).astype(np.int32)], LIPS)
    teeth = read_mouth(image, face)[1].palette.teeth
    assert np.dot(teeth, [0.299, 0.587, 0.114]) > np.dot(FACE_SKIN, [0.299, 0.587, 0.114]) + 30


def test_painted_teeth_in_orange_light_are_ivory_not_skin_coloured():
    # Teeth take the picture's white balance from the skin, and under a warm light they came
    # out peach, as saturated as half the skin, and read as skin (Wesnoth's master-bowman).
    _, face = synthetic_face(size=240)
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    image = np.full((240, 240, 3), (225, 140, 85), np.uint8)  # skin in orange light
    cv2.fillPoly(image, [np.round(outer).astype(np.int32)], (185, 80, 55))
    look = read_mouth(image, face)[1]
    canvas = np.full((80, 100, 3), (225, 140, 85), np.uint8)
    rest = np.stack([np.linspace(20, 80, 21), np.full(21, 40.0)], 1)
    lower = rest + [0.0, 20.0] * (1 - np.linspace(-1, 1, 21) ** 2)[:, None]
    paint_mouth(
        canvas, np.vstack([rest, lower[::-1][1:-1]]), upper_teeth_edge=rest, lower_lip_edge=lower,
        lower_lip_rest=rest, centre=rest.mean(0), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]),
        mouth_width=60.0, look=look,
    )  # fmt: skip
    inside = canvas[40:60, 35:66].reshape(-1, 3)
    lightest = inside[inside @ [0.299, 0.587, 0.114] >= np.percentile(inside @ [0.299, 0.587, 0.114], 90)]
    lab = cv2.cvtColor(lightest.reshape(-1, 1, 3), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(float)
    lightness, a, b = lab[:, 0] * 100 / 255, lab[:, 1] - 128, lab[:, 2] - 128
    skin = cv2.cvtColor(np.uint8([[(225, 140, 85)]]), cv2.COLOR_RGB2LAB)[0, 0, 0] * 100 / 255
    assert np.median(lightness) > skin + 3  # teeth, lighter than the skin
    # (their shading and the blur into the dark cavity take a little more lightness than colour)
    assert np.median(np.hypot(a, b)) <= TEETH_CHROMA * np.median(lightness) + 2.0
    assert np.median(b) > 3  # warmer than white: the light's hue is kept


@pytest.mark.parametrize("gap, tongue", [(6.0, False), (20.0, True)])
def test_a_tongue_a_pixel_or_two_tall_is_no_red_line_along_the_lower_lip(gap, tongue):
    # In a slightly parted mouth the tongue is a band about two pixels tall: painted, it
    # read as a second lower lip on small 3D renders; a wider opening shows it.
    column = _paint("photo", gap)[:, 50].astype(float)
    assert (np.linalg.norm(column - PALETTE.tongue, axis=1) < 35).any() == tongue


@pytest.mark.parametrize("drawn_tongue, share", [(0.7, 0.3), (None, 0.25)])
def test_a_drawn_mouth_speaks_with_a_tongue_under_a_dark_band(drawn_tongue, share):
    # Renpy's eileen, lucy and sylvie, drawn with an open mouth and a pink or red tongue,
    # spoke with a black hole and a tongue two pixels tall: not the mouth the artist drew;
    # nor the one anime draws for a mouth drawn as a line.
    _, upper, lower = _open_mouth(30.0)
    own = None
    if drawn_tongue is not None:
        own = OwnMouth(upper, lower, cavity=(200.0, 120.0, 100.0), tongue=PALETTE.tongue, tongue_depth=drawn_tongue)
    canvas = _paint("drawn", 30.0, look=MouthLook(PALETTE, "drawn", own_mouth=own))
    teeth, dark = _column(canvas)
    tongue = np.linalg.norm(canvas[:, 50].astype(float) - PALETTE.tongue, axis=1) < 30
    assert tongue.sum() >= share * 30.0
    assert dark.sum() >= 0.15 * 30.0  # the opening still reads open
    assert np.flatnonzero(teeth).max() < np.flatnonzero(dark).min() < np.flatnonzero(dark).max() < np.flatnonzero(tongue).min()


PALE_LIPS, PALE_LINE = (180, 120, 110), (120, 70, 70)
CLOTH = (120, 60, 50)


def masked_or_pale_face(picture: str, *, shade: float = 1.0) -> tuple:
    """A textured synthetic face (sharp around the eyes) with cloth over its mouth, or pale
    lips with a line between them, darkened to ``shade``: (image, face, outer lip outline)."""
    image, face = synthetic_face(size=240)
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    around = np.round(outer.mean(0) + 2.5 * (outer - outer.mean(0))).astype(np.int32)
    if picture == "cloth":
        cv2.fillPoly(image, [around], CLOTH)
    else:
        cv2.fillPoly(image, [around], FACE_SKIN)
        cv2.fillPoly(image, [np.round(outer).astype(np.int32)], PALE_LIPS)
        cv2.polylines(image, [np.round(lm[topo.LIPS_UPPER_INNER]).astype(np.int32)], False, PALE_LINE, 1)
    return (image * shade).astype(np.uint8), face, outer


def _painted_inside(animator, image: np.ndarray, outer: np.ndarray) -> int:
    """Pixels of the lips' box darker than any in the picture there (a cavity: a warp
    alone only moves the picture's own values about) once ``animator`` opens the mouth."""
    frame = image.copy()
    animator.apply(frame, Pose(open=0.8))
    x0, y0 = np.floor(outer.min(0)).astype(int)
    x1, y1 = np.ceil(outer.max(0)).astype(int)
    before, after = (cv2.cvtColor(p[y0 : y1 + 1, x0 : x1 + 1], cv2.COLOR_RGB2GRAY).astype(int) for p in (image, frame))
    return int((after < before.min() - 5).sum())


@pytest.mark.parametrize("picture", ["cloth", "pale lips", "pale lips, darkened"])
def test_a_mouth_covered_by_cloth_does_not_open(picture):
    # A cloth mask or a scarf over the mouth (Wesnoth's assassin+female, trapper): a mouth
    # opening painted onto the cloth looked absurd; the cloth only moves with the jaw. Pale
    # lips in a picture darkened to 45 % have as little contrast as cloth (an L* range under
    # 17 across them, a Lab distance to the skin under 11: they were taken for cloth), but
    # the line between them stays darker than the lips by the same ratio.
    shade = 0.45 if picture.endswith("darkened") else 1.0
    image, face, outer = masked_or_pale_face(picture.split(",")[0], shade=shade)
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    covered = picture == "cloth"
    assert animator.look.covered == covered
    painted = _painted_inside(animator, image, outer)
    assert painted == 0 if covered else painted > 50


def test_a_mouth_taken_for_covered_opens_when_the_job_says_it_shows():
    # The test can be wrong (a real mouth with little contrast): mouth_cover "open" must
    # give it a mouth that opens, as any other.
    image, face, outer = masked_or_pale_face("cloth")
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False, mouth_cover="open")
    assert not animator.look.covered and not animator.rig.covered
    assert _painted_inside(animator, image, outer) > 50


def test_a_mouth_the_job_says_is_covered_stays_shut_however_it_looks():
    image, face, outer = masked_or_pale_face("pale lips")
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False, mouth_cover="covered")
    assert animator.look.covered
    assert _painted_inside(animator, image, outer) == 0
    # The lips go down with the jaw as one: the gap between them stays as in the picture.
    rest, opened = (_inner_lips(animator.rig, Pose(open=value)) for value in (0.0, 0.8))
    assert abs((opened[1] - opened[0]) - (rest[1] - rest[0])) < 0.01
    assert opened[1] - rest[1] > 1.0


def _inner_lips(rig, pose) -> tuple:
    """How far down (pixels along the rig's down) the middles of the upper and lower inner lip are."""
    points = pose_points(rig, pose)
    upper, lower = points[rig.slot["upper_inner"]], points[rig.slot["lower_inner"]]
    return float(upper[len(upper) // 2] @ rig.down), float(lower[len(lower) // 2] @ rig.down)


@pytest.mark.parametrize(("lips", "covered"), [(120, False), (170, True)])
def test_in_black_and_white_only_lips_as_light_as_the_cloth_around_them_are_covered(lips, covered):
    # A grey picture has no colour to tell painted lips from cloth: Wesnoth's dunefolk
    # herbalist in grey (lips 0.40 darker than the skin, as log grey, and no line where face
    # mesh puts it) was taken for a mask. Lips a third darker than what is around them
    # (0.34) are lips there; grey as the cloth around them, they are the cloth.
    from talkingphoto.render._mouth_reading import mouth_covered

    image, face = synthetic_face(size=240)
    image = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    cv2.fillPoly(image, [np.round(outer.mean(0) + 2.5 * (outer - outer.mean(0))).astype(np.int32)], (170, 170, 170))
    cv2.fillPoly(image, [np.round(outer).astype(np.int32)], (lips, lips, lips))
    assert mouth_covered(image, face) == covered


DRAWN_SKIN, INK = (236, 206, 184), (40, 25, 20)
GUARD, GUARD_PLATE = (45, 42, 25), (62, 60, 30)


def drawn_face(mouth: str) -> tuple:
    """synthetic_face as flat cel-shaded line art with inked eyes, and a ``"guard"``: a dark
    bronze face guard over the mouth with a lighter, yellower plate where the lips are
    (Wesnoth's orc warlord); or an ``"ink"`` mouth: a line drawn a lip's height above where
    face mesh puts the lips, which lie on plain skin (Ren'Py's Sylvie, surprised)."""
    image, face = synthetic_face(size=240, style="drawn")
    image[:] = DRAWN_SKIN
    lm = face.landmarks[:, :2]
    for eye in (topo.RIGHT_EYE, topo.LEFT_EYE):
        cv2.polylines(image, [np.round(lm[eye]).astype(np.int32)], True, INK, 1)
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    centre = outer.mean(0)
    if mouth == "guard":
        cv2.fillPoly(image, [np.round(centre + 2.5 * (outer - centre)).astype(np.int32)], GUARD)
        cv2.fillPoly(image, [np.round(outer).astype(np.int32)], GUARD_PLATE)
    else:
        height = float(np.ptp(outer[:, 1]))
        cv2.polylines(image, [np.round(lm[topo.LIPS_UPPER_INNER] - (0, height)).astype(np.int32)], False, INK, 2)
    return image, face


@pytest.mark.parametrize(("mouth", "covered"), [("guard", True), ("ink", False)])
def test_a_face_guard_over_a_line_art_mouth_is_covered_and_a_drawn_mouth_the_mesh_missed_is_not(mouth, covered):
    # Wesnoth's orc warlord is read as line art, whose covered test returned False before
    # looking: an inked cartoon mouth opened on his face guard. A drawn mouth is covered
    # only where what is around it is as dark as ink and the lips are no redder; Sylvie's
    # lips on plain skin, the mesh off her drawn mouth, read as "nothing" by every other sign.
    from talkingphoto.render._mouth_reading import is_line_art, mouth_covered

    image, face = drawn_face(mouth)
    assert is_line_art(image, face)
    assert mouth_covered(image, face) == covered
    look = FaceAnimator(image, face, whole_face=False, head_motion=False).look
    assert look.covered == covered and look.style == ("photo" if covered else "drawn")


@pytest.mark.parametrize(("colour", "covered"), [(True, True), (False, False)])
def test_a_grey_respirator_over_a_small_drawn_face_is_covered_where_the_skin_has_colour(colour, covered):
    # A grey respirator over a painted face 200 pixels tall (Naev's dv_civilian_f7): no
    # darker than a drawn mouth's surroundings, its mouth under 18 pixels wide, and a mouth
    # was painted on it. No colour over the mouth where the skin has some says covered; in a
    # black-and-white drawing it says nothing.
    from talkingphoto.render._mouth_reading import mouth_covered

    image, face = synthetic_face(size=120, iris_distance=20.0, style="drawn")
    image[:] = DRAWN_SKIN
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    centre = outer.mean(0)
    assert 12 < np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]) < 18
    cv2.fillPoly(image, [np.round(centre + 2.5 * (outer - centre)).astype(np.int32)], (80, 80, 80))
    cv2.fillPoly(image, [np.round(outer).astype(np.int32)], (92, 92, 92))
    if not colour:
        image = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    assert mouth_covered(image, face) == covered


def _painted_mouth(*lines):
    """synthetic_face's shut mouth painted in one flat lip colour, with dark lines one
    pixel thin along its seam moved by each of ``lines`` (a share of the mouth's width,
    down), and the mouth's width."""
    image, face = synthetic_face()
    lm = face.landmarks[:, :2].astype(np.float64)
    width = float(np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]))
    x0, y0 = lm[topo.LIPS_ALL].min(0) - 0.4 * width
    x1, y1 = lm[topo.LIPS_ALL].max(0) + 0.4 * width
    image[int(y0) : int(y1), int(x0) : int(x1)] = (200, 130, 120)
    seam = (lm[topo.LIPS_UPPER_INNER] + lm[topo.LIPS_LOWER_INNER]) / 2
    for line in lines:
        points = np.round(seam + (0.0, line * width)).astype(np.int32)
        cv2.polylines(image, [points], False, (60, 25, 25), 1)
    return image, face, width


@pytest.mark.parametrize("line", [-0.2, 0.2])
def test_a_shut_mouth_whose_seam_the_mesh_missed_opens_on_its_painted_line(line):
    # Face mesh put a painted mouth's lip line in a white moustache (FreedroidRPG's
    # professor) or on the lower lip (Wesnoth's sylph): the mouth opened off its lips.
    image, face, width = _painted_mouth(line)
    seated = read_mouth(image, face)[0].landmarks
    moved = seated[topo.LIPS_ALL, 1] - face.landmarks[topo.LIPS_ALL, 1]
    assert np.allclose(moved, line * width, atol=1.0)
    others = np.setdiff1d(np.arange(len(seated)), topo.LIPS_ALL)
    assert np.array_equal(seated[others], face.landmarks[others])


def test_lips_a_pixel_off_a_painted_line_stay_where_the_mesh_put_them():
    # A dwarf's painted mouth line a pixel above the mesh's, and as dark a line lower down:
    # the mesh is near enough to a seam, and the lips stay.
    image, face, width = _painted_mouth(-0.02, 0.2)  # a pixel above, and a fifth below
    seated = read_mouth(image, face)[0].landmarks
    assert np.array_equal(seated, face.landmarks)


def test_a_covered_mouth_is_read_around_the_face_only():
    # mouth_covered reads a crop around the face (the whole picture cost 10 ms a face at
    # 1800x1536): the crop keeps every point with room around it, clipped at the picture's
    # edge, and the points move with it.
    from talkingphoto.render._mouth_reading import _around_face

    image = np.zeros((300, 400, 3), np.uint8)
    points = np.array([[10.0, 100.0], [90.0, 160.0]])  # 80 x 60: room 56 x 46 around
    crop, moved = _around_face(image, points)
    assert crop.shape[:2] == (60 + 2 * 46, 90 + 56)  # the left side clipped at x = 0
    np.testing.assert_allclose(moved, points - [0, 54])


def _line_art_mouth(painted: bool):
    """synthetic_face as flat cel-shaded line art with a shut mouth: an ink line on its seam
    and, when ``painted``, both lips shaded in brown between the skin and the ink, darkest
    at the seam (Wesnoth's marksman+female); else a short ink stroke under the lower lip."""
    image, face = synthetic_face(style="drawn")
    skin, ink = np.array((236, 206, 184), float), np.array((70, 40, 25), float)
    image[:] = skin.astype(np.uint8)
    lm = face.landmarks[:, :2].astype(np.float64)
    seam = (lm[topo.LIPS_UPPER_INNER] + lm[topo.LIPS_LOWER_INNER]) / 2
    if painted:
        seam_y = float(seam[:, 1].mean())
        lips = ((topo.LIPS_UPPER_OUTER, topo.LIPS_UPPER_INNER), (topo.LIPS_LOWER_OUTER, topo.LIPS_LOWER_INNER))
        for outer, inner in lips:
            lip = np.zeros(image.shape[:2], np.uint8)
            cv2.fillPoly(lip, [np.round(np.vstack([lm[outer], lm[inner][::-1]])).astype(np.int32)], 1)
            ys = np.nonzero(lip)[0]
            shade = 0.6 - 0.35 * np.abs(ys - seam_y) / max(float(np.abs(ys - seam_y).max()), 1.0)  # darkest at the seam
            image[lip > 0] = (skin + shade[:, None] * (ink - skin)).astype(np.uint8)
    else:
        lower = lm[topo.LIPS_LOWER_OUTER][4:7]
        cv2.polylines(image, [np.round(lower - (0, 2)).astype(np.int32)], False, ink.tolist(), 2)
    cv2.polylines(image, [np.round(seam).astype(np.int32)], False, ink.tolist(), 2)
    return image, face


@pytest.mark.parametrize("painted", [True, False])
def test_painted_lips_on_a_line_art_face_warp_as_skin_and_an_inked_mouth_is_replaced(painted):
    # Wesnoth's marksman+female and ranger+female have soft shaded lips on a cel-shaded
    # face: replaced by the cartoon mouth they became a dark ink ring round a flat hole.
    from talkingphoto.render._mouth_reading import is_line_art

    image, face = _line_art_mouth(painted)
    assert is_line_art(image, face)
    _, look, erased = read_mouth(image, face)
    assert (erased is None) == painted
    assert look.style == ("photo" if painted else "drawn")


OWN_TEETH = (240.0, 235.0, 225.0)


def _own_teeth_in_a_round_hole(rounding: float) -> np.ndarray:
    """Luma down the middle of a round hole 30 px wide and 10 tall (rows 37-46), opened at
    ``rounding`` in a picture whose own teeth fill 7 of the 8 pixels between its lips."""
    image = np.full((80, 100, 3), FACE_SKIN, np.uint8)
    image[30:50, 20:81] = LIPS
    image[36:44, 22:79] = (60, 20, 25)  # the dark inside
    image[36:43, 22:79] = OWN_TEETH
    corner_to_corner = np.linspace(20, 80, 13)
    upper, lower = (np.stack([corner_to_corner, np.full(13, y)], 1) for y in (36.0, 44.0))
    own = find_own_teeth(image, upper, lower, LIPS, FACE_SKIN, upper_lip=UPPER_LIP, mouth_width=60.0)
    assert own is not None
    u = np.linspace(-1, 1, 21)
    hole_upper = np.stack([50 + 15 * u, 38 - 1.0 * (1 - u**2)], 1)
    hole_lower = np.stack([50 + 15 * u, 38 + 9.0 * (1 - u**2)], 1)
    paint_mouth(
        image, np.vstack([hole_upper, hole_lower[::-1][1:-1]]), upper_teeth_edge=upper, lower_lip_edge=hole_lower,
        lower_lip_rest=lower, centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]),
        mouth_width=60.0, look=MouthLook(PALETTE, "photo", own_teeth=own), rounding=rounding,
    )  # fmt: skip
    return _luma(image[37:47, 48:53].astype(float)).mean(axis=1)


def test_a_photos_own_teeth_recede_under_rounded_lips():
    # A smile's own teeth, tall in the picture, hang from the skull: a rounded mouth's small
    # hole was all teeth, edge to edge (buck teeth, not an OO). Rounded lips hide them as
    # they round: at full rounding at most the upper row's edge shows at the hole's top.
    teeth_luma = _luma(np.array(OWN_TEETH))
    rows_of_teeth = []
    for rounding in (0.0, 0.5, 1.0):
        luma = _own_teeth_in_a_round_hole(rounding)
        rows_of_teeth.append(int(np.sum(luma > 0.8 * teeth_luma)))
    assert rows_of_teeth[0] >= 5  # as the picture shows them, 5 px into the hole
    assert rows_of_teeth[0] > rows_of_teeth[1] > rows_of_teeth[2]
    assert rows_of_teeth[2] <= 2 and luma[5] < 0.4 * teeth_luma  # the middle dark


SNARL_INSIDE, SNARL_TEETH = (110, 20, 25), (235, 230, 215)


def _snarling_face():
    """A synthetic face whose mouth is painted open at rest (0.4 of its width): a row of
    teeth under the upper lip and another over the lower one, a dark-red inside between."""
    image, face = synthetic_face(mouth_gap=20.0)
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    upper, lower = lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER]
    cv2.fillPoly(image, [np.round(outer).astype(np.int32)], LIPS)
    inside = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(np.vstack([upper, lower[::-1]])).astype(np.int32)], 1)
    rows = np.arange(image.shape[0])[:, None]
    top = np.interp(np.arange(image.shape[1]), upper[:, 0], upper[:, 1])[None]
    bottom = np.interp(np.arange(image.shape[1]), lower[:, 0], lower[:, 1])[None]
    image[inside > 0] = SNARL_INSIDE
    image[(inside > 0) & ((rows < top + 4) | (rows > bottom - 3))] = SNARL_TEETH
    return image, face


def test_a_mouth_open_at_rest_closes_over_its_own_inside_not_a_painted_one():
    # Wesnoth's orc grunt snarls, his mouth 0.46 of its width open: speech asking for less
    # showed a brown painted hole with his fangs squeezed into lavender streaks. The lips
    # come together over the picture's own inside: its upper teeth hang from the skull, the
    # lower row rides up with the jaw, and between them the dark red as painted.
    image, face = _snarling_face()
    animator = FaceAnimator(image, face, whole_face=False, head_motion=False)
    rig = animator.rig
    width = rig.mouth_width
    assert 0.35 < (rig.vertices("lower_inner") - rig.vertices("upper_inner"))[5, 1] / width < 0.45
    frame = image.copy()
    pose = Pose(open=0.36)  # 0.2 of the width: about half the picture's opening
    animator.apply(frame, pose)
    posed = pose_points(rig, pose)
    x = int(round(posed[rig.slot["upper_inner"]][5, 0]))
    top, bottom = posed[rig.slot["upper_inner"]][5, 1], posed[rig.slot["lower_inner"]][5, 1]
    column = frame[int(np.ceil(top + 1)) : int(np.floor(bottom - 1)), x].astype(float)
    assert len(column) >= 5
    teeth, dark = np.array(SNARL_TEETH, float), np.array(SNARL_INSIDE, float)
    share = np.clip((column - dark) @ (teeth - dark) / np.sum((teeth - dark) ** 2), 0, 1)  # 1: teeth
    off = np.linalg.norm(column - (dark + share[:, None] * (teeth - dark)), axis=1)
    assert off.max() < 20  # nothing but the picture's teeth and inside (and their blend at an edge)
    labels = "".join("t" if tooth else "i" for tooth in share > 0.5)
    assert labels.strip("t") == "i" * labels.count("i")  # teeth above and below the dark red, whole
    assert labels.startswith("t") and labels.endswith("t") and labels.count("i") >= 3


@pytest.mark.parametrize(
    "apart, between, whole",
    [(6.0, SNARL_INSIDE, False), (24.0, SNARL_INSIDE, True), (24.0, (175, 105, 105), False)],
)
def test_only_a_mouth_clearly_open_at_rest_keeps_its_whole_inside(apart, between, whole):
    # Parted lips (0.1 of the width) keep their teeth and painted inside as before; lips
    # face mesh put apart on the skin (Wesnoth's elvish scout: her cheek between lips on
    # her cheek) have no inside to keep.
    image = np.full((80, 100, 3), FACE_SKIN, np.uint8)
    image[20:60, 20:81] = LIPS
    image[28 : 28 + int(apart), 22:79] = between
    corner_to_corner = np.linspace(20, 80, 13)
    bulge = 1 - np.linspace(-1, 1, 13) ** 2
    upper = np.stack([corner_to_corner, np.full(13, 28.0)], 1)
    lower = np.stack([corner_to_corner, 28.0 + apart * bulge ** 0.2], 1)
    found = find_own_inside(image, upper, lower, LIPS, mouth_width=60.0)
    assert (found is not None) == whole
    if whole:
        own, cavity = found
        assert own.whole and np.linalg.norm(np.array(cavity) - SNARL_INSIDE) < 1


def test_lips_pressed_over_a_photos_own_teeth_meet_in_their_own_crease():
    # A toothy smile pressed shut (M/B/P): the line where the lips meet hides the teeth
    # squeezed between them in the lips' own colour darkened, as a crease, not in the seam's
    # dark red (a line of lipstick drawn across the skin).
    image = np.full((80, 100, 3), FACE_SKIN, np.uint8)
    image[30:50, 20:81] = LIPS
    image[36:44, 22:79] = (60, 20, 25)
    image[36:43, 22:79] = OWN_TEETH
    lips_mask = np.zeros((80, 100), bool)
    lips_mask[30:36, 20:81] = lips_mask[44:50, 20:81] = True
    skin_mask = np.zeros((80, 100), bool)
    skin_mask[:25] = True
    palette = palette_from_image(image, lips_mask, skin_mask, style="photo")
    corner_to_corner = np.linspace(20, 80, 13)
    upper, lower = (np.stack([corner_to_corner, np.full(13, y)], 1) for y in (36.0, 44.0))
    own = find_own_teeth(image, upper, lower, LIPS, FACE_SKIN, upper_lip=UPPER_LIP, mouth_width=60.0)
    assert own is not None

    canvas = np.full((80, 100, 3), LIPS, np.uint8)  # the lips, warped together over the teeth
    shut = np.stack([corner_to_corner, np.full(13, 40.0)], 1)
    paint_mouth(
        canvas, np.vstack([shut, shut[::-1][1:-1]]), upper_teeth_edge=upper, lower_lip_edge=shut, lower_lip_rest=lower,
        centre=np.array([50.0, 40.0]), right=np.array([1.0, 0.0]), down=np.array([0.0, 1.0]), mouth_width=60.0,
        look=MouthLook(palette, "photo", own_teeth=own),
    )  # fmt: skip
    line = canvas[38:43, 45:56].reshape(-1, 3).astype(float)
    darkest = line[np.argmin(_luma(line))]
    crease = np.array(palette.crease)
    assert np.abs(darkest - crease).max() < 12 and _luma(crease) > _luma(np.array(palette.seam)) + 25
    hue = np.array(LIPS, float) / np.sum(LIPS)
    assert np.abs(crease / crease.sum() - hue).max() < 0.02  # the lips' own hue


def test_big_photo_teeth_are_separate_crowns_not_a_white_bar():
    # A wide-open mouth 200 px wide: the upper row must read as teeth, each crown lighter
    # down its middle than at its seams, the cavity showing in the notch between two tips.
    # With seams 8 % darker and tips barely rounded it was a smooth white bar.
    canvas = np.full((200, 300, 3), (200, 150, 130), np.uint8)
    u = np.linspace(-1, 1, 41)
    rest = np.stack([150 + 100 * u, np.full_like(u, 100.0)], 1)
    upper = rest - [0, 1] * (8 * (1 - u**2))[:, None]
    lower = rest + [0, 1] * (70 * (1 - u**2))[:, None]
    _paint_between(canvas, upper, lower, rest, width=200.0)
    luma = canvas.astype(float) @ [0.299, 0.587, 0.114]
    crown, seam = 150 + 100 * 0.15, 150  # the central incisor's middle, the seam between the two
    teeth_rows = np.flatnonzero(luma[:, int(crown)] > 200)  # the skin is 163
    assert len(teeth_rows) > 5
    row = int(np.median(teeth_rows))
    assert luma[row, seam] < 0.85 * luma[row, int(crown)]
    tip_at = lambda x: row + np.argmax(luma[row:, x] < 120)  # where the cavity starts below
    assert tip_at(int(crown)) - tip_at(seam) >= 2  # a rounded notch between the tips
