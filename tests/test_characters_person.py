"""Separating characters from their background (master mode)."""

import numpy as np
import pytest

from talkingphoto.characters import Face, has_cutout, person_mask
from talkingphoto.errors import ParameterError
from talkingphoto.media import load_image, load_image_with_alpha


def _face(box):
    return Face(index=0, box=box, landmarks=np.zeros((478, 3)), detector="test", confidence=1.0, style="photo")


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
