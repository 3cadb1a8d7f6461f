"""The detection chain: every character's face in a picture, best detector first.

1. Face mesh on the whole picture (photos, most drawn faces seen frontally).
2. The full-range face detector, then face mesh on an enlarged crop of each box it finds
   that stage 1 missed (small faces in wide shots, painted three-quarter views).
3. ``animeface`` (big-eyed anime faces): face mesh on a crop around its box supplies the
   geometry, animeface's eyes, mouth, nose and chin put the parts in place. It runs only
   when stages 1-2 found nothing or found a drawn face, because it costs ~0.3 s a picture.
4. OpenCV's frontal cat-face cascade: on an upright crop around each face stages 1-3 found
   (face mesh takes some cats for people), and on the whole picture only when they found
   nothing. Each cat face is rigged as clicked points would be (see :mod:`._catface`).
5. Anything else (other animals, cats seen from the side, ...) needs manual points: see
   :func:`face_from_points`.

Some of what stages 1-3 return is no face the mesh understands (a horse's cheek, a knight's
armour, a building): :func:`doubtful_faces` tells which of them it does not find again, so the
user can be told.

Faces found by several stages are merged (box overlap), keeping the best detector's.
"""

from dataclasses import dataclass

import numpy as np

from .._native import quiet_native_logs
from ..errors import MissingDependencyError, ParameterError
from ._anime import (
    detect_anime,
    eyes_above_nose,
    eyes_plausible,
    face_from_anime_parts,
    has_big_eyes,
    mesh_misses_eyes,
    mouth_on_lips,
    refine_with_anime,
)
from ._catface import cat_face_around, cat_faces
from ._face import N_LANDMARKS, Face
from ._geometry import box_cover, box_iou, box_of
from ._style import guess_style

__all__ = ["FinderOptions", "FaceFinder", "find_faces", "doubtful_faces", "DETECT_SIDE"]

# Pictures are looked at decoded for this long side (media.load_picture's reduce_to), by
# renders, dialogues, `inspect` and the studio alike: the same pixels, so the same faces in
# the same order (what --face N counts), whatever the video size, and no full-size copy.
DETECT_SIDE = 1920

_MEDIAPIPE_PIN = "mediapipe==0.10.21"


@dataclass(frozen=True)
class FinderOptions:
    """How hard to look for faces.

    Attributes
    ----------
    max_faces : int
        Most faces face mesh reports on the whole picture (1..32).
    min_confidence : float
        Detection threshold for face mesh and the face detector, 0..1.
    anime : bool
        Try ``animeface`` when no face or a drawn face was found.
    cats : bool
        Try the frontal cat-face cascade around each face found, and on the whole picture
        when no face at all was found.
    crop_size : int
        Side in pixels of the crops face mesh is re-run on (stage 2 and 3).
    crop_scales : tuple of float
        Crop sides to try, as multiples of the detector's box side, until the mesh finds
        the face. Its own internal detector is picky about framing, and not smoothly: on
        the Wesnoth portrait beside a photo 1.75, 2.25 and 2.75 work where 1.5, 2.0 and
        2.5 fail, so the list interleaves them (each try costs ~7 ms).
    """

    max_faces: int = 8
    min_confidence: float = 0.5
    anime: bool = True
    cats: bool = True
    crop_size: int = 256
    crop_scales: tuple = (2.0, 2.5, 1.5, 1.75, 2.25, 2.75, 3.0)

    def __post_init__(self):
        if not (isinstance(self.max_faces, int) and 1 <= self.max_faces <= 32):
            raise ParameterError(f"max_faces must be an integer 1..32, got {self.max_faces!r}")
        if not 0.0 < self.min_confidence < 1.0:
            raise ParameterError(f"min_confidence must be between 0 and 1, got {self.min_confidence!r}")
        if not (isinstance(self.crop_size, int) and 128 <= self.crop_size <= 1024):
            raise ParameterError(f"crop_size must be an integer 128..1024, got {self.crop_size!r}")
        if not (self.crop_scales and all(1.0 <= s <= 4.0 for s in self.crop_scales)):
            raise ParameterError(f"crop_scales must be a non-empty tuple of numbers 1..4, got {self.crop_scales!r}")


def _check_image(image) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        described = (
            f"{image.dtype} array of shape {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
        )
        raise ParameterError(f"image must be an RGB uint8 array of shape (h, w, 3), got {described}")
    if min(image.shape[:2]) < 16:
        raise ParameterError(f"image is too small to hold a face: {image.shape[1]}x{image.shape[0]} px")
    return np.ascontiguousarray(image)


# Where FaceFinder.mesh_holds looks for a face again: its own box, then that grown by 15 % and
# 25 % around its centre, each on every crop_scales framing. Measured on every face the chain
# found in 1,196 pictures (2026-12-05: ours, 239 Wesnoth portraits, 41 FreedroidRPG droids, 14
# Ren'Py sprites, 882 GCompris photos, paintings and cartoons), labelled by looking, and on each
# picture darkened to 45 % and blurred by 2 px: no human face is lost (0 of 173, 22 of them
# photographed, orcs and ogres included; 0 of 164 darkened, 0 of 151 blurred) and 18 of the 64
# that are not human are. The own box alone loses 26 of the 64, but also 10 darkened or blurred
# human faces (Sylvie, Wesnoth's lancer and swordsman, a cartoon child, 3 paintings), found again
# in the grown boxes.
# The mesh holds a horse, a scorpion, a drake, a bear, a mudcrawler, droids, animal photos, planets.
RECHECK_GROWTH = (1.0, 1.15, 1.25)

TILES = (1024, 512)  # tile sides: the detector sees ~192 px, so a tile keeps small faces big enough


def _tiles(image: np.ndarray):
    """The whole picture, then overlapping square tiles when it is wide, tall or large.

    The detector shrinks whatever it is given to ~192 px: a 60 px face in a 3840 px
    panorama would shrink to 3 px. Tiles of 1024 px, then of 512 px, overlapping by a
    quarter, keep such faces findable (the smaller tiles find what a 1024 tile still shrinks
    too far: a 62 px face in a 7000 px photo decoded at a third of its size for a 1920 px
    video). Yields (x, y, view).
    """
    height, width = image.shape[:2]
    yield 0, 0, image
    for side in sorted({min(height, width, tile) for tile in TILES}, reverse=True):
        if max(height, width) <= 1.3 * side:
            continue
        step = int(0.75 * side)
        for y in range(0, max(height - side, 0) + step, step):
            for x in range(0, max(width - side, 0) + step, step):
                y0, x0 = min(y, height - side), min(x, width - side)
                yield x0, y0, image[y0 : y0 + side, x0 : x0 + side]


def _anime_eyes_fit(landmarks, parts) -> bool:
    """Snap the mesh onto animeface's parts only for big anime eyes (or eyes the mesh has
    shrunk to slivers) where eyes can be, and a mouth on the mesh's lips (its eyes only
    where they can be a pair of eyes, see eyes_plausible)."""
    big = has_big_eyes(landmarks, parts) or mesh_misses_eyes(landmarks, parts)
    return big and eyes_above_nose(landmarks, parts) and mouth_on_lips(landmarks, parts)


def _same_face(a, b) -> bool:
    return box_iou(a, b) > 0.3 or box_cover(a, b) > 0.6


class FaceFinder:
    """Runs the detection chain; holds mediapipe's graphs, built on first use.

    Building the graphs takes tens of milliseconds and some memory, so keep one finder for
    many pictures and close it (or use it as a context manager) when done.

    Examples
    --------
    >>> with FaceFinder() as finder:  # doctest: +SKIP
    ...     faces = finder.find(image)
    """

    def __init__(self, options: FinderOptions | None = None):
        self.options = options or FinderOptions()
        self._whole_mesh = None
        self._crop_mesh = None
        self._detector = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Release the mediapipe graphs (the finder rebuilds them if used again)."""
        with quiet_native_logs():
            for graph in (self._whole_mesh, self._crop_mesh, self._detector):
                if graph is not None:
                    graph.close()
        self._whole_mesh = self._crop_mesh = self._detector = None

    # -- mediapipe graphs --------------------------------------------------------------

    @staticmethod
    def _solutions():
        try:
            from mediapipe.python import solutions
        except ImportError as exc:
            raise MissingDependencyError(f"face detection needs mediapipe: pip install '{_MEDIAPIPE_PIN}'") from exc
        return solutions

    # Graphs are built and run inside quiet_native_logs(): their C++ logs stay off stderr.

    def _mesh_graph(self, *, whole: bool):
        if whole and self._whole_mesh is None:
            self._whole_mesh = self._solutions().face_mesh.FaceMesh(
                static_image_mode=True,
                refine_landmarks=True,
                max_num_faces=self.options.max_faces,
                min_detection_confidence=self.options.min_confidence,
            )
        if not whole and self._crop_mesh is None:
            self._crop_mesh = self._solutions().face_mesh.FaceMesh(
                static_image_mode=True,
                refine_landmarks=True,
                max_num_faces=1,
                min_detection_confidence=self.options.min_confidence,
            )
        return self._whole_mesh if whole else self._crop_mesh

    def _detector_graph(self):
        if self._detector is None:
            self._detector = self._solutions().face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=self.options.min_confidence
            )
        return self._detector

    # -- stages ------------------------------------------------------------------------

    def mesh_whole(self, image: np.ndarray) -> list:
        """Face mesh on the whole picture.

        Returns
        -------
        list of np.ndarray [shape=(478, 3), float64], source pixels (z scaled like x)
        """
        image = _check_image(image)
        height, width = image.shape[:2]
        with quiet_native_logs():
            result = self._mesh_graph(whole=True).process(image)
        found = []
        for face in result.multi_face_landmarks or []:
            points = np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float64)
            if len(points) == N_LANDMARKS:
                found.append(points * [width, height, width])
        return found

    def detect_boxes(self, image: np.ndarray) -> list:
        """Full-range face detector boxes.

        Returns
        -------
        list of (box, score)
            ``box`` is ``(x, y, w, h)`` in source pixels, clipped to the picture; score 0..1.
        """
        image = _check_image(image)
        boxes = []
        for tx, ty, tile in _tiles(image):
            height, width = tile.shape[:2]
            with quiet_native_logs():
                result = self._detector_graph().process(np.ascontiguousarray(tile))
            for detection in result.detections or []:
                rel = detection.location_data.relative_bounding_box
                x0, y0 = max(0.0, rel.xmin * width), max(0.0, rel.ymin * height)
                x1, y1 = min(width, (rel.xmin + rel.width) * width), min(height, (rel.ymin + rel.height) * height)
                if x1 - x0 < 4 or y1 - y0 < 4:
                    continue
                box = (round(x0 + tx), round(y0 + ty), round(x1 - x0), round(y1 - y0))
                # The whole picture comes first: tiles only add the faces it missed.
                if not any(_same_face(other, box) for other, _ in boxes):
                    boxes.append((box, float(detection.score[0])))
        return boxes

    def mesh_crop(self, image: np.ndarray, box):
        """Face mesh on square crops around ``box`` (see ``FinderOptions.crop_scales``).

        Returns
        -------
        np.ndarray [shape=(478, 3), float64] or None
            Source pixels; None when the mesh finds no face there (or one elsewhere).
        """
        image = _check_image(image)
        for scale in self.options.crop_scales:
            landmarks = self._mesh_one_crop(image, box, scale)
            if landmarks is not None:
                return landmarks
        return None

    def mesh_holds(self, image: np.ndarray, face) -> bool:
        """Whether face mesh finds ``face`` again on crops around its own box (see
        ``RECHECK_GROWTH``): a human face is found again, much of what the chain took for a
        face (armour, a building, a cartoon animal) is not.
        """
        x, y, w, h = face.box
        for growth in RECHECK_GROWTH:
            box = (x + w * (1 - growth) / 2, y + h * (1 - growth) / 2, w * growth, h * growth)
            if self.mesh_crop(image, box) is not None:
                return True
        return False

    def _mesh_one_crop(self, image: np.ndarray, box, scale: float):
        import cv2

        size = self.options.crop_size
        x, y, w, h = box
        side = max(w, h) * scale
        x0, y0 = x + w / 2 - side / 2, y + h / 2 - side / 2
        zoom = size / side
        to_crop = np.array([[zoom, 0.0, -x0 * zoom], [0.0, zoom, -y0 * zoom]])
        interpolation = cv2.INTER_AREA if zoom < 1 else cv2.INTER_LINEAR
        crop = cv2.warpAffine(image, to_crop, (size, size), flags=interpolation, borderMode=cv2.BORDER_REPLICATE)
        with quiet_native_logs():
            result = self._mesh_graph(whole=False).process(crop)
        if not result.multi_face_landmarks:
            return None
        points = np.array([(p.x, p.y, p.z) for p in result.multi_face_landmarks[0].landmark], dtype=np.float64)
        points = points * side + [x0, y0, 0.0]
        if box_cover(box_of(points, image.shape), box) < 0.3:
            return None  # the mesh locked onto something else in the crop
        return points

    # -- the chain ---------------------------------------------------------------------

    def find(self, image: np.ndarray) -> list:
        """Every face in ``image``, left to right.

        Parameters
        ----------
        image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]

        Returns
        -------
        list of Face
            Ordered by box centre x, ``index`` set accordingly; empty when nothing is found.
        """
        image = _check_image(image)
        shape = image.shape
        found = []  # dicts: box, landmarks, detector, confidence, style

        for landmarks in self.mesh_whole(image):
            box = box_of(landmarks, shape)
            found.append(dict(box=box, landmarks=landmarks, detector="face_mesh", confidence=None, style=None))

        for box, score in self.detect_boxes(image):
            same = [item for item in found if _same_face(item["box"], box)]
            if same:
                for item in same:  # face mesh keeps no score: borrow the detector's
                    item["confidence"] = max(item["confidence"] or 0.0, score)
                continue
            landmarks = self.mesh_crop(image, box)
            if landmarks is not None:
                found.append(
                    dict(box=box_of(landmarks, shape), landmarks=landmarks, detector="face_detection+mesh", confidence=score, style=None)
                )

        for item in found:
            item["style"] = guess_style(image, item["box"])
            if item["confidence"] is None:
                # Face mesh passed its own detection threshold but reports no score.
                item["confidence"] = self.options.min_confidence

        if self.options.anime and (not found or any(item["style"] == "drawn" for item in found)):
            found = self._add_anime(image, found)

        if self.options.cats:
            found = [self._as_cat(image, item) for item in found]

        if self.options.cats and not found:
            # The cascade gives no score; like face mesh, it passed its own threshold.
            found = [_item(cat) for cat in cat_faces(image, confidence=self.options.min_confidence)]

        found.sort(key=lambda item: item["box"][0] + item["box"][2] / 2)
        return [Face(index=i, **item) for i, item in enumerate(found)]

    @staticmethod
    def _as_cat(image: np.ndarray, item: dict) -> dict:
        """``item`` rigged as a cat when the cat-face cascade sees one around it, else as is."""
        cat = cat_face_around(image, item["landmarks"], item["box"], confidence=item["confidence"])
        return item if cat is None else _item(cat)

    def _add_anime(self, image: np.ndarray, found: list) -> list:
        shape = image.shape
        for parts in detect_anime(image):
            same = [item for item in found if box_cover(item["box"], parts.face_box) > 0.5]
            if same:
                # Face mesh found it already: an anime hit means drawn, but its parts replace
                # the mesh's only on big anime eyes (a painted realistic face keeps its mesh).
                best = max(same, key=lambda item: item["box"][2] * item["box"][3])
                best["style"] = "drawn"
                best["confidence"] = max(best["confidence"], parts.likelihood)
                if _anime_eyes_fit(best["landmarks"], parts):
                    refined = refine_with_anime(best["landmarks"], parts, eyes=eyes_plausible(parts))
                    best.update(landmarks=refined, detector="animeface+mesh",
                                confidence=parts.likelihood)  # fmt: skip
                    best["box"] = box_of(best["landmarks"], shape)
                continue
            if guess_style(image, parts.face_box) != "drawn":
                continue  # animeface reads faces into photographed things too (a cap badge)
            geometry = self.mesh_crop(image, parts.face_box)
            if geometry is not None:
                if _anime_eyes_fit(geometry, parts):
                    geometry = refine_with_anime(geometry, parts, eyes=eyes_plausible(parts))
                landmarks, detector = geometry, "animeface+mesh"
            else:
                try:
                    landmarks, detector = face_from_anime_parts(parts, image_shape=shape), "animeface"
                except ParameterError:
                    continue  # parts too inconsistent to fit a face to (e.g. chin above the mouth)
            found.append(
                dict(box=box_of(landmarks, shape), landmarks=landmarks, detector=detector, confidence=parts.likelihood, style="drawn")
            )
        return found


def find_faces(image: np.ndarray, *, options: FinderOptions | None = None) -> list:
    """Every face in ``image``, left to right (builds and closes a :class:`FaceFinder`).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    options : FinderOptions, optional

    Returns
    -------
    list of Face
        Empty when nothing is found; use manual points then.
    """
    with FaceFinder(options) as finder:
        return finder.find(image)


def _item(face: Face) -> dict:
    """A found face as FaceFinder.find's items hold it (numbered when they are sorted)."""
    return dict(box=face.box, landmarks=face.landmarks, detector=face.detector, confidence=face.confidence,
                style=face.style, eyes_clicked=face.eyes_clicked)  # fmt: skip


def doubtful_faces(image: np.ndarray, faces, *, options: FinderOptions | None = None) -> tuple:
    """The faces found automatically that face mesh does not find again around their own
    box: probably no face it understands, so a mouth put there may move in the wrong place
    (see :meth:`FaceFinder.mesh_holds`). Faces rigged from points, clicked or placed in a cat's
    face box, are never doubted (a cat's face gets its own note, see scene._notes).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture the faces were found in, in the same pixels.
    faces : iterable of Face

    Returns
    -------
    tuple of int
        The doubtful faces' ``index``, in the order given.
    """
    found = [face for face in faces if not face.from_points]
    if not found:
        return ()
    with FaceFinder(options) as finder:
        return tuple(face.index for face in found if not finder.mesh_holds(image, face))
