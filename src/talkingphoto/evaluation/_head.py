"""Head motion measured on face-mesh landmarks: how far the head turns, nods and tilts,
how far the nose travels, and how often the head moves.

The rotation of each frame is the rigid fit (with scale) of a set of points the face's own
motion never moves (brow ridge, nose, cheekbones, eye corners, temples) onto the same
points of a reference frame, so talking and blinking do not read as head motion.
"""

from dataclasses import asdict, dataclass

import numpy as np

from ..characters import topology as topo
from ..errors import ParameterError

__all__ = ["HeadReport", "head_angles", "head_report", "RIGID_POINTS"]

# Mesh points that only the head moves: forehead and brow ridge, the nose's bridge,
# cheekbones, the eyes' corners, temples. The nose tip and everything below it are left
# out: the mesh pulls them a pixel up as the mouth opens.
RIGID_POINTS = (10, 151, 9, 8, 168, 6, 197, 234, 454, 93, 323, 127, 356, 33, 133, 362, 263, 21, 251, 54, 284, 103, 332, 67, 297, 109, 338)  # fmt: skip
SMOOTH_HZ = 3.0  # the mesh jitters from frame to frame; a head's turns and nods are slower
MOVE_SPEED = 0.25  # iris distances a second of the nose: slower reads as stillness (and is mostly jitter)
MIN_MOVE = 0.12  # seconds: a move lasts at least this long


@dataclass(frozen=True)
class HeadReport:
    """Head motion of one video, measured with the face mesh.

    Every figure is taken on the head's pose fitted to the rigid points in each frame,
    smoothed below SMOOTH_HZ.

    Attributes
    ----------
    yaw_range, pitch_range, roll_range : float
        Spread between the 5th and 95th percentile of each angle, degrees.
    nose_std : float
        Standard deviation of the nose tip's position (both axes together) in units of
        the distance between the iris centres; the nose tip where the fitted head carries
        it, so the mesh's own wobble of that one point does not count.
    moves_per_minute : float
        How often the head starts to move (the nose faster than MOVE_SPEED for at least
        MIN_MOVE).
    moving_fraction : float
        Share of the frames in which the head is moving.
    valid_fraction : float
        Share of the frames in which a face was found.
    """

    yaw_range: float
    pitch_range: float
    roll_range: float
    nose_std: float
    moves_per_minute: float
    moving_fraction: float
    valid_fraction: float

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN becomes None)."""
        return {k: (None if not np.isfinite(v) else float(v)) for k, v in asdict(self).items()}


def _fit(reference: np.ndarray, points: np.ndarray) -> tuple:
    """(scale, R, t) with ``points ~ scale R reference + t`` (least squares, Umeyama)."""
    mean_a, mean_b = reference.mean(0), points.mean(0)
    a, b = reference - mean_a, points - mean_b
    u, singular, vt = np.linalg.svd(a.T @ b)
    flip = np.diag([1.0, 1.0, np.sign(np.linalg.det(vt.T @ u.T))])
    rotation = vt.T @ flip @ u.T
    scale = float((singular * np.diag(flip)).sum() / max((a**2).sum(), 1e-12))
    return scale, rotation, mean_b - scale * rotation @ mean_a


def _poses(landmarks: np.ndarray, reference: np.ndarray | None) -> tuple:
    """(angles [shape=(n, 3)], nose [shape=(n, 2)]) per frame: yaw, pitch, roll in degrees
    and where the fitted head carries the reference's nose tip; NaN without a face."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.ndim != 3 or landmarks.shape[2] != 3:
        raise ParameterError(f"landmarks must have shape (n_frames, n_points, 3), got {landmarks.shape}")
    rigid = list(RIGID_POINTS)
    found = np.isfinite(landmarks[:, rigid]).all(axis=(1, 2))
    angles = np.full((len(landmarks), 3), np.nan)
    nose = np.full((len(landmarks), 2), np.nan)
    if not found.any():
        return angles, nose
    if reference is None:
        reference = landmarks[np.argmax(found)]
    reference = np.asarray(reference, dtype=np.float64)
    for i in np.flatnonzero(found):
        scale, r, t = _fit(reference[rigid], landmarks[i, rigid])
        # R = Rz(roll) Ry(yaw) Rx(pitch): its bottom row is (sin yaw, cos yaw sin pitch,
        # cos yaw cos pitch) and its first column (cos roll cos yaw, sin roll cos yaw, .).
        yaw = np.arcsin(np.clip(r[2, 0], -1, 1))
        pitch = np.arctan2(r[2, 1], r[2, 2])
        roll = np.arctan2(r[1, 0], r[0, 0])
        angles[i] = np.degrees([yaw, pitch, roll])
        nose[i] = (scale * r @ reference[topo.NOSE_TIP] + t)[:2]
    return angles, nose


def head_angles(landmarks: np.ndarray, *, reference: np.ndarray | None = None) -> np.ndarray:
    """Yaw, pitch and roll of the head in every frame, relative to ``reference``.

    Signs follow motion.FaceMotion: positive yaw turns the face to the image's right,
    positive pitch nods down, positive roll tilts clockwise on the image.

    Parameters
    ----------
    landmarks : np.ndarray [shape=(n_frames, 478, 3), float]
        Face-mesh points, x and y in pixels (y down), z depth in the same scale (negative
        towards the camera); NaN in frames without a face.
    reference : np.ndarray [shape=(478, 3)], optional
        The head at rest; the first frame with a face by default.

    Returns
    -------
    np.ndarray [shape=(n_frames, 3), float64]
        (yaw, pitch, roll) in degrees; NaN where no face was found.
    """
    return _poses(landmarks, reference)[0]


def head_report(landmarks: np.ndarray, *, fps: float) -> HeadReport:
    """Figures of the head motion in ``landmarks`` (see :func:`head_angles`) at ``fps``."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    angles, nose = _poses(landmarks, None)
    found = np.isfinite(angles).all(axis=1)
    n = len(landmarks)
    if found.sum() < 3:
        nan = float("nan")
        return HeadReport(nan, nan, nan, nan, nan, nan, float(found.mean()) if n else 0.0)
    eyes = landmarks[found, topo.RIGHT_IRIS_CENTRE, :2] - landmarks[found, topo.LEFT_IRIS_CENTRE, :2]
    unit = float(np.median(np.linalg.norm(eyes, axis=1)))
    angles, nose = _smooth(angles, fps=fps), _smooth(nose, fps=fps) / unit
    spread = np.percentile(angles[found], 95, axis=0) - np.percentile(angles[found], 5, axis=0)
    speed = np.linalg.norm(np.gradient(nose, axis=0), axis=1) * fps
    moving = _runs(speed > MOVE_SPEED, shortest=max(1, int(round(MIN_MOVE * fps))))
    starts = np.flatnonzero(np.diff(moving.astype(int), prepend=0) > 0)
    return HeadReport(
        yaw_range=float(spread[0]),
        pitch_range=float(spread[1]),
        roll_range=float(spread[2]),
        nose_std=float(np.sqrt(nose[found].var(axis=0).sum())),
        moves_per_minute=float(len(starts) / (n / fps) * 60),
        moving_fraction=float(moving[found].mean()),
        valid_fraction=float(found.mean()),
    )


def _smooth(tracks: np.ndarray, *, fps: float) -> np.ndarray:
    """``tracks`` [shape=(n, k)] with gaps filled in and nothing faster than SMOOTH_HZ."""
    from scipy.signal import butter, sosfiltfilt

    frames = np.arange(len(tracks))
    filled = np.empty_like(tracks)
    for k in range(tracks.shape[1]):
        ok = np.isfinite(tracks[:, k])
        filled[:, k] = np.interp(frames, frames[ok], tracks[ok, k])
    sos = butter(2, min(SMOOTH_HZ / (fps / 2), 0.99), output="sos")
    if len(filled) <= 3 * (2 * len(sos) + 1):  # too short for the filter's padding
        return filled
    return sosfiltfilt(sos, filled, axis=0)


def _runs(mask: np.ndarray, *, shortest: int) -> np.ndarray:
    """``mask`` [shape=(n,), bool] with runs of True shorter than ``shortest`` cleared."""
    out = np.zeros(len(mask), bool)
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start >= shortest:
            out[start:stop] = True
    return out
