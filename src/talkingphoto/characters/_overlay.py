"""A picture that shows what will move: each face's mesh, lips, eyes and index number."""

import functools

import numpy as np

from . import topology as topo
from ._template import canonical_face

__all__ = ["draw_overlay"]

# RGB colours
_MESH = (255, 255, 255)
_OVAL = (255, 255, 255)
_LIPS_OUTER = (255, 40, 40)
_LIPS_INNER = (255, 60, 200)
_EYES = (0, 230, 255)
_IRIS = (255, 230, 0)
_BROWS = (80, 255, 80)
_INK = (20, 20, 20)
_LABEL = (255, 255, 255)


@functools.lru_cache(maxsize=1)
def _mesh_edges() -> np.ndarray:
    """Edges of a triangulation of the frontal template (irises left out), shape (e, 2)."""
    from scipy.spatial import Delaunay

    template = canonical_face()[: topo.RIGHT_IRIS_CENTRE, :2]
    triangles = Delaunay(template).simplices
    edges = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    return np.unique(np.sort(edges, axis=1), axis=0)


def _polyline(canvas, points, colour, thickness, *, closed=False):
    import cv2

    cv2.polylines(canvas, [np.round(points).astype(np.int32)], closed, colour, thickness, cv2.LINE_AA)


def _outlined_text(canvas, text, origin, scale, thickness):
    import cv2

    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(canvas, text, origin, font, scale, _INK, thickness + max(2, thickness), cv2.LINE_AA)
    cv2.putText(canvas, text, origin, font, scale, _LABEL, thickness, cv2.LINE_AA)


def _draw_index(canvas, number: str, box) -> None:
    """Big index number beside the face: above the box (shrunk to fit, down to 16 px
    tall), else left of it, right of it, below it, or inside it as a last resort."""
    import cv2

    height, width = canvas.shape[:2]
    x, y, w, h = box
    font = cv2.FONT_HERSHEY_SIMPLEX

    def fitted(text_height):
        scale = text_height / 22.0  # digits are ~22 px tall at scale 1
        thickness = max(2, round(scale * 2))
        (text_w, text_h), _ = cv2.getTextSize(number, font, scale, thickness)
        return scale, thickness, text_w, text_h, thickness + 4

    target = float(np.clip(0.3 * h, 16, 120))
    scale, thickness, text_w, text_h, pad = fitted(target)
    room_above = y - 2 * pad
    if room_above >= 16:
        scale, thickness, text_w, text_h, pad = fitted(min(target, room_above))
        origin = (min(max(0, x), max(0, width - text_w)), y - pad)
    elif x - pad - text_w >= 0:
        origin = (x - pad - text_w, min(height - 1, max(0, y) + text_h))
    elif x + w + pad + text_w <= width:
        origin = (x + w + pad, min(height - 1, max(0, y) + text_h))
    elif y + h + pad + text_h < height:
        origin = (min(max(0, x), max(0, width - text_w)), y + h + pad + text_h)
    else:
        origin = (max(0, x) + pad, min(height - 1, max(0, y) + text_h + pad))
    _outlined_text(canvas, number, (int(origin[0]), int(origin[1])), scale, thickness)


def draw_overlay(image: np.ndarray, faces: list) -> np.ndarray:
    """Draw every face's mesh with lips and eyes highlighted, plus big index numbers.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    faces : list of Face

    Returns
    -------
    np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        A new picture; ``image`` is not changed.
    """
    import cv2

    canvas = np.ascontiguousarray(image).copy()
    height, width = canvas.shape[:2]
    edges = _mesh_edges()

    # The full mesh, faint, on its own layer.
    layer = canvas.copy()
    for face in faces:
        thin = max(1, round(face.box[2] / 400))
        xy = np.round(face.landmarks[:, :2]).astype(np.int32)
        lines = [np.stack([xy[a], xy[b]]) for a, b in edges]
        cv2.polylines(layer, lines, False, _MESH, thin, cv2.LINE_AA)
    canvas = cv2.addWeighted(layer, 0.3, canvas, 0.7, 0.0)

    for face in faces:
        lm = face.landmarks[:, :2]
        size = max(face.box[2], face.box[3])
        bold = max(1, round(size / 120))
        _polyline(canvas, lm[topo.FACE_OVAL], _OVAL, bold, closed=True)
        for upper, lower, colour in (
            (topo.LIPS_UPPER_OUTER, topo.LIPS_LOWER_OUTER, _LIPS_OUTER),
            (topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER, _LIPS_INNER),
            (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, _EYES),
            (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, _EYES),
        ):
            _polyline(canvas, np.vstack([lm[upper], lm[lower][::-1]]), colour, bold, closed=True)
        for brow in (topo.RIGHT_BROW_UPPER, topo.LEFT_BROW_UPPER):
            _polyline(canvas, lm[brow], _BROWS, bold)
        for iris in (topo.RIGHT_IRIS, topo.LEFT_IRIS):
            radius = np.linalg.norm(lm[iris[1:]] - lm[iris[0]], axis=1).mean()
            centre = tuple(int(v) for v in np.round(lm[iris[0]]))
            cv2.circle(canvas, centre, max(1, int(round(radius))), _IRIS, bold, cv2.LINE_AA)

        x, y, w, h = face.box
        cv2.rectangle(canvas, (x, y), (x + w, y + h), _LABEL, 1, cv2.LINE_AA)
        _draw_index(canvas, str(face.index), face.box)
        # Detector, confidence and style under the box, small.
        label = f"{face.detector} {face.confidence:.2f} {face.style}"
        small = max(0.35, min(0.6, w / 250))
        (label_w, label_h), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, small, 1)
        lx = int(min(max(0, x), max(0, width - label_w)))
        ly = y + h + label_h + 4 if y + h + label_h + 4 < height else max(label_h, y + h - 4)
        _outlined_text(canvas, label, (lx, int(ly)), small, 1)
    return canvas
