"""Reading a picture's mouth once, at set-up: where its lips really are and what they hold.

Face mesh's lips are moved onto the mouth the picture shows (seat_lips, part_lips,
shut_lips; on line art fit_lips and seat_drawn_line), the picture's own teeth or whole
inside are cut out to be shown instead of painted ones (find_own_teeth, find_own_inside),
and a covered mouth is found, so that none is painted (mouth_covered). A line-art mouth
is erased (erase_mouth), so exactly one mouth ever shows, and one drawn open is traced
(drawn_opening) with its colours. read_mouth gathers it all into the MouthLook that
_mouth.paint_mouth draws from every frame.
"""

from dataclasses import replace

import cv2
import numpy as np

from ..characters import Face, colour_steps, style_features
from ..characters import topology as topo
from ._colour import _lab, _whiteness
from ._mouth import CAVITY_LIFT, CAVITY_SHADE, GRIN_GRID, MouthLook, MouthPalette, OwnMouth, OwnTeeth, palette_from_image

__all__ = [
    "drawn_opening",
    "erase_mouth",
    "find_own_inside",
    "find_own_teeth",
    "fit_lips",
    "is_line_art",
    "line_colours",
    "lip_paint",
    "looks_covered",
    "mouth_covered",
    "part_lips",
    "read_mouth",
    "seat_drawn_line",
    "seat_lips",
    "shut_lips",
]

# Share of exactly flat pixels above which a drawn face is cel-shaded line art (see
# characters/_style.py: 39-57 % on anime, 8-9 % on a digital painting).
FLAT_SHADING = 0.15
# A line-art face can have its lips painted, not inked: soft shaded upper and lower lips
# with a highlight (Wesnoth's marksman+female, ranger+female, sorceress, footpad+female).
# Replaced by the cartoon mouth they became a dark ink ring round a flat dark hole; they
# warp as skin instead, as a painted face's do. Painted lips are shaded lip colour over
# both lips: pixels of face mesh's upper and lower lip (the opening between them left
# out) darker than the skin by LIP_SHADE of the way to the mouth's ink (its darkest
# tenth) and not flat (a neighbour differs, see FLAT_SHADING). An inked mouth leaves one
# lip nearly all skin (a line on the seam) or ink and flat fill, and a drawn opening's
# flat fills do not count. PAINTED_LIPS bounds the geometric mean of the two lips'
# shares; on the 33 line-art faces of the test pictures, Ren'Py's the_question and the
# Wesnoth and FreedroidRPG art (640 px): painted lips 0.51-0.65 (thief+female 0.44, her
# mesh on her nose), inked mouths at most 0.34 (18 Ren'Py sprites and icons: an icon's
# smile 0.34, eileen_vhappy 0.33, sylvie_green_normal 0.18; 7 Wesnoth elves: the male
# marksman's line over a lower-lip stroke 0.31, captain 0.00), a face guard 0.05.
PAINTED_LIPS = 0.42
LIP_SHADE = (0.2, 0.9)
# Lips of fewer pixels than this are a sliver where a line's anti-aliasing alone reads as
# shading: they stay inked (FreedroidRPG's droid 493, a mouth found on a robot's neck: 9
# and 10 pixels at 0.60; the smallest lips measured above have 24).
LIP_PIXELS = 20
# A mouth drawn as a line is read for its ink's colour at LINE_SAMPLES places from corner
# to corner: at each, the darkest of the drawn mouth's own pixels (those erase_mouth found)
# within LINE_REACH strokes (and two pixels) of the seam, across a strip one place wide,
# smoothed over LINE_SMOOTH places. An artist colours the line along its length
# (sylvie_green_normal's: a dark dot at the left corner, a pink middle, a dark right end);
# the painted line in the mouth's darkest tenth (a dark mauve end to end) was another mouth
# than the picture's. Where no stroke passes, the colour is the skin's: the painted line
# fades there, as the artist thinned it. The mouth's own pixels, not any pixel near the
# seam: the fitted seam may lie two pixels off a small drawn line (sylvie at 0.55 of her
# size), and the skin there made the painted line vanish.
LINE_SAMPLES, LINE_REACH, LINE_SMOOTH = 24, 2.0, 0.5
# A mouth drawn as a line is where its lips meet at rest: each inner-lip vertex is moved
# across the mouth onto the drawn stroke's centre in its column (the darkness-weighted
# middle of the drawn pixels within a stroke of the darkest one, looked for within
# SEAT_LINE_REACH strokes and two pixels of the fitted seam), where the darkest is at least
# SEAT_LINE_DARK of the way from the skin's lightness to the ink's (sylvie blue normal's
# light pink middle is 0.12-0.16 of it; from 0.05 to 0.2 her seated lips move under half a
# pixel); a vertex with no stroke in its column lies between its seated neighbours, or
# level with the drawn end past it. The mesh's seam is nearly straight: on a smile (sylvie
# blue normal, corners 3-4 px above the middle, the mesh's line slanting 5 px the other
# way) the painted shut line was straight where a curve was drawn, and the frame handing
# over from the drawing showed both.
SEAT_LINE_REACH, SEAT_LINE_DARK = 3.0, 0.1
# Steepest slant (degrees from the eyes' line) a drawn mouth's lips are turned to: a small
# round "o" drawn taller than wide (Ren'Py's sylvie surprised) turned them upright, and she
# spoke with a vertical slit, shut on an upright stroke.
MAX_SLANT = 30.0
# A line-art mouth is drawn open when its opening is this many strokes and this share of
# the mouth's width tall somewhere (at rest, the fitted lips are a stroke or two apart).
DRAWN_OPEN_STROKES, DRAWN_OPEN = 3.0, 0.15
# A mouth drawn open with teeth over this share of its inside is a grin: back at rest the
# painted mouth is that grin, its opening filled with the drawn teeth.
GRIN = 0.5
# Enamel, even yellowed ((225, 205, 160): 0.30), is at most this saturated for its
# lightness (Lab chroma over L*, medians); tan skin between painted lips is more (0.46),
# and whiter than the skin around a mouth may mean only that a dark beard is that skin.
ENAMEL_CHROMA = 0.35
# A mouth is covered (a cloth mask, a scarf, a helmet's face guard, a hand) where face mesh
# puts the lips if all these signs agree (see mouth_covered). Light is compared as log
# ratios of grey values and colour as chromaticity (R, G, B over their sum), which darkening
# the picture leaves as they are. Figures: Wesnoth's masked assassin+female, trapper,
# huntsman, orc assassin, as painted and darkened to 45 %, against real mouths in our
# pictures as they are, darkened, blurred, scaled down or grey (and more Wesnoth portraits):
# - no line between the lips: the darkest grey near the mesh's inner lip line at most
#   COVERED_LINE darker than the darker lip band above and below it (masks -0.37-0.09, real
#   mouths 0.17 and more: FreedroidRPG's arthur in grey), the lightest at most COVERED_TEETH
#   lighter than the lighter band (masks up to 0.14, the black mask's sheen; the
#   astronaut's teeth 0.21-0.26). Medians across the middle of the mouth;
# - no deep line anywhere across the lips, or a quarter of their height beyond them, where
#   a mouth under a moustache or a thin painted one lies off the mesh's line: the deepest
#   dip under the lighter of its two sides under COVERED_DIP (masks 0.15-0.62; Wesnoth's
#   merfolk initiate darkened 0.94, elvish lord 1.1, dwarvish thunderer 1.14);
# - lips in the light and the colour of what is around them: grey ratio of the medians
#   under COVERED_LIGHT (masks' folds and shade 0.04-0.38; a white moustache over the lips
#   0.45, FreedroidRPG's professor in grey; a grey one 0.49-0.63, dwarvish lord), and
#   chromaticity distance (x 100) under COVERED_TINT (masks 0.2-1.5; elvish lord darkened
#   2.1, thunderer 2.9, the professor's lips under his moustache 3.6). Where lips and ring
#   have no colour (both within COVERED_GREY of neutral grey: a black-and-white picture;
#   colour portraits 1.8 and more, masks 3.3 and more) the tint says nothing, so the light
#   must agree closer, under COVERED_LIGHT_GREY (the black mask in grey 0.25; real mouths
#   in grey 0.40 and more: Wesnoth's dunefolk herbalist, whose painted lips differ from
#   the skin in colour more than in light, FreedroidRPG's default_male, the professor);
# and only where a mouth would show: the mouth COVERED_WIDTH pixels wide or more (masks
# 21-25 in 400-pixel portraits), the eyes sharp (grey detail finer than a pixel's blur over
# detail finer than four: COVERED_SHARPNESS; masked portraits 0.42-0.56, pictures blurred
# by 2 pixels 0.30 at most, the astronaut photo 0.33).
# A face that looks drawn (line art, or a painting of flat colours: face.style) is read
# otherwise. Its mouth is a thin line of ink that face mesh often misses on plain skin,
# where every sign above reads "nothing" (Ren'Py's Sylvie: lips and ring alike, light and
# tint 0.0-0.5), so a drawn mouth is covered only where what is around it is as dark as
# ink, median L* under COVERED_DRAWN_DARK (face guards and masks 11-15: Wesnoth's orc
# warlord and orc assassin; drawn faces with a mouth 35 and more, Wesnoth's horseman in
# his helmet's shade, and 76 and more where every other sign said covered: Sylvie,
# FreedroidRPG's professor), where no ink mouth could show. Its
# colour is then asked only whether the lips are redder than the ring, Lab a* by under
# COVERED_DRAWN_RED (the warlord's face guard -1, lighter and yellower where the mesh puts
# the lips: a tint of 3.5; Sylvie's pink open mouth +13 and more). Its eyes need not be
# sharp: the dark says that no mouth would show, and the warlord's helmet, resampled to
# an even width for the video (453 to 452 pixels), reads 0.39.
COVERED_LINE, COVERED_TEETH, COVERED_DIP = 0.12, 0.2, 0.85
COVERED_LIGHT, COVERED_TINT = 0.4, 2.0
COVERED_GREY, COVERED_LIGHT_GREY = 1.0, 0.3
COVERED_WIDTH, COVERED_SHARPNESS = 18.0, 0.4
COVERED_DRAWN_DARK, COVERED_DRAWN_RED = 30.0, 4.0
# A drawn face is also covered where lips and ring have no colour (within COVERED_GREY of
# neutral grey) in a face whose skin has (the cheeks at least COVERED_DRAWN_SKIN from it):
# a grey respirator over a painted face (Naev's dv_civilian_f7: lips 0.0, ring 0.3, cheeks
# 7.9, the ring's L* 33; drawn faces with a mouth 2.6 and more, their cheeks alike). Its
# colour says what a dark ring says for a mask, so a drawn face's mouth needs only be
# COVERED_DRAWN_WIDTH pixels wide (that respirator's mouth 17.7 in a 200-pixel portrait).
COVERED_DRAWN_SKIN, COVERED_DRAWN_WIDTH = 4.0, 12.0
# Lips shut at rest show no teeth: inner edges nowhere this many pixels apart hold only
# the lips' own highlights between them (Wesnoth's goblin rouser and master-at-arms, 0.5
# and 0.7 px apart, got 6 pixels of "own teeth"; painted teeth show between lips 3.1-7.4
# px apart: a lich, a ruffian, the astronaut).
SHUT_AT_REST_PX = 1.5
# A mouth shut at rest (inner lips under SEAT_SHUT of its width apart) has a painted line
# where its lips meet: the darkest valley along the mouth (on average SEAT_VALLEY levels of
# luma darker than a tenth of its width, at least 1.5 px, above and below) within
# SEAT_REACH of its width of the mesh's line. Face mesh put that line in a white moustache
# (FreedroidRPG's professor, 5.0 px = 0.17 of the width too high) or on the lower lip
# (Wesnoth's sylph, 3.7 px = 0.24 too low), where the mouth then opened. The lips are moved
# onto the valley when there is hardly one within SEAT_NEAR_PX of the mesh's line (under
# SEAT_LOST of the valley's depth: a dwarf explorer's painted line lies a pixel off it, as
# deep as a lower one, and stays) and they are over SEAT_MOVE of the width off it. Of 116
# faces in Wesnoth's portraits, FreedroidRPG and the test pictures only those two are: the
# next (a cook, three elves, a marshal) are off by 0.06-0.09 of the width, a pixel or two.
SEAT_SHUT, SEAT_REACH, SEAT_VALLEY, SEAT_LOST, SEAT_MOVE = 0.1, 0.3, 40.0, 0.25, 0.12
SEAT_NEAR_PX = 1.5
# A mouth painted with its lips apart over its teeth can be read by face mesh as nearly
# shut: Wesnoth's elvish ranger+female's inner lips both lie on her upper lip's dark edge,
# and the row of teeth under it (2-3 px of a 16 px mouth) lies inside the mesh's lower
# lip, so pressed lips could not hide it (she closed on none of her M/B/P); so does
# marksman+female's. Where the mesh's lips are nearly shut (see SEAT_SHUT, over the middle
# of the mouth) but somewhere PARTED_MESH_PX or more apart (those two 1.7 and 1.3 px; lips
# shut at rest at most 0.53, whose highlights passed for teeth: Wesnoth's goblin rouser,
# merfolk hunter, dark adept, thug), and enamel (at least PARTED_WHITER whiter than both
# the lips and the cheeks, see _whiteness and ENAMEL_CHROMA) begins within PARTED_NEAR_PX
# of the lower lip's inner edge and reaches on down into that lip over at least
# PARTED_SHARE of the mouth (its middle 0.1-0.9), PARTED_PX or more, that edge is moved to
# the enamel's lower edge: the mouth is parted at rest, its teeth between the lips. Not the
# upper lip's: white above the mouth is as often a moustache (FreedroidRPG's professor).
# The pixels are those of a mouth up to PARTED_WIDTH pixels wide (a 400-pixel portrait's)
# and grow with a wider one: kept as pixels, the two mouths above scaled up 2-3x no longer
# parted, and a goblin rouser's and two FreedroidRPG droids' lip highlights did.
# Only mouths under PARTED_MAX_WIDTH pixels are read so: face mesh misplaces the lips by a
# pixel or two, which matters only where the mouth is a few pixels tall; on the same
# portraits scaled up 2x, 4 of 5 mouths this moved were lips whose highlights passed for
# teeth (necromancer+female, outlaw, merfolk hunter, a FreedroidRPG droid).
PARTED_MESH_PX, PARTED_WHITER, PARTED_NEAR_PX, PARTED_SHARE, PARTED_PX = 1.0, 8.0, 2.0, 0.25, 1.0
PARTED_WIDTH, PARTED_MAX_WIDTH = 20.0, 30.0
# A painted or photographed mouth whose inner lips face mesh put OPEN_AT_REST of its width
# apart somewhere is open at rest (a snarl, a laugh, a word caught mid-way; the astronaut's
# smile, 0.17, is parted): its whole inside, teeth and shadow alike, is its own, the half
# above where it parts hung from the skull and the half below on the jaw, so lips closing
# below the picture's opening come together over it (the lower half slides up behind the
# upper one) instead of a painted inside squeezed between them. Painted in its place,
# Wesnoth's orc grunt (0.46 open, fangs over a dark-red inside) spoke with lavender streaks
# of squeezed fangs over a brown hole. The inside is read INSIDE_GROW_PX past the inner
# lips' line, so the opening's anti-aliased edge finds the picture there.
OPEN_AT_REST, INSIDE_GROW_PX = 0.2, 2
# The halves part where the inside is darkest, found on its luma blurred by
# INSIDE_SMOOTH_PX (sigma, pixels; the line itself along the mouth by 1.5 times that).
INSIDE_SMOOTH_PX = 1.0
# An inside is shadow (luma under INSIDE_SHADOW of the lips') or teeth (INSIDE_TEETH levels
# lighter than the lips) over at least INSIDE_SHARE of it: between the lips face mesh put
# 0.23 of its width apart on Wesnoth's elvish scout lies her cheek (0.14 such); on the open
# mouths found in 241 Wesnoth portraits 0.42-0.70.
INSIDE_SHADOW, INSIDE_TEETH, INSIDE_SHARE = 0.5, 40.0, 0.3
# A mouth painted shut can be read by face mesh as parted: Wesnoth's dwarvish scout's lips
# meet on a dark line 2.5 px below the mesh's upper inner lip and 3.5 px above its lower one
# (6.0 px apart, 0.26 of his 23-pixel mouth: the ink above his upper lip, under his
# moustache, and his lower lip's outline were taken for the inner lips). The rig rests on
# that, so pressed lips (M/B/P) squeezed both his red lips into one thin line and an open
# mouth was painted over them: he spoke without lips. Where the mesh's lips are SEAT_SHUT of
# the width or more apart over the middle of the mouth (part_lips' middle five points), what
# lies between them is lip meeting on a painted line (a valley SEAT_VALLEY deep on average
# within the gap, measured as seat_lips does) and holds no enamel (under SHUT_ENAMEL of the
# gap's pixels, enamel as part_lips reads it), both inner lips move onto that line: the
# mouth is shut at rest, on its own seam. Only mouths under PARTED_MAX_WIDTH pixels are read
# so, as by part_lips. Of the faces in 241 Wesnoth portraits, FreedroidRPG's droids and the
# test pictures, only the scout's and an elvish captain's would move, and the captain's mouth
# is line art, which is redrawn and never read so (his frames are unchanged).
SHUT_ENAMEL = 0.05


def find_own_teeth(
    image: np.ndarray,
    upper_edge: np.ndarray,
    lower_edge: np.ndarray,
    lip_rgb,
    skin_rgb,
    *,
    upper_lip: np.ndarray,
    mouth_width: float,
) -> OwnTeeth | None:
    """Cut out the teeth a photo shows between its lips, or None if it shows none.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper_edge, lower_edge : np.ndarray [shape=(m, 2)]
        Inner edges of the upper and lower lip at rest, corner to corner, in picture pixels.
    lip_rgb, skin_rgb : sequence of 3 floats
        The lips' colour and the skin's around the mouth: teeth are clearly whiter than
        both (between a painted mouth's two lip lines there may be only skin).
    upper_lip : np.ndarray [shape=(k, 2)]
        The upper lip's outer edge, corner to corner: teeth lie under it, so white that
        reaches past it is hair over the lip (a moustache), not teeth.
    mouth_width : float
        Corner to corner, in pixels: the tint reaches about a twentieth of it.

    Notes
    -----
    Lips shut at rest (see SHUT_AT_REST_PX) show none. In each column the first run of
    tooth pixels below the upper lip is the upper row; tooth pixels below a gap of two or
    more darker pixels are the lower row.
    """
    h, w = image.shape[:2]
    outline = np.vstack([upper_edge, lower_edge[::-1]])
    x0, y0 = np.floor(outline.min(0)).astype(int) - 2
    x1, y1 = np.ceil(outline.max(0)).astype(int) + 3
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 - x0 < 4 or y1 - y0 < 3:
        return None
    across = np.linspace(x0, x1, 4 * (x1 - x0))
    apart = np.interp(across, lower_edge[:, 0], lower_edge[:, 1]) - np.interp(across, upper_edge[:, 0], upper_edge[:, 1])
    if apart.max() < SHUT_AT_REST_PX:
        return None
    # Read from a pixel above the upper lip's outer edge down: what lies over the lip.
    over = max(min(int(np.floor(upper_lip[:, 1].min())) - 2, y0), 0)
    inside = np.zeros((y1 - over, x1 - x0), np.uint8)
    cv2.fillPoly(inside, [np.round(outline - (x0, over)).astype(np.int32)], 1)
    inside = inside.astype(bool)
    lab = _lab(image[over:y1, x0:x1])
    lip_white, skin_white = (
        float(_whiteness(_lab(np.array(rgb, np.float32).clip(0, 255).reshape(1, 1, 3)))[0, 0]) for rgb in (lip_rgb, skin_rgb)
    )
    white = _whiteness(lab)
    # Teeth are the whiter side of the opening (Otsu), clearly whiter than the lips, and
    # as a whole clearly whiter than the skin (their shaded side may not be) and nearly
    # neutral for their lightness (see ENAMEL_CHROMA).
    scores = np.clip(white[inside] + 128, 0, 255).astype(np.uint8).reshape(-1, 1)
    split = cv2.threshold(scores, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0] - 128
    whitish = (white > max(split, lip_white + 8)) & (lab[..., 0] > 45)
    # Teeth lie under the upper lip: white joined to white above its outer edge runs over
    # the lip, a moustache the lip line was fitted into (FreedroidRPG's professor), or
    # skin round a corner. Joined by a side, not a corner: a lip painted as a slanted line
    # one pixel thin touches white on both sides only at its steps' corners (Wesnoth's
    # brown lich: his bony face above it, his painted teeth below).
    above = np.arange(over, y1)[:, None] < np.interp(np.arange(x0, x1), upper_lip[:, 0], upper_lip[:, 1])[None] - 1
    _, parts = cv2.connectedComponents(whitish.astype(np.uint8), connectivity=4)
    over_lip = np.isin(parts, np.unique(parts[whitish & above]))
    tooth = inside & whitish & ~over_lip
    inside, lab, white, tooth = (a[y0 - over :] for a in (inside, lab, white, tooth))
    if tooth.sum() < max(6, 0.12 * inside.sum()) or np.median(white[tooth]) < skin_white + 8:
        return None
    if np.median(np.hypot(lab[..., 1], lab[..., 2])[tooth]) > ENAMEL_CHROMA * np.median(lab[..., 0][tooth]):
        return None
    # Bridge one-pixel specks so a tooth is one run per column.
    tooth = cv2.morphologyEx(tooth.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 1), np.uint8)).astype(bool) & inside
    upper = np.zeros_like(tooth)
    for x in range(tooth.shape[1]):
        rows = np.flatnonzero(tooth[:, x])
        if len(rows) == 0:
            continue
        breaks = np.flatnonzero(np.diff(rows) > 2)
        end = rows[breaks[0]] if len(breaks) else rows[-1]
        upper[rows[rows <= end], x] = True
    lower = tooth & ~upper
    top = np.interp(np.arange(x0, x1), upper_edge[:, 0], upper_edge[:, 1]) - y0
    centre = slice(int(0.3 * upper.shape[1]), max(int(0.7 * upper.shape[1]), int(0.3 * upper.shape[1]) + 1))
    columns = [x for x in range(centre.start, centre.stop) if upper[:, x].any()]
    reach = [np.flatnonzero(upper[:, x]).max() + 1 - top[x] for x in columns]
    if not reach:
        return None

    def soft(mask):
        return cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.6) * inside

    # Room around the teeth for the tint to spread into; the layers are zero there.
    sigma = max(1.0, 0.05 * mouth_width)
    pad = int(np.ceil(3 * sigma))
    px0, py0, px1, py1 = max(x0 - pad, 0), max(y0 - pad, 0), min(x1 + pad, w), min(y1 + pad, h)
    margins = ((y0 - py0, py1 - y1), (x0 - px0, px1 - x1))
    upper_cover, lower_cover = np.pad(soft(upper), margins), np.pad(soft(lower), margins)
    pixels = image[py0:py1, px0:px1].astype(np.float32)
    core = (upper_cover > 0.9).astype(np.float32)  # enamel only, not its blend with the lips
    weight = cv2.GaussianBlur(core, (0, 0), sigma)
    local = cv2.GaussianBlur(pixels * core[..., None], (0, 0), sigma) / np.maximum(weight, 1e-3)[..., None]
    tint = np.dstack([local, np.clip(weight / 0.25, 0, 1)]).astype(np.float32)
    return OwnTeeth(
        box=(int(px0), int(py0), int(px1), int(py1)),
        pixels=pixels,
        upper=upper_cover,
        lower=lower_cover,
        height=float(np.median(reach)),
        tint=tint,
    )


def find_own_inside(
    image: np.ndarray, upper_edge: np.ndarray, lower_edge: np.ndarray, lip_rgb, *, mouth_width: float
) -> tuple | None:
    """Cut out the whole inside of a mouth open at rest (see OPEN_AT_REST), or None.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    upper_edge, lower_edge : np.ndarray [shape=(m, 2)]
        Inner edges of the upper and lower lip at rest, corner to corner, in picture pixels.
    lip_rgb : sequence of 3 floats
        The lips' colour: the inside parts only where it is darker than they are.
    mouth_width : float
        Corner to corner, in pixels.

    Returns
    -------
    own : OwnTeeth
        ``whole``: the inside above the line where it is darkest (see INSIDE_SMOOTH_PX)
        hangs from the skull, below it rides on the jaw; ``height`` is that line's depth
        below the upper lip mid-mouth.
    cavity : tuple or None
        The colour along that line (its median), RGB floats 0..255: what shows between the
        halves as the jaw drops further than the picture's. None where that line is no
        darker than the lips: then the whole inside hangs from the skull.
    """
    h, w = image.shape[:2]
    across = np.linspace(upper_edge[:, 0].min(), upper_edge[:, 0].max(), 64)
    apart = np.interp(across, *lower_edge.T) - np.interp(across, *upper_edge.T)
    if apart.max() < OPEN_AT_REST * mouth_width:
        return None
    outline = np.vstack([upper_edge, lower_edge[::-1]])
    pad = INSIDE_GROW_PX + 1
    x0, y0 = np.floor(outline.min(0)).astype(int) - pad
    x1, y1 = np.ceil(outline.max(0)).astype(int) + pad + 1
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    core = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(core, [np.round(outline - (x0, y0)).astype(np.int32)], 1)
    pixels = image[y0:y1, x0:x1].astype(np.float32)
    to_luma = np.array([0.299, 0.587, 0.114], np.float32)
    lip_luma = float(np.dot(lip_rgb, to_luma))
    between_lips = pixels[core.astype(bool)] @ to_luma
    shadow, teeth = INSIDE_SHADOW * lip_luma, lip_luma + INSIDE_TEETH
    if np.mean((between_lips < shadow) | (between_lips > teeth)) < INSIDE_SHARE:
        return None
    inside = cv2.dilate(core, np.ones((3, 3), np.uint8), iterations=INSIDE_GROW_PX).astype(bool)
    columns = np.arange(x0, x1)
    top = np.interp(columns, upper_edge[:, 0], upper_edge[:, 1]) - y0
    bottom = np.interp(columns, lower_edge[:, 0], lower_edge[:, 1]) - y0
    # The halves part where the inside is darkest (under the upper teeth, above the lower
    # ones), smoothed along the mouth: the cavity opens there as the jaw drops.
    luma = cv2.GaussianBlur(pixels @ to_luma, (0, 0), INSIDE_SMOOTH_PX)
    rows = np.arange(y1 - y0)[:, None]
    between = (rows > top[None] + 1) & (rows < bottom[None] - 1)
    darkest = np.argmin(np.where(between, luma, np.inf), axis=0).astype(np.float64)
    darkest = np.where(between.any(0), darkest, 0.5 * (top + bottom))
    split = cv2.GaussianBlur(darkest.reshape(1, -1), (0, 0), 1.5 * INSIDE_SMOOTH_PX).ravel()
    along = np.round(split).astype(int).clip(0, y1 - y0 - 1)
    shown = core[along, columns - x0].astype(bool)
    parting = pixels[along[shown], (columns - x0)[shown]] if shown.any() else pixels[core.astype(bool)]
    cavity = np.median(parting, 0)
    if float(cavity @ to_luma) >= lip_luma:
        # No shadow of its own between the lips (the mesh's lower lip on an orc warrior's
        # teeth, his dark inside below it): it all hangs from the skull, over the painted cavity.
        split, cavity = np.full_like(split, y1 - y0), None
    upper = inside & (rows < split[None])
    middle = (x1 - x0) // 2
    own = OwnTeeth(
        box=(int(x0), int(y0), int(x1), int(y1)),
        pixels=pixels,
        upper=upper.astype(np.float32),
        lower=(inside & ~upper).astype(np.float32),
        height=float(split[middle] - top[middle]),
        tint=np.zeros(pixels.shape[:2] + (4,), np.float32),
        whole=True,
    )
    return own, None if cavity is None else tuple(float(v) for v in cavity)


def erase_mouth(image: np.ndarray, outer: np.ndarray, *, mouth_width: float) -> tuple:
    """The picture with its drawn mouth filled in from the skin around it.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    outer : np.ndarray [shape=(n, 2)]
        Outer lip outline at rest, in picture pixels.

    Returns
    -------
    box : (x0, y0, x1, y1)
    erased : np.ndarray [shape=(y1 - y0, x1 - x0, 3), dtype=uint8, RGB]
        The box without the mouth.
    mouth : np.ndarray [shape=(y1 - y0, x1 - x0), dtype=bool]
        The pixels that were the mouth (its ink, teeth, opening), grown by two pixels.
    drawn : np.ndarray [shape=(y1 - y0, x1 - x0), dtype=bool]
        The mouth's own pixels, not grown.
    ink : tuple
        The mouth's outline colour (its darkest tenth), RGB floats.
    stroke : float
        The width of that outline in pixels.

    Notes
    -----
    The mouth is what differs from the skin ring around the lips, in the connected parts
    that touch the lip outline; it is filled by diffusion from its border, which keeps a
    drawing's flat colours flat and its soft cheek shading soft.
    """
    h, w = image.shape[:2]
    centre = outer.mean(0)
    margin = 0.5 * mouth_width
    x0, y0 = np.floor(outer.min(0) - margin).astype(int)
    x1, y1 = np.ceil(outer.max(0) + margin).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    box = image[y0:y1, x0:x1]

    def polygon(scale):
        mask = np.zeros(box.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(centre + scale * (outer - centre) - (x0, y0)).astype(np.int32)], 1)
        return mask.astype(bool)

    near, lips = polygon(1.35), polygon(1.05)
    ring = polygon(1.8) & ~near
    lab = _lab(box)
    skin = np.median(lab[ring], 0) if ring.any() else np.median(lab[~near], 0)
    # Pale teeth can be as close to pale skin as 10 dE: whiter than the skin counts too.
    whiter = _whiteness(lab) > float(_whiteness(skin[None])[0]) + 5
    differs = ((np.linalg.norm(lab - skin, axis=-1) > 12) | whiter) & near
    n, labels = cv2.connectedComponents(differs.astype(np.uint8), connectivity=8)
    touching = np.unique(labels[differs & lips])
    mouth = np.isin(labels, touching[touching > 0])
    # Whatever the mouth's ink encloses is mouth too (white teeth can be as pale as skin).
    outside = np.pad(~mouth, 1, constant_values=True).astype(np.uint8)
    cv2.floodFill(outside, None, (0, 0), 2)
    mouth |= outside[1:-1, 1:-1] != 2
    stroke = 1.0
    if mouth.any():
        order = np.argsort(lab[mouth][:, 0])
        dark = box[mouth][order[: max(1, int(mouth.sum()) // 10)]]
        ink = tuple(float(v) for v in np.median(dark, 0))
        # Stroke width: about twice the typical depth of the ink-dark pixels (the distance
        # transform counts a pixel's own half, so a bit less).
        inked = (mouth & (lab[..., 0] < lab[mouth][order[len(order) // 10], 0] + 15)).astype(np.uint8)
        depth = cv2.distanceTransform(cv2.copyMakeBorder(inked, 1, 1, 1, 1, cv2.BORDER_CONSTANT, 0), cv2.DIST_L2, 3)
        stroke = float(1.5 * np.percentile(depth[depth > 0], 90)) if (depth > 0).any() else 1.0
    else:
        ink = tuple(float(v) for v in np.clip(np.array(image[int(centre[1]), int(centre[0])], float) * 0.5, 0, 255))
    fill = cv2.dilate(mouth.astype(np.uint8), np.ones((5, 5), np.uint8))
    erased = cv2.inpaint(np.ascontiguousarray(box), fill, 3, cv2.INPAINT_TELEA) if fill.any() else box.copy()
    return (int(x0), int(y0), int(x1), int(y1)), erased, fill.astype(bool), mouth, ink, stroke


def _mouth_axes(start: np.ndarray, end: np.ndarray) -> tuple:
    """``(width, right, down)`` of the line from corner ``start`` to corner ``end`` (picture
    pixels): its length, the unit vector along it and the one a quarter turn from it, down
    the face for a level mouth (both zero when the line has no length)."""
    width = float(np.linalg.norm(end - start))
    right = (end - start) / width if width > 0 else np.zeros(2)
    return width, right, np.array([-right[1], right[0]])


def seat_lips(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Lip landmarks moved onto the line where a shut mouth's painted lips meet, when
    face mesh put them clearly off it (see SEAT_MOVE): else ``landmarks`` as they are.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    landmarks : np.ndarray [shape=(478, 2|3), float]

    Returns
    -------
    np.ndarray
        ``landmarks``, or a copy with the lips moved across the mouth.
    """
    lm, upper, lower, left, (width, right, down) = _inner_lips(landmarks)
    if width < 4 or np.linalg.norm(upper - lower, axis=1).max() >= SEAT_SHUT * width:
        return landmarks
    # The line the lips meet on, over the middle of the mouth (its corners are shadow).
    seam = (upper + lower) / 2
    along = (seam - left) @ right / width
    order = np.argsort(along)
    t = np.linspace(0.15, 0.85, 24)
    line = np.stack([np.interp(t, along[order], seam[order, i]) for i in (0, 1)], 1)
    offsets = np.arange(-SEAT_REACH * width, SEAT_REACH * width + 0.25, 0.5)
    offsets -= offsets[np.argmin(np.abs(offsets))]  # the mesh's own line is one of them
    depth = _valley_depths(image, line, down, offsets, side=max(1.5, 0.1 * width))
    best = int(np.argmax(depth))
    own = float(depth[np.abs(offsets) <= SEAT_NEAR_PX].max())
    if depth[best] < SEAT_VALLEY or own >= SEAT_LOST * depth[best] or abs(offsets[best]) < SEAT_MOVE * width:
        return landmarks
    seated = np.array(landmarks, dtype=np.float32)
    seated[topo.LIPS_ALL, :2] += (offsets[best] * down).astype(np.float32)
    return seated


def _valley_depths(
    image: np.ndarray, line: np.ndarray, down: np.ndarray, offsets: np.ndarray, *, side: float
) -> np.ndarray:
    """How much darker ``line`` [shape=(k, 2), picture pixels], moved by each of ``offsets``
    along ``down``, is than the darker of the two lines ``side`` pixels to either side of it,
    on average along it: [shape=(len(offsets),)], levels of luma 0..255."""
    luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)

    def sample(points):
        xy = points.astype(np.float32)
        return cv2.remap(luma, xy[None, :, 0], xy[None, :, 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)[0]

    return np.array([
        np.mean(np.minimum(sample(line + (d - side) * down), sample(line + (d + side) * down)) - sample(line + d * down))
        for d in offsets
    ])  # fmt: skip


def part_lips(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Lip landmarks parted over the teeth of a mouth painted open that face mesh read as
    shut (see PARTED_WHITER): else ``landmarks`` as they are.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    landmarks : np.ndarray [shape=(478, 2|3), float]

    Returns
    -------
    np.ndarray
        ``landmarks``, or a copy with the lower lip's inner edge moved down off the teeth.
    """
    lm, upper, lower, left, (width, right, down) = _inner_lips(landmarks)
    apart = np.linalg.norm(upper - lower, axis=1)
    middle = slice(3, 8)  # the middle five of the eleven points along each lip
    px = max(1.0, width / PARTED_WIDTH)  # one of PARTED_WIDTH's pixels, in this mouth's
    if not 4 <= width < PARTED_MAX_WIDTH or apart.max() < PARTED_MESH_PX * px or np.median(apart[middle]) >= SEAT_SHUT * width:
        return landmarks
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    lips = _polygon_mask(image.shape, outer) & ~_polygon_mask(image.shape, np.vstack([upper, lower[::-1]]))
    skin = _cheeks(image.shape, lm)  # the ring around the mouth holds hair and shadow as often
    if not lips.any() or not skin.any():
        return landmarks
    level = _enamel_level(image, lips, skin)
    # Enamel's whiteness around the mouth (half its width beyond the lips), nothing where
    # the colour is not enamel's.
    h, w = image.shape[:2]
    x0, y0 = np.maximum(np.floor(outer.min(0) - 0.5 * width).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(outer.max(0) + 0.5 * width).astype(int) + 1, (w, h))
    lab = _lab(image[y0:y1, x0:x1])
    enamel = _enamel_whiteness(lab).astype(np.float32)
    origin = np.array([x0, y0], np.float64)
    lm, upper, lower, left = lm - origin, upper - origin, lower - origin, left - origin
    t = np.linspace(0.1, 0.9, 33)  # across the mouth, short of its corners' shadow
    starts, ends = (_along_mouth(line, left, right, width, t) for line in (lower, lm[topo.LIPS_LOWER_OUTER]))
    reach = _enamel_reach(enamel, starts, ends, down, level=level, near=PARTED_NEAR_PX * px)
    if np.mean(reach > 0) < PARTED_SHARE or np.median(reach[reach > 0]) < PARTED_PX * px:
        return landmarks
    # Each of the lip's own points (the corners stay) to the enamel's edge below it, through
    # as much lip as the middle has: on a face turned aside the points bunch up at the lip's
    # far end, past the grid, where its outer edge turns back; and a pixel to either side, as
    # the axis across a slanted mouth runs out of it beside them. The edge goes half a pixel
    # past the last enamel sample, to that pixel's far side: on it, pressed lips showed a
    # light streak of the teeth between them.
    depth = float(np.median((ends - starts) @ down))
    shift = np.max([
        _enamel_reach(enamel, beside, beside + depth * down, down, level=level, near=PARTED_NEAR_PX * px)
        for beside in (lower - px * right, lower, lower + px * right)
    ], axis=0)  # fmt: skip
    shift = np.where(shift > 0, shift + 0.5, 0.0)
    shift[[0, -1]] = 0.0
    parted = np.array(landmarks, dtype=np.float32)
    parted[topo.LIPS_LOWER_INNER, :2] += np.outer(shift, down).astype(np.float32)
    return parted


def shut_lips(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Lip landmarks shut on the painted line of a mouth painted shut that face mesh read as
    parted (see SHUT_ENAMEL): else ``landmarks`` as they are.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    landmarks : np.ndarray [shape=(478, 2|3), float]

    Returns
    -------
    np.ndarray
        ``landmarks``, or a copy with both inner lips moved onto the line where the lips meet.
    """
    lm, upper, lower, left, (width, right, down) = _inner_lips(landmarks)
    apart = float(np.median(((lower - upper) @ down)[3:8]))  # the middle five of eleven, as part_lips
    if not 4 <= width < PARTED_MAX_WIDTH or apart < SEAT_SHUT * width:
        return landmarks
    inner = np.vstack([upper, lower[::-1]])
    gap = _polygon_mask(image.shape, inner)
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    lips = _polygon_mask(image.shape, outer) & ~gap
    skin = _cheeks(image.shape, lm)
    if not gap.any() or not lips.any() or not skin.any():
        return landmarks
    level = _enamel_level(image, lips, skin)
    enamel = _enamel_whiteness(_lab(image[gap])) >= level
    if enamel.mean() >= SHUT_ENAMEL:
        return landmarks
    middle = (upper + lower) / 2
    line = _along_mouth(middle, left, right, width, np.linspace(0.15, 0.85, 24))
    offsets = np.arange(-apart / 2, apart / 2 + 0.25, 0.5)
    depth = _valley_depths(image, line, down, offsets, side=max(1.5, 0.1 * width))
    best = int(np.argmax(depth))
    if depth[best] < SEAT_VALLEY:
        return landmarks
    seam = (middle + offsets[best] * down).astype(np.float32)
    shut = np.array(landmarks, dtype=np.float32)
    shut[topo.LIPS_UPPER_INNER, :2] = seam
    shut[topo.LIPS_LOWER_INNER, :2] = seam
    return shut


def _inner_lips(landmarks: np.ndarray) -> tuple:
    """(points [shape=(478, 2), float64], upper and lower inner lips, the mouth's left
    corner, (width, right, down) of _mouth_axes) of ``landmarks``."""
    lm = np.asarray(landmarks, dtype=np.float64)[:, :2]
    left = lm[topo.MOUTH_CORNER_RIGHT]
    return lm, lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER], left, _mouth_axes(left, lm[topo.MOUTH_CORNER_LEFT])


def _enamel_level(image: np.ndarray, lips: np.ndarray, skin: np.ndarray) -> float:
    """Whiteness enamel reaches: PARTED_WHITER over the whiter of the lips and the cheeks
    (``lips``, ``skin``: masks of ``image``)."""
    return max(float(np.median(_whiteness(_lab(image[part])))) for part in (lips, skin)) + PARTED_WHITER


def _enamel_whiteness(lab: np.ndarray) -> np.ndarray:
    """Whiteness of ``lab`` (CIE Lab) where its colour is enamel's (chroma at most
    ENAMEL_CHROMA of its lightness), -100 elsewhere."""
    return np.where(np.hypot(lab[..., 1], lab[..., 2]) <= ENAMEL_CHROMA * lab[..., 0], _whiteness(lab), -100.0)


def _enamel_reach(
    enamel: np.ndarray, starts: np.ndarray, ends: np.ndarray, towards: np.ndarray, *, level: float, near: float
) -> np.ndarray:
    """How far enamel (``enamel`` at or over ``level``) reaches from each of ``starts``
    towards its end in ``ends`` (both [shape=(k, 2)], in ``enamel``'s pixels; a pixel short
    of the end, which the lip keeps), if it begins within ``near`` pixels: [shape=(k,)],
    pixels, 0 where it does not."""
    step = 0.25  # a quarter of a pixel: a row of teeth may be two pixels tall
    reach = np.zeros(len(starts))
    for k, (start, depth) in enumerate(zip(starts, (ends - starts) @ towards - 1.0)):
        offsets = np.arange(0.0, max(depth, 0.0) + step / 2, step)
        if len(offsets) < 2:
            continue
        xy = (start + np.outer(offsets, towards)).astype(np.float32)
        tooth = cv2.remap(enamel, xy[None, :, 0], xy[None, :, 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)[0] >= level
        first = np.flatnonzero(tooth)
        if not len(first) or offsets[first[0]] > near:
            continue
        gaps = np.flatnonzero(~tooth[first[0] :])
        reach[k] = offsets[first[0] + gaps[0] - 1] if len(gaps) else offsets[-1]
    return reach


def _along_mouth(line: np.ndarray, left: np.ndarray, right: np.ndarray, width: float, t: np.ndarray) -> np.ndarray:
    """Points of ``line`` [shape=(m, 2)] at shares ``t`` of the mouth's width from its
    ``left`` corner along ``right`` [shape=(len(t), 2)]."""
    along = (line - left) @ right / width
    order = np.argsort(along)
    return np.stack([np.interp(t, along[order], line[order, i]) for i in (0, 1)], 1)


def fit_lips(landmarks: np.ndarray, mouth: np.ndarray, origin) -> np.ndarray:
    """Lip landmarks moved onto the mouth a character's artist drew.

    A face mesh fitted to an anime face tends to make its lips too wide and tilted; the
    redrawn mouth would then be a different mouth. Lips over 1.4 times the drawn mouth's
    length are scaled down to it, slid along the mouth line onto its middle, and turned to
    its slant when it has a clear one (and is no steeper than MAX_SLANT from the eyes'
    line), else level with the eyes.

    Parameters
    ----------
    landmarks : np.ndarray [shape=(478, 3), float]
    mouth : np.ndarray [shape=(h, w), dtype=bool]
        The drawn mouth's pixels (see erase_mouth), slightly grown.
    origin : (x, y)
        Where ``mouth``'s pixel (0, 0) sits in the picture.

    Returns
    -------
    np.ndarray [shape=(478, 3), float32]
    """
    lm = np.array(landmarks, dtype=np.float64)
    core = cv2.erode(mouth.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    ys, xs = np.nonzero(core)
    if len(xs) < 8:
        return lm.astype(np.float32)
    pts = np.stack([xs + origin[0], ys + origin[1]], 1).astype(np.float64)
    left_corner, right_corner = lm[topo.MOUTH_CORNER_RIGHT, :2], lm[topo.MOUTH_CORNER_LEFT, :2]
    width, right, _ = _mouth_axes(left_corner, right_corner)
    centre = pts.mean(0)
    values, vectors = np.linalg.eigh(np.cov((pts - centre).T))
    axis = vectors[:, 1] * (1 if vectors[:, 1] @ right >= 0 else -1)
    eyes = lm[topo.LEFT_EYE, :2].mean(0) - lm[topo.RIGHT_EYE, :2].mean(0)
    eyes /= max(float(np.linalg.norm(eyes)), 1e-6)
    if values[1] < 2.25 * max(values[0], 1e-6) or axis @ eyes < np.cos(np.radians(MAX_SLANT)):
        axis = eyes  # not clearly longer than tall, or taller than wide (a round "o"): level
    turn = float(np.arctan2(axis[1], axis[0]) - np.arctan2(right[1], right[0]))
    scale = float(np.clip(np.ptp(pts @ axis) / max(width, 1e-6), 0.5, 1.0))
    if scale > 0.7:  # close enough: the mesh's own lips (the evaluation's mesh agrees with them)
        return lm.astype(np.float32)
    middle = (left_corner + right_corner) / 2
    target = middle + ((centre - middle) @ right) * right
    cos, sin = np.cos(turn), np.sin(turn)
    rotation = np.array([[cos, -sin], [sin, cos]])
    lips = topo.LIPS_ALL
    lm[lips, :2] = target + scale * (lm[lips, :2] - middle) @ rotation.T
    return lm.astype(np.float32)


def seat_drawn_line(
    landmarks: np.ndarray, box: np.ndarray, drawn: np.ndarray, *, origin, line_width: float
) -> np.ndarray:
    """Lip landmarks shut on the centre line of a mouth drawn as a line (see SEAT_LINE_REACH).

    Parameters
    ----------
    landmarks : np.ndarray [shape=(478, 3), float]
        Lips fitted to the drawn mouth (see fit_lips).
    box : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture around the mouth.
    drawn : np.ndarray [shape=(h, w), bool]
        The drawn mouth's own pixels in ``box`` (see erase_mouth).
    origin : (x, y)
        Where ``box``'s pixel (0, 0) sits in the picture.
    line_width : float
        The drawn stroke's width in pixels.

    Returns
    -------
    np.ndarray [shape=(478, 3), float32]
        Each inner-lip vertex moved across the mouth onto the stroke in its column; where
        no stroke passes (past a drawn end), by as much as its nearest seated neighbours.
        The outer lips move only to stay clear of the inner ones: each by its inner edge's
        move where that is outwards, the outer corners with the inner ones.
    """
    lm = np.array(landmarks, dtype=np.float64)
    upper_ids, lower_ids = topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER
    start = lm[upper_ids[0], :2]
    width, right, down = _mouth_axes(start, lm[upper_ids[-1], :2])
    if width < 1e-6 or not drawn.any():
        return lm.astype(np.float32)
    lightness = _lab(box)[..., 0]
    skin = float(np.median(lightness[~drawn])) if (~drawn).any() else float(lightness.max())
    ys, xs = np.nonzero(drawn)
    darkness = np.clip(skin - lightness[ys, xs], 0.0, None)
    ink = float(darkness.max())
    rel = np.stack([xs + origin[0], ys + origin[1]], 1).astype(np.float64) - start
    along, across = rel @ right, rel @ down
    reach = SEAT_LINE_REACH * line_width + 2.0
    inner = np.r_[upper_ids, lower_ids[1:-1]]  # the corners are shared
    at, seam = (lm[inner, :2] - start) @ right, (lm[inner, :2] - start) @ down
    centre = np.full(len(inner), np.nan)
    for k in range(len(inner)):
        column = (np.abs(along - at[k]) <= 0.5) & (np.abs(across - seam[k]) <= reach)
        if not column.any() or darkness[column].max() < SEAT_LINE_DARK * max(ink, 1e-6):
            continue
        darkest = across[column][np.argmax(darkness[column])]
        stroke = column & (np.abs(across - darkest) <= line_width)
        centre[k] = float(np.average(across[stroke], weights=darkness[stroke]))
    seated = ~np.isnan(centre)
    if not seated.any():
        return lm.astype(np.float32)
    order = np.argsort(at[seated])
    # Between seated vertices along the line, level with the drawn ends past them.
    line = np.interp(at, at[seated][order], centre[seated][order])
    move = np.where(seated, centre, line) - seam
    lm[inner, :2] += np.outer(move, down)
    # The outer lips stay clear of their inner edges, the upper above and the lower below.
    shifts = dict(zip(inner.tolist(), move))
    edges = ((topo.LIPS_UPPER_OUTER, upper_ids, np.minimum), (topo.LIPS_LOWER_OUTER, lower_ids, np.maximum))
    for outer_ids, inner_ids, outwards in edges:
        inner_at = (lm[inner_ids, :2] - start) @ right
        inner_move = np.array([shifts[i] for i in inner_ids.tolist()])
        outer_at = (lm[outer_ids, :2] - start) @ right
        order = np.argsort(inner_at)
        outer_move = outwards(np.interp(outer_at, inner_at[order], inner_move[order]), 0.0)
        lm[outer_ids[1:-1], :2] += np.outer(outer_move[1:-1], down)
    for corner, inner_corner in ((topo.MOUTH_CORNER_RIGHT, upper_ids[0]), (topo.MOUTH_CORNER_LEFT, upper_ids[-1])):
        lm[corner, :2] += shifts[int(inner_corner)] * down
    return lm.astype(np.float32)


def drawn_opening(mouth: np.ndarray, origin, landmarks: np.ndarray, *, line_width: float) -> tuple | None:
    """The opening of a mouth drawn open, traced at the inner lips' vertices, or None when
    the drawing is no more open than the lips fitted to it (a mouth drawn as a line).

    Parameters
    ----------
    mouth : np.ndarray [shape=(h, w), dtype=bool]
        The drawn mouth's own pixels (see erase_mouth): ink, teeth, inside.
    origin : (x, y)
        Where ``mouth``'s pixel (0, 0) sits in the picture.
    landmarks : np.ndarray [shape=(478, 2|3), float]
        The face's landmarks, lips fitted to the drawn mouth (see fit_lips).
    line_width : float
        The outline's width in pixels: the traced edges sit half of it inside the drawing,
        where the painted outline is centred.

    Returns
    -------
    (upper, lower) : each np.ndarray [shape=(m, 2), float64], corner to corner
        Every inner-lip vertex but the corners moved across the mouth to the top and the
        bottom of the drawn mouth where it passes.
    """
    lm = np.asarray(landmarks, np.float64)[:, :2]
    upper, lower = lm[topo.LIPS_UPPER_INNER].copy(), lm[topo.LIPS_LOWER_INNER].copy()
    width, right, down = _mouth_axes(upper[0], upper[-1])
    if width < 1e-6:
        return None
    centre = 0.5 * (upper[0] + upper[-1])
    ys, xs = np.nonzero(mouth)
    rel = np.stack([xs + origin[0], ys + origin[1]], 1) - centre
    along, across = rel @ right, rel @ down
    inset = 0.5 - 0.5 * line_width  # from pixel centres to the drawn edge, then half a stroke in
    for k in range(1, len(upper) - 1):
        at = 0.5 * float((upper[k] + lower[k] - 2 * centre) @ right)
        column = np.abs(along - at) <= 0.5
        if column.sum() < 2:
            continue
        top, bottom = across[column].min() - inset, across[column].max() + inset
        if bottom - top > float((lower[k] - upper[k]) @ down):
            upper[k], lower[k] = centre + at * right + top * down, centre + at * right + bottom * down
    # A speck beside the mouth (a highlight, a lip's mark) can join it in one column: no
    # vertex reaches further than its neighbours do.
    for edge, sign in ((upper, -1.0), (lower, 1.0)):
        depth = sign * ((edge - centre) @ down)  # outwards from the mouth line
        capped = depth.copy()
        capped[1:-1] = np.minimum(depth[1:-1], np.maximum(depth[:-2], depth[2:]))
        edge += np.outer(sign * (capped - depth), down)
    gap = (lower - upper) @ down
    if gap.max() < max(DRAWN_OPEN_STROKES * line_width, DRAWN_OPEN * width):
        return None
    return upper, lower


def _drawn_inside(
    box: np.ndarray, mouth: np.ndarray, skin: np.ndarray, palette: MouthPalette, opening: tuple, *, origin, ink
) -> tuple:
    """The inside of a mouth drawn open: ``palette`` for its speaking mouth and the OwnMouth
    it is at rest.

    Parameters
    ----------
    box : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    mouth, skin : np.ndarray [shape=(h, w), dtype=bool]
        The drawn mouth's own pixels and the skin around it.
    palette : MouthPalette
    opening : (upper, lower)
        The drawn opening (see drawn_opening), in picture pixels.
    origin : (x, y)
        Where ``box``'s pixel (0, 0) sits in the picture.
    ink : tuple
        The outline's colour, RGB floats 0..255.

    Notes
    -----
    Away from its edge (where the drawing blends into the skin), the mouth is teeth
    (whiter than the skin, or pale and grey) and the rest: the darker half of the rest is
    the cavity, the lighter half the tongue (one colour for both when the artist drew
    one). Speaking, the teeth and the tongue keep the drawn colours, and the cavity is the
    drawn one made dark as a photo's is from its lips: a light opening reads as shut, to a
    viewer as to the lip-sync evaluation (eileen_vhappy's pink cavity and tongue spoken as
    drawn: 0.62 -> 0.43 and 0.82 -> 0.59 on the two LibriVox lines). A grin (see GRIN) is
    its teeth at rest; what is not teeth there is shading, not a cavity, so it speaks with
    the palette's colours (speaking with its whiter teeth, the laughing sprite read as more
    open: lip sync 0.628 -> 0.617 on the two LibriVox lines).
    """
    lab = _lab(box)
    inside = cv2.erode(mouth.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    skin_white = float(np.median(_whiteness(lab[skin]))) if skin.any() else float(np.median(_whiteness(lab[~mouth])))
    # Teeth: whiter than the skin, or pale and unsaturated (teeth shaded lilac or grey).
    pale = (lab[..., 0] > 70) & (np.hypot(lab[..., 1], lab[..., 2]) < 15)
    white = inside & ((_whiteness(lab) > skin_white + 5) | pale)
    rest = inside & ~white
    if white.sum() > GRIN * inside.sum():
        skin_light = float(np.median(lab[skin][:, 0])) if skin.any() else float(np.median(lab[~mouth][:, 0]))
        ink_light = float(_lab(np.array(ink, np.uint8).reshape(1, 1, 3))[0, 0, 0])
        # The teeth and their shading, not the ink's edge blending into them.
        shaded = inside & (lab[..., 0] > ink_light + 0.6 * (skin_light - ink_light))
        teeth = _grin_teeth(box, shaded, opening, origin, np.median(box[white].astype(np.float32), 0))
        upper_ink, lower = (_edge_shades(lab[..., 0], edge, origin, skin_light, ink_light) for edge in opening)
        middle = [float(np.median(shades[len(shades) // 4 : len(shades) - len(shades) // 4])) for shades in (upper_ink, lower)]
        lower_ink = float(np.clip(middle[1] / max(middle[0], 1e-3), 0, 1))
        own = OwnMouth(
            *opening, cavity=palette.cavity, tongue=palette.tongue, teeth=teeth, lower_ink=lower_ink, upper_ink=upper_ink
        )
        return palette, own
    if white.sum() >= 6:
        palette = replace(palette, teeth=tuple(float(v) for v in np.median(box[white].astype(np.float32), 0)))
    cavity, tongue, depth = palette.cavity, palette.tongue, 0.0
    if rest.sum() >= max(12, 0.25 * inside.sum()):
        lightness = lab[rest][:, 0]
        scores = np.clip(lightness * 2.55, 0, 255).astype(np.uint8).reshape(-1, 1)
        split = cv2.threshold(scores, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0] / 2.55
        pixels = box[rest].astype(np.float32)
        dark, light = pixels[lightness <= split], pixels[lightness > split]
        if min(len(dark), len(light)) < 0.1 * len(pixels):  # one colour inside
            dark = light = pixels
        else:
            depth = float(len(light) / len(pixels))
        cavity, tongue = (tuple(float(v) for v in np.median(c, 0)) for c in (dark, light))
        shaded = np.array(cavity) * np.array(CAVITY_SHADE) + CAVITY_LIFT
        palette = replace(palette, cavity=tuple(float(v) for v in shaded), tongue=tongue)
    return palette, OwnMouth(*opening, cavity=cavity, tongue=tongue, tongue_depth=depth)


def _grin_teeth(box: np.ndarray, teeth: np.ndarray, opening: tuple, origin, fill: np.ndarray) -> np.ndarray:
    """A drawn grin's teeth colour over GRIN_GRID [shape=GRIN_GRID + (3,), float32, RGB
    0..255], from the top of the teeth under the ink to their bottom, corner to corner of the
    drawn ``opening`` ((upper, lower) in picture pixels): the mean of the ``teeth`` pixels
    [bool, shape=box's (h, w)] in each cell; in a cell with none (the corners' narrow
    tips), its neighbours', else ``fill`` [shape=(3,)]. ``origin`` is where ``box``'s
    pixel (0, 0) sits in the picture.

    Mouths are near level: each pixel column's teeth run from its top to its bottom."""
    upper = opening[0]
    start, end = upper[0], upper[-1]
    along = (end - start) / max(float(np.sum((end - start) ** 2)), 1e-6)
    ys, xs = np.nonzero(teeth)
    at = (np.stack([xs, ys], 1) + np.asarray(origin, np.float64) - start) @ along
    top, bottom = np.full(box.shape[1], box.shape[0]), np.full(box.shape[1], -1)
    np.minimum.at(top, xs, ys)
    np.maximum.at(bottom, xs, ys)
    depth = (ys - top[xs] + 0.5) / (bottom[xs] - top[xs] + 1)
    rows, columns = GRIN_GRID
    row = np.clip((depth * rows).astype(int), 0, rows - 1)
    column = np.clip((at * columns).astype(int), 0, columns - 1)
    sums, counts = np.zeros((rows, columns, 3), np.float32), np.zeros((rows, columns), np.float32)
    np.add.at(sums, (row, column), box[ys, xs].astype(np.float32))
    np.add.at(counts, (row, column), 1.0)
    colour = sums / np.maximum(counts, 1.0)[..., None]
    near = cv2.GaussianBlur(sums, (3, 3), 0.8, borderType=cv2.BORDER_REPLICATE)
    weight = cv2.GaussianBlur(counts, (3, 3), 0.8, borderType=cv2.BORDER_REPLICATE)[..., None]
    spread = np.where(weight > 0.5, near / np.maximum(weight, 1e-6), np.asarray(fill, np.float32))
    return np.where(counts[..., None] > 0, colour, spread).astype(np.float32)


def line_colours(
    box: np.ndarray, drawn: np.ndarray, seam: np.ndarray, *, origin, line_width: float
) -> np.ndarray | None:
    """The colour of a mouth drawn as a line along its length (see LINE_SAMPLES).

    Parameters
    ----------
    box : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture around the mouth.
    drawn : np.ndarray [shape=(h, w), bool]
        The drawn mouth's own pixels in ``box`` (see erase_mouth).
    seam : np.ndarray [shape=(m, 2), float]
        Where the lips meet at rest, corner to corner, in picture pixels.
    origin : (x, y)
        Where ``box``'s pixel (0, 0) sits in the picture.
    line_width : float
        The drawn stroke's width in pixels.

    Returns
    -------
    colours : np.ndarray [shape=(LINE_SAMPLES, 3), dtype=float32, RGB 0..255] or None
        From ``seam[0]``'s corner to ``seam[-1]``'s, evenly along the line between them;
        None if the box holds no pixel near the seam.
    """
    seam = np.asarray(seam, np.float64)
    start = seam[0]
    width, right, down = _mouth_axes(start, seam[-1])
    if width < 1e-6:
        return None
    ys, xs = np.mgrid[0 : box.shape[0], 0 : box.shape[1]]
    rel = np.stack([xs + origin[0], ys + origin[1]], -1).astype(np.float64) - start
    along = (rel @ right) / width  # 0 at one corner, 1 at the other
    seam_along, seam_across = ((seam - start) @ right) / width, (seam - start) @ down
    order = np.argsort(seam_along)
    across = rel @ down - np.interp(along, seam_along[order], seam_across[order])
    lightness = _lab(box)[..., 0]
    reach = LINE_REACH * line_width + 2.0
    half = max(0.5 / (LINE_SAMPLES - 1), 0.5 / width)  # a place's strip, at least a pixel wide
    near_seam = np.abs(across) <= reach
    colours = np.full((LINE_SAMPLES, 3), np.nan)
    for k, at in enumerate(np.linspace(0.0, 1.0, LINE_SAMPLES)):
        strip = near_seam & (np.abs(along - at) <= half)
        ys_k, xs_k = np.nonzero(strip & drawn)
        if len(ys_k):
            darkest = int(np.argmin(lightness[ys_k, xs_k]))
            colours[k] = box[ys_k[darkest], xs_k[darkest]]
        elif strip.any():  # no stroke here: the skin
            colours[k] = np.median(box[strip], axis=0)
    found = ~np.isnan(colours[:, 0])
    if not found.any():
        return None
    places = np.arange(LINE_SAMPLES)
    colours = np.stack([np.interp(places, places[found], colours[found, c]) for c in range(3)], 1)
    smooth = cv2.GaussianBlur(colours.reshape(-1, 1, 3), (1, 0), LINE_SMOOTH, borderType=cv2.BORDER_REPLICATE)
    return smooth.reshape(-1, 3).astype(np.float32)


def _edge_shades(lightness: np.ndarray, edge: np.ndarray, origin, skin: float, ink: float) -> np.ndarray:
    """How dark a drawn edge is at each vertex of ``edge`` [shape=(m, 2), picture pixels],
    from the skin's lightness (0) to the ink's (1): the darkest pixel of ``lightness`` (L*,
    its pixel (0, 0) at ``origin``) within two rows of it; 1 off it. [shape=(m,), float64]"""
    h, w = lightness.shape
    shades = np.ones(len(edge))
    for k, (x, y) in enumerate(edge - np.asarray(origin, np.float64)):
        column, rows = int(round(x)), np.arange(int(np.floor(y)) - 2, int(np.ceil(y)) + 3)
        rows = rows[(rows >= 0) & (rows < h)]
        if 0 <= column < w and len(rows):
            shades[k] = (skin - lightness[rows, column].min()) / max(skin - ink, 1e-3)
    return np.clip(shades, 0, 1)


def _cheeks(shape, landmarks: np.ndarray) -> np.ndarray:
    """Skin between the lower lids and the upper lip (cheeks, nose, philtrum): the face's
    own light, as a mask of ``shape[:2]``, the eyes and lips left out with a margin.

    Parameters
    ----------
    landmarks : np.ndarray [shape=(n_points, 2)]
        Face mesh points in picture pixels.
    """
    lm = landmarks
    outline = np.vstack([lm[topo.RIGHT_EYE_LOWER], lm[topo.LEFT_EYE_LOWER], lm[topo.LIPS_UPPER_OUTER][::-1]])
    cheeks = _polygon_mask(shape, outline)
    lips = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    for part, margin in ((lm[topo.RIGHT_EYE], 1.5), (lm[topo.LEFT_EYE], 1.5), (lips, 1.2)):
        centre = part.mean(0)
        cheeks &= ~_polygon_mask(shape, centre + margin * (part - centre))
    return cheeks


def _polygon_mask(shape, polygon: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
    return mask.astype(bool)


def is_line_art(image: np.ndarray, face: Face) -> bool:
    """Is ``face`` cel-shaded line art (flat colours and inked outlines), where a drawn
    part can be recognised by its ink and its flat fills?"""
    return face.style == "drawn" and style_features(image, face.box)["flat"] >= FLAT_SHADING


def lip_paint(image: np.ndarray, landmarks: np.ndarray, ink) -> float:
    """How much both of a line-art mouth's lips are painted (see PAINTED_LIPS): the geometric
    mean over face mesh's upper and lower lip of the share of their pixels in shaded lip
    colour, 0..1.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    landmarks : np.ndarray [shape=(n, 2 or 3)]
        Face mesh's, in picture pixels, before the lips are fitted to the drawn mouth.
    ink : tuple
        The drawn mouth's darkest colour, RGB (erase_mouth's ``ink``).
    """
    lm = landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    inner = np.vstack([lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER][::-1]])
    centre = outer.mean(0)
    h, w = image.shape[:2]
    x0, y0 = np.clip(np.floor(centre + 1.8 * (outer.min(0) - centre)).astype(int) - 1, 0, None)
    x1, y1 = np.minimum(np.ceil(centre + 1.8 * (outer.max(0) - centre)).astype(int) + 2, (w, h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return 0.0
    box = image[y0:y1, x0:x1]

    def mask(polygon):
        return _polygon_mask(box.shape, polygon - (x0, y0))

    ring = mask(centre + 1.8 * (outer - centre)) & ~mask(centre + 1.35 * (outer - centre))
    opening = mask(inner)
    lightness = _lab(box)[..., 0]
    skin = float(np.median(lightness[ring])) if ring.any() else float(np.median(lightness))
    ink_lightness = float(_lab(np.array([[ink]], np.float32).clip(0, 255).astype(np.uint8))[0, 0, 0])
    tone = (skin - lightness) / max(skin - ink_lightness, 1.0)
    # Flat as style_features counts it (the last row and column have no step: not flat).
    step = np.full(box.shape[:2], 255, np.int16)
    step[:-1, :-1] = colour_steps(box)
    shaded = (tone > LIP_SHADE[0]) & (tone < LIP_SHADE[1]) & (step > 1)
    shares = []
    lips = ((topo.LIPS_UPPER_OUTER, topo.LIPS_UPPER_INNER), (topo.LIPS_LOWER_OUTER, topo.LIPS_LOWER_INNER))
    for lip_outer, lip_inner in lips:
        lip = mask(np.vstack([lm[lip_outer], lm[lip_inner][::-1]])) & ~opening
        if lip.sum() < LIP_PIXELS:
            return 0.0
        shares.append(float(shaded[lip].mean()))
    return float(np.sqrt(shares[0] * shares[1]))


def mouth_covered(image: np.ndarray, face: Face) -> bool:
    """Is ``face``'s mouth, where face mesh puts it, covered by a mask, a scarf or a face
    guard: no line or teeth between the lips, lips like what is around them, in a picture
    sharp and big enough that a mouth would show (see COVERED_LINE)? On a face that looks
    drawn, only where what is around the lips is as dark as ink (see COVERED_DRAWN_DARK).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    face : Face
        With face mesh landmarks in picture pixels.
    """
    lm = face.landmarks[:, :2]
    width = float(np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]))
    drawn = face.style == "drawn"
    if width < (COVERED_DRAWN_WIDTH if drawn else COVERED_WIDTH):
        return False
    image, lm = _around_face(image, lm)
    # Log grey values: darkening the picture shifts them all alike; +4 keeps black finite.
    grey = np.log(cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float32) + 4.0)
    if not drawn and _sharpness(grey, lm) < COVERED_SHARPNESS:
        return False
    line, teeth, dip = _across_lips(grey, lm)
    if line >= COVERED_LINE or teeth >= COVERED_TEETH or dip >= COVERED_DIP:
        return False
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    inner = np.vstack([lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER][::-1]])
    centre = outer.mean(0)
    lips = _polygon_mask(image.shape, outer) & ~_polygon_mask(image.shape, inner)
    ring = _polygon_mask(image.shape, centre + 1.8 * (outer - centre))
    ring &= ~_polygon_mask(image.shape, centre + 1.2 * (outer - centre))
    if not lips.any() or not ring.any():
        return False
    light = abs(float(np.median(grey[lips]) - np.median(grey[ring])))
    lips_colour, ring_colour = (np.median(_chromaticity(image[part]), 0) for part in (lips, ring))
    colourless = _colour(lips_colour, ring_colour) < COVERED_GREY
    if drawn:  # see COVERED_DRAWN_DARK and COVERED_DRAWN_SKIN
        lips_lab, ring_lab = (np.median(_lab(image[part]), 0) for part in (lips, ring))
        redder = float(lips_lab[1] - ring_lab[1])
        dark = ring_lab[0] < COVERED_DRAWN_DARK and redder < COVERED_DRAWN_RED
        cheeks = _cheeks(image.shape, lm)
        grey_in_colour = colourless and cheeks.any() and _colour(np.median(_chromaticity(image[cheeks]), 0)) >= COVERED_DRAWN_SKIN
        return light < COVERED_LIGHT and (dark or grey_in_colour)
    tint = 100.0 * float(np.linalg.norm(lips_colour - ring_colour))
    return light < (COVERED_LIGHT_GREY if colourless else COVERED_LIGHT) and tint < COVERED_TINT


def _colour(*chromaticities) -> float:
    """How far the most coloured of ``chromaticities`` (see _chromaticity) lies from neutral
    grey, x 100."""
    return 100.0 * max(float(np.linalg.norm(c - 1.0 / 3.0)) for c in chromaticities)


def _around_face(image: np.ndarray, landmarks: np.ndarray) -> tuple:
    """The part of ``image`` that mouth_covered reads (the face's points, grown by half
    their extent and 16 pixels: room for the ring around the lips and the blurs around the
    eyes), and the points in it: reading the whole picture cost 10 ms more per face at 1800x1536."""
    low, high = landmarks.min(0), landmarks.max(0)
    margin = 0.5 * (high - low) + 16.0
    height, width = image.shape[:2]
    x0, y0 = np.clip(np.floor(low - margin).astype(int), 0, [width, height])
    x1, y1 = np.clip(np.ceil(high + margin).astype(int), 0, [width, height])
    return image[y0:y1, x0:x1], landmarks - np.array([x0, y0], dtype=landmarks.dtype)


def looks_covered(image: np.ndarray, face: Face) -> bool:
    """Whether ``face``'s mouth looks covered (see mouth_covered), so that it will not open
    unless the job says otherwise; never for an animal rigged from clicked points, whose
    fur has no lips."""
    return not face.from_points and mouth_covered(image, face)


def _sharpness(grey: np.ndarray, landmarks: np.ndarray) -> float:
    """Detail finer than a pixel's blur over detail finer than four pixels' around the eyes
    (``grey``: log grey values): low in a blurred picture, whatever its contrast."""
    eyes = landmarks[np.concatenate([topo.RIGHT_EYE, topo.LEFT_EYE])]
    centre, reach = eyes.mean(0), 0.7 * np.ptp(eyes, 0) + 2.0
    height, width = grey.shape
    x0, y0 = np.clip(np.floor(centre - reach).astype(int), 0, [width, height])
    x1, y1 = np.clip(np.ceil(centre + reach).astype(int), 0, [width, height])
    margin = 12  # three times the coarser blur, so that the crop's edges do not count
    px0, py0 = max(x0 - margin, 0), max(y0 - margin, 0)
    around = grey[py0 : y1 + margin, px0 : x1 + margin]
    inner = (slice(y0 - py0, y1 - py0), slice(x0 - px0, x1 - px0))
    fine = np.abs(around - cv2.GaussianBlur(around, (0, 0), 1.0))[inner]
    coarse = np.abs(around - cv2.GaussianBlur(around, (0, 0), 4.0))[inner]
    return float(fine.mean() / coarse.mean()) if coarse.size and coarse.mean() > 0 else 0.0


def _chromaticity(rgb: np.ndarray) -> np.ndarray:
    """[shape=(n, 3)] R, G, B over their sum (+4 each, so black is grey): the same however
    dark the picture is made."""
    rgb = rgb.astype(np.float32) + 4.0
    return rgb / rgb.sum(1, keepdims=True)


def _across_lips(grey: np.ndarray, landmarks: np.ndarray) -> tuple:
    """What crosses the lips (``grey``: log grey values), medians over the middle of the mouth.

    Returns
    -------
    (line, teeth, dip) : tuple of float
        How much darker than the darker lip band above and below it the mesh's inner lip
        line is, how much lighter than the lighter band; the deepest dip under the lighter
        of its two sides from a quarter of the lips' height above them to as far below.
    """
    lm = landmarks
    right = lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]
    down = np.array([-right[1], right[0]]) / max(float(np.linalg.norm(right)), 1e-6)
    t = np.linspace(-0.25, 1.25, 61)  # 0: the upper lip's top; 1: the lower lip's bottom
    lips = (t >= 0.0) & (t <= 1.0)
    lines, teeth, dips = [], [], []
    middle = slice(3, 8)  # the middle five of the eleven points along each lip
    for top, bottom, upper_inner, lower_inner in zip(
        lm[topo.LIPS_UPPER_OUTER][middle], lm[topo.LIPS_LOWER_OUTER][middle],
        lm[topo.LIPS_UPPER_INNER][middle], lm[topo.LIPS_LOWER_INNER][middle],
    ):
        height = float((bottom - top) @ down)
        if height <= 1.0:
            continue
        upper_end, lower_start = (float((p - top) @ down) / height for p in (upper_inner, lower_inner))
        samples = (top + np.outer(t * height, down)).astype(np.float32)
        profile = cv2.remap(grey, samples[None, :, 0], samples[None, :, 1], cv2.INTER_LINEAR)[0]
        # Each lip's band clear of its outline and of the inner line; the line itself within
        # an eighth of the lips' height of where the mesh puts it.
        upper = profile[lips & (t > 0.1 * upper_end) & (t < 0.8 * upper_end)]
        below = 1.0 - lower_start
        lower = profile[lips & (t > lower_start + 0.2 * below) & (t < lower_start + 0.9 * below)]
        upper_band = np.median(upper) if upper.size else profile[lips][0]
        lower_band = np.median(lower) if lower.size else profile[lips][-1]
        near = profile[(t >= min(upper_end, lower_start) - 0.12) & (t <= max(upper_end, lower_start) + 0.12)]
        if near.size:
            lines.append(min(upper_band, lower_band) - near.min())
            teeth.append(near.max() - max(upper_band, lower_band))
        sides = np.minimum(np.maximum.accumulate(profile), np.maximum.accumulate(profile[::-1])[::-1])
        dips.append(float((sides - profile).max()))
    if not lines:
        return 0.0, 0.0, 0.0
    return float(np.median(lines)), float(np.median(teeth)), float(np.median(dips))


def read_mouth(image: np.ndarray, face: Face, *, cover: str = "auto") -> tuple:
    """Read from the picture how to paint ``face``'s mouth.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    face : Face
        In the picture's pixels.
    cover : str
        ``auto``: the mouth is covered if it looks so (see mouth_covered); ``covered`` or
        ``open``: it is, or is not, whatever it looks like (job.Speaker.mouth_cover).

    Returns
    -------
    face : Face
        ``face``, with its lips moved onto the drawn mouth for an inked line-art mouth (see
        fit_lips), and shut on its centre line when it is drawn as a line (see
        seat_drawn_line).
    look : MouthLook
    erased : tuple or None
        An inked line-art mouth (not painted lips, see PAINTED_LIPS): ``(box, pixels,
        where)`` from erase_mouth, the picture without its mouth.
    """
    lm = face.landmarks[:, :2]
    outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    if cover == "auto":
        covered = looks_covered(image, face)
    else:
        covered = cover == "covered"
    line_art = None
    # A covered line-art mouth is kept, not erased for a painted one: it warps as skin.
    if not covered and is_line_art(image, face):
        # A line-art mouth is replaced, not overlaid: the picture's own is erased whenever
        # the face leaves it, and the painted one, on lips fitted to it, takes its ink.
        # Lips painted rather than inked are kept, as a painted face's (see PAINTED_LIPS).
        width = float(np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]))
        erased = erase_mouth(image, outer, mouth_width=width)
        if lip_paint(image, face.landmarks, erased[4]) < PAINTED_LIPS:
            line_art = erased
            box, _, where = line_art[:3]
            face = replace(face, landmarks=fit_lips(face.landmarks, where, box[:2]))
            lm = face.landmarks[:, :2]
            outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    parted_over_teeth = False  # read shut by face mesh, parted here over its teeth (see part_lips)
    if line_art is None and not face.from_points:  # a painted or photographed mouth: lips on its seam
        seated = seat_lips(image, face.landmarks)
        parted = part_lips(image, seated)
        face, parted_over_teeth = replace(face, landmarks=shut_lips(image, parted)), parted is not seated
        lm = face.landmarks[:, :2]
        outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
    inner = np.vstack([lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER][::-1]])
    lips = _polygon_mask(image.shape, outer) & ~_polygon_mask(image.shape, inner)
    centre = outer.mean(0)
    around = _polygon_mask(image.shape, centre + 1.8 * (outer - centre))
    skin = around & ~_polygon_mask(image.shape, centre + 1.2 * (outer - centre))
    teeth = not face.from_points
    # Only line art gets the flat cartoon inside. A painted face is shaded, so its mouth is
    # painted as a photo's, in its lips' colours: the cartoon's fixed pink and flat cream
    # band of teeth looked pasted on (candy pink in orcs_assassin's dark green face).
    style = "drawn" if line_art is not None else "photo"
    # The palette's skin is the cheeks' and nose's where the face has them (not an animal
    # rigged from clicked points): the ring around the mouth holds a beard, hair or the
    # background as often as skin, and teeth lit by it came out as dark as the skin or darker.
    cheeks = _cheeks(image.shape, lm) if teeth else skin
    palette = palette_from_image(image, lips if teeth else None, cheeks if cheeks.any() else skin, style=style)
    mouth_width = float(np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]))
    if line_art is not None:
        box, erased, where, drawn, ink, stroke = line_art
        width = float(np.clip(stroke, 1.0, max(1.0, 0.045 * mouth_width)))
        opened = drawn_opening(drawn, box[:2], lm, line_width=width)
        (x0, y0, x1, y1) = box
        own = colours = None
        if opened is not None:  # the artist's colours for the inside of the mouth
            palette, own = _drawn_inside(
                image[y0:y1, x0:x1], drawn, skin[y0:y1, x0:x1], palette, opened, origin=(x0, y0), ink=ink
            )
        else:  # a line: the lips shut on it, its colours along it
            seated = seat_drawn_line(face.landmarks, image[y0:y1, x0:x1], drawn, origin=(x0, y0), line_width=width)
            face = replace(face, landmarks=seated)
            lm = face.landmarks[:, :2]
            seam = 0.5 * (lm[topo.LIPS_UPPER_INNER] + lm[topo.LIPS_LOWER_INNER])
            colours = line_colours(image[y0:y1, x0:x1], drawn, seam, origin=(x0, y0), line_width=width)
        look = MouthLook(
            palette, "drawn", teeth=teeth, line=ink, line_width=width, line_colours=colours, own_mouth=own
        )
        return face, look, (box, erased, where)
    # Photos and painted faces keep their lips (they warp like skin) and show their own teeth.
    own = None
    if teeth and not covered:
        lip = np.median(image[lips].reshape(-1, 3), 0) if lips.any() else palette.cavity
        skin_rgb = np.median(image[skin].reshape(-1, 3), 0) if skin.any() else lip
        own = find_own_teeth(
            image,
            lm[topo.LIPS_UPPER_INNER],
            lm[topo.LIPS_LOWER_INNER],
            lip,
            skin_rgb,
            upper_lip=lm[topo.LIPS_UPPER_OUTER],
            mouth_width=mouth_width,
        )
        if own is not None:  # painted teeth continue the picture's own in colour
            palette = replace(palette, teeth=tuple(float(v) for v in np.median(own.pixels[own.upper > 0.5], 0)))
        inside = None
        if not parted_over_teeth:  # a row of teeth between lips face mesh read shut: own teeth
            edges = lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER]
            inside = find_own_inside(image, *edges, lip, mouth_width=mouth_width)
        if inside is not None:  # open at rest: its own inside, teeth and all
            own, cavity = inside
            palette = palette if cavity is None else replace(palette, cavity=cavity)
    return face, MouthLook(palette, style, teeth=teeth, own_teeth=own, covered=covered), None
