"""Head motion as a smooth dense warp that uses the face's depth.

A yaw or a nod moves the nose further than the cheeks and leaves the hair outline nearly
still, so a turn looks like a turn and not a shear, and the background beside the head
does not follow it. A tilt moves the whole head; it fades smoothly to nothing across the
neck and the background around the head, so there is no seam to hide. A head whose
surroundings the picture's edge cuts short moves less (HeadWarp.room).
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy.interpolate import griddata

from ..characters import Face
from ..characters import topology as topo
from ._warp import sample_field

__all__ = ["HeadWarp", "build_head_warp"]

GRID_STEP = 8  # the field is smooth: compute it coarsely, interpolate bilinearly
CARRY_STEPS, CARRY_TOLERANCE = 12, 0.02  # HeadWarp.carry: at most so many steps, until it moves less (px)
# Beyond the face, its depth fades out by the hair's outline, at about this fraction of
# the head's ellipse, and over at least NECK_FADE of it (below the chin).
HAIR_LINE, NECK_FADE = 0.95, 0.3
# The pose a head's room is judged by (degrees), and the least share of motion any
# picture keeps (see HeadWarp.room).
REFERENCE_POSE = {"yaw": 8.0, "pitch": 4.0, "roll": 2.5, "shift_x": 0.0, "shift_y": 0.0}
LEAST_ROOM = 0.3


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
        Centre of roll: the head tilts on the top of the spine, which sits behind the
        face at about the mouth's height.
    face_width : float
    border : np.ndarray [shape=(gh, gw), float32]
        Distance of each grid node to the picture's edge, pixels.
    room : float, 0..1
        Share of the full head motion the picture allows: 1 when the head has room
        around it. Near the picture's edge the motion has to stop short of the edge,
        which stretches the picture more sharply there: the share is the steepest
        stretch of REFERENCE_POSE with room, over the steepest one here.
    """

    roi: tuple
    grid_x: np.ndarray
    grid_y: np.ndarray
    depth: np.ndarray
    weight: np.ndarray
    pivot: tuple
    face_width: float
    border: np.ndarray
    room: float = 1.0

    def motion(self, *, yaw: float, pitch: float, roll: float, shift_x: float, shift_y: float) -> np.ndarray:
        """How far each grid node moves for this head pose.

        Returns
        -------
        np.ndarray [shape=(gh, gw, 2), dtype=float32]
            Forward displacement (x, y) in pixels; zero on the ROI's border.
        """
        return self._motion(yaw=yaw, pitch=pitch, roll=roll, shift_x=shift_x, shift_y=shift_y, border=self.border)

    def _motion(self, *, yaw, pitch, roll, shift_x, shift_y, border) -> np.ndarray:
        """:meth:`motion`, stopped short of the picture's edge where ``border`` (see the
        attribute) says it is; None: as if the picture went on."""
        yaw, pitch, roll = np.radians([yaw, pitch, roll])
        px, py = self.pivot
        gx, gy, z = self.grid_x, self.grid_y, self.depth
        # Rotation about a vertical and a horizontal axis behind the face, then roll in the
        # image plane about the pivot; small-angle but not linearised, so it stays exact-ish.
        dx = z * np.sin(yaw)
        dy = z * np.sin(pitch)
        rx, ry = gx - px, gy - py
        dx += rx * (np.cos(roll) - 1) - ry * np.sin(roll)
        dy += rx * np.sin(roll) + ry * (np.cos(roll) - 1)
        dx += shift_x * self.face_width
        dy += shift_y * self.face_width
        # Never move a point further than it is from the picture's edge: beyond lies
        # nothing to sample, and replicated edge pixels would smear in.
        weight = self.weight
        if border is not None:
            weight = np.minimum(weight, border / np.maximum(np.hypot(dx, dy), 1e-6))
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
        ``q`` with ``q - displacement(q) = p``: solved by fixed-point iteration. Each step
        shrinks the error by the motion's steepest slope (about 0.4 around the nose in a
        12-degree turn, where points move up to 40 px), so it takes up to eight steps to
        place the painted mouth and lids within CARRY_TOLERANCE of the warped picture.
        """
        points = np.asarray(points, dtype=np.float64)
        moved = points + self.displacement(motion, points)
        for _ in range(CARRY_STEPS):
            step = points + self.displacement(motion, moved)
            done = np.abs(step - moved).max(initial=0.0) < CARRY_TOLERANCE
            moved = step
            if done:
                break
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

    e = np.hypot((grid_x - head_centre[0]) / ax, (grid_y - head_centre[1]) / ay)

    # Depth: the mesh's own z inside the face; beyond its outline, the outline's depth
    # there, fading to none by the head's outline (hair, ears), which a turn or a nod
    # about the head's middle leaves where it is, and over a longer way below the chin
    # (the neck follows the chin). z is negative towards the camera; the rotation axis
    # sits behind the cheeks.
    axis = float(np.median(lm[topo.FACE_OVAL, 2])) + 0.3 * face_width
    angle = np.arctan2(grid_y - head_centre[1], grid_x - head_centre[0])
    around = np.arctan2(oval[:, 1] - head_centre[1], oval[:, 0] - head_centre[0])
    order = np.argsort(around)
    around = around[order]
    oval_z = lm[topo.FACE_OVAL, 2][order]
    oval_e = np.hypot((oval[order, 0] - head_centre[0]) / ax, (oval[order, 1] - head_centre[1]) / ay)
    z = griddata(lm[:, :2], lm[:, 2], (grid_x, grid_y), method="linear")
    inside = np.isfinite(z)
    outline_z = np.interp(angle, around, oval_z, period=2 * np.pi)
    at_outline = np.interp(angle, around, oval_e, period=2 * np.pi)
    beyond = np.clip((e - at_outline) / np.maximum(HAIR_LINE - at_outline, NECK_FADE), 0.0, 1.0)
    depth = np.where(inside, axis - z, (axis - outline_z) * (1.0 - _smoothstep(0.0, 1.0, beyond)))
    depth = cv2.GaussianBlur(depth.astype(np.float32), (0, 0), 1.0)

    weight = 1.0 - _smoothstep(1.0, reach, e)
    border = np.minimum.reduce([grid_x, width - 1 - grid_x, grid_y, height - 1 - grid_y])
    mouth_y = 0.5 * (lm[topo.MOUTH_CORNER_LEFT, 1] + lm[topo.MOUTH_CORNER_RIGHT, 1])
    pivot = (float(centre[0]), float(mouth_y))
    warp = HeadWarp(
        roi=roi,
        grid_x=grid_x.astype(np.float32),
        grid_y=grid_y.astype(np.float32),
        depth=depth.astype(np.float32),
        weight=weight.astype(np.float32),
        pivot=pivot,
        face_width=face_width,
        border=border.astype(np.float32),
    )
    # Judged around the head, where the picture's edge can cut the fading motion short.
    ring = warp.weight < 1
    free = _steepest(warp, warp._motion(**REFERENCE_POSE, border=None), ring)
    here = _steepest(warp, warp.motion(**REFERENCE_POSE), ring)
    return replace(warp, room=float(np.clip(free / max(here, 1e-9), LEAST_ROOM, 1.0)))


def _steepest(warp: HeadWarp, motion: np.ndarray, where: np.ndarray) -> float:
    """The largest stretch or shear of ``motion`` (see HeadWarp.motion) at the grid nodes
    ``where`` [shape=(gh, gw), bool]: the largest singular value of its gradient, pixels
    per pixel."""
    step_y = float(warp.grid_y[1, 0] - warp.grid_y[0, 0])  # the grid has at least two nodes a side
    step_x = float(warp.grid_x[0, 1] - warp.grid_x[0, 0])
    columns = [np.stack(np.gradient(motion[..., k].astype(np.float64), step_y, step_x)[::-1], axis=-1) for k in range(2)]
    stretch = np.linalg.norm(np.stack(columns, axis=-2), ord=2, axis=(-2, -1))
    return float(stretch[where].max(initial=0.0))
