"""Posing faces in a frame: face warp and head motion in one resampling, then the painted
mouth interior and lids where the head has carried them."""

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..characters import Face
from ..characters import topology as topo
from ._eyes import (
    drawn_shut,
    fit_outsized_eyes,
    fit_painted_eyes,
    fit_rendered_eyes,
    lid_palette,
    light_lid,
    paint_lash_line,
    paint_lid,
    skin_around,
    smooth_lid,
    socket_depth,
    tinted_skin_around,
)
from ._fur_lids import find_animal_eye, lid_layer
from ._glasses import rim_line
from ._head import HeadWarp, build_head_warp
from ._mouth import paint_mouth
from ._mouth_reading import is_line_art, read_mouth
from ._rig import (
    LINE_ART_GAP, MAX_GAP, Pose, along_table, big_drawn_eyes, build_rig, eye_width_limit, mouth_polygon, pose_points,
    smile_lift,
)  # fmt: skip
from ._warp import SharpSource, edge_feather, identity_maps, map_points, mesh_displacement, upsample_field

__all__ = ["FaceAnimator", "HeadPose"]


@dataclass(frozen=True)
class HeadPose:
    """Head motion for one frame (see motion.FaceMotion for units and signs)."""

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0


SHARP_FEATHER = 8  # pixels over which the sharp face fades into the bilinear rest of the head
SHARP_PIXELS = 8_000_000  # largest upsampled copy (24 MB): bigger eyes get a coarser one
BAND_ROWS = 96  # rows per band when skipping the corners of the head's box that never move
# A mouth drawn as a line fades into the painted one over the first third of the ease out
# of rest.
HANDOVER = 3.0
# A mouth drawn open shows, closing as a jaw would onto the painted one's opening (see
# close_drawn_mouth), until the rest weight falls to the first of these, and has faded into
# the painted one by the second: in the four-frame ease the drawn cup alone at 0.84 and
# 0.50, the painted mouth alone from 0.16. Faded in over the first third of the ease like a
# line, the painted mouth's lower outline showed over the faded cup's (rest 0.84), and the
# half-shut painted cup was outlined twice, top and bottom, where the drawn one has only
# its upper line (0.50).
CUP_HANDOVER = (0.5, 0.16)
# A grin's shape goes by this power of the rest weight (a cup's by its square), its teeth
# with the weight itself: see FaceAnimator._paint.
GRIN_CLOSE = 3.0


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
    mouth_cover : str
        ``auto``, ``covered`` or ``open``: is the mouth covered, so that it never opens
        (job.Speaker.mouth_cover; auto: as the picture looks, see read_mouth)?
    """

    def __init__(self, image: np.ndarray, face: Face, *, whole_face: bool, head_motion: bool, mouth_cover: str = "auto"):
        # The mouth is read first: a line-art mouth moves the lips onto the drawn one.
        face, self.look, self.erased = read_mouth(image, face, cover=mouth_cover)
        self.rendered_eyes = False  # lids fitted to a 3D cartoon's eyes (see fit_rendered_eyes)
        # A 3D render's smooth shading can pass for drawn: its big eyes are fitted as a
        # render's rather than painted over, unless it is line art (an inked mouth, or
        # painted lips on a line-art face: see PAINTED_LIPS) or was found as an anime face
        # (professor: a flat lid with the eye's ink floating round it).
        line_art = self.erased is not None or (not self.look.covered and is_line_art(image, face))
        render_like = not line_art and face.detector == "face_mesh" and big_drawn_eyes(face)
        if whole_face and (face.style == "photo" or render_like) and not face.from_points:
            fitted = fit_rendered_eyes(image, face)
            self.rendered_eyes, face = fitted is not face, fitted
        painted_lids = False  # lids moved out over small painted eyes (see fit_painted_eyes)
        refitted = False  # lids refitted onto painted eyes whose irises were found (see fit_outsized_eyes)
        squashed = whole_face and not self.rendered_eyes and not face.from_points and not big_drawn_eyes(face)
        if squashed:
            # Outlines too wide for the mouth are refitted onto the painted eyes (see EYE_MOUTH_MAX).
            fitted = fit_outsized_eyes(image, face, max_width=eye_width_limit(face.landmarks))
            refitted, face = fitted is not face, fitted
        if squashed and face.detector == "face_mesh":
            fitted = fit_painted_eyes(image, face)
            painted_lids, face = fitted is not face, fitted
        self.face = face
        # Closing lids take the skin around them (light_lid) on renders and photos: a photo's
        # mesh lid often lies inside the iris, and the band above it, squashed down, closed
        # the eye under the iris's top and its catchlight (grace_hopper) or a dark slab of
        # lashes and crease (the astronaut).
        self.lit_lids = self.rendered_eyes or (squashed and face.style == "photo")
        # A refitted eye shows its iris: open, however thin its ink (the captain's left read as shut).
        shut = _shut_eyes(image, face) if whole_face and not refitted else ()
        max_gap = LINE_ART_GAP if self.erased is not None else MAX_GAP
        rim = rim_line(image, face) if whole_face else None  # glasses the brows must not bend
        self.rig = build_rig(
            face, image_shape=image.shape, whole_face=whole_face, shut_eyes=shut, max_gap=max_gap, rim=rim,
            fitted_lids=self.rendered_eyes or painted_lids or refitted, covered=self.look.covered,
        )
        # Big faces: the warp is smooth enough to compute at half resolution (4x less work);
        # small mouths keep every pixel.
        self.map_step = 2 if self.rig.mouth_width >= 48 else 1
        self._along = along_table(self.rig)  # the rig's, for painting the mouth's inside each frame
        self.head: HeadWarp | None = build_head_warp(face, image_shape=image.shape) if head_motion else None
        self._sharp, self._sharp_target, self._eyes, self._eyes_target = _sharp_sources(image, face, self.region)
        self._sharp_erased = None
        if self.erased is not None:
            # Only the rig's region is ever rewritten: nothing outside it may change.
            (bx0, by0, bx1, by1), erased, where = self.erased
            rx0, ry0, rx1, ry1 = self.rig.roi
            ys, xs = np.mgrid[by0:by1, bx0:bx1]
            where = where & (xs >= rx0) & (xs < rx1) & (ys >= ry0) & (ys < ry1)
            self.erased = ((bx0, by0, bx1, by1), erased, where)
            if self._sharp is not None:
                # While a drawn mouth is replaced the frame shows the picture with its own
                # mouth erased: a sharp copy of that stands in for it.
                self._sharp_erased = _sharp_sources(self._erase(image.copy()), face, self.region)[0]
        # A mouth drawn open, as drawn, to close onto the painted one (see close_drawn_mouth):
        # where its box sits in the picture, its pixels, and which of them are the mouth.
        self._drawn_mouth = None
        if self.erased is not None and self.look.own_mouth is not None and not self.look.own_mouth.grin:
            (bx0, by0, bx1, by1), _, where = self.erased
            self._drawn_mouth = (np.array([bx0, by0], np.float64), image[by0:by1, bx0:bx1].copy(), where.astype(np.float32))
        self._layouts = {}
        self.lids = {}
        if self.rig.lids != "still":
            for side in ("right", "left"):
                if side in self.rig.still_eyes or side in self.rig.shut_eyes:
                    continue  # hidden, not rigged, or drawn shut: no lid, no lashes
                upper = self.rig.vertices(f"{side}_upper_lid")
                lower = self.rig.vertices(f"{side}_lower_lid")
                self.lids[side] = lid_palette(image, upper, lower)
                lit = skin_around(image, upper, lower) if self.lit_lids else None
                if lit is not None:
                    # The closed lid's colours (light_lid). Skin in another light is a
                    # render's: around a photo's eye it is the tint of glasses' lenses,
                    # which turned grace_hopper's closing lids grey-blue.
                    tinted = tinted_skin_around(image, upper, lower) if self.rendered_eyes else None
                    above = self.rig.vertices(f"{side}_eye_ring")[: len(upper) - 2]  # the ring starts above the lid
                    socket = 0.0 if self.rendered_eyes else socket_depth(image, above, upper, lit)
                    self.lids[side] = replace(self.lids[side], skin=lit, tinted=tinted, socket=socket)
            if self.lids:
                # One character, one pen: both closed eyes get the darker lash and the bolder line.
                lash = min((p.lash for p in self.lids.values()), key=sum)
                thickness = max(p.thickness for p in self.lids.values())
                if self.rig.lids == "squash":
                    thickness *= 0.45  # photo lashes: a fine line, not an inked stroke
                self.lids = {side: replace(p, lash=lash, thickness=thickness) for side, p in self.lids.items()}
        self.fur_lids = _fur_lids(image, face) if whole_face else ()
        # Clicked eyes that no clear eye lies under stay still; the user is told (scene notes).
        self.eyes_unfound = whole_face and face.eyes_clicked and not self.fur_lids
        self._picture = image.copy() if self.fur_lids else None

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

    def _erase(self, frame: np.ndarray) -> np.ndarray:
        """Erase a drawn mouth from ``frame``, in place."""
        (bx0, by0, bx1, by1), erased, where = self.erased
        frame[by0:by1, bx0:bx1][where] = erased[where]
        return frame

    def apply(self, frame: np.ndarray, pose: Pose, head: HeadPose | None = None) -> None:
        """Pose the face in ``frame`` (RGB uint8, output size), in place.

        The face's warp and the head's are composed into one map and every pixel is
        resampled once, the face itself sharply (see SharpSource): two bilinear passes in a
        row would keep only a third of the eyes' and skin's finest detail. The painted parts
        (mouth interior, lids) are drawn after, where the head has carried them.
        """
        rig = self.rig
        dst = pose_points(rig, pose)
        # The picture's own mouth shows at rest; leaving it, the painted one takes over
        # within a frame or two. A drawn one is erased first. A line fades into the
        # painted one over the first third of the ease out of the rest (HANDOVER): the rest
        # pose eases, so there the painted line lies where the drawn one is, and the two
        # never show as two see-through mouths. Replaced in one frame, a drawn line's own
        # colours (a pink middle, a dark corner) snapped to the painted ink. A mouth drawn
        # open closes onto the painted one's opening and gives way to it once nearly shut
        # (CUP_HANDOVER, see _paint). A grin is replaced at once by the painted grin,
        # already closing (see _paint).
        replaced = float(np.clip(2.0 * (1.0 - pose.rest), 0.0, 1.0))
        erase = self.erased is not None and pose.rest < 1.0
        own_mouth = self.look.own_mouth
        if erase and own_mouth is not None and own_mouth.grin:
            replaced = 1.0
        elif erase and own_mouth is not None:
            start, end = CUP_HANDOVER
            replaced = float(np.clip((start - pose.rest) / (start - end), 0.0, 1.0))
        elif erase:
            replaced = float(np.clip(HANDOVER * (1.0 - pose.rest), 0.0, 1.0))
        motion = None
        if self.head is not None and head is not None:
            motion = self.head.motion(
                yaw=head.yaw, pitch=head.pitch, roll=head.roll, shift_x=head.shift_x, shift_y=head.shift_y
            )
        layout = self._layout(rig.roi if motion is None else self.region)
        field = self._field(dst, motion, layout)
        maps = cv2.add(layout.identity, upsample_field(field, shape=layout.identity.shape[:2], step=self.map_step))
        if self.rig.lids == "squash" and pose.blink > 0.05:
            self._close_eyes(maps, dst, motion, layout)
        reach = cv2.norm(field, cv2.NORM_INF)
        sharp, own = self._sharp, None
        if erase:
            if replaced < 1.0 and own_mouth is None:  # the picture's own line, posed, to fade from
                own = self._resample(frame, maps, layout, sharp=sharp, reach=reach)
            self._erase(frame)
            sharp = self._sharp_erased
        patch = self._resample(frame, maps, layout, sharp=sharp, reach=reach)
        if self.fur_lids and pose.blink > 0:
            self._close_fur_lids(patch, maps, pose.blink, layout, reach=reach)
        opacity = 1.0 if erase else replaced
        origin = np.array(layout.box[:2], dtype=np.float64)
        self._paint(patch, dst, pose, motion, opacity=opacity, origin=origin, under=own, fade=replaced)
        x0, y0, x1, y1 = layout.box
        frame[y0:y1, x0:x1] = patch

    def _field(self, dst: np.ndarray, motion: np.ndarray | None, layout: "_Layout") -> np.ndarray:
        """Backward displacement [shape=(ch, cw, 2), float32] of the face's warp to ``dst``
        followed by the head's ``motion``, at ``layout``'s coarse samples."""
        rig = self.rig
        rx0, ry0, rx1, ry1 = rig.roi
        step = self.map_step
        # Triangles whose corners all stay put map to themselves: outside every triangle
        # drawn, the displacement is zero anyway, so only the moving ones are drawn.
        moving = np.any(dst != rig.points, axis=1)[rig.triangles].any(axis=1)
        field, _ = mesh_displacement(
            rig.points, dst, rig.triangles[moving], shape=(ry1 - ry0, rx1 - rx0), origin=(rx0, ry0), step=step
        )
        if motion is not None:
            # Sample where the head's backward map lands, then follow the face's map from
            # there; the face's displacement is zero outside its own region, so only the
            # samples the head can carry into it need it.
            back = cv2.warpAffine(
                motion,
                layout.head_index,
                layout.coarse_size,
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=0,
            )
            np.negative(back, out=back)
            reach = int(np.ceil(cv2.norm(motion, cv2.NORM_INF) / step)) + 1
            cx0, cy0, cx1, cy1 = layout.rig_cells
            cx0, cy0 = max(0, cx0 - reach), max(0, cy0 - reach)
            cx1, cy1 = min(back.shape[1], cx1 + reach), min(back.shape[0], cy1 + reach)
            near = back[cy0:cy1, cx0:cx1]
            index = layout.rig_index[cy0:cy1, cx0:cx1] + near * np.float32(1 / step)
            near += cv2.remap(field, index, None, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            field = back
        return field

    def _close_eyes(self, maps: np.ndarray, dst: np.ndarray, motion: np.ndarray | None, layout: "_Layout") -> None:
        """Make ``maps`` exact over the closing eyes, in place.

        A closing eye folds the map: above the seam it samples the upper lid, below it the
        lower one. The coarse map interpolated across the fold samples the eye in between,
        which shows as a sliver of iris and a bright tick of the eye's white at the corners.
        Exact maps also end the lids' motion exactly at the fixed ring around the eye.
        """
        rig = self.rig
        x0, y0 = layout.box[:2]
        height, width = maps.shape[:2]
        reach = 0.0 if motion is None else float(np.abs(motion).max())
        for side in ("right", "left"):
            if side in rig.still_eyes or side in rig.shut_eyes:
                continue
            # Everything inside the fixed ring around the eye, where the lids move.
            corners = np.vstack([rig.vertices(f"{side}_eye_ring"), dst[rig.slot[f"{side}_upper_lid"]]])
            bx0, by0 = np.floor(corners.min(0) - reach - 2).astype(int) - (x0, y0)
            bx1, by1 = np.ceil(corners.max(0) + reach + 3).astype(int) - (x0, y0)
            bx0, by0, bx1, by1 = max(bx0, 0), max(by0, 0), min(bx1, width), min(by1, height)
            if bx1 <= bx0 or by1 <= by0:
                continue
            pixels = layout.identity[by0:by1, bx0:bx1]
            if motion is not None:
                pixels = pixels - self.head.displacement(motion, pixels)
            maps[by0:by1, bx0:bx1] = map_points(rig.points, dst, rig.triangles, pixels)

    def _close_fur_lids(self, patch: np.ndarray, maps: np.ndarray, blink: float, layout: "_Layout", *, reach: float) -> None:
        """Close the eyes of an animal rigged from points over ``patch`` (layout's region of
        the frame, resampled at ``maps``), in place: each lid is drawn in the picture
        (see _fur_lids.lid_layer) and sampled where ``maps`` (which move no pixel further
        than ``reach``) take the picture's eye, so it follows the face and the head."""
        x0, y0 = layout.box[:2]
        height, width = patch.shape[:2]
        for eye in self.fur_lids:
            rgb, alpha = lid_layer(self._picture, eye, blink)
            ex0, ey0, ex1, ey1 = eye.box
            bx0, by0 = max(int(ex0 - reach) - 1 - x0, 0), max(int(ey0 - reach) - 1 - y0, 0)
            bx1, by1 = min(int(ex1 + reach) + 2 - x0, width), min(int(ey1 + reach) + 2 - y0, height)
            if bx1 <= bx0 or by1 <= by0:
                continue
            where = maps[by0:by1, bx0:bx1] - np.array([ex0, ey0], np.float32)
            layer = np.dstack([rgb, alpha])
            sampled = cv2.remap(layer, where, None, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            weight = sampled[..., 3:]
            view = patch[by0:by1, bx0:bx1]
            blended = view + weight * (sampled[..., :3] - view)
            view[:] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)

    def _resample(self, frame: np.ndarray, maps: np.ndarray, layout: "_Layout", *, sharp, reach: float) -> np.ndarray:
        """``frame`` sampled at ``maps`` (which move no pixel further than ``reach``): the
        face sharply (from the SharpSource ``sharp`` when it still shows the frame), the
        rest bilinearly, blended over a feathered ring. Returns [shape=(h, w, 3), uint8,
        RGB] for layout's region."""
        source = sharp
        if layout.sharp is None:
            return cv2.remap(frame, maps, None, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        sx0, sy0, sx1, sy1 = layout.sharp
        sub = maps[sy0:sy1, sx0:sx1]
        x0, y0 = layout.box[:2]
        bounds = (x0 + sx0 - reach, y0 + sy0 - reach, x0 + sx1 - 1 + reach, y0 + sy1 - 1 + reach)
        sharp = None if source is None else source.sample(frame, sub, bounds=bounds)
        if sharp is None:  # the frame was changed there (another face): resample it
            sharp = cv2.remap(frame, sub, None, interpolation=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        # Bilinear around the face, fading into the sharp face over a ring inside its box;
        # pixels no pose can move keep the frame's.
        patch = frame[y0 : y0 + maps.shape[0], x0 : x0 + maps.shape[1]].copy()
        patch[sy0:sy1, sx0:sx1] = sharp
        if layout.eyes is not None:
            # The eyes (lashes, catchlights) from the finer copy, fading into the face.
            ex0, ey0, ex1, ey1 = layout.eyes
            bounds = (x0 + ex0 - reach, y0 + ey0 - reach, x0 + ex1 - 1 + reach, y0 + ey1 - 1 + reach)
            finer = self._eyes.sample(frame, maps[ey0:ey1, ex0:ex1], bounds=bounds)
            if finer is not None:
                view = patch[ey0:ey1, ex0:ex1]
                view[:] = cv2.blendLinear(finer, view, *layout.eyes_feather)
        for (bx0, by0, bx1, by1), weights in zip(layout.around, layout.feather):
            linear = cv2.remap(
                frame, maps[by0:by1, bx0:bx1], None, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
            if weights is None:
                patch[by0:by1, bx0:bx1] = linear
            else:
                view = patch[by0:by1, bx0:bx1]
                view[:] = cv2.blendLinear(view, linear, *weights)
        return patch

    def _paint(
        self, patch: np.ndarray, dst: np.ndarray, pose: Pose, motion, *, opacity: float, origin, under=None, fade=1.0
    ) -> None:
        """Paint the mouth interior and the lids onto ``patch`` (whose pixel (0, 0) sits at
        ``origin`` in the frame), where the head's ``motion`` has carried the posed face.

        ``under`` (the same region posed with the picture's own mouth, or None) shows
        through the painted mouth by ``1 - fade``, under the lids; a mouth drawn open shows
        so, closed onto the painted one's opening."""
        rig = self.rig
        # A mouth drawn open: back at rest the painted one takes its shape and its inside.
        # By the square of the rest weight, so easing out of the rest the drawn shape goes
        # early (face mesh reads it as open, and it is silence there). A grin's shape goes
        # earlier still, by the cube: a frame of it in the silence reads open (squared and
        # faded from the picture's own, the laughing sprite's lip sync fell by 0.01), and
        # its teeth fill it as it closes, so no dark hole opens in the silence.
        own, rest = self.look.own_mouth, float(np.clip(pose.rest, 0.0, 1.0))
        shape = as_drawn = 0.0
        if own is not None:
            shape = as_drawn = rest**2
            if own.grin:
                shape, as_drawn = rest**GRIN_CLOSE, rest
        if shape > 0:
            dst = dst.copy()
            for slot, traced in (("upper_inner", own.upper), ("lower_inner", own.lower)):
                dst[rig.slot[slot]] += shape * (traced - rig.vertices(slot))
        # Everything painted, carried at once: posed vertices, the teeth's and the lower
        # lip's rest lines, and the mouth's axis (it turns with the head). A smile lifts
        # the whole mouth a little: the teeth go with it, as if the head had moved them.
        lifted = smile_lift(rig, pose)
        rests = [rig.vertices("upper_inner") + lifted, rig.vertices("lower_inner") + lifted]
        half = 0.5 * rig.mouth_width * rig.right
        centre = rig.mouth_centre + lifted
        axis = np.vstack([centre - half, centre, centre + half])
        points = np.vstack([dst, *rests, axis])
        if motion is not None:
            points = self.head.carry(motion, points)
        carried = points[-2] - rig.mouth_centre  # how far the head moved the mouth
        points = points - origin
        cuts = np.cumsum([len(dst), len(rests[0]), len(rests[1])])
        posed, upper_teeth, lower_rest, (left_end, centre, right_end) = np.split(points, cuts)
        if self._drawn_mouth is not None and pose.rest < 1.0 and fade < 1.0:  # see CUP_HANDOVER
            corner, pixels, mouth = self._drawn_mouth
            traced = [line - corner for line in (own.upper, own.lower)]
            painted = [posed[rig.slot[slot]] for slot in ("upper_inner", "lower_inner")]
            under = close_drawn_mouth(patch, pixels, mouth, traced=traced, painted=painted)
        right = (right_end - left_end) / max(float(np.linalg.norm(right_end - left_end)), 1e-6)
        if not self.look.covered:  # nothing opens behind a mask (see MouthLook.covered)
            paint_mouth(
                patch,
                mouth_polygon(rig, posed),
                upper_teeth_edge=upper_teeth,
                lower_lip_edge=posed[rig.slot["lower_inner"]],
                lower_lip_rest=lower_rest,
                centre=centre,
                right=right,
                down=np.array([-right[1], right[0]]),
                mouth_width=rig.mouth_width,
                look=self.look,
                origin=tuple(origin - carried),  # the picture's own teeth move with the head
                opacity=opacity,
                rounding=max(0.0, -pose.spread),
                fv=pose.fv,
                tongue=pose.tongue,
                as_drawn=as_drawn,
                along=self._along,
            )
        if under is not None:
            cv2.addWeighted(patch, fade, under, 1.0 - fade, 0.0, dst=patch)
        for side, lid in self.lids.items():
            upper = posed[rig.slot[f"{side}_upper_lid"]]
            lower = posed[rig.slot[f"{side}_lower_lid"]]
            if rig.lids == "paint":
                paint_lid(patch, upper, lower, pose.blink, lid)
                continue
            if self.lit_lids:
                above = rig.slot[f"{side}_eye_ring"][: len(upper) - 2]  # the ring starts above the lid
                if self.rendered_eyes:  # a photo's lid keeps its texture (smoothed, wrinkles read as airbrushed)
                    smooth_lid(patch, posed[above], upper, pose.blink)
                light_lid(
                    patch, posed[above], upper, pose.blink, lid.skin, tinted=lid.tinted, skin_only=not self.rendered_eyes,
                    socket=lid.socket,
                )
            paint_lash_line(patch, upper, pose.blink, lid)

    def _layout(self, box: tuple) -> "_Layout":
        """Per-region constants for :meth:`apply`, made on first use."""
        if box not in self._layouts:
            self._layouts[box] = _layout(self, box)
        return self._layouts[box]


def close_drawn_mouth(bare: np.ndarray, pixels: np.ndarray, mouth: np.ndarray, *, traced: list, painted: list) -> np.ndarray:
    """A mouth drawn open, closed as a jaw would close it onto the painted mouth's opening,
    over ``bare`` (a posed region with the mouth erased): column by column its upper line
    lies on the painted one and its opening below is squashed (or stretched) from its drawn
    depth to the painted one's, and it narrows or widens with the painted mouth. So in every
    frame of the hand-over the drawn mouth has the painted one's size and shape, and one
    outline. It is taken from the picture as drawn: the face's warp, opening the lips,
    smears the inside of a mouth drawn open into streaks.

    Parameters
    ----------
    bare : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    pixels : np.ndarray [shape=(bh, bw, 3), dtype=uint8, RGB]
        The picture around the drawn mouth.
    mouth : np.ndarray [shape=(bh, bw), dtype=float32, 0..1]
        Which of ``pixels`` are the drawn mouth (its ink and its inside).
    traced, painted : [upper, lower]
        The drawn opening's edges (see OwnMouth) in ``pixels``' coordinates, and the painted
        opening's in ``bare``'s, corner to corner at the inner lips' vertices: each
        np.ndarray [shape=(m, 2), float, (x, y)].

    Returns
    -------
    np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    """
    height, width = bare.shape[:2]
    (up_line, low_line), (painted_up_line, painted_low_line) = traced, painted

    def along(line: np.ndarray, xs: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        order = np.argsort(line[:, 0])
        return np.interp(xs, line[order, 0], (line[:, 1] if values is None else values)[order])

    # Each column of the region takes the drawn column at the same place along the mouth.
    shifts = up_line[:, 0] - painted_up_line[:, 0]
    x0 = max(0, int(np.floor(-shifts.max())) - 1)
    x1 = min(width, int(np.ceil(pixels.shape[1] - shifts.min())) + 1)
    xs = np.arange(x0, x1, dtype=np.float64)
    drawn_xs = xs + along(painted_up_line, xs, shifts)
    up, low = along(up_line, drawn_xs), along(low_line, drawn_xs)
    painted_up, painted_low = along(painted_up_line, xs), along(painted_low_line, xs)
    depth, painted_depth = np.maximum(low - up, 0.0), np.maximum(painted_low - painted_up, 0.0)
    # Towards the corners both openings come to nothing, yet the drawing's ink there (the
    # cup's walls, its line's curled ends) must go with the rest: the corners move and
    # close as the columns nearest them where the drawn opening is at least half its depth.
    inner = np.flatnonzero(depth >= 0.5 * depth.max())
    inner = np.arange(inner[0], inner[-1] + 1)
    ratio = np.maximum(depth[inner], 1e-3) / np.maximum(painted_depth[inner], 1e-3)

    def inward(values: np.ndarray) -> np.ndarray:
        return np.interp(xs, xs[inner], values)

    up, painted_up, ratio = inward(up[inner]), inward(painted_up[inner]), inward(ratio)
    # The rows the drawn mouth reaches, closed.
    y0 = max(0, int(np.floor((painted_up - up).min())) - 1)
    y1 = min(height, int(np.ceil((painted_up + (pixels.shape[0] - up) / ratio).max())) + 1)
    if x1 <= x0 or y1 <= y0:
        return bare
    # Where each row samples the drawing: the upper line on the painted one, and below it
    # the opening squashed onto the painted one's depth.
    y = np.arange(y0, y1, dtype=np.float64)[:, None]
    below = np.maximum(y - painted_up, 0.0)
    source_y = (y - painted_up + up + below * (ratio - 1.0)).astype(np.float32)
    source_x = np.broadcast_to(drawn_xs.astype(np.float32), source_y.shape)
    shown = cv2.remap(mouth, source_x, source_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    closed = cv2.remap(pixels, source_x, source_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    view = bare[y0:y1, x0:x1].astype(np.float32)
    result = bare.copy()
    blended = view + shown[..., None] * (closed.astype(np.float32) - view)
    result[y0:y1, x0:x1] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    return result


@dataclass(frozen=True)
class _Layout:
    """Constants of one output region (x0, y0, x1, y1).

    The warp is computed at coarse samples every ``step`` pixels of the region (see
    mesh_displacement), ``coarse_size`` (cw, ch) of them. ``head_index`` [shape=(2, 3)]
    takes a sample's (column, row) to its place in the head's node grid, and ``rig_index``
    [shape=(ch, cw, 2), float32] holds its place in the face's coarse grid;
    ``rig_cells`` the samples over the face's region. ``identity`` [shape=(h, w, 2),
    float32] holds each pixel's own position. ``sharp`` is the part resampled sharply
    (relative to the region); ``around`` the boxes resampled bilinearly (the rest of the
    region, then the four strips of a ring inside the sharp part) and ``feather`` for each
    the weights of the sharp pixels and of the bilinear ones, None where not blended.
    ``eyes`` is the part inside it resampled from the finer copy, blended by
    ``eyes_feather``.
    """

    box: tuple
    identity: np.ndarray
    coarse_size: tuple
    head_index: np.ndarray | None
    rig_index: np.ndarray
    rig_cells: tuple
    sharp: tuple | None = None
    around: tuple = ()
    feather: tuple = ()
    eyes: tuple | None = None
    eyes_feather: tuple | None = None


def _fur_lids(image: np.ndarray, face: Face) -> tuple:
    """The eyes of an animal rigged from points with both eyes clicked that a blink can
    close (see _fur_lids.find_animal_eye): both or none, a one-eyed blink reads as a wink."""
    if not face.from_points or not face.eyes_clicked:
        return ()
    centres = face.landmarks[[topo.RIGHT_IRIS_CENTRE, topo.LEFT_IRIS_CENTRE], :2]
    first = find_animal_eye(image, centres[0], centres[1])
    if first is None:
        return ()  # not looked for around the other point either (up to ~0.8 s an eye)
    second = find_animal_eye(image, centres[1], centres[0])
    return () if second is None else (first, second)


def _layout(animator: FaceAnimator, box: tuple) -> _Layout:
    """The constants of ``animator``'s output region ``box`` (see _Layout)."""
    x0, y0, x1, y1 = box
    step = animator.map_step
    identity = np.dstack(identity_maps(y1 - y0, x1 - x0, x0=x0, y0=y0))
    offset = (step - 1) / 2
    samples = np.dstack(identity_maps(-(-(y1 - y0) // step), -(-(x1 - x0) // step)))
    samples = samples * np.float32(step) + np.array([x0 + offset, y0 + offset], np.float32)
    head_index = None
    if animator.head is not None:
        hx0, hy0, hx1, hy1 = animator.head.roi
        gh, gw = animator.head.grid_x.shape
        sx, sy = (hx1 - 1 - hx0) / max(gw - 1, 1), (hy1 - 1 - hy0) / max(gh - 1, 1)
        # Sample (i, j) -> node grid index: an affine map, so warpAffine can interpolate.
        head_index = np.array(
            [[step / sx, 0, (x0 + offset - hx0) / sx], [0, step / sy, (y0 + offset - hy0) / sy]], np.float32
        )
    rx0, ry0, rx1, ry1 = animator.rig.roi
    rig_index = (samples - np.array([rx0 + offset, ry0 + offset], np.float32)) / np.float32(step)
    rig_cells = ((rx0 - x0) // step, (ry0 - y0) // step, -(-(rx1 - x0) // step), -(-(ry1 - y0) // step))
    coarse_size = (samples.shape[1], samples.shape[0])
    layout = _Layout(box, identity, coarse_size, head_index, rig_index.astype(np.float32), rig_cells)
    if animator._sharp_target is None:
        return layout
    fx0, fy0, fx1, fy1 = animator._sharp_target
    sx0, sy0, sx1, sy1 = max(fx0, x0) - x0, max(fy0, y0) - y0, min(fx1, x1) - x0, min(fy1, y1) - y0
    if sx1 - sx0 <= 4 * SHARP_FEATHER or sy1 - sy0 <= 4 * SHARP_FEATHER:
        return layout
    f = SHARP_FEATHER
    # Outside the face's box: bilinear, only where something can move (the corners of the
    # head's box lie beyond its motion's reach), in bands of rows; its ring: four strips
    # blended with the sharp pixels (the left and right ones stop short of the others).
    moving = _may_move(animator, box)
    cuts = sorted({*range(0, y1 - y0, BAND_ROWS), sy0, sy1, y1 - y0})
    boxes, weights = [], []
    for r0, r1 in zip(cuts[:-1], cuts[1:]):
        cols = np.flatnonzero(moving[r0:r1].any(axis=0))
        if len(cols) == 0:
            continue
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        pieces = [(c0, min(c1, sx0)), (max(c0, sx1), c1)] if sy0 <= r0 and r1 <= sy1 else [(c0, c1)]
        for p0, p1 in pieces:
            if p1 > p0:
                boxes.append((p0, r0, p1, r1))
                weights.append(None)
    ring = [(sx0, sy0, sx1, sy0 + f), (sx0, sy1 - f, sx1, sy1), (sx0, sy0 + f, sx0 + f, sy1 - f), (sx1 - f, sy0 + f, sx1, sy1 - f)]
    inner, _ = edge_feather(sx1 - sx0, sy1 - sy0, ramp=f)
    for bx0, by0, bx1, by1 in ring:
        w_inner = np.ascontiguousarray(inner[by0 - sy0 : by1 - sy0, bx0 - sx0 : bx1 - sx0])
        boxes.append((bx0, by0, bx1, by1))
        weights.append((w_inner, 1.0 - w_inner))
    layout = replace(layout, sharp=(sx0, sy0, sx1, sy1), around=tuple(boxes), feather=tuple(weights))
    if animator._eyes_target is None:
        return layout
    ex0, ey0, ex1, ey1 = animator._eyes_target
    ex0, ey0, ex1, ey1 = max(ex0 - x0, sx0), max(ey0 - y0, sy0), min(ex1 - x0, sx1), min(ey1 - y0, sy1)
    if ex1 - ex0 <= 4 * f or ey1 - ey0 <= 4 * f:
        return layout
    return replace(layout, eyes=(ex0, ey0, ex1, ey1), eyes_feather=edge_feather(ex1 - ex0, ey1 - ey0, ramp=f))


def _shut_eyes(image: np.ndarray, face: Face) -> tuple:
    """The eyes ("right", "left") a line-art ``face`` shows drawn shut (see drawn_shut)."""
    if not is_line_art(image, face):
        return ()
    lm = face.landmarks[:, :2].astype(np.float64)
    sides = (("right", topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), ("left", topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER))
    return tuple(side for side, upper, lower in sides if drawn_shut(image, lm[list(upper)], lm[list(lower)]))


def _may_move(animator: FaceAnimator, box: tuple) -> np.ndarray:
    """Pixels of ``box`` [shape=(h, w), bool] that a pose can move: the face's region and,
    in the box that holds the head's, wherever its motion has any weight (with one grid
    cell of interpolation around it)."""
    x0, y0, x1, y1 = box
    moving = np.zeros((y1 - y0, x1 - x0), bool)
    rx0, ry0, rx1, ry1 = animator.rig.roi
    moving[ry0 - y0 : ry1 - y0, rx0 - x0 : rx1 - x0] = True
    if animator.head is not None and box == animator.region:
        hx0, hy0, hx1, hy1 = animator.head.roi
        nodes = cv2.dilate((animator.head.weight > 0).astype(np.uint8), np.ones((3, 3), np.uint8))
        inside = cv2.resize(nodes, (hx1 - hx0, hy1 - hy0), interpolation=cv2.INTER_NEAREST) > 0
        moving[hy0 - y0 : hy1 - y0, hx0 - x0 : hx1 - x0] |= inside
    return moving


def _sharp_sources(image: np.ndarray, face: Face, region: tuple) -> tuple:
    """(face, face_target, eyes, eyes_target): sharp copies of the picture (SharpSource)
    and the boxes of output pixels to resample from them. The face and what its warps may
    reach is upsampled 2x; the eyes and brows, where the finest detail sits, 4x (memory
    traffic of a 4x copy of the whole face costs a fifth of vivid's speed). None for a face
    too small to bother."""
    lm = face.landmarks[:, :2]
    oval = lm[topo.FACE_OVAL]
    face_width = float(np.ptp(oval[:, 0]))
    # Face and head motion stay within a quarter of the face's width.
    reach = 0.25 * face_width + 4
    # The face and brows, with the hairline and ears just around them.
    face_source, face_target = _sharp_source(image, oval, region, margin=0.1 * face_width, reach=reach, factor=2)
    if face_source is None:
        return None, None, None, None
    eyes = lm[np.r_[topo.EYES_ALL, topo.BROWS]]
    # Past the lashes and the brows, and past the feathered edge.
    margin = 0.12 * face_width + SHARP_FEATHER
    eyes_source, eyes_target = _sharp_source(image, eyes, face_target, margin=margin, reach=reach, factor=4)
    return face_source, face_target, eyes_source, eyes_target


def _sharp_source(image: np.ndarray, points: np.ndarray, region: tuple, *, margin: float, reach: float, factor: int):
    """A SharpSource for the box around ``points`` plus ``margin`` (within ``region``) and
    everything ``reach`` pixels around it, and that box; (None, None) when too small."""
    height, width = image.shape[:2]
    (ox0, oy0), (ox1, oy1) = points.min(0) - margin, points.max(0) + margin
    target = (
        int(max(region[0], np.floor(ox0))),
        int(max(region[1], np.floor(oy0))),
        int(min(region[2], np.ceil(ox1))),
        int(min(region[3], np.ceil(oy1))),
    )
    if target[2] - target[0] < 4 * SHARP_FEATHER or target[3] - target[1] < 4 * SHARP_FEATHER:
        return None, None
    box = (
        int(max(0, np.floor(target[0] - reach))),
        int(max(0, np.floor(target[1] - reach))),
        int(min(width, np.ceil(target[2] + reach))),
        int(min(height, np.ceil(target[3] + reach))),
    )
    area = (box[2] - box[0]) * (box[3] - box[1])
    while factor > 2 and area * factor**2 > SHARP_PIXELS:
        factor -= 1
    return SharpSource(image, box, factor=factor), target
