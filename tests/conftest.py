"""Shared fixtures: synthetic faces and pictures, and the real pictures and recordings in tests/data."""

from pathlib import Path

import numpy as np
import pytest

REAL_DATA = Path(__file__).resolve().parent / "data"  # see tests/data/PROVENANCE.md


@pytest.fixture
def real_data() -> Path:
    """Folder of real pictures (``images/``) and recordings (``audio/``) kept in the repo."""
    return REAL_DATA


def synthetic_face(*, size: int = 240, iris_distance: float = 60.0, mouth_gap: float = 0.0, style: str = "photo"):
    """A frontal face of the canonical template placed in a textured ``size`` x ``size`` picture.

    Returns (image [uint8 RGB], Face). ``mouth_gap`` opens the lips by that many pixels.
    """
    from talkingphoto.characters import Face
    from talkingphoto.characters import topology as topo
    from talkingphoto.characters._template import canonical_face

    lm = canonical_face().astype(np.float64) * iris_distance
    lm[:, :2] += [size / 2, size * 0.38]
    lm[topo.LIPS_LOWER_INNER[1:-1], 1] += mouth_gap
    lm[topo.LIPS_LOWER_OUTER[1:-1], 1] += mouth_gap
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size]
    base = np.stack([120 + 60 * np.sin(xx / 9.0), 110 + 50 * np.cos(yy / 7.0), 100 + 0 * xx], -1)
    image = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    x0, y0 = lm[:, :2].min(0)
    x1, y1 = lm[:, :2].max(0)
    face = Face(index=0, box=(x0, y0, x1 - x0, y1 - y0), landmarks=lm.astype(np.float32), detector="test", confidence=1.0, style=style)
    return image, face


def blink_and_rings(animator, image: np.ndarray) -> tuple:
    """Pixels ``animator``'s full blink changes on ``image``, and the eyes' fixed rings
    (filled, grown by a pixel): two boolean masks."""
    import cv2

    from talkingphoto.render import Pose

    open_eyes, shut = image.copy(), image.copy()
    animator.apply(open_eyes, Pose(blink=0.0))
    animator.apply(shut, Pose(blink=1.0))
    inside = np.zeros(image.shape[:2], np.uint8)
    for side in ("right", "left"):
        ring = animator.rig.vertices(f"{side}_eye_ring")
        cv2.fillConvexPoly(inside, cv2.convexHull(np.round(ring).astype(np.int32)), 1)
    return np.any(open_eyes != shut, axis=2), cv2.dilate(inside, np.ones((3, 3), np.uint8)) > 0
