"""Reading pictures into RGB arrays, and choosing the video size.

A picture can be decoded already reduced to the size the caller needs (:func:`load_picture`
with ``reduce_to``): a 7000 x 7000 upload rendered at 1920 px never exists as a full-size
RGB array. JPEG decodes at 1/2, 1/4 or 1/8 of its size directly (DCT scaling); other formats
are decoded whole, once, in Pillow's own compact form, then converted and reduced in bands,
so no full-size converted copy is ever made. Decodes in one process share a memory budget,
so four large uploads at once take turns instead of adding up.
"""

import re
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from .._memory import release_free_memory
from ..errors import ImageError, ParameterError
from ._sources import describe, open_source

__all__ = ["IMAGE_FORMATS", "Picture", "load_picture", "load_image", "load_image_with_alpha", "fit_size", "fit_picture"]

IMAGE_FORMATS = "JPEG, PNG, WebP, BMP, TIFF or GIF"  # what Pillow reads here; named in help and errors
# Pillow's own modes for 16- and 32-bit single-channel pictures; convert("RGB") would clip them.
_WIDE_GRAY = {"I;16": 65535, "I;16L": 65535, "I;16B": 65535, "I;16N": 65535, "I": 65535}
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
_BAND_PIXELS = 1 << 20  # pixels converted at once when reducing (a few MB per band)
_MB = 1024 * 1024
_RELEASE_ABOVE = 64 * _MB  # decodes that needed more hand their memory back to the system
# EXIF orientation -> the transpose that shows the picture upright (what a photo viewer does).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class _Budget:
    """Bytes of full-size pixel buffers that decodes in this process may hold at once; a
    decode that would pass it waits for the others (one alone always goes ahead)."""

    def __init__(self, total: int):
        self.total = total
        self.used = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, n: int):
        with self._changed:
            self._changed.wait_for(lambda: self.used == 0 or self.used + n <= self.total)
            self.used += n
        try:
            yield
        finally:
            with self._changed:
                self.used -= n
                self._changed.notify_all()


_DECODE_BUDGET = _Budget(256 * _MB)


@dataclass(frozen=True)
class Picture:
    """A decoded picture, possibly reduced while decoding.

    Attributes
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        Upright (EXIF orientation applied), transparency flattened over the background.
    alpha : np.ndarray [shape=(h, w), dtype=uint8] or None
        255 = opaque; None when the picture has no transparency.
    scale : float
        ``image`` pixels per source pixel (1 at full size, 1/2 when halved...): a point
        (x, y) of the source picture is (x * scale, y * scale) in ``image``.
    source_size : (int, int)
        Width and height of the upright source picture.
    """

    image: np.ndarray
    alpha: np.ndarray | None
    scale: float
    source_size: tuple


def load_image(source, *, max_pixels: int = 50_000_000, background=(255, 255, 255)) -> np.ndarray:
    """Decode a picture to RGB, upright, flattened over ``background``.

    The format is sniffed from the content, not the file name. The pixel count is read from
    the header and checked before anything is decoded, so a small file that declares a
    gigapixel image (a decompression bomb) is refused without using the memory.

    Parameters
    ----------
    source : str, os.PathLike or bytes
        A file path, or the file's bytes (e.g. an upload).
    max_pixels : int
        Largest width x height accepted.
    background : (r, g, b) ints in 0..255
        Colour shown through transparent pixels.

    Returns
    -------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        EXIF orientation applied (what a photo viewer shows).

    Raises
    ------
    ImageError
        Missing, unreadable, corrupt, truncated, not a picture, or larger than ``max_pixels``.
    """
    return load_picture(source, max_pixels=max_pixels, background=background).image


def load_image_with_alpha(source, *, max_pixels: int = 50_000_000, background=(255, 255, 255)) -> tuple:
    """Like :func:`load_image`, and the picture's transparency too.

    A sprite or cut-out drawn on a transparent background carries an exact mask of the
    character, which master mode uses to move the character against its background.

    Returns
    -------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        As :func:`load_image` returns it.
    alpha : np.ndarray [shape=(h, w), dtype=uint8] or None
        255 = opaque; None when the picture has no transparency.
    """
    picture = load_picture(source, max_pixels=max_pixels, background=background)
    return picture.image, picture.alpha


def load_picture(
    source, *, reduce_to: int | None = None, max_pixels: int = 50_000_000, background=(255, 255, 255)
) -> Picture:
    """Decode a picture as :func:`load_image_with_alpha` does, reduced to what is needed.

    Parameters
    ----------
    source : str, os.PathLike or bytes
    reduce_to : int, optional
        The long side the caller will use. The picture is reduced while decoding by the
        largest whole factor that keeps its long side at least ``reduce_to`` (box filter; JPEG
        by its decoder's 1/2, 1/4, 1/8 steps), so memory follows the need, not the file.
        None decodes at full size.
    max_pixels, background :
        As for :func:`load_image`.

    Returns
    -------
    Picture
        The pixels, the transparency, the scale from source pixels, the source's size.
    """
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels < 1:
        raise ParameterError(f"max_pixels must be a positive integer, got {max_pixels!r}")
    if reduce_to is not None and (isinstance(reduce_to, bool) or not isinstance(reduce_to, int) or reduce_to < 1):
        raise ParameterError(f"reduce_to must be a positive integer or None, got {reduce_to!r}")
    bg = _check_background(background)
    name = describe(source)
    fp = open_source(source, kind="image", error=ImageError)
    try:
        # Pillow warns past ~89 Mpx; our own limit decides, so the warning is noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(fp) as im:
                return _decode(im, bg=bg, name=name, max_pixels=max_pixels, reduce_to=reduce_to)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses more than twice its own limit inside Image.open, before we see the size.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)):,}" if found else "too many"
        raise ImageError(_too_large(name, size, max_pixels)) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name} is not a picture Pillow can read; use {IMAGE_FORMATS}") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncated and corrupt data as OSError, some plugins as SyntaxError/ValueError.
        raise ImageError(f"image {name} is corrupt or truncated ({exc}); re-export it as PNG or JPEG") from exc


def _decode(im: Image.Image, *, bg: np.ndarray, name: str, max_pixels: int, reduce_to: int | None) -> Picture:
    width, height = im.size
    if width * height > max_pixels:
        raise ImageError(_too_large(name, f"{width}x{height} = {width * height:,}", max_pixels))
    if im.mode == "F":
        raise ImageError(
            f"image {name} holds floating-point pixels, which have no standard range; save it as 8- or 16-bit PNG"
        )
    factor = 1 if reduce_to is None else max(1, max(width, height) // reduce_to)
    if factor > 1 and im.format == "JPEG":
        im.draft(im.mode, (width // factor, height // factor))  # DCT scaling: 1/2, 1/4 or 1/8
    decoded = round(width / im.size[0])  # what the decoder reduced by already
    factor //= decoded
    # The decoded picture, plus the arrays it becomes when nothing is reduced.
    need = im.size[0] * im.size[1] * (_bytes_per_pixel(im.mode) + (0 if factor > 1 else 4))
    with _DECODE_BUDGET.hold(need):
        im.load()
        orientation = im.getexif().get(0x0112)
        image, alpha = _pixels(im, factor, bg)
        im.close()  # the full-size pixels go before the next decode may start
        if need > _RELEASE_ABOVE:
            release_free_memory()
    if orientation in _UPRIGHT:
        image, alpha = _upright(image, orientation), None if alpha is None else _upright(alpha, orientation)
        if orientation >= 5:
            width, height = height, width
    return Picture(image=image, alpha=alpha, scale=1 / (decoded * factor), source_size=(width, height))


def _bytes_per_pixel(mode: str) -> int:
    """Bytes per pixel of a decoded Pillow image in ``mode`` (Pillow pads RGB to 4)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in _ALPHA_MODES or "transparency" in im.info


def _pixels(im: Image.Image, factor: int, bg: np.ndarray) -> tuple:
    """(RGB uint8 composited over ``bg``, alpha uint8 or None) of ``im`` reduced by ``factor``
    (box filter), converted band by band straight into the arrays returned: no full-size
    converted copy of the picture is ever made, whatever its mode.

    Wide grey is scaled to 8 bits with integer rounding (no float copy); transparency is
    reduced premultiplied ("RGBa"), so the colours of clear pixels do not bleed into the rest.
    """
    width, height = im.size
    wide, clear = im.mode in _WIDE_GRAY, _has_alpha(im)
    size = (-(-height // factor), -(-width // factor))
    image = np.empty((*size, 3), np.uint8)
    alpha = np.empty(size, np.uint8) if clear and not wide else None
    rows = max(factor, _BAND_PIXELS // width // factor * factor)
    for top in range(0, height, rows):
        band = im.crop((0, top, width, min(height, top + rows)))
        y0 = top // factor
        if wide:
            band = _reduce(band.convert("I"), factor)
            gray = np.clip(np.asarray(band), 0, _WIDE_GRAY[im.mode]).astype(np.uint16)
            gray = (gray // 257 + (gray % 257 > 128)).astype(np.uint8)  # v / 257 to nearest
            image[y0 : y0 + band.height] = gray[:, :, None]
        elif clear:
            band = band.convert("RGBA")
            band = _reduce(band.convert("RGBa"), factor).convert("RGBA") if factor > 1 else band
            rgba = np.asarray(band).astype(np.uint16)
            over = rgba[:, :, 3:]
            # Integer "over" with rounding: exact at alpha 0 and 255.
            image[y0 : y0 + band.height] = (rgba[:, :, :3] * over + bg * (255 - over) + 127) // 255
            alpha[y0 : y0 + band.height] = over[:, :, 0]
        else:
            band = _reduce(band.convert("RGB"), factor)
            image[y0 : y0 + band.height] = band
    return image, alpha


def _reduce(band: Image.Image, factor: int) -> Image.Image:
    return band.reduce(factor) if factor > 1 else band


def _upright(pixels: np.ndarray, orientation: int) -> np.ndarray:
    return np.asarray(Image.fromarray(pixels).transpose(_UPRIGHT[orientation]))


def _too_large(name: str, size: str, max_pixels: int) -> str:
    return (
        f"image {name} is {size} pixels, over the limit of {max_pixels:,}: "
        "scale it down first (from Python, load_image(max_pixels=...) raises the limit for a file you trust)"
    )


def _check_background(background) -> np.ndarray:
    bg = np.asarray(background)
    if bg.shape != (3,) or not np.issubdtype(bg.dtype, np.number) or bg.min() < 0 or bg.max() > 255:
        raise ParameterError(f"background must be three values in 0..255 (r, g, b), got {background!r}")
    return bg.astype(np.uint16)


def fit_size(width: int, height: int, *, max_size: int = 1920) -> tuple:
    """Video size for a ``width`` x ``height`` picture: same aspect, long side at most ``max_size``.

    Both sides come out even because H.264 in yuv420p stores colour at half resolution;
    the picture is resized to this size, never cropped, and never enlarged.

    Returns
    -------
    (w, h) : tuple of int
    """
    for label, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{label} must be a positive integer, got {value!r}")
    if isinstance(max_size, bool) or not isinstance(max_size, (int, np.integer)) or max_size < 2:
        raise ParameterError(f"max_size must be an integer of at least 2 pixels, got {max_size!r}")
    scale = min(1.0, max_size / max(width, height))
    sides = []
    for side in (width, height):
        even = max(2, 2 * int(side * scale / 2 + 1e-9))  # down to even: never a stretched pixel
        sides.append(even - 2 if even > max_size else even)
    return int(sides[0]), int(sides[1])


def fit_picture(image: np.ndarray, alpha: np.ndarray | None = None, *, max_size: int = 1920) -> tuple:
    """The picture (and its transparency) resized to its video size (see :func:`fit_size`).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    alpha : np.ndarray [shape=(h, w), dtype=uint8] or None

    Returns
    -------
    image, alpha : resized (the inputs themselves when the size is already right)
    scale : float
        Video pixels per source pixel, to map points found in the source.
    """
    import cv2

    height, width = image.shape[:2]
    out_w, out_h = fit_size(width, height, max_size=max_size)
    if (out_w, out_h) == (width, height):
        return image, alpha, 1.0
    scale = out_w / width
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    image = cv2.resize(image, (out_w, out_h), interpolation=interpolation)
    if alpha is not None:
        alpha = cv2.resize(alpha, (out_w, out_h), interpolation=interpolation)
    return image, alpha, scale
