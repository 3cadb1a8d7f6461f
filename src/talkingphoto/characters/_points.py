"""Manual rig: a full face mesh from a handful of points the user clicked.

This is how anything the detectors miss gets animated (animals, masks, abstract cartoons):
the canonical template is fitted to the points, then its lips and chin are moved exactly
onto them, so the renderer always gets the same 478-point mesh.
"""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from . import topology as topo
from ._face import Face
from ._geometry import box_of
from ._template import apply_affine, canonical_face, deform, fit_affine, fit_similarity

__all__ = ["REQUIRED_POINTS", "OPTIONAL_POINTS", "load_points", "validate_points", "face_from_points", "points_face"]

# "left" and "right" are as seen in the picture: mouth_left is the corner on the image's left.
REQUIRED_POINTS = ("mouth_left", "mouth_right", "upper_lip", "lower_lip", "chin")
OPTIONAL_POINTS = ("left_eye", "right_eye")

# Which template landmark each point pins. The subject's right is the image's left.
_LANDMARK_OF = {
    "mouth_left": topo.MOUTH_CORNER_RIGHT,
    "mouth_right": topo.MOUTH_CORNER_LEFT,
    "upper_lip": topo.UPPER_LIP_CENTRE,
    "lower_lip": topo.LOWER_LIP_CENTRE,
    "chin": topo.CHIN,
    "left_eye": topo.RIGHT_IRIS_CENTRE,
    "right_eye": topo.LEFT_IRIS_CENTRE,
}

_KEYS_HELP = (
    'a JSON object {"mouth_left": [x, y], "mouth_right": [x, y], "upper_lip": [x, y], '
    '"lower_lip": [x, y], "chin": [x, y]} in image pixels, optionally with "left_eye" and "right_eye"'
)


def _as_point(name: str, value, source: str) -> np.ndarray:
    """``[x, y]`` (list, tuple or array of two finite real numbers) as a float64 array."""
    numbers = isinstance(value, (list, tuple)) and all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in value
    )
    array = isinstance(value, np.ndarray) and (np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating))
    point = np.asarray(value, dtype=np.float64) if numbers or array else None
    if point is None or point.shape != (2,) or not np.isfinite(point).all():
        shown = value.tolist() if isinstance(value, np.ndarray) else value
        raise ParameterError(f"{source}: {name!r} must be [x, y] with two pixel numbers, got {shown!r}")
    return point


def validate_points(points, *, image_shape=None, source: str = "points") -> dict:
    """Check a points object and return it as arrays.

    Parameters
    ----------
    points : dict
        ``{"mouth_left": [x, y], ...}`` in source pixels, see ``REQUIRED_POINTS`` and
        ``OPTIONAL_POINTS``; left/right as seen in the picture.
    image_shape : tuple, optional
        ``(h, w[, c])`` of the picture; when given, every point must lie inside it.
    source : str
        How to name the points in error messages (e.g. the file name).

    Returns
    -------
    dict[str, np.ndarray [shape=(2,), float64]]

    Raises
    ------
    ParameterError
        Saying exactly which key or value is wrong and what is expected.
    """
    if not isinstance(points, dict):
        raise ParameterError(f"{source}: expected {_KEYS_HELP}, got a JSON {type(points).__name__}")
    unknown = sorted(set(points) - set(REQUIRED_POINTS) - set(OPTIONAL_POINTS))
    if unknown:
        raise ParameterError(
            f"{source}: unknown key {unknown[0]!r}; valid keys are {', '.join(REQUIRED_POINTS + OPTIONAL_POINTS)}"
        )
    missing = [name for name in REQUIRED_POINTS if name not in points]
    if missing:
        raise ParameterError(f"{source}: missing {', '.join(repr(m) for m in missing)}; expected {_KEYS_HELP}")
    out = {name: _as_point(name, points[name], source) for name in REQUIRED_POINTS + OPTIONAL_POINTS if name in points}

    if image_shape is not None:
        height, width = image_shape[:2]
        for name, (x, y) in out.items():
            if not (0 <= x < width and 0 <= y < height):
                raise ParameterError(
                    f"{source}: {name!r} = [{x:g}, {y:g}] is outside the {width}x{height} picture"
                )

    across = out["mouth_right"] - out["mouth_left"]
    mouth_width = float(np.linalg.norm(across))
    if mouth_width < 2.0:
        raise ParameterError(f"{source}: 'mouth_left' and 'mouth_right' must be at least 2 px apart, got {mouth_width:.1f} px")
    right = across / mouth_width
    down = np.array([-right[1], right[0]])  # image y points down
    mouth_centre = 0.5 * (out["mouth_left"] + out["mouth_right"])
    if (out["lower_lip"] - out["upper_lip"]) @ down < 0:
        raise ParameterError(
            f"{source}: 'lower_lip' must be below 'upper_lip' (seen from the mouth corners); "
            "check that mouth_left is the corner on the picture's left"
        )
    if (out["chin"] - out["lower_lip"]) @ down <= 0:
        raise ParameterError(
            f"{source}: 'chin' must be below 'lower_lip'; check that mouth_left is the corner on the picture's left"
        )
    for name in OPTIONAL_POINTS:
        if name in out and (mouth_centre - out[name]) @ down <= 0:
            raise ParameterError(f"{source}: {name!r} must be above the mouth")
    if "left_eye" in out and "right_eye" in out and (out["right_eye"] - out["left_eye"]) @ right <= 0:
        raise ParameterError(f"{source}: 'left_eye' must be the eye on the picture's left, 'right_eye' the other")
    return out


def load_points(path) -> dict:
    """Read a points JSON file (see :func:`validate_points` for the format).

    Returns
    -------
    dict[str, np.ndarray [shape=(2,), float64]]

    Raises
    ------
    ParameterError
        The file is missing, not JSON, or its content is wrong (the message says what).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ParameterError(f"points file '{path}' does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"points file '{path}' cannot be read: {exc}") from exc
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"points file '{path}' is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    return validate_points(content, source=f"points file '{path}'")


def face_from_points(points: dict, *, image_shape, style: str = "photo") -> Face:
    """Fit the canonical face mesh to manual points.

    The template is fitted by least squares (a similarity; an affine map when both eyes are
    given, so three-quarter views foreshorten), then a smooth displacement field moves the
    mouth corners, lip centres, chin (and eye centres) exactly onto the points.

    Parameters
    ----------
    points : dict
        See :func:`validate_points`; values are ``[x, y]`` in source pixels.
    image_shape : tuple
        ``(h, w[, c])`` of the picture.
    style : str
        ``"photo"`` or ``"drawn"``; callers that have the picture pass
        ``guess_style(image, face.box)``.

    Returns
    -------
    Face
        ``detector="points"``, ``confidence=1.0``, ``index=0``, ``eyes_clicked`` when both
        eyes were given.
    """
    checked = validate_points(points, image_shape=image_shape)
    names = list(checked)
    ids = np.array([_LANDMARK_OF[name] for name in names])
    target = np.stack([checked[name] for name in names])
    template = canonical_face()
    has_both_eyes = "left_eye" in checked and "right_eye" in checked
    fit = fit_affine if has_both_eyes else fit_similarity
    matrix = fit(template[ids, :2], target)
    landmarks = apply_affine(matrix, template)
    mouth_width = float(np.linalg.norm(checked["mouth_right"] - checked["mouth_left"]))
    landmarks = deform(landmarks, src=landmarks[ids, :2], dst=target, radius=0.5 * mouth_width)
    return Face(
        index=0,
        box=box_of(landmarks, image_shape),
        landmarks=landmarks,
        detector="points",
        confidence=1.0,
        style=style,
        eyes_clicked=has_both_eyes,
    )


def points_face(path, picture, *, index: int = 0) -> Face:
    """The face rigged from the points file at ``path`` (source pixels), in the pixels of
    ``picture`` (a media.Picture, possibly decoded reduced), its style guessed from them."""
    from ._style import guess_style

    width, height = picture.source_size
    face = face_from_points(load_points(path), image_shape=(height, width, 3))
    face = face if picture.scale == 1 else face.scaled(picture.scale)
    return replace(face, index=index, style=guess_style(picture.image, face.box))
