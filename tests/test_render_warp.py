import numpy as np

from talkingphoto.render import piecewise_affine_maps, remap

SQUARE = np.array([[0, 0], [20, 0], [20, 20], [0, 20]], float)
TWO_TRIANGLES = np.array([[0, 1, 2], [0, 2, 3]])


def test_identity_mesh_gives_identity_maps():
    map_x, map_y, covered = piecewise_affine_maps(SQUARE, SQUARE, TWO_TRIANGLES, shape=(21, 21))
    ys, xs = np.mgrid[0:21, 0:21]
    assert covered[:20, :20].all()
    np.testing.assert_allclose(map_x, xs, atol=1e-4)
    np.testing.assert_allclose(map_y, ys, atol=1e-4)


def test_one_hot_pixel_follows_a_translated_mesh():
    image = np.zeros((40, 40, 3), np.uint8)
    image[8, 6] = 255
    src = SQUARE + 1
    dst = src + [3, 2]
    map_x, map_y, _ = piecewise_affine_maps(src, dst, TWO_TRIANGLES, shape=(40, 40))
    out = remap(image, map_x, map_y)
    assert out[10, 9].tolist() == [255, 255, 255]
    assert out[8, 6].tolist() == [0, 0, 0]


def test_scaled_triangle_maps_back_to_source_and_origin_offsets_output():
    src = np.array([[0, 0], [10, 0], [0, 10]], float)
    dst = src * 2 + [100, 50]
    map_x, map_y, covered = piecewise_affine_maps(src, dst, np.array([[0, 1, 2]]), shape=(30, 30), origin=(100, 50))
    # Output pixel (4, 6) sits at dst (104, 56) -> source (2, 3).
    assert covered[6, 4]
    assert abs(map_x[6, 4] - 2) < 1e-4 and abs(map_y[6, 4] - 3) < 1e-4
    # Outside the triangle the maps are the identity, in dst coordinates.
    assert not covered[25, 25]
    assert map_x[25, 25] == 125 and map_y[25, 25] == 75


def test_coarse_maps_match_full_maps_on_a_smooth_mesh_and_keep_identity_borders():
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(0)
    gx, gy = np.meshgrid(np.linspace(15, 85, 6), np.linspace(15, 85, 6))
    inner = np.stack([gx.ravel(), gy.ravel()], 1) + rng.uniform(-3, 3, (36, 2))
    border = np.array([[0, 0], [100, 0], [100, 100], [0, 100], [50, 0], [0, 50], [100, 50], [50, 100]], float)
    src = np.vstack([border, inner])
    dst = src.copy()
    # A gentle, smooth deformation inside a fixed frame, like a jaw dropping.
    dst[8:, 1] += 4 * np.sin(np.pi * inner[:, 0] / 100) * np.sin(np.pi * inner[:, 1] / 100)
    triangles = Delaunay(src).simplices
    full_x, full_y, _ = piecewise_affine_maps(src, dst, triangles, shape=(101, 101))
    half_x, half_y, _ = piecewise_affine_maps(src, dst, triangles, shape=(101, 101), step=2)
    error = np.hypot(full_x - half_x, full_y - half_y)
    assert np.percentile(error, 99) < 0.3 and error.max() < 1.0
    ys, xs = np.mgrid[0:101, 0:101]
    np.testing.assert_allclose(half_x[0], xs[0], atol=0.15)  # the fixed frame stays put (to a tenth of a pixel)
    np.testing.assert_allclose(half_y[:, 0], ys[:, 0], atol=0.15)


def test_a_collapsed_triangle_samples_inside_its_own_source_box():
    # A mouth closing flattens the triangles between the lips to a line; the pixels of
    # that line must still sample the lips, not some far corner of the picture.
    src = np.array([[0, 0], [20, 0], [20, 10], [0, 10], [10, 5]], float) + [0, 0.4]
    dst = src.copy()
    dst[4] = [10, 0.42]  # the middle vertex lands on the top edge: triangle 0-1-4 is flat
    triangles = np.array([[1, 2, 4], [2, 3, 4], [3, 0, 4], [0, 1, 4]])  # the flat one drawn last
    map_x, map_y, covered = piecewise_affine_maps(src, dst, triangles, shape=(12, 22))
    assert covered[0, 5]
    assert np.all((map_x >= -1) & (map_x <= 22) & (map_y >= -1) & (map_y <= 12))


def test_coarse_maps_leave_pixels_outside_the_mesh_in_place():
    # The mesh ends a pixel short of the region (an ROI clipped by the picture's edge):
    # the uncovered last row and column must not move, however the rest does.
    src = np.array([[0, 0], [40, 0], [40, 30], [0, 30]], float)
    dst = src.copy()
    map_x, map_y, covered = piecewise_affine_maps(src, dst, TWO_TRIANGLES, shape=(33, 43), step=2)
    ys, xs = np.mgrid[0:33, 0:43]
    assert not covered[-1].any()
    np.testing.assert_allclose(map_x, xs, atol=1e-3)
    np.testing.assert_allclose(map_y, ys, atol=1e-3)


def test_upsample_keeps_every_original_pixel_and_interpolates_between():
    from talkingphoto.render._warp import upsample

    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (12, 15, 3), dtype=np.uint8)
    up = upsample(image, 4)
    assert up.shape == (48, 60, 3)
    assert np.array_equal(up[::4, ::4], image)
    ramp = np.tile(np.arange(0, 200, 8, dtype=np.uint8)[None, :, None], (6, 1, 3))
    # A ramp is reproduced between its samples (8 grey levels per pixel: 2 per quarter).
    assert np.abs(upsample(ramp, 4)[3, 8:80, 0].astype(int) - np.arange(32, 320, 4)[:72] // 2).max() <= 1


def _fine_pattern(size=64):
    yy, xx = np.mgrid[0:size, 0:size]
    grey = 128 + 90 * np.sin(1.9 * xx) * np.cos(1.7 * yy)  # 0.3 cycles per pixel: lashes, pores
    return np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def test_sharp_source_samples_exactly_at_rest_and_keeps_detail_a_bilinear_remap_loses():
    import cv2

    from talkingphoto.render._warp import SharpSource

    image = _fine_pattern()
    source = SharpSource(image, (0, 0, 64, 64), factor=4)
    ys, xs = np.mgrid[8:56, 8:56].astype(np.float32)
    still = np.dstack([xs, ys])
    assert np.array_equal(source.sample(image, still, bounds=(8, 8, 55, 55)), image[8:56, 8:56])
    shifted = still + np.float32(0.5)  # half a pixel: the worst case for bilinear sampling
    sharp = source.sample(image, shifted, bounds=(8.5, 8.5, 55.5, 55.5))
    linear = cv2.remap(image, shifted, None, interpolation=cv2.INTER_LINEAR)

    def detail(x):
        return cv2.Laplacian(cv2.cvtColor(x, cv2.COLOR_RGB2GRAY), cv2.CV_32F).var()

    # Measured: 0.88 of the pattern's detail kept, bilinear 0.13, OpenCV's bicubic 0.61.
    assert detail(sharp) > 0.8 * detail(image[8:56, 8:56])
    assert detail(sharp) > 4 * detail(linear)


def test_sharp_source_steps_aside_when_the_frame_changed_or_the_warp_reaches_out():
    from talkingphoto.render._warp import SharpSource

    image = _fine_pattern()
    source = SharpSource(image, (10, 10, 50, 50), factor=4)
    ys, xs = np.mgrid[20:30, 20:30].astype(np.float32)
    maps = np.dstack([xs, ys])
    assert source.sample(image, maps, bounds=(20, 20, 29, 29)) is not None
    assert source.sample(image, maps, bounds=(5, 20, 29, 29)) is None  # beyond the prepared box
    touched = image.copy()
    touched[40, 40] += 1  # another face changed the frame inside the box
    assert source.sample(touched, maps, bounds=(20, 20, 29, 29)) is None


def test_map_points_never_blends_across_a_fold():
    # A band collapses to a line (a closing eye): rows 8..12 of the source vanish. Points
    # just above and below the seam must sample outside the band, as a pixel-exact map
    # does; interpolating the maps across the seam would land inside it.
    from talkingphoto.render._warp import map_points

    src = np.array([[0, 0], [20, 0], [0, 8], [20, 8], [0, 12], [20, 12], [0, 20], [20, 20]], float)
    dst = src.copy()
    dst[2:6, 1] = 10.0  # both edges of the band meet at y = 10
    triangles = np.array([[0, 1, 2], [1, 3, 2], [2, 3, 4], [3, 5, 4], [4, 5, 6], [5, 7, 6]])
    points = np.array([[10, 9.6], [10, 10.4], [5, 9.9], [15, 10.1]], np.float32)
    sampled = map_points(src, dst, triangles, points)
    assert np.all((sampled[:, 1] <= 8.0 + 1e-3) | (sampled[:, 1] >= 12.0 - 1e-3))
    np.testing.assert_allclose(sampled[:, 0], points[:, 0], atol=1e-4)
    np.testing.assert_allclose(map_points(src, src, triangles, points), points, atol=1e-4)
