"""What a detector reports about one character in the picture."""

from dataclasses import dataclass

import numpy as np

__all__ = ["Face", "N_LANDMARKS"]

N_LANDMARKS = 478  # mediapipe face mesh with refined eyes and irises


@dataclass(frozen=True)
class Face:
    """One character's face, in source-image pixels.

    Attributes
    ----------
    index : int
        Position in the picture, counted left to right from 0 (what ``--face N`` selects).
    box : tuple[int, int, int, int]
        ``(x, y, w, h)`` of the face in source pixels.
    landmarks : np.ndarray [shape=(478, 3), dtype=float32]
        Mediapipe face-mesh topology. x, y in source pixels; z is relative depth in the same
        pixel scale as x (negative = towards the camera). For manual points or anime faces the
        mesh is fitted from a template, so every consumer can rely on all 478 points.
    detector : str
        Which stage of the detection chain found it, e.g. ``"face_mesh"``, ``"face_detection+mesh"``,
        ``"animeface+mesh"``, ``"catface"`` (a cat's face, rigged as clicked points), ``"points"``.
    confidence : float
        0..1, the detector's own score (1.0 for manual points).
    style : str
        ``"photo"`` or ``"drawn"`` (anime, painted, cartoon): drawn faces get flat, stylised mouths.
    eyes_clicked : bool
        Manual points gave both eyes' centres: the iris centres lie on them, not guessed.
    """

    index: int
    box: tuple
    landmarks: np.ndarray
    detector: str
    confidence: float
    style: str = "photo"
    eyes_clicked: bool = False

    def __post_init__(self):
        landmarks = np.asarray(self.landmarks, dtype=np.float32)
        if landmarks.shape != (N_LANDMARKS, 3):
            raise ValueError(f"landmarks must have shape ({N_LANDMARKS}, 3), got {landmarks.shape}")
        object.__setattr__(self, "landmarks", landmarks)
        object.__setattr__(self, "box", tuple(int(v) for v in self.box))
        if self.style not in ("photo", "drawn"):
            raise ValueError(f"style must be 'photo' or 'drawn', got {self.style!r}")

    @property
    def from_points(self) -> bool:
        """Rigged from points, clicked or placed in a cat's face box: an animal's muzzle,
        no lips or lids of its own for the renderer to look for."""
        return self.detector in ("points", "catface")

    def scaled(self, factor: float) -> "Face":
        """The same face in an image resized by ``factor``."""
        x, y, w, h = self.box
        return Face(
            index=self.index,
            box=(round(x * factor), round(y * factor), round(w * factor), round(h * factor)),
            landmarks=self.landmarks * np.float32(factor),
            detector=self.detector,
            confidence=self.confidence,
            style=self.style,
            eyes_clicked=self.eyes_clicked,
        )
