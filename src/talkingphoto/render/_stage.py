"""Master mode's stage: the characters' layer breathes and shifts in front of a background
plate, and a slow camera moves the two by different amounts (parallax). Several characters
share the one layer, each part of it moved by its own body (see _Split).

The layers are prepared once: a feathered character mask, the picture with the characters
painted out (a fill from the surrounding scene's common colours and grain, only ever
seen in the thin band the moving body uncovers), and the characters' own colour along
their soft rim, kept with their opacity in one layer. Each frame pastes the posed faces into that layer, warps it
(and the faces' luma again, sharply), resamples the whole background (the camera only
zooms and pans it, which cv2.resize does for a third of a warp's cost, see _zoomed), and
blends only where the characters are see-through.

All of it happens in the encoder's colours (BT.709 YUV, see media.rgb_to_yuv444): warps
and blends are linear, so composing there gives the converted frame, without converting
each whole frame; and the sharp passes, the dearest part, resample luma alone (the eye
sees fine detail in luma, and the encoder keeps chroma at half resolution anyway).
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..errors import ParameterError
from ..media import rgb_to_yuv444, yuv444_to_i420
from ._warp import edge_feather

__all__ = ["BodyPose", "StageAnimator", "background_plate", "split_rim", "stage_matrices"]

PARALLAX = 0.7  # the background moves this fraction of the characters' camera motion
# Vertical stretch of the body about its base at BodyPose.breath = 1 (fraction of its
# height): at 720p a deep breath at strength 1 lifts the shoulders of a head-and-shoulders
# portrait about 4 px.
BREATH_LIFT = 0.025
LEAN_SCALE = 0.03  # the body grows this much at BodyPose.lean = 1


@dataclass(frozen=True)
class BodyPose:
    """Body and camera for one frame (see motion.BodyMotion for units and signs)."""

    breath: float = 0.0
    sway: float = 0.0
    lean: float = 0.0
    zoom: float = 1.0
    pan_x: float = 0.0
    pan_y: float = 0.0


def _about(point, linear: np.ndarray) -> np.ndarray:
    """3x3 matrix applying the 2x2 ``linear`` map about ``point``."""
    px, py = point
    m = np.eye(3)
    m[:2, :2] = linear
    m[:2, 2] = np.array([px, py]) - linear @ np.array([px, py])
    return m


def stage_matrices(
    pose: BodyPose, *, size: tuple, pivot: tuple, chest: tuple, focus: tuple | None = None, parallax: float = PARALLAX
) -> tuple:
    """Forward affine matrices (2x3, source -> frame) of the character and background layers.

    Parameters
    ----------
    size : (width, height)
    pivot : (x, y)
        Where the body rotates: its hips, at or below the bottom of the picture.
    chest : (x, y)
        Centre of the lean: leaning in grows the body around the chest.
    focus : (x, y), optional
        What the camera zooms in on (the faces); the frame's centre by default. The pan
        is held to what the zoom leaves room for on each side of it, so no edge shows.
    """
    theta = np.radians(pose.sway)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    breath = np.diag([1 + 0.25 * BREATH_LIFT * pose.breath, 1 + BREATH_LIFT * pose.breath])
    body = _about(pivot, rotation) @ _about(chest, (1 + LEAN_SCALE * pose.lean) * np.eye(2)) @ _about(pivot, breath)
    person = _camera(pose.zoom, pose.pan_x, pose.pan_y, size=size, focus=focus) @ body
    zoom = 1 + parallax * (pose.zoom - 1)
    background = _camera(zoom, parallax * pose.pan_x, parallax * pose.pan_y, size=size, focus=focus)
    return person[:2], background[:2]


def _camera(zoom: float, pan_x: float, pan_y: float, *, size: tuple, focus: tuple | None) -> np.ndarray:
    """3x3 matrix of the camera: ``zoom`` about the focus, then the pan it leaves room for."""
    width, height = size
    centre = (width / 2, height / 2) if focus is None else focus
    m = _about(centre, zoom * np.eye(2))
    # Zoomed about the focus, the frame shows the picture from focus * (1 - 1 / zoom)
    # on: a pan may reach that far to one side, and the rest of the way to the other.
    spare = zoom - 1
    m[0, 2] += np.clip(pan_x * width, -(width - centre[0]) * spare, centre[0] * spare)
    m[1, 2] += np.clip(pan_y * height, -(height - centre[1]) * spare, centre[1] * spare)
    return m


def _push_pull_fill(image: np.ndarray, known: np.ndarray, *, at: np.ndarray | None = None) -> np.ndarray:
    """Fill the pixels where ``known`` is 0 with a smooth blend of the known ones nearby.

    Averages known colour down an image pyramid, then fills each level's gaps from the
    coarser level on the way back up: fast, seamless and free of inpainting's streaks.
    With ``at`` (flat pixel indices [shape=(n,)]) only those pixels' fill is returned,
    [shape=(n, channels)]: the finest level, as large as the rest together three times
    over, is blended there alone (split_rim reads a rim of a few percent of the picture).
    """
    levels = []
    colour = np.multiply(image, known[..., None], dtype=np.float32)
    weight = known.astype(np.float32)
    while min(colour.shape[:2]) > 4:
        levels.append((colour, weight))
        colour, weight = cv2.pyrDown(colour), cv2.pyrDown(weight)
    # The coarsest level leans on the mean of all known colour where it has next to none of
    # its own (a character as wide as half the picture, its far side: black before).
    known_mean = colour.sum(axis=(0, 1)) / max(float(weight.sum()), 1e-6)
    filled = (colour + 1e-3 * known_mean) / (weight + 1e-3)[..., None]
    for level in reversed(range(len(levels))):
        colour, weight = levels[level]
        up = cv2.pyrUp(filled, dstsize=(colour.shape[1], colour.shape[0]))
        if level == 0 and at is not None:
            colour, weight, up = _pixels(colour, at), _pixels(weight, at), _pixels(up, at)
        trust = np.clip(4 * weight, 0, 1)[..., None]
        filled = trust * colour / np.maximum(weight, 1e-6)[..., None] + (1 - trust) * up
    if at is not None and not levels:  # 4 pixels across or fewer: the coarsest level is the finest
        return _pixels(filled, at)
    return filled


def _pixels(image: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The pixels at flat indices ``at`` of ``image`` [shape=(h, w, ...)]: [shape=(n, ...)]."""
    return image.reshape(-1, *image.shape[2:])[at]


def background_plate(image: np.ndarray, mask: np.ndarray, *, work_size: int = 384) -> np.ndarray:
    """The picture with its characters painted out.

    Only where a character is solid (``mask`` near 1) is the picture replaced, so that
    blending the unmoved layers gives back the picture; the fill there is drawn from the
    clear background's common colours (see FILL_OUTLIER), with half-character edge pixels
    counting little, and given the scene's grain (see GRAIN_CLIP). split_rim then takes the
    characters' outline out of the plate where it can.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    mask : np.ndarray [shape=(h, w), float, 0..1]
        1 = character.

    Returns
    -------
    np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        Identical to ``image`` wherever ``mask`` is below 0.85.
    """
    height, width = image.shape[:2]
    mask = np.clip(mask, 0, 1).astype(np.float32)
    if mask.min() > 0.85:  # nothing but character: no scene to reveal
        return np.full_like(image, np.median(image.reshape(-1, 3), axis=0).astype(np.uint8))
    scale = min(1.0, work_size / max(height, width))
    small_size = (max(8, round(width * scale)), max(8, round(height * scale)))
    small = cv2.resize(image, small_size, interpolation=cv2.INTER_AREA)
    clear = (1 - cv2.resize(mask, small_size, interpolation=cv2.INTER_AREA)) ** 4
    likeness = _likeness(small, clear, reach=FILL_REACH * max(small_size))
    # The scene's grain is filled in beside its colour, then added back as fixed noise, so
    # that the fill does not read as a blur beside the scene (see GRAIN_CLIP).
    luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    detail = np.minimum(np.abs(luma - cv2.GaussianBlur(luma, (0, 0), GRAIN_SCALE)), GRAIN_CLIP)
    detail = cv2.resize(detail, small_size, interpolation=cv2.INTER_AREA)
    filled = _push_pull_fill(np.dstack([small.astype(np.float32), detail]), clear * likeness)
    # The picture is replaced only inside the box around the solid character.
    solid = mask > 0.85
    rows, cols = np.flatnonzero(solid.any(axis=1)), np.flatnonzero(solid.any(axis=0))
    plate = image.copy()
    if len(rows) == 0:
        return plate
    box = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    filled = cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR)[box]
    filled = filled[..., :3] + (filled[..., 3] * _grain_pattern(height, width)[box])[..., None]
    cover = np.clip((mask[box] - 0.85) / 0.15, 0, 1)[..., None]
    plate[box] = np.clip(image[box].astype(np.float32) * (1 - cover) + filled * cover + 0.5, 0, 255).astype(np.uint8)
    return plate


# The fill draws on the scene's common colours around the characters, not on what is rare
# there: a pixel whose colour is FILL_OUTLIER levels from the weighted mean of the scene
# within FILL_REACH of the picture's longer side (standard deviation of a Gaussian; 13 px
# at 720p) counts half, twice as far a fifth, and the mean is taken again FILL_ROUNDS times
# (towards a median).
# Beside Grace Hopper's cap a flag's gold cord, 4 px wide and 5 px from the cap, was the
# nearest bright thing, and the plain mean smeared it some 10 px into the fill: a tan band
# that showed beside the cord whenever she swayed away.
FILL_REACH = 0.01
FILL_OUTLIER = 24.0
FILL_ROUNDS = 3


def _likeness(image: np.ndarray, weight: np.ndarray, *, reach: float) -> np.ndarray:
    """How common each pixel's colour [shape=(h, w), float32, 0..1] is in the scene
    (``weight``) within ``reach`` pixels (see FILL_OUTLIER), so that thin lines and specks do
    not colour a fill. The means, smooth at that reach, are taken on a copy shrunk to a
    third of it."""
    height, width = image.shape[:2]
    step = max(1.0, reach / 3)
    small_size = (max(1, round(width / step)), max(1, round(height / step)))
    colour = image.astype(np.float32)
    likeness = np.ones(weight.shape, np.float32)
    for _ in range(FILL_ROUNDS):
        counted = weight * likeness
        sums = cv2.resize(np.dstack([colour * counted[..., None], counted]), small_size, interpolation=cv2.INTER_AREA)
        sums = cv2.GaussianBlur(sums, (0, 0), reach / step)
        mean = cv2.resize(sums[..., :3] / np.maximum(sums[..., 3:], 1e-6), (width, height), interpolation=cv2.INTER_LINEAR)
        likeness = 1 / (1 + (np.linalg.norm(colour - mean, axis=-1) / FILL_OUTLIER) ** 2)
    return likeness


# The grain added to the fill matches the scene's: the mean distance of its luma from a blur
# of GRAIN_SCALE pixels, each pixel's counted up to GRAIN_CLIP levels (so edges and stars
# count as no more than strong grain). On the portrait the fill's luma varied 1.9 levels
# over 5 x 5 pixels (now 5.1), the scene around it 8.7.
GRAIN_SCALE = 1.0
GRAIN_CLIP = 12.0
GRAIN_TILE = 256  # the noise repeats every this many pixels, too far apart to see


def _grain_pattern(height: int, width: int) -> np.ndarray:
    """Fixed noise [shape=(height, width), float32] whose mean distance from its blur of
    GRAIN_SCALE pixels is 1 (the same measure as the scene's grain): the same every run."""
    noise = np.random.default_rng(0).standard_normal((GRAIN_TILE, GRAIN_TILE)).astype(np.float32)
    reach = int(4 * GRAIN_SCALE) + 1  # blurred as if tiled already, so that no seam shows
    noise = cv2.GaussianBlur(np.pad(noise, reach, mode="wrap"), (0, 0), 0.5 * GRAIN_SCALE)
    detail = noise - cv2.GaussianBlur(noise, (0, 0), GRAIN_SCALE)
    noise = noise[reach:-reach, reach:-reach] / np.abs(detail[reach:-reach, reach:-reach]).mean()
    reps = (-(-height // GRAIN_TILE), -(-width // GRAIN_TILE))
    return np.tile(noise, reps)[:height, :width]


RIM_LOW = 0.03  # below this much character a pixel belongs to the scene alone
RIM_HIGH = 0.99  # above this, to the character alone
# A rim pixel further than this share of |F - B| from the line between its two sides is no
# blend of them (the mask strayed onto a third thing: a light wall where the nearest clear
# scene is a dark stand); split, its plate took the suit's colour away from the wall's and
# went cyan beside the astronaut's shoulder.
RIM_UNEXPLAINED = 0.5
# Where the clear scene's colours within RIM_TEXTURE_REACH pixels of a rim pixel spread
# (standard deviation) more than RIM_TEXTURE of |F - B| (a flag: gold cords and white stars
# on dark blue), the nearest clear colour B need not be what lies behind the pixel: beside
# Grace Hopper's cap B was a gold cord, the dark flag between cord and cap (mask 0.03-0.2)
# came out as character, the plate there as cord, and broken gold streaks moved with her
# head. There a pixel the mask calls mostly scene (below RIM_SCENE) gets no more character
# than the mask gives it. The reach spans the rim (about 12 pixels wide at 720p) and as
# much clear scene again; on the plain blue wall beside her the spread is about a
# twentieth of |F - B| (99% of its rim under 0.15), and the split there is untouched.
RIM_TEXTURE = 0.2
RIM_TEXTURE_REACH = 12
RIM_SCENE = 0.5
# On plain scene, a rim pixel within HALO_REACH pixels outside the mask's half line that
# stands out from the scene beyond it (what the blend does not explain) by more than
# HALO_STANDOUT times the scene's spread (its grain), and HALO_MIN levels at least (less
# does not show), is the picture's own edge halo (JPEG ringing, a jacket's light rim): it goes
# with the character, and the plate there takes the scene's colour. The plate kept it
# before, and beside Grace Hopper's dark shoulder a 1 px light line, 20-45 levels from the
# blue wall, stayed on the wall whenever she breathed or swayed.
HALO_REACH = 2
HALO_STANDOUT = 2.0
HALO_MIN = 16.0


def split_rim(image: np.ndarray, mask: np.ndarray, plate: np.ndarray) -> tuple:
    """Share the soft rim of the characters between their layer and the plate.

    A rim pixel mixes the character's colour F with the scene's B. With F and B taken from
    the nearest pure pixels on either side, its share of character is its projection
    ``a = (I - B).(F - B) / |F - B|^2``, and what the line does not explain, ``r = I - (a F
    + (1 - a) B)``, is the rim's own detail (an ear's lighter edge) or the scene's grain.
    The plate keeps it as much as the pixel is scene, ``B + (1 - a) r``, the character
    the rest, ``F + (2 - a) r``: drawn over each other with ``a`` they give the picture
    back exactly where nothing moves, and when the body moves, no trace of its outline
    stays on the plate (the dark ghost beside a shoulder; the light outline of an ear the
    plate kept when it took all of ``r``) nor of the old scene on the body. Where F and B
    look alike (a ghost would not show), where the pixel is no blend of them (see
    RIM_UNEXPLAINED), or the picture has no pure pixels on one side, the mask and the
    plate are kept as they are. Where the scene around is textured, a pixel the mask calls
    mostly scene is given no more character than the mask gives it (see RIM_TEXTURE).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    mask : np.ndarray [shape=(h, w), float, 0..1]
        The characters, feathered.
    plate : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture with the characters painted out (see background_plate).

    Returns
    -------
    alpha : np.ndarray [shape=(h, w), uint8]
        The character layer's opacity.
    plate : np.ndarray [shape=(h, w, 3), uint8]
    index : np.ndarray [shape=(n,), int]
        Flat pixel indices of the rim.
    delta : np.ndarray [shape=(n, 3), int16]
        What to add to a frame there to get the character's own colour.
    """
    mask = np.clip(mask, 0, 1).astype(np.float32)
    alpha = np.round(255 * mask).astype(np.uint8)
    inside, outside = mask >= RIM_HIGH, mask < RIM_LOW
    if not inside.any() or not outside.any():
        return alpha, plate, np.zeros(0, int), np.zeros((0, 3), np.int16)
    rim = np.flatnonzero(~inside & ~outside)
    # The nearest pure colours on either side, from the pixels around (however wide the rim).
    inner = _push_pull_fill(image, inside.astype(np.float32), at=rim)
    outer = _push_pull_fill(image, outside.astype(np.float32), at=rim)
    contrast = np.linalg.norm(inner - outer, axis=-1)
    distinct = contrast > 12
    index, f, b, contrast = rim[distinct], inner[distinct], outer[distinct], contrast[distinct]
    pixel = _pixels(image, index).astype(np.float32)
    across = f - b
    share = np.clip(np.sum((pixel - b) * across, axis=1) / np.sum(across * across, axis=1), 0, 1)[:, None]
    spread = _scene_spread(image, outside, at=index)
    textured = spread > RIM_TEXTURE * contrast
    covered = mask.reshape(-1)[index]  # the mask's own share of character
    held = textured & (covered < RIM_SCENE)
    share[held, 0] = np.minimum(share[held, 0], covered[held])
    blend = np.linalg.norm(pixel - (b + share * across), axis=1) <= RIM_UNEXPLAINED * np.linalg.norm(across, axis=1)
    index, pixel, f, b, across, share = index[blend], pixel[blend], f[blend], b[blend], across[blend], share[blend]
    covered, spread, textured = covered[blend], spread[blend], textured[blend]
    alpha.reshape(-1)[index] = np.round(255 * share[:, 0]).astype(np.uint8)
    unexplained = pixel - (b + share * across)
    plate = plate.copy()
    plate.reshape(-1, 3)[index] = np.clip(np.round(b + (1 - share) * unexplained), 0, 255).astype(np.uint8)
    delta = np.round(np.clip(f + (2 - share) * unexplained, 0, 255) - pixel).astype(np.int16)
    # The edge halo: wholly character, as the picture has it, and the scene behind it.
    near = cv2.distanceTransform((mask < 0.5).astype(np.uint8), cv2.DIST_L2, 5).reshape(-1)[index] <= HALO_REACH
    standout = np.linalg.norm(unexplained, axis=1) > np.maximum(HALO_STANDOUT * spread, HALO_MIN)
    halo = near & ~textured & (covered < 0.5) & standout
    alpha.reshape(-1)[index[halo]] = 255
    plate.reshape(-1, 3)[index[halo]] = np.clip(np.round(b[halo]), 0, 255).astype(np.uint8)
    delta[halo] = 0
    return alpha, plate, index, delta


def _scene_spread(image: np.ndarray, outside: np.ndarray, *, at: np.ndarray) -> np.ndarray:
    """Standard deviation of the clear scene's colour within RIM_TEXTURE_REACH pixels of the
    pixels at flat indices ``at`` (the length of its per-channel deviations) [shape=(n,)],
    filled in from around where no clear pixel is that near."""
    size = (2 * RIM_TEXTURE_REACH + 1,) * 2
    clear = cv2.boxFilter(outside.astype(np.float32), -1, size)  # the share of clear pixels around
    share = cv2.merge([np.maximum(clear, 1e-6)] * 3)
    colour = (image * outside[..., None]).astype(np.float32)  # the clear scene's, 0 elsewhere
    mean = cv2.divide(cv2.boxFilter(colour, -1, size), share)
    square = cv2.divide(cv2.boxFilter(cv2.multiply(colour, colour), -1, size), share)
    variance = cv2.max(cv2.subtract(square, cv2.multiply(mean, mean)), 0)
    variance = _push_pull_fill(variance, (clear > 0.05).astype(np.float32), at=at)
    return np.sqrt(variance.sum(-1))


class StageAnimator:
    """The two layers of a picture, prepared once, composed for each frame's body pose.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture at output size.
    mask : np.ndarray [shape=(h, w), float, 0..1]
        The characters (see characters.person_mask).
    backdrop : (r, g, b), optional
        For a cut-out whose mask is its own transparency: the colour it was flattened
        over, which is then exactly what lies behind it. Otherwise the scene behind the
        characters is painted in from around them.
    sharp_boxes : list of (x0, y0, x1, y1), optional
        Where fine detail matters most (the faces, already resampled by their own warps):
        their luma warped bicubically there, bilinearly elsewhere. The faces are resampled
        a second time; on the portrait (eyes, cheeks, chin: detail kept against the
        picture) a bicubic pass keeps 0.83, 0.82, 0.77, a Lanczos one 0.84, 0.83, 0.79 at
        2.7 times the cost, a bilinear one 0.59, 0.56, 0.52.
    finest_boxes : list of (x0, y0, x1, y1), optional
        Where the finest detail sits (the eyes): luma warped with a Lanczos kernel.
    focus : (x, y), optional
        What the camera zooms in on (see stage_matrices): the faces, so a push-in moves
        towards them. The frame's centre by default.
    figures : list of (x0, y0, x1, y1), optional
        The characters' heads, one per figure. With two or more, apply takes a BodyPose for
        each, in this order: the layer is shared out between their bodies (see _Split), so
        that each breathes, sways and leans about its own base. Figures whose heads are
        too close to pass between (one above the other) share a body: ``groups`` lists
        them, and the first one's pose moves it.
    """

    def __init__(
        self,
        image: np.ndarray,
        mask: np.ndarray,
        *,
        backdrop: tuple | None = None,
        sharp_boxes=(),
        finest_boxes=(),
        focus: tuple | None = None,
        figures=(),
    ):
        height, width = image.shape[:2]
        self.size = (width, height)
        mask = np.clip(mask, 0, 1).astype(np.float32)
        if backdrop is None:
            sigma = max(1.0, 0.002 * np.hypot(width, height))
            mask = cv2.GaussianBlur(mask, (0, 0), sigma)
            plate = background_plate(image, mask)
        else:  # a cut-out's edges are anti-aliased by the artist already, over this very colour
            plate = np.empty_like(image)
            plate[:] = np.asarray(backdrop, dtype=np.uint8)
        self.alpha = np.round(255 * mask).astype(np.uint8)  # 8 bits: warps faster than float
        self.rim = None  # (box, lift, lower): what to add and take away along the rim
        if backdrop is None:
            self.alpha, plate, index, delta = split_rim(image, mask, plate)
            self.rim = _rim_correction(index, delta, self.size)
        # The plate in YUV [shape=(h, w, 3), uint8], a view inside a copy padded by ZOOM_PAD
        # (see _zoomed), the padding its edge pixels repeated, as a warp would read them.
        self.padded_plate = cv2.copyMakeBorder(rgb_to_yuv444(plate), *(ZOOM_PAD,) * 4, cv2.BORDER_REPLICATE)
        self.plate = self.padded_plate[ZOOM_PAD:-ZOOM_PAD, ZOOM_PAD:-ZOOM_PAD]
        self.uniform_plate = backdrop is not None  # a flat colour looks the same however it moves
        self.pivot, self.chest = _body_anchors(mask)
        self.split = _Split(mask, figures) if len(figures) > 1 else None
        self.n_figures = len(figures)
        # The figures that move as one body (see _body_groups), left to right.
        self.groups = [list(range(len(figures)))] if self.split is None else self.split.groups
        self.focus = (width / 2, height / 2) if focus is None else (float(focus[0]), float(focus[1]))
        ys, xs = np.nonzero(self.alpha)
        # Corners of the characters' box: only there can the character layer show.
        self.extent = _corners((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)) if len(xs) else None
        self.sharp = [(_corners(box), cv2.INTER_CUBIC) for box in sharp_boxes]
        self.sharp += [(_corners(box), cv2.INTER_LANCZOS4) for box in finest_boxes]
        self._feathers = {}
        if self.extent is not None:
            # The character layer, colour and opacity in one image (one warp moves both), over
            # the characters' box and a margin of clear pixels that every kernel's reach from
            # a visible pixel stays inside: what lies further out never shows.
            (ex0, ey0), (ex1, ey1) = self.extent[0], self.extent[3]
            lx0, ly0 = max(0, int(ex0) - LAYER_MARGIN), max(0, int(ey0) - LAYER_MARGIN)
            lx1, ly1 = min(width, int(ex1) + LAYER_MARGIN), min(height, int(ey1) + LAYER_MARGIN)
            self.layer_box = (lx0, ly0, lx1, ly1)
            self.layer = cv2.merge([*cv2.split(self._unmixed(image, self.layer_box)), self.alpha[ly0:ly1, lx0:lx1]])

    def apply(self, frame: np.ndarray, pose, *, changed: tuple | None = None) -> np.ndarray:
        """The frame seen through this pose's body and camera.

        Parameters
        ----------
        frame : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
            The picture with its faces posed; never modified.
        pose : BodyPose, or a sequence of one BodyPose per figure
            One pose moves all the characters as one body; one per figure (see
            ``figures``) moves each with its own breath, sway and lean, and all with the
            first one's camera.
        changed : (x0, y0, x1, y1), optional
            The only part of ``frame`` that differs from the picture (the actors' region):
            the rest of the character layer is the one prepared once. The whole frame by
            default.

        Returns
        -------
        np.ndarray [shape=(h*3//2, w), dtype=uint8]
            The frame in the encoder's layout: I420, BT.709 tv range (see media.rgb_to_i420).
        """
        width, height = self.size
        move, background_m = self._motion(pose)
        box = (0, 0, 0, 0) if self.extent is None else move.place(self.extent, (0, 0, width, height))
        x0, y0, x1, y1 = box
        out = self._background(background_m)
        if x1 <= x0 or y1 <= y0:
            return yuv444_to_i420(out)
        # Warp the character layer only inside its box as this pose places it.
        layer = self._layer(frame, changed)
        warped = move.warp(layer, box, cv2.INTER_LINEAR)
        person = cv2.cvtColor(warped, cv2.COLOR_RGBA2RGB)  # YUV: drops the fourth channel, opacity
        alpha = cv2.extractChannel(warped, 3)
        for index, (corners, kernel) in enumerate(self.sharp):
            sx0, sy0, sx1, sy1 = move.place(corners, box)
            if sx1 - sx0 > 2 * SHARP_FEATHER and sy1 - sy0 > 2 * SHARP_FEATHER:
                sharp = move.warp_luma(layer, (sx0, sy0, sx1, sy1), kernel)
                view = person[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0]
                luma = cv2.blendLinear(sharp, cv2.extractChannel(view, 0), *self._feather(index, sx1 - sx0, sy1 - sy0))
                cv2.mixChannels([luma], [view], [0, 0])
        # The character over the background: copied where it is opaque, blended only where
        # it is see-through, bands of rows at a time.
        for r0, r1, runs in _coverage(alpha, band=COVER_BAND, min_run=COVER_RUN):
            rows = slice(y0 + r0, y0 + r1)
            for c0, c1, kind in runs:
                if kind == OPAQUE:
                    out[rows, x0 + c0 : x0 + c1] = person[r0:r1, c0:c1]
                elif kind == MIXED:
                    weight = alpha[r0:r1, c0:c1].astype(np.float32)
                    weight *= 1 / 255
                    view = out[rows, x0 + c0 : x0 + c1]
                    cv2.blendLinear(person[r0:r1, c0:c1], view, weight, 1.0 - weight, dst=view)
        return yuv444_to_i420(out)

    def _motion(self, pose) -> tuple:
        """(how the character layer moves: an _Affine or a _Blended, the background's 2x3
        forward matrix) for ``pose`` as apply takes it."""
        poses = [pose] if isinstance(pose, BodyPose) else list(pose)
        figures = max(1, self.n_figures)
        if len(poses) not in (1, figures):
            raise ParameterError(f"pose must be one BodyPose or one for each of the {figures} figures, got {len(poses)}")
        origin = self.layer_box[:2] if self.extent is not None else (0, 0)
        options = dict(size=self.size, focus=self.focus)
        if len(poses) == 1:
            person_m, background_m = stage_matrices(poses[0], pivot=self.pivot, chest=self.chest, **options)
            return _Affine(person_m, origin), background_m
        camera = poses[0]
        matrices = []
        for group, (pivot, chest) in zip(self.split.groups, self.split.anchors):
            body = poses[group[0]]  # a body's figures have the one pose (see groups)
            body = replace(body, zoom=camera.zoom, pan_x=camera.pan_x, pan_y=camera.pan_y)
            matrices.append(stage_matrices(body, pivot=pivot, chest=chest, **options)[0])
        background_m = stage_matrices(camera, pivot=self.pivot, chest=self.chest, **options)[1]
        columns = cv2.invertAffineTransform(_camera(camera.zoom, camera.pan_x, camera.pan_y, **options)[:2])
        return _Blended(matrices, origin, self.split, columns[0], width=self.size[0]), background_m

    def _background(self, matrix: np.ndarray) -> np.ndarray:
        """The whole frame of the plate as the 2x3 forward ``matrix`` moves it: a new array
        (or a view of one) [shape=(h, w, 3), uint8, YUV]. Resampled by cv2.resize where it
        can place its grid (see _zoomed), three times faster than a warp of the frame."""
        if self.uniform_plate:  # a flat colour looks the same however it moves
            return self.plate.copy()
        zoomed = _zoomed(self.padded_plate, matrix, size=self.size, pad=ZOOM_PAD)
        if zoomed is not None:
            return zoomed
        return _warp(self.plate, matrix, (0, 0, *self.size), cv2.INTER_LINEAR)

    def _layer(self, frame: np.ndarray, changed: tuple | None) -> np.ndarray:
        """The character layer [shape=(lh, lw, 4), uint8, YUV and opacity] over layer_box
        with ``frame``'s ``changed`` part in it."""
        lx0, ly0, lx1, ly1 = self.layer_box
        cx0, cy0, cx1, cy1 = self.layer_box if changed is None else changed
        cx0, cy0, cx1, cy1 = max(cx0, lx0), max(cy0, ly0), min(cx1, lx1), min(cy1, ly1)
        layer = self.layer.copy()
        if cx1 > cx0 and cy1 > cy0:
            part = self._unmixed(frame, (cx0, cy0, cx1, cy1))
            cv2.mixChannels([part], [layer[cy0 - ly0 : cy1 - ly0, cx0 - lx0 : cx1 - lx0]], [0, 0, 1, 1, 2, 2])
        return layer

    def _feather(self, index: int, width: int, height: int) -> tuple:
        """edge_feather's weights for sharp box ``index`` at this size, kept until its size
        changes (it grows slowly as the camera pushes in)."""
        size, weights = self._feathers.get(index, (None, None))
        if size != (width, height):
            weights = edge_feather(width, height, ramp=SHARP_FEATHER)
            self._feathers[index] = ((width, height), weights)
        return weights

    def _unmixed(self, frame: np.ndarray, box: tuple) -> np.ndarray:
        """``frame``'s part ``box`` with the character's own colour along its rim (see
        split_rim), in YUV [shape=(bh, bw, 3), uint8]."""
        x0, y0, x1, y1 = box
        out = frame[y0:y1, x0:x1].copy()
        if self.rim is None:
            return rgb_to_yuv444(out)
        (rx0, ry0, rx1, ry1), lift, lower = self.rim
        ix0, iy0, ix1, iy1 = max(x0, rx0), max(y0, ry0), min(x1, rx1), min(y1, ry1)
        if ix1 > ix0 and iy1 > iy0:
            view = out[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0]
            rim = (slice(iy0 - ry0, iy1 - ry0), slice(ix0 - rx0, ix1 - rx0))
            cv2.add(view, lift[rim], dst=view)  # saturating, like the colours split_rim clipped
            cv2.subtract(view, lower[rim], dst=view)
        return rgb_to_yuv444(out)


class _Affine:
    """The character layer moved as one body: a 2x3 forward ``matrix`` (picture -> frame)
    on the layer whose pixel (0, 0) is the picture's ``origin``."""

    def __init__(self, matrix: np.ndarray, origin: tuple):
        self.matrix = matrix
        self.local = _read_from(matrix, origin)

    def place(self, corners: np.ndarray, limits: tuple) -> tuple:
        """Integer box of the frame, inside ``limits``, where picture ``corners`` land."""
        return _placed(corners, self.matrix, limits)

    def warp(self, layer: np.ndarray, box: tuple, kernel: int) -> np.ndarray:
        """The part ``box`` of the frame from ``layer``."""
        return _warp(layer, self.local, box, kernel)

    def warp_luma(self, layer: np.ndarray, box: tuple, kernel: int) -> np.ndarray:
        """The part ``box`` of the frame from the layer's luma, from only the pixels it reaches."""
        height, width = layer.shape[:2]
        inverse = cv2.invertAffineTransform(self.local)
        source, origin = _luma_around(layer, _placed(_corners(box), inverse, (0, 0, width, height)))
        return _warp(source, _read_from(self.local, origin), box, kernel)


def _luma_around(layer: np.ndarray, reach: tuple) -> tuple:
    """(the layer's luma over ``reach`` (x0, y0, x1, y1) widened by KERNEL_REACH, inside the
    layer; its top-left corner (x, y) in the layer)."""
    height, width = layer.shape[:2]
    rx0, ry0 = max(0, reach[0] - KERNEL_REACH), max(0, reach[1] - KERNEL_REACH)
    rx1, ry1 = min(width, reach[2] + KERNEL_REACH), min(height, reach[3] + KERNEL_REACH)
    return cv2.extractChannel(layer[ry0:ry1, rx0:rx1], 0), (rx0, ry0)


# Between two heads the layer passes from one body to the next over RAMP_SHARE of the gap
# between them, or MIN_RAMP of their mean width when they are closer: a gentle bend, never
# a seam (on examples/two_faces.jpg 121 px wide, where the two people meet: a full breath's
# 6 px at the shoulder against a still neighbour, a shear of 5%). Heads closer than that
# move as one body (see _body_groups).
RAMP_SHARE, MIN_RAMP = 0.5, 0.5


def _body_groups(heads: np.ndarray) -> list:
    """The figures that move as one body, left to right: lists of indices into ``heads``.

    Heads that overlap in x (one above the other: a back row, a child held in front) or
    stand closer than a ramp (MIN_RAMP of their mean width) leave no room to pass from one
    body to the next outside them: a ramp would run through the faces, tilting and bending
    each with a mix of two bodies' motions. They share one body instead, and so does any
    head that comes that close to a group's heads.

    Parameters
    ----------
    heads : np.ndarray [shape=(n_figures, 4), float]
        (x0, y0, x1, y1) of each figure's head.
    """
    groups = [[int(i)] for i in np.argsort(0.5 * (heads[:, 0] + heads[:, 2]), kind="stable")]
    while True:
        boxes = [_union(heads[group]) for group in groups]
        close = [
            k
            for k, (left, right) in enumerate(zip(boxes[:-1], boxes[1:]))
            if right[0] - left[2] < MIN_RAMP * 0.5 * (left[2] - left[0] + right[2] - right[0])
        ]
        if not close:
            return [sorted(group) for group in groups]
        k = close[0]
        groups[k : k + 2] = [groups[k] + groups[k + 1]]
        groups.sort(key=lambda group: heads[group, 0].min() + heads[group, 2].max())  # by centre


def _union(boxes: np.ndarray) -> np.ndarray:
    """(x0, y0, x1, y1) around every box of ``boxes`` [shape=(n, 4)]."""
    return np.array([boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()])


class _Split:
    """The character layer shared out between bodies side by side.

    The figures are gathered into bodies (see _body_groups): one per figure, but for heads
    too close to pass between, which share one. Each column of the picture belongs to one
    body, but for a ramp in the gap between two neighbouring bodies' heads, placed where
    the fewest character pixels are (where two people meet, or the scene between them),
    across which it passes smoothly from one body to the next. The shares of every column
    sum to 1, so the layer moves as one continuous sheet: where two people touch or
    overlap, nothing tears or doubles.

    Parameters
    ----------
    mask : np.ndarray [shape=(h, w), float, 0..1]
        The characters.
    heads : list of (x0, y0, x1, y1)
        One per figure.
    """

    def __init__(self, mask: np.ndarray, heads):
        heads = np.asarray(heads, dtype=float)
        self.groups = _body_groups(heads)  # left to right
        boxes = [_union(heads[group]) for group in self.groups]
        crowd = mask.sum(axis=0)  # how much character each column holds
        self.ramps = []
        for left, right in zip(boxes[:-1], boxes[1:]):
            gap_start, gap_end = left[2], right[0]
            width = max(RAMP_SHARE * (gap_end - gap_start), MIN_RAMP * 0.5 * (left[2] - left[0] + right[2] - right[0]))
            centre = 0.5 * (gap_start + gap_end)
            lo, hi = int(np.ceil(gap_start + width / 2)), int(np.floor(gap_end - width / 2))
            if hi > lo:  # room to choose: the emptiest stretch of the gap, a ramp wide
                window = max(1, int(width))
                emptiness = np.convolve(crowd, np.ones(window) / window, mode="same")[lo : hi + 1]
                centre = lo + float(np.argmin(emptiness))
            self.ramps.append((centre - width / 2, centre + width / 2))
        columns = np.arange(mask.shape[1], dtype=float)
        self.anchors = [_body_anchors(mask * share[None, :]) for share in self.shares(columns)]

    def shares(self, x: np.ndarray) -> np.ndarray:
        """[shape=(n_bodies, len(x)), float64, 0..1]: how much of picture column ``x``
        each body (in the order of ``groups``) moves; the shares of a column sum to 1."""
        x = np.asarray(x, dtype=np.float64)
        place = np.zeros_like(x)  # 0 on the leftmost body, 1 on the next, ...
        for lo, hi in self.ramps:
            u = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
            place += u * u * (3 - 2 * u)
        return np.maximum(0.0, 1 - np.abs(place[None, :] - np.arange(len(self.groups))[:, None]))


class _Blended:
    """The character layer moved by several bodies at once: every pixel of the frame is
    read from where the bodies' inverse matrices take it, weighted by the shares
    (_Split.shares) of its column, so the layer bends smoothly between the bodies. Columns
    wholly one body's are that body's affine warp: only the ramps between bodies need
    a per-pixel map.

    Parameters
    ----------
    matrices : list of np.ndarray [shape=(2, 3)]
        Each body's forward matrix, picture -> frame (see stage_matrices), in the order
        of the split's groups.
    origin : (x, y)
        The picture's pixel at the layer's (0, 0).
    split : _Split
    columns : np.ndarray [shape=(3,)]
        The first row of the camera's inverse: the camera neither turns nor shears, so
        the picture column a frame column shows is ``columns @ (x, y, 1)``, whatever y.
    width : int
        The frame's.
    """

    def __init__(self, matrices: list, origin: tuple, split: "_Split", columns: np.ndarray, *, width: int):
        self.matrices = matrices
        self.figures = [_Affine(matrix, origin) for matrix in matrices]
        self.inverses = np.array([cv2.invertAffineTransform(figure.local) for figure in self.figures])
        # Each body's share of every frame column [shape=(n_bodies, width)], and the
        # body that has a column wholly (-1: shared).
        self.shares = split.shares(columns[0] * np.arange(width) + columns[2])
        self.owner = np.where(self.shares.max(axis=0) == 1.0, self.shares.argmax(axis=0), -1)

    def place(self, corners: np.ndarray, limits: tuple) -> tuple:
        """Integer box of the frame, inside ``limits``, where picture ``corners`` land
        under any of the bodies (a blend of them lands between)."""
        boxes = np.array([_placed(corners, matrix, limits) for matrix in self.matrices])
        return (*map(int, boxes[:, :2].min(0)), *map(int, boxes[:, 2:].max(0)))

    def warp(self, layer: np.ndarray, box: tuple, kernel: int) -> np.ndarray:
        """The part ``box`` of the frame from ``layer``."""
        x0, y0, x1, y1 = box
        out = np.empty((y1 - y0, x1 - x0, *layer.shape[2:]), layer.dtype)
        for c0, c1, figure in self._runs(box):
            part, view = (c0, y0, c1, y1), out[:, c0 - x0 : c1 - x0]
            if figure >= 0:
                _warp(layer, self.figures[figure].local, part, kernel, dst=view)
            else:
                cv2.remap(layer, *self._maps(part), kernel, dst=view, borderMode=cv2.BORDER_REPLICATE)
        return out

    def warp_luma(self, layer: np.ndarray, box: tuple, kernel: int) -> np.ndarray:
        """The part ``box`` of the frame from the layer's luma, from only the pixels it reaches."""
        x0, y0, x1, y1 = box
        out = np.empty((y1 - y0, x1 - x0), layer.dtype)
        for c0, c1, figure in self._runs(box):
            part, view = (c0, y0, c1, y1), out[:, c0 - x0 : c1 - x0]
            if figure >= 0:
                view[:] = self.figures[figure].warp_luma(layer, part, kernel)
                continue
            map_x, map_y = self._maps(part)
            reach = (int(np.floor(map_x.min())), int(np.floor(map_y.min())), int(np.ceil(map_x.max())) + 1,
                     int(np.ceil(map_y.max())) + 1)  # fmt: skip
            source, (rx0, ry0) = _luma_around(layer, reach)
            cv2.remap(source, map_x - rx0, map_y - ry0, kernel, dst=view, borderMode=cv2.BORDER_REPLICATE)
        return out

    def _runs(self, box: tuple) -> list:
        """(col0, col1, figure) frame columns of ``box``, left to right: wholly one figure's,
        or shared (figure -1)."""
        x0, _, x1, _ = box
        owner = self.owner[x0:x1]
        cuts = np.flatnonzero(owner[1:] != owner[:-1]) + 1
        starts, ends = np.concatenate([[0], cuts]), np.concatenate([cuts, [len(owner)]])
        return [(x0 + int(a), x0 + int(b), int(owner[a])) for a, b in zip(starts, ends)]

    def _maps(self, box: tuple) -> tuple:
        """(map_x, map_y) [shape=(bh, bw), float32]: the layer pixel each frame pixel of
        ``box`` reads. Per column, sum_k share_k (inverse_k @ (x, y, 1)) is a constant plus
        y times a slope, so the two maps cost one multiply-add per pixel."""
        x0, y0, x1, y1 = box
        xs = np.arange(x0, x1, dtype=np.float64)
        shares, inverses = self.shares[:, x0:x1], self.inverses  # (n_figures, bw), (n_figures, 2, 3)
        constant = np.einsum("kn,kr->rn", shares, inverses[:, :, 0]) * xs + np.einsum("kn,kr->rn", shares, inverses[:, :, 2])
        slope = np.einsum("kn,kr->rn", shares, inverses[:, :, 1])
        ys = np.arange(y0, y1, dtype=np.float32)[:, None]
        constant, slope = constant.astype(np.float32), slope.astype(np.float32)
        return ys * slope[0] + constant[0], ys * slope[1] + constant[1]


def _rim_correction(index: np.ndarray, delta: np.ndarray, size: tuple) -> tuple | None:
    """split_rim's per-pixel ``delta`` as two dense uint8 images over its box (what to add,
    what to take away): saturating adds over a box beat a gather and scatter of the pixels."""
    width, _ = size
    moved = np.abs(delta).max(axis=1) > 0
    index, delta = index[moved], delta[moved]
    if len(index) == 0:
        return None
    ys, xs = np.divmod(index, width)
    x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    lift = np.zeros((y1 - y0, x1 - x0, 3), np.uint8)
    lower = np.zeros_like(lift)
    lift[ys - y0, xs - x0] = np.clip(delta, 0, 255)
    lower[ys - y0, xs - x0] = np.clip(-delta, 0, 255)
    return (int(x0), int(y0), int(x1), int(y1)), lift, lower


SHARP_FEATHER = 8  # pixels over which the sharp faces fade into the bilinear rest
KERNEL_REACH = 4  # pixels the widest kernel (Lanczos, 8x8) reads beyond the nearest one
# Clear pixels around the characters kept in their layer: a visible pixel is within 2 of
# the characters' box, and its kernel reads KERNEL_REACH further.
LAYER_MARGIN = 2 + KERNEL_REACH + 2
COVER_BAND = 64  # rows per band when finding where the character hides the background
COVER_RUN = 24  # shorter runs of clear or opaque columns are blended all the same
CLEAR, MIXED, OPAQUE = 0, 1, 2


def _coverage(alpha: np.ndarray, *, band: int, min_run: int) -> list:
    """Where an opacity image is clear, mixed and opaque, by bands of rows.

    Parameters
    ----------
    alpha : np.ndarray [shape=(h, w), dtype=uint8]
        255 = opaque.
    band : int
        Rows per band.
    min_run : int
        Clear or opaque runs of fewer columns count as mixed (a blend gives the same
        pixels there, and costs less than another call).

    Returns
    -------
    list of (row0, row1, runs)
        One per band; ``runs`` lists (col0, col1, kind) covering its columns left to right,
        kind CLEAR (every pixel 0), OPAQUE (every pixel 255) or MIXED.
    """
    height, width = alpha.shape
    n_bands = -(-height // band)
    # The last band repeats its last row to fill up; that changes neither its min nor max.
    rows = np.concatenate([alpha, np.repeat(alpha[-1:], n_bands * band - height, axis=0)])
    rows = rows.reshape(n_bands, band, width)
    kinds = np.where(rows.min(axis=1) == 255, OPAQUE, np.where(rows.max(axis=1) == 0, CLEAR, MIXED))
    bands = []
    for i, kind in enumerate(kinds):
        cuts = np.flatnonzero(kind[1:] != kind[:-1]) + 1
        starts, ends = np.concatenate([[0], cuts]), np.concatenate([cuts, [width]])
        kind = kind[starts]
        kind[(kind != MIXED) & (ends - starts < min_run)] = MIXED
        runs = []
        for c0, c1, k in zip(starts.tolist(), ends.tolist(), kind.tolist()):
            if runs and runs[-1][2] == k:
                runs[-1] = (runs[-1][0], c1, k)
            else:
                runs.append((c0, c1, k))
        bands.append((i * band, min(height, (i + 1) * band), runs))
    return bands


# The camera only zooms and pans (see _camera), which cv2.resize resamples three to seven
# times faster than cv2.warpAffine (1920x1080, one thread: 3 channels 2.7 ms against 9.7, 1
# channel 0.95 against 7.2): the same bilinear kernel, but its grid sits half a pixel in from
# the corners of what it reads. Reading from a whole pixel further in and dropping the first
# few output pixels moves that grid by a fraction of a pixel each (1 - zoom): within
# ZOOM_MAX_SKIP of them it lands within ZOOM_TOLERANCE of where the camera wants it, and
# within 1/256 pixel where it can (a warp rounds its positions to 1/32 pixel). On the flag
# beside Grace Hopper (1080p) the background's jitter, the mean second difference of its pixels
# from frame to frame, was 0.515 levels warped, 0.550 within 1/64 and 0.536 within 1/256 (the
# rest: resize rounds its weights to 1/2048). Zooms near a fraction with a small denominator
# (1.077 = 14/13, where the push-in ends) reach fewer places: at motion strength 1 all but 2
# frames of 750 (30 s) fitted, at 0.5 all, at 0.2 all but 8 (those are warped).
ZOOM_TOLERANCE = 1 / 32
ZOOM_MAX_SKIP = 160
ZOOM_PAD = ZOOM_MAX_SKIP + 4  # the plate's padding: the dropped output pixels read beyond its edge


def _zoom_grid(scale: float, offset: float, *, max_skip: int = ZOOM_MAX_SKIP) -> tuple | None:
    """Where cv2.resize must read and what it must drop so that output pixel x reads source
    position ``scale * x + offset`` (within ZOOM_TOLERANCE), along one axis.

    cv2.resize by ``1 / scale`` of a crop starting at source pixel ``start`` reads, for its
    output pixel j, ``start + (j + 0.5) * scale - 0.5``: output pixel x is resize's pixel
    ``x + skip``. The fewest pixels are dropped that place the grid within an eighth of
    the tolerance, else those that place it best.

    Returns
    -------
    (skip, start) : (int, int), or None when no skip up to ``max_skip`` fits
    """
    starts = offset + 0.5 - (np.arange(max_skip + 1) + 0.5) * scale
    error = np.abs(starts - np.round(starts))
    close = np.flatnonzero(error <= ZOOM_TOLERANCE / 8)
    skip = int(close[0]) if len(close) else int(np.argmin(error))
    if error[skip] > ZOOM_TOLERANCE:
        return None
    return skip, int(np.round(starts[skip]))


def _zoomed(padded: np.ndarray, matrix: np.ndarray, *, size: tuple, pad: int) -> np.ndarray | None:
    """The picture moved by the 2x3 forward ``matrix``, a zoom and a shift, over a frame of
    ``size`` (width, height), bilinearly by cv2.resize (see _zoom_grid): a view of a new array.
    None when the matrix turns or shears, or resize's grid cannot be placed.

    Parameters
    ----------
    padded : np.ndarray [shape=(h + 2 pad, w + 2 pad, ...)]
        The picture with its edges repeated ``pad`` pixels out.
    """
    inverse = cv2.invertAffineTransform(matrix)
    if inverse[0, 1] != 0 or inverse[1, 0] != 0 or inverse[0, 0] <= 0 or inverse[1, 1] <= 0:
        return None
    width, height = size
    across = _zoom_grid(inverse[0, 0], inverse[0, 2] + pad)
    down = _zoom_grid(inverse[1, 1], inverse[1, 2] + pad)
    if across is None or down is None:
        return None
    (skip_x, x0), (skip_y, y0) = across, down
    # Two source pixels more than the output reaches, so that resize never repeats its
    # crop's last pixel where the picture goes on.
    x1 = x0 + int(np.ceil((width + skip_x) * inverse[0, 0])) + 2
    y1 = y0 + int(np.ceil((height + skip_y) * inverse[1, 1])) + 2
    if x0 < 0 or y0 < 0 or x1 > padded.shape[1] or y1 > padded.shape[0]:
        return None
    zoomed = cv2.resize(padded[y0:y1, x0:x1], None, fx=1 / inverse[0, 0], fy=1 / inverse[1, 1], interpolation=cv2.INTER_LINEAR)
    return zoomed[skip_y : skip_y + height, skip_x : skip_x + width]


def _corners(box) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], dtype=float)


def _placed(corners: np.ndarray, matrix: np.ndarray, limits: tuple) -> tuple:
    """Integer box around ``corners`` moved by the 2x3 ``matrix``, clipped to ``limits``."""
    moved = corners @ matrix[:, :2].T + matrix[:, 2]
    lx0, ly0, lx1, ly1 = limits
    x0, y0 = np.maximum(np.floor(moved.min(0)).astype(int) - 1, (lx0, ly0))
    x1, y1 = np.minimum(np.ceil(moved.max(0)).astype(int) + 1, (lx1, ly1))
    return int(x0), int(y0), int(x1), int(y1)


def _read_from(matrix: np.ndarray, origin: tuple) -> np.ndarray:
    """The 2x3 forward ``matrix`` for a crop of its source whose pixel (0, 0) is the
    source's ``origin`` (x, y)."""
    local = matrix.copy()
    local[:, 2] += matrix[:, :2] @ origin
    return local


def _warp(image: np.ndarray, matrix: np.ndarray, box: tuple, interpolation: int, *, dst: np.ndarray | None = None) -> np.ndarray:
    """The part ``box`` (output pixels) of ``image`` warped by the 2x3 forward ``matrix``
    (into ``dst`` when given, a view of the right shape)."""
    x0, y0, x1, y1 = box
    local = matrix.copy()
    local[:, 2] -= (x0, y0)
    return cv2.warpAffine(image, local, (x1 - x0, y1 - y0), dst=dst, flags=interpolation, borderMode=cv2.BORDER_REPLICATE)


def _body_anchors(mask: np.ndarray) -> tuple:
    """(pivot, chest) of the characters from their mask.

    A figure cut by the bottom edge (a portrait) pivots at its hips, a quarter of its
    height below the frame; a whole figure pivots at its feet.
    """
    height, width = mask.shape
    rows = np.flatnonzero(mask.max(axis=1) > 0.5)
    if len(rows) == 0:
        return (width / 2, float(height)), (width / 2, height / 2)
    top, bottom = int(rows[0]), int(rows[-1])
    base = mask[max(top, bottom - max(2, (bottom - top) // 5)) : bottom + 1]
    cols = np.arange(width)
    x = float((base.sum(0) * cols).sum() / max(base.sum(), 1e-6))
    figure = bottom - top + 1
    pivot_y = bottom + 0.25 * figure if bottom >= height - 2 else float(bottom)
    return (x, pivot_y), (x, top + 0.55 * figure)
