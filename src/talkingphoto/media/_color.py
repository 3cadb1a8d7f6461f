"""RGB <-> YUV 4:2:0 (I420) conversion for the encoder, in BT.709 limited ("tv") range.

BT.709 limited range is what browsers and players assume for untagged HD H.264, and the
writer also tags the stream with it, so colours come out the same everywhere. The
conversion is FFmpeg's swscale (about 3 ms for a 1280x720 frame on this class of CPU).
A renderer that changes only part of each frame can convert the still picture once with
:func:`rgb_to_i420`, then per frame copy that buffer and :func:`paste_i420` the changed
region, and hand the result to ``VideoWriter.write_i420``.
"""

import threading

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

from ..errors import ParameterError

__all__ = ["rgb_to_i420", "i420_to_rgb", "i420_planes", "paste_i420"]

BT709 = 1  # AVCOL_SPC_BT709 == AVCOL_PRI_BT709 == AVCOL_TRC_BT709
TV_RANGE = 1  # AVCOL_RANGE_MPEG: Y in 16..235, U/V in 16..240
_TO_YUV = dict(
    format="yuv420p",
    src_colorspace="ITU709",
    dst_colorspace="ITU709",
    src_color_range="JPEG",
    dst_color_range="MPEG",
    dst_color_trc=BT709,
    dst_color_primaries=BT709,
    threads=1,
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


def rgb_frame(image: np.ndarray) -> av.VideoFrame:
    """An rgb24 VideoFrame holding a copy of ``image`` (faster than ``from_ndarray`` in PyAV 18)."""
    h, w = image.shape[:2]
    frame = av.VideoFrame(w, h, "rgb24")
    _plane(frame.planes[0], h, w * 3)[:] = image.reshape(h, w * 3)
    return frame


def to_yuv(frame: av.VideoFrame) -> av.VideoFrame:
    """rgb24 VideoFrame (even sides) -> yuv420p VideoFrame, BT.709 tv range, tagged."""
    return _reformatter().reformat(frame, **_TO_YUV)


def i420_frame(buf: np.ndarray, size: tuple) -> av.VideoFrame:
    """A tagged yuv420p VideoFrame holding a copy of the I420 ``buf``."""
    h, w = size
    frame = av.VideoFrame(w, h, "yuv420p")
    y, u, v = i420_planes(buf)
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
    frame = to_yuv(rgb_frame(image))
    buf = np.empty((h * 3 // 2, w), np.uint8)
    y, u, v = i420_planes(buf)
    y[:] = _plane(frame.planes[0], h, w)
    u[:] = _plane(frame.planes[1], h // 2, w // 2)
    v[:] = _plane(frame.planes[2], h // 2, w // 2)
    return buf


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
    if any(int(v) % 2 for v in (x, y, ph, pw)) or ph < 4 or pw < 4:
        raise ParameterError(
            f"patch position and size must be even and the size at least 4x4, got x={x}, y={y}, size {pw}x{ph}"
        )
    if x < 0 or y < 0 or x + pw > w or y + ph > h:
        raise ParameterError(f"patch {pw}x{ph} at ({x}, {y}) does not fit in the {w}x{h} frame")
    return patch


def paste_i420(buf: np.ndarray, patch: np.ndarray, *, x: int, y: int) -> None:
    """Convert the RGB ``patch`` and write it into the I420 ``buf`` with its top-left at (x, y).

    swscale's chroma filter reaches one chroma row beyond each 2x2 block, so a patch
    converted on its own has slightly wrong colour along its edge. Hence the patch must
    include a margin of at least 4 pixels that is unchanged from the frame under it: its
    luma is written, but the outermost ring of chroma samples is kept from ``buf``. The
    result is then identical to converting the whole frame.

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
    frame = to_yuv(rgb_frame(patch))
    yp[y : y + ph, x : x + pw] = _plane(frame.planes[0], ph, pw)
    cy, cx, ch, cw = y // 2, x // 2, ph // 2, pw // 2
    up[cy + 1 : cy + ch - 1, cx + 1 : cx + cw - 1] = _plane(frame.planes[1], ch, cw)[1:-1, 1:-1]
    vp[cy + 1 : cy + ch - 1, cx + 1 : cx + cw - 1] = _plane(frame.planes[2], ch, cw)[1:-1, 1:-1]
