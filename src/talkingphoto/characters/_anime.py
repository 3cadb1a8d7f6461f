"""Anime faces: ``animeface`` finds the parts, the face mesh (or the template) gives the rest.

Face mesh alone misplaces big anime eyes (its lids land on the upper lash line or the
brows) and draws thick lips over a one-line mouth; animeface alone gives only boxes, and
its eye boxes sit low on the eye. So the eye boxes are first refined to the iris, found by
animeface's own eye colour, and then the mesh's eye, lip, nose and chin regions are snapped
onto the parts with a smooth falloff (:func:`refine_with_anime`).
"""

import ctypes
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MissingDependencyError
from . import topology as topo
from ._points import face_from_points
from ._template import canonical_face

__all__ = [
    "AnimeParts",
    "detect_anime",
    "has_big_eyes",
    "mesh_misses_eyes",
    "mouth_on_lips",
    "refine_with_anime",
    "face_from_anime_parts",
]

# animeface works on small pictures; bigger ones are shrunk (it costs ~1.2 s per megapixel).
_MAX_SIDE = 1024
# Its part finder draws random numbers from its library's own generator, seeded with this
# before every call. Unseeded, the state ran on from call to call: the same sprite found
# twice in one process (the studio, batch, the evaluation) got other eye boxes, so another
# rig (sylvie_green_normal: 3 different results in 4 calls). With this seed the three test
# sprites at full size get the parts a fresh process found for them first.
ANIMEFACE_SEED = 30


@dataclass(frozen=True)
class AnimeParts:
    """One anime face, in source pixels. Left/right as seen in the picture.

    Boxes are ``(x, y, w, h)`` floats; points ``(x, y)``.
    """

    likelihood: float
    face_box: tuple
    left_eye_box: tuple  # eye on the picture's left: the character's right eye
    right_eye_box: tuple
    left_iris_box: tuple
    right_iris_box: tuple
    mouth_box: tuple
    nose: tuple
    chin: tuple


def _import_animeface():
    try:
        import PIL
        import animeface
    except ImportError as exc:
        raise MissingDependencyError("anime face detection needs animeface: pip install 'animeface>=2.0' 'pillow<12'") from exc
    if int(PIL.__version__.split(".")[0]) >= 12:
        # animeface reads pixels through an API that Pillow 12 changed: it finds nothing, silently.
        raise MissingDependencyError(f"animeface needs Pillow older than 12 (found {PIL.__version__}): pip install 'pillow<12'")
    return animeface


@functools.lru_cache(maxsize=1)
def _seed_generator():
    """``nv_srand`` of the library animeface's extension is linked to (None if not found)."""
    import animeface

    package = Path(animeface.__file__).parent
    for library in sorted(package.parent.glob("animeface.libs/libnvxs*")) + sorted(package.glob("_nvxs*.so")):
        try:
            seed = ctypes.CDLL(str(library)).nv_srand
        except (OSError, AttributeError):
            continue
        seed.argtypes, seed.restype = [ctypes.c_ulong], None
        return seed
    return None


def _iris_box(image: np.ndarray, box, eye_rgb, skin_rgb, hair_rgb):
    """The iris near animeface's eye ``box``: pixels nearer the eye colour than skin or hair.

    Colours are compared in CIE Lab. Returns the iris box ``(x, y, w, h)`` or None when no
    plausible blob is found.
    """
    import cv2

    height, width = image.shape[:2]
    x, y, w, h = box
    x0, x1 = int(max(0, x - 0.5 * w)), int(min(width, x + 1.5 * w))
    y0, y1 = int(max(0, y - 1.5 * h)), int(min(height, y + 1.2 * h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    window = cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_RGB2LAB).astype(np.float32)
    colours = cv2.cvtColor(np.uint8([[eye_rgb, skin_rgb, hair_rgb]]), cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    dist = [np.linalg.norm(window - colour, axis=-1) for colour in colours]
    mask = ((dist[0] < dist[1]) & (dist[0] < dist[2])).astype(np.uint8)
    n_labels, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    inside = labels[max(0, int(y) - y0) : int(y + h) - y0, max(0, int(x) - x0) : int(x + w) - x0]
    counts = np.bincount(inside.ravel(), minlength=n_labels)
    counts[0] = 0
    best = int(counts.argmax())
    if counts[best] < 0.1 * w * h:
        return None
    bx, by, bw, bh, area = stats[best]
    # A blob much bigger than animeface's box is hair or clothing of the eye's colour.
    if bw > 2.5 * w or bh > 3.0 * h or area < 12:
        return None
    return (float(bx + x0), float(by + y0), float(bw), float(bh))


def _eye_box(iris) -> tuple:
    """Eye opening around an iris: as tall as the iris, with some white on either side."""
    x, y, w, h = iris
    return (x - 0.25 * w, y, 1.5 * w, h)


def detect_anime(image: np.ndarray) -> list:
    """Anime faces with their parts.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]

    Returns
    -------
    list of AnimeParts
        Empty when nothing is found.
    """
    import cv2
    from PIL import Image

    animeface = _import_animeface()
    height, width = image.shape[:2]
    factor = min(1.0, _MAX_SIDE / max(height, width))
    small = image if factor == 1.0 else cv2.resize(image, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA)

    def rgb(colour):
        return (colour.r, colour.g, colour.b)

    def box(b):
        return (b.x / factor, b.y / factor, b.width / factor, b.height / factor)

    seed = _seed_generator()
    if seed is not None:
        seed(ANIMEFACE_SEED)
    found = []
    for face in animeface.detect(Image.fromarray(small)):
        skin, hair = rgb(face.skin.color), rgb(face.hair.color)
        eyes = {}
        # animeface's "left_eye" is the character's left: the one on the picture's right.
        for side, part in (("left", face.right_eye), ("right", face.left_eye)):
            coarse = box(part.pos)
            iris = _iris_box(image, coarse, rgb(part.color), skin, hair)
            eyes[side] = (_eye_box(iris), iris) if iris is not None else (coarse, coarse)
        found.append(
            AnimeParts(
                likelihood=float(face.likelihood),
                face_box=box(face.face.pos),
                left_eye_box=eyes["left"][0],
                right_eye_box=eyes["right"][0],
                left_iris_box=eyes["left"][1],
                right_iris_box=eyes["right"][1],
                mouth_box=box(face.mouth.pos),
                nose=(face.nose.pos.x / factor, face.nose.pos.y / factor),
                chin=(face.chin.pos.x / factor, face.chin.pos.y / factor),
            )
        )
    return found


def _box_map(points: np.ndarray, box) -> np.ndarray:
    """``points`` [shape=(n, 2)] scaled and shifted so their bounding box becomes ``box``."""
    lo, hi = points.min(0), points.max(0)
    x, y, w, h = box
    return (points - lo) / np.maximum(hi - lo, 1e-6) * [w, h] + [x, y]


def _snap(landmarks: np.ndarray, regions: list) -> np.ndarray:
    """Put each region's landmarks on their targets; the rest follow with a falloff.

    ``regions``: list of ``(ids, targets [shape=(len(ids), 2)], reach)``. Member landmarks
    land exactly on their targets. Any other landmark follows each region's mean shift,
    weighted ``exp(-(distance to the region's box / reach)^2)``; weights of overlapping
    regions are normalised so that nothing overshoots. (Only the shift spreads: a region's
    scaling, e.g. a thin mesh eye stretched to a tall anime eye, would fling distant points.)
    """
    xy = landmarks[:, :2].astype(np.float64)
    out = landmarks.astype(np.float64).copy()
    shifts, weights = [], []
    for ids, targets, reach in regions:
        shifts.append(targets.mean(0) - xy[ids].mean(0))
        lo, hi = xy[ids].min(0), xy[ids].max(0)
        outside = np.maximum(np.maximum(lo - xy, xy - hi), 0.0)
        weights.append(np.exp(-((np.hypot(outside[:, 0], outside[:, 1]) / reach) ** 2)))
    weights = np.array(weights)  # (regions, n)
    total = np.maximum(weights.sum(0), 1.0)
    out[:, :2] += (weights / total).T @ np.array(shifts)
    for ids, targets, _ in regions:
        out[ids, :2] = targets
    return out


def has_big_eyes(landmarks: np.ndarray, parts: AnimeParts) -> bool:
    """Whether animeface's eyes are anime-big for this mesh: taller than 0.45 x the mesh's
    iris distance. Real eyes open to 0.15-0.2 x; Ren'Py anime eyes measure 0.6-0.7 x, a
    painted Wesnoth face 0.4 x and closed anime eyes 0.3 x (their mesh is kept)."""
    spacing = np.linalg.norm(landmarks[topo.RIGHT_IRIS_CENTRE, :2] - landmarks[topo.LEFT_IRIS_CENTRE, :2])
    return max(parts.left_eye_box[3], parts.right_eye_box[3]) >= 0.45 * spacing


def mesh_misses_eyes(landmarks: np.ndarray, parts: AnimeParts) -> bool:
    """Whether the mesh's eyes are slivers inside animeface's: its lids less than 0.35 x the
    eye box's height apart on both sides. On eileen_vhappy the mesh puts thin eyes on the
    upper lash lines (0.25 x), and a blink then squashes the lash line across the iris;
    eyes the mesh fits open 0.9-1.0 x, eyes drawn shut (arcs) 0.45-0.5 x."""
    for upper, lower, box in (
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, parts.left_eye_box),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, parts.right_eye_box),
    ):
        gap = np.max(np.linalg.norm(landmarks[lower, :2] - landmarks[upper, :2], axis=1))
        if gap >= 0.35 * box[3]:
            return False
    return True


# animeface's two eye boxes are a pair of eyes only side by side, at least EYE_GAP of its face
# box's width apart, each at most EYE_WIDEST of it wide and the wider at most EYE_PAIR times
# the narrower. Ren'Py's eileen (three sprites), sylvie green normal and blue surprised
# measure 0.19-0.34 wide, 0.20-0.31 apart, 1.1-1.3 times. Boxes that overlap, twice as wide
# as each other or half the face wide are not eyes: snapped onto them, a blink painted skin
# over hair, brows and glasses (Ren'Py's lucy; 53 of the 60 Naev portraits animeface's parts
# were snapped onto, whose face mesh had fitted their eyes). The mesh keeps its eyes there;
# the lips, nose and chin still go onto animeface's parts.
EYE_GAP, EYE_WIDEST, EYE_PAIR = 0.05, 0.4, 1.5


def eyes_plausible(parts: AnimeParts) -> bool:
    """Whether animeface's eye boxes can be a face's two eyes (see EYE_GAP)."""
    width = parts.face_box[2]
    left, right = sorted((parts.left_eye_box, parts.right_eye_box), key=lambda box: box[0])
    narrow, wide = sorted((left[2], right[2]))
    return (right[0] - (left[0] + left[2]) >= EYE_GAP * width and wide <= EYE_WIDEST * width
            and wide <= EYE_PAIR * narrow)  # fmt: skip


def eyes_above_nose(landmarks: np.ndarray, parts: AnimeParts) -> bool:
    """Whether animeface's eyes sit where this mesh's face has room for eyes: above its
    nose tip. On big-eyed anime faces they sit between the mesh's eyes (which land on the
    brows) and its nose; on a painted realistic face animeface sometimes calls the cheeks
    eyes, and snapping the mesh onto those would put the eyes on the cheek."""
    nose_y = landmarks[topo.NOSE_TIP, 1]
    mesh_eyes_y = 0.5 * (landmarks[topo.RIGHT_IRIS_CENTRE, 1] + landmarks[topo.LEFT_IRIS_CENTRE, 1])
    limit = nose_y - 0.25 * (nose_y - mesh_eyes_y)
    centres = [box[1] + box[3] / 2 for box in (parts.left_eye_box, parts.right_eye_box)]
    return max(centres) < limit


# animeface's mouth is trusted only on the mesh's lips: its centre inside the mesh's outer
# lip outline or at most MOUTH_OFF_LIPS of the mouth's width outside it. On anime sprites
# and painted faces it lies 0.01-0.21 of the width inside (Ren'Py's eileen and sylvie, five
# Wesnoth elves; the sylph's lips, snapped 0.21 too low, are seated again by the renderer's
# seat_lips). Where it read the philtrum or a cheek as the mouth it lies 0.29-0.81 outside
# (Wesnoth's thief+female, turned three-quarters, whose eyes pass for anime-big; the elvish
# fighter and scout), and the lips snapped there opened a second mouth above or beside the
# painted one.
MOUTH_OFF_LIPS = 0.15


def mouth_on_lips(landmarks: np.ndarray, parts: AnimeParts) -> bool:
    """Whether animeface's mouth sits on this mesh's lips (see MOUTH_OFF_LIPS): where it
    does not, it has read another part of the face as the mouth, and its parts are not the
    face's."""
    import cv2

    xy = landmarks[:, :2]
    outer = np.vstack([xy[topo.LIPS_UPPER_OUTER], xy[topo.LIPS_LOWER_OUTER][::-1]]).astype(np.float32)
    width = float(np.linalg.norm(xy[topo.MOUTH_CORNER_LEFT] - xy[topo.MOUTH_CORNER_RIGHT]))
    x, y = _centre(parts.mouth_box)
    inside = cv2.pointPolygonTest(outer.reshape(-1, 1, 2), (float(x), float(y)), True)
    return inside >= -MOUTH_OFF_LIPS * width


def refine_with_anime(landmarks: np.ndarray, parts: AnimeParts, *, eyes: bool = True) -> np.ndarray:
    """Snap a face mesh's eyes (unless ``eyes`` is False), lips, nose and chin onto
    animeface's parts.

    Eyes and irises: the template's (frontal, clean) eye and iris outlines, scaled into the
    eye and iris boxes; the mesh's own eye shape is often skewed on stylised faces. Brows
    keep the mesh's shape, moved to just above the new eyes (so raising them never drags
    an eye along).
    Lips: the mesh's lips, centred on animeface's mouth point and squeezed to its mouth-box
    height (an anime mouth is a line, not full lips); the mesh's mouth width is kept unless
    it is more than twice animeface's. Nose tip and chin move onto animeface's points.

    Parameters
    ----------
    landmarks : np.ndarray [shape=(478, 3)]
        Source pixels.
    parts : AnimeParts

    Returns
    -------
    np.ndarray [shape=(478, 3), float64]
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    xy = lm[:, :2]
    template = canonical_face()[:, :2]
    eye_span = np.linalg.norm(_centre(parts.right_eye_box) - _centre(parts.left_eye_box))
    regions = []
    sides = (
        (topo.RIGHT_EYE, topo.RIGHT_IRIS, topo.RIGHT_BROW, parts.left_eye_box, parts.left_iris_box),
        (topo.LEFT_EYE, topo.LEFT_IRIS, topo.LEFT_BROW, parts.right_eye_box, parts.right_iris_box),
    )
    for contour, iris, brow, eye_box, iris_box in sides if eyes else ():
        reach = 0.6 * max(eye_box[2], eye_box[3])
        regions.append((contour, _box_map(template[contour], eye_box), reach))
        regions.append((iris, _box_map(template[iris], iris_box), 0.3 * reach))
        # The brow keeps its shape and sits a quarter of the eye's height above the eye.
        shift = np.array([
            eye_box[0] + eye_box[2] / 2 - xy[contour, 0].mean(),
            eye_box[1] - 0.25 * eye_box[3] - xy[brow, 1].max(),
        ])  # fmt: skip
        regions.append((brow, xy[brow] + shift, 0.3 * reach))

    lips = topo.LIPS_ALL
    lo, hi = xy[lips].min(0), xy[lips].max(0)
    mx, my, mw, mh = parts.mouth_box
    width = min(hi[0] - lo[0], 2.0 * mw)
    height = min(hi[1] - lo[1], mh)
    cx, cy = _centre(parts.mouth_box)
    regions.append((lips, _box_map(xy[lips], (cx - width / 2, cy - height / 2, width, height)), 0.5 * width))

    point_reach = 0.3 * eye_span
    regions.append((np.array([topo.NOSE_TIP]), np.array([parts.nose], dtype=np.float64), point_reach))
    regions.append((np.array([topo.CHIN]), np.array([parts.chin], dtype=np.float64), point_reach))
    return _snap(lm, regions)


def _centre(box) -> np.ndarray:
    return np.array([box[0] + box[2] / 2, box[1] + box[3] / 2])


def face_from_anime_parts(parts: AnimeParts, *, image_shape) -> np.ndarray:
    """A template mesh fitted to animeface's parts, for when face mesh finds nothing there.

    Returns
    -------
    np.ndarray [shape=(478, 3), float64], source pixels
    """
    height, width = image_shape[:2]

    def inside(point):
        return [float(np.clip(point[0], 0, width - 1)), float(np.clip(point[1], 0, height - 1))]

    def centre(box):
        return inside((box[0] + box[2] / 2, box[1] + box[3] / 2))

    mx, my, mw, mh = parts.mouth_box
    points = {
        "mouth_left": inside((mx, my + mh / 2)),
        "mouth_right": inside((mx + mw, my + mh / 2)),
        "upper_lip": inside((mx + mw / 2, my)),
        "lower_lip": inside((mx + mw / 2, my + mh)),
        "chin": inside(parts.chin),
        "left_eye": centre(parts.left_iris_box),
        "right_eye": centre(parts.right_iris_box),
    }
    fitted = face_from_points(points, image_shape=image_shape, style="drawn")
    return refine_with_anime(fitted.landmarks, parts)
