"""Colour helpers shared by the readers of a picture's mouth, eyes and furred lids: CIE Lab,
and how white (enamel, the white of an eye) a colour is."""

import cv2
import numpy as np


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab of uint8 RGB pixels, L in 0..100 and a, b around 0 (float32)."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb, np.uint8).reshape(-1, 1, 3), cv2.COLOR_RGB2LAB).reshape(-1, 3)
    lab = lab.astype(np.float32)
    return np.stack([lab[:, 0] * (100 / 255), lab[:, 1] - 128, lab[:, 2] - 128], 1).reshape(rgb.shape)


def _whiteness(lab: np.ndarray) -> np.ndarray:
    """Bright and unsaturated scores high: enamel over lips, gums and shadow."""
    return lab[..., 0] - 1.2 * np.hypot(lab[..., 1], lab[..., 2])
