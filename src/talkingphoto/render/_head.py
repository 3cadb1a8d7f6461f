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
from ._warp import identity_maps

__all__ = ["HeadWarp", "build_head_warp"]

GRID_STEP = 8  # the field is smooth: compute it coarsely, upsample bilinearly


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
    """

    roi: tuple
    grid_x: np.ndarray
    grid_y: np.ndarray
    depth: np.ndarray
    weight: np.ndarray
    pivot: tuple
    face_width: float
    identity_x: np.ndarray
    identity_y: np.ndarray
    border: np.ndarray  # distance of each grid node to the picture's edge, pixels

    def maps(self, *, yaw: float, pitch: float, roll: float, shift_x: float, shift_y: float):
        """Backward maps for the head ROI (image-pixel coordinates), float32 (h, w)."""
        x0, y0, x1, y1 = self.roi
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
        dx *= weight
        dy *= weight
        size = (x1 - x0, y1 - y0)
        # Backward map: sample where the moved point came from (valid for small motions).
        # Only the displacement is resampled, so zero motion is an exact identity.
        map_x = self.identity_x - cv2.resize(dx.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
        map_y = self.identity_y - cv2.resize(dy.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
        return map_x, map_y


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
    identity_x, identity_y = identity_maps(y1 - y0, x1 - x0, x0=x0, y0=y0)
    return HeadWarp(
        roi=roi,
        grid_x=grid_x.astype(np.float32),
        grid_y=grid_y.astype(np.float32),
        depth=depth.astype(np.float32),
        weight=weight.astype(np.float32),
        pivot=pivot,
        face_width=face_width,
        identity_x=identity_x,
        identity_y=identity_y,
        border=border.astype(np.float32),
    )
