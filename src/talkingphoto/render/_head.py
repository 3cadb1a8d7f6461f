"""Head motion as a smooth dense warp that uses the face's depth.

A yaw moves the nose further than the cheeks and leaves the hair outline nearly still,
so a turn looks like a turn and not a shear. The motion fades smoothly to nothing across
the neck and the background around the head, so there is no seam to hide.
"""

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.interpolate import griddata

from ..characters import Face
from ..characters import topology as topo
from ._warp import sample_field

__all__ = ["HeadWarp", "build_head_warp"]

GRID_STEP = 8  # the field is smooth: compute it coarsely, interpolate bilinearly


@dataclass(frozen=True)
class HeadWarp:
    """Precomputed geometry for moving one head.

    Attributes
    ----------
    roi : (x0, y0, x1, y1)
        Pixels outside never move.
    grid_x, grid_y : np.ndarray [shape=(gh, gw), float32]
        Coarse sample positions in image pixels.
    depth : np.ndarray [shape=(gh, gw), float32]
        Distance in front of the rotation axis (pixels); larger = nearer the camera.
    weight : np.ndarray [shape=(gh, gw), float32, 0..1]
        How much of the head's motion each point follows.
    pivot : (x, y)
        Where the neck meets the head, centre of roll.
    face_width : float
    border : np.ndarray [shape=(gh, gw), float32]
        Distance of each grid node to the picture's edge, pixels.
    """

    roi: tuple
    grid_x: np.ndarray
    grid_y: np.ndarray
    depth: np.ndarray
    weight: np.ndarray
    pivot: tuple
    face_width: float
    border: np.ndarray

    def motion(self, *, yaw: float, pitch: float, roll: float, shift_x: float, shift_y: float) -> np.ndarray:
        """How far each grid node moves for this head pose.

        Returns
        -------
        np.ndarray [shape=(gh, gw, 2), dtype=float32]
            Forward displacement (x, y) in pixels; zero on the ROI's border.
        """
        yaw, pitch, roll = np.radians([yaw, pitch, roll])
        px, py = self.pivot
        gx, gy, z = self.grid_x, self.grid_y, self.depth
        # Rotation about a vertical and a horizontal axis behind the face, then roll in the
        # image plane about the neck; small-angle but not linearised, so it stays exact-ish.
        dx = z * np.sin(yaw)
        dy = z * np.sin(pitch)
        rx, ry = gx - px, gy - py
        dx += rx * (np.cos(roll) - 1) - ry * np.sin(roll)
        dy += rx * np.sin(roll) + ry * (np.cos(roll) - 1)
        dx += shift_x * self.face_width
        dy += shift_y * self.face_width
        # Never move a point further than it is from the picture's edge: beyond lies
        # nothing to sample, and replicated edge pixels would smear in.
        reach = np.hypot(dx, dy)
        weight = np.minimum(self.weight, self.border / np.maximum(reach, 1e-6))
        return np.dstack([dx * weight, dy * weight]).astype(np.float32)

    def displacement(self, motion: np.ndarray, points: np.ndarray) -> np.ndarray:
        """The ``motion`` (see :meth:`motion`) interpolated at ``points`` [shape=(..., 2),
        (x, y) pixels]; zero outside the ROI. Returns float32 of the same shape."""
        x0, y0, x1, y1 = self.roi
        gh, gw = self.grid_x.shape
        spacing = ((x1 - 1 - x0) / max(gw - 1, 1), (y1 - 1 - y0) / max(gh - 1, 1))
        return sample_field(motion, points, start=(x0, y0), spacing=spacing)

    def carry(self, motion: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Where the head's ``motion`` takes ``points`` [shape=(n, 2), (x, y) pixels].

        The backward map samples ``x - displacement(x)``, so a point ``p`` lands at the
        ``q`` with ``q - displacement(q) = p``: solved by fixed-point iteration, which
        converges in two steps for a motion this small and smooth.
        """
        points = np.asarray(points, dtype=np.float64)
        moved = points
        for _ in range(2):
            moved = points + self.displacement(motion, moved)
        return moved

def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0, 1)
    return t * t * (3 - 2 * t)


def build_head_warp(face: Face, *, image_shape: tuple) -> HeadWarp:
    """Lay out the head's region, depth and weight for ``face`` (output pixels)."""
    height, width = image_shape[:2]
    lm = face.landmarks.astype(np.float64)
    oval = lm[topo.FACE_OVAL, :2]
    centre = oval.mean(0)
    face_width = float(np.ptp(oval[:, 0]))
    face_height = float(np.ptp(oval[:, 1]))
    # Head ellipse: the face plus hair above and beside it; the chin sits just inside.
    head_centre = centre - [0, 0.12 * face_height]
    ax, ay = 0.85 * face_width, 0.68 * face_height
    reach = 1.55  # the weight has faded to zero at this multiple of the ellipse
    roi = (
        int(max(0, np.floor(head_centre[0] - reach * ax))),
        int(max(0, np.floor(head_centre[1] - reach * ay))),
        int(min(width, np.ceil(head_centre[0] + reach * ax))),
        int(min(height, np.ceil(head_centre[1] + reach * ay))),
    )
    x0, y0, x1, y1 = roi
    gw = int(np.ceil((x1 - x0) / GRID_STEP)) + 1
    gh = int(np.ceil((y1 - y0) / GRID_STEP)) + 1
    # Grid nodes span the ROI exactly so that resizing to the ROI lines up with them.
    xs = np.linspace(x0, x1 - 1, gw)
    ys = np.linspace(y0, y1 - 1, gh)
    grid_x, grid_y = np.meshgrid(xs, ys)

    # Depth: the mesh's own z inside the face, the face outline's depth outside it.
    # z is negative towards the camera; the rotation axis sits behind the cheeks.
    z_outline = float(np.median(lm[topo.FACE_OVAL, 2]))
    axis = z_outline + 0.3 * face_width
    z = griddata(lm[:, :2], lm[:, 2], (grid_x, grid_y), method="linear")
    z = np.where(np.isnan(z), z_outline, z)
    z = cv2.GaussianBlur(z.astype(np.float32), (0, 0), 1.0)
    depth = axis - z

    e = np.hypot((grid_x - head_centre[0]) / ax, (grid_y - head_centre[1]) / ay)
    weight = 1.0 - _smoothstep(1.0, reach, e)
    border = np.minimum.reduce([grid_x, width - 1 - grid_x, grid_y, height - 1 - grid_y])
    pivot = (float(centre[0]), float(lm[topo.CHIN, 1] + 0.25 * face_height))
    return HeadWarp(
        roi=roi,
        grid_x=grid_x.astype(np.float32),
        grid_y=grid_y.astype(np.float32),
        depth=depth.astype(np.float32),
        weight=weight.astype(np.float32),
        pivot=pivot,
        face_width=face_width,
        border=border.astype(np.float32),
    )
