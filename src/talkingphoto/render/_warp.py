"""Image warps as remap tables: piecewise-affine over a triangle mesh, and smooth dense fields.

Every warp here is a *backward* map: for each output pixel it says where to sample the
source, which is what ``cv2.remap`` consumes. Maps are float32 arrays of shape ``(h, w)``.
"""

import cv2
import numpy as np

__all__ = [
    "piecewise_affine_maps",
    "mesh_displacement",
    "map_points",
    "upsample_field",
    "sample_field",
    "upsample",
    "SharpSource",
    "remap",
    "identity_maps",
    "edge_feather",
]

# A triangle squashed more than this (norm of its dst -> src matrix) is treated as flat.
MAX_MAGNIFICATION = 8.0


def identity_maps(height: int, width: int, *, x0: float = 0.0, y0: float = 0.0):
    """Maps that sample each pixel from itself, offset by ``(x0, y0)``.

    Returns
    -------
    map_x, map_y : np.ndarray [shape=(height, width), dtype=float32]
    """
    xs = np.arange(width, dtype=np.float32) + np.float32(x0)
    ys = np.arange(height, dtype=np.float32) + np.float32(y0)
    map_x, map_y = np.meshgrid(xs, ys)
    return map_x, map_y


def _affines_dst_to_src(src: np.ndarray, dst: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Per-triangle 2x3 affine matrices taking destination points to source points.

    Solved in closed form for all triangles at once. A destination triangle squashed
    flat (a closed mouth collapses the ones between the lips) would get a near-singular
    matrix that flings the few pixels its outline still covers far across the picture;
    such a triangle instead shifts its source into place (centroid onto centroid).
    """
    d = dst[triangles]  # (T, 3, 2)
    s = src[triangles]
    d0, d1, d2 = d[:, 0], d[:, 1], d[:, 2]
    e1, e2 = d1 - d0, d2 - d0
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    det = np.where(np.abs(det) < 1e-9, 1e-9, det)
    inv = np.stack(
        [np.stack([e2[:, 1], -e2[:, 0]], -1), np.stack([-e1[:, 1], e1[:, 0]], -1)], 1
    ) / det[:, None, None]  # (T, 2, 2): rows map (x - d0) to barycentric (b1, b2)
    f1, f2 = s[:, 1] - s[:, 0], s[:, 2] - s[:, 0]
    src_edges = np.stack([f1, f2], -1)  # (T, 2, 2): columns are source edges
    linear = src_edges @ inv  # (T, 2, 2)
    squashed = np.sqrt((linear**2).sum(axis=(1, 2))) > MAX_MAGNIFICATION
    linear[squashed] = np.eye(2)
    offset = s[:, 0] - np.einsum("tij,tj->ti", linear, d0)
    offset[squashed] = s[squashed].mean(1) - d[squashed].mean(1)
    return np.concatenate([linear, offset[:, :, None]], axis=2).astype(np.float32)


def piecewise_affine_maps(
    src: np.ndarray,
    dst: np.ndarray,
    triangles: np.ndarray,
    *,
    shape: tuple,
    origin: tuple = (0.0, 0.0),
    step: int = 1,
):
    """Backward maps of a piecewise-affine warp of a triangle mesh.

    Parameters
    ----------
    src, dst : np.ndarray [shape=(n_points, 2), float, (x, y) pixels]
        Mesh vertices in the source image and where they should land.
    triangles : np.ndarray [shape=(n_triangles, 3), int]
        Vertex indices; the same topology for ``src`` and ``dst``.
    shape : (height, width)
        Size of the output region.
    origin : (x0, y0)
        Output pixel ``(0, 0)`` sits at ``origin`` in the coordinates of ``dst``.
    step : int
        Evaluate the warp every ``step`` pixels and interpolate the displacement in
        between: ~step**2 times less work, accurate to a fraction of a pixel where the
        mesh is continuous (it errs only near kinks at triangle edges and by about a tenth
        of a pixel along the region's border). Zero displacement stays an exact identity.

    Returns
    -------
    map_x, map_y : np.ndarray [shape=shape, dtype=float32]
        Source coordinates to sample for each output pixel (in ``src`` coordinates).
    covered : np.ndarray [shape=shape, dtype=bool]
        Pixels that fall inside some destination triangle; elsewhere the maps are identity.
    """
    height, width = shape
    field, covered = mesh_displacement(src, dst, triangles, shape=shape, origin=origin, step=step)
    maps = identity_maps(height, width, x0=origin[0], y0=origin[1])
    maps = np.dstack(maps) + upsample_field(field, shape=shape, step=step)
    if step > 1:
        size = (covered.shape[1] * step, covered.shape[0] * step)
        covered = cv2.resize(covered.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)[:height, :width] > 0
    return maps[..., 0], maps[..., 1], covered


def mesh_displacement(
    src: np.ndarray, dst: np.ndarray, triangles: np.ndarray, *, shape: tuple, origin: tuple = (0.0, 0.0), step: int = 1
):
    """The backward displacement of a piecewise-affine warp, sampled every ``step`` pixels.

    Parameters are those of :func:`piecewise_affine_maps`. Sample ``(i, j)`` sits at output
    position ``origin + (j, i) * step + (step - 1) / 2``: pixel centres of a ``step``-times
    coarser grid, which is where ``cv2.resize`` puts them (see :func:`upsample_field`).

    Returns
    -------
    field : np.ndarray [shape=(ceil(h / step), ceil(w / step), 2), dtype=float32]
        Source position minus output position (x, y) at each sample; zero outside the mesh.
    covered : np.ndarray [shape=field.shape[:2], dtype=bool]
        Samples inside some destination triangle.

    Notes
    -----
    Rasterises a triangle-id image with ``cv2.fillConvexPoly`` and applies each pixel's
    affine in one vectorised step: an order of magnitude faster than warping triangle by
    triangle, with the same result.
    """
    height, width = shape
    offset = (step - 1) / 2
    start = np.array([origin[0] + offset, origin[1] + offset])
    coarse_shape = (-(-height // step), -(-width // step))
    # Work in coarse pixel units: dst scaled down, src kept in image units.
    coarse_dst = (np.asarray(dst, dtype=np.float64) - start) / step
    table, tri_id = _rasterise(np.asarray(src, dtype=np.float64), coarse_dst, triangles, shape=coarse_shape)
    # Each triangle's affine minus the sample's own position (x * step + start): source
    # position minus output position, in image pixels. Outside every triangle (the last
    # row or column, past the mesh's border anchors) nothing moves.
    moved = table.astype(np.float64)
    moved[:, [0, 4]] -= step
    moved[:, [2, 5]] -= start
    moved[0] = 0.0
    coefficients = np.ascontiguousarray(moved.T, dtype=np.float32)
    xs = np.arange(coarse_shape[1], dtype=np.float32)
    ys = np.arange(coarse_shape[0], dtype=np.float32)[:, None]
    field = np.empty(coarse_shape + (2,), np.float32)
    for axis, (kx, ky, k1) in enumerate(((0, 1, 2), (3, 4, 5))):
        # One gather per coefficient, broadcast against the row and the column.
        out = coefficients[kx].take(tri_id)
        out *= xs
        out += coefficients[ky].take(tri_id) * ys
        out += coefficients[k1].take(tri_id)
        field[..., axis] = out
    return field, tri_id > 0


def _rasterise(src: np.ndarray, dst: np.ndarray, triangles: np.ndarray, *, shape: tuple) -> tuple:
    """Affine table [shape=(n_triangles + 1, 6), float32, dst -> src, row 0 the identity]
    and triangle ids [shape=shape, int32, 0 outside] of the mesh ``dst`` (pixels of the
    raster) over a ``shape`` raster."""
    triangles = np.asarray(triangles, dtype=np.int32)
    affines = _affines_dst_to_src(src, dst, triangles).reshape(-1, 6)
    table = np.vstack([[1, 0, 0, 0, 1, 0], affines]).astype(np.float32)
    tri_id = np.zeros(shape, dtype=np.int32)
    shift = 4  # sub-pixel precision of the rasteriser: 1/16 px
    d = dst[triangles]
    # Thinnest first, so shared edge pixels go to the well-shaped neighbour drawn later.
    area = np.abs(np.cross(d[:, 1] - d[:, 0], d[:, 2] - d[:, 0]))
    order = np.argsort(area, kind="stable")
    corners = np.round(d[order] * (1 << shift)).astype(np.int32)
    for t, triangle in zip((order + 1).tolist(), corners):
        cv2.fillConvexPoly(tri_id, triangle, t, cv2.LINE_8, shift)
    return table, tri_id


def map_points(src: np.ndarray, dst: np.ndarray, triangles: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Where a piecewise-affine warp samples for each of ``points`` (the backward map).

    Each point takes the affine of the triangle it lies in, so the result is exact and
    never a blend of two sides of a fold: interpolating a sampled map across the seam of a
    closed eye would land inside the eye and show a sliver of it.

    Parameters
    ----------
    src, dst, triangles :
        As for :func:`piecewise_affine_maps`.
    points : np.ndarray [shape=(..., 2), float, (x, y) in ``dst`` coordinates]

    Returns
    -------
    np.ndarray [shape=points.shape, dtype=float32]
        Positions in ``src``; points outside every triangle map to themselves.
    """
    points = np.asarray(points, dtype=np.float32)
    flat = points.reshape(-1, 2).astype(np.float64)
    low = np.floor(flat.min(0)) - 1
    high = np.ceil(flat.max(0)) + 2
    dst = np.asarray(dst, dtype=np.float64)
    triangles = np.asarray(triangles, dtype=np.int32)
    corners = dst[triangles]
    triangles = triangles[np.all((corners.max(1) >= low) & (corners.min(1) <= high), axis=1)]
    shape = (int(high[1] - low[1]), int(high[0] - low[0]))
    table, tri_id = _rasterise(np.asarray(src, dtype=np.float64), dst - low, triangles, shape=shape)
    local = flat - low
    # The raster says which triangle holds each pixel; a point between pixels lies in the
    # triangle of one of its four neighbours: the first whose barycentric test it passes.
    d = (dst - low)[triangles]
    d0, e1, e2 = d[:, 0], d[:, 1] - d[:, 0], d[:, 2] - d[:, 0]
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    best = tri_id[np.round(local[:, 1]).astype(int), np.round(local[:, 0]).astype(int)]
    found = np.zeros(len(flat), bool)
    for dy in (0, 1):
        for dx in (0, 1):
            t = tri_id[np.floor(local[:, 1]).astype(int) + dy, np.floor(local[:, 0]).astype(int) + dx]
            k = np.maximum(t - 1, 0)
            rel = local - d0[k]
            with np.errstate(divide="ignore", invalid="ignore"):
                b1 = (rel[:, 0] * e2[k, 1] - rel[:, 1] * e2[k, 0]) / det[k]
                b2 = (e1[k, 0] * rel[:, 1] - e1[k, 1] * rel[:, 0]) / det[k]
            inside = (t > 0) & (np.abs(det[k]) > 1e-9) & (b1 >= -1e-6) & (b2 >= -1e-6) & (b1 + b2 <= 1 + 1e-6)
            take = inside & ~found
            best[take] = t[take]
            found |= inside
    a = table[best].astype(np.float64)
    out = np.empty_like(flat)
    out[:, 0] = a[:, 0] * local[:, 0] + a[:, 1] * local[:, 1] + a[:, 2]
    out[:, 1] = a[:, 3] * local[:, 0] + a[:, 4] * local[:, 1] + a[:, 5]
    # Outside every triangle the identity row maps a point to itself, in raster units.
    outside = best == 0
    out[outside] = flat[outside]
    return out.astype(np.float32).reshape(points.shape)


def upsample_field(field: np.ndarray, *, shape: tuple, step: int) -> np.ndarray:
    """A displacement sampled every ``step`` pixels (see :func:`mesh_displacement`),
    interpolated bilinearly to every pixel of a region of ``shape`` (h, w).

    Returns
    -------
    np.ndarray [shape=(h, w, 2), dtype=float32]
    """
    if step == 1:
        return field
    height, width = shape
    size = (field.shape[1] * step, field.shape[0] * step)
    return cv2.resize(field, size, interpolation=cv2.INTER_LINEAR)[:height, :width]


def sample_field(field: np.ndarray, points: np.ndarray, *, start, spacing) -> np.ndarray:
    """Bilinear values of a sampled vector field at any positions; zero beyond its samples.

    Parameters
    ----------
    field : np.ndarray [shape=(gh, gw, 2), dtype=float32]
        Sample ``(i, j)`` sits at ``start + (j * spacing_x, i * spacing_y)`` pixels.
    points : np.ndarray [shape=(..., 2), float, (x, y) pixels]
    start, spacing : (x, y)

    Returns
    -------
    np.ndarray [shape=points.shape, dtype=float32]
    """
    points = np.asarray(points, dtype=np.float32)
    index = (points - np.asarray(start, np.float32)) / np.asarray(spacing, np.float32)
    flat = index.reshape(1, -1, 2) if index.ndim < 3 else index
    values = cv2.remap(field, flat, None, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return values.reshape(points.shape)


LANCZOS_A = 3  # lobes of the upsampling kernel: 6 taps, sharp without much ringing


def upsample(image: np.ndarray, factor: int) -> np.ndarray:
    """Interpolating Lanczos upsample: pixel ``(i, j)`` of the result is the picture at
    ``(i / factor, j / factor)``, so every ``factor``-th pixel is an original one.

    Bilinear sampling of the result is nearly as sharp as Lanczos sampling of the picture
    (a bilinear blend of neighbours ``1 / factor`` pixel apart loses little), at a fraction
    of its cost, which is what a warp repeated every frame needs.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, c), dtype=uint8]

    Returns
    -------
    np.ndarray [shape=(h * factor, w * factor, c), dtype=uint8]
    """
    height, width, channels = image.shape
    taps = np.arange(2 * LANCZOS_A) - (LANCZOS_A - 1)  # the 6 neighbours, left of the sample first
    phases = []
    for phase in range(1, factor):
        x = phase / factor - taps
        weights = np.sinc(x) * np.sinc(x / LANCZOS_A)
        phases.append((weights / weights.sum()).astype(np.float32))
    anchor = LANCZOS_A - 1
    # Separable: columns in between first, then rows in between. filter2D correlates, so
    # output x takes sum_m k[m] * image[x + m - anchor].
    wide = [image] + [
        cv2.filter2D(image, -1, k[None, :], anchor=(anchor, 0), borderType=cv2.BORDER_REPLICATE) for k in phases
    ]
    wide = np.stack(wide, axis=2).reshape(height, width * factor, channels)
    tall = [wide] + [
        cv2.filter2D(wide, -1, k[:, None], anchor=(0, anchor), borderType=cv2.BORDER_REPLICATE) for k in phases
    ]
    return np.stack(tall, axis=1).reshape(height * factor, width * factor, channels)


class SharpSource:
    """A box of a still picture upsampled once, to be sampled sharply frame after frame.

    A bilinear remap halves the finest detail at half-pixel offsets (lashes, catchlights,
    skin), and OpenCV's bicubic remap costs about six times as much. Bilinear sampling of a
    4x Lanczos upsample keeps about 90% of the detail (2x: 80%) for about twice a bilinear
    remap.
    The copy is only used while the frame still shows the picture in the box (another face
    warped earlier in the same frame may have changed it) and the warp samples inside it;
    otherwise :meth:`sample` returns None.

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8]
        The still picture.
    box : (x0, y0, x1, y1)
        The part that warps may sample from, in picture pixels.
    factor : int
        Upsampling factor (memory grows with its square).
    """

    def __init__(self, image: np.ndarray, box: tuple, *, factor: int):
        x0, y0, x1, y1 = box
        self.box = box
        self.factor = factor
        self.still = np.ascontiguousarray(image[y0:y1, x0:x1])
        self.pixels = upsample(self.still, factor)
        # Within this margin of the box's edge the upsample saw replicated border pixels.
        margin = LANCZOS_A
        self._limits = np.array([x0 + margin, y0 + margin, x1 - 1 - margin, y1 - 1 - margin], np.float32)

    def sample(self, frame: np.ndarray, maps: np.ndarray, *, bounds: tuple):
        """``frame`` sampled at ``maps``, from the prepared upsample.

        Parameters
        ----------
        frame : np.ndarray [shape=(H, W, 3), dtype=uint8]
            The frame being posed, at picture size.
        maps : np.ndarray [shape=(h, w, 2), dtype=float32]
            Frame positions (x, y) to sample.
        bounds : (x_min, y_min, x_max, y_max)
            Bounds of the positions in ``maps`` (the caller knows them cheaply).

        Returns
        -------
        np.ndarray [shape=(h, w, 3), dtype=uint8] or None
            None when the prepared copy cannot stand in for the frame.
        """
        if np.any(np.asarray(bounds[:2]) < self._limits[:2]) or np.any(np.asarray(bounds[2:]) > self._limits[2:]):
            return None
        x0, y0, x1, y1 = self.box
        if cv2.norm(frame[y0:y1, x0:x1], self.still, cv2.NORM_INF) > 0:
            return None
        f = self.factor
        scaled = cv2.transform(maps, np.array([[f, 0, -f * x0], [0, f, -f * y0]], np.float32))
        # Fixed-point maps (1/32 of an upsampled pixel) sample the big copy about twice as fast.
        fixed, fraction = cv2.convertMaps(scaled, None, cv2.CV_16SC2)
        return cv2.remap(self.pixels, fixed, fraction, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def edge_feather(width: int, height: int, *, ramp: float) -> tuple:
    """Blend weights (inner, outer) [shape=(height, width), float32] for laying one patch
    into another: ``inner`` rises from 0 at the patch's edge to 1 at ``ramp`` pixels in."""
    ramp_x = np.clip(np.minimum(np.arange(width), np.arange(width)[::-1]) / ramp, 0, 1)
    ramp_y = np.clip(np.minimum(np.arange(height), np.arange(height)[::-1]) / ramp, 0, 1)
    inner = np.ascontiguousarray(np.outer(ramp_y, ramp_x), dtype=np.float32)
    return inner, 1.0 - inner


def remap(image: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """Sample ``image`` at the map positions (bilinear, edge pixels repeated).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, c), dtype=uint8]
    map_x, map_y : np.ndarray [shape=(H, W), dtype=float32]

    Returns
    -------
    np.ndarray [shape=(H, W, c), dtype=uint8]
    """
    return cv2.remap(image, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
