"""Painting the mouth every frame: cavity, teeth and tongue, and a drawn mouth's lines.

What is painted was read once from the picture (see _mouth_reading.read_mouth) into the
MouthLook defined here. Photos keep their own teeth where the picture shows them: the
upper row stays with the skull, the lower row rides on the jaw, and whatever the picture
never showed (a deeper cavity, more tooth as the lip lifts) is painted continuous with
them in colour and shading. Drawn characters get flat, clean shapes with an outline in
their own ink; a mouth drawn open becomes, back at rest, the one the artist drew, in its
colours, so the picture's own hands over without a jump. Everything is drawn in a small
box around the opening, in the mouth's own frame (``right``, ``down``), so head roll is
handled for free, with anti-aliased edges.
"""

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = [
    "MouthLook",
    "MouthPalette",
    "OwnMouth",
    "OwnTeeth",
    "palette_from_image",
    "paint_mouth",
]

# A line-art mouth parted nowhere by this many strokes is drawn shut, as one line: two
# strokes a hair apart read as a heavy dark bar (the learned mouth holds the lips that far
# apart in silence), and face mesh reads them as open.
INK_SHUT = 1.5
INK_ROUND_FADE = 0.5  # rounding at which the line where rounded lips meet is gone
# An inked mouth's outline is drawn through INK_CURVE_STEPS points per span between the
# rig's lip vertices, on a curve through them: straight spans met at a kink of up to 40
# degrees at every vertex (sylvie's open mouth: a lumpy upper line, a pointed roof).
INK_CURVE_STEPS = 4
# A line's colours (see _mouth_reading.LINE_SAMPLES) hold while the line is one (parted by
# under INK_SHUT strokes) and give way to the one ink as the lips part to LINE_OPEN strokes:
# an open mouth needs its whole outline, and sylvie's line, thinned to the skin past its
# drawn right end, left a bare corner there.
LINE_OPEN = 3.0
# A photo's cavity is its lips' colour this dark (and redder), plus this; a mouth drawn
# open speaks with its inside's darker colour made dark the same way.
CAVITY_SHADE, CAVITY_LIFT = (0.30, 0.17, 0.19), 6.0
# A photo's lips that meet (pressed on M/B/P, or closed between words) meet in a crease
# this dark of their own colour, from a gap of CREASE_GAP pixels down; wider, a slit
# between them shows the dark seam. It shows most over teeth the picture shows, where the
# stroke is drawn whole to hide them (see HAIRLINE): in the seam's dark red (half cavity,
# half tongue) the astronaut's toothy smile closed into a line of lipstick across her skin.
CREASE_SHADE, CREASE_GAP = 0.7, 1.5
# A grin's teeth are read as their colour over this grid (rows from their top to their
# bottom, columns corner to corner): an artist shades them (lilac or grey under the upper
# lip, towards the corners), and flat teeth in the frame that takes over from the drawing
# changed its look.
GRIN_GRID = (6, 8)
# A photo's painted upper teeth fill at most this share of the opening below the upper lip,
# so a slightly parted mouth shows their edge over a dark gap that grows with it. Filling
# it (0.06 of the mouth's width hung from the lip line, as the lip lifts), a pale band of
# teeth closed every small opening, which looked flat and read to face mesh alike from
# 0.1 to 0.3 (bench_look.py's read-back).
TEETH_SHARE = 0.5
# Rounded lips (OO, W) push forward and down over the teeth: a dark round hole with at most
# the upper incisors' edge at its top. A picture's own teeth hang from the skull where the
# picture shows them, and a smile's fill a rounded mouth's small hole edge to edge (the
# astronaut's filled 5.6 px of a 9.4-px hole: buck teeth, not an OO). So they
# recede under the upper lip as the lips round, until mid-mouth at full rounding their
# edge fills at most this share of the hole below the lip (see _own_recede).
ROUND_TEETH_SHOW = 0.2
# On a small mouth (a 400-pixel painted portrait's is 14-25 pixels wide) what a pixel
# cannot draw only greys the teeth: 0.06 of the width is under a pixel there, a dark seam
# every 1.5 pixels and a blur of half a pixel mix the row with the cavity around it (its
# lightest row came out 8-27 L* darker than the palette's teeth, darker than the skin on
# many). So painted teeth are at least TEETH_MIN_PX tall, their seams fade out where a
# tooth is under SEAM_MIN_TOOTH_PX wide, and the inside is blurred in proportion to the
# mouth only (a photo's mouth over 40 pixels wide is blurred as before).
TEETH_MIN_PX, SEAM_MIN_TOOTH_PX = 1.5, 3.0
# A photo's lower teeth are this share of the mouth's width each (about 5 mm of 50): seven
# seams from the middle out, to where the row ends.
LOWER_TOOTH = 0.065
# A photo's painted upper teeth: their seams, from the middle out, in u (-1..1 corner to
# corner): central incisors about 0.15 of the mouth's width each (7.5 mm of 50), the
# laterals and canines narrower as the arch turns away. Their biting edges are this much
# greyer. At 0.11 of the width, seams darkened by 8 % and 0.01 of it rounding the tips,
# a wide-open mouth 240 pixels wide showed a smooth white bar, not teeth.
UPPER_SEAMS = (0.0, 0.3, -0.3, 0.53, -0.53, 0.72, -0.72)
INCISAL_SHADE = 0.18
# Crowns shaded round, seams darkened from 8 to 22 %, tips rounded and edges greyed only
# where a central incisor is CROWN_PX[0] pixels wide or more, fully from CROWN_PX[1]: on a
# small mouth that detail only greys the row (see TEETH_MIN_PX).
CROWN_PX = (6.0, 14.0)
# An animal's open mouth (rigged from clicked points) is set into its fur: its edge soft
# over this share of the mouth's width, the fur around it shaded (up to half of FUR_SHADE at
# the edge, fading over FUR_RIM) towards its own colour FUR_LIP as light, as dark lips and
# overhanging fur are. Shaded towards the inside's dark red, it ringed the hole like lipstick.
FUR_EDGE, FUR_RIM, FUR_SHADE, FUR_LIP = 0.025, 0.06, 0.5, 0.3
# Inside, it has depth: from MUZZLE_PALATE of the cavity's colour under the upper lip it
# darkens down to MUZZLE_THROAT of it below the middle (a glow lighter towards the whole rim,
# 0.6 to 1, with a tongue along the lower edge, read as a painted oval with lipstick; lit at
# 1, the palate read as a red upper lip). Its tongue lies low and back:
# its front MUZZLE_TONGUE[0] of the opening's height above the lower edge (the lower lip's
# inside shows dark in front of it), its back rising to MUZZLE_TONGUE[1] of it in the
# middle, a dome over the middle MUZZLE_TONGUE[2] of the mouth's half width; it is shaded
# from MUZZLE_TONGUE_SHADE[0] of the tongue's colour at the back to [1] at the front.
MUZZLE_PALATE, MUZZLE_THROAT = 0.8, 0.35
MUZZLE_TONGUE, MUZZLE_TONGUE_SHADE = (0.16, 0.5, 0.55), (0.45, 0.75)
# An opening under half this many pixels thin (lips pressed on M/B/P, or a hair apart)
# covers each pixel only by the share of it that lies across the opening, and from this
# many on by its anti-aliased outline, about half a pixel fuller (between, a blend): the
# outline alone painted a full-strength seam a pixel or two wide over the picture's own lip
# line (a dark red stroke the resting picture never had), and a line-art mouth's rounded
# lips left a cavity-red tail past the ink where they nearly meet. Up to 2 px, openings of a
# pixel or two read less open on a small face (FreedroidRPG kevin's lip sync 0.548 / 0.713
# -> 0.465 / 0.645 on LibriVox 0870 / 0880); at 1 px it held (0.524 / 0.734), as on the
# development split (kevin r0 0.687 with the stroke, 0.700 at 1 px, 0.692 at 2). Not where the
# picture shows its own teeth: pressed, they squeeze into the line between the lips, and
# the seam hides them.
HAIRLINE = 1.0
# A photo's painted tongue shows by how tall it is in pixels: none at TONGUE_PX[0], all
# from TONGUE_PX[1]. Thinner, it ran as a red band along the bottom of the opening that read
# as a second lower lip on small 3D renders (FreedroidRPG's arthur, cook, default_male: a
# 25-pixel mouth's tongue is 2 pixels tall); the cavity's dark shows there instead.
TONGUE_PX = (1.0, 4.0)
# A drawn mouth speaks with its tongue filling this share of the share it fills as drawn
# in a mouth drawn open (eileen_vhappy's, drawn over 0.73 of the opening, 0.37), or of
# DRAWN_TONGUE in one drawn as a line or a grin. With the photo's low tongue (a strip two
# pixels tall on a 20-pixel mouth) the speaking mouth was a black hole where the artist had
# drawn a pink or red one (eileen, lucy, sylvie) and where anime draws one; the cavity keeps
# the dark band under the teeth that reads as open. Lip sync on the 17 development
# recordings: eileen 0.663 -> 0.670, sylvie green normal 0.789 -> 0.802, giggle 0.661 -> 0.674.
SPOKEN_TONGUE, DRAWN_TONGUE = 0.5, 0.6
# Painted teeth are ivory: at most this saturated for their lightness (Lab chroma over L*),
# their hue and lightness kept, as the astronaut's own teeth are (0.15; her skin 0.27).
# Tinted by the skin's light alone they came out peach and read as skin: grace_hopper 0.27,
# Wesnoth's master-bowman 0.27 in his grey beard, peasant 0.34, dwarvish thunderer 0.37
# (painted, 0.62 of the skin's chroma, median of 19 faces; 0.37 at this limit).
TEETH_CHROMA = 0.15


@dataclass(frozen=True)
class MouthPalette:
    """Colours of the mouth interior, RGB floats 0..255 (gums: above teeth a lifted lip
    bares; seam: the shadow between lips that nearly touch; crease: where they meet, see
    CREASE_SHADE, the seam's if None)."""

    cavity: tuple
    teeth: tuple
    tongue: tuple
    gums: tuple
    seam: tuple
    crease: tuple | None = None


@dataclass(frozen=True)
class OwnTeeth:
    """The teeth the picture shows, cut out once to be shown instead of painted ones.

    Attributes
    ----------
    box : (x0, y0, x1, y1)
        Where the layers sit, in picture pixels.
    pixels : np.ndarray [shape=(h, w, 3), dtype=float32, RGB 0..255]
    upper, lower : np.ndarray [shape=(h, w), dtype=float32, 0..1]
        Coverage of the upper row (fixed to the skull) and the lower row (on the jaw).
    height : float
        How far the upper teeth reach below the upper lip mid-mouth, in pixels.
    tint : np.ndarray [shape=(h, w, 4), dtype=float32]
        The upper row's enamel colour averaged over a few pixels (RGB 0..255) and how near
        that enamel is (0..1): painted teeth next to the own ones take it, so the two read
        as one row. The box has room around the teeth for the colour to reach out.
    whole : bool
        The layers hold the picture's whole inside (a mouth open at rest, see
        _mouth_reading.OPEN_AT_REST), ``upper`` its upper half: nothing is painted with
        them but the cavity they leave as the jaw drops.
    """

    box: tuple
    pixels: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    height: float
    tint: np.ndarray
    whole: bool = False


@dataclass(frozen=True)
class OwnMouth:
    """A line-art mouth drawn open, read once: the painted mouth becomes it as the face
    comes back to rest, so the picture's own mouth hands over to it without a jump.

    Attributes
    ----------
    upper, lower : np.ndarray [shape=(m, 2), float64]
        The drawn opening traced at the inner lips' vertices, corner to corner, in picture
        pixels (see _mouth_reading.drawn_opening).
    cavity, tongue : tuple
        The inside's colours as drawn, RGB floats 0..255.
    tongue_depth : float
        Share of the opening's height the drawn tongue fills (0: none of its own).
    teeth : np.ndarray or None [shape=GRIN_GRID + (3,), dtype=float32, RGB 0..255]
        A grin's teeth as drawn, their colour from their top under the upper line's ink
        (row 0) to their bottom and from corner to corner: at rest its opening is all teeth
        (see _mouth_reading.GRIN). None where the painted band of teeth stands for them.
    lower_ink : float
        How strongly a grin's lower edge is inked, against its upper one (0..1): an artist
        often ends the teeth there with no line.
    upper_ink : np.ndarray or None [shape=(m,), float64, 0..1]
        How strongly a grin's upper edge is inked at each vertex of ``upper``, from the
        skin's lightness (0) to the ink's (1): an artist may thin it to nothing in the
        middle, over teeth shaded there instead. None: fully, as a mouth's line.
    """

    upper: np.ndarray
    lower: np.ndarray
    cavity: tuple
    tongue: tuple
    tongue_depth: float = 0.0
    teeth: np.ndarray | None = None
    lower_ink: float = 1.0
    upper_ink: np.ndarray | None = None

    @property
    def grin(self) -> bool:
        """A grin (see GRIN): at rest its opening is all teeth, and it closes through its shape."""
        return self.teeth is not None


@dataclass(frozen=True)
class MouthLook:
    """How one face's mouth is painted, read once from its picture.

    Attributes
    ----------
    palette : MouthPalette
    style : {"photo", "drawn"}
    teeth : bool
        False for a mouth whose teeth nobody knows (an animal rigged from clicked points):
        a human row of teeth there looks uncanny; a dark mouth with a tongue does not.
    own_teeth : OwnTeeth or None
        The picture's own teeth, if it shows some (photos and painted faces).
    line : tuple or None
        Line-art mouths (erased and redrawn): outline colour, RGB floats 0..255, and
        ``line_width`` in pixels.
    line_colours : np.ndarray or None [shape=(LINE_SAMPLES, 3), float32, RGB 0..255]
        A mouth drawn as a line: its ink's colour along the seam, corner to corner (see
        _mouth_reading.LINE_SAMPLES), for the painted upper line (the shut line). None:
        ``line`` throughout.
    own_mouth : OwnMouth or None
        A line-art mouth drawn open, as the picture shows it.
    covered : bool
        The mouth is covered or out of sight (see _mouth_reading.mouth_covered): nothing is
        painted in it.
    """

    palette: MouthPalette
    style: str
    teeth: bool = True
    own_teeth: OwnTeeth | None = None
    line: tuple | None = None
    line_width: float = 1.0
    line_colours: np.ndarray | None = None
    own_mouth: OwnMouth | None = None
    covered: bool = False


def palette_from_image(
    image: np.ndarray, lip_mask: np.ndarray | None, skin_mask: np.ndarray, *, style: str
) -> MouthPalette:
    """Choose interior colours that belong in this picture.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    lip_mask, skin_mask : np.ndarray [shape=(h, w), dtype=bool]
        Pixels of the lips and of nearby skin, to read colour and exposure from. No
        ``lip_mask`` for a mouth rigged from clicked points (an animal's): what lies there is
        fur or skin, so its inside is a mammal's, dark with a pink tongue, in the skin's light.
    style : {"photo", "drawn"}
    """
    lips = image[lip_mask].reshape(-1, 3).astype(np.float32) if lip_mask is not None else np.zeros((0, 3), np.float32)
    skin = image[skin_mask].reshape(-1, 3).astype(np.float32)
    lip = np.median(lips, 0) if len(lips) else np.array([170.0, 90.0, 90.0])
    skin_rgb = np.median(skin, 0) if len(skin) else np.array([200.0, 160.0, 140.0])
    skin_luma = float(skin_rgb @ [0.299, 0.587, 0.114])
    # Teeth take the picture's white balance (a third of the skin's tint): neutral
    # white looks blue next to warm skin.
    tint = skin_rgb / max(skin_luma, 1.0)
    teeth = np.clip((0.65 + 0.35 * tint) * np.array([1.0, 0.97, 0.9]), 0, 1.2)
    if style == "drawn":
        # Flat and clean, but never brighter than the brightest the artist painted.
        cavity = np.array([70.0, 22.0, 32.0])
        teeth = teeth * float(np.clip(1.2 * skin_luma, 150.0, 245.0))
        tongue = np.array([168.0, 70.0, 82.0])
        gums = np.array([200.0, 100.0, 110.0])
    else:
        # As bright as the skin's highlights at least: dim teeth read as grey.
        highlight = float(np.percentile(skin @ [0.299, 0.587, 0.114], 95)) if len(skin) else skin_luma
        teeth = teeth * float(np.clip(max(1.3 * skin_luma, highlight), 150.0, 235.0))
        cavity = lip * np.array(CAVITY_SHADE) + CAVITY_LIFT
        tongue = lip * np.array([0.72, 0.42, 0.44])
        gums = lip * np.array([0.85, 0.6, 0.62])
    # Match the picture's colourfulness: a black-and-white photo gets a grey mouth.
    if lip_mask is None:
        # No lips known: a mammal's mouth in the skin's light, its lips meeting in a dark
        # line (halfway to a pink tongue reads as a pink scratch on the fur).
        light = float(np.clip(skin_luma / 110.0, 0.5, 1.1))
        cavity, tongue, gums = (np.array(c) * light for c in ((55.0, 18.0, 24.0), (190.0, 100.0, 110.0), (200.0, 110.0, 120.0)))
        seam = crease = 1.4 * cavity
        # Fur is often white or grey in a colour photo: the whole picture's colours tell.
        chroma = _colourfulness(image)
    else:
        seam = 0.5 * (cavity + tongue)
        crease = lip * CREASE_SHADE if style == "photo" else seam
        # Pale painted lips and skin (an elf's) in a colourful picture are not a black and
        # white photo: their mouth keeps its colour.
        chroma = max([float(np.ptp(c)) / max(float(c.max()), 1.0) for c in (lip, skin_rgb)] + [_colourfulness(image)])
    saturation = float(np.clip(chroma / 0.35, 0.0, 1.0)) if style == "photo" else 1.0

    def desaturate(c):
        grey = float(c @ [0.299, 0.587, 0.114])
        return tuple(float(v) for v in np.clip(grey + saturation * (c - grey), 0, 255))

    cavity, teeth, tongue, gums, seam, crease = (desaturate(c) for c in (cavity, teeth, tongue, gums, seam, crease))
    return MouthPalette(cavity, _ivory(teeth), tongue, gums, seam, crease)


def _ivory(teeth: tuple) -> tuple:
    """``teeth`` (RGB floats 0..255) with their Lab chroma cut to TEETH_CHROMA of their L*,
    lightness and hue kept; the very same tuple where they are within it."""
    lab = cv2.cvtColor(np.float32(teeth).reshape(1, 1, 3) / 255, cv2.COLOR_RGB2LAB).reshape(3)
    chroma, most = float(np.hypot(lab[1], lab[2])), TEETH_CHROMA * float(lab[0])
    if chroma <= most:
        return teeth
    lab[1:] *= most / chroma
    rgb = cv2.cvtColor(lab.reshape(1, 1, 3), cv2.COLOR_LAB2RGB).reshape(3)
    return tuple(float(v) for v in np.clip(255 * rgb, 0, 255))


def _colourfulness(image: np.ndarray) -> float:
    """How colourful a picture is: the 90th percentile over its pixels of (max - min) / max
    of their RGB (0 for black and white)."""
    pixels = image.reshape(-1, 3)[::7]
    most, least = pixels.max(axis=1).astype(np.float32), pixels.min(axis=1).astype(np.float32)
    return float(np.percentile((most - least) / np.maximum(most, 1.0), 90))


def _face_along(at: np.ndarray, along: tuple) -> np.ndarray:
    """The face's place along the mouth at the picture's places ``at`` (see paint_mouth's
    ``along``), past the table's ends on with the slope of its outermost step."""
    picture, face = along
    first = (face[1] - face[0]) / max(picture[1] - picture[0], 1e-6)
    last = (face[-1] - face[-2]) / max(picture[-1] - picture[-2], 1e-6)
    far = 10.0  # half mouth widths past either end
    picture = np.concatenate([[picture[0] - far], picture, [picture[-1] + far]])
    face = np.concatenate([[face[0] - far * first], face, [face[-1] + far * last]])
    return np.interp(at, picture, face).astype(np.float32)


def _profile(u_line: np.ndarray, v_line: np.ndarray, u: np.ndarray) -> np.ndarray:
    order = np.argsort(u_line)
    return np.interp(u, u_line[order], v_line[order])


def _cover(distance: np.ndarray) -> np.ndarray:
    """Anti-aliased coverage from a signed distance in pixels (positive = inside)."""
    return np.clip(distance + 0.5, 0.0, 1.0)


def _over(colour: np.ndarray, paint, coverage: np.ndarray) -> None:
    """Lay ``paint`` (an RGB triple or an image) over ``colour`` with ``coverage``, in place."""
    a = coverage[..., None]
    colour *= 1 - a
    colour += a * paint


def paint_mouth(
    canvas: np.ndarray,
    opening: np.ndarray,
    *,
    upper_teeth_edge: np.ndarray,
    lower_lip_edge: np.ndarray,
    lower_lip_rest: np.ndarray,
    centre: np.ndarray,
    right: np.ndarray,
    down: np.ndarray,
    mouth_width: float,
    look: MouthLook,
    origin=(0, 0),
    opacity: float = 1.0,
    rounding: float = 0.0,
    fv: float = 0.0,
    tongue: float = 0.0,
    as_drawn: float = 0.0,
    along: tuple | None = None,
) -> None:
    """Paint the interior inside ``opening`` onto ``canvas`` (and a drawn mouth's outline), in place.

    Parameters
    ----------
    canvas : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    opening : np.ndarray [shape=(n, 2)]
        Inner-lip outline in canvas pixels (the hole the lips leave): the upper edge corner
        to corner, then the lower edge back.
    upper_teeth_edge : np.ndarray [shape=(m, 2)]
        Where the upper lip's inner edge sits at rest: the upper teeth hang from the skull
        there and do not follow the lip.
    lower_lip_edge, lower_lip_rest : np.ndarray [shape=(m, 2)]
        The lower lip's inner edge now and at rest: the lower teeth ride on the jaw behind it.
    centre, right, down : np.ndarray [shape=(2,)]
        Mouth centre at rest and the mouth's unit axes, in canvas pixels.
    look : MouthLook
    origin : (x, y)
        Where canvas pixel (0, 0) sits in the picture (to find the picture's own teeth).
    opacity : float
        0..1; the painted mouth fades in as the face leaves the picture's own mouth.
    rounding : float
        0..1; rounded lips (OO) hide more of the teeth.
    fv : float
        0..1; lower lip under the upper teeth (F/V): teeth fill the opening.
    tongue : float
        0..1; the tongue tip rises to just under the upper teeth (L, TH).
    as_drawn : float
        0..1; how far a mouth drawn open (``look.own_mouth``) shows its inside as drawn:
        its colours and its tongue's depth, a grin's teeth filling it and its soft lower
        edge (1 at rest).
    along : (np.ndarray, np.ndarray) or None
        Places along the mouth [shape=(k,) each, -1..1 corner to corner]: in the picture
        (from ``centre`` along ``right``, in half mouth widths) and on the face (see
        _rig.lip_along), increasing; the inside (teeth, tongue, shading) is laid out on the
        face's, so on a turned face it is centred on the lips' middle and foreshortened on
        the far side. None: the picture's.
    """
    if opacity <= 0:
        return
    drawn = look.style == "drawn"
    h, w = canvas.shape[:2]
    line = look.line_width if drawn and look.line is not None else 0.0
    hole = opening
    if line > 0:
        opening, apart = _ink_parted(_through_curves(opening, INK_CURVE_STEPS), INK_SHUT * line)
        hole = _parted_part(opening, apart)
    fur = not drawn and not look.teeth
    if fur and hole is not None:
        hole = _rounded_corners(hole)
    pad = int(np.ceil(line)) + 2 + (int(np.ceil(3 * FUR_RIM * mouth_width)) if fur else 0)
    x0, y0 = np.floor(opening.min(0)).astype(int) - pad
    x1, y1 = np.ceil(opening.max(0)).astype(int) + pad + 1
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    shift = 3
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    if hole is not None:
        poly = np.round((hole - (x0, y0)) * (1 << shift)).astype(np.int32)
        cv2.fillPoly(mask, [poly], 255, lineType=cv2.LINE_AA, shift=shift)
    alpha = mask.astype(np.float32) * (opacity / 255.0)
    if look.own_teeth is None:
        alpha = np.minimum(alpha, _hairline_cover((x0, y0, x1, y1), opening, centre, right, down))
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    if mask.any():
        colour = _interior(
            (x0, y0, x1, y1), opening, upper_teeth_edge, lower_lip_edge, lower_lip_rest, centre, right, down,
            mouth_width, look, origin, rounding, fv, tongue, as_drawn, along,
        )  # fmt: skip
        if fur:
            alpha = _fur_edge(region, alpha, mouth_width)
        _over(region, colour, alpha)
    if line > 0:
        # Drawn at 4x and averaged down, so the stroke keeps the artist's fractional width;
        # the upper lip's line is the artist's full stroke, the lower one lighter, so a
        # mouth just parted stays a line with a dark gap, not a thick ring. Where rounded
        # lips meet beside their hole the line fades: an inked O is an O, without tails.
        outline = np.round((opening - (x0, y0) + 0.375) * 4 * (1 << shift)).astype(np.int32)
        middle = len(opening) // 2 + 1
        lower_ink, upper_ink = np.ones(len(opening) - middle + 2), np.ones(middle)
        own = look.own_mouth
        if own is not None and own.grin:  # back towards the grin's edges as drawn
            lower_ink -= (1.0 - own.lower_ink) * as_drawn
            if own.upper_ink is not None:
                drawn_ink = np.interp(np.linspace(0, 1, middle), np.linspace(0, 1, len(own.upper_ink)), own.upper_ink)
                upper_ink -= (1.0 - drawn_ink) * as_drawn
        edges = (
            (np.vstack([outline[middle - 1 :], outline[:1]]), np.concatenate([[0.0], apart[::-1], [0.0]]), 0.6 * line, lower_ink),
            (outline[:middle], np.concatenate([[0.0], apart, [0.0]]), line, upper_ink),
        )  # fmt: skip
        fine = np.zeros((2, mask.shape[0] * 4, mask.shape[1] * 4), np.uint8)  # where lips are apart, meet
        for edge, gaps, width, strength in edges:
            thickness = max(1, int(round(4 * width)))
            for k in range(len(edge) - 1):
                meeting = int(min(gaps[k], gaps[k + 1]) <= 0)
                a, b = (int(edge[k][0]), int(edge[k][1])), (int(edge[k + 1][0]), int(edge[k + 1][1]))
                value = int(round(127.5 * (strength[k] + strength[k + 1])))
                cv2.line(fine[meeting], a, b, value, thickness=thickness, lineType=cv2.LINE_AA, shift=shift)
        parted = float(np.clip(apart.max(initial=0.0) / (2 * line), 0, 1))
        keep = 1.0 - parted * float(np.clip(rounding / INK_ROUND_FADE, 0, 1))
        fine = np.maximum(fine[0], (fine[1] * keep).astype(np.uint8))
        ink = cv2.resize(fine, mask.shape[::-1], interpolation=cv2.INTER_AREA).astype(np.float32)
        paint = np.array(look.line, np.float32)
        # The artist's colours while the mouth is a line, the one ink as it opens (LINE_OPEN).
        as_line = float(np.clip((LINE_OPEN * line - apart.max(initial=0.0)) / ((LINE_OPEN - INK_SHUT) * line), 0, 1))
        if look.line_colours is not None and as_line > 0:
            upper = (opening[:middle] - (x0, y0) + 0.375) * 4 * (1 << shift)
            paint = _line_paint(
                mask.shape, edges[0][0], upper, widths=(edges[0][2], line), ink=paint, colours=look.line_colours,
                as_line=as_line, shift=shift,
            )  # fmt: skip
        _over(region, paint, ink * (opacity / 255.0))
    canvas[y0:y1, x0:x1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)


def _line_paint(
    shape, lower: np.ndarray, upper: np.ndarray, *, widths, ink: np.ndarray, colours: np.ndarray, as_line: float,
    shift: int,
) -> np.ndarray:  # fmt: skip
    """The colour of a line-art mouth's outline at each pixel of its box [shape=shape + (3,),
    float32, RGB 0..255]: the lower line in ``ink``, the upper one (the shut line) in the
    artist's ``colours`` along it (see MouthLook.line_colours), mixed into ``ink`` by
    ``1 - as_line``; ``ink`` where there is no line.

    ``lower``, ``upper`` [shape=(m, 2)] are the edges at 4x with ``shift`` fractional bits,
    ``widths`` their strokes in pixels, as paint_mouth draws their coverage. Each stroke is
    drawn at 4x in its colour times its coverage, averaged down and divided by the
    coverage, so a colour keeps the stroke's anti-aliased shape; the upper edge in pieces
    of at most half a colour's place, finer than the mouth's vertices."""
    fine = (shape[0] * 4, shape[1] * 4)
    covered, tint = np.zeros(fine, np.uint8), np.zeros(fine + (3,), np.uint8)
    pieces = int(np.ceil(2 * len(colours) / max(len(upper) - 1, 1)))
    steps = np.linspace(0.0, 1.0, pieces + 1)[:-1, None]
    upper = np.vstack([(1 - steps) * a + steps * b for a, b in zip(upper[:-1], upper[1:])] + [upper[-1:]])
    shades = as_line * _along_line(upper, colours) + (1.0 - as_line) * ink
    for edge, width, edge_shades in ((lower, widths[0], np.tile(ink, (len(lower), 1))), (upper, widths[1], shades)):
        thickness = max(1, int(round(4 * width)))
        points = np.round(edge).astype(np.int64)
        for k in range(len(points) - 1):
            a, b = (int(points[k][0]), int(points[k][1])), (int(points[k + 1][0]), int(points[k + 1][1]))
            colour = tuple(float(v) for v in 0.5 * (edge_shades[k] + edge_shades[k + 1]))
            cv2.line(covered, a, b, 255, thickness=thickness, lineType=cv2.LINE_AA, shift=shift)
            cv2.line(tint, a, b, colour, thickness=thickness, lineType=cv2.LINE_AA, shift=shift)
    weight = cv2.resize(covered, shape[::-1], interpolation=cv2.INTER_AREA).astype(np.float32)[..., None]
    coloured = cv2.resize(tint, shape[::-1], interpolation=cv2.INTER_AREA).astype(np.float32)
    return np.where(weight > 0, 255.0 * coloured / np.maximum(weight, 1.0), ink).astype(np.float32)


def _along_line(edge: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """``colours`` (see MouthLook.line_colours) at each vertex of ``edge`` [shape=(m, 2)],
    by its place between the edge's two ends, however the mouth has moved or opened.
    [shape=(m, 3), float64]"""
    chord = edge[-1] - edge[0]
    at = np.clip(((edge - edge[0]) @ chord) / max(float(chord @ chord), 1e-6), 0.0, 1.0)
    places = np.linspace(0.0, 1.0, len(colours))
    return np.stack([np.interp(at, places, colours[:, c]) for c in range(3)], 1)


def _hairline_cover(box, opening: np.ndarray, centre, right, down) -> np.ndarray:
    """How much of each pixel of ``box`` (x0, y0, x1, y1) a hair-thin ``opening`` (upper edge
    corner to corner, then lower back) may cover [shape=(y1 - y0, x1 - x0), float32, 0..1]:
    the share of it that lies across the opening where that is under half HAIRLINE thin,
    1 where it is HAIRLINE or more, a blend between."""
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    along = (xs - centre[0]) * right[0] + (ys - centre[1]) * right[1]
    below = (xs - centre[0]) * down[0] + (ys - centre[1]) * down[1]
    middle = len(opening) // 2
    upper, lower = opening[: middle + 1] - centre, np.vstack([opening[middle:], opening[:1]]) - centre
    top, bottom = (_profile(edge @ right, edge @ down, along) for edge in (upper, lower))
    across = np.minimum(below + 0.5, bottom) - np.maximum(below - 0.5, top)
    outline = np.clip(2.0 * (bottom - top) / HAIRLINE - 1.0, 0.0, 1.0)  # from half HAIRLINE on, to all at it
    return np.clip(np.maximum(across, outline), 0.0, 1.0).astype(np.float32)


def _rounded_corners(outline: np.ndarray, *, rounds: int = 2) -> np.ndarray:
    """A closed outline with its corners cut (Chaikin's scheme): an animal's mouth has no
    lips to hide the sharp corners of the human inner-lip shape it is rigged with."""
    for _ in range(rounds):
        nxt = np.roll(outline, -1, axis=0)
        outline = np.stack([0.75 * outline + 0.25 * nxt, 0.25 * outline + 0.75 * nxt], axis=1).reshape(-1, 2)
    return outline


def _fur_edge(region: np.ndarray, alpha: np.ndarray, mouth_width: float) -> np.ndarray:
    """Set an animal's open mouth into its fur, in place: the hole's edge softened, and the
    fur around it darkened, as dark lips and overhanging fur do; a hole cut sharp into fur
    reads as a sticker. Returns the softened coverage."""
    soft = cv2.GaussianBlur(alpha, (0, 0), max(0.5, FUR_EDGE * mouth_width))
    rim = cv2.GaussianBlur(alpha, (0, 0), max(1.0, FUR_RIM * mouth_width))
    _over(region, FUR_LIP * region, FUR_SHADE * rim * (1 - soft))
    return soft


def _through_curves(opening: np.ndarray, steps: int) -> np.ndarray:
    """``opening`` (upper edge corner to corner, then lower back, corners shared) with
    each edge resampled ``steps`` times per span on a Catmull-Rom curve through its
    vertices, corners kept: an artist's stroke bends smoothly. Both edges get the same
    count, so each upper vertex still faces the lower one at the mirrored index."""
    middle = len(opening) // 2
    upper = opening[: middle + 1]
    lower = np.vstack([opening[middle:], opening[:1]])
    upper, lower = (_catmull_rom(edge.astype(np.float64), steps) for edge in (upper, lower))
    return np.vstack([upper, lower[1:-1]])


def _catmull_rom(points: np.ndarray, steps: int) -> np.ndarray:
    """A uniform Catmull-Rom curve through ``points`` [shape=(m, 2)], ``steps`` samples per
    span, ends mirrored so the curve starts and stops on its end vertices
    [shape=((m - 1) * steps + 1, 2)]."""
    padded = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    s = np.arange(steps)[:, None, None] / steps
    p0, p1, p2, p3 = padded[:-3], padded[1:-2], padded[2:-1], padded[3:]
    spans = 0.5 * (
        2 * p1 + (p2 - p0) * s + (2 * p0 - 5 * p1 + 4 * p2 - p3) * s**2 + (3 * p1 - p0 - 3 * p2 + p3) * s**3
    )  # fmt: skip
    return np.vstack([spans.transpose(1, 0, 2).reshape(-1, 2), points[-1:]])


def _ink_parted(opening: np.ndarray, shut: float) -> tuple:
    """A line-art ``opening`` (upper edge corner to corner, then lower back, corners
    shared) with the lips that are not apart closed: all of them while the mouth is nowhere
    parted by ``shut`` pixels (an artist draws that mouth as one line), else those that
    touch (closer than half a pixel, as rounded lips beside their hole).

    Returns the new outline and the gap between each pair of facing vertices, corner to
    corner without the corners [shape=(m,)], in pixels: 0 where closed.
    """
    n = len(opening)
    upper = np.arange(1, n // 2)
    lower = n - upper  # the lower vertex facing each upper one
    across = opening[lower] - opening[upper]
    gap = np.linalg.norm(across, axis=1)
    closed = (gap < 0.5) | (gap.max(initial=0.0) < shut)
    out = opening.astype(np.float64)
    out[upper[closed]] += 0.5 * across[closed]
    out[lower[closed]] -= 0.5 * across[closed]
    return out, np.where(closed, 0.0, gap)


def _parted_part(opening: np.ndarray, apart: np.ndarray) -> np.ndarray | None:
    """The part of a :func:`_ink_parted` outline whose lips are apart, from the last
    vertex where they meet to the next (None if they meet everywhere). Filling the whole
    outline would draw the anti-aliased edges of its shut, zero-area stretches as faint
    lines beside the hole."""
    parted = np.flatnonzero(apart > 0) + 1  # upper vertex indices
    if len(parted) == 0:
        return None
    n = len(opening)
    first, last = parted[0] - 1, parted[-1] + 1  # where the lips still meet (corners at worst)
    return np.vstack([opening[first : last + 1], opening[n - parted[::-1]]])


def _interior(
    box, opening, upper_teeth_edge, lower_lip_edge, lower_lip_rest, centre, right, down, W, look, origin, rounding, fv,
    tongue_tip, as_drawn, along,
):  # fmt: skip
    """Colour of the mouth's inside over ``box`` of the canvas, float32 RGB."""
    x0, y0, x1, y1 = box
    drawn = look.style == "drawn"
    palette = look.palette
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    rel_x, rel_y = xs - centre[0], ys - centre[1]
    at = (rel_x * right[0] + rel_y * right[1]) / (0.5 * W)  # -1..1 corner to corner in the picture
    u = at if along is None else _face_along(at, along)  # -1..1 corner to corner on the face
    v = rel_x * down[0] + rel_y * down[1]  # pixels below the rest mouth line

    def frame_coords(line):
        rel = line - centre
        return rel @ right / (0.5 * W), rel @ down

    upper_v = _profile(*frame_coords(upper_teeth_edge), at)
    lower_v = _profile(*frame_coords(lower_lip_edge), at)
    top_edge = opening[: len(opening) // 2 + 1]
    top_v = _profile(*frame_coords(top_edge), at)
    gap = np.maximum(lower_v - top_v, 1e-3)
    depth = np.clip((v - top_v) / gap, 0, 1)  # 0 at the upper lip, 1 at the lower lip

    cavity = np.array(palette.cavity, np.float32)
    teeth_rgb = np.array(palette.teeth, np.float32)
    tongue_rgb = np.array(palette.tongue, np.float32)
    drawn_own = look.own_mouth if as_drawn > 0 else None
    if drawn_own is not None:  # back towards the inside as drawn
        cavity = (1 - as_drawn) * cavity + as_drawn * np.array(drawn_own.cavity, np.float32)
        tongue_rgb = (1 - as_drawn) * tongue_rgb + as_drawn * np.array(drawn_own.tongue, np.float32)
        if drawn_own.grin:  # the teeth as drawn, by where they lie between the lines' ink
            corner, other = opening[0], opening[len(opening) // 2]
            along = (other - corner) / max(float(np.sum((other - corner) ** 2)), 1e-6)
            line = look.line_width if look.line is not None else 0.0
            shown = (v - top_v - 0.5 * line) / np.maximum(gap - 0.8 * line, 1.0)  # lines: see paint_mouth
            rows, columns = GRIN_GRID
            map_x = (((xs - corner[0]) * along[0] + (ys - corner[1]) * along[1]) * columns - 0.5).astype(np.float32)
            map_y = (shown * rows - 0.5).astype(np.float32)
            shaded = cv2.remap(drawn_own.teeth, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            teeth_rgb = (1 - as_drawn) * teeth_rgb + as_drawn * shaded
    muzzle = not drawn and not look.teeth  # an animal's, rigged from clicked points
    own = look.own_teeth if look.teeth else None
    whole = own is not None and own.whole  # the picture's whole inside: only its cavity is painted
    if drawn or whole:
        colour = np.broadcast_to(cavity, u.shape + (3,)).copy()
    elif muzzle:
        colour = _muzzle_inside(u, v, top_v, lower_v, cavity, tongue_rgb)
    else:
        # Darkest deep in the middle, lighter where light bounces off the lips; never black.
        glow = 1.0 - 0.4 * np.exp(-(u**2) / 0.35 - (depth - 0.55) ** 2 / 0.25)
        colour = cavity * glow[..., None]

    # Through a slit between nearly closed lips no light reaches the teeth: it reads as a
    # dark line, as closed lips do, and the teeth come up as the lips part.
    lit = np.clip((gap - 0.015 * W) / (0.05 * W), 0, 1)
    # Painted upper teeth reach about 3 mm below the lip line on a photo (what a relaxed
    # upper lip shows), so a slightly parted mouth shows their edge over a dark gap, as
    # real speech does; drawn mouths get a bolder band.
    height = own.height if own is not None else (0.1 * W if drawn else max(0.06 * W, TEETH_MIN_PX))
    teeth_height = height * (1 - 0.45 * u**2) * (1 - 0.8 * rounding)
    recede = 0.0
    if own is not None:  # no painted tooth below the own ones as they recede
        lines = (top_edge, upper_teeth_edge, lower_lip_edge)
        middle_at = np.zeros(1) if along is None else np.interp(np.zeros(1), along[1], along[0])
        middle = (float(_profile(*frame_coords(line), middle_at)[0]) for line in lines)
        recede = _own_recede(*middle, own.height, rounding)
        teeth_height = np.minimum(teeth_height, (height - recede) * (1 - 0.45 * u**2))
    teeth_bottom = upper_v + teeth_height
    if look.teeth and not drawn and own is None:  # beside the picture's own, as long as those
        teeth_bottom = np.minimum(teeth_bottom, top_v + TEETH_SHARE * gap)
    # F/V: the lower lip is tucked under the upper teeth, which fill the opening.
    teeth_bottom = np.maximum(teeth_bottom, upper_v + fv * (lower_v - upper_v + 2))

    # Tongue: low in the mouth (a photo's never more than a third of the gap, a drawn one's
    # as SPOKEN_TONGUE says; as deep as drawn back at rest); its tip rises to just under
    # the upper teeth for L and TH.
    if drawn:
        share = (look.own_mouth.tongue_depth if look.own_mouth is not None else 0.0) or DRAWN_TONGUE
        tongue_top = lower_v - SPOKEN_TONGUE * share * gap * (1 - 0.4 * u**2)
    else:
        tongue_top = lower_v - np.minimum(0.09 * W * (1 - 0.4 * u**2), 0.35 * gap)
    if drawn_own is not None and drawn_own.tongue_depth > 0:
        drawn_top = lower_v - drawn_own.tongue_depth * gap * (1 - 0.4 * u**2)
        tongue_top = (1 - as_drawn) * tongue_top + as_drawn * drawn_top
    tip = tongue_tip * np.exp(-((u / 0.32) ** 2))
    tongue_top = tongue_top - tip * np.maximum(tongue_top - (teeth_bottom - 0.25 * teeth_height), 0)
    tongue_cover = _cover(v - tongue_top) * _cover((0.75 - np.abs(u)) * 0.5 * W)
    if drawn:
        _over(colour, tongue_rgb, tongue_cover)
    elif not muzzle and not whole:  # an animal's tongue lies in its own place (see _muzzle_inside)
        shade = np.clip(0.6 + 0.4 * (v - tongue_top) / (0.06 * W), 0.6, 1.0) * (1 - 0.4 * u**2)
        # A tongue a pixel or two tall is a red line along the lower lip (see TONGUE_PX).
        shown = np.clip((lower_v - tongue_top - TONGUE_PX[0]) / (TONGUE_PX[1] - TONGUE_PX[0]), 0, 1)
        _over(colour, tongue_rgb * shade[..., None], tongue_cover * shown)

    if look.teeth and drawn:
        # Drawn mouths read as a dark shape with one clean band of teeth along the upper
        # lip: it never fills the opening (unless tucked for F/V), and there are no lower teeth.
        band = np.maximum(np.minimum(teeth_height, 0.4 * gap), fv * (gap + 2))
        if own is not None:  # the picture's own teeth hang from the skull, like a photo's
            band = np.maximum(band, teeth_bottom - top_v)
        reach = 0.78
        if drawn_own is not None and drawn_own.grin:  # back towards the grin: teeth fill it
            band = (1 - as_drawn) * band + as_drawn * (gap + 2)
            reach += 0.3 * as_drawn
        _over(colour, teeth_rgb, _cover(top_v + band - v) * _cover((reach - np.abs(u)) * 0.5 * W) * lit)
    elif look.teeth and not whole:
        wide = np.clip((gap - 0.15 * W) / (0.15 * W), 0, 1)
        _over(colour, *_lower_teeth(u, v, lower_v, W, wide, teeth_rgb, lit))
        _over(colour, *_upper_teeth(u, v, xs, ys, upper_v, top_v, teeth_height, teeth_bottom, W, look, origin, fv, lit))
        colour = cv2.GaussianBlur(colour, (0, 0), 0.012 * W)  # soft, like the photo
    elif not drawn and not whole:
        colour = cv2.GaussianBlur(colour, (0, 0), 0.012 * W)
    if own is not None:
        # The photo's own rows over the painted ones: lower with the jaw, upper fixed; both
        # receding under the lips as they round.
        drop = _profile(*frame_coords(lower_lip_edge), at) - _profile(*frame_coords(lower_lip_rest), at)
        bx, by = own.box[0] - origin[0], own.box[1] - origin[1]
        for layer, shift in ((own.lower, drop + recede), (own.upper, -recede)):
            map_x = (xs - bx - shift * down[0]).astype(np.float32)
            map_y = (ys - by - shift * down[1]).astype(np.float32)
            cover = cv2.remap(layer, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            pixels = cv2.remap(own.pixels, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            _over(colour, pixels, cover * lit)
    if look.line is None:  # lips that nearly touch: a soft shadow between them, not a black slit
        seam = np.array(palette.seam, np.float32)
        if palette.crease is not None:  # lips that meet: their crease
            meet = np.clip((CREASE_GAP - gap) / CREASE_GAP, 0, 1)[..., None]
            seam = meet * np.array(palette.crease, np.float32) + (1 - meet) * seam
        _over(colour, seam, 1 - lit)
    return colour


def _own_recede(top: float, lip: float, bottom: float, height: float, rounding: float) -> float:
    """How far the picture's own teeth recede under the lips at ``rounding`` (0..1), in
    pixels: mid-mouth, the upper row's edge (``height`` below ``lip``, the upper lip's rest
    edge) rises to fill at most ROUND_TEETH_SHOW of the opening (``top`` to ``bottom``) at
    full rounding, in proportion on the way, so it moves smoothly with the lips. All are
    pixels below the mouth's centre."""
    shown = top + ROUND_TEETH_SHOW * max(bottom - top, 0.0)
    return rounding * max(lip + height - shown, 0.0)


def _muzzle_inside(u, v, top_v, lower_v, cavity: np.ndarray, tongue: np.ndarray) -> np.ndarray:
    """An animal's mouth inside [shape=u.shape + (3,), float32, RGB 0..255]: dark with depth
    and a tongue lying low and back in it (see MUZZLE_THROAT and MUZZLE_TONGUE).

    ``u`` runs -1..1 corner to corner; ``v``, ``top_v`` and ``lower_v`` are pixels below the
    mouth's line of each pixel, of the opening's upper edge and of its lower edge there.
    """
    gap = np.maximum(lower_v - top_v, 1e-3)
    depth = (v - top_v) / gap  # 0 at the upper edge, 1 at the lower one
    throat = np.exp(-((u / 0.7) ** 2)) * np.clip((depth - 0.1) / 0.4, 0.0, 1.0)
    colour = cavity * (MUZZLE_PALATE - (MUZZLE_PALATE - MUZZLE_THROAT) * throat)[..., None]
    front_share, back_share, half_width = MUZZLE_TONGUE
    front = lower_v - front_share * gap
    dome = np.sqrt(np.clip(1.0 - (u / half_width) ** 2, 0.0, 1.0))
    back = front - (back_share - front_share) * gap * dome
    along = np.clip((v - back) / np.maximum(front - back, 1.0), 0.0, 1.0)  # 0 at its back, 1 at its front
    shade = (MUZZLE_TONGUE_SHADE[0] + (MUZZLE_TONGUE_SHADE[1] - MUZZLE_TONGUE_SHADE[0]) * along) * (1 - 0.3 * u**2)
    # A tongue a pixel or two tall would be a pink line (see TONGUE_PX): it shows as it grows.
    shown = np.clip((front - back - TONGUE_PX[0]) / (TONGUE_PX[1] - TONGUE_PX[0]), 0.0, 1.0)
    _over(colour, tongue * shade[..., None], _cover(v - back) * _cover(front - v) * shown)
    return colour.astype(np.float32)


def _tooth_seams(u: np.ndarray, W: float, *, at, spread: tuple, tooth: float) -> np.ndarray:
    """How much of a dark seam between two teeth lies at each ``u`` (-1..1 corner to corner)
    [0..1]: a Gaussian at each of ``at``, ``spread[0] * W + spread[1]`` pixels wide (sigma);
    none where a tooth (``tooth`` of the mouth's width ``W``, seam to seam) is under half of
    SEAM_MIN_TOOTH_PX wide, fading in up to it."""
    seams = np.zeros_like(u)
    for g in at:
        seams = np.maximum(seams, np.exp(-(((u - g) * W * 0.5) ** 2) / (2 * (spread[0] * W + spread[1]) ** 2)))
    return seams * float(np.clip(2 * tooth * W / SEAM_MIN_TOOTH_PX - 1, 0, 1))


def _lower_teeth(u, v, lower_v, W, wide, teeth, lit):
    """Colour and coverage of a photo's painted lower teeth, float32 RGB and 0..1.

    A short row riding on the jaw behind the lower lip, shown as the mouth opens wide
    (``wide`` 0..1): narrower than the upper teeth, with seams and notched tips, in the
    upper teeth's colour a little shaded and darker to the sides. One smooth band along
    the lip read as a grey strip, not as teeth.
    """
    # Seam to seam is 2 * LOWER_TOOTH in u (-1..1 corner to corner).
    seams = _tooth_seams(u, W, at=np.arange(-3, 4) * 2 * LOWER_TOOTH, spread=(0.006, 0.3), tooth=LOWER_TOOTH)
    top = lower_v - 0.04 * W * (1 - 1.5 * u**2) * wide + 0.012 * W * seams
    side = 1 - 0.3 * np.abs(u) ** 2.2
    paint = (0.82 * teeth) * ((1 - 0.25 * seams) * side)[..., None]
    return paint, _cover(v - top) * _cover((0.45 - np.abs(u)) * 0.5 * W) * (wide > 0) * lit


def _upper_teeth(u, v, xs, ys, upper_v, top_v, teeth_height, teeth_bottom, W, look, origin, fv, lit):
    """Colour and coverage of a photo's painted upper teeth, float32 RGB and 0..1.

    They hang from the skull: crowns (UPPER_SEAMS) down to ``teeth_bottom``, the gum above
    them (seen only when the lip lifts far), lit from the front and shaded under the lip.
    Each crown is rounded: lighter down its middle, turning into a dark seam at its sides,
    its biting edge a little translucent and its corners rounded off, so the cavity shows
    in the notch between two tips. Towards the corners the arch turns away into the
    mouth's shadow (the buccal corridor), so the row fades out with no side edge. Next to
    the picture's own teeth the paint takes their local colour, so the two are one row.
    """
    palette = look.palette
    own = look.own_teeth
    tooth = UPPER_SEAMS[1] / 2  # a central incisor, seam to seam, in mouth widths
    # Crowns are modelled only where a pixel can draw them (see CROWN_PX).
    detail = float(np.clip((tooth * W - CROWN_PX[0]) / (CROWN_PX[1] - CROWN_PX[0]), 0, 1))
    seams = _tooth_seams(u, W, at=UPPER_SEAMS, spread=(0.005, 0.35), tooth=tooth) * (0.08 + 0.14 * detail)
    sides = _tooth_seams(u, W, at=UPPER_SEAMS, spread=(0.03, 0.0), tooth=tooth) * 0.1 * detail  # a crown's curve
    # The corridor: darker and fading from a third of the way out, gone at the corners; the
    # teeth there turn away, so the notches between their tips flatten.
    corridor = np.clip((np.abs(u) - 0.45) / 0.5, 0, 1)
    recede = corridor**2 * (3 - 2 * corridor)
    notches = _tooth_seams(u, W, at=UPPER_SEAMS, spread=(0.012, 0.3), tooth=tooth)  # the gum dips there too
    tips = teeth_bottom - (0.01 + 0.012 * detail) * W * notches * (1 - recede) * (1 - fv)
    gum_line = upper_v + teeth_height - 0.22 * W * (1 - 0.3 * u**2) + 0.02 * W * notches
    lip_shadow = np.clip((v - top_v) / (0.035 * W + 1), 0, 1)
    under_lip = np.clip((upper_v - v) / (0.1 * W), 0, 1)  # how far up behind the resting lip
    light = ((0.85 + 0.15 * lip_shadow) * (1 - 0.2 * under_lip) * (1 - sides) * (1 - seams))[..., None]
    tooth_rgb = np.broadcast_to(np.array(palette.teeth, np.float32), u.shape + (3,))
    if own is not None:
        # Near the picture's own teeth, their colour there.
        bx, by = own.box[0] - origin[0], own.box[1] - origin[1]
        map_x, map_y = (xs - bx).astype(np.float32), (ys - by).astype(np.float32)
        tint = cv2.remap(own.tint, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        near = tint[..., 3:]
        tooth_rgb = near * tint[..., :3] + (1 - near) * tooth_rgb
    # The biting edge lets the dark behind it through: greyer and a little blue.
    edge = np.clip(1 - (tips - v) / (0.035 * W + 1), 0, 1)[..., None] * ((1 - fv) * INCISAL_SHADE * detail)
    tooth_rgb = tooth_rgb * (1 - edge) + edge * np.array((0, 6, 14), np.float32)
    gum = np.array(palette.gums, np.float32)
    enamel = _cover(v - gum_line)[..., None]
    paint = (enamel * tooth_rgb + (1 - enamel) * gum) * light
    paint *= (1 - 0.35 * recede)[..., None]
    return paint, _cover(tips - v) * (1 - recede) * lit
