"""Measuring the mouth and the head in a rendered video by finding the face again.

The renderer's own controls could be read back, but only re-detecting the face in the
encoded frames shows what a viewer sees (warping, compression and all).
"""

from pathlib import Path

import cv2
import numpy as np

from .._native import quiet_native_logs
from ..characters import N_LANDMARKS
from ..characters import topology as topo
from ..errors import MissingDependencyError, OutputError

__all__ = ["measure_video_openness", "landmark_openness", "track_video_landmarks", "video_fps"]

# Three central pairs of the inner lip contours: the average is steadier than the single
# mid pair (13-14) when the mesh slides a little along the lip line.
_UPPER = topo.LIPS_UPPER_INNER[4:7]
_LOWER = topo.LIPS_LOWER_INNER[4:7]
# The tracking window is resized to this side: the mesh finds small faces only when they
# fill a few hundred pixels.
WINDOW_SIZE = 256


def measure_video_openness(video_path) -> np.ndarray:
    """Inner-lip gap / mouth width of the most prominent face in every video frame.

    Parameters
    ----------
    video_path : str or Path
        Any video PyAV can decode.

    Returns
    -------
    np.ndarray [shape=(n_frames,), dtype=float32]
        Mean gap between the three central inner-lip landmark pairs (82-87, 13-14,
        312-317) divided by the corner-to-corner width (61-291); NaN where no face is found.
    """
    return landmark_openness(track_video_landmarks(video_path))


def landmark_openness(landmarks: np.ndarray) -> np.ndarray:
    """Inner-lip gap / mouth width of face-mesh ``landmarks`` [shape=(n_frames, 478, 2|3),
    pixels; NaN where no face]: see :func:`measure_video_openness`."""
    points = np.asarray(landmarks, dtype=np.float64)[..., :2]
    width = np.linalg.norm(points[:, topo.MOUTH_CORNER_LEFT] - points[:, topo.MOUTH_CORNER_RIGHT], axis=-1)
    gap = np.linalg.norm(points[:, _LOWER] - points[:, _UPPER], axis=-1).mean(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        openness = np.where(width > 0, gap / width, np.nan)
    return openness.astype(np.float32)


def track_video_landmarks(video_path) -> np.ndarray:
    """Face-mesh landmarks of the most prominent face in every video frame.

    The face is located once, on the first frame, with the same detection chain the
    renderer uses (painted three-quarter faces and small faces need its crops); the mesh
    then tracks it inside a fixed square around it, frame by frame (a head moves a few
    percent of its size; master mode's camera a few percent of the frame).

    Parameters
    ----------
    video_path : str or Path
        Any video PyAV can decode.

    Returns
    -------
    np.ndarray [shape=(n_frames, 478, 3), dtype=float32]
        x, y in frame pixels, z relative depth in the same scale (negative towards the
        camera); NaN in frames where no face is found.
    """
    av = _require("av", "av")
    face_mesh = _require("mediapipe.python.solutions.face_mesh", "mediapipe")
    path = Path(video_path)
    if not path.is_file():
        raise OutputError(f"video not found: {path}; render it first or check the path")
    values = []
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise OutputError(f"cannot read video {path}: {exc}; is it a complete video file?") from exc
    # Tracking mode follows the face from frame to frame, about 4 ms a frame. The graph is
    # built with its first frame and run and closed inside quiet_native_logs(), so its C++
    # logs (written by its threads as it starts) stay off stderr.
    mesh = None
    with container:
        try:
            window = False  # not looked for yet; None: track on the whole frame
            for frame in container.decode(video=0):
                rgb = frame.to_ndarray(format="rgb24")
                if window is False:
                    window = _face_window(rgb, face_mesh)
                view = rgb if window is None else _window(rgb, window)
                with quiet_native_logs():
                    if mesh is None:
                        mesh = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True)
                    result = mesh.process(view)
                values.append(_landmarks(result, rgb.shape, window))
        finally:
            if mesh is not None:
                with quiet_native_logs():
                    mesh.close()
    return np.asarray(values, dtype=np.float32).reshape(-1, N_LANDMARKS, 3)


def _window(rgb: np.ndarray, window: tuple) -> np.ndarray:
    x0, y0, x1, y1 = window
    return cv2.resize(rgb[y0:y1, x0:x1], (WINDOW_SIZE, WINDOW_SIZE), interpolation=cv2.INTER_LINEAR)


def _face_window(rgb: np.ndarray, face_mesh) -> tuple | None:
    """(x0, y0, x1, y1): a square around the largest face, inside the frame, in which the
    mesh finds it; None (use the whole frame) when there is no such square.

    The mesh's own detector is picky about framing (on a painted three-quarter face 2x the
    box fails where 2.5x works), so a few squares are tried, as the renderer's finder does.
    """
    from ..characters import find_faces

    height, width = rgb.shape[:2]
    faces = find_faces(rgb)
    if not faces:
        return None
    x, y, w, h = max(faces, key=lambda f: f.box[2] * f.box[3]).box
    with quiet_native_logs(), face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1) as probe:
        for scale in (2.5, 3.0, 1.5, 2.0):
            side = int(min(max(w, h) * scale, width, height))
            x0 = int(np.clip(x + w / 2 - side / 2, 0, width - side))
            y0 = int(np.clip(y + h / 2 - side / 2, 0, height - side))
            window = (x0, y0, x0 + side, y0 + side)
            if probe.process(_window(rgb, window)).multi_face_landmarks:
                return window
    return None


def video_fps(video_path) -> float:
    """Frame rate of the first video stream."""
    av = _require("av", "av")
    try:
        with av.open(str(video_path)) as container:
            rate = container.streams.video[0].average_rate
    except (av.error.FFmpegError, IndexError) as exc:
        raise OutputError(f"cannot read a video stream from {video_path}: {exc}") from exc
    return float(rate) if rate else 25.0


def _landmarks(result, shape: tuple, window: tuple | None) -> np.ndarray:
    """The first face's landmarks [shape=(478, 3)] in frame pixels, NaN when none."""
    if not result.multi_face_landmarks:
        return np.full((N_LANDMARKS, 3), np.nan)
    points = np.array([(p.x, p.y, p.z) for p in result.multi_face_landmarks[0].landmark])
    if window is None:
        height, width = shape[:2]
        return points * [width, height, width]
    x0, y0, x1, _ = window
    side = x1 - x0  # a square, resized to the mesh's input: one scale for x, y and z
    return points * side + [x0, y0, 0.0]


def _require(module: str, package: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{package} is missing, and lip-sync measurement needs it: pip install 'talkingphoto' again"
        ) from exc
