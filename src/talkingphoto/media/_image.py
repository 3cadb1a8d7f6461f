"""Reading pictures into RGB arrays, and choosing the video size."""

import re
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ImageError, ParameterError
from ._sources import describe, open_source

__all__ = ["load_image", "load_image_with_alpha", "fit_size", "fit_picture"]

_READABLE = "JPEG, PNG, WebP, BMP, TIFF or GIF"
# Pillow's own modes for 16- and 32-bit single-channel pictures; convert("RGB") would clip them.
_WIDE_GRAY = {"I;16": 65535, "I;16L": 65535, "I;16B": 65535, "I;16N": 65535, "I": 65535}


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
    return load_image_with_alpha(source, max_pixels=max_pixels, background=background)[0]


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
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels < 1:
        raise ParameterError(f"max_pixels must be a positive integer, got {max_pixels!r}")
    bg = _check_background(background)
    name = describe(source)
    fp = open_source(source, kind="image", error=ImageError)
    try:
        # Pillow warns past ~89 Mpx; our own limit below decides, so the warning is noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(fp) as im:
                width, height = im.size
                if width * height > max_pixels:
                    raise ImageError(_too_large(name, f"{width}x{height} = {width * height:,}", max_pixels))
                im.load()
                im = ImageOps.exif_transpose(im)
                return _to_rgb(im, bg, name)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses more than twice its own limit inside Image.open, before we see the size.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)):,}" if found else "too many"
        raise ImageError(_too_large(name, size, max_pixels)) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name} is not a picture Pillow can read; use {_READABLE}") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncated and corrupt data as OSError, some plugins as SyntaxError/ValueError.
        raise ImageError(f"image {name} is corrupt or truncated ({exc}); re-export it as PNG or JPEG") from exc


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


def _to_rgb(im: Image.Image, bg: np.ndarray, name: str) -> tuple:
    """Any Pillow mode -> (uint8 RGB with transparency composited over ``bg``, alpha or None)."""
    if im.mode in _WIDE_GRAY:
        gray = np.asarray(im, dtype=np.float64) * (255.0 / _WIDE_GRAY[im.mode])
        gray = np.clip(np.rint(gray), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2), None
    if im.mode == "F":
        raise ImageError(
            f"image {name} holds floating-point pixels, which have no standard range; save it as 8- or 16-bit PNG"
        )
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if not has_alpha:
        return np.asarray(im.convert("RGB")), None
    rgba = np.asarray(im.convert("RGBA")).astype(np.uint16)
    alpha = rgba[:, :, 3:]
    # Integer "over" with rounding: exact at alpha 0 and 255.
    out = (rgba[:, :, :3] * alpha + bg * (255 - alpha) + 127) // 255
    return out.astype(np.uint8), alpha[:, :, 0].astype(np.uint8)


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
