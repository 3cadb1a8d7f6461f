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
