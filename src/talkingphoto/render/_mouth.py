"""Painting the inside of an open mouth: cavity, teeth and tongue.

Photos get soft shading matched to the picture's exposure and colourfulness; drawn
characters get flat, clean shapes in keeping with their style. Everything is drawn in a
small box around the opening, in the mouth's own frame (``right``, ``down``), so head
roll is handled for free.
"""

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["MouthPalette", "palette_from_image", "paint_mouth"]


@dataclass(frozen=True)
class MouthPalette:
    """Colours of the mouth interior, RGB floats 0..255."""

    cavity: tuple
    teeth: tuple
    tongue: tuple


def palette_from_image(image: np.ndarray, lip_mask: np.ndarray, skin_mask: np.ndarray, *, style: str) -> MouthPalette:
    """Choose interior colours that belong in this picture.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    lip_mask, skin_mask : np.ndarray [shape=(h, w), dtype=bool]
        Pixels of the lips and of nearby skin, to read colour and exposure from.
    style : {"photo", "drawn"}
    """
    lips = image[lip_mask].reshape(-1, 3).astype(np.float32)
    skin = image[skin_mask].reshape(-1, 3).astype(np.float32)
    lip = np.median(lips, 0) if len(lips) else np.array([170.0, 90.0, 90.0])
    skin_rgb = np.median(skin, 0) if len(skin) else np.array([200.0, 160.0, 140.0])
    skin_luma = float(skin_rgb @ [0.299, 0.587, 0.114])
    # Teeth take the picture's white balance (a third of the skin's tint): neutral
    # white looks blue next to warm skin.
    tint = skin_rgb / max(skin_luma, 1.0)
    teeth = np.clip((0.65 + 0.35 * tint) * np.array([1.0, 0.97, 0.9]), 0, 1.2)
    if style == "drawn":
        # Flat and clean, but never brighter than the brightest the artist painted.
        cavity = np.array([70.0, 22.0, 32.0])
        teeth = teeth * float(np.clip(1.2 * skin_luma, 150.0, 245.0))
        tongue = np.array([168.0, 70.0, 82.0])
    else:
        teeth = teeth * float(np.clip(1.3 * skin_luma, 120.0, 235.0))
        cavity = lip * np.array([0.30, 0.17, 0.19]) + 6.0
        tongue = lip * np.array([0.72, 0.42, 0.44])
    # Match the picture's colourfulness: a black-and-white photo gets a grey mouth.
    chroma = float(np.ptp(lip)) / max(float(lip.max()), 1.0)
    saturation = float(np.clip(chroma / 0.35, 0.0, 1.0)) if style == "photo" else 1.0

    def desaturate(c):
        grey = float(c @ [0.299, 0.587, 0.114])
        return tuple(float(v) for v in np.clip(grey + saturation * (c - grey), 0, 255))

    return MouthPalette(desaturate(cavity), desaturate(teeth), desaturate(tongue))


def _profile(u_line: np.ndarray, v_line: np.ndarray, u: np.ndarray) -> np.ndarray:
    order = np.argsort(u_line)
    return np.interp(u, u_line[order], v_line[order])


def paint_mouth(
    canvas: np.ndarray,
    opening: np.ndarray,
    *,
    upper_teeth_edge: np.ndarray,
    lower_lip_edge: np.ndarray,
    centre: np.ndarray,
    right: np.ndarray,
    down: np.ndarray,
    mouth_width: float,
    palette: MouthPalette,
    style: str,
    opacity: float = 1.0,
    rounding: float = 0.0,
    teeth: bool = True,
) -> None:
    """Paint the interior inside ``opening`` onto ``canvas``, in place.

    Parameters
    ----------
    canvas : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
    opening : np.ndarray [shape=(n, 2)]
        Inner-lip outline in canvas pixels (the hole the lips leave).
    upper_teeth_edge : np.ndarray [shape=(m, 2)]
        Where the upper lip's inner edge sits at rest: the upper teeth hang from the skull
        there and do not follow the lip.
    lower_lip_edge : np.ndarray [shape=(m, 2)]
        The lower lip's inner edge now: the lower teeth ride on the jaw behind it.
    centre, right, down : np.ndarray [shape=(2,)]
        Mouth centre at rest and the mouth's unit axes, in canvas pixels.
    opacity : float
        0..1; lets the painted interior fade in as the mouth opens past the photo's own gap.
    rounding : float
        0..1; rounded lips hide the teeth deeper in shadow.
    teeth : bool
        False for a mouth whose teeth nobody knows (an animal rigged from clicked points):
        a human row of teeth there looks uncanny; a dark mouth with a tongue does not.
    """
    if opacity <= 0:
        return
    h, w = canvas.shape[:2]
    x0, y0 = np.floor(opening.min(0)).astype(int) - 2
    x1, y1 = np.ceil(opening.max(0)).astype(int) + 3
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    shift = 3
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    poly = np.round((opening - (x0, y0)) * (1 << shift)).astype(np.int32)
    cv2.fillPoly(mask, [poly], 255, lineType=cv2.LINE_AA, shift=shift)
    if not mask.any():
        return
    alpha = mask.astype(np.float32) * (opacity / 255.0)

    W = mouth_width
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    rel_x, rel_y = xs - centre[0], ys - centre[1]
    u = (rel_x * right[0] + rel_y * right[1]) / (0.5 * W)  # -1..1 corner to corner
    v = rel_x * down[0] + rel_y * down[1]  # pixels below the rest mouth line

    def frame_coords(line):
        rel = line - centre
        return rel @ right / (0.5 * W), rel @ down

    upper_v = _profile(*frame_coords(upper_teeth_edge), u)
    lower_v = _profile(*frame_coords(lower_lip_edge), u)
    top_v = _profile(*frame_coords(opening[: len(opening) // 2 + 1]), u)
    gap = np.maximum(lower_v - top_v, 1e-3)
    depth = np.clip((v - top_v) / gap, 0, 1)  # 0 at the upper lip, 1 at the lower lip

    cavity = np.array(palette.cavity, np.float32)
    teeth_rgb = np.array(palette.teeth, np.float32)
    tongue_rgb = np.array(palette.tongue, np.float32)
    drawn = style == "drawn"

    if drawn:
        colour = np.broadcast_to(cavity, alpha.shape + (3,)).copy()
    else:
        # Darkest deep in the middle, lighter where light bounces off the lips.
        glow = 1.0 - 0.55 * np.exp(-(u**2) / 0.35 - (depth - 0.55) ** 2 / 0.25)
        colour = cavity * glow[..., None]

    # Tongue: low in the mouth, shows as the jaw opens (never more than a third of the gap).
    tongue_top = lower_v - np.minimum(0.09 * W * (1 - 0.4 * u**2), 0.35 * gap)
    tongue = (v > tongue_top) & (np.abs(u) < 0.75)
    if drawn:
        colour[tongue] = tongue_rgb
    else:
        tongue_shade = np.clip(0.55 + 0.45 * (v - tongue_top) / (0.06 * W), 0.55, 1.0)
        tongue_shade *= 1 - 0.45 * u**2
        colour[tongue] = (tongue_rgb * tongue_shade[..., None])[tongue]

    # Upper teeth: hang from the skull, partly hidden under the upper lip.
    teeth_height = 0.13 * W * (1 - 0.45 * u**2) * (1 - 0.5 * rounding)
    if teeth and drawn:
        # Drawn mouths read as a dark shape with one clean band of teeth along the upper
        # lip: it never fills the opening, and there are no lower teeth.
        band = np.minimum(teeth_height, 0.4 * gap)
        colour[(v < top_v + band) & (np.abs(u) < 0.78)] = teeth_rgb
    elif teeth:
        upper = (v > upper_v - 0.03 * W) & (v < upper_v + teeth_height) & (np.abs(u) < 0.78)
        # Lower teeth: a short row riding on the jaw behind the lower lip, in its shadow.
        lower_top = lower_v - 0.035 * W * (1 - 2.5 * u**2)
        lower = (v > lower_top) & (np.abs(u) < 0.32)
        side_fall = ((1 - 0.6 * np.abs(u) ** 2.2) * (1 - 0.45 * rounding))[..., None]
        # Shadowed enamel takes on the mouth's warm light: plain grey reads as blue here.
        lower_rgb = 0.65 * teeth_rgb + 0.35 * tongue_rgb
        colour[lower] = (lower_rgb * 0.85 * side_fall)[lower]
        # Faint gaps between the incisors.
        gaps = np.zeros_like(u)
        for g in (0.0, 0.27, -0.27):
            gaps = np.maximum(gaps, np.exp(-(((u - g) * W * 0.5) ** 2) / (2 * (0.01 * W + 0.4) ** 2)))
        tooth = side_fall * (1 - 0.12 * gaps)[..., None]
        # The upper lip shades the top of the teeth.
        lip_shadow = np.clip((v - top_v) / (0.035 * W + 1), 0, 1)[..., None]
        tooth = tooth * (0.7 + 0.3 * lip_shadow)
        colour[upper] = (teeth_rgb * tooth)[upper]
    if not drawn:  # soft shading for photos
        colour = cv2.GaussianBlur(colour, (0, 0), max(0.5, 0.012 * W))

    region = canvas[y0:y1, x0:x1].astype(np.float32)
    a = alpha[..., None]
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - a) + colour * a + 0.5, 0, 255).astype(np.uint8)
