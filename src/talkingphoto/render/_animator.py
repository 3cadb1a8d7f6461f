"""Posing faces in a frame: local face warp, mouth interior, then head motion."""

from dataclasses import dataclass, replace

import numpy as np

from ..characters import Face
from ._eyes import lid_palette, paint_lash_line, paint_lid
from ._head import HeadWarp, build_head_warp
from ._mouth import paint_mouth, read_mouth
from ._rig import Pose, build_rig, mouth_polygon, pose_points
from ._warp import piecewise_affine_maps, remap

__all__ = ["FaceAnimator", "HeadPose"]


@dataclass(frozen=True)
class HeadPose:
    """Head motion for one frame (see motion.FaceMotion for units and signs)."""

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0


class FaceAnimator:
    """Everything needed to pose one face, prepared once from the still picture.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture at output size.
    face : Face
        The face, in output pixels.
    whole_face : bool
        Rig eyes and brows too (vivid); otherwise only the lower face can change.
    head_motion : bool
        Allow head rotation and sway.
    """

    def __init__(self, image: np.ndarray, face: Face, *, whole_face: bool, head_motion: bool):
        # The mouth is read first: a line-art mouth moves the lips onto the drawn one.
        face, self.look, self.erased = read_mouth(image, face)
        self.face = face
        self.rig = build_rig(face, image_shape=image.shape, whole_face=whole_face)
        # Big faces: the warp is smooth enough to compute at half resolution (4x less work);
        # small mouths keep every pixel.
        self.map_step = 2 if self.rig.mouth_width >= 48 else 1
        self.head: HeadWarp | None = build_head_warp(face, image_shape=image.shape) if head_motion else None
        if self.erased is not None:
            # Only the rig's region is ever rewritten: nothing outside it may change.
            (bx0, by0, bx1, by1), erased, where = self.erased
            rx0, ry0, rx1, ry1 = self.rig.roi
            ys, xs = np.mgrid[by0:by1, bx0:bx1]
            where = where & (xs >= rx0) & (xs < rx1) & (ys >= ry0) & (ys < ry1)
            self.erased = ((bx0, by0, bx1, by1), erased, where)
        self.lids = {}
        if self.rig.lids != "still" and "right_upper_lid" in self.rig.slot:
            for side in ("right", "left"):
                upper = self.rig.vertices(f"{side}_upper_lid")
                lower = self.rig.vertices(f"{side}_lower_lid")
                self.lids[side] = lid_palette(image, upper, lower)
            # One character, one pen: both closed eyes get the darker lash and the bolder line.
            lash = min((p.lash for p in self.lids.values()), key=sum)
            thickness = max(p.thickness for p in self.lids.values())
            if self.rig.lids == "squash":
                thickness *= 0.45  # photo lashes: a fine line, not an inked stroke
            self.lids = {side: replace(p, lash=lash, thickness=thickness) for side, p in self.lids.items()}

    @property
    def region(self) -> tuple:
        """(x0, y0, x1, y1): no pixel outside it ever changes."""
        if self.head is None:
            return self.rig.roi
        a, b = self.rig.roi, self.head.roi
        return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))

    def posed_points(self, pose: Pose) -> np.ndarray:
        """Mesh vertices for ``pose`` [shape=(n, 2), float64, picture pixels]."""
        return pose_points(self.rig, pose)

    def apply(self, frame: np.ndarray, pose: Pose, head: HeadPose | None = None) -> None:
        """Pose the face in ``frame`` (RGB uint8, output size), in place."""
        rig = self.rig
        x0, y0, x1, y1 = rig.roi
        dst = pose_points(rig, pose)
        # The picture's own mouth shows at rest; leaving it, the painted one takes over
        # within a frame or two (a drawn one replaces it: its own is erased first).
        replaced = float(np.clip(2.0 * (1.0 - pose.rest), 0.0, 1.0))
        if self.erased is not None and replaced > 0:
            (bx0, by0, bx1, by1), erased, where = self.erased
            box = frame[by0:by1, bx0:bx1]
            box[where] = np.round(box[where] * (1 - replaced) + erased[where] * replaced).astype(np.uint8)
        map_x, map_y, _ = piecewise_affine_maps(
            rig.points, dst, rig.triangles, shape=(y1 - y0, x1 - x0), origin=(x0, y0), step=self.map_step
        )
        patch = remap(frame, map_x, map_y)
        origin = np.array([x0, y0], dtype=np.float64)
        paint_mouth(
            patch,
            mouth_polygon(rig, dst) - origin,
            upper_teeth_edge=rig.vertices("upper_inner") - origin,
            lower_lip_edge=dst[rig.slot["lower_inner"]] - origin,
            lower_lip_rest=rig.vertices("lower_inner") - origin,
            centre=rig.mouth_centre - origin,
            right=rig.right,
            down=rig.down,
            mouth_width=rig.mouth_width,
            look=self.look,
            origin=(x0, y0),
            opacity=replaced,
            rounding=max(0.0, -pose.spread),
            fv=pose.fv,
            tongue=pose.tongue,
        )
        for side, lid in self.lids.items():
            upper = dst[rig.slot[f"{side}_upper_lid"]] - origin
            lower = dst[rig.slot[f"{side}_lower_lid"]] - origin
            if rig.lids == "paint":
                paint_lid(patch, upper, lower, pose.blink, lid)
            else:
                paint_lash_line(patch, upper, pose.blink, lid)
        frame[y0:y1, x0:x1] = patch
        if self.head is not None and head is not None:
            hx0, hy0, hx1, hy1 = self.head.roi
            map_x, map_y = self.head.maps(
                yaw=head.yaw, pitch=head.pitch, roll=head.roll, shift_x=head.shift_x, shift_y=head.shift_y
            )
            frame[hy0:hy1, hx0:hx1] = remap(frame, map_x, map_y)
