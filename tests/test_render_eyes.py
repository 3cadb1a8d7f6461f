import numpy as np

from talkingphoto.render._eyes import drawn_shut, lid_palette, paint_lid


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


def _shut_eye():
    """A laughing character's shut eye, "^": one inked arc on pale skin; the lids a face
    mesh puts on it (the upper on the arc, the lower a little below)."""
    import cv2

    image = np.full((80, 100, 3), (250, 225, 215), np.uint8)
    t = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.stack([50 + 30 * np.cos(t), 44 + 10 * np.sin(t)], 1)
    cv2.polylines(image, [np.round(upper).astype(np.int32)], False, (70, 30, 60), 4, cv2.LINE_AA)
    cv2.circle(image, (46, 35), 1, (255, 255, 255), -1)  # a glint on the ink
    lower = np.stack([upper[:, 0], 44 + 0.3 * (44 - upper[:, 1])], 1)
    return image, upper, lower


def test_an_eye_drawn_shut_is_told_from_open_ones():
    import cv2

    assert drawn_shut(*_shut_eye())
    assert not drawn_shut(*_anime_eye())
    # An open eye of a photo's proportions: no taller than a shut one's stroke and lashes,
    # but its white shows.
    image = np.full((80, 100, 3), (250, 225, 215), np.uint8)
    cv2.ellipse(image, (50, 40), (30, 9), 0, 0, 360, (255, 255, 255), -1)
    cv2.circle(image, (50, 40), 8, (90, 60, 40), -1)
    cv2.ellipse(image, (50, 40), (30, 9), 0, 0, 360, (70, 30, 60), 2)
    t = np.linspace(np.pi, 2 * np.pi, 9)
    upper = np.stack([50 + 30 * np.cos(t), 40 + 9 * np.sin(t)], 1)
    lower = np.stack([upper[:, 0], 80 - upper[:, 1]], 1)
    assert not drawn_shut(image, upper, lower)
    # Different skin above and below (hair over the lid, a misplaced eye): not a shut eye.
    shut, upper, lower = _shut_eye()
    shut[:25] = (120, 60, 30)
    assert not drawn_shut(shut, upper, lower)


def test_a_lid_fades_in_while_it_is_still_up_at_the_drawn_lash_line():
    # The detected outline rarely matches the ink: a lid painted at full strength at the
    # start of a blink draws a second, heavy lash line around the eye for a frame.
    image, upper, lower = _anime_eye()
    palette = lid_palette(image, upper, lower)

    def change(blink):
        frame = image.copy()
        paint_lid(frame, upper, lower, blink, palette)
        return np.abs(frame.astype(int) - image).sum()

    assert change(0.05) < 0.1 * change(0.3)
    assert 0 < change(0.15) < change(0.3)
