"""Glasses across the brows: a rigid line the brows' motion must stay above.

Browline and cat-eye frames and heavy rims lie right under the brows; warped with them,
they arch and thicken like rubber when the brows rise. Such a frame shows as one steep,
continuous, nearly level edge from one eye's outer corner over the bridge of the nose to
the other's, between the brows and the lids. Brows never cross the nose (the gap between
them is a quarter of that span), a fringe of hair lies higher and softer, and a hairline
or a head's outline arches up in the middle where a frame dips to its bridge.
"""

import cv2
import numpy as np

from ..characters import Face
from ..characters import topology as topo

__all__ = ["rim_line"]

RIM_SCALE = 48.0  # the detector's pixels per eye width: the thresholds below are in these
RIM_ABOVE = 0.25  # the search reaches this far above the brows (fractions of the eye's width)
RIM_LID = 0.08  # ... and stops this far above the upper lids (the lash line is steep too)
RIM_EDGE = 10.0  # grey levels per pixel: the least steepness of a frame's edge
RIM_COVER = 0.95  # share of the line at least that steep
RIM_STRENGTH = 20.0  # median steepness along the line
RIM_RANGE = 0.4  # how far the line may rise and fall (fractions of the eye's width)
RIM_SYMMETRY = 0.1  # mean height difference between mirrored points of the line
RIM_ARCH = 0.05  # how much higher the middle may lie than the line over the eyes
RIM_WINGS = 0.5  # the frame is followed this far beyond the eyes' outer corners, while it lasts


def rim_line(image: np.ndarray, face: Face) -> np.ndarray:
    """The top edge of glasses lying across the brows, from one end of the frame to the
    other (at most RIM_WINGS beyond the eyes' outer corners), or nothing.

    Only photo-like faces (photos, 3D renders) are searched: a drawn face's fitted mesh can
    put its brows in the hair, whose outline is as steep and as long as a frame.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    face : Face
        Landmarks in ``image``'s pixels.

    Returns
    -------
    np.ndarray [shape=(k, 2), float64, picture pixels]
        Points along the edge, one per detector pixel; ``shape=(0, 2)`` when there are no
        glasses (or no face mesh to look from).
    """
    none = np.zeros((0, 2))
    if face.style != "photo" or face.from_points:
        return none
    lm = face.landmarks[:, :2].astype(np.float64)
    patch, to_patch, limit = _upper_face(image, lm)
    wing = int(round(RIM_WINGS * RIM_SCALE))
    if patch.shape[1] < 2 * wing + 8 or patch.shape[0] < 4:  # no room between the eyes
        return none
    steep = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3) / 8  # grey levels per pixel, + = darker above
    rows = np.arange(patch.shape[0])[:, None]
    canon = (to_patch[:, :2] @ lm.T).T + to_patch[:, 2]
    eyes = [int(round(canon[list(ids), 0].mean())) - wing for ids in (topo.RIGHT_EYE, topo.LEFT_EYE)]
    middle = int(round((canon[topo.RIGHT_EYE_UPPER[-1], 0] + canon[topo.LEFT_EYE_UPPER[0], 0]) / 2)) - wing
    found = []
    for sign in (1.0, -1.0):  # darker above (a light frame's top edge), or lighter (a dark one's)
        score = np.clip(sign * steep, -3 * RIM_EDGE, 3 * RIM_EDGE)
        score[(rows < 1) | (rows > limit[None, :])] = -1e6
        whole = _best_path(score)
        path = whole[wing:-wing]  # from one eye's outer corner to the other's
        along = sign * steep[path, np.arange(wing, wing + len(path))]
        arch = np.mean(path[np.clip(eyes, 0, len(path) - 1)]) - path[np.clip(middle, 0, len(path) - 1)]
        if (
            np.mean(along >= RIM_EDGE) >= RIM_COVER
            and np.median(along) >= RIM_STRENGTH
            and np.ptp(path) <= RIM_RANGE * RIM_SCALE
            and np.mean(np.abs(path - path[::-1])) <= RIM_SYMMETRY * RIM_SCALE
            and np.mean(path <= 2) <= 0.1  # not an outline running on above the search
            and arch <= RIM_ARCH * RIM_SCALE
        ):
            steep_enough = sign * steep[whole, np.arange(len(whole))] >= RIM_EDGE
            first, last = _lasting(steep_enough, wing, len(whole) - wing - 1)
            found.append(np.stack([np.arange(first, last + 1), whole[first : last + 1]], 1))
    if not found:
        return none
    xy = min(found, key=lambda line: line[:, 1].mean()).astype(np.float64)  # the frame's top edge
    inverse = cv2.invertAffineTransform(to_patch)
    return xy @ inverse[:, :2].T + inverse[:, 2]


def _lasting(steep: np.ndarray, start: int, stop: int, gap: int = 2) -> tuple:
    """The first and last columns of ``steep`` [shape=(w,), bool] that a run reaching out
    from columns ``start`` and ``stop`` gets to, across gaps of at most ``gap`` columns."""
    ends = []
    for begin, step, end in ((start, -1, -1), (stop, 1, len(steep))):
        reached, missed = begin, 0
        for column in range(begin + step, end, step):
            missed = 0 if steep[column] else missed + 1
            if missed > gap:
                break
            if steep[column]:
                reached = column
        ends.append(reached)
    return ends[0], ends[1]


def _upper_face(image: np.ndarray, lm: np.ndarray) -> tuple:
    """The band between the brows and the eyes (and RIM_WINGS beyond the eyes), levelled
    and scaled to RIM_SCALE pixels per eye width: (grey patch [shape=(ph, pw), float32],
    its affine map from picture pixels [shape=(2, 3)], the lowest row searched in each
    column [shape=(pw,), float64])."""
    width = 0.5 * (
        np.linalg.norm(lm[topo.RIGHT_EYE_UPPER[0]] - lm[topo.RIGHT_EYE_UPPER[-1]])
        + np.linalg.norm(lm[topo.LEFT_EYE_UPPER[0]] - lm[topo.LEFT_EYE_UPPER[-1]])
    )
    across = lm[list(topo.LEFT_EYE)].mean(0) - lm[list(topo.RIGHT_EYE)].mean(0)
    right = across / max(float(np.linalg.norm(across)), 1e-6)
    scale = RIM_SCALE / max(float(width), 1e-6)
    level = scale * np.stack([right, [-right[1], right[0]]])
    canon = lm @ level.T
    wing = int(round(RIM_WINGS * RIM_SCALE))
    x0, x1 = canon[topo.RIGHT_EYE_UPPER[0], 0] - wing, canon[topo.LEFT_EYE_UPPER[-1], 0] + wing
    y0 = canon[list(topo.BROWS), 1].min() - RIM_ABOVE * RIM_SCALE
    y1 = max(canon[topo.RIGHT_EYE_UPPER[-1], 1], canon[topo.LEFT_EYE_UPPER[0], 1])
    to_patch = np.hstack([level, [[-x0], [-y0]]])
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    if scale < 1:  # shrinking: blur first, or the steepness would be measured on aliases
        grey = cv2.GaussianBlur(grey, (0, 0), 0.5 / scale)
    size = (max(int(np.ceil(x1 - x0)), 1), max(int(np.ceil(y1 - y0)), 1))
    patch = cv2.warpAffine(grey, to_patch, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    lids = canon[list(topo.RIGHT_EYE_UPPER) + list(topo.LEFT_EYE_UPPER)] - (x0, y0)
    order = np.argsort(lids[:, 0])
    limit = np.interp(np.arange(size[0]), lids[order, 0], lids[order, 1]) - RIM_LID * RIM_SCALE
    return patch, to_patch, limit


def _best_path(score: np.ndarray) -> np.ndarray:
    """The row in each column [shape=(w,), int] of the left-to-right path, one row up or
    down per column at most, with the largest total ``score`` [shape=(h, w)] less one per
    step up or down (dynamic programming)."""
    height, width = score.shape
    total = score[:, 0].astype(np.float64)
    back = np.zeros((height, width), np.intp)
    rows = np.arange(height)
    for column in range(1, width):
        options = np.stack([np.r_[-np.inf, total[:-1]] - 1.0, total, np.r_[total[1:], -np.inf] - 1.0])
        pick = np.argmax(options, axis=0)
        back[:, column] = rows + pick - 1
        total = options[pick, rows] + score[:, column]
    path = np.zeros(width, np.intp)
    path[-1] = int(np.argmax(total))
    for column in range(width - 1, 0, -1):
        path[column - 1] = back[path[column], column]
    return path
