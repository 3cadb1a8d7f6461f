"""A face rig: a deformable triangle mesh over one face, built once, posed every frame.

The rig keeps the photo's own mouth as the neutral pose: controls give an *absolute*
inner-lip gap, so a smiling mouth with teeth showing can be closed as well as opened.
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy.spatial import Delaunay

from ..characters import Face
from ..characters import topology as topo
from ..errors import ParameterError

__all__ = [
    "FaceRig", "FaceTooSmallError", "Pose", "along_table", "big_drawn_eyes", "build_rig", "eye_width_limit", "lip_along",
    "mouth_polygon", "opening", "pose_points", "smile_lift", "widest_eye",
]  # fmt: skip

# Drawn eyes open wider than this (lid gap / eye width) get painted lids.
BIG_EYES = 0.45
# Widest natural inner-lip gap, as a fraction of mouth width (MouthTrack.open == 1).
MAX_GAP = 0.55
# Line art draws a talking mouth taller for its width than a photo shows one: a small
# inked mouth opened like a photo's reads as shut until the vowel is wide.
LINE_ART_GAP = 0.85
# Lip-to-teeth (F/V): the upper lip lifts a little and the lower lip tucks under the upper
# teeth, leaving this much of MAX_GAP between them (all of it teeth).
FV_GAP = 0.15
# A covered mouth (see _mouth_reading.mouth_covered) never opens: the lips move as one with the jaw,
# which drops this share of the way it would, so a mask or scarf moves a little as the
# person behind it speaks; spread and rounding move its corners by the same share.
COVERED_JAW = 0.25
# An eye narrower than this fraction of the other is the far eye of a profile, hidden
# behind the nose: it never moves (its lids would smear over the nose's outline).
HIDDEN_EYE = 0.3
# An eye face mesh outlines wider than this many mouth widths is no eye it found (photos'
# 0.4-0.6, painted faces' up to 1.1; Wesnoth's elvish captain: 38 pixels beside a 22-pixel
# mouth, the outline took in the brow and headband; the revenant's 39 beside 12, helmet
# plates): on a face whose lids squash, both eyes stay still, rather than a blink drag
# what the outline took in down over the face, unless the animator refitted them onto the
# painted eyes (see _eyes.fit_outsized_eyes). Big drawn eyes (painted lids) may be wider.
EYE_MOUTH_MAX = 1.5
# The landmark groups an eye needs wholly inside the rig to move (see _pose_eyes; its brow
# moves where the rig holds it too).
EYE_PARTS = ("upper_lid", "lower_lid", "iris")
LIP_GROUPS = ("upper_outer", "lower_outer", "upper_inner", "lower_inner")  # every mouth pose moves them
# Fixed vertices around each eye, this far out (fractions of the eye's width): a blink
# stretches only the lids inside them, never the glasses' rims or hat brims beyond.
LID_BAND_ABOVE = 0.15
LID_BAND_BELOW = 0.1
LID_BAND_CORNER = 0.12
# An iris point keeps at least this share of its distance inside that ring (see _pose_lids).
IRIS_ROOM = 0.5
# Glasses across the brows (see _glasses.rim_line): fixed vertices this far above the
# frame's top edge and beyond its ends (fractions of the eye's width, and at least
# RIM_CLEAR_PX: the face's map is computed every other pixel and interpolated) keep it and
# all below it still; the brows take none of their motion there and all of it RIM_RAMP further.
RIM_CLEAR, RIM_CLEAR_PX = 0.1, 3.0
RIM_RAMP = 0.3
# Expressions at full strength (see motion.Expression), as fractions of the mouth's width
# (corners), the eye's width (brows) or the lids' gap (lids).
CORNER_LIFT = 0.09
SMILE_BASE = 0.5  # share of a smile's lift the middle of the mouth gets
# Rounded lips (OO) undo this share of the picture's own smile or frown at full rounding:
# corners pulled in but left high would fold a smiling mouth into a V.
ROUND_FLATTEN = 0.6
# Rounded lips pull the skin around them along: the corners in, the lower lip's pout down
# over the chin, the upper one's up. Skin within ROUND_SKIN_REACH mouth widths of the lips'
# outline takes up to all of its nearby lip's motion (its mean, weighted over
# ROUND_SKIN_BLUR mouth widths, so neighbours move alike), falling off as a Gaussian and to
# none at the rig's fixed vertices. Before, only the lips moved: the corners came 0.17 of
# the mouth's width in across skin that stayed, through the long triangles fanned out from
# them on a sparse rig (a vertical crease from the corner down the cheek on FreedroidRPG's
# kevin), and the lower lip pushed down 8 px onto a chin dropping 2 (a hard edge under it:
# the skin there squeezed to 0.14 of its height at open 0.5, now 0.54).
ROUND_SKIN_REACH, ROUND_SKIN_BLUR = 0.5, 0.25
# How far rounded lips pout, their outer edges pushed out (the upper one up, the lower one
# down), in mouth widths. The lower lip pouts half as far: carried down with the skin
# under it, a pout of 0.08 made a pale lower lip read to face mesh as part of the hole
# (FreedroidRPG's kevin's OO read 0.53 of the mouth's width open, the track said 0.18).
POUT_UPPER, POUT_LOWER = 0.08, 0.04
BROW_RAISE, BROW_LOWER = 0.25, 0.15
BROW_INNER_UP, BROW_INNER_DOWN, BROW_KNIT = 0.2, 0.15, 0.08
LID_DROP, LID_WIDEN = 0.3, 0.2
SQUINT_LOWER, SQUINT_UPPER = 0.35, 0.1
# A face rigged from clicked points (an animal's muzzle, see characters/_points.py) opens
# like an animal's. Its lower jaw drops as one piece: lower lip, chin and the fur below them
# as far as the lower lip's outer edge (MUZZLE_JAW of the inner edge's drop; a human jaw
# is skin that follows 0.85 of it at the lip and fades from just above the chin, so the
# kitten's chin, 21 px below its 42-px mouth, dropped 9 px where its lower lip dropped 17,
# the fur between squashed to half). The jaw is MUZZLE_JAW_SPAN half mouth widths wide at the lips (with
# them) and at the chin (wider, like a jaw's bone), and below the chin its drop fades out
# over MUZZLE_JAW_FADE mouth widths, carried by extra vertices MUZZLE_GRID mouth widths
# apart (the template has none below its chin). The opening is rounder: its height along
# the mouth goes as (1 - u**2) ** MUZZLE_PROFILE (human lips 0.6, a slot), so the hole is
# deepest in the middle and the corners stay tight, and the upper lip, under the nose, takes
# only MUZZLE_UPPER of it (human 0.22).
MUZZLE_JAW, MUZZLE_JAW_SPAN, MUZZLE_JAW_FADE = 0.95, (1.0, 1.6), 1.5
MUZZLE_GRID, MUZZLE_PROFILE, MUZZLE_UPPER = 0.25, 1.3, 0.1
# A human jaw: the skin under the lower lip follows JAW_SHARE of the lower lip's inner
# drop, LOWER_OUTER of it at the lip's outer edge. Its drop fades out from 0.6 of the way to
# the chin to 1.6 of it; where the picture's edge (or the rig's) comes sooner, it fades out
# there instead, no faster than evenly from the lower lip's outer edge down, and the lower lip
# drops no further than leaves the skin below it squashed JAW_SQUASH times (picture rows per
# output row). Before, a chin at the edge folded the skin over it: the chin pushed out of the
# picture and its last rows torn off.
JAW_SHARE, LOWER_OUTER, JAW_SQUASH = 0.85, 0.95, 2.0
# The last rows of a picture that a human jaw never moves, its fixed vertices above them: a
# vivid head's coarse map samples the face's a pixel or two in from the edge, and took the
# chin's drop (6.8-22 px before, 0.6-1.4 with the jaw reaching the edge) into the edge's row.
EDGE_STILL = 3
# Detectors whose landmarks' depth is measured from the picture (see Face.landmarks): the
# mouth's along-the-lips coordinate follows the face's own 3D shape (see lip_along). Meshes
# fitted from the template (anime, clicked points) carry its frontal depth and keep the
# picture's.
MEASURED_DEPTH = ("face_mesh", "face_detection+mesh")


@dataclass(frozen=True)
class Pose:
    """Local face controls for one frame (head motion is applied separately).

    open, press, fv, tongue in 0..1; spread in -1..1 (see MouthTrack); blink 0..1
    (1 = lids shut); brow 0..1 (1 = raised); gaze_x, gaze_y in -1..1 (fraction of the
    iris radius range). rest 0..1: how much the mouth keeps the picture's own shape
    (1 = exactly as in the picture, whatever the mouth controls say; see mouth_shapes).
    brow_raise, brow_inner, squint, lid_drop, corner_lift: the expression (see
    motion.Expression), 0 = the picture's own face; the corners lift at rest too, and
    brows and lids move only where the rig has them (vivid and master).
    """

    open: float = 0.0
    spread: float = 0.0
    press: float = 0.0
    fv: float = 0.0
    tongue: float = 0.0
    blink: float = 0.0
    brow: float = 0.0
    gaze_x: float = 0.0
    gaze_y: float = 0.0
    rest: float = 0.0
    brow_raise: float = 0.0
    brow_inner: float = 0.0
    squint: float = 0.0
    lid_drop: float = 0.0
    corner_lift: float = 0.0


def opening(open, press, fv):
    """Inner-lip gap in the middle of the mouth, as a fraction of the rig's ``max_gap`` x the
    posed mouth width (spread or rounded lips change the width, not this share: the track
    contract).

    The one formula the mesh poses with and the easing limits (see mouth_shapes); works
    on floats or on equal-shaped arrays.
    """
    return (1 - fv) * open * (1 - press) + fv * FV_GAP


@dataclass(frozen=True)
class BrowRig:
    """One brow's share of an expression, measured once at rest.

    Attributes
    ----------
    brow : np.ndarray [shape=(b,), int]
        Its vertices.
    inner : np.ndarray [shape=(b,), float, 0..1]
        How much of an inner-end motion each vertex takes (1 at the end nearest the midline).
    towards : float
        +1 or -1: the side of the midline along ``FaceRig.right``.
    followers, follow, nearest : np.ndarray [shape=(f,)]
        Forehead vertices above the brow, the share of the brow's motion each takes, and
        the brow vertex (an index into ``brow``) each follows.
    room_up, room_down : float
        How far (pixels) the brow may go up or down, the followers their share of it,
        before one meets a vertex that stays.
    """

    brow: np.ndarray
    inner: np.ndarray
    towards: float
    followers: np.ndarray
    follow: np.ndarray
    nearest: np.ndarray
    room_up: float
    room_down: float


@dataclass(frozen=True)
class ExpressionRig:
    """What an expression moves, measured once at rest.

    Attributes
    ----------
    along : np.ndarray [shape=(n_landmarks,), float, -1..1]
        Each landmark's place along the mouth (corner to corner), clipped to the corners.
    falloff : np.ndarray [shape=(n_landmarks,), float, 0..1]
        How much of the mouth corners' motion each landmark takes (1 on the lips, falling
        off over the cheeks and chin; 0 from the eyes up).
    brows : dict
        ``{"right": BrowRig, "left": BrowRig}`` for whole-face rigs, else empty.
    """

    along: np.ndarray
    falloff: np.ndarray
    brows: dict


@dataclass(frozen=True)
class FaceRig:
    """Mesh and measurements of one face, in output-image pixels.

    Attributes
    ----------
    points : np.ndarray [shape=(n, 2), float64]
        Mesh vertices at rest (the photo's own pose): landmarks first, then fixed anchors.
    along : np.ndarray [shape=(n_landmarks,), float64] or None
        Each landmark's place along the mouth on the face, from its depth (see lip_along):
        -1 at the subject's right corner, 0 at the lips' middle, +1 at the left corner,
        beyond them past the corners. None (no depth of its own): along the picture's line
        between the corners, from ``mouth_centre``, in half mouth widths.
    landmark_ids : np.ndarray [shape=(n_landmarks,), int]
        Face-mesh index of each of the first ``n_landmarks`` vertices.
    triangles : np.ndarray [shape=(t, 3), int32]
        Topology; the triangles inside the mouth opening are painted over.
    roi : (x0, y0, x1, y1)
        The only region a posed frame can differ from the photo in.
    """

    points: np.ndarray
    landmark_ids: np.ndarray
    triangles: np.ndarray
    roi: tuple
    style: str
    mouth_centre: np.ndarray
    right: np.ndarray
    down: np.ndarray
    mouth_width: float
    face_width: float
    eye_width: float
    jaw_weight: np.ndarray
    slot: dict  # name -> vertex indices of the groups the pose moves, and of the eyes' fixed rings
    lids: str = "squash"  # "squash" (photos), "paint" (big drawn eyes), "still" (eyes unknown)
    still_eyes: tuple = ()  # "right" and/or "left": eyes hidden from view or not rigged, never moved
    shut_eyes: tuple = ()  # eyes drawn shut: no blink, no gaze (their brows still move)
    expression: ExpressionRig | None = None  # what an expression moves, and how far it may
    max_gap: float = MAX_GAP  # inner-lip gap / mouth width at open == 1
    covered: bool = False  # the mouth never opens; its cover moves with the jaw (COVERED_JAW)
    muzzle: bool = False  # rigged from clicked points: opens like an animal's (MUZZLE_*)
    lip_room: float = np.inf  # pixels the lower lip's outer edge may drop (JAW_SQUASH)
    along: np.ndarray | None = None
    # [shape=(n_landmarks,), float64, 0..1]: the share of the brows' motion each landmark
    # takes, less at and near glasses across the brows (see _rim_share); None: all of it.
    brow_share: np.ndarray | None = None

    def vertices(self, name: str) -> np.ndarray:
        return self.points[self.slot[name]]


def widest_eye(landmarks: np.ndarray) -> float:
    """The wider of the two eye outlines, corner to corner (``landmarks``' pixels)."""
    lm = np.asarray(landmarks, dtype=np.float64)[:, :2]
    return max(float(np.linalg.norm(lm[upper[-1]] - lm[upper[0]])) for upper in (topo.RIGHT_EYE_UPPER, topo.LEFT_EYE_UPPER))


def eye_width_limit(landmarks: np.ndarray) -> float:
    """Widest eye outline taken as face mesh's own on a face whose lids squash:
    EYE_MOUTH_MAX of the mouth's width (``landmarks``' pixels)."""
    lm = np.asarray(landmarks, dtype=np.float64)[:, :2]
    return EYE_MOUTH_MAX * float(np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]))


def big_drawn_eyes(face: Face) -> bool:
    """Does ``face`` have big drawn eyes, the ones painted lids close (see _lid_style)?"""
    return face.style == "drawn" and not face.from_points and _eye_openness(face.landmarks[:, :2]) > BIG_EYES


def _lid_style(face: Face, *, fitted_lids: bool = False) -> str:
    """How this face blinks. Manual points give eye centres but no lids, so the mesh keeps
    those eyes still (the animator closes fur lids over eyes it can trace, see _fur_lids);
    big drawn eyes get painted lids, unless their lids were fitted to the picture's eyes
    (a render's, or a small painted eye's); everything else squashes
    like skin."""
    if face.from_points:
        return "still"
    if big_drawn_eyes(face) and not fitted_lids:
        return "paint"
    return "squash"


def _eye_openness(lm: np.ndarray) -> float:
    """Lid gap over eye width of the widest eye, the one seen most squarely: ~0.3 for
    photos, ~0.8 for anime eyes. A turned face's far eye is foreshortened along the eye,
    not across it, so its ratio overstates (a painted three-quarter face's 0.33-eye beside
    a 0.67 sliver averaged to "big drawn eyes")."""
    widest = (0.0, 0.0)
    for upper, lower in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        width = float(np.linalg.norm(lm[upper[-1]] - lm[upper[0]]))
        gap = float(np.max(np.linalg.norm(lm[lower] - lm[upper], axis=1)))
        widest = max(widest, (width, gap))
    return widest[1] / max(widest[0], 1e-6)


def _hidden_eyes(lm: np.ndarray) -> tuple:
    """The eyes a profile hides: foreshortened to a sliver next to the other one."""
    widths = {
        side: float(np.linalg.norm(lm[upper[-1]] - lm[upper[0]]))
        for side, upper in (("right", topo.RIGHT_EYE_UPPER), ("left", topo.LEFT_EYE_UPPER))
    }
    widest = max(widths.values())
    return tuple(side for side, width in widths.items() if width < HIDDEN_EYE * widest)


def _eye_rings(lm: np.ndarray) -> np.ndarray:
    """Fixed vertices around both eyes [shape=(n, 2)]: above and below the lids and beyond
    the corners, so that the lids' motion stays inside them. Above the eye the band never
    reaches past halfway to the brow."""
    rings = []
    for upper_ids, lower_ids, brow_ids in (
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_BROW_LOWER),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_BROW_LOWER),
    ):
        upper, lower, brow = lm[list(upper_ids)], lm[list(lower_ids)], lm[list(brow_ids)]
        along = upper[-1] - upper[0]
        width = max(float(np.linalg.norm(along)), 1e-6)
        along /= width
        up = np.array([along[1], -along[0]])
        if (upper.mean(0) - lower.mean(0)) @ up < 0:
            up = -up
        to_brow = float(np.min((brow - upper.mean(0)) @ up))
        above = min(LID_BAND_ABOVE * width, 0.5 * max(to_brow, 0.0)) if to_brow > 0 else LID_BAND_ABOVE * width
        # Dense (an eighth of the eye apart, closer than the band is wide), so that no
        # triangle reaches from a lid past the ring.
        below = LID_BAND_BELOW * width
        corner = LID_BAND_CORNER * width
        rings += [upper[i] + above * up for i in range(1, len(upper) - 1)]
        rings += [lower[i] - below * up for i in range(1, len(lower) - 1)]
        for end, outward in ((upper[0], -along), (upper[-1], along)):
            rings += [end + corner * outward, end + 0.7 * corner * outward + 0.7 * above * up]
            rings += [end + 0.7 * corner * outward - 0.7 * below * up]
    return np.array(rings)


def _vertex_slots(landmark_ids: np.ndarray) -> dict:
    """Vertex indices of each landmark group that is wholly inside the rig."""
    lookup = {int(lid): i for i, lid in enumerate(landmark_ids)}
    groups = {
        "upper_outer": topo.LIPS_UPPER_OUTER,
        "lower_outer": topo.LIPS_LOWER_OUTER,
        "upper_inner": topo.LIPS_UPPER_INNER,
        "lower_inner": topo.LIPS_LOWER_INNER,
        "right_upper_lid": topo.RIGHT_EYE_UPPER,
        "right_lower_lid": topo.RIGHT_EYE_LOWER,
        "left_upper_lid": topo.LEFT_EYE_UPPER,
        "left_lower_lid": topo.LEFT_EYE_LOWER,
        "right_iris": topo.RIGHT_IRIS,
        "left_iris": topo.LEFT_IRIS,
        "right_brow": topo.RIGHT_BROW,
        "left_brow": topo.LEFT_BROW,
    }
    return {
        name: np.array([lookup[i] for i in ids])
        for name, ids in groups.items()
        if all(i in lookup for i in ids)
    }


def _thin(points: np.ndarray, keep: np.ndarray, candidates: np.ndarray, min_dist: float) -> np.ndarray:
    """Greedy thinning: candidates closer than ``min_dist`` to a kept point are dropped."""
    chosen = list(keep)
    kept_xy = points[keep]
    for i in candidates:
        if np.min(np.hypot(*(kept_xy - points[i]).T)) >= min_dist:
            chosen.append(i)
            kept_xy = np.vstack([kept_xy, points[i]])
    return np.array(chosen)


def _box_anchors(roi, spacing: float) -> np.ndarray:
    x0, y0, x1, y1 = roi
    xs = np.linspace(x0, x1, max(2, int(np.ceil((x1 - x0) / spacing)) + 1))
    ys = np.linspace(y0, y1, max(2, int(np.ceil((y1 - y0) / spacing)) + 1))[1:-1]
    top = np.stack([xs, np.full_like(xs, y0)], 1)
    bottom = np.stack([xs, np.full_like(xs, y1)], 1)
    left = np.stack([np.full_like(ys, x0), ys], 1)
    right = np.stack([np.full_like(ys, x1), ys], 1)
    return np.vstack([top, bottom, left, right])


def mouth_polygon(rig: FaceRig, points: np.ndarray) -> np.ndarray:
    """Inner-lip outline (upper corner to corner, then lower back), shape (n, 2)."""
    upper = points[rig.slot["upper_inner"]]
    lower = points[rig.slot["lower_inner"]][::-1][1:-1]
    return np.vstack([upper, lower])


MIN_MOUTH_PX = 8.0  # narrower mouths have no room for lips, teeth and a gap


class FaceTooSmallError(ParameterError):
    """A face whose mouth is too narrow to animate at the video's size.

    ``shrunk`` says whether the picture was made smaller to fit the video: only then
    does a larger ``max_size`` help (pictures are never enlarged).
    """

    def __init__(self, index: int, mouth_px: float, *, shrunk: bool = True):
        advice = "raise --max-size, or use a closer picture" if shrunk else "use a larger or closer picture of the face"
        where = "at this video size" if shrunk else "even at the picture's full size"
        super().__init__(
            f"face {index} is too small to animate {where} (its mouth is {mouth_px:.0f} px wide,"
            f" at least {MIN_MOUTH_PX:.0f} needed): {advice}"
        )
        self.index, self.mouth_px = index, mouth_px


def _check_size(face: Face, lm: np.ndarray) -> None:
    mouth = float(np.linalg.norm(lm[topo.MOUTH_CORNER_LEFT] - lm[topo.MOUTH_CORNER_RIGHT]))
    if not mouth >= MIN_MOUTH_PX:
        raise FaceTooSmallError(face.index, mouth)


def build_rig(
    face: Face,
    *,
    image_shape: tuple,
    whole_face: bool,
    shut_eyes: tuple = (),
    max_gap: float = MAX_GAP,
    rim: np.ndarray | None = None,
    fitted_lids: bool = False,
    covered: bool = False,
) -> FaceRig:
    """Build the mesh for ``face`` (landmarks already in output pixels).

    ``whole_face=False`` rigs only the lower face (standard mode: nothing above the nose
    may change); ``True`` also rigs eyes and brows (vivid mode). ``shut_eyes`` names the
    eyes ("right", "left") the picture shows shut (see _eyes.drawn_shut). ``max_gap`` is
    the widest opening (LINE_ART_GAP for line art). ``rim`` [shape=(k, 2), output pixels]
    is the top edge of glasses across the brows (see _glasses.rim_line), if any: it and
    everything below it stay still while the brows move. ``fitted_lids``: the lids were
    fitted to the picture's eyes (see _eyes.fit_rendered_eyes, fit_painted_eyes),
    which squash however big.
    ``covered``: the mouth is covered (see _mouth_reading.mouth_covered) and never opens.
    """
    height, width = image_shape[:2]
    lm = face.landmarks[:, :2].astype(np.float64)
    _check_size(face, lm)
    left_corner, right_corner = lm[topo.MOUTH_CORNER_RIGHT], lm[topo.MOUTH_CORNER_LEFT]
    mouth_width = float(np.linalg.norm(right_corner - left_corner))
    right = (right_corner - left_corner) / max(mouth_width, 1e-6)
    down = np.array([-right[1], right[0]])
    centre = 0.5 * (lm[topo.LIPS_UPPER_INNER].mean(0) + lm[topo.LIPS_LOWER_INNER].mean(0))
    oval = lm[topo.FACE_OVAL]
    face_width = float(np.ptp(oval @ right))
    eye_width = float(
        np.linalg.norm(lm[topo.RIGHT_EYE_UPPER[0]] - lm[topo.RIGHT_EYE_UPPER[-1]])
        + np.linalg.norm(lm[topo.LEFT_EYE_UPPER[0]] - lm[topo.LEFT_EYE_UPPER[-1]])
    ) / 2

    # Region of interest, generous below the chin so the jaw can drop smoothly.
    chin = lm[topo.CHIN]
    face_height = float(np.ptp(oval @ down))
    margin = 0.12 * face_width
    if whole_face:
        top = oval[:, 1].min() - margin
    else:
        top = lm[topo.NOSE_BOTTOM][1] + 0.1 * (centre[1] - lm[topo.NOSE_BOTTOM][1])
        # A mesh fitted to a small drawn nose can put it on the upper lip: the lips
        # always get room above them.
        top = min(top, lm[topo.LIPS_UPPER_OUTER][:, 1].min() - 0.25 * mouth_width)
    bottom = chin[1] + 0.3 * face_height
    muzzle = face.from_points
    chin_depth = max(float((chin - centre) @ down), 1e-6)
    if muzzle:  # room for the jaw's drop to fade out below the chin
        lowest = centre + (chin_depth + (MUZZLE_JAW_FADE + 2 * MUZZLE_GRID) * mouth_width) * down
        bottom = max(bottom, float(lowest[1]))
    roi = (
        int(max(0, np.floor(oval[:, 0].min() - margin))),
        int(max(0, np.floor(top))),
        int(min(width - 1, np.ceil(oval[:, 0].max() + margin))),
        int(min(height - 1 - (0 if muzzle else EDGE_STILL), np.ceil(bottom))),
    )
    if muzzle:
        # The drop holds down to the chin and fades out below it; near the picture's edge it
        # fades out above the edge, starting higher (from the chin down, squeezed into what
        # room is left, the fur was twice as squashed as above it).
        fade = MUZZLE_JAW_FADE * mouth_width
        room = (roi[3] - centre[1]) / max(down[1], 1e-6) - MUZZLE_GRID * mouth_width
        jaw_end = max(min(chin_depth + fade, room), MUZZLE_GRID * mouth_width)
        jaw_hold = float(np.clip(jaw_end - fade, 0.0, chin_depth))
        lower_lip = float(np.max((lm[topo.LIPS_LOWER_OUTER, :2] - centre) @ down))
    x0, y0, x1, y1 = roi

    # Landmarks inside the region, thinned to a well-spaced set around the key groups.
    in_roi = (lm[:, 0] > x0 + 2) & (lm[:, 0] < x1 - 2) & (lm[:, 1] > y0 + 2) & (lm[:, 1] < y1 - 2)
    key = list(topo.LIPS_ALL)
    if whole_face:
        key += list(topo.EYES_ALL) + list(topo.IRISES) + list(topo.BROWS)
    key = np.array([i for i in dict.fromkeys(key) if in_roi[i]])
    others = np.array([i for i in np.flatnonzero(in_roi) if i not in set(key.tolist())])
    if muzzle:  # under the mouth the jaw's grid stands for the template (see _jaw_grid)
        others = others[~_under_jaw(lm[others, :2], centre, right, down, mouth_width, lower_lip=lower_lip, end=jaw_end)]
    rings = _eye_rings(lm) if whole_face else np.zeros((0, 2))
    glasses = whole_face and rim is not None and len(rim) > 1
    rim_anchors = _rim_anchors(rim, -down, eye_width) if glasses else np.zeros((0, 2))
    fixed = np.vstack([rings, rim_anchors])
    if len(fixed) and len(others):
        # Keep other landmarks clear of the rings around the eyes (and of the glasses): a
        # vertex just outside a ring could be joined to a lid, and the lid's motion would
        # leak out to it.
        gap = np.min(np.linalg.norm(lm[others, None, :2] - fixed[None], axis=2), axis=1)
        others = others[gap >= 0.5 * 0.085 * face_width]
    ids = _thin(lm, key, others, min_dist=0.085 * face_width)
    anchors = _box_anchors(roi, spacing=0.2 * face_width)
    slot = _vertex_slots(ids)
    if not all(group in slot for group in LIP_GROUPS):
        # The region is laid out along the picture's axes: a face on its side or upside
        # down (face mesh finds such "faces" on robots' panels) leaves lips out of it.
        raise ParameterError(
            f"face {face.index}'s mouth cannot be animated: it is not where an upright face's mouth would be"
            " (is the face upside down or on its side?); rotate the picture upright, or mark the mouth by hand"
            " with --points FILE.json"
        )
    # Eyes move only if the rig holds the lids and iris of both (each gets its fixed ring).
    # Where it cannot hold one (outside the lower face's rig, cut off by the picture's edge,
    # or where face mesh guessed eyes under a helmet, Wesnoth's elves/sylph) both stay still:
    # the other eye, moved, tore the helmet's edge above it.
    # So do eyes too wide for the mouth to be ones face mesh found (EYE_MOUTH_MAX).
    lids = _lid_style(face, fitted_lids=fitted_lids)
    found = lids != "squash" or widest_eye(lm) <= eye_width_limit(lm)
    rigged = found and all(f"{side}_{part}" in slot for side in ("right", "left") for part in EYE_PARTS)
    still_eyes = _hidden_eyes(lm) if rigged else ("right", "left")
    half = len(rings) // 2
    for side, ring in (("right", rings[:half]), ("left", rings[half:])):
        if rigged and len(ring):
            first = len(ids) + len(anchors)
            slot[f"{side}_eye_ring"] = np.arange(first, first + len(ring))
            anchors = np.vstack([anchors, ring])
    points = np.vstack([lm[ids], anchors, rim_anchors])
    fixed_count = len(points)
    if muzzle:
        grid = _jaw_grid(points, roi, centre, right, down, mouth_width, lower_lip=lower_lip, end=jaw_end)
        points = np.vstack([points, grid])

    # Jaw weight: how much of the chin's drop each vertex follows.
    rel = points - centre
    if muzzle:
        jaw_weight = _muzzle_jaw_weight(
            rel @ right, rel @ down, mouth_width=mouth_width, chin_depth=chin_depth, hold=jaw_hold, end=jaw_end
        )
    else:
        lateral = np.abs(rel @ right) / (0.5 * face_width)
        vertical = (rel @ down) / chin_depth
        jaw_weight = np.clip(1 - lateral**1.6, 0, 1) * np.clip(vertical / 0.45, 0, 1)
        jaw_weight *= np.clip(1.6 - vertical, 0, 1)  # fades below the chin into the neck
        lower_lip = float(np.max((lm[topo.LIPS_LOWER_OUTER, :2] - centre) @ down))
        lip = centre + lower_lip * down
        edge_fade, lip_room = _edge_fade(points, roi[3], down, chin_depth=chin_depth, lip=lip)
        jaw_weight = np.minimum(jaw_weight, edge_fade)
    jaw_weight[len(ids) : fixed_count] = 0.0  # anchors never move
    along = None
    if face.detector in MEASURED_DEPTH:
        mesh = face.landmarks.astype(np.float64)
        corners = mesh[[topo.MOUTH_CORNER_RIGHT, topo.MOUTH_CORNER_LEFT]]
        upper, lower = topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER
        middle = (mesh[upper[len(upper) // 2]] + mesh[lower[len(lower) // 2]]) / 2
        along = lip_along(mesh[ids], corners=corners, middle=middle)

    rig = FaceRig(
        lids=lids,
        still_eyes=still_eyes,
        shut_eyes=tuple(shut_eyes),
        points=points,
        landmark_ids=ids,
        triangles=np.zeros((0, 3), np.int32),
        roi=roi,
        style=face.style,
        mouth_centre=centre,
        right=right,
        down=down,
        mouth_width=mouth_width,
        face_width=face_width,
        eye_width=eye_width,
        jaw_weight=jaw_weight,
        slot=slot,
        max_gap=max_gap,
        brow_share=_rim_share(lm[ids], rim, right, down, eye_width) if glasses else None,
        muzzle=muzzle,
        lip_room=np.inf if muzzle else lip_room,
        along=along,
    )
    # Triangulate an open-mouth pose so that triangles inside the opening join the upper
    # lip's inner edge to the lower one's: the map stays continuous (the painted interior
    # covers them), which lets it be computed coarsely.
    reference = pose_points(rig, Pose(open=0.8))
    tri = Delaunay(reference).simplices.astype(np.int32)
    area = np.abs(np.cross(reference[tri[:, 1]] - reference[tri[:, 0]], reference[tri[:, 2]] - reference[tri[:, 0]]))
    return FaceRig(
        **{**rig.__dict__, "triangles": tri[area > 1e-6], "expression": _expression_rig(rig), "covered": covered}
    )


def _edge_fade(points: np.ndarray, edge: float, down: np.ndarray, *, chin_depth: float, lip: np.ndarray) -> tuple:
    """The most of a human jaw's drop each of ``points`` [shape=(n, 2)] may follow above the
    rig's bottom ``edge`` (a row, where its fixed vertices lie) [shape=(n,), float64, >= 0],
    and how far the lower lip's outer edge (at ``lip``, its lowest point) may drop (pixels).

    The drop falls to none at the edge along a line no steeper than the jaw's own fade (1 per
    ``chin_depth``), or, with less room, one from the lower lip's drop at the lip down to the
    edge: the squash spread over all the rows between. With room for the jaw's fade the
    line lies above it, and the jaw is as it was.
    """
    along = max(float(down[1]), 1e-6)  # pixels along ``down`` per row
    room = (edge - points[:, 1]) / along
    lip_room = max((edge - float(lip[1])) / along, 1e-6)
    slope = max(1.0 / chin_depth, LOWER_OUTER / JAW_SHARE / lip_room)
    return np.maximum(room, 0.0) * slope, (1 - 1 / JAW_SQUASH) * lip_room


def _muzzle_jaw_weight(
    along: np.ndarray, below: np.ndarray, *, mouth_width: float, chin_depth: float, hold: float, end: float
) -> np.ndarray:
    """How much of the jaw's drop each point of an animal's muzzle follows [float64, 0..1].

    ``along`` and ``below`` [shape=(n,)] are its pixels right of and below the mouth's
    centre; ``chin_depth`` the chin's pixels below it. All of the drop under the middle of
    the mouth down to ``hold`` pixels below it (the chin, where the picture has room),
    falling off towards and past the corners as the opening does (the jaw widens from
    MUZZLE_JAW_SPAN[0] half mouth widths at the lips to [1] at the chin), and none from
    ``end`` pixels below it down.
    """
    reach = MUZZLE_JAW_SPAN[0] + (MUZZLE_JAW_SPAN[1] - MUZZLE_JAW_SPAN[0]) * np.clip(below / chin_depth, 0, 1)
    lateral = _smooth_profile(np.clip(along / (0.5 * mouth_width * reach), -1, 1), MUZZLE_PROFILE)
    under = np.clip(below / (0.1 * mouth_width), 0, 1)  # none above the mouth's line
    return lateral * under * np.clip((end - below) / max(end - hold, 1e-6), 0, 1)


def _under_jaw(points, centre, right, down, mouth_width: float, *, lower_lip: float, end: float) -> np.ndarray:
    """Which of ``points`` [shape=(n, 2)] lie where _jaw_grid lays its grid (a step around
    it included) [shape=(n,), bool]. The template's chin and jaw line are a human's, a guess
    under an animal's mouth; between them and the grid's rows the triangles came out uneven
    (the fur squashed up to 1.65 times down a 40-px mouth's middle, 1.51 with the grid alone)."""
    spacing = MUZZLE_GRID * mouth_width
    rel = points - centre
    along, below = np.abs(rel @ right), rel @ down
    half = 0.5 * mouth_width * MUZZLE_JAW_SPAN[1]
    return (along < half + spacing) & (below > lower_lip + 0.5 * spacing) & (below < end + spacing)


def _jaw_grid(points, roi, centre, right, down, mouth_width: float, *, lower_lip: float, end: float) -> np.ndarray:
    """Vertices [shape=(m, 2)] that carry an animal's jaw (see _muzzle_jaw_weight): a grid
    MUZZLE_GRID mouth widths apart under the mouth, from just below the lower lip (``lower_lip``
    pixels below the mouth's centre) to where the drop has faded out (``end`` pixels below
    it), as wide as the jaw, inside ``roi`` and clear of the other ``points`` (the lips, the
    box's anchors)."""
    spacing = MUZZLE_GRID * mouth_width
    half = 0.5 * mouth_width * MUZZLE_JAW_SPAN[1]
    # Columns half a step off the middle, where the template's midline vertices lie: a
    # vertex of the grid nearly in line with two of them makes slivers that flip.
    along = (np.arange(-np.floor(half / spacing), np.floor(half / spacing)) + 0.5) * spacing
    below = np.arange(lower_lip + spacing, end + 0.5 * spacing, spacing)
    a, b = np.meshgrid(along, below)
    grid = centre + a.reshape(-1, 1) * right + b.reshape(-1, 1) * down
    x0, y0, x1, y1 = roi
    inside = (grid[:, 0] > x0 + 2) & (grid[:, 0] < x1 - 2) & (grid[:, 1] > y0 + 2) & (grid[:, 1] < y1 - 2)
    grid = grid[inside]
    clear = np.min(np.linalg.norm(grid[:, None] - points[None], axis=2), axis=1) >= 0.5 * spacing
    return grid[clear]


def _rim_clear(eye_width: float) -> float:
    """How far (pixels) the fixed vertices lie above glasses' edge and beyond its ends."""
    return max(RIM_CLEAR * eye_width, RIM_CLEAR_PX)


def _rim_anchors(rim: np.ndarray, up: np.ndarray, eye_width: float) -> np.ndarray:
    """Fixed vertices [shape=(m, 2)] just above glasses' top edge ``rim`` [shape=(k, 2)],
    an eighth of the eye apart (as the rings around the eyes are), and beyond its ends."""
    clear = _rim_clear(eye_width)
    length = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(rim, axis=0), axis=1))]
    at = np.linspace(0.0, length[-1], max(2, int(np.ceil(8 * length[-1] / eye_width)) + 1))
    along = np.stack([np.interp(at, length, rim[:, 0]), np.interp(at, length, rim[:, 1])], 1)
    ends = [along[0] - clear * _unit(along[1] - along[0]), along[-1] + clear * _unit(along[-1] - along[-2])]
    return np.vstack([ends[0], along, ends[1]]) + clear * up


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def _rim_share(points: np.ndarray, rim: np.ndarray, right, down, eye_width: float) -> np.ndarray:
    """The share of the brows' motion each of ``points`` [shape=(n, 2)] takes
    [shape=(n,), float64, 0..1]: none at or below the fixed vertices above the glasses'
    edge ``rim`` [shape=(k, 2)], rising to all of it RIM_RAMP of the eye's width above
    them, or as far beyond them past the frame's ends."""
    u, v = points @ right, points @ down
    rim_u, rim_v = rim @ right, rim @ down
    order = np.argsort(rim_u)
    clear = _rim_clear(eye_width)
    above = np.interp(u, rim_u[order], rim_v[order]) - v - clear
    beyond = np.maximum(rim_u.min() - u, u - rim_u.max()) - clear
    return np.clip(np.maximum(above, beyond) / (RIM_RAMP * eye_width), 0.0, 1.0)


def lip_along(points: np.ndarray, *, corners: np.ndarray, middle: np.ndarray) -> np.ndarray:
    """Each point's place along the mouth [shape=(n,), float64]: -1 at the subject's right
    corner, 0 at the lips' ``middle``, +1 at the left corner, linear along the line between
    the corners on each side of the middle (and past the corners, beyond -1 and 1).

    ``points`` [shape=(n, 3)], ``corners`` [shape=(2, 3), right then left] and ``middle``
    [shape=(3,)] are face-mesh points with their depth: the line between the corners is the
    face's own, so on a face turned three-quarters the far half of the mouth, foreshortened
    in the picture, still spans 0..1 and the middle is the lips' real one (the philtrum's),
    not the corners' midpoint in the picture. On a frontal face it is the picture's line.
    """
    axis = corners[1] - corners[0]
    length = max(float(np.linalg.norm(axis)), 1e-6)
    at = (points - corners[0]) @ axis / length
    middle_at = float(np.clip((middle - corners[0]) @ axis / length, 0.1 * length, 0.9 * length))
    return np.where(at < middle_at, (at - middle_at) / middle_at, (at - middle_at) / (length - middle_at))


def _along(rig: FaceRig, vertices: np.ndarray) -> np.ndarray:
    """Place along the mouth of the landmark ``vertices`` at rest [-1..1 corner to corner]
    (see FaceRig.along)."""
    if rig.along is not None:
        return rig.along[vertices]
    return (rig.points[vertices] - rig.mouth_centre) @ rig.right / (0.5 * rig.mouth_width)


def along_table(rig: FaceRig) -> tuple | None:
    """The mouth's places along it between the lips, in the picture (from ``mouth_centre``
    along ``right``, in half mouth widths) and on the face [shape=(k,) each, increasing in
    the picture], for painting its inside (see _mouth.paint_mouth); None where they are the
    same (no depth of its own)."""
    if rig.along is None:
        return None
    s, rest = rig.slot, rig.points
    upper, lower, corners = s["upper_inner"], s["lower_inner"], s["upper_outer"][[0, -1]]
    between = np.vstack([rest[corners[:1]], (rest[upper] + rest[lower]) / 2, rest[corners[1:]]])
    picture = (between - rig.mouth_centre) @ rig.right
    face = np.concatenate([rig.along[corners[:1]], (rig.along[upper] + rig.along[lower]) / 2, rig.along[corners[1:]]])
    order = np.argsort(picture)
    return picture[order] / (0.5 * rig.mouth_width), face[order]


def _smooth_profile(u: np.ndarray, exponent: float) -> np.ndarray:
    """Opening along the mouth: 1 in the middle, 0 at the corners."""
    return np.clip(1 - u**2, 0, 1) ** exponent


def pose_points(rig: FaceRig, pose: Pose) -> np.ndarray:
    """Where every mesh vertex goes for ``pose``.

    Returns
    -------
    np.ndarray [shape=(n, 2), float64]
    """
    pts = rig.points.copy()
    rest = rig.points
    s = rig.slot
    W, right, down = rig.mouth_width, rig.right, rig.down
    if rig.covered:  # no lips to press, tuck or touch the tongue: only the jaw and corners
        jaw = COVERED_JAW
        pose = replace(pose, open=jaw * pose.open, spread=jaw * pose.spread, press=0.0, fv=0.0, tongue=0.0)
    half = 0.5 * W

    # Lateral: spreading pulls the corners out, rounding pulls them in, towards the lips'
    # middle; lips scale with their distance from it in the picture (never past it).
    spread = float(pose.spread)
    rounding = max(0.0, -spread)
    corner_shift = W * (0.07 * spread if spread > 0 else 0.17 * spread)
    lips = np.concatenate([s["upper_outer"], s["lower_outer"], s["upper_inner"], s["lower_inner"]])
    lips = np.unique(lips)
    up_in, lo_in = s["upper_inner"], s["lower_inner"]
    middle = rig.mouth_centre
    if rig.along is not None:  # the lips' real middle
        middle = (rest[up_in[len(up_in) // 2]] + rest[lo_in[len(lo_in) // 2]]) / 2
    u_lips = ((rest[lips] - middle) @ right) / half
    pts[lips] += np.outer(u_lips * corner_shift, right)

    # Vertical: absolute inner-lip gap, shared 25/75 between upper lip and jaw. F/V lifts the
    # upper lip off the teeth and brings the lower lip up under them.
    if rig.along is None:
        u = ((rest[up_in] + rest[lo_in]) / 2 - rig.mouth_centre) @ right / half
    else:
        u = (rig.along[up_in] + rig.along[lo_in]) / 2
    gap_rest = np.maximum(0.0, (rest[lo_in] - rest[up_in]) @ down)
    posed_width = W + 2 * corner_shift
    gap_target = rig.max_gap * posed_width * opening(pose.open, pose.press, pose.fv)
    # Rounded lips bunch at the corners and part only in the middle: a round hole, not a
    # narrower slit. Face mesh reads such a hole smaller than its middle height, so the
    # middle is made a little taller to read as the track's share of the posed width, but
    # no taller than the hole is wide (line art opens tall already).
    hole = 1 - 0.5 * rounding
    centre_gap = min(gap_target * (1 + 0.3 * rounding), max(gap_target, hole * posed_width))
    roundness = MUZZLE_PROFILE if rig.muzzle else 0.6
    target = centre_gap * _smooth_profile(np.clip(u / hole, -1, 1), roundness - 0.1 * rounding)
    delta = target - gap_rest
    delta[[0, -1]] = 0.0  # corners are shared by both lips
    lift = 0.06 * W * pose.fv * _smooth_profile(np.clip(u, -1, 1), 1.0)
    upper_share = MUZZLE_UPPER if rig.muzzle else 0.22
    upper_move = -upper_share * delta - lift
    lower_move = (1 - upper_share) * delta - lift
    # Rounded lips push forward and down over the upper teeth (the hole sits lower, not
    # the jaw), and beside the hole, where they touch, they meet level with its middle.
    cover = 0.3 * rounding * target
    cover[[0, -1]] = 0.0
    middle = 0.28 * delta + cover
    seam = rounding * (middle[len(middle) // 2] - middle)
    seam[[0, -1]] = 0.0
    jaw_share = MUZZLE_JAW if rig.muzzle else JAW_SHARE  # the jaw opens no further
    jaw_drop = jaw_share * float(lower_move[len(lower_move) // 2])
    if rig.covered:  # the lips go down as one with the jaw: no opening, no stretched seam
        upper_move = lower_move = np.full_like(lower_move, jaw_drop)
    upper_move, lower_move = upper_move + cover + seam, lower_move + cover + seam
    # Outer lips follow their inner edge; rounding pouts them, pressing thins them, a lip
    # tucked under the teeth rolls in (its outer edge rises less than its inner one).
    upper_push = W * (POUT_UPPER * rounding - 0.03 * pose.press)
    lower_push = W * (POUT_LOWER * rounding - 0.03 * pose.press)
    up_out, lo_out = s["upper_outer"], s["lower_outer"]
    profile = _smooth_profile(np.clip(u, -1, 1), 1.0)
    lower_outer_move = LOWER_OUTER * lower_move + (lower_push + 0.5 * lift) * profile
    outer_drop = float(lower_outer_move.max())
    if outer_drop > rig.lip_room:  # the picture's edge leaves the lower lip and the jaw less room
        share = rig.lip_room / outer_drop
        lower_move, lower_outer_move, jaw_drop = share * lower_move, share * lower_outer_move, share * jaw_drop
    pts[up_in] += np.outer(upper_move, down)
    pts[lo_in] += np.outer(lower_move, down)
    pts[up_out] += np.outer(0.8 * upper_move - upper_push * profile, down)
    pts[lo_out] += np.outer(lower_outer_move, down)

    # Jaw: the chin follows the lower lip's drop; skin around it follows by weight.
    moved = np.zeros(len(pts), bool)
    moved[lips] = True
    jaw = ~moved & (rig.jaw_weight > 0)
    pts[jaw] += np.outer(rig.jaw_weight[jaw] * jaw_drop, down)
    for corner in (up_in[0], up_in[-1], up_out[0], up_out[-1]):
        pts[corner] += (0.35 * jaw_drop + rounding * cover[len(cover) // 2]) * down
    if rounding > 0:
        _follow_lips(rig, rounding, pts)
    if rounding > 0 and rig.expression is not None:
        _flatten_corners(rig, rounding, pts)
    if pose.rest > 0:  # back towards the picture's own mouth (the eyes are posed below)
        pts += float(np.clip(pose.rest, 0.0, 1.0)) * (rest - pts)
    if pose.corner_lift:  # the expression's corners, on whatever mouth shows
        _lift_corners(rig, pose, pts)

    if len(rig.still_eyes) < 2:  # the eyes are rigged (_pose_eyes leaves a hidden one)
        _pose_eyes(rig, pose, pts)
    return pts


def _expression_rig(rig: FaceRig) -> ExpressionRig:
    """Measure once what :func:`pose_points` needs for expressions (see ExpressionRig)."""
    n = len(rig.landmark_ids)
    half = 0.5 * rig.mouth_width
    rel = rig.points[:n] - rig.mouth_centre
    u, v = _along(rig, np.arange(n)), rel @ rig.down / half
    s = rig.slot
    lips = np.zeros(n, bool)
    lips[np.concatenate([s["upper_outer"], s["lower_outer"], s["upper_inner"], s["lower_inner"]])] = True
    # Skin follows less the further it is beyond the corners or above and below the lips.
    beyond = np.maximum(np.abs(u) - 1, 0)
    falloff = np.exp(-((beyond / 0.6) ** 2) - np.where(lips, 0.0, v / 0.9) ** 2)
    falloff[falloff < 0.02] = 0.0  # the eyes and the forehead stay put
    brows = {}
    if "right_brow" in s and "left_brow" in s:
        brows = {side: _brow_rig(rig, side) for side in ("right", "left")}
    return ExpressionRig(np.clip(u, -1, 1), falloff, brows)


def _brow_rig(rig: FaceRig, side: str) -> BrowRig:
    s, rest, right, down, width = rig.slot, rig.points, rig.right, rig.down, rig.eye_width
    brow, other = s[f"{side}_brow"], s["left_brow" if side == "right" else "right_brow"]
    along = rest[brow] @ right
    towards = 1.0 if rest[other].mean(0) @ right > along.mean() else -1.0
    inner = (along - along.min()) / max(float(np.ptp(along)), 1e-6)
    inner = (inner if towards > 0 else 1 - inner) ** 1.5
    # The forehead: landmarks above the brow (none of the eyes' or the other brow's)
    # follow the nearest brow vertex, less the further they are.
    parts = [s[k] for k in s if k.endswith(("_lid", "_iris", "_brow", "_ring"))]
    free = np.setdiff1d(np.arange(len(rig.landmark_ids)), np.concatenate(parts))
    rel = rest[free][:, None, :] - rest[brow][None, :, :]
    distance = np.linalg.norm(rel, axis=2)
    nearest = np.argmin(distance, axis=1)
    above = (rel[np.arange(len(free)), nearest] @ -down) > 0
    follow = np.where(above, np.exp(-((distance.min(1) / (0.8 * width)) ** 2)), 0.0)
    keep = follow > 0.05
    movers = np.concatenate([brow, free[keep]])
    share = np.concatenate([np.ones(len(brow)), follow[keep]])
    if rig.brow_share is not None:  # glasses: what lies on them stays
        share = share * rig.brow_share[movers]
        movers, share = movers[share > 0], share[share > 0]
    return BrowRig(
        brow=brow,
        inner=inner,
        towards=towards,
        followers=free[keep],
        follow=follow[keep],
        nearest=nearest[keep],
        room_up=_room(rest, movers, share, -down, 0.3 * width),
        room_down=_room(rest, movers, share, down, 0.3 * width),
    )


def _room(points: np.ndarray, movers: np.ndarray, share: np.ndarray, direction: np.ndarray, reach: float) -> float:
    """How far the vertices ``movers`` can go along ``direction``, each by its ``share`` of
    the distance, before one meets a vertex that stays within ``reach`` pixels sideways."""
    others = np.setdiff1d(np.arange(len(points)), movers)
    rel = points[others][None, :, :] - points[movers][:, None, :]
    ahead = rel @ direction
    side = np.abs(rel @ np.array([-direction[1], direction[0]]))
    near = (ahead > 0) & (side < reach)
    return float(np.min(np.where(near, ahead / share[:, None], np.inf)))


def _corner_lift(rig: FaceRig, pose: Pose) -> float:
    """How far (pixels, up = +) the expression moves the mouth corners in this pose."""
    return float(pose.corner_lift) * CORNER_LIFT * rig.mouth_width * (1 - 0.5 * max(0.0, -float(pose.spread)))


def _lift_corners(rig: FaceRig, pose: Pose, pts: np.ndarray) -> None:
    """Raise (smile) or lower the mouth corners, in place, with the cheeks around them.

    Lip vertices at the same place along the mouth move alike, so the opening keeps its
    height and the lip-sync its shape. A frown bends the mouth down at the corners only; a
    smile bends it up and lifts its middle half as much, and widens it a little (with the
    middle left in place, face mesh reads a talking smile's opening less well: measured
    lip-sync 0.70 against 0.74). Rounded lips (OO) pull against a smile and halve it.
    """
    e = rig.expression
    n = len(e.along)
    lift = _corner_lift(rig, pose)
    curve = e.along**2
    if lift > 0:  # a smile lifts the whole mouth a little and widens it; a frown moves the corners only
        curve = SMILE_BASE + (1 - SMILE_BASE) * curve
        pts[:n] += np.outer(e.falloff * e.along * np.abs(e.along) * 0.4 * lift, rig.right)
    pts[:n] -= np.outer(e.falloff * curve * lift, rig.down)


def _follow_lips(rig: FaceRig, rounding: float, pts: np.ndarray) -> None:
    """Rounded lips carry the skin around them, in place (see ROUND_SKIN_REACH): each
    landmark off the lips moves ``rounding`` x its follow share of the way from where the
    jaw put it to its rest place moved as the nearby outer lip moved (the upper one for
    skin above the mouth's line, the lower one below it; they share the corners). The share
    falls to none at the vertices that stay (the rig's fixed ones), as if the skin between
    were stretched evenly from the lips to them."""
    s, rest, n = rig.slot, rig.points, len(rig.landmark_ids)
    skin = np.setdiff1d(np.arange(n), np.concatenate([s[group] for group in LIP_GROUPS]))
    to_still = np.min(np.linalg.norm(rest[skin, None] - rest[None, n:], axis=2), axis=1) / rig.mouth_width
    above = (rest[skin] - rig.mouth_centre) @ rig.down < 0
    for side, lip in ((above, s["upper_outer"]), (~above, s["lower_outer"])):
        distance = np.linalg.norm(rest[skin[side], None] - rest[None, lip], axis=2) / rig.mouth_width
        to_lip = distance.min(1)
        share = rounding * np.exp(-((to_lip / ROUND_SKIN_REACH) ** 2)) * to_still[side] / (to_still[side] + to_lip)
        near = np.exp(-(((distance - to_lip[:, None]) / ROUND_SKIN_BLUR) ** 2))
        lip_moved = near @ (pts[lip] - rest[lip]) / near.sum(1, keepdims=True)
        pts[skin[side]] += share[:, None] * (rest[skin[side]] + lip_moved - pts[skin[side]])


def _flatten_corners(rig: FaceRig, rounding: float, pts: np.ndarray) -> None:
    """Rounded lips draw the picture's own mouth corners, in place, towards the height of
    its middle (by ``ROUND_FLATTEN`` at full rounding), with the cheeks around them: an OO
    from a smiling photo is a pout, not a narrow smile."""
    s, e = rig.slot, rig.expression
    upper, lower = s["upper_inner"], s["lower_inner"]
    corners = rig.points[[upper[0], upper[-1]]].mean(0)
    middle = rig.points[[upper[len(upper) // 2], lower[len(lower) // 2]]].mean(0)
    rise = float((middle - corners) @ rig.down)  # > 0: the corners sit higher (a smile)
    n = len(e.along)
    pts[:n] += np.outer(e.falloff * e.along**2 * ROUND_FLATTEN * rounding * rise, rig.down)


def smile_lift(rig: FaceRig, pose: Pose) -> np.ndarray:
    """How far a smile lifts the middle of the mouth [shape=(2,), pixels; zero otherwise]:
    the painted teeth go with it (see _lift_corners)."""
    return -SMILE_BASE * max(_corner_lift(rig, pose), 0.0) * rig.down


def _pose_brows(rig: FaceRig, pose: Pose, pts: np.ndarray, side: str) -> np.ndarray:
    """The expression's brows, in place: raised or lowered whole, their inner ends up
    (worried) or down and drawn together (a frown). Never more than half the way to the
    nearest vertex that stays, so the mesh cannot fold.

    Returns how far the forehead above follows them [shape=(n_landmarks, 3)]: the weighted
    displacement of each landmark, and its weight, to be shared with the other brow's.
    """
    b, width = rig.expression.brows[side], rig.eye_width
    raised, knit = float(pose.brow_raise), float(pose.brow_inner)
    up = width * (BROW_RAISE * raised if raised > 0 else BROW_LOWER * raised)
    up = up + width * b.inner * (BROW_INNER_UP * knit if knit > 0 else BROW_INNER_DOWN * knit)
    up = np.clip(up, -0.5 * b.room_down, 0.5 * b.room_up)
    shift = np.outer(-up, rig.down) + np.outer(b.towards * BROW_KNIT * width * max(0.0, -knit) * b.inner, rig.right)
    pts[b.brow] += shift if rig.brow_share is None else rig.brow_share[b.brow, None] * shift
    forehead = np.zeros((len(rig.landmark_ids), 3))
    forehead[b.followers, :2] = b.follow[:, None] * shift[b.nearest]
    forehead[b.followers, 2] = b.follow
    return forehead


def _pose_lids(rig: FaceRig, pose: Pose, pts: np.ndarray, upper, lower, iris, ring) -> None:
    """One photo-like eye's lids and iris, in place: the expression's lids (in proportion to
    the opening, so the corners, shared by both lids, stay), then the blink and the gaze.
    An iris point comes at most half its way closer to the fixed ``ring`` around the eye: on
    small painted eyes the mesh can put one on the ring or past it (above the lid, beyond a
    corner), and moved there it would drag the skin outside the ring along."""
    rest, down, right = rig.points, rig.down, rig.right
    unmoved = pts[iris].copy()
    gap = np.maximum((rest[lower] - rest[upper]) @ down, 0.0)
    lid_drop = float(pose.lid_drop)
    drop = (LID_DROP * lid_drop if lid_drop > 0 else LID_WIDEN * lid_drop) + SQUINT_UPPER * float(pose.squint)
    raise_lower = -SQUINT_LOWER * float(pose.squint)
    opened_upper = rest[upper] + np.outer(drop * gap, down)
    opened_lower = rest[lower] + np.outer(raise_lower * gap, down)
    pts[upper] += opened_upper - rest[upper]
    pts[lower] += opened_lower - rest[lower]
    # What lies between the lids (the iris) follows them in proportion to its depth.
    along = rest[upper] @ right
    order = np.argsort(along)
    at = rest[iris] @ right
    top = np.interp(at, along[order], (rest[upper] @ down)[order])
    opening = np.interp(at, along[order], gap[order])
    depth = np.clip((rest[iris] @ down - top) / np.maximum(opening, 1e-6), 0, 1)
    pts[iris] += np.outer(opening * ((1 - depth) * drop + depth * raise_lower), down)
    # Lids meet a little below the middle: the upper lid does most of the work.
    meet = opened_upper + 0.8 * (opened_lower - opened_upper)
    pts[upper] += pose.blink * (meet - opened_upper)
    pts[lower] += pose.blink * (meet - opened_lower)
    iris_radius = 0.5 * np.linalg.norm(rest[iris[1]] - rest[iris[3]])
    shift = 0.45 * iris_radius * np.array([pose.gaze_x, pose.gaze_y]) * (1 - pose.blink)
    pts[iris] += shift
    # Squash the iris onto the (possibly slanted) closing line, where it lies along
    # the eye, so no triangle folds over the lids.
    along, order = meet @ right, np.argsort(meet @ right)
    closing = np.interp(pts[iris] @ right, along[order], (meet @ down)[order])
    pts[iris] += np.outer(pose.blink * (closing - pts[iris] @ down), down)
    # Distance inside the ring is concave along a straight move, so stopping where it would
    # fall linearly to IRIS_ROOM of the rest's keeps at least that much room.
    hull = cv2.convexHull(rest[ring].astype(np.float32))
    room = np.array([cv2.pointPolygonTest(hull, (float(x), float(y)), True) for x, y in rest[iris]])
    room_moved = np.array([cv2.pointPolygonTest(hull, (float(x), float(y)), True) for x, y in pts[iris]])
    lost = room - room_moved
    share = np.where(lost > (1 - IRIS_ROOM) * room, (1 - IRIS_ROOM) * room / np.maximum(lost, 1e-9), 1.0)
    share[room <= 0] = 0.0  # on or outside the ring: any move drags the skin beyond it
    pts[iris] = unmoved + (pts[iris] - unmoved) * np.clip(share, 0.0, 1.0)[:, None]


def _pose_eyes(rig: FaceRig, pose: Pose, pts: np.ndarray) -> None:
    s, down = rig.slot, rig.down
    forehead = np.zeros((len(rig.landmark_ids), 3))
    for side in ("right", "left"):
        if side in rig.still_eyes:
            continue
        upper, lower, iris = s[f"{side}_upper_lid"], s[f"{side}_lower_lid"], s[f"{side}_iris"]
        # Only photo-like eyes squash; big drawn eyes keep their shape (their blinks are
        # painted lids, see _eyes.py; squashing one smears its line art), and eyes rigged
        # from bare points stay still rather than smear (fur lids close over them, see
        # _fur_lids.py). An eye drawn shut has no lids to close and no iris to turn.
        shut = side in rig.shut_eyes
        if rig.lids == "squash" and not shut:
            _pose_lids(rig, pose, pts, upper, lower, iris, s[f"{side}_eye_ring"])
        if f"{side}_brow" not in s:
            continue  # a brow not wholly inside the rig (under a hood, cut off) stays
        brow = s[f"{side}_brow"]
        lift = pose.brow * 0.22 * rig.eye_width
        pts[brow] -= lift * down if rig.brow_share is None else np.outer(lift * rig.brow_share[brow], down)
        if not shut:
            pts[upper] -= 0.25 * lift * down * (1 - pose.blink)
        if (pose.brow_raise or pose.brow_inner) and side in rig.expression.brows:
            forehead += _pose_brows(rig, pose, pts, side)
    # Where both brows pull on the forehead (between them), it moves as their weighted mean.
    n = len(rig.landmark_ids)
    follow = forehead[:, :2] / np.maximum(forehead[:, 2:], 1.0)
    pts[:n] += follow if rig.brow_share is None else rig.brow_share[:, None] * follow
