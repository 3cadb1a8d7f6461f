"""Blinks for animals rigged from clicked points: a lid of the fur around the eye closes
over it.

The points give only the eyes' centres. An animal's eye is a compact blob that differs
from the fur around it (a dark rim, a coloured iris): :func:`find_animal_eye` traces its
outline from the centre outwards, where the colour turns into the fur's; catchlights that
cut the outline short are filled in from the eye around them first. Points placed in a
cat-face box, or clicked in haste, often miss the eye's middle on a small cat: the eye is
then looked for around the point (:func:`eye_candidates`), where it must stand out more
clearly. Where nothing does, it gives up (the eye then stays still, as before).
:func:`lid_layer` closes it: the fur above the eye is stretched down over it (and a little
of the fur below up), so the lid keeps the fur's own grain, its edge soft, with a thin
shadow line along it, meeting a little below the eye's middle. Nothing beyond the eye, one
eye height of fur above it and half of one below changes.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from ._colour import _lab
from ._eyes import _clipped_box

__all__ = ["AnimalEye", "eye_candidates", "fill_catchlights", "find_animal_eye", "has_pupil", "lid_layer", "trace_outline"]

EYE_REACH = 0.32  # an eye's outline lies within this share of the distance between the eyes
RAYS = 72  # directions the outline is traced along
SECTOR = 5  # rays the fur's colour in each direction is the median over
STEP = 0.5  # pixels between samples along a ray
BEND = 3  # the outline's radius changes at most this many samples from one ray to the next
# What makes a clear eye. Mean fall in Delta E to the fur per pixel across its outline:
# 4.2-7.1 on a kitten, a calf and a red panda; median Delta E inside it: 35-48 there, 9-17
# for a dog's dark eyes in dark fur (whose outlines wander). The outline fills at least
# SOLID of its convex hull (calf 0.92 with its pointed corners; 0.90 where the red panda's
# catchlight, as white as the fur above, cut the top off its left eye, 0.92 with its
# catchlights filled in).
MIN_EDGE = 3.0
MIN_INSIDE = 22.0
SOLID = 0.91
# Catchlights (see fill_catchlights): specks narrower than SPECK of the reach, within
# SPECK_WITHIN of it from the centre, LIGHTER L* above what lies around them (the red
# panda's highlights, at a reach of 33 px, stand up to 63 and 87 L* above what fills them).
# Tried only where an eye is not clear as it is, so the kitten's and calf's stay as traced.
SPECK = 0.2
SPECK_WITHIN = 0.7
LIGHTER = 20.0
BEYOND = 0.25  # share of the reach beyond the outline that must all look like fur (a catchlight does not)
MIN_RADIUS = 2.0  # pixels: a smaller eye is left still
# Looking for an eye the placed point missed (see find_animal_eye). A cat's eye is about
# 0.42 of the distance between the eyes wide, so SEARCH of that distance reaches from a
# point on its rim to its middle. Blobs of an eye's size stand out in a difference of
# Gaussians (sigmas BLOB_SIGMAS of the distance); the point and the CANDIDATES strongest
# blobs are traced from, each, where not clear or lopsided, again from the middle of the
# outline it has (up to RECENTRE times, RECENTRE_REACH times wider, never beyond
# SEARCH_LIMIT of the point). What is found so must fall more steeply into the fur
# (SEARCH_EDGE: 5.2-13 on the yarn kitten's, the example kitten's and Chelsea's eyes, a
# cat's nose 2.6-3.4), be shaped like an eye (ELLIPTIC) and have a pupil (PUPIL).
SEARCH = 0.25
SEARCH_LIMIT = 0.3
BLOB_SIGMAS = (0.1, 0.2)
CANDIDATES = 3
RECENTRE = 4
RECENTRE_REACH = 1.5
SEARCH_EDGE = 4.0
LOPSIDED = 0.15  # traced from its middle, a cat's outline's middle lies 0.01-0.06 of its width away
# The outline against the ellipse fitted to it, overlap over union (drawn ELLIPSE_ZOOM times
# larger, so a small eye's pixels do not decide): 0.89-0.97 on those six eyes from points up
# to half an eye's width off; 0.65-0.94 (34 of 50 under 0.88) on blobs the search found
# around points placed in GCompris photos and drawings without a cat (arches, windows, fruit).
ELLIPTIC = 0.88
ELLIPSE_ZOOM = 4
# A pupil: the darkest tenth within PUPIL_CORE of the eye's radius from its middle at least
# PUPIL L* darker than the median beyond PUPIL_RING (the iris). 8.5-27.5 on those six eyes;
# 40 of 74 blobs found in pictures without a cat had less.
PUPIL = 6.0
PUPIL_CORE = 0.4
PUPIL_RING = 0.6
MEET = 0.65  # the lids meet this far down the eye (the upper lid does most of the work)
LID_REACH = 1.0  # the upper lid's fur comes from this many eye heights above the eye
LOW_REACH = 0.5  # the lower lid's from this many below it
COVER = 1.5  # pixels the lid reaches past the traced outline (its rim's soft edge)
TAPER = 0.15  # share of the eye's width beyond each corner over which the lids' travel fades out
LASH_DARKEN = 0.35  # the lid's edge line darkens the fur by this much, at its middle
LASH_WIDTH = 0.05  # ... over this share of the eye's height (at least a pixel)
LASH_IN = 0.25  # the line fades in over this much of a blink (the open eye has its own rim)


@dataclass(frozen=True)
class AnimalEye:
    """One eye's outline, as columns of a box in picture pixels.

    Attributes
    ----------
    box : (x0, y0, x1, y1)
        What a blink may change: the eye and the fur above and below it the lids are made of.
    columns : np.ndarray [shape=(n,), float64]
        Picture x of each column the eye spans.
    top, bottom : np.ndarray [shape=(n,), float64]
        Picture y of the eye's upper and lower edges in each column (with COVER).
    height : float
        The eye's height in pixels.
    """

    box: tuple
    columns: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    height: float


def find_animal_eye(image: np.ndarray, centre, other) -> AnimalEye | None:
    """The eye at or near the placed ``centre`` ([x, y] picture pixels) of ``image``
    [shape=(h, w, 3), uint8, RGB]; ``other`` is the other eye's centre (it sets the scale).
    None when no compact blob unlike the fur around it is there (dark eyes in dark fur, a
    blurry picture, fur, a blank background). An eye not clear as it is gets a second try
    with its catchlights filled in (:func:`fill_catchlights`); one not found at ``centre``
    is looked for around it (:func:`eye_candidates`)."""
    centre, other = np.asarray(centre, np.float64), np.asarray(other, np.float64)
    apart = other - centre
    polygon = _eye_outline(image, centre, other)
    if polygon is not None and not _lopsided(polygon, centre):
        return _eye_of(polygon, image.shape)
    for start in [centre, *eye_candidates(image, centre, other)]:
        searched = _searched_outline(image, start, apart, placed=centre)
        if searched is not None:
            return _eye_of(searched, image.shape)
    return None if polygon is None else _eye_of(polygon, image.shape)  # lopsided, as before


def _eye_outline(image: np.ndarray, centre, other, *, min_edge: float = MIN_EDGE) -> np.ndarray | None:
    """The clear outline around ``centre`` (see :func:`_clear_outline`), tried again with
    the catchlights filled in."""
    polygon = _clear_outline(image, centre, other, min_edge=min_edge)
    if polygon is None:  # a catchlight may have cut the outline short
        filled = fill_catchlights(image, centre, other)
        polygon = _clear_outline(filled, centre, other, min_edge=min_edge)
    return polygon


def _lopsided(polygon: np.ndarray, start: np.ndarray) -> bool:
    """Whether an outline traced from ``start`` has its middle more than LOPSIDED of its
    width away (traced from off the eye's middle, it may hold only part of the eye)."""
    return bool(np.linalg.norm(_middle(polygon) - start) > LOPSIDED * np.ptp(polygon[:, 0]))


def _searched_outline(image: np.ndarray, start: np.ndarray, apart: np.ndarray, *, placed: np.ndarray):
    """The outline of an eye looked for from ``start`` (``apart`` from the other eye's
    centre), not at the ``placed`` point: SEARCH_EDGE clear, traced from ``start`` or, when
    it is not clear or lopsided there, from where its outline's middle leads
    (:func:`_recentred`), shaped like an eye (:func:`_elliptic`) and with a pupil
    (:func:`has_pupil`). None if there is none."""
    polygon = _eye_outline(image, start, start + apart, min_edge=SEARCH_EDGE)
    if polygon is None or _lopsided(polygon, start):
        moved = _recentred(image, start, apart, placed=placed)
        polygon = None if moved is None else _eye_outline(image, moved, moved + apart, min_edge=SEARCH_EDGE)
    return polygon if polygon is not None and _elliptic(polygon) and has_pupil(image, polygon) else None


def _elliptic(polygon: np.ndarray) -> bool:
    """Whether ``polygon`` [shape=(k, 2), picture pixels] overlaps the ellipse fitted to it
    by ELLIPTIC of their union or more (an eye; not an arch, a window, a bottle)."""
    if len(polygon) < 5:
        return False
    (cx, cy), (major, minor), angle = cv2.fitEllipse(polygon.astype(np.float32))
    corner = np.floor(polygon.min(axis=0)) - 2
    size = (np.ceil(np.ptp(polygon, axis=0)).astype(int) + 5) * ELLIPSE_ZOOM
    shape, ellipse = np.zeros((size[1], size[0]), np.uint8), np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(shape, [np.round((polygon - corner) * ELLIPSE_ZOOM).astype(np.int32)], 1)
    middle = ((cx - corner[0]) * ELLIPSE_ZOOM, (cy - corner[1]) * ELLIPSE_ZOOM)
    cv2.ellipse(ellipse, (middle, (major * ELLIPSE_ZOOM, minor * ELLIPSE_ZOOM), angle), 1, -1)
    union = int((shape | ellipse).sum())
    return union > 0 and (shape & ellipse).sum() / union >= ELLIPTIC


def has_pupil(image: np.ndarray, polygon: np.ndarray) -> bool:
    """Whether the eye inside ``polygon`` [shape=(k, 2), picture pixels] of ``image``
    [shape=(h, w, 3), uint8, RGB] has a pupil darker than the iris around it (see PUPIL), as
    a cat's slit or round one is; blobs evenly dark or light, or darker at the edge, do not."""
    box = _clipped_box(polygon, 0.0, image.shape)
    if box is None:
        return False
    x0, y0, x1, y1 = box
    if x1 - x0 < 2 or y1 - y0 < 2:
        return False
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(mask, [np.round(polygon - [x0, y0]).astype(np.int32)], 1)
    light = _lab(np.ascontiguousarray(image[y0:y1, x0:x1]))[..., 0]
    ys, xs = np.nonzero(mask)
    middle = _middle(polygon) - [x0, y0]
    radius = np.sqrt(len(xs) / np.pi)
    distance = np.hypot(xs - middle[0], ys - middle[1]) / max(radius, 1e-6)
    core, iris = light[ys, xs][distance < PUPIL_CORE], light[ys, xs][distance > PUPIL_RING]
    if len(core) == 0 or len(iris) == 0:
        return False
    return bool(np.median(iris) - np.percentile(core, 10) >= PUPIL)


def _middle(polygon: np.ndarray) -> np.ndarray:
    """The centroid [x, y] of a ``polygon`` [shape=(k, 2)]'s area (its mean where it has none)."""
    moments = cv2.moments(polygon.astype(np.float32))
    if moments["m00"] <= 0:
        return polygon.mean(axis=0)
    return np.array([moments["m10"], moments["m01"]]) / moments["m00"]


def _recentred(image: np.ndarray, start: np.ndarray, apart: np.ndarray, *, placed: np.ndarray) -> np.ndarray | None:
    """Where the middle of the outline traced from ``start`` leads, traced again from there
    (RECENTRE times at most, RECENTRE_REACH times wider than an eye's reach, so an outline
    from off its middle still closes): a mean shift onto the eye. None if nothing closes,
    or it leaves SEARCH_LIMIT of the eyes' distance around the ``placed`` point."""
    limit = SEARCH_LIMIT * float(np.linalg.norm(apart))
    point = None
    here = start
    for _ in range(RECENTRE):
        traced = trace_outline(image, here, here + RECENTRE_REACH * apart)
        if traced is None:
            break
        middle = _middle(traced[0])
        if np.linalg.norm(middle - placed) > limit:
            return None
        settled = np.linalg.norm(middle - here) < 0.5  # pixels
        point = here = middle
        if settled:
            break
    return point


def eye_candidates(image: np.ndarray, centre, other) -> list:
    """Where, within SEARCH of the eyes' distance around ``centre`` ([x, y] picture
    pixels), an eye of this scale most stands out of ``image`` [shape=(h, w, 3), uint8,
    RGB]: the CANDIDATES strongest peaks of a difference of Gaussians (sigmas BLOB_SIGMAS
    of the distance to ``other``) in CIELAB, strongest first, as [x, y] float64 arrays."""
    centre, other = np.asarray(centre, np.float64), np.asarray(other, np.float64)
    distance = float(np.linalg.norm(other - centre))
    within = SEARCH * distance
    fine, coarse = (sigma * distance for sigma in BLOB_SIGMAS)
    pad = int(np.ceil(within + 3 * coarse))
    h, w = image.shape[:2]
    x0, y0 = max(int(centre[0]) - pad, 0), max(int(centre[1]) - pad, 0)
    x1, y1 = min(int(centre[0]) + pad + 1, w), min(int(centre[1]) + pad + 1, h)
    if x1 <= x0 or y1 <= y0 or coarse <= 0:
        return []
    lab = _lab(np.ascontiguousarray(image[y0:y1, x0:x1])).astype(np.float32)
    blob = np.linalg.norm(cv2.GaussianBlur(lab, (0, 0), fine) - cv2.GaussianBlur(lab, (0, 0), coarse), axis=2)
    peaks = blob >= cv2.dilate(blob, np.ones((3, 3), np.uint8))
    ys, xs = np.mgrid[y0:y1, x0:x1]
    iy, ix = np.nonzero(peaks & (np.hypot(xs - centre[0], ys - centre[1]) <= within))
    strongest = np.argsort(-blob[iy, ix], kind="stable")[:CANDIDATES]
    return [np.array([x0 + ix[k], y0 + iy[k]], np.float64) for k in strongest]


def _clear_outline(image: np.ndarray, centre, other, *, min_edge: float) -> np.ndarray | None:
    """The traced outline's polygon (see :func:`trace_outline`) if it makes a clear eye,
    falling at least ``min_edge`` into the fur."""
    traced = trace_outline(image, centre, other)
    if traced is None:
        return None
    polygon, edge, inside, solid = traced
    return polygon if edge >= min_edge and inside >= MIN_INSIDE and solid >= SOLID else None


def fill_catchlights(image: np.ndarray, centre, other) -> np.ndarray:
    """``image`` [shape=(h, w, 3), uint8, RGB] with the catchlights around the eye at
    ``centre`` filled in from the eye around them, for tracing its outline: a catchlight
    as white as the fur beyond the eye's rim cuts the outline short there.

    A catchlight is a small speck (narrower than SPECK of the reach) within the inner
    part of the reach, at least LIGHTER L* above what lies around it, with a ring around
    it that is unlike the fur (eye, not a light tuft between darker hairs)."""
    centre, other = np.asarray(centre, np.float64), np.asarray(other, np.float64)
    reach = EYE_REACH * float(np.linalg.norm(other - centre))
    h, w = image.shape[:2]
    r = int(np.ceil(reach)) + 2
    x0, y0 = max(int(centre[0]) - r, 0), max(int(centre[1]) - r, 0)
    x1, y1 = min(int(centre[0]) + r + 1, w), min(int(centre[1]) + r + 1, h)
    crop = np.ascontiguousarray(image[y0:y1, x0:x1])
    lab = _lab(crop)
    light = lab[..., 0]
    ys, xs = np.mgrid[y0:y1, x0:x1]
    distance = np.hypot(xs - centre[0], ys - centre[1])
    outer = (distance > 0.75 * reach) & (distance < reach)  # the fur, as in trace_outline
    if not outer.any():
        return image
    fur = np.median(lab[outer], axis=0)
    unlike = np.linalg.norm(lab - fur, axis=2)
    size = 2 * max(1, int(round(SPECK * reach))) + 1
    opened = cv2.morphologyEx(light, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    candidates = ((light - opened > LIGHTER) & (distance < SPECK_WITHIN * reach)).astype(np.uint8)
    n_specks, labels = cv2.connectedComponents(candidates)
    specks = np.zeros(candidates.shape, np.uint8)
    for k in range(1, n_specks):
        speck = labels == k
        ring = cv2.dilate(speck.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~speck  # 2 px around it
        if np.median(light[ring]) < np.median(light[speck]) - LIGHTER and np.median(unlike[ring]) > MIN_INSIDE:
            specks[speck] = 1
    if not specks.any():
        return image
    specks = cv2.dilate(specks, np.ones((3, 3), np.uint8))  # and their soft edges
    filled = image.copy()
    filled[y0:y1, x0:x1] = cv2.inpaint(crop, specks, 3, cv2.INPAINT_TELEA)  # from 3 px around
    return filled


def trace_outline(image: np.ndarray, centre, other) -> tuple | None:
    """The outline around ``centre`` (see :func:`find_animal_eye`) and how clear it is:
    ``(polygon [shape=(k, 2), picture pixels, its convex hull], edge, inside, solid)``, the
    mean fall in Delta E to the fur across it, the median Delta E to the fur inside it, and
    the share of its hull it fills. None if the eyes are too close for an eye or it reaches
    the fur the eye is compared with."""
    centre, other = np.asarray(centre, np.float64), np.asarray(other, np.float64)
    reach = EYE_REACH * float(np.linalg.norm(other - centre))
    if reach < 4 * MIN_RADIUS:
        return None
    angles = np.linspace(0, 2 * np.pi, RAYS, endpoint=False)
    radii = np.arange(MIN_RADIUS, reach, STEP)
    xs = (centre[0] + np.outer(np.cos(angles), radii)).astype(np.float32)
    ys = (centre[1] + np.outer(np.sin(angles), radii)).astype(np.float32)
    lab = cv2.remap(_lab(image), xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # The fur's colour per direction: the outer quarter of the rays, over a sector around it.
    outer = lab[:, int(0.75 * len(radii)) :]
    fur = np.stack([np.median(np.roll(outer, SECTOR // 2 - k, axis=0)[:SECTOR].reshape(-1, 3), axis=0) for k in range(RAYS)])
    unlike = cv2.GaussianBlur(np.linalg.norm(lab - fur[:, None], axis=2), (0, 0), sigmaX=1.0, sigmaY=0.5)
    # The outline is where, going outwards, the colour falls most into the fur's and stays
    # there: a catchlight as white as the fur around it is followed by the eye's dark rim.
    beyond = max(2, int(round(BEYOND * reach / STEP)))
    padded = np.pad(unlike, ((0, 0), (0, beyond)), mode="edge")[:, 1:]
    ahead = np.lib.stride_tricks.sliding_window_view(padded, beyond, axis=1)[:, : unlike.shape[1]].max(axis=2)
    drop = np.maximum(unlike - ahead, 0.0)
    outline = _closed_path(drop, max_step=BEND)
    r = radii[outline]
    if r.max() > 0.9 * reach:
        return None
    rays = np.arange(RAYS)
    edge = float(drop[rays, outline].mean())
    inside = float(np.median(np.concatenate([unlike[k, : outline[k] + 1] for k in rays])))
    polygon = np.stack([centre[0] + np.cos(angles) * r, centre[1] + np.sin(angles) * r], 1).astype(np.float32)
    hull = cv2.convexHull(polygon)[:, 0]
    solid = cv2.contourArea(polygon) / max(cv2.contourArea(hull), 1e-6)
    return hull.astype(np.float64), edge, inside, float(solid)


def _eye_of(polygon: np.ndarray, shape: tuple) -> AnimalEye | None:
    """The AnimalEye of a convex outline [shape=(k, 2), picture pixels] in a picture of ``shape``."""
    x0, x1 = polygon[:, 0].min(), polygon[:, 0].max()
    height = float(np.ptp(polygon[:, 1])) + 2 * COVER
    columns = np.arange(np.ceil(x0), np.floor(x1) + 1)
    top, bottom = _span(polygon, columns)
    keep = bottom - top > 0
    if keep.sum() < 2:
        return None
    columns, top, bottom = columns[keep], top[keep] - COVER, bottom[keep] + COVER
    # Past the corners the lids' travel tapers off to none, so the fur they stretch there
    # meets the still fur beside it without a step.
    taper = max(2, int(np.ceil(TAPER * (columns[-1] - columns[0]))))
    fade = np.arange(taper, 0, -1) / (taper + 1)  # towards the corner's side
    ends = []
    for end, outwards in ((0, -1), (-1, 1)):
        middle = 0.5 * (top[end] + bottom[end])
        half = 0.5 * (bottom[end] - top[end]) * fade
        ends.append((columns[end] + outwards * np.arange(1, taper + 1), middle - half, middle + half))
    (lx, lt, lb), (rx, rt, rb) = ends
    columns = np.concatenate([lx[::-1], columns, rx])
    top = np.concatenate([lt[::-1], top, rt])
    bottom = np.concatenate([lb[::-1], bottom, rb])
    h, w = shape[:2]
    box = (
        int(columns[0] - 1),
        int(np.floor(top.min() - LID_REACH * height - 1)),
        int(columns[-1] + 2),
        int(np.ceil(bottom.max() + LOW_REACH * height + 2)),
    )
    if box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h:
        return None  # the lids would take fur from beyond the picture's edge
    return AnimalEye(box=box, columns=columns, top=top, bottom=bottom, height=height)


def _closed_path(gain: np.ndarray, *, max_step: int) -> np.ndarray:
    """The radius index per ray [shape=(rays,), int] of the path around the centre with the
    most ``gain`` [shape=(rays, radii)], moving at most ``max_step`` between neighbouring
    rays. Traced over three turns, the middle one is kept, so start and end meet."""
    n_rays, n_radii = gain.shape
    tiled = np.vstack([gain, gain, gain])
    score = tiled[0].copy()
    back = np.zeros(tiled.shape, np.int64)
    index = np.arange(n_radii)
    for k in range(1, len(tiled)):
        best = np.full(n_radii, -np.inf)
        arg = np.zeros(n_radii, np.int64)
        for s in range(-max_step, max_step + 1):
            shifted = np.full(n_radii, -np.inf)
            src = index - s
            ok = (src >= 0) & (src < n_radii)
            shifted[ok] = score[src[ok]]
            better = shifted > best
            best[better], arg[better] = shifted[better], src[better]
        score = best + tiled[k]
        back[k] = arg
    path = np.zeros(len(tiled), np.int64)
    path[-1] = int(np.argmax(score))
    for k in range(len(tiled) - 1, 0, -1):
        path[k - 1] = back[k, path[k]]
    return path[n_rays : 2 * n_rays]


def _span(polygon: np.ndarray, columns: np.ndarray) -> tuple:
    """Top and bottom y [shape=(n,)] of a star-shaped ``polygon`` [shape=(k, 2)] in each of
    ``columns`` (equal where a column misses it)."""
    top = np.full(len(columns), np.inf)
    bottom = np.full(len(columns), -np.inf)
    a, b = polygon, np.roll(polygon, -1, axis=0)
    for (ax, ay), (bx, by) in zip(a, b):
        lo, hi = min(ax, bx), max(ax, bx)
        hit = (columns >= lo) & (columns <= hi) & (hi > lo)
        if not hit.any():
            continue
        y = ay + (columns[hit] - ax) * (by - ay) / (bx - ax)
        top[hit] = np.minimum(top[hit], y)
        bottom[hit] = np.maximum(bottom[hit], y)
    missed = ~np.isfinite(top)
    top[missed] = bottom[missed] = 0.0
    return top, bottom


def lid_layer(image: np.ndarray, eye: AnimalEye, blink: float) -> tuple:
    """The eye's box of ``image`` [shape=(h, w, 3), uint8, RGB] closed by ``blink`` (0 open
    .. 1 shut): ``(rgb, alpha)``, [shape=(bh, bw, 3), float32, 0..255] and [shape=(bh, bw),
    float32, 0..1], alpha 0 wherever the picture shows unchanged.

    The upper lid's edge comes down from the eye's top to MEET of its height, the lower
    one's up from its bottom; each lid is the fur beyond it stretched over the way it came
    (continuous with the fur it leaves, so it has no seam there). The edges are soft over
    a pixel and carry a thin shadow line."""
    x0, y0, x1, y1 = eye.box
    height, width = y1 - y0, x1 - x0
    blink = float(np.clip(blink, 0.0, 1.0))
    rows = np.arange(y0, y1, dtype=np.float64)[:, None]
    source = np.broadcast_to(rows, (height, width)).copy()
    lid = np.zeros((height, width))
    lash = np.zeros((height, width))
    cols = (eye.columns - x0).astype(int)
    top, bottom = eye.top[None], eye.bottom[None]
    meet = top + MEET * (bottom - top)
    upper_edge = top + blink * (meet - top)
    lower_edge = bottom - blink * (bottom - meet)
    above = top - LID_REACH * eye.height
    below = bottom + LOW_REACH * eye.height
    y = rows
    # Upper lid: rows above..upper_edge show the fur above..top, stretched.
    stretch = (top - above) / np.maximum(upper_edge - above, 1e-6)
    in_upper = (y >= above) & (y < upper_edge + 0.5)
    upper_source = above + (y - above) * stretch
    stretch_low = (below - bottom) / np.maximum(below - lower_edge, 1e-6)
    in_lower = (y <= below) & (y > lower_edge - 0.5)
    lower_source = below - (below - y) * stretch_low
    column_source = source[:, cols]
    column_source = np.where(in_upper, upper_source, column_source)
    column_source = np.where(in_lower & ~in_upper, lower_source, column_source)
    source[:, cols] = column_source
    # Coverage of each pixel by the lids (soft over a pixel at the edges; where they meet,
    # the row between them is half of each).
    cover = np.clip(np.clip(upper_edge - y + 0.5, 0, 1) + np.clip(y - lower_edge + 0.5, 0, 1), 0, 1)
    cover *= (y >= above - 1) & (y <= below + 1)
    lid[:, cols] = cover
    # A thin shadow along each edge, on the lid, faded in as the lid starts to move.
    line = max(1.0, LASH_WIDTH * eye.height)
    strength = LASH_DARKEN * min(1.0, blink / LASH_IN)
    shade = np.maximum(
        np.exp(-(((upper_edge - line / 2 - y) / line) ** 2)),
        0.5 * np.exp(-(((y - lower_edge - line / 2) / line) ** 2)),
    )
    # Thinning out towards the corners like a pen's line (it stays on the eye).
    reach = np.clip((bottom - top) / (0.5 * eye.height), 0.0, 1.0)
    lash[:, cols] = strength * shade * reach * (cover > 0)
    xs = np.broadcast_to(np.arange(x0, x1, dtype=np.float32)[None], (height, width))
    stretched = cv2.remap(image, xs, source.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    still = image[y0:y1, x0:x1].astype(np.float32)
    rgb = still + lid[..., None] * (stretched.astype(np.float32) - still)
    rgb *= 1.0 - lash[..., None]
    changed = (np.abs(source - rows) > 0.01) | (lash > 0.002) | ((lid > 0) & (lid < 1))
    alpha = (changed & (blink > 0)).astype(np.float32)
    return rgb.astype(np.float32), alpha
