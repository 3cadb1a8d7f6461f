"""RGB <-> YUV 4:2:0 (I420) conversion for the encoder, in BT.709 limited ("tv") range.

BT.709 limited range is what browsers and players assume for untagged HD H.264, and the
writer also tags the stream with it, so colours come out the same everywhere. To YUV, each
pixel goes through the BT.709 matrix and each 2x2 block's chroma is its average (OpenCV:
2.5 ms of CPU for a 1920x1080 frame where FFmpeg's swscale takes 7.3; on a photo the two
differ by at most one level of luma and two of chroma, 55 dB, as swscale's vertical chroma
filter reaches one row further). Since no block's colour depends on its neighbours, a
renderer that changes only part of each frame can convert the still picture once with
:func:`rgb_to_i420`, then per frame copy that buffer and :func:`paste_i420` the changed
region, and hand the result to ``VideoWriter.write_i420``. Back to RGB (previews) is
swscale's, with chroma interpolated as players do.
"""

import threading

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

from ..errors import ParameterError

__all__ = ["rgb_to_i420", "i420_to_rgb", "i420_planes", "paste_i420", "rgb_to_yuv444", "yuv444_to_i420"]

BT709 = 1  # AVCOL_SPC_BT709 == AVCOL_PRI_BT709 == AVCOL_TRC_BT709
TV_RANGE = 1  # AVCOL_RANGE_MPEG: Y in 16..235, U/V in 16..240
_KR, _KB = 0.2126, 0.0722  # BT.709 luma weights of red and blue
_KG = 1 - _KR - _KB
# Full-range RGB -> tv-range Y (16..235), U and V (16..240): rows Y, U, V, offsets last.
_RGB_TO_YUV = np.array(
    [
        [219 / 255 * _KR, 219 / 255 * _KG, 219 / 255 * _KB, 16],
        [-224 / 255 * _KR / (2 - 2 * _KB), -224 / 255 * _KG / (2 - 2 * _KB), 224 / 255 / 2, 128],
        [224 / 255 / 2, -224 / 255 * _KG / (2 - 2 * _KR), -224 / 255 * _KB / (2 - 2 * _KR), 128],
    ],
    np.float32,
)
_TO_RGB = dict(
    format="rgb24",
    src_colorspace="ITU709",
    dst_colorspace="ITU709",
    src_color_range="MPEG",
    dst_color_range="JPEG",
    # Interpolate chroma between samples, as players do: swscale's default repeats each
    # sample across its pair of pixels (5 dB worse on a photo).
    interpolation=Interpolation.BILINEAR | Interpolation.ACCURATE_RND | Interpolation.FULL_CHR_H_INT,
    threads=1,
)
# A reformatter keeps its swscale context between calls; one per thread, as they are not shareable.
_local = threading.local()


def _reformatter() -> VideoReformatter:
    if not hasattr(_local, "reformatter"):
        _local.reformatter = VideoReformatter()
    return _local.reformatter


def _plane(plane, rows: int, cols: int) -> np.ndarray:
    """Writable numpy view of a frame plane without its row padding."""
    return np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:rows, :cols]


def check_rgb(image, *, name: str = "frame", shape=None) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ParameterError(f"{name} must be uint8 RGB with shape (h, w, 3), got {image.dtype} {image.shape}")
    if shape is not None and image.shape[:2] != shape:
        raise ParameterError(f"{name} must be {shape[1]}x{shape[0]} (h, w = {shape}), got shape {image.shape}")
    return image


def check_i420(buf, *, name: str = "buffer", shape=None) -> tuple:
    """Validate an I420 buffer; returns (buf, (height, width))."""
    buf = np.asarray(buf)
    if buf.dtype != np.uint8 or buf.ndim != 2 or buf.shape[0] % 3 or buf.shape[1] % 2:
        raise ParameterError(
            f"{name} must be uint8 I420 with shape (height*3//2, width), both even, got {buf.dtype} {buf.shape}"
        )
    size = (buf.shape[0] * 2 // 3, buf.shape[1])
    if size[0] % 2:
        raise ParameterError(f"{name} must have an even height; shape {buf.shape} gives height {size[0]}")
    if shape is not None and size != shape:
        expected = (shape[0] * 3 // 2, shape[1])
        raise ParameterError(f"{name} must have shape {expected} for a {shape[1]}x{shape[0]} video, got {buf.shape}")
    return buf, size


def rgb_to_yuv444(image: np.ndarray) -> np.ndarray:
    """Each pixel of an RGB picture through the BT.709 matrix, to tv range.

    Linear: warping or blending the result is warping or blending the picture, converted.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]

    Returns
    -------
    np.ndarray [shape=(h, w, 3), dtype=uint8, YUV]
        Y in 16..235, U and V in 16..240.
    """
    import cv2

    return cv2.transform(image, _RGB_TO_YUV)


def yuv444_to_i420(yuv: np.ndarray) -> np.ndarray:
    """A full-resolution YUV picture (even sides) as I420, each 2x2 block's chroma its
    average: [shape=(h*3//2, w), dtype=uint8] (see :func:`rgb_to_i420`)."""
    import cv2

    h, w = yuv.shape[:2]
    buf = np.empty((h * 3 // 2, w), np.uint8)
    y, u, v = i420_planes(buf)
    half = cv2.resize(yuv, (w // 2, h // 2), interpolation=cv2.INTER_AREA)  # exact 2x2 means
    cv2.extractChannel(yuv, 0, dst=y)
    cv2.extractChannel(half, 1, dst=u)
    cv2.extractChannel(half, 2, dst=v)
    return buf


def i420_frame(buf: np.ndarray, size: tuple) -> av.VideoFrame:
    """A tagged yuv420p VideoFrame holding a copy of the I420 ``buf``."""
    h, w = size
    y, u, v = i420_planes(buf)
    frame = av.VideoFrame(w, h, "yuv420p")
    _plane(frame.planes[0], h, w)[:] = y
    _plane(frame.planes[1], h // 2, w // 2)[:] = u
    _plane(frame.planes[2], h // 2, w // 2)[:] = v
    frame.colorspace = BT709
    frame.color_range = TV_RANGE
    frame.color_primaries = BT709
    frame.color_trc = BT709
    return frame


def rgb_to_i420(image: np.ndarray) -> np.ndarray:
    """Convert a picture to the encoder's I420 layout (BT.709, tv range).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB], h and w even

    Returns
    -------
    buf : np.ndarray [shape=(h*3//2, w), dtype=uint8]
        The Y plane (h rows), then U and V at half resolution, each packed row after row
        into h//4 rows of w (FFmpeg's and PyAV's yuv420p ndarray layout).
    """
    image = check_rgb(image, name="image")
    h, w = image.shape[:2]
    if h % 2 or w % 2:
        raise ParameterError(f"image sides must be even for 4:2:0 colour, got {w}x{h}; see fit_size")
    return yuv444_to_i420(rgb_to_yuv444(image))


def i420_to_rgb(buf: np.ndarray) -> np.ndarray:
    """Inverse of :func:`rgb_to_i420` (chroma upsampled): [shape=(h, w, 3), dtype=uint8, RGB]."""
    buf, size = check_i420(buf)
    rgb = _reformatter().reformat(i420_frame(buf, size), **_TO_RGB)
    h, w = size
    return _plane(rgb.planes[0], h, w * 3).reshape(h, w, 3).copy()


def i420_planes(buf: np.ndarray) -> tuple:
    """Views of the Y [shape=(h, w)], U and V [shape=(h//2, w//2)] planes inside ``buf``.

    Writing into the views writes into ``buf`` (it must be C-contiguous).
    """
    buf, (h, w) = check_i420(buf)
    if not buf.flags.c_contiguous:
        raise ParameterError("I420 buffer must be C-contiguous; pass np.ascontiguousarray(buf)")
    flat = buf.reshape(-1)
    n = h * w
    return (
        flat[:n].reshape(h, w),
        flat[n : n + n // 4].reshape(h // 2, w // 2),
        flat[n + n // 4 :].reshape(h // 2, w // 2),
    )


def check_patch(patch: np.ndarray, *, x: int, y: int, size: tuple) -> np.ndarray:
    """``patch`` checked for pasting at (x, y) into an I420 frame of ``size`` (h, w) (see
    :func:`paste_i420`); raises ParameterError otherwise."""
    patch = check_rgb(patch, name="patch")
    ph, pw = patch.shape[:2]
    h, w = size
    if any(int(v) % 2 for v in (x, y, ph, pw)) or ph == 0 or pw == 0:
        raise ParameterError(f"patch position and size must be even and the size not 0, got x={x}, y={y}, size {pw}x{ph}")
    if x < 0 or y < 0 or x + pw > w or y + ph > h:
        raise ParameterError(f"patch {pw}x{ph} at ({x}, {y}) does not fit in the {w}x{h} frame")
    return patch


def paste_i420(buf: np.ndarray, patch: np.ndarray, *, x: int, y: int) -> None:
    """Convert the RGB ``patch`` and write it into the I420 ``buf`` with its top-left at (x, y).

    Each 2x2 block's colour is its own (see :func:`rgb_to_i420`), so the result is identical to
    converting the whole frame.

    Parameters
    ----------
    buf : np.ndarray [shape=(h*3//2, w), dtype=uint8], modified in place
    patch : np.ndarray [shape=(ph, pw, 3), dtype=uint8, RGB]
        x, y, ph and pw must be even (chroma is shared by 2x2 pixels), ph and pw at least
        4, and the patch must lie inside the frame.
    """
    patch = check_patch(patch, x=x, y=y, size=i420_planes(buf)[0].shape)
    ph, pw = patch.shape[:2]
    yp, up, vp = i420_planes(buf)
    py, pu, pv = i420_planes(rgb_to_i420(patch))
    yp[y : y + ph, x : x + pw] = py
    up[y // 2 : (y + ph) // 2, x // 2 : (x + pw) // 2] = pu
    vp[y // 2 : (y + ph) // 2, x // 2 : (x + pw) // 2] = pv
