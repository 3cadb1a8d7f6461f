"""Separating characters from their background (master mode)."""

import cv2
import numpy as np
import pytest

from talkingphoto.characters import Face, has_cutout, person_mask
from talkingphoto.errors import ParameterError
from talkingphoto.media import load_image, load_image_with_alpha


def _face(box, style="photo"):
    return Face(index=0, box=box, landmarks=np.zeros((478, 3)), detector="test", confidence=1.0, style=style)


def _drawn_on_a_page(seed=0, bridge=False):
    """A grey page (JPEG-like noise) with an inked figure on it, a head on a long body, and
    a noisy photo-like block at its left (``bridge``: joined to the figure by a line two
    pixels wide, as the page's grain joins a hem to a photo's edge); the figure's pixels and
    its face box."""
    rng = np.random.default_rng(seed)
    image = np.clip(rng.normal((228, 226, 220), 2.0, (300, 400, 3)), 0, 255).astype(np.uint8)
    image[40:260, 10:120] = rng.integers(0, 255, (220, 110, 3), dtype=np.uint8)  # a photo
    figure = np.zeros((300, 400), np.uint8)
    cv2.ellipse(figure, (260, 80), (40, 45), 0, 0, 360, 1, -1)  # head
    cv2.rectangle(figure, (215, 120), (305, 299), 1, -1)  # body, down to the page's edge
    image[figure > 0] = (120, 200, 120)
    contours, _ = cv2.findContours(figure, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(image, contours, -1, (70, 40, 60), 2, lineType=cv2.LINE_AA)
    if bridge:
        image[200:202, 120:216] = (200, 190, 180)
    return image, figure > 0, (225, 40, 70, 80)


def test_a_cutout_is_a_figure_on_a_clear_background():
    assert not has_cutout(None)
    assert not has_cutout(np.full((50, 50), 255, np.uint8))  # opaque
    soft_edges = np.full((50, 50), 255, np.uint8)
    soft_edges[0] = 0
    assert not has_cutout(soft_edges)  # a stray clear row is no cut-out
    sprite = np.zeros((50, 50), np.uint8)
    sprite[10:45, 15:35] = 255
    assert has_cutout(sprite)


def test_a_cutout_gives_its_own_alpha():
    image = np.full((60, 80, 3), 255, np.uint8)
    alpha = np.zeros((60, 80), np.uint8)
    alpha[10:60, 20:60] = 255
    alpha[10:60, 20] = 128
    mask = person_mask(image, [_face((25, 12, 30, 20))], alpha=alpha)
    assert mask.dtype == np.float32 and mask.shape == (60, 80)
    np.testing.assert_allclose(mask[alpha == 255], 1.0)
    np.testing.assert_allclose(mask[10:, 20], 128 / 255, atol=1e-6)
    assert mask[:, :15].max() == 0


def test_a_head_the_segmenter_misses_is_kept():
    image = np.full((200, 240, 3), 128, np.uint8)  # nothing a segmenter would call a person
    mask = person_mask(image, [_face((100, 60, 40, 50))])
    assert mask[85, 120] > 0.9  # the face box's middle
    assert mask[5, 5] < 0.1 and mask[195, 5] < 0.1


@pytest.mark.parametrize("bridge", [False, True])
def test_a_drawn_figure_on_a_flat_page_is_cut_out_along_the_page(bridge):
    image, figure, box = _drawn_on_a_page(bridge=bridge)
    mask = person_mask(image, [_face(box, style="drawn"), _face((30, 80, 60, 70))])  # and a photo's face
    inner = cv2.erode(figure.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert mask[inner].min() > 0.99  # the whole figure, body too (the segmenter saw only a head)
    away = cv2.dilate(figure.astype(np.uint8), np.ones((31, 31), np.uint8)) == 0
    away[196:206] = False  # the bridge goes with one side or the other
    assert mask[away & (np.arange(400) > 150)].max() < 0.01  # the page beyond its margin
    # Its inked outline is solid character, with page around it: after the stage's feather
    # the rim lies on the page and the outline leaves no ghost on the background.
    outline = cv2.dilate(figure.astype(np.uint8), np.ones((3, 3), np.uint8)) > cv2.erode(figure.astype(np.uint8), np.ones((3, 3), np.uint8))
    assert mask[outline].min() == 1.0
    # Only a drawn face's figure is cut out: a photo face keeps the segmenter's reading.
    assert person_mask(image, [_face(box)])[inner].mean() < 0.9


def test_a_drawn_face_in_a_scene_with_no_flat_page_keeps_the_segmenters_reading():
    # A sky's gradient along the border is no page: flooding part of it would carry the
    # rest of the scene with the figure.
    image = np.zeros((300, 400, 3), np.uint8)
    image[:] = np.stack([120 + np.arange(300) // 3, 170 + np.arange(300) // 4, np.full(300, 235)], 1)[:, None]
    image[180:] = np.random.default_rng(0).integers(40, 160, (120, 400, 3))
    box = (225, 190, 70, 80)  # a face in the scene under the sky
    np.testing.assert_array_equal(person_mask(image, [_face(box, style="drawn")]), person_mask(image, [_face(box)]))


def test_a_letterboxed_frame_is_no_figure_on_a_page():
    # Black bars above and below a drawn scene: the bars are flat and share the border, but
    # the scene between them is the picture, not a figure to cut out of it.
    image = np.random.default_rng(0).integers(40, 220, (300, 400, 3)).astype(np.uint8)
    image[:50] = image[250:] = 0
    box = (225, 120, 70, 80)
    np.testing.assert_array_equal(person_mask(image, [_face(box, style="drawn")]), person_mask(image, [_face(box)]))


def test_bad_arguments():
    with pytest.raises(ParameterError, match="RGB uint8"):
        person_mask(np.zeros((10, 10)), [])
    with pytest.raises(ParameterError, match="alpha must have shape"):
        person_mask(np.zeros((20, 20, 3), np.uint8), [], alpha=np.zeros((5, 5), np.uint8))


@pytest.mark.slow
def test_a_photo_is_segmented_and_a_sprite_uses_its_transparency(real_data):
    from talkingphoto.characters import find_faces

    photo = load_image(real_data / "images" / "grace_hopper.jpg")
    mask = person_mask(photo, find_faces(photo))
    assert mask[250:300, 220:300].mean() > 0.95  # face
    assert mask[550:, 150:350].mean() > 0.95  # uniform
    assert mask[:100, :60].mean() < 0.05  # the flag behind her
    sprite, alpha = load_image_with_alpha(real_data / "images" / "sylvie_green_normal.png")
    mask = person_mask(sprite, find_faces(sprite), alpha=alpha)
    np.testing.assert_allclose(mask, alpha / 255, atol=1e-6)  # her head is inside her own outline


@pytest.mark.slow
def test_a_sprite_saved_without_its_transparency_leaves_no_ghost_on_the_background(real_data):
    from talkingphoto.characters import find_faces
    from talkingphoto.render import StageAnimator

    # The anime sprite flattened onto a grey page and saved as a JPEG, as examples/two_faces.jpg
    # has it: the segmenter read her patchily, and the stage's plate kept her outline, a
    # ghost beside her whenever the camera moved.
    sprite, alpha = load_image_with_alpha(real_data / "images" / "sylvie_green_normal.png")
    cover = (alpha.astype(np.float32) / 255)[..., None]
    flat = (sprite * cover + np.array([228, 226, 220]) * (1 - cover)).astype(np.uint8)
    _, jpeg = cv2.imencode(".jpg", cv2.cvtColor(flat, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    image = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    mask = person_mask(image, find_faces(image))
    solid = alpha > 250
    assert mask[cv2.erode(solid.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0].min() > 0.99
    plate = StageAnimator(image, mask).plate[..., 0]  # luma
    outline = (alpha > 128) & ~(cv2.erode((alpha > 128).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    page_luma = float(np.median(plate[alpha == 0]))
    assert np.percentile(page_luma - plate[outline].astype(float), 99) < 12  # no ink left behind


@pytest.mark.slow
def test_a_photo_beside_a_drawn_figure_on_the_page_keeps_the_segmenters_reading(real_data):
    import importlib

    from talkingphoto.characters import find_faces

    # As examples/two_faces.jpg is made: the portrait beside the flattened sprite, whose hem
    # comes within a few pixels of the photo. The sprite is cut out along the page; the photo
    # keeps the segmenter's reading right up to her (its corner under her hem was cleared,
    # 1614 pixels of the portrait's uniform, which then stayed behind as she moved).
    photo = cv2.resize(load_image(real_data / "images" / "grace_hopper.jpg"), (512, 600), interpolation=cv2.INTER_AREA)
    sprite, alpha = load_image_with_alpha(real_data / "images" / "sylvie_green_normal.png")
    sprite = cv2.resize(sprite, (386, 600), interpolation=cv2.INTER_AREA)
    cover = (cv2.resize(alpha, (386, 600), interpolation=cv2.INTER_AREA).astype(np.float32) / 255)[..., None]
    page = np.full((600, 898, 3), (228, 226, 220), np.uint8)
    page[:, :512] = photo
    page[:, 512:] = (sprite * cover + page[:, 512:] * (1 - cover)).astype(np.uint8)
    _, jpeg = cv2.imencode(".jpg", cv2.cvtColor(page, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    page = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    faces = find_faces(page)
    assert sorted(face.style for face in faces) == ["drawn", "photo"]
    mask = person_mask(page, faces)
    segmented = importlib.import_module("talkingphoto.characters._person")._segment(page)
    np.testing.assert_allclose(mask[:, :512], segmented[:, :512])
    solid = cv2.erode((cover[..., 0] > 0.99).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert mask[:, 512:][solid].min() > 0.99  # the sprite whole
