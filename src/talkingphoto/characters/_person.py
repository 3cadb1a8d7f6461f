"""Separating the characters from their background, for master mode's moving camera.

Best source first: the picture's own transparency (a sprite or cut-out is exact), else
mediapipe's selfie segmentation (people in photos and most painted art). A face the mask
misses gets its head added, so the face that talks never tears away from the layer it
moves with.
"""

import cv2
import numpy as np

from .._native import quiet_native_logs
from ..errors import MissingDependencyError, ParameterError
from ._finder import _MEDIAPIPE_PIN, _check_image

__all__ = ["person_mask", "has_cutout"]


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
    for face in faces:
        if _box_mean(mask, face.box) < 0.6:  # the segmenter missed this head (a cartoon, an animal)
            mask = np.maximum(mask, _head(image.shape, face.box))
    return mask
