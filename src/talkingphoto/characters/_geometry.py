"""Boxes: ``(x, y, w, h)`` in source pixels, as in :class:`Face`."""

import numpy as np

__all__ = ["box_of", "box_iou", "box_cover", "contains"]


def box_of(landmarks: np.ndarray, image_shape) -> tuple:
    """Bounding box of ``landmarks`` [shape=(n, 2|3)], clipped to the picture ``(h, w[, c])``."""
    height, width = image_shape[:2]
    x0, y0 = np.floor(landmarks[:, :2].min(0))
    x1, y1 = np.ceil(landmarks[:, :2].max(0))
    x0, x1 = np.clip([x0, x1], 0, width)
    y0, y1 = np.clip([y0, y1], 0, height)
    return (int(x0), int(y0), int(x1 - x0), int(y1 - y0))


def _intersection(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    return float(max(w, 0) * max(h, 0))


def box_iou(a, b) -> float:
    """Intersection over union of two boxes, 0..1."""
    inter = _intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def box_cover(a, b) -> float:
    """Share of the smaller box that lies inside the other, 0..1.

    Detectors disagree on how much of a face a box covers (animeface boxes the eyes to the
    chin, the mesh the forehead to the chin), so the same face can have a low IoU but a
    high cover.
    """
    smaller = min(a[2] * a[3], b[2] * b[3])
    return _intersection(a, b) / smaller if smaller > 0 else 0.0


def contains(box, point) -> bool:
    """Whether ``point`` (x, y) lies inside ``box``."""
    x, y, w, h = box
    return x <= point[0] < x + w and y <= point[1] < y + h
