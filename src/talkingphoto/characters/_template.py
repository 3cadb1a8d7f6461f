"""A canonical 478-point face and the geometry that fits it to a few known points.

The template is one mediapipe detection on a public-domain frontal photo, rotated upright
in 3-D and normalised (see :func:`canonical_from_landmarks`). It is stored as package data
(``talkingphoto/data/canonical_face.npz``) and can be rebuilt with::

    python -m talkingphoto.characters._template examples/portrait.jpg \
        src/talkingphoto/data/canonical_face.npz
"""

import functools
import importlib.resources
import sys

import numpy as np

from . import topology as topo
from ._face import N_LANDMARKS

__all__ = [
    "canonical_face",
    "canonical_from_landmarks",
    "fit_similarity",
    "fit_affine",
    "apply_affine",
    "deform",
]

_TEMPLATE_FILE = "canonical_face.npz"


def canonical_from_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """Normalise one detected mesh into the template frame.

    The head is rotated in 3-D so that the line between the outer eye corners is the +x axis
    and the chin-to-forehead line lies in the x-y plane pointing to -y (upright, frontal,
    no roll), then moved so the midpoint of the iris centres is the origin and scaled so
    the iris centres are 1 apart.

    Parameters
    ----------
    landmarks : np.ndarray [shape=(478, 3), float]
        A face-mesh detection in pixels (x right, y down, z away from the camera).

    Returns
    -------
    np.ndarray [shape=(478, 3), dtype=float32]
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.shape != (N_LANDMARKS, 3):
        raise ValueError(f"landmarks must have shape ({N_LANDMARKS}, 3), got {lm.shape}")
    x_axis = lm[topo.LEFT_EYE_UPPER[-1]] - lm[topo.RIGHT_EYE_UPPER[0]]
    x_axis /= np.linalg.norm(x_axis)
    down = lm[topo.CHIN] - lm[topo.FOREHEAD]
    y_axis = down - (down @ x_axis) * x_axis
    y_axis /= np.linalg.norm(y_axis)
    z_axis = np.cross(x_axis, y_axis)
    rotation = np.stack([x_axis, y_axis, z_axis])  # rows: new axes in old coordinates
    upright = lm @ rotation.T
    centre = 0.5 * (upright[topo.RIGHT_IRIS_CENTRE] + upright[topo.LEFT_IRIS_CENTRE])
    spacing = np.linalg.norm(upright[topo.LEFT_IRIS_CENTRE, :2] - upright[topo.RIGHT_IRIS_CENTRE, :2])
    return ((upright - centre) / spacing).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _load_template() -> np.ndarray:
    resource = importlib.resources.files("talkingphoto") / "data" / _TEMPLATE_FILE
    with resource.open("rb") as handle, np.load(handle) as archive:
        template = archive["landmarks"].astype(np.float32)
    template.setflags(write=False)
    return template


def canonical_face() -> np.ndarray:
    """The template mesh: iris centres at (-0.5, 0, z) and (0.5, 0, z), y down.

    Returns
    -------
    np.ndarray [shape=(478, 3), dtype=float32], read-only
    """
    return _load_template()


def fit_similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares rotation + uniform scale + translation taking ``src`` onto ``dst``.

    Parameters
    ----------
    src, dst : np.ndarray [shape=(n, 2), float], n >= 2

    Returns
    -------
    np.ndarray [shape=(2, 3), float64]
        ``dst ~= src @ m[:, :2].T + m[:, 2]``
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    src_mean, dst_mean = src.mean(0), dst.mean(0)
    s, d = src - src_mean, dst - dst_mean
    # Complex-number form of the 2-D Procrustes solution: d ~= a * s with a = scale * e^(i angle).
    sc = s[:, 0] + 1j * s[:, 1]
    dc = d[:, 0] + 1j * d[:, 1]
    a = np.vdot(sc, dc) / max(np.vdot(sc, sc).real, 1e-12)
    linear = np.array([[a.real, -a.imag], [a.imag, a.real]])
    return np.hstack([linear, (dst_mean - linear @ src_mean)[:, None]])


def fit_affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares affine map taking ``src`` onto ``dst`` (needs 3+ points not on a line).

    Returns
    -------
    np.ndarray [shape=(2, 3), float64]
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    design = np.hstack([src, np.ones((len(src), 1))])
    solution, *_ = np.linalg.lstsq(design, dst, rcond=None)
    return solution.T


def apply_affine(matrix: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Map x, y of ``landmarks`` by a 2x3 ``matrix``; z is scaled by the map's mean scale.

    Parameters
    ----------
    matrix : np.ndarray [shape=(2, 3)]
    landmarks : np.ndarray [shape=(n, 3)]

    Returns
    -------
    np.ndarray [shape=(n, 3), float64]
    """
    landmarks = np.asarray(landmarks, dtype=np.float64)
    out = np.empty_like(landmarks)
    out[:, :2] = landmarks[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    out[:, 2] = landmarks[:, 2] * np.sqrt(abs(np.linalg.det(matrix[:, :2])))
    return out


def deform(points: np.ndarray, *, src: np.ndarray, dst: np.ndarray, radius: float) -> np.ndarray:
    """Move ``points`` by a smooth displacement field that takes ``src`` exactly onto ``dst``.

    The field is a Gaussian radial-basis interpolation of the control displacements: it is
    exact at the controls and fades to zero about ``2 * radius`` away from them, so distant
    parts of the face stay where they are.

    Parameters
    ----------
    points : np.ndarray [shape=(n, 2) or (n, 3)]
        Only x, y move.
    src, dst : np.ndarray [shape=(k, 2)]
        Control positions before and after; ``src`` should be ``points[ids, :2]`` for the
        controlled landmarks so those land exactly on ``dst``.
    radius : float
        Falloff scale in pixels (> 0).

    Returns
    -------
    np.ndarray, same shape as ``points``, float64
    """
    points = np.array(points, dtype=np.float64)
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    if len(src) == 0:
        return points

    def kernel(a, b):
        d2 = np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1)
        return np.exp(-d2 / (2.0 * radius**2))

    gram = kernel(src, src)
    # A tiny ridge keeps near-duplicate controls solvable; controls stay exact to ~1e-6 px.
    weights = np.linalg.solve(gram + 1e-9 * np.eye(len(src)), dst - src)
    points[:, :2] += kernel(points[:, :2], src) @ weights
    return points


def _main(argv: list) -> int:
    """Rebuild the template file from one frontal photo: ``IMAGE OUT.npz``."""
    from ..errors import TalkingPhotoError
    from ..media import load_image
    from ._finder import FaceFinder

    if len(argv) != 2:
        print("usage: python -m talkingphoto.characters._template IMAGE OUT.npz", file=sys.stderr)
        return 2
    image_path, out_path = argv
    try:
        image = load_image(image_path)
    except TalkingPhotoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with FaceFinder() as finder:
        found = finder.mesh_whole(image)
    if len(found) != 1:
        print(f"error: need exactly one face in {image_path}, face mesh found {len(found)}", file=sys.stderr)
        return 1
    np.savez_compressed(out_path, landmarks=canonical_from_landmarks(found[0]))
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
