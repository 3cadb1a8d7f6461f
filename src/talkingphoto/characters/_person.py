"""Separating the characters from their background, for master mode's moving camera.

Best source first: the picture's own transparency (a sprite or cut-out is exact), else
mediapipe's selfie segmentation (people in photos and most painted art). A drawn character
on a flat page (a sprite saved without its transparency, a drawing on plain paper) is cut
out along the page instead: the segmenter reads line art patchily, and a half-kept figure
moves as a ghost of itself. A face the mask misses gets its head added, so the face that
talks never tears away from the layer it moves with.
"""

import cv2
import numpy as np
from scipy import ndimage

from .._native import quiet_native_logs
from ..errors import MissingDependencyError, ParameterError
from ._finder import _MEDIAPIPE_PIN, _check_image

__all__ = ["person_mask", "has_cutout"]

# The page: the colour at least PAGE_BORDER_SHARE of the picture's border pixels lie within
# PAGE_DE of (CIE76 on Lab), and all of the picture the border reaches through that colour
# to within its grain on the border (twice the 90th percentile of its scatter, plus two; a
# JPEG's flat page scatters by 1-2), at least PAGE_DE_MIN. A light skin can lie 7.5 from a
# light grey page: a looser match flooded a drawn face through a gap in its outline. A
# border colour with a grain over PAGE_GRAIN is a scene's (a sky's gradient), not a page.
PAGE_BORDER_SHARE = 0.3
PAGE_DE = 10.0
PAGE_DE_MIN = 3.0
PAGE_GRAIN = 4.0
PAGE_SPECK = 16  # pixels (per 100,000) under which a patch off the page colour is its grain
PAGE_BRIDGE = 7  # pixels: pieces on the page joined only by something thinner are two
# What fills this share of two opposite sides of the picture is a framed picture between
# bars (a letterboxed screenshot), not a figure on a page: cut out as one, its scene would
# lose its own parallax.
PAGE_FRAMED = 0.6
# A drawn figure takes this share of the picture's diagonal of the page around it: four
# times the stage's feather (render/_stage.py, sigma 0.002 of the diagonal), so its inked
# outline stays solid character and the feathered rim lies on the page, page over page (a
# rim across the outline left a ghost of it on the background). None within three margins
# of a photo on the same page, which the page carried with the figure would slide over.
PAGE_MARGIN = 0.008
# Within this share of the picture's longer side around the figure its cut-out takes the
# place of the segmenter's reading.
PAGE_AROUND = 0.03


def has_cutout(alpha: np.ndarray | None) -> bool:
    """True when ``alpha`` [shape=(h, w), uint8] separates a figure from a see-through
    background (between 5% and 95% of the picture clear), not just a stray soft edge."""
    if alpha is None:
        return False
    clear = float(np.mean(alpha < 128))
    return 0.05 < clear < 0.95


def _segment(image: np.ndarray) -> np.ndarray:
    try:
        from mediapipe.python.solutions.selfie_segmentation import SelfieSegmentation
    except ImportError as exc:
        raise MissingDependencyError(f"master mode needs mediapipe: pip install '{_MEDIAPIPE_PIN}'") from exc
    # The general model (0) outlines shoulders and hair better than the landscape one.
    with quiet_native_logs(), SelfieSegmentation(model_selection=0) as segmenter:
        result = segmenter.process(np.ascontiguousarray(image))
    if result.segmentation_mask is None:
        return np.zeros(image.shape[:2], np.float32)
    return np.clip(result.segmentation_mask, 0, 1).astype(np.float32)


def _page(image: np.ndarray) -> np.ndarray | None:
    """Where ``image`` is a flat page [shape=(h, w), bool] (see PAGE_BORDER_SHARE), or None
    when its border has no colour in common or the page would be almost none or all of it."""
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    border = np.concatenate([lab[0], lab[-1], lab[1:-1, 0], lab[1:-1, -1]])
    bins, counts = np.unique(np.round(border / 4.0), axis=0, return_counts=True)
    common = border[np.all(np.round(border / 4.0) == bins[np.argmax(counts)], axis=1)]
    colour = np.median(common, axis=0)
    off = np.linalg.norm(border - colour, axis=1)
    if np.mean(off < PAGE_DE) < PAGE_BORDER_SHARE:
        return None
    grain = float(np.percentile(off[off < PAGE_DE], 90))
    if grain > PAGE_GRAIN:
        return None
    tolerance = max(2.0 * grain + 2.0, PAGE_DE_MIN)
    near = (np.linalg.norm(lab - colour, axis=2) < tolerance).astype(np.uint8)
    _, labels = cv2.connectedComponents(near, connectivity=4)
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    page = np.isin(labels, np.unique(edge[edge > 0]))
    return page if 0.05 < page.mean() < 0.95 else None


def _drawn_figures(image: np.ndarray, faces: list) -> tuple | None:
    """The drawn characters cut out along a flat page: ``(cut, around)``, the figures [shape=
    (h, w), float32, 0 or 1] and where that replaces the segmenter's reading [bool]; None
    without a page or a drawn face on one."""
    drawn = [face for face in faces if face.style == "drawn"]
    page = _page(image) if drawn else None
    if page is None:
        return None
    # Everything on the page is drawing (a strand of hair the page parts from the rest
    # included), but what a photo face sits on and specks of the page's own grain.
    labels = _pieces(~page)
    photos = list({labels[_centre(face.box, page.shape)] for face in faces if face.style != "drawn"} - {0})
    if not {labels[_centre(face.box, page.shape)] for face in drawn} - {0} - set(photos):
        return None  # every drawn face on the page itself, or one piece with a photo
    _, blobs, stats, _ = cv2.connectedComponentsWithStats((~page).astype(np.uint8), connectivity=8)
    specks = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < max(PAGE_SPECK, PAGE_SPECK * page.size / 1e5))
    figure = (labels > 0) & ~np.isin(labels, photos) & ~np.isin(blobs, specks)
    sides = (figure[:, 0].mean(), figure[:, -1].mean()), (figure[0].mean(), figure[-1].mean())
    if any(min(pair) >= PAGE_FRAMED for pair in sides):
        return None  # the picture itself between bars (a letterboxed frame), not a figure on a page
    # What the figure encloses (the page between an arm and the body) moves with it.
    figure = ndimage.binary_fill_holes(figure)
    margin = int(np.ceil(PAGE_MARGIN * np.hypot(*page.shape)))
    grown = cv2.dilate(figure.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1,) * 2))
    others = np.isin(labels, photos).astype(np.uint8)
    near_others = cv2.dilate(others, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (6 * margin + 1,) * 2))
    figure |= (grown > 0) & (near_others == 0)  # page, and specks of its grain
    reach = max(1, int(round(PAGE_AROUND * max(page.shape))))
    around = cv2.dilate(figure.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    around &= others == 0  # a photo's piece keeps the segmenter's reading, up to the figure
    return figure.astype(np.float32), around


def _pieces(off_page: np.ndarray) -> np.ndarray:
    """Labels [shape=(h, w), int32; 0 on the page] of the pieces on a page, ``off_page``
    [bool] split where a bridge under PAGE_BRIDGE pixels wide joins them (the page's grain
    between a drawing's hem and a photo's edge two pixels away): the pieces an opening
    keeps, and every pixel off the page given to the nearest of them."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (PAGE_BRIDGE, PAGE_BRIDGE))
    core = cv2.morphologyEx(off_page.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    count, core_labels = cv2.connectedComponents(core, connectivity=8)
    if count <= 1:
        return cv2.connectedComponents(off_page.astype(np.uint8), connectivity=8)[1]
    _, nearest = cv2.distanceTransformWithLabels(
        (core == 0).astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_CCOMP
    )
    to_piece = np.zeros(int(nearest.max()) + 1, np.int32)
    to_piece[nearest[core > 0]] = core_labels[core > 0]
    return np.where(off_page, to_piece[nearest], 0)


def _centre(box, shape: tuple) -> tuple:
    """(row, column) of a face box's middle, inside a picture of ``shape``, for indexing."""
    x, y, w, h = box
    return min(max(int(round(y + h / 2)), 0), shape[0] - 1), min(max(int(round(x + w / 2)), 0), shape[1] - 1)


def _head(shape: tuple, box) -> np.ndarray:
    """A soft ellipse over one face box, a little larger than the box (hair, chin)."""
    x, y, w, h = box
    head = np.zeros(shape[:2], np.float32)
    centre = (int(round(x + w / 2)), int(round(y + 0.45 * h)))
    axes = (max(1, int(round(0.62 * w))), max(1, int(round(0.68 * h))))
    cv2.ellipse(head, centre, axes, 0, 0, 360, 1.0, -1)
    return cv2.GaussianBlur(head, (0, 0), max(1.0, 0.05 * w))


def _box_mean(mask: np.ndarray, box) -> float:
    x, y, w, h = (int(round(v)) for v in box)
    inside = mask[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)]
    return float(inside.mean()) if inside.size else 0.0


def person_mask(image: np.ndarray, faces: list, *, alpha: np.ndarray | None = None) -> np.ndarray:
    """How much each pixel belongs to the characters rather than the scene behind them.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    faces : list of Face
        The characters' faces, in the pixels of ``image``; a head the mask misses is added.
    alpha : np.ndarray [shape=(h, w), dtype=uint8], optional
        The picture's transparency, used instead of segmentation when it holds a cut-out.

    Returns
    -------
    np.ndarray [shape=(h, w), dtype=float32, range 0..1]
        1 = character, 0 = background.
    """
    image = _check_image(image)
    if alpha is not None and alpha.shape != image.shape[:2]:
        raise ParameterError(f"alpha must have shape {image.shape[:2]}, got {alpha.shape}")
    if has_cutout(alpha):
        mask = alpha.astype(np.float32) / 255.0
    else:
        mask = _segment(image)
        figures = _drawn_figures(image, faces)
        if figures is not None:
            cut, around = figures
            mask = np.where(around, cut, mask).astype(np.float32)
    for face in faces:
        if _box_mean(mask, face.box) < 0.6:  # the segmenter missed this head (a cartoon, an animal)
            mask = np.maximum(mask, _head(image.shape, face.box))
    return mask
