import numpy as np

from talkingphoto.render._eyes import lid_palette, paint_lid


def _anime_eye():
    """A big drawn eye: dark outline and blue iris on pale skin; lids corner to corner."""
    import cv2

    image = np.full((80, 100, 3), (250, 225, 215), np.uint8)
    cv2.ellipse(image, (50, 40), (30, 22), 0, 0, 360, (255, 255, 255), -1)
    cv2.circle(image, (50, 40), 16, (60, 90, 200), -1)
    cv2.ellipse(image, (50, 40), (30, 22), 0, 180, 360, (30, 20, 40), 3)
    t = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.stack([50 + 30 * np.cos(t), 40 + 22 * np.sin(t)], 1)
    lower = np.stack([upper[:, 0], 40 + (40 - upper[:, 1])], 1)
    return image, upper, lower


def test_palette_reads_skin_below_and_lash_from_the_darkest_pixels():
    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)
    assert np.allclose(palette.skin, (250, 225, 215), atol=3)
    assert max(palette.lash) < 100


def test_shut_lid_hides_the_iris_and_draws_a_lash_line():
    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)
    open_eye = image.copy()
    paint_lid(open_eye, upper, lower, 0.0, palette)
    assert np.array_equal(open_eye, image)
    shut = image.copy()
    paint_lid(shut, upper, lower, 1.0, palette)
    blue = (shut[..., 2] > 150) & (shut[..., 0] < 120)
    assert blue.sum() == 0
    # The lash line crosses the middle of the eye, near where the lids meet.
    column = shut[:, 50].astype(int).sum(1)
    assert column[40:62].min() < 300
    half = image.copy()
    paint_lid(half, upper, lower, 0.5, palette)
    half_blue = (half[..., 2] > 150) & (half[..., 0] < 120)
    assert 0 < half_blue.sum() < ((image[..., 2] > 150) & (image[..., 0] < 120)).sum()
