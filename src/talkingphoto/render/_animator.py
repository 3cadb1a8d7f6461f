"""Posing faces in a frame: local face warp, mouth interior, then head motion."""

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..characters import Face
from ..characters import topology as topo
from ._eyes import lid_palette, paint_lash_line, paint_lid
from ._head import HeadWarp, build_head_warp
from ._mouth import paint_mouth, palette_from_image
from ._rig import Pose, build_rig, interior_opacity, mouth_polygon, pose_points
from ._warp import identity_maps, piecewise_affine_maps, remap

__all__ = ["FaceAnimator", "HeadPose"]


@dataclass(frozen=True)
class HeadPose:
    """Head motion for one frame (see motion.FaceMotion for units and signs)."""

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0


def _polygon_mask(shape, polygon: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
    return mask.astype(bool)


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
        self.face = face
        self.rig = build_rig(face, image_shape=image.shape, whole_face=whole_face)
        # Big faces: the warp is smooth enough to compute at half resolution (4x less work);
        # small mouths keep every pixel.
        self.map_step = 2 if self.rig.mouth_width >= 48 else 1
        self.head: HeadWarp | None = build_head_warp(face, image_shape=image.shape) if head_motion else None
        lm = face.landmarks[:, :2]
        outer = np.vstack([lm[topo.LIPS_UPPER_OUTER], lm[topo.LIPS_LOWER_OUTER][::-1]])
        inner = np.vstack([lm[topo.LIPS_UPPER_INNER], lm[topo.LIPS_LOWER_INNER][::-1]])
        lips = _polygon_mask(image.shape, outer) & ~_polygon_mask(image.shape, inner)
        centre = outer.mean(0)
        around = _polygon_mask(image.shape, centre + 1.8 * (outer - centre))
        skin = around & ~_polygon_mask(image.shape, centre + 1.2 * (outer - centre))
        self.palette = palette_from_image(image, lips, skin, style=face.style)
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

    def apply(self, frame: np.ndarray, pose: Pose, head: HeadPose | None = None) -> None:
        """Pose the face in ``frame`` (RGB uint8, output size), in place.

        With head motion, the face's warp and the head's are composed into one set of maps
        and the frame is resampled once: two bilinear passes in a row would halve the fine
        detail of skin and eyes. The painted parts (mouth interior, lids) are drawn after,
        where the head has carried them.
        """
        rig = self.rig
        x0, y0, x1, y1 = rig.roi
        dst = pose_points(rig, pose)
        map_x, map_y, _ = piecewise_affine_maps(
            rig.points, dst, rig.triangles, shape=(y1 - y0, x1 - x0), origin=(x0, y0), step=self.map_step
        )
        if self.head is None or head is None or not _inside(rig.roi, self.head.roi):
            patch = remap(frame, map_x, map_y, sharp=True)
            self._paint(patch, dst, pose, origin=np.array([x0, y0], dtype=np.float64), move=None)
            frame[y0:y1, x0:x1] = patch
            if self.head is not None and head is not None:
                hx0, hy0, hx1, hy1 = self.head.roi
                head_x, head_y = self._head_maps(head)
                frame[hy0:hy1, hx0:hx1] = remap(frame, head_x, head_y, sharp=True)
            return
        hx0, hy0, hx1, hy1 = self.head.roi
        head_x, head_y = self._head_maps(head)
        # Where the head map lands inside the face's region, follow the face's map too; its
        # displacement is zero on that region's border, so outside it adds nothing.
        ident_x, ident_y = identity_maps(y1 - y0, x1 - x0, x0=x0, y0=y0)
        at_x, at_y = head_x - np.float32(x0), head_y - np.float32(y0)
        border = dict(interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        both_x = head_x + cv2.remap(map_x - ident_x, at_x, at_y, **border)
        both_y = head_y + cv2.remap(map_y - ident_y, at_x, at_y, **border)
        region = remap(frame, both_x, both_y, sharp=True)

        def move(points: np.ndarray) -> np.ndarray:
            """Where the head carries points of the posed face (frame pixels): the inverse of
            the backward head map, by fixed-point iteration (its motion is small and smooth)."""
            moved = points.astype(np.float64)
            for _ in range(3):
                sampled = _sample(head_x, head_y, moved - (hx0, hy0))
                moved = moved + (points - sampled)
            return moved

        self._paint(region, dst, pose, origin=np.array([hx0, hy0], dtype=np.float64), move=move)
        frame[hy0:hy1, hx0:hx1] = region

    def _head_maps(self, head: HeadPose):
        return self.head.maps(yaw=head.yaw, pitch=head.pitch, roll=head.roll, shift_x=head.shift_x, shift_y=head.shift_y)

    def _paint(self, canvas: np.ndarray, dst: np.ndarray, pose: Pose, *, origin: np.ndarray, move) -> None:
        """Paint the mouth interior and the lids onto ``canvas`` (whose pixel (0, 0) sits at
        ``origin``), after moving every point with ``move`` (the head's motion) if given."""
        rig = self.rig
        carry = (lambda points: points) if move is None else move
        left, right_corner = dst[rig.slot["upper_inner"][0]], dst[rig.slot["upper_inner"][-1]]
        centre, left, right_corner = carry(np.vstack([rig.mouth_centre, left, right_corner]))
        right = (right_corner - left) / max(float(np.linalg.norm(right_corner - left)), 1e-6)
        if float(right @ rig.right) < 0.5:  # degenerate (corners met): keep the rest axis
            right = rig.right
        down = np.array([-right[1], right[0]])
        paint_mouth(
            canvas,
            carry(mouth_polygon(rig, dst)) - origin,
            upper_teeth_edge=carry(rig.vertices("upper_inner")) - origin,
            lower_lip_edge=carry(dst[rig.slot["lower_inner"]]) - origin,
            centre=centre - origin,
            right=right,
            down=down,
            mouth_width=rig.mouth_width,
            palette=self.palette,
            style=rig.style,
            opacity=interior_opacity(rig, dst),
            rounding=max(0.0, -pose.spread),
        )
        for side, lid in self.lids.items():
            upper = carry(dst[rig.slot[f"{side}_upper_lid"]]) - origin
            lower = carry(dst[rig.slot[f"{side}_lower_lid"]]) - origin
            if rig.lids == "paint":
                paint_lid(canvas, upper, lower, pose.blink, lid)
            else:
                paint_lash_line(canvas, upper, pose.blink, lid)


def _inside(inner: tuple, outer: tuple) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _sample(map_x: np.ndarray, map_y: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Bilinear values of two maps at ``points`` (pixels of the maps), shape (n, 2)."""
    px = np.ascontiguousarray(points[:, 0], dtype=np.float32)[None, :]
    py = np.ascontiguousarray(points[:, 1], dtype=np.float32)[None, :]
    sx = cv2.remap(map_x, px, py, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    sy = cv2.remap(map_y, px, py, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.stack([sx[0], sy[0]], axis=1).astype(np.float64)
