"""Blinks for drawn eyes: the lid comes down over the eye instead of squashing it.

Squashing works on photos (the lid skin stretches like real skin) but turns a big anime
eye into a smear. Drawn characters get a lid painted in their skin colour, its edge drawn
as the character's own lash line, as an illustrator would draw a closing eye.

An eye drawn shut (a laughing character's "^ ^") has nothing to close or to look with:
:func:`drawn_shut` finds it, and it never blinks or moves its gaze.

A 3D-rendered cartoon eye (Pixar-like) is bigger than the face mesh, trained on photos,
outlines it: white and iris show above the mesh's upper lid, its lash line lies further
up. Squashed from the mesh's lids, the closed eye shows that lash line and iris stretched
into a grey-blue band. :func:`fit_rendered_eyes` moves the lids out to the skin around the
eye, so the squash brings the skin above the eye down over all of it; :func:`light_lid`
gives that closing lid the colour of the skin around the eye (the skin above it may lie in
the shadow of hair or under eyeliner).
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy.ndimage import uniform_filter
from scipy.spatial import cKDTree

from ..characters import Face
from ..characters import topology as topo
from ._head import _smoothstep
from ._rig import widest_eye
from ._colour import _lab, _whiteness

__all__ = [
    "LidPalette",
    "drawn_shut",
    "fit_outsized_eyes",
    "fit_painted_eyes",
    "fit_rendered_eyes",
    "lid_palette",
    "light_lid",
    "socket_depth",
    "paint_lid",
    "paint_lash_line",
    "skin_around",
    "smooth_lid",
    "tinted_skin_around",
]

LID_MARGIN = 1.2  # across the eye: drawn outlines often fall short of the inked eye
LID_MARGIN_ALONG = 1.04  # along it: barely past the corners, so the lid stays on the eye
LASH_OPACITY = 0.55  # photo lashes are fine and partly see-through at this scale
LID_FADE = 0.3  # a painted lid fades in over the first part of a blink (see paint_lid)
LID_STROKE_IN = 1.5  # the lid edge's stroke is full width once the edge is this many stroke widths into the eye
LID_COVER = 0.5  # share of that way in from which a closing lid covers the drawn lash line, opaque
LID_STROKE_SHUT = 0.8  # from this much of the lids' closing on it also reaches into the corners, fully when shut
LID_TAPER = 0.15  # a shut eye's line is this share of its width at the corners (see _taper)
# The lids meet at this much of a blink: closing all the way to 1, the last sliver between
# the lid's stroke and the lower lid (the stroke lies on the lid, above its edge) showed the
# iris as a hairline under a shut-looking line (eileen_vhappy at blink 0.93).
LID_MEET = 0.9
# The painted lid is the skin around the eye carried in over it (filled in from the skin
# pixels nearest it), not one flat colour: a lid of the cheek's colour was a pale oval in an
# eye's shading. Skin there: within LID_SKIN[2] degrees of the cheek's hue, down to
# LID_SKIN[0] L* darker than it and up to LID_SKIN[1] more saturated, neither the eye's white
# nor its drawing (sylvie_green_normal's cheek L* 94 chroma 9: her pink shading L* 69-82,
# chroma 21-40, 20-35 degrees off; her orange hair L* 52-67, chroma 48-60; eileen_vhappy's
# hair L* 40-60). What is neither skin nor the drawn eye (hair over the eye) stays in front
# of the lid.
LID_SKIN = (30.0, 35.0, 40.0)
# The drawn eye: its ink, white and iris joined to what is drawn within its margined
# outline, no further than LID_REACH of its width out from that along the eye (its lash
# line's ends often lie beyond the fitted outline) and 1 / LID_ACROSS of that across it,
# nearer to it than to hair grown in LID_HAIR_SPEED pixels a step from beyond (see
# _drawn_eye: sylvie_green_normal's bangs touch her lash line), all within their hull, and a
# pixel around it, LID_RIM[0] where no more saturated than its ink and skin by LID_RIM[1]
# (its anti-aliased rim, not hair that ends at its lash line).
LID_REACH = 0.4
LID_ACROSS = 2.0
LID_HAIR_SPEED = 2
LID_RIM = (2, 8.0)
# Hair over the drawn eye (a strand of the bangs hanging across it): pixels of the hair's
# colours, not of the eye's or the skin's, joined through such pixels to hair beyond the
# eye's reach (see _hair_in_front). A colour is the hair's where it is HAIR_ODDS times as
# common among the hair's pixels as among the eye's and among the skin's (Lab histograms,
# HAIR_BIN wide bins, each also counting its neighbours'). Ink and the eye's white are
# never taken for it: a lash line drawn in the hair's ink is the eye's (sylvie_green_normal's
# orange strands passed for an iris's colour, her bangs' tips and the strand beside her right
# eye were painted over, cut off along the lid's edge). In front of the lid, it is feathered
# out over HAIR_FEATHER pixels (an anti-aliased strand's rim).
HAIR_ODDS = 4.0
HAIR_BIN = 6.0
HAIR_FEATHER = 1.0
HAIR_INK = 1  # the hair's ink this many pixels from its colours outlines it
LID_CHANGED = 8.0  # levels (of 255) by which the lid changes a pixel, fully, under a strand's rim
FILL_SMOOTHING = 40  # relaxation steps of a lid's filled-in skin (see _fill_in)
LID_BEYOND = 0.5  # from this much of the lids' closing the drawn eye beyond them fades, gone by LID_STROKE_SHUT
# A drawn eye is shut when the same skin lies above and below it (delta E; measured on
# Ren'Py sprites: shut 1-5, open mostly 10-75), what is drawn there is no taller through
# its middle than SHUT_HEIGHT of its width (shut 0.26-0.31, open 0.52-2.5) and shows
# next to nothing but ink: no white, no iris lighter than ink (in eye widths squared:
# shut 0.00, open 0.6-3.2).
SHUT_SKIN = 10.0
SHUT_HEIGHT = 0.45
SHUT_SHOWS = 0.03
INK_DARKER = 45.0  # L* below the skin's: ink (lighter but darker than 25: irises, shading)
# A rendered eye's skin starts this far above the mesh's upper lid or further, in eye
# widths, on both eyes' average (freedroidrpg's 3D cartoons 0.14-0.19: white, iris and a
# thick lash line; the test photos 0.00: the mesh's lid lies on the skin).
RENDERED_EYE = 0.08
# Brown eyes in brown skin: skin is no darker than DARK_EYE_LIT of the cheek's lightness,
# and it starts DARK_EYE or further above the mesh's upper lids (photos 0.08 at most, arthur
# 0.11), on eyes whose irises are big (face mesh's radius over the eye's width: photos
# 0.20-0.21, freedroidrpg's renders 0.19-0.27, arthur 0.26).
DARK_EYE_LIT, DARK_EYE, DARK_EYE_IRIS = 0.5, 0.1, 0.235
# Of what lies just above the mesh's upper lids (the inner half of the way to the skin), a
# render's is eye for the most part (the white, the iris: as light as EYE_LIGHT of the
# cheek's lightness or of another hue; freedroidrpg's 0.69-1.00), a photo's is ink (thick
# eyeliner drawn on the test photos: 0.00 where it reaches RENDERED_EYE).
EYE_LIGHT, SHOWS_EYE = 0.45, 0.15
# An eye whose skin starts nearer than OUTLINED above the mesh's upper lid, in eye widths, is
# one the mesh outlines, even beside a bigger one (a render's eyes: 0.07-0.22, freedroidrpg's
# professor's left 0.071): it keeps its lids. A painting can show one eye bigger than the
# mesh's and one it fits (Wesnoth's necromancer 0.043, sentinel 0.014, rouser 0.039,
# dark-adept+female 0.050 beside 0.16-0.22): moved out anyway, the fitted eye's lids took in
# the shadow around it (a corner up to 0.17 of the eye's width out, the lower lid up to 0.22
# down), and it closed under a flat grey-brown slab bigger than the eye, with an edge.
OUTLINED = 0.06
# A small painted eye's lower lid is moved down over the painted eye below it, and its
# corners out over the eye beyond them (see fit_painted_eyes): at most PAINTED_REACH
# and PAINTED_CORNER of the eye's width, and only where the eye runs on PAINTED_MIN_PX or
# further (a photo's mesh lids lie on its eye: under a pixel; the grunt's left iris, its
# last row's centre 0.4 pixel below the lid, runs 0.9); see _painted_eye_runs for what is
# eye there.
PAINTED_REACH, PAINTED_CORNER = 0.3, 0.2
PAINTED_MIN_PX = 0.8
PAINTED_APART, PAINTED_LIGHTER, PAINTED_GAP = 20.0, 20.0, 1
# An eye outline wider than the mouth allows (see _rig.EYE_MOUTH_MAX) is refitted onto the
# painted eye inside it, grown by OUTSIZED_PAD of its width (the elvish captain's left
# eye lies 5 pixels left of its 20-pixel outline): an iris (of another hue than the skin,
# further than PAINTED_APART from it; OUTSIZED_IRIS pixels or more) under a lash line
# (ink, INK_DARKER below the skin) that lies at most OUTSIZED_GAP pixels above it. The lash line is the eye's extent; it must
# be OUTSIZED_WIDTH of the outline's width (the captain's 0.40 and 0.76) and at most
# OUTSIZED_TALL as high as it is wide (a brow's end curled down into the iris is taller).
OUTSIZED_PAD, OUTSIZED_IRIS, OUTSIZED_GAP = 0.5, 2, 2
OUTSIZED_WIDTH, OUTSIZED_TALL = (0.3, 1.0), 0.6
IRIS_MARGIN = 0.05  # their lids are moved no further than this past the iris, in eye widths
RENDERED_REACH = 0.45  # farthest a lid is moved out to the skin, in eye widths
RENDERED_CORNER = 0.15  # farthest a corner is, along the eye
BROW_ROOM = 0.75  # share of the way to the brow an upper lid may be moved
LID_SMOOTH = 0.2  # a rendered eye's closing lid is blurred along the eye over this share of its width
# Share of its own shading (lighter, darker than its median) a rendered eye's closing lid
# keeps around the skin's colour.
LID_SHADING = (0.5, 0.25)
LID_GRAIN = 0.08  # finer than this share of the eye's width, a closing lid's texture is kept whole
LID_SKIN_NEAR = 0.2  # share of skin (blurred as the shading is) below which a lid pixel takes no shading
# A photo's lid reads its shading and grain from its skin pixels, feathered over this share of
# the eye's width: with a hard edge, the eye's place in the band showed as a flat patch with an
# outline on grace_hopper's shut lid (an eye 38 px wide); on a small painted eye (12-16 px)
# more feather lets the eye's own pixels back in.
LID_SKIN_FEATHER = 0.03
# A rendered eye's closing lid takes the skin right above and beside it, filled in over the
# lid from the skin pixels within LID_AROUND of the eye's width of it (above its edge) whose
# lightness lies within LID_AROUND_LIT of the lit skin's: one colour for the whole lid (the
# ring's median), faded in below its top, was a paler or darker oval with an outline where
# the eye sits in shadow or in light (arthur under his hat, jasmine, Wesnoth's
# necromancer). Darker than that is the deep shadow of hair or a lash line, lighter the
# eye's white.
LID_AROUND = 0.3
LID_AROUND_LIT = (0.35, 1.3)
# Skin around the lid darker than the lid's own lit skin (the brighter half of its skin
# pixels) is a shadow cast over the eye's surroundings, under the brow ridge (kevin): the
# shut lid turns to its own skin there, fully once the surroundings are LID_OWN_SOFT L*
# darker, so it still reads as the lit upper lid it is and not as a grey-green patch.
LID_OWN_SOFT = 10.0
# Where the lid meets the skin around it (above and beside), it turns back to that skin
# over this share of the eye's width: a whole lid of its own lit skin read as a pale oval
# with an outline in shadowed surroundings (kevin's left eye).
LID_OWN_RIM = 0.3
# A highlight burnt out on a render's skin (two channels at or above BURNT_OUT, of the skin's
# hue, and BURNT_OUT_FRINGE pixels around it, its blurred edge) shows the light's colour, not
# the skin's: kevin's upper lid shines (255, 255, 195), L* 99 a* -9 where his skin is a*
# +5..+12, and stretched down it was most of his closing lid, which took it for its own lit
# skin: a pale yellow-green patch. The lid reads the skin beside it there instead.
BURNT_OUT, BURNT_OUT_FRINGE = 250, 2
# An eye in a deep socket: where the lit part (this percentile) of its lid band's skin, at
# rest, is darker than SOCKET[0] of the lit skin's lightness (fully; not at all from
# SOCKET[1]), the shut lid takes the skin right around it instead, no darker than
# SOCKET_FLOOR of the lit skin (a lash line, the eye's painted outline).
SOCKET, SOCKET_LIT, SOCKET_FLOOR = (0.3, 0.5), 75, 0.15
# The closing lid takes its skin (light_lid) fully by this much of a blink: taken in as
# the blink went, half the band stretched down over a small eye (its painted lashes) showed
# through it at blink 0.5 as coloured streaks down the lid (jasmine).
LID_LIT_BY = 0.5
# A lid keeps its grain no stronger than the skin around it shows (this percentile of
# that skin's grain, per Lab channel): squashed down, a small eye's painted lashes ran
# down its closing lid in coloured streaks (jasmine).
LID_GRAIN_AROUND = 90
# Skin: hue within SKIN_TURN degrees of the cheek's and at least half its saturation
# (chroma over L*: a render's lid can lie in deep shadow, its lashes and the eye's white
# are grey), for SKIN_RUN of the eye's width on end.
SKIN_TURN, SKIN_RUN = 30.0, 0.06
# Skin in a light of another colour: a hue other than the cheek's held by at least
# TINTED_SHARE of the ring's lit pixels (see SKIN_RING) both above the eye and below it
# (female_hunter's right eye lies in blue light, the cheek under it in warm light). Hair
# of another hue lies above an eye, not under it too.
TINTED_SHARE = 0.15
# ... and at least this many degrees off the cheek's hue (female_hunter's blue light 144;
# skin in shade turns warmer, 30-40: kevin's brow shadow, jasmine's lids): a lid turns to
# no shade it would meet as skin in another light.
TINTED_TURN = 60.0
# A rendered eye's closed lid takes the skin in a ring around the eye (from and to these
# shares of its width out) between these shares of the cheek's lightness: not the deep
# shadow of hair (jasmine's: under 0.2), nor only the cheek's highlight (its brighter half).
SKIN_RING = (0.1, 0.35)
SKIN_LIT = (0.35, 0.95)


@dataclass(frozen=True)
class LidPalette:
    """RGB floats 0..255 and the lash stroke width in pixels; ``tinted``: skin around the eye
    in a light of another colour, if any (see :func:`tinted_skin_around`); ``socket``: how
    deep in a dark socket the eye lies, 0..1 (see :func:`socket_depth`)."""

    skin: tuple
    lash: tuple
    thickness: float
    tinted: tuple | None = None
    socket: float = 0.0


def lid_palette(image: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> LidPalette:
    """Read the lid's skin from the cheek under the eye and the lash colour from the
    darkest pixels of the eye.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper, lower : np.ndarray [shape=(n, 2)]
        The eye's upper and lower lid, corner to corner, in image pixels.
    """
    h = image.shape[0]
    eye_width = float(np.linalg.norm(upper[-1] - upper[0]))
    # Skin: brighter half only (skips lashes, blush lines).
    x0, y0, x1, y1 = _cheek_band(upper, lower, image.shape)
    band = image[y0:y1, x0:x1].reshape(-1, 3).astype(np.float32)
    if len(band) == 0:
        band = image.reshape(-1, 3).astype(np.float32)
    luma = band @ [0.299, 0.587, 0.114]
    skin = np.median(band[luma >= np.median(luma)], axis=0)
    # Lash: the darkest tenth of the eye's box, lid line included (pupils are as dark).
    top = int(max(0, upper[:, 1].min() - 0.15 * eye_width))
    bottom = int(min(h, lower[:, 1].max() + 1))
    box = image[top:bottom, x0:x1].reshape(-1, 3).astype(np.float32)
    if len(box) == 0:
        box = band
    dark = box[np.argsort(box @ [0.299, 0.587, 0.114])[: max(1, len(box) // 10)]]
    lash = np.median(dark, axis=0)
    thickness = float(np.clip(0.07 * eye_width, 1.2, 6.0))
    return LidPalette(tuple(float(v) for v in skin), tuple(float(v) for v in lash), thickness)


def skin_around(image: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> tuple | None:
    """The lit skin around an eye, RGB floats 0..255, or None where too little shows.

    Read from a ring around the eye's outline (from ``SKIN_RING[0]`` to ``SKIN_RING[1]`` of
    its width out): the pixels of the cheek's hue and saturation (as :func:`_skin_reach`
    tells skin) within ``SKIN_LIT`` of the cheek's lightness: neither the deep shadow of
    hair nor eyeliner, and not only the cheek's highlight either.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper, lower : np.ndarray [shape=(n, 2)]
        The eye's upper and lower lid, corner to corner, in image pixels.
    """
    found = _eye_ring(image, upper, lower)
    if found is None:
        return None
    (x0, y0, x1, y1), lab, ring, cheek, _ = found
    skin = _is_skin(lab, cheek) & ring
    if skin.sum() < 8:
        return None
    return tuple(float(v) for v in np.median(image[y0:y1, x0:x1][skin].astype(np.float32), axis=0))


def tinted_skin_around(image: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> tuple | None:
    """The skin around an eye in a light of another colour than the cheek's, RGB floats
    0..255, or None where there is none.

    Of the ring :func:`skin_around` reads, the lit pixels of another hue than the cheek's
    (their median): skin in that light when at least ``TINTED_SHARE`` of the ring's lit
    pixels both above and below the eye's corner-to-corner line have its hue.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper, lower : np.ndarray [shape=(n, 2)]
        The eye's upper and lower lid, corner to corner, in image pixels.
    """
    found = _eye_ring(image, upper, lower)
    if found is None:
        return None
    (x0, y0, x1, y1), lab, lit_ring, cheek, above = found
    other = lit_ring & ~_is_skin(lab, cheek) & (np.hypot(lab[..., 1], lab[..., 2]) >= 4.0)
    if other.sum() < 8:
        return None
    tint = np.median(lab[other], axis=0)
    if float(_hue_turn(tint, cheek)) < TINTED_TURN:
        return None  # the warmer hue of skin in shade, not another light
    tinted = _is_skin(lab, tint) & ~_is_skin(lab, cheek)
    for side in (above, ~above):
        if (tinted & lit_ring & side).sum() < TINTED_SHARE * max(int((lit_ring & side).sum()), 1):
            return None
    return tuple(float(v) for v in np.median(image[y0:y1, x0:x1][tinted & lit_ring].astype(np.float32), axis=0))


def _eye_ring(image: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> tuple | None:
    """The lit ring around an eye where its skin is read: ``(box, lab, lit_ring, cheek,
    above)``, the box (x0, y0, x1, y1) around it, its Lab [float32], the ring's pixels (from
    ``SKIN_RING[0]`` to ``SKIN_RING[1]`` of the eye's width out) within ``SKIN_LIT`` of the
    cheek's lightness [bool], the cheek's Lab (see :func:`_cheek_skin`) and which pixels lie
    above the eye's corner-to-corner line [bool]; None for an eye too small or off the image."""
    width, up = _eye_axes(upper, lower)
    outline = np.vstack([upper, lower[::-1]])
    box = _clipped_box(outline, 0.5 * width + 2, image.shape)  # the ring and the cheek
    if box is None or width < 4:
        return None
    x0, y0, x1, y1 = box
    eye = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(eye, [np.round(outline - (x0, y0)).astype(np.int32)], 1)
    near = cv2.distanceTransform(1 - eye, cv2.DIST_L2, 3) / width
    ring = (near > SKIN_RING[0]) & (near <= SKIN_RING[1])
    lab = _lab(image[y0:y1, x0:x1])
    cheek = _cheek_skin(lab, upper - (x0, y0), lower - (x0, y0))
    lit = (lab[..., 0] >= SKIN_LIT[0] * cheek[0]) & (lab[..., 0] <= SKIN_LIT[1] * cheek[0])
    ys, xs = np.mgrid[y0:y1, x0:x1]
    above = (xs - upper[0, 0]) * up[0] + (ys - upper[0, 1]) * up[1] > 0
    return box, lab, ring & lit, cheek, above


def _cheek_skin(lab: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Lab [shape=(3,)] of the cheek under an eye, its brighter half (as lid_palette reads it)."""
    x0, y0, x1, y1 = _cheek_band(upper, lower, lab.shape)
    band = lab[y0:y1, x0:x1].reshape(-1, 3)
    if len(band) == 0:
        band = lab.reshape(-1, 3)
    return np.median(band[band[:, 0] >= np.median(band[:, 0])], axis=0)


def _is_skin(lab: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Bool mask of the pixels of ``lab`` [shape=(..., 3)] with the hue of ``skin`` (Lab
    [shape=(3,)]), within SKIN_TURN degrees, and at least half its saturation."""
    saturation = 0.5 * float(np.hypot(skin[1], skin[2])) / max(float(skin[0]), 1.0)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    return (_hue_turn(lab, skin) < SKIN_TURN) & (chroma >= np.maximum(4.0, saturation * lab[..., 0]))


def _hue_turn(lab: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Degrees 0..180 between the hue of each pixel of ``lab`` [shape=(..., 3)] and ``skin``'s."""
    turn = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]) - np.arctan2(skin[2], skin[1]))
    return np.abs((turn + 180) % 360 - 180)


def _cheek_band(upper: np.ndarray, lower: np.ndarray, shape: tuple) -> tuple:
    """Box (x0, y0, x1, y1) of the cheek under an eye where its skin is read: as wide as
    the upper lid, from 0.15 to 0.45 of the eye's width below the lower lid, clipped to an
    image of ``shape``."""
    h, w = shape[:2]
    eye_width = float(np.linalg.norm(upper[-1] - upper[0]))
    x0, x1 = int(max(0, upper[:, 0].min())), int(min(w, upper[:, 0].max() + 1))
    y0 = int(min(h - 1, lower[:, 1].max() + 0.15 * eye_width))
    y1 = int(min(h, y0 + max(2, 0.3 * eye_width)))
    return x0, y0, x1, y1


def paint_lid(canvas: np.ndarray, upper: np.ndarray, lower: np.ndarray, blink: float, palette: LidPalette) -> None:
    """Bring the lid down over the eye by ``blink`` (0 open .. 1 shut), in place.

    While the lid is still up at the drawn lash line, its painted edge (on the detected
    outline, which rarely matches the ink) would only double that line: the lid fades in
    over the first ``LID_FADE`` of the blink, by when it has moved well below. Along the
    eye it is opaque already where its edge has come in (as far as its stroke is full
    width): seen through a lid half faded in, the drawn lash line showed above the lid's
    own, a second, lighter one. Under the lid still fading in, the drawn line comes down
    with its edge. The lid is the skin around it, carried in (see :func:`_lid_backdrop`),
    behind any hair; as it shuts, what the artist drew of the eye beyond the fitted
    outline (a lash line's ends) goes under it too.

    Parameters
    ----------
    canvas : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper, lower : np.ndarray [shape=(n, 2)]
        Lids at rest in canvas pixels; they meet four fifths of the way down, by
        ``LID_MEET`` of a blink.
    """
    if blink <= 0.02:
        return
    eye = np.vstack([upper, lower])
    box = _clipped_box(eye, 0.5 * np.ptp(eye, axis=0).max() + 2 * palette.thickness + 2, canvas.shape)
    if box is None:
        return
    x0, y0, x1, y1 = box
    upper, lower = upper - (x0, y0), lower - (x0, y0)
    region = canvas[y0:y1, x0:x1]
    backdrop = _lid_backdrop(region, upper, lower, palette)
    fade = float(_smoothstep(0.0, LID_FADE, blink))
    if fade >= 1:
        lid = region.copy()
        _paint_lid(lid, upper, lower, blink, palette, backdrop)
        region[:] = _behind_hair(region, lid, backdrop)
        return
    _, _, edge, inside = _lid_shapes(upper, lower, blink, palette.thickness)
    ys, xs = np.mgrid[0 : y1 - y0, 0 : x1 - x0].astype(np.float32)
    # Each column as opaque as the lid's edge there has come in (see LID_COVER).
    along = edge[-1] - edge[0]
    at = (edge - edge[0]) @ along / max(float(along @ along), 1e-6)
    pixel_at = ((xs - edge[0, 0]) * along[0] + (ys - edge[0, 1]) * along[1]) / max(float(along @ along), 1e-6)
    alpha = np.maximum(fade, _smoothstep(0.0, LID_COVER, np.interp(pixel_at, at, inside)))
    # Under it, the drawn lash line comes down with the lid's edge, so that the two are
    # one line (the band above them stretched; eyes are near level, so along columns);
    # less as the lid fades in, by when it covers the line (none once it has: an opaque
    # lid shows the picture above it).
    rim = _with_margins(upper, lower)[0]
    column = np.arange(x1 - x0, dtype=np.float64)
    top, bottom = np.interp(column, *_by_x(rim)), np.interp(column, *_by_x(edge))
    reach = 1.5 * palette.thickness + 0.5
    shift = (bottom - top) * np.clip((ys - (top - 2 * reach)) / reach, 0, 1) * (ys <= bottom) * (1 - fade)
    moved = cv2.remap(region, xs, (ys - shift).astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    lid = moved.copy()
    _paint_lid(lid, upper, lower, blink, palette, backdrop)
    # Hair in front of the eye stays as it is, not moved with the lash line either.
    alpha = alpha[..., None]
    moved = np.where(backdrop[1][..., None] > 0, region, moved)
    region[:] = _behind_hair(region, moved * (1 - alpha) + lid * alpha, backdrop)


def _behind_hair(region: np.ndarray, lid: np.ndarray, backdrop: tuple) -> np.ndarray:
    """``lid`` (the region with the lid painted, float or uint8 RGB) behind the hair in
    front of it (see :func:`_lid_backdrop`), uint8: the picture where the hair is whole;
    over its feathered rim, what the lid changed shows the strand's own colour (the eye it
    hid showed there as a fringe)."""
    _, hair, _, fringe = backdrop
    changed = np.clip(np.abs(lid.astype(np.float32) - region).max(-1) / LID_CHANGED, 0, 1)[..., None]
    front = region + (fringe - region) * changed
    hair = hair[..., None]
    return np.clip(lid * (1 - hair) + front * hair + 0.5, 0, 255).astype(np.uint8)


def _paint_lid(
    canvas: np.ndarray, upper: np.ndarray, lower: np.ndarray, blink: float, palette: LidPalette, backdrop: tuple
) -> None:
    """The lid of :func:`paint_lid`, opaque, on ``backdrop`` (see :func:`_lid_backdrop`),
    stroke and all; the hair in front of it is laid over it by :func:`paint_lid`."""
    upper_lid, lower_lid, edge, inside = _lid_shapes(upper, lower, blink, palette.thickness)
    skin, _, beyond, _ = backdrop
    shift = 3
    polys = [np.round(p * (1 << shift)).astype(np.int32) for p in (upper_lid, lower_lid) if len(p)]
    cover = np.zeros(canvas.shape[:2], np.float32)
    cv2.fillPoly(cover, polys, 1.0, lineType=cv2.LINE_AA, shift=shift)
    # The drawn eye beyond the fitted lids goes under the lid once it is opaque (from
    # LID_FADE of a blink: a lid fading in over them greyed them) as its edge sweeps down
    # past it (a tall eye's inked sides, the lash line's ends above the corners: left
    # standing, they were specks and a dark rim beside the half-closed lid), and the rest
    # of it as the eye shuts, so that the shut eye is one line, not that line under the
    # drawn ends.
    going = float(_smoothstep(LID_BEYOND, LID_STROKE_SHUT, _closed(blink)))
    swept = _swept(upper, lower, blink, canvas.shape) if blink >= LID_FADE else 0.0
    cover = np.maximum(cover, beyond * np.maximum(going, swept))[..., None]
    canvas[:] = np.clip(canvas * (1 - cover) + skin * cover + 0.5, 0, 255).astype(np.uint8)
    _, up = _eye_axes(upper, lower)
    # How much of the eye is left open under each point of the edge, to the lower lid's.
    along, lower_edge = np.array([-up[1], up[0]]), lower_lid[: len(lower)]
    order = np.argsort(lower_edge @ along)
    below = np.interp(edge @ along, (lower_edge @ along)[order], (lower_edge @ up)[order])
    gap = np.maximum(edge @ up - below, 0.0)
    _lid_stroke(canvas, edge, inside, palette, up=(1 - _shut(blink)) * up, gap=gap)


def _lid_backdrop(region: np.ndarray, upper: np.ndarray, lower: np.ndarray, palette: LidPalette) -> tuple:
    """What a painted lid is made of around an eye: ``(skin, hair, beyond, fringe)``.

    ``skin`` [shape=(h, w, 3), float32, RGB 0..255] is the skin as it would be with no eye:
    the region's own skin pixels, filled in between from them (see :func:`_fill_in`), so
    that the lid continues the shading around it instead of a flat patch with edges.
    ``hair`` [shape=(h, w), float32, 0..1] is what lies over the eye's margins but is
    neither skin nor the drawn eye (hair falling over it, a blush), and hair drawn across
    the eye itself (see :func:`_hair_in_front`): the lid goes behind it.
    ``beyond`` [float32, 0..1] is the drawn eye outside its margined outline (the ends of
    its lash line), covered by the time it is shut. ``fringe`` [shape=(h, w, 3), float32,
    RGB] is the region with the colours of the strands across the eye carried out over
    their feathered rims.

    Parameters
    ----------
    region : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper, lower : np.ndarray [shape=(n, 2)]
        The eye's lids at rest in ``region``'s pixels.
    """
    h, w = region.shape[:2]
    width = float(np.linalg.norm(upper[-1] - upper[0]))
    lab = _lab(region)
    skin_lab = _lab(np.array([[palette.skin]], np.uint8))[0, 0]
    outline = np.zeros((h, w), np.uint8)
    cv2.fillPoly(outline, [np.round(np.vstack([upper, lower[::-1]])).astype(np.int32)], 1)
    margined = np.zeros((h, w), np.uint8)
    wide_upper, wide_lower = _with_margins(upper, lower)
    cv2.fillPoly(margined, [np.round(np.vstack([wide_upper, wide_lower[::-1]])).astype(np.int32)], 1)
    # The drawn eye: ink, white and iris joined to its margined outline, near it.
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    ink = lab[..., 0] < skin_lab[0] - INK_DARKER
    # The eye's white: whiter than the skin and greyer (not the skin in light).
    skin_chroma = float(np.hypot(skin_lab[1], skin_lab[2]))
    white = (_whiteness(lab) > float(_whiteness(skin_lab)) + 5) & (chroma < max(4.0, 0.5 * skin_chroma))
    turn = _hue_turn(lab, skin_lab)
    iris = (turn > 60) & (chroma > 15)
    near_skin = (
        (turn < LID_SKIN[2])
        & (chroma < skin_chroma + LID_SKIN[1])
        & (lab[..., 0] > skin_lab[0] - LID_SKIN[0])
        & ~white
    )
    # Hair (or what lies behind it): darker or more saturated than the skin's shading
    # may be, or white.
    hairlike = (lab[..., 0] < skin_lab[0] - LID_SKIN[0]) | (chroma > skin_chroma + LID_SKIN[1]) | white
    # Strands across the eye: none of it, though of an iris's hue and over its outline.
    up = _eye_axes(upper, lower)[1]
    beyond_reach = _out_from(outline, up) > LID_REACH * width
    front = _hair_in_front(
        lab, hair=hairlike & ~near_skin & ~white & beyond_reach, eye=margined > 0, skin=near_skin, never=ink | white
    )
    # Reached from what is drawn within the margined outline (a fitted outline can lie
    # well inside the drawn eye).
    core = _hull((ink | white | iris) & (margined > 0) & ~front | (outline > 0))
    out = _out_from(core, up)
    drawn, grown, between = _drawn_eye(
        (ink | white | iris) & ~front, ~near_skin & ~front, hairlike, core > 0, out / width
    )
    # Its anti-aliased rim, a mix of ink and skin: no more saturated than either (unlike a
    # strand of hair ending at the lash line).
    lash_lab = _lab(np.array([[palette.lash]], np.uint8))[0, 0]
    plain = chroma <= max(skin_chroma, float(np.hypot(lash_lab[1], lash_lab[2]))) + LID_RIM[1]
    # All within its drawing (the lids' pale rims between the lash line and the iris too),
    # and the mid-tones of its ink reached from it (a lash line tapering out in grey):
    # taken for skin, they were grey smudges and specks in the filled-in lid.
    eye = _hull(drawn | (outline > 0)) | (between & plain)
    rim = cv2.dilate(eye, np.ones((2 * LID_RIM[0] + 1,) * 2, np.uint8)) > 0
    # Hair in front: strands of its colours, and the hair's ink grown in from beyond that
    # outlines them (not a lash stroke the hair reached first).
    outlined = cv2.dilate(front.astype(np.uint8), np.ones((2 * HAIR_INK + 1,) * 2, np.uint8)) > 0
    front |= grown & outlined
    eye = ((cv2.dilate(eye, np.ones((3, 3), np.uint8)) > 0) | (rim & plain)) & ~front
    # Skin: near the cheek's colour and of its hue (not a pale lavender hair's rim), clear
    # of anything else by a pixel (anti-aliased rims are part hair or ink).
    skin = (cv2.erode(near_skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~eye & ~front
    # Whole on a strand (thin ones too), feathered only outwards; across the eye, feathered
    # both ways (a lid's edge of skin against a strand's is a step otherwise).
    hair = (~near_skin & ~eye).astype(np.float32)
    hair = np.maximum(hair, cv2.GaussianBlur(hair, (3, 3), 0) * ~eye) * (outline == 0)
    across = front.astype(np.float32)
    feathered = np.maximum(across, cv2.GaussianBlur(across, (0, 0), HAIR_FEATHER))
    hair = np.maximum(hair, feathered)
    beyond = (eye & ~(margined > 0) & (out <= LID_REACH * width + LID_RIM[0])).astype(np.float32)
    pixels = region.astype(np.float32)
    spread = cv2.GaussianBlur(pixels * across[..., None], (0, 0), HAIR_FEATHER)
    spread /= np.maximum(cv2.GaussianBlur(across, (0, 0), HAIR_FEATHER), 1e-6)[..., None]
    fringe = np.where(((feathered > 0) & ~front)[..., None], spread, pixels)
    return _fill_in(pixels, skin, palette.skin), hair, beyond, fringe


def _hair_in_front(
    lab: np.ndarray, *, hair: np.ndarray, eye: np.ndarray, skin: np.ndarray, never: np.ndarray
) -> np.ndarray:
    """Hair drawn over an eye [bool, shape=(h, w)]: pixels of the colours of ``hair`` (the
    hair beyond the eye's reach), not of ``eye``'s nor ``skin``'s (HAIR_ODDS), joined to
    ``hair`` through such pixels; none of ``never``. Empty without hair around the eye.

    Parameters
    ----------
    lab : np.ndarray [shape=(h, w, 3), float32, Lab]
    hair, eye, skin, never : np.ndarray [shape=(h, w), bool]
    """
    if not hair.any():
        return np.zeros(hair.shape, bool)
    bins = np.floor((lab - (0.0, -128.0, -128.0)) / HAIR_BIN).astype(np.int32)
    shape = tuple(int(n) for n in bins.reshape(-1, 3).max(0) + 1)
    index = np.ravel_multi_index(tuple(np.moveaxis(bins, -1, 0)), shape)

    def share(mask: np.ndarray) -> np.ndarray:
        """How common each pixel's colour is among ``mask``'s, and in the bins around it."""
        counts = np.bincount(index[mask], minlength=int(np.prod(shape))).reshape(shape).astype(np.float32)
        counts = uniform_filter(counts, size=3, mode="constant") / max(int(mask.sum()), 1)
        return counts.ravel()[index]

    own = share(hair)
    coloured = (own > HAIR_ODDS * share(eye)) & (own > HAIR_ODDS * share(skin)) & ~never
    _, labels = cv2.connectedComponents(coloured.astype(np.uint8), connectivity=8)
    return np.isin(labels, np.unique(labels[coloured & hair])) & coloured


def _hull(mask: np.ndarray) -> np.ndarray:
    """uint8 mask [shape=(h, w), 0|1] of the convex hull of ``mask``'s pixels (bool, not empty)."""
    ys, xs = np.nonzero(mask)
    hull = np.zeros(mask.shape, np.uint8)
    cv2.fillPoly(hull, [cv2.convexHull(np.stack([xs, ys], 1).astype(np.int32))], 1)
    return hull


def _out_from(core: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Distance [float32, shape=(h, w), pixels] of each pixel from ``core`` [uint8 0|1],
    counted LID_ACROSS times over across the eye (along ``up``, unit [shape=(2,)]): a lash
    line's ends lie along the eye, beyond its corners; hair falls on it from above."""
    h, w = core.shape
    along = np.array([-up[1], up[0]])
    # Pixel (x, y) goes to (along, LID_ACROSS * across) from the centre of a canvas that
    # holds the whole region.
    side = int(np.ceil(LID_ACROSS * np.hypot(h, w))) + 2
    rows = np.vstack([along, LID_ACROSS * up])
    offset = side / 2 - rows @ (w / 2, h / 2)
    forward = np.hstack([rows, offset[:, None]]).astype(np.float32)
    stretched = cv2.warpAffine(core, forward, (side, side), flags=cv2.INTER_NEAREST)
    distance = cv2.distanceTransform(1 - stretched, cv2.DIST_L2, 3)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x = forward[0, 0] * xs + forward[0, 1] * ys + forward[0, 2]
    map_y = forward[1, 0] * xs + forward[1, 1] * ys + forward[1, 2]
    return cv2.remap(distance, map_x, map_y, cv2.INTER_LINEAR)


def _drawn_eye(
    drawn: np.ndarray, other: np.ndarray, hairlike: np.ndarray, core: np.ndarray, out: np.ndarray
) -> tuple:
    """``(eye, hair, between)``: the drawn eye's pixels [bool, shape=(h, w)] among ``drawn`` (of its
    ink, white and iris colours) from its ``core`` out to ``LID_REACH`` of its width (``out``: the
    distance from the core in eye widths, see :func:`_out_from`): grown out from the core
    a pixel a step through what is not skin (``drawn`` or ``other``), against hair grown
    in LID_HAIR_SPEED pixels a step through ``hairlike`` pixels from those beyond that
    reach. A pixel both reach at once is hair: bangs whose tips touch the lash line, a
    strand beside a corner, stay hair; the lash line's ends, and lash strokes near it that
    no hair joins, are the eye. ``hair`` [bool] is the hair so grown, and where it began;
    ``between`` [bool] the ``other`` pixels the eye reached first (its drawing's mid-tones)."""
    zone = out <= LID_REACH
    eye, hair = drawn & core, hairlike & ~zone
    free = (drawn | other) & zone & ~core
    step = np.ones((3, 3), np.uint8)
    while True:
        to_eye = (cv2.dilate(eye.astype(np.uint8), step) > 0) & free
        to_hair = np.zeros_like(hair)
        for _ in range(LID_HAIR_SPEED):  # a pixel at a time, each through hair
            to_hair |= (cv2.dilate((hair | to_hair).astype(np.uint8), step) > 0) & free & hairlike
        if not (to_eye.any() or to_hair.any()):
            return (eye | free) & drawn, hair, eye & ~drawn
        eye |= to_eye & ~to_hair
        hair |= to_hair
        free &= ~(to_eye | to_hair)


def _fill_in(values: np.ndarray, known: np.ndarray, default: tuple) -> np.ndarray:
    """``values`` [shape=(h, w, 3), float32] kept where ``known`` [bool, shape=(h, w)] and
    smoothly filled in from the known pixels elsewhere (pushed down a pyramid of weighted
    averages, pulled back up, then relaxed): a surface through the known values with no
    edges at them. ``default`` fills it all where nothing is known."""
    weight = known.astype(np.float32)
    if weight.sum() < 1:
        return np.broadcast_to(np.array(default, np.float32), values.shape).copy()
    filled = _push_pull(values * weight[..., None], weight)
    # Relaxed towards the smoothest surface through the known values (each unknown pixel
    # the mean of its neighbours), which carries a shading's gradient across the eye
    # where the pyramid's averages flatten it.
    unknown = (~known).astype(np.uint8)
    for _ in range(FILL_SMOOTHING):
        cv2.copyTo(cv2.blur(filled, (3, 3), borderType=cv2.BORDER_REPLICATE), unknown, filled)
    return filled


def _push_pull(weighted: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Values of ``weighted`` / ``weight`` where ``weight`` [0..1] is 1, filled in from a
    coarser level elsewhere (see :func:`_fill_in`)."""
    h, w = weight.shape
    if weight.min() >= 1 or max(h, w) <= 1:
        return weighted / np.maximum(weight, 1e-6)[..., None]
    size = ((w + 1) // 2, (h + 1) // 2)
    coarse_weight = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(weighted, size, interpolation=cv2.INTER_AREA)
    # A coarse pixel is known as far as any of its four is.
    gain = np.minimum(4 * coarse_weight, 1.0) / np.maximum(coarse_weight, 1e-6)
    filled = _push_pull(coarse * gain[..., None], coarse_weight * gain)
    up = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    return weighted + up * (1 - weight)[..., None]


def _lid_shapes(upper: np.ndarray, lower: np.ndarray, blink: float, thickness: float) -> tuple:
    """The painted lids of an eye closed by ``blink``: ``(upper_lid, lower_lid, edge,
    inside)``, the lids' polygons [shape=(m, 2), m <= 2n; the upper one empty while its
    edge is still on the outline], the upper lid's edge [shape=(n, 2)] and how far into the
    eye each point of it has come [shape=(n,), 0 on the eye's outline .. 1 from
    ``LID_STROKE_IN`` stroke widths in, and from ``LID_STROKE_SHUT`` of a blink on everywhere,
    thinning towards the corners (see :func:`_taper`)].

    Parameters
    ----------
    upper, lower : np.ndarray [shape=(n, 2)]
        Lids at rest, corner to corner, in canvas pixels.
    thickness : float
        The lash stroke's width in pixels (see LidPalette).
    """
    upper, lower = _with_margins(upper, lower)
    meet = _smooth_meet(upper + 0.8 * (lower - upper))
    closed = _closed(blink)
    drop = _lid_drop(upper, meet, closed)
    upper_edge = upper + drop[:, None] * (meet - upper)
    lower_edge = lower + closed * (meet - lower)
    stroke = max(1, int(round(thickness)))
    shut = _shut(blink)
    inside = drop * np.linalg.norm(meet - upper, axis=1) / (LID_STROKE_IN * stroke)
    inside = np.maximum(np.clip(inside, 0, 1), shut) * (1 - shut + shut * _taper(meet))
    # Lids cover from beyond the drawn lash lines to their moving edges; both close on the
    # meeting line, so no sliver of iris is left when shut. The upper one covers its drawn
    # lash line where its own edge has come into the eye to take its place (all of it from
    # LID_COVER of the way to a full stroke); elsewhere (a tall eye's sides) the drawn line
    # stays, not paled by a fading lid, nor by the anti-aliased outline of a lid there with
    # no area.
    reach = np.array([0, 1.5 * thickness + 0.5])
    come = np.flatnonzero(inside > 0)
    span = slice(max(int(come[0]) - 1, 0), int(come[-1]) + 2) if len(come) else slice(0, 0)
    upper_lid = np.vstack([(upper - np.outer(np.clip(inside / LID_COVER, 0, 1), reach))[span], upper_edge[span][::-1]])
    lower_lid = np.vstack([lower_edge, (lower + reach)[::-1]])
    return upper_lid, lower_lid, upper_edge, inside


def _swept(upper: np.ndarray, lower: np.ndarray, blink: float, shape: tuple) -> np.ndarray:
    """How far the closing upper lid's edge has passed each pixel [shape=shape[:2],
    float32, 0..1]: 1 above the line it sweeps down along (the lids' meeting line, extended
    past the corners, raised by what is left of the blink; see :func:`_lid_drop`), 0 below,
    anti-aliased over a pixel. Beside a tall eye, where the edge still lies on the outline,
    the line runs on above the corners."""
    upper, lower = _with_margins(upper, lower)
    meet = _smooth_meet(upper + 0.8 * (lower - upper))
    _, up = _eye_axes(upper, meet)
    left = (1 - _closed(blink)) * float(np.maximum((upper - meet) @ up, 0.0).max())
    along = np.array([-up[1], up[0]])
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    pixel_along, pixel_up = xs * along[0] + ys * along[1], xs * up[0] + ys * up[1]
    order = np.argsort(meet @ along)
    meet_up = np.interp(pixel_along, (meet @ along)[order], (meet @ up)[order])
    return np.clip(pixel_up - meet_up - left + 0.5, 0, 1).astype(np.float32)


def _with_margins(upper: np.ndarray, lower: np.ndarray) -> tuple:
    """The lids [shape=(n, 2)] the painted ones close from: detected outlines of drawn eyes
    often fall short of the inked eye, so they cover a margin above and below, but hardly
    any beyond the corners (a nose's outline or the background may lie just there)."""
    centre = np.vstack([upper, lower]).mean(0)
    along = (upper[-1] - upper[0]) / max(float(np.linalg.norm(upper[-1] - upper[0])), 1e-6)
    scale = LID_MARGIN_ALONG * np.outer(along, along) + LID_MARGIN * (np.eye(2) - np.outer(along, along))
    return centre + (upper - centre) @ scale, centre + (lower - centre) @ scale


def _closed(blink: float) -> float:
    """How far the lids have closed, 0 open .. 1 met, by ``LID_MEET`` of a blink."""
    return float(np.clip(blink / LID_MEET, 0, 1))


def _shut(blink: float) -> float:
    """How shut the eye is for its stroke, 0 until the lids have closed ``LID_STROKE_SHUT``
    of their way .. 1 met."""
    return float(np.clip((_closed(blink) - LID_STROKE_SHUT) / (1 - LID_STROKE_SHUT), 0, 1))


def _smooth_meet(meet: np.ndarray) -> np.ndarray:
    """The line where the lids meet [shape=(n, 2)], corner to corner, as one smooth curve.

    A face mesh's points on a drawn eye wobble about its inked outline; the lids meeting
    on them would shut the eye on a "~". An artist draws a shut eye as one gentle arc:
    each point keeps its place along the eye and its corners, and across the eye lies on
    the least-squares cubic through both corners, a bow leaning to one side or the other
    but never so far as to turn back (an "S").
    """
    along = meet[-1] - meet[0]
    length = float(np.linalg.norm(along))
    if length < 1e-6 or len(meet) < 4:
        return meet
    along = along / length
    across = np.array([-along[1], along[0]])
    s = (meet - meet[0]) @ along / length
    bow = s * (1 - s)
    basis = np.stack([bow, bow * (s - 0.5)], 1)
    bend, lean = np.linalg.lstsq(basis, (meet - meet[0]) @ across, rcond=None)[0]
    coef = np.array([bend, np.clip(lean, -abs(bend), abs(bend))])
    return meet[0] + np.outer(s * length, along) + np.outer(basis @ coef, across)


def _taper(line: np.ndarray) -> np.ndarray:
    """A shut eye's line width along ``line`` [shape=(n, 2)], corner to corner, as a share
    [shape=(n,)]: 1 in the middle, thinning to ``LID_TAPER`` at the corners, as a pen
    stroke lifts off at both ends."""
    along = line[-1] - line[0]
    s = np.clip((line - line[0]) @ along / max(float(along @ along), 1e-6), 0, 1)
    return LID_TAPER + (1 - LID_TAPER) * np.sqrt(np.sin(np.pi * s))


def _lid_drop(upper: np.ndarray, meet: np.ndarray, blink: float) -> np.ndarray:
    """How far each point of the closing upper lid has come down, 0 (at rest) .. 1 (on the
    meeting line), [shape=(n,)].

    The lid's edge is the meeting line raised by what is left of the blink, as deep as the
    eye is at its deepest, and never above the eye's outline: it crosses the eye as a lid
    does. Moving every point the same share of its own way down would bend the edge along
    the outline instead, down to corners that lie low on a tall drawn eye, over the
    still-open eye's sides.
    """
    _, up = _eye_axes(upper, meet)
    depth = np.maximum((upper - meet) @ up, 0.0)  # how far below the outline the lids meet
    left = (1 - blink) * depth.max()
    return np.clip((depth - left) / np.maximum(depth, 1e-6), 0, 1)


def _lid_stroke(
    canvas: np.ndarray, edge: np.ndarray, inside: np.ndarray, palette: LidPalette, *, up: np.ndarray, gap: np.ndarray
) -> None:
    """Draw the closing lid's ``edge`` [shape=(n, 2)] as a lash stroke, in place, as wide as
    it has come into the eye (``inside`` [shape=(n,)], 0..1, see :func:`_lid_shapes`):
    where it still runs along the outline (at the corners, on a tall eye's sides, in the
    first frames of a blink) it would only double or stray beside the drawn lash line.
    The stroke is the lid's rim: it lies on the lid, just above its edge, not over the
    still-open eye; as the eye shuts it comes down onto the edge, over the last sliver
    between the lids. ``up`` [shape=(2,)] points from the lower lid to the upper; its
    length is how much of the stroke's half width lies above the edge (0..1). ``gap``
    [shape=(n,)] is how far the lower lid's edge lies below each point, in pixels: a sliver
    no wider than the stroke it comes down over (one as wide again, partly), or a hairline
    of iris shows under a line that looks shut."""
    thickness = max(1.0, palette.thickness)
    box = _clipped_box(edge, thickness + 2, canvas.shape)
    if box is None:
        return
    x0, y0, x1, y1 = box
    # A pen's taper: each pixel is inked by how much of it lies within half the stroke's
    # width there of the edge (its nearest point, sampled every half pixel), a thinning ink
    # line without steps; thinner than a pixel the line is a pixel wide and fainter.
    # (OpenCV's anti-aliased shapes add more than a pixel to any width, in steps.)
    length = np.r_[0, np.cumsum(np.linalg.norm(np.diff(edge, axis=0), axis=1))]
    at = np.linspace(0, length[-1], max(2, int(np.ceil(2 * length[-1])) + 1))
    points = np.stack([np.interp(at, length, edge[:, 0]), np.interp(at, length, edge[:, 1])], 1)
    width = thickness * np.interp(at, length, inside)
    tangent = np.gradient(points, axis=0)
    rim = np.stack([tangent[:, 1], -tangent[:, 0]], 1) / np.maximum(np.linalg.norm(tangent, axis=1), 1e-6)[:, None]
    above = float(np.linalg.norm(up))
    # Half a pixel over the lid's anti-aliased edge, or a pale line shows between the two
    # (but for a sprite's pixel-wide stroke, whose overlap would darken the open eye).
    overlap = 0.5 * np.clip(width - 1, 0, 1)
    sliver = np.interp(at, length, gap)
    down = np.maximum(np.minimum(sliver, width) - overlap, 0) * np.clip(2 - sliver / np.maximum(width, 1e-6), 0, 1)
    points = points + np.sign(rim @ up)[:, None] * rim * (above * (0.5 * width - overlap) - down)[:, None]
    # Only pixels near the edge can be inked: those under it drawn a little wider.
    reach = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.polylines(reach, [np.round(points - (x0, y0)).astype(np.int32)], False, 1, thickness=int(np.ceil(width.max())) + 3)
    ys, xs = np.nonzero(reach)
    near, nearest = cKDTree(points).query(np.stack([xs + x0, ys + y0], 1))
    wide = width[nearest]
    a = np.zeros(reach.shape, np.float32)
    a[ys, xs] = np.clip(0.5 * np.maximum(wide, 1) + 0.5 - near, 0, 1) * np.minimum(wide, 1)
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    a = a[..., None]
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - a) + np.array(palette.lash, np.float32) * a + 0.5, 0, 255).astype(np.uint8)


def paint_lash_line(canvas: np.ndarray, edge: np.ndarray, blink: float, palette: LidPalette) -> None:
    """Darken the closing line of a squashed eye with its lashes, in place.

    Squashing compresses the bright white of the eye into the line where the lids meet;
    a real closed eye shows its lashes there. Fades in over the second half of a blink.

    Parameters
    ----------
    edge : np.ndarray [shape=(n, 2)]
        The upper lid's posed edge in canvas pixels.
    """
    alpha = LASH_OPACITY * float(np.clip(2 * blink - 1, 0, 1))
    if alpha <= 0:
        return
    box = _clipped_box(edge, palette.thickness + 2, canvas.shape)
    if box is None:
        return
    x0, y0, x1, y1 = box
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    shift = 3
    line = np.round((edge - (x0, y0)) * (1 << shift)).astype(np.int32)
    cv2.polylines(mask, [line], False, 255, thickness=max(1, int(round(palette.thickness))), lineType=cv2.LINE_AA, shift=shift)
    a = (mask.astype(np.float32) * (alpha / 255.0))[..., None]
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - a) + np.array(palette.lash, np.float32) * a + 0.5, 0, 255).astype(np.uint8)


def fit_rendered_eyes(image: np.ndarray, face: Face) -> Face:
    """``face`` with its lids moved out to the skin around the eyes if the picture shows
    rendered eyes bigger than the mesh's; otherwise ``face`` itself (photos).

    Each inner lid point moves along the eye's normal to where the skin starts (past the
    white, the iris and the lash line), at most ``RENDERED_REACH`` of the eye's width, and
    each corner along the eye, at most ``RENDERED_CORNER``; the lids are smoothed, as the
    rendered eye's are. Both eyes are taken for a render's or neither, so that they close
    alike; and neither unless most rays around each eye do find the skin, and what lies
    just above the mesh's lids is mostly eye (white, iris), not ink (a photo's eyeliner).
    An eye the mesh already outlines (its skin starts right above the lid, see
    ``OUTLINED``) keeps its lids: a painted eye beside a bigger one. Brown eyes in
    brown skin, whose irises pass for skin by hue, are refitted where the skin lit as the
    cheek starts well above the lids and face mesh finds the irises big for the eyes (as on
    renders, not photos), no further than just past the irises.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    face : Face
        In the picture's pixels.
    """
    lm = face.landmarks[:, :2].astype(np.float64)
    sides = (
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_BROW_LOWER),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_BROW_LOWER),
    )
    eyes = lm[np.r_[topo.EYES_ALL, topo.BROWS]]
    pad = 1.5 * np.ptp(lm[list(topo.RIGHT_EYE_UPPER)][:, 0]) + 2
    box = _clipped_box(eyes, pad, image.shape)
    if box is None:
        return face
    x0, y0, x1, y1 = box
    lab = _lab(image[y0:y1, x0:x1])
    local = lm - (x0, y0)
    fits = _fit_lids(lab, local, sides, lit=0.0)
    if fits is None:
        return face
    # A render shows its eye (white, iris) above the mesh's lids; a photo at most ink there.
    if _above(fits) < RENDERED_EYE or _eye_share(lab, local, fits) < SHOWS_EYE:
        # Irises of the skin's hue (brown eyes in brown skin) pass for skin: then what is
        # not skin is what is darker than lit skin too, on eyes whose irises are big for
        # them, as a render's are and a photo's are not (eyeliner is as dark).
        if len(lm) <= topo.LEFT_IRIS[-1] or _iris_size(lm) < DARK_EYE_IRIS:
            return face
        dark = _fit_lids(lab, local, sides, lit=DARK_EYE_LIT)
        if dark is None or _above(dark) < DARK_EYE:
            return face
        # Past the iris no eye is left to cover: the skin above may be shadow as dark.
        fits = _fit_lids(lab, local, sides, lit=DARK_EYE_LIT, irises=(topo.RIGHT_IRIS, topo.LEFT_IRIS))
        if fits is None:
            return face
    else:
        # A painted eye the mesh outlines, beside a bigger one, keeps its lids.
        fits = [fit for fit in fits if _above([fit]) >= OUTLINED]
    landmarks = face.landmarks.copy()
    for upper_ids, lower_ids, width, up, above, below, corners in fits:
        upper, lower = lm[list(upper_ids)], lm[list(lower_ids)]
        along = (upper[-1] - upper[0]) / width
        ends = np.vstack([upper[0] - corners[0] * along, upper[-1] + corners[1] * along])
        for ids, rest, out, sign in ((upper_ids, upper, above, 1), (lower_ids, lower, below, -1)):
            # The corners move out along the eye, taking the lid with them in proportion.
            share = np.linspace(1, 0, len(rest))[:, None]
            moved = rest + share * (ends[0] - rest[0]) + (1 - share) * (ends[1] - rest[-1])
            moved[1:-1] += sign * _smooth(out)[:, None] * up
            landmarks[list(ids), :2] = moved.astype(np.float32)
    return replace(face, landmarks=landmarks)


def fit_painted_eyes(image: np.ndarray, face: Face) -> Face:
    """``face`` with the lower lids moved down, and the corners out along the eyes, over the
    parts of small painted eyes that face mesh's outlines leave out; otherwise ``face``
    itself (photos: their mesh lids lie on the eye).

    On small painted eyes (10-15 pixels wide: Wesnoth's orcs) the mesh's outline can sit a
    pixel or two above the painted eye, its lower lid across the iris, or end short of the
    eye's white at a corner: the squash closes what lies between the lids and leaves the
    rest in view at the blink's peak. Each inner point of the lower lid moves down over the
    eye's pixels that run on below it, or below the lid anywhere halfway to the points
    beside it (see :func:`_painted_eye_runs`, :func:`_lid_stretch`), at most
    ``PAINTED_REACH`` of the eye's width, and each corner out along the eye, at most
    ``PAINTED_CORNER``, taking both lids with it in proportion; an eye moves only where some
    run is ``PAINTED_MIN_PX`` or longer. The upper lid stays: the squash brings the skin
    above it down over whatever lies under it.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    face : Face
        In the picture's pixels.
    """
    lm = face.landmarks[:, :2].astype(np.float64)
    landmarks = None
    for upper_ids, lower_ids in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        upper, lower = lm[list(upper_ids)], lm[list(lower_ids)]
        width, up = _eye_axes(upper, lower)
        box = _clipped_box(np.vstack([upper, lower]), PAINTED_REACH * width + 2, image.shape)
        if box is None or width < 4:
            continue
        x0, y0, x1, y1 = box
        lab = _lab(image[y0:y1, x0:x1])
        upper, lower = upper - (x0, y0), lower - (x0, y0)
        skin = _cheek_skin(lab, upper, lower)
        along = (upper[-1] - upper[0]) / width
        # Rays from every half pixel along the lid too, not only from its points (two pixels
        # apart on these eyes, they can pass either side of the iris's lightest column),
        # reaching at most a pixel further than the point's own: further down beside the
        # eye's end lies the cheek's highlight, as light as the white (the dwarvish scout's).
        own = _painted_eye_runs(lab, lower[1:-1], -up, PAINTED_REACH * width, skin)
        beside = np.array([_painted_eye_runs(lab, _lid_stretch(lower, k), -up, PAINTED_REACH * width, skin).max() for k in range(1, len(lower) - 1)])
        down = np.maximum(own, np.minimum(beside, own + 1.0))
        corners = [_painted_eye_runs(lab, end[None], out, PAINTED_CORNER * width, skin)[0] for end, out in ((upper[0], -along), (upper[-1], along))]
        if max(down.max(), *corners) < PAINTED_MIN_PX:
            continue
        if landmarks is None:
            landmarks = face.landmarks.copy()
        ends = np.vstack([upper[0] - corners[0] * along, upper[-1] + corners[1] * along])
        lowered = lower.copy()
        lowered[1:-1] -= _smooth(down)[:, None] * up
        for ids, rest in ((upper_ids, upper), (lower_ids, lowered)):
            # The corners move out along the eye, taking the lid with them in proportion.
            share = np.linspace(1, 0, len(rest))[:, None]
            moved = rest + share * (ends[0] - rest[0]) + (1 - share) * (ends[1] - rest[-1])
            landmarks[list(ids), :2] = (moved + (x0, y0)).astype(np.float32)
    return face if landmarks is None else replace(face, landmarks=landmarks)


def fit_outsized_eyes(image: np.ndarray, face: Face, *, max_width: float) -> Face:
    """``face`` with both eyes refitted onto the painted eyes inside their outlines if one
    outline is wider than ``max_width`` pixels; ``face`` itself if none is, or if either
    painted eye is not found with confidence (the rig then holds both still).

    Face mesh can outline a painted eye with brow and headband (Wesnoth's elvish captain:
    38 pixels beside a 22-pixel mouth); squashed, the blink dragged them down over the
    face. Each eye's lids and iris are moved, as one box onto another, onto its lash line
    and the iris under it (see :func:`_painted_eye_box`).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    face : Face
        In the picture's pixels.
    max_width : float
        Widest eye outline taken as face mesh's own (pixels).
    """
    lm = face.landmarks[:, :2].astype(np.float64)
    sides = ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_IRIS), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_IRIS))
    if widest_eye(lm) <= max_width:
        return face
    landmarks = face.landmarks.copy()
    for upper_ids, lower_ids, iris_ids in sides:
        outline = lm[list(upper_ids) + list(lower_ids)]
        found = _painted_eye_box(image, lm[list(upper_ids)], lm[list(lower_ids)])
        if found is None or found[2] - found[0] > max_width:
            return face
        ids = list(upper_ids) + list(lower_ids) + list(iris_ids)
        low, high = outline.min(0), outline.max(0)
        scale = (np.array(found[2:]) - found[:2]) / np.maximum(high - low, 1e-6)
        landmarks[ids, :2] = (found[:2] + (lm[ids] - low) * scale).astype(np.float32)
    return replace(face, landmarks=landmarks)


def _painted_eye_box(image: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> np.ndarray | None:
    """Box [x0, y0, x1, y1] (picture pixels, float64) of the painted eye within an eye's
    outline (``upper``, ``lower`` [shape=(n, 2)]) grown by OUTSIZED_PAD of its width: from
    its lash line's top to the iris's bottom, as wide as the lash line, both pixels' outer
    edges; None if no iris lies under a lash line of a painted eye's shape."""
    width, _ = _eye_axes(upper, lower)
    box = _clipped_box(np.vstack([upper, lower]), OUTSIZED_PAD * width, image.shape)
    if box is None or width < 4:
        return None
    x0, y0, x1, y1 = box
    lab = _lab(image[y0:y1, x0:x1])
    skin = _cheek_skin(lab, upper - (x0, y0), lower - (x0, y0))
    ink = (lab[..., 0] < skin[0] - INK_DARKER).astype(np.uint8)
    iris = (np.linalg.norm(lab - skin, axis=2) > PAINTED_APART) & ~_is_skin(lab, skin) & ~ink.astype(bool)
    n_ink, ink_label = cv2.connectedComponents(ink, connectivity=8)
    n_iris, iris_label, stats, _ = cv2.connectedComponentsWithStats(iris.astype(np.uint8), connectivity=8)
    best = None
    for k in range(1, n_iris):
        if stats[k, cv2.CC_STAT_AREA] < OUTSIZED_IRIS:
            continue
        # The lash lines just above the iris's pixels (ink a pixel or two up).
        ys, xs = np.nonzero(iris_label == k)
        above = set()
        for dy in range(1, OUTSIZED_GAP + 1):
            inside = ys - dy >= 0
            above.update(int(v) for v in ink_label[ys[inside] - dy, xs[inside]] if v)
        for lash in above:
            ly, lx = np.nonzero(ink_label == lash)
            lash_width, lash_height = lx.max() + 1 - lx.min(), ly.max() + 1 - ly.min()
            fits = OUTSIZED_WIDTH[0] * width <= lash_width <= OUTSIZED_WIDTH[1] * width
            if not fits or lash_height > OUTSIZED_TALL * lash_width or not lx.min() < xs.mean() < lx.max() + 1:
                continue
            eye = np.array([lx.min(), ly.min(), lx.max() + 1, max(ly.max(), ys.max()) + 1], np.float64)
            if best is None or stats[k, cv2.CC_STAT_AREA] > best[0]:
                best = (stats[k, cv2.CC_STAT_AREA], eye)
    return None if best is None else best[1] + (x0, y0, x0, y0)


def _lid_stretch(lid: np.ndarray, k: int) -> np.ndarray:
    """Points every half pixel along ``lid`` [shape=(n, 2)] around its point ``k``, from
    halfway to the point before it to halfway to the one after [shape=(m, 2)]."""
    points = [lid[k][None]]
    for neighbour in (k - 1, k + 1):
        half = 0.5 * (lid[neighbour] - lid[k])
        length = float(np.linalg.norm(half))
        points.append(lid[k] + np.outer(np.arange(0.5, length + 1e-9, 0.5) / max(length, 1e-6), half))
    return np.vstack(points)


def _painted_eye_runs(lab: np.ndarray, starts: np.ndarray, direction: np.ndarray, reach: float, skin: np.ndarray) -> np.ndarray:
    """How far a painted eye runs on from each of ``starts`` [shape=(n, 2), in ``lab``'s
    pixels] along ``direction`` (a unit vector), at most ``reach`` pixels: half a pixel past
    its last pixel's centre (a pixel's extent), 0 where none is found [shape=(n,)].

    Eye is what is lighter than the cheek's ``skin`` (Lab) by PAINTED_LIGHTER (a light iris,
    the white, in a painted socket's shade) or of another hue, further than PAINTED_APART
    from it and no darker by as much (a grey or blue iris on pale skin); up to PAINTED_GAP
    pixels of anything else (the lid's line, the pupil) may lie between the start and it, or
    within it. ``lab`` [CIE Lab, see _colour._lab]."""
    h, w = lab.shape[:2]
    steps = np.arange(0.0, reach + 0.25, 0.5)
    ray = np.round(starts[:, None] + steps[None, :, None] * direction).astype(int)
    pixels = lab[np.clip(ray[..., 1], 0, h - 1), np.clip(ray[..., 0], 0, w - 1)]
    lightness = pixels[..., 0] - skin[0]
    apart = np.linalg.norm(pixels - skin, axis=-1) > PAINTED_APART
    eye = (lightness > PAINTED_LIGHTER) | (~_is_skin(pixels, skin) & (lightness > -PAINTED_LIGHTER) & apart)
    last = np.full(len(eye), -1)  # the run's last eye step (two a pixel), from the start on
    for k in range(len(steps)):
        last = np.where(eye[:, k] & (k <= last + 2 * PAINTED_GAP + 1), k, last)
    # Half a pixel past the last eye pixel's centre, not past the last step: a start off a
    # pixel's centre would count the rest of its own pixel as a run.
    pixel = np.take_along_axis(ray, np.maximum(last, 0)[:, None, None], axis=1)[:, 0]
    return np.where(last >= 0, np.maximum((pixel - starts) @ direction + 0.5, 0.0), 0.0)


def _fit_lids(lab: np.ndarray, lm: np.ndarray, sides: tuple, *, lit: float, irises: tuple = ()) -> list | None:
    """Per eye (upper ids, lower ids, width, up, above, below, corners) of
    :func:`fit_rendered_eyes`, from :func:`_skin_reach` on ``lab`` with ``lm`` in its
    pixels; None if an eye is too small or most rays around it find no skin. With
    ``irises`` (each eye's iris ids) the lids are moved no further than just past them."""
    fits = []
    for k, (upper_ids, lower_ids, brow_ids) in enumerate(sides):
        upper, lower = lm[list(upper_ids)], lm[list(lower_ids)]
        width, up = _eye_axes(upper, lower)
        if width < 4:
            return None
        # Short of the brow: the rig keeps a fixed ring between lid and brow.
        to_brow = float(np.min((lm[list(brow_ids)] - upper.mean(0)) @ up))
        limit = min(RENDERED_REACH, max(0.0, BROW_ROOM * to_brow / width))
        limit_below = RENDERED_REACH
        if irises:
            centre, rim = lm[irises[k][0]], lm[list(irises[k][1:])]
            radius = float(np.mean(np.linalg.norm(rim - centre, axis=1)))
            past = radius + IRIS_MARGIN * width
            limit = min(limit, max(0.0, float((centre - upper.mean(0)) @ up) + past) / width)
            limit_below = max(0.0, float((lower.mean(0) - centre) @ up) + past) / width
        (above, found_above), (below, found_below), corners = _skin_reach(
            lab, upper, lower, limit=limit, limit_below=limit_below, lit=lit
        )
        # Around an eye the skin shows: most rays find it (a textured nothing shows none).
        if found_above.sum() + found_below.sum() < 0.5 * (len(above) + len(below)):
            return None
        fits.append((upper_ids, lower_ids, width, up, above, below, corners))
    return fits


def _eye_share(lab: np.ndarray, lm: np.ndarray, fits: list) -> float:
    """Share of what lies just above the upper lids, the inner half of the way to the skin,
    that is eye: the white or a lighter iris (at least ``EYE_LIGHT`` of the cheek's
    lightness) or an iris of another hue, rather than ink (eyeliner on a photo's lid; a
    render's lash line lies further out); both eyes' pixels together."""
    h, w = lab.shape[:2]
    eye, total = 0, 0
    for upper_ids, lower_ids, width, up, above, _, _ in fits:
        upper, lower = lm[list(upper_ids)], lm[list(lower_ids)]
        skin = _cheek_skin(lab, upper, lower)
        for start, reach in zip(upper[1:-1], above):
            ray = np.round(start + np.arange(0.0, 0.5 * reach, 0.5)[:, None] * up).astype(int)
            pixels = lab[np.clip(ray[:, 1], 0, h - 1), np.clip(ray[:, 0], 0, w - 1)]
            hue = (_hue_turn(pixels, skin) >= SKIN_TURN) & (np.hypot(pixels[:, 1], pixels[:, 2]) >= 8)
            eye += int(((pixels[:, 0] >= EYE_LIGHT * skin[0]) | hue).sum())
            total += len(pixels)
    return eye / max(total, 1)


def _above(fits: list) -> float:
    """How far out the skin starts above both eyes' upper lids, in eye widths, on average."""
    return float(np.mean([above.mean() / width for _, _, width, _, above, _, _ in fits]))


def _iris_size(lm: np.ndarray) -> float:
    """Face mesh's iris radius over the eye's width, both eyes' mean (photos 0.20-0.21)."""
    sizes = []
    for upper_ids, iris in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_IRIS), (topo.LEFT_EYE_UPPER, topo.LEFT_IRIS)):
        width = max(float(np.linalg.norm(lm[upper_ids[-1]] - lm[upper_ids[0]])), 1e-6)
        sizes.append(float(np.mean(np.linalg.norm(lm[list(iris[1:])] - lm[iris[0]], axis=1))) / width)
    return float(np.mean(sizes))


def _eye_axes(upper: np.ndarray, lower: np.ndarray) -> tuple:
    """(width, up): the eye's width in pixels and the unit normal [shape=(2,)] to its
    corner-to-corner line, pointing from the lower lid to the upper."""
    along = upper[-1] - upper[0]
    width = max(float(np.linalg.norm(along)), 1e-6)
    up = np.array([along[1], -along[0]]) / width
    if (upper.mean(0) - lower.mean(0)) @ up < 0:
        up = -up
    return width, up


def _skin_reach(
    lab: np.ndarray, upper: np.ndarray, lower: np.ndarray, *, limit: float, limit_below: float = RENDERED_REACH, lit: float = 0.0
) -> tuple:
    """How far out from the eye the skin starts, in pixels.

    Returns ``((above, found), (below, found), corners)``: from the upper lid's inner points
    upwards (at most ``limit`` of the eye's width) and from the lower lid's downwards (at
    most ``limit_below``), each [shape=(n - 2,)] with whether the skin was found within
    reach [bool], and from the two corners outwards along the eye ([shape=(2,)], at most
    ``RENDERED_CORNER``).

    Parameters
    ----------
    lab : np.ndarray [shape=(h, w, 3), dtype=float32, CIE Lab] (see _colour._lab)
    upper, lower : np.ndarray [shape=(n, 2)]
        The eye's lids, corner to corner, in ``lab``'s pixels.
    lit : float
        Skin must also be at least this share of the cheek's lightness (0: any).
    """
    width, up = _eye_axes(upper, lower)
    h, w = lab.shape[:2]
    skin = _cheek_skin(lab, upper, lower)
    run = max(1, int(np.ceil(SKIN_RUN * width / 0.5)))

    def reach(points: np.ndarray, direction: np.ndarray, limit: float) -> tuple:
        steps = np.arange(0.0, limit * width + 0.25, 0.5)
        ray = np.round(points[:, None] + steps[None, :, None] * direction).astype(int)
        pixels = lab[np.clip(ray[..., 1], 0, h - 1), np.clip(ray[..., 0], 0, w - 1)]
        is_skin = _is_skin(pixels, skin) & (pixels[..., 0] >= lit * skin[0])
        # Skin starts where it runs on for SKIN_RUN (none found: the farthest reach).
        starts = np.ones_like(is_skin)
        for k in range(run):
            starts[:, : len(steps) - k] &= is_skin[:, k:]
        starts[:, len(steps) - run + 1 :] = False
        found = starts.any(1)
        return steps[np.where(found, starts.argmax(1), len(steps) - 1)], found

    along = (upper[-1] - upper[0]) / width
    corners = [reach(end[None], out, RENDERED_CORNER)[0][0] for end, out in ((upper[0], -along), (upper[-1], along))]
    return reach(upper[1:-1], up, limit), reach(lower[1:-1], -up, limit_below), np.array(corners)


def _smooth(values: np.ndarray) -> np.ndarray:
    """``values`` [shape=(n,)] raised to their neighbours' (largest of three), then blurred
    (1, 2, 1): a lid outline above every spike of a drawn lash line, so the skin it
    brings down is skin in every column rather than stripes of lash."""
    padded = np.r_[values[0], values, values[-1]]
    top = np.max(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)
    padded = np.r_[top[0], top, top[-1]]
    return (padded[:-2] + 2 * padded[1:-1] + padded[2:]) / 4


def smooth_lid(canvas: np.ndarray, top: np.ndarray, edge: np.ndarray, blink: float) -> None:
    """Blur a rendered eye's closing upper lid along the eye, more as it closes, in place.

    The closed lid is the band of skin between the lid and the fixed points above it,
    stretched down over the eye; on a render that band is narrow (the brow is close) and
    whatever varies across it (lashes painted on the lid's texture, a rim of shadow) would
    run down the lid in stripes. Blurred along the rows (eyes are near level) it keeps its
    shading from top to edge.

    Parameters
    ----------
    canvas : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    top : np.ndarray [shape=(n - 2, 2)]
        The fixed points above the lid's inner points, in canvas pixels.
    edge : np.ndarray [shape=(n, 2)]
        The upper lid's posed edge, corner to corner, in canvas pixels.
    """
    if blink <= 0.05:
        return
    width = float(np.linalg.norm(edge[-1] - edge[0]))
    size = max(3, int(round(LID_SMOOTH * width)) | 1)
    band = _lid_band(top, edge, size, canvas.shape)
    if band is None:
        return
    (x0, y0, x1, y1), mask = band
    alpha = (cv2.GaussianBlur(mask, (3, 3), 0) * float(min(blink, 1.0)))[..., None]
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    blurred = cv2.blur(region, (size, 1), borderType=cv2.BORDER_REPLICATE)
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - alpha) + blurred * alpha + 0.5, 0, 255).astype(np.uint8)


def light_lid(
    canvas: np.ndarray, top: np.ndarray, edge: np.ndarray, blink: float, skin: tuple, *, tinted: tuple | None = None,
    skin_only: bool = False, socket: float = 0.0,
) -> None:
    """Give a closing upper lid (a render's or a photo's) the colour of lit skin as it
    closes (fully from ``LID_LIT_BY`` of a blink), in place.

    The closed lid is the band between the lid and the fixed points above it, stretched
    down (see :func:`smooth_lid`); on a render that band can lie in the deep shadow of the
    hair or the brow, or carry thick eyeliner, and the eye would close under a dark slab.
    The lid takes the skin above and beside it (see ``LID_AROUND``), ``skin`` where none
    shows, but no darker than its own lit skin (see ``LID_OWN_SOFT``) but where it meets
    the skin around it (see ``LID_OWN_RIM``), and keeps part of its own shading (its broad
    deviations from its median, in Lab) and its grain, as strong as the skin around it
    shows (see ``LID_GRAIN_AROUND``). A highlight burnt out on it is read as the skin
    beside it (see ``BURNT_OUT``).

    Parameters
    ----------
    canvas : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    top : np.ndarray [shape=(n - 2, 2)]
        The fixed points above the lid's inner points, in canvas pixels.
    edge : np.ndarray [shape=(n, 2)]
        The upper lid's posed edge, corner to corner, in canvas pixels.
    skin : tuple
        Lit skin near the eye, RGB floats 0..255 (see :func:`skin_around`).
    tinted : tuple, optional
        Skin near the eye in a light of another colour, RGB floats 0..255 (see
        :func:`tinted_skin_around`): it is skin around the lid too.
    skin_only : bool
        Read the lid's shading and grain from its skin pixels alone: a photo's band holds
        part of the eye (its mesh lid lies inside it), whose white or iris showed as a grey
        or dark blot on the shut lid (Wesnoth's ruffian). A render's band is all lid: read
        from its skin alone, kevin's closed lid took a pale rim.
    socket : float
        How deep in a dark socket the eye lies (see :func:`socket_depth`): the lid takes
        the socket's shades around it by as much.
    """
    if blink <= 0.05:
        return
    width = float(np.linalg.norm(edge[-1] - edge[0]))
    band = _lid_band(top, edge, LID_AROUND * width + 2, canvas.shape)
    if band is None:
        return
    (x0, y0, x1, y1), mask = band
    if mask.max() < 0.5:
        return
    alpha = (cv2.GaussianBlur(mask, (3, 3), 0) * float(_smoothstep(0.05, LID_LIT_BY, blink)))[..., None]
    region = canvas[y0:y1, x0:x1]
    lab = _fine_lab(region)
    lit_skin = _fine_lab(np.array([[skin]]))[0, 0]
    burnt = _burnt_out(region, lab, lit_skin)
    if burnt.any():
        # A burnt-out highlight shows none of the skin's colour: the skin beside it is
        # carried in over it.
        lab = np.where(burnt[..., None], _fill_in(lab, ~burnt & _skin_like(lab, lit_skin), tuple(lit_skin)), lab)
    # The skin above and beside the lid (not the cheek below the eye), carried in over
    # it: the lid meets it without an edge. Eyes are near level: above is along columns.
    outside = cv2.dilate((mask > 0).astype(np.uint8), np.ones((3, 3), np.uint8)) == 0
    edge_y = np.interp(np.arange(x0, x1, dtype=np.float64), *_by_x(edge))
    above = np.arange(y0, y1, dtype=np.float64)[:, None] < edge_y
    lit_like = _skin_like(lab, lit_skin)
    skin_like = lit_like.copy()
    if tinted is not None:
        tint = _fine_lab(np.array([[tinted]]))[0, 0]
        skin_like |= _skin_like(lab, tint)
    around = outside & above & skin_like
    target = _fill_in(lab, around, tuple(lit_skin))
    # Never darker than the lid's own lit skin: the brow's shadow above stays off it, but
    # for a rim where the lid turns back to the skin around it. Skin in another light is
    # no shadow: the lid keeps it.
    own = lab[lit_like & (mask >= 0.5)]
    if len(own):
        own_lit = np.median(own[own[:, 0] >= np.median(own[:, 0])], axis=0)
        toward_own = np.clip((own_lit[0] - target[..., 0]) / LID_OWN_SOFT, 0, 1)
        if tinted is not None:
            toward_own = toward_own * np.clip(_hue_turn(target, tint) / SKIN_TURN, 0, 1)
        if around.any():
            from_around = cv2.distanceTransform((~around).astype(np.uint8), cv2.DIST_L2, 3)
            toward_own = toward_own * np.clip(from_around / max(LID_OWN_RIM * width, 1.0), 0, 1)
        target = target + (own_lit - target) * toward_own[..., None]
    if socket > 0:
        # A painted eye set deep under the brow or in a hood's shadow: the lid took the lit
        # skin beyond the socket and shut as a pale oval where the eye had been (Flare's
        # hooded rogue). Filled in from the socket's own shades around it, it meets them
        # without an edge, darker under the brow and lighter towards the cheek.
        around_eye = outside & _is_skin(lab, lit_skin) & (lab[..., 0] >= SOCKET_FLOOR * lit_skin[0])
        if around_eye.sum() >= 8:
            target = target + socket * (_fill_in(lab, around_eye, tuple(lit_skin)) - target)
    # Shading is the lid's broad light and dark, and its grain (a render's noise, the skin's
    # texture) stays as strong as the skin around it shows, or the lid would show as a flat
    # patch; both from its skin alone if ``skin_only``.
    sigma = max(0.5, LID_GRAIN * width)
    weight = np.ones(lab.shape[:2], np.float32)
    if skin_only:  # feathered (see LID_SKIN_FEATHER)
        weight = lit_like.astype(np.float32)
        if LID_SKIN_FEATHER * width >= 0.5:
            weight = cv2.GaussianBlur(weight, (0, 0), LID_SKIN_FEATHER * width)
    near = cv2.GaussianBlur(weight, (0, 0), sigma)[..., None]
    broad = cv2.GaussianBlur(lab * weight[..., None], (0, 0), sigma) / np.maximum(near, 1e-3)
    lid_skin = lab[lit_like & (mask >= 0.5)] if skin_only else lab[mask >= 0.5]
    shading = broad - np.median(lid_skin if len(lid_skin) else lab[mask >= 0.5], axis=0)
    shading *= np.clip(near / LID_SKIN_NEAR, 0, 1)  # none where no skin is near
    # Darker than the lid's median (eyeliner, lashes painted on it) keeps less.
    shading[..., 0] *= np.where(shading[..., 0] < 0, LID_SHADING[1], LID_SHADING[0])
    shading[..., 1:] *= LID_SHADING[0]
    grain = (lab - broad) * weight[..., None]
    if around.sum() >= 8:
        strongest = np.percentile(np.abs(grain[around]), LID_GRAIN_AROUND, axis=0).astype(np.float32)
        grain = np.clip(grain, -strongest, strongest)
    lit = cv2.cvtColor(target + shading + grain, cv2.COLOR_Lab2RGB) * 255
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - alpha) + lit * alpha + 0.5, 0, 255).astype(np.uint8)


def socket_depth(image: np.ndarray, top: np.ndarray, edge: np.ndarray, skin: tuple) -> float:
    """How deep in a dark socket an eye lies, 0..1, read once from the picture: the lit part
    of the skin in its lid band (between the upper lid ``edge`` and the fixed points ``top``
    above it) against the lit skin ``skin`` around the eye (see ``SOCKET``). Read per frame
    from the closing band, it swung 0-0.8 through a blink."""
    band = _lid_band(top, edge, 0.0, image.shape)
    if band is None:
        return 0.0
    (x0, y0, x1, y1), mask = band
    lab = _fine_lab(image[y0:y1, x0:x1])
    lit_skin = _fine_lab(np.array([[skin]]))[0, 0]
    lightness = lab[(mask >= 0.5) & _is_skin(lab, lit_skin), 0]
    if len(lightness) < 4:
        return 0.0
    shade = float(np.percentile(lightness, SOCKET_LIT))
    return float(_smoothstep(SOCKET[1], SOCKET[0], shade / max(float(lit_skin[0]), 1.0)))


def _fine_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab of RGB values 0..255 [shape=(h, w, 3)] in float, unquantised (the lids' skin
    colours are medians between 8-bit levels); _colour._lab rounds to 8 bits."""
    return cv2.cvtColor(np.asarray(rgb, np.float32) / 255, cv2.COLOR_RGB2Lab)


def _burnt_out(rgb: np.ndarray, lab: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Bool mask of the pixels of ``rgb`` [shape=(h, w, 3), uint8] in or next to a highlight
    burnt out on skin of Lab ``skin`` (see ``BURNT_OUT``); ``lab`` is ``rgb`` in Lab."""
    burnt = (np.sort(rgb, axis=-1)[..., 1] >= BURNT_OUT) & _is_skin(lab, skin)
    grow = 2 * BURNT_OUT_FRINGE + 1
    return cv2.dilate(burnt.astype(np.uint8), np.ones((grow, grow), np.uint8)) > 0


def _skin_like(lab: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Bool mask of the pixels of ``lab`` [shape=(h, w, 3)] that pass for skin of Lab ``skin``
    around a lid: its hue (see :func:`_is_skin`) and within ``LID_AROUND_LIT`` of its lightness."""
    lightness = (lab[..., 0] >= LID_AROUND_LIT[0] * skin[0]) & (lab[..., 0] <= LID_AROUND_LIT[1] * skin[0])
    return lightness & _is_skin(lab, skin)


def _lid_band(top: np.ndarray, edge: np.ndarray, pad: float, shape: tuple) -> tuple | None:
    """The closing upper lid's band (between its posed ``edge`` and the fixed points ``top``
    above it): its box grown by ``pad`` and clipped to ``shape``, and its anti-aliased
    coverage there [float32, 0..1]; None if the box is off the canvas."""
    polygon = np.vstack([edge[:1], top, edge[::-1]])
    box = _clipped_box(polygon, pad, shape)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    shift = 3
    cv2.fillPoly(mask, [np.round((polygon - (x0, y0)) * (1 << shift)).astype(np.int32)], 1.0, lineType=cv2.LINE_AA, shift=shift)
    return box, mask


def _by_x(points: np.ndarray) -> tuple:
    """(x, y) of ``points`` [shape=(n, 2)] sorted by x, for np.interp."""
    order = np.argsort(points[:, 0], kind="stable")
    return points[order, 0], points[order, 1]


def _clipped_box(points: np.ndarray, pad: float, shape: tuple) -> tuple | None:
    """Integer box (x0, y0, x1, y1) around ``points`` [shape=(n, 2)] grown by ``pad``
    pixels, clipped to an image of ``shape``; None if none of it is inside."""
    h, w = shape[:2]
    x0, y0 = np.floor(points.min(0) - pad).astype(int)
    x1, y1 = np.ceil(points.max(0) + pad).astype(int) + 1
    x0, y0, x1, y1 = max(int(x0), 0), max(int(y0), 0), min(int(x1), w), min(int(y1), h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _skin_band(lab: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> np.ndarray | None:
    """Median Lab of the brighter half of a band of ``lab`` (skips lashes and ink), or None."""
    h, w = lab.shape[:2]
    xa, xb = int(max(0, x0)), int(min(w, x1))
    ya, yb = int(max(0, y0)), int(min(h, max(y1, y0 + 2)))
    pixels = lab[ya:yb, xa:xb].reshape(-1, 3)
    if len(pixels) < 4:
        return None
    return np.median(pixels[pixels[:, 0] >= np.median(pixels[:, 0])], axis=0)


def drawn_shut(image: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> bool:
    """Is this line-art eye drawn shut: one stroke with the same skin above and below it,
    no eye white or iris between the lids?

    What is drawn around the eye is everything that is not that skin: darker (ink, iris),
    whiter (the eye's white, catchlights) or of another hue (a coloured iris), connected to
    the eye's outline. An open eye shows it tall through its middle, with its white or a
    lighter iris; a shut one is as thin as a stroke and all ink, but for a glint. (A small
    eye drawn in nothing but ink, no taller than a stroke, reads as shut too.)

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture (meant for line art; photos' skin is too uneven to tell).
    upper, lower : np.ndarray [shape=(n, 2)]
        The eye's upper and lower lid, corner to corner, in image pixels.
    """
    width = float(np.linalg.norm(upper[-1] - upper[0]))
    outline = np.vstack([upper, lower[::-1]])
    (ox0, oy0), (ox1, oy1) = outline.min(0), outline.max(0)
    if width < 4:
        return False
    h, w = image.shape[:2]
    x0, y0 = int(max(0, np.floor(ox0 - 0.5 * width))), int(max(0, np.floor(oy0 - 0.5 * width)))
    x1, y1 = int(min(w, np.ceil(ox1 + 0.5 * width))), int(min(h, np.ceil(oy1 + 0.5 * width)))
    lab = _lab(image[y0:y1, x0:x1])
    # Skin across the middle of the eye: on the lid above it and on the cheek below it.
    inset = 0.15 * width
    above = _skin_band(lab, ox0 + inset - x0, ox1 - inset - x0, oy0 - 0.45 * width - y0, oy0 - 0.2 * width - y0)
    below = _skin_band(lab, ox0 + inset - x0, ox1 - inset - x0, oy1 + 0.15 * width - y0, oy1 + 0.45 * width - y0)
    if above is None or below is None or np.linalg.norm(above - below) > SHUT_SKIN:
        return False
    skin = (above + below) / 2
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    turn = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]) - np.arctan2(skin[2], skin[1]))
    other_hue = (np.abs((turn + 180) % 360 - 180) > 60) & (chroma > 15)
    drawn = (lab[..., 0] < skin[0] - 25) | (_whiteness(lab) > float(_whiteness(skin)) + 5) | other_hue
    inside = np.zeros(drawn.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(outline - (x0, y0)).astype(np.int32)], 1)
    _, labels = cv2.connectedComponents(drawn.astype(np.uint8), connectivity=8)
    touching = np.unique(labels[drawn & (inside > 0)])
    eye = np.isin(labels, touching[touching > 0])
    columns = np.arange(int(np.ceil(ox0 + 0.3 * width)), int(ox1 - 0.3 * width) + 1) - x0
    columns = columns[(columns >= 0) & (columns < eye.shape[1])]
    if len(columns) == 0:
        return False
    height = float(np.median(eye[:, columns].sum(axis=0)))
    # What an open eye shows besides ink (its white, a lighter iris), a pixel in from its
    # edges: past the ink's anti-aliasing and a glint drawn on a shut eye.
    ink = lab[..., 0] < skin[0] - INK_DARKER
    shows = cv2.erode((eye & ~ink).astype(np.uint8), np.ones((3, 3), np.uint8))
    return height < SHUT_HEIGHT * width and int(shows.sum()) < SHUT_SHOWS * width**2

