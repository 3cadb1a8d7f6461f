"""The photo/drawn guess: synthetic textures and the shared pictures."""

import numpy as np
import pytest

from talkingphoto.characters import guess_style, style_features
from talkingphoto.media import load_image


def test_noisy_texture_is_a_photo():
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:120, 0:120]
    skin = np.stack([180 + 20 * np.sin(xx / 15), 140 + 10 * np.cos(yy / 11), 120 + 0 * xx], -1)
    image = np.clip(skin + rng.normal(0, 3, skin.shape), 0, 255).astype(np.uint8)
    features = style_features(image, (0, 0, 120, 120))
    assert features["flat"] < 0.05
    assert guess_style(image, (0, 0, 120, 120)) == "photo"


def test_flat_colours_with_outlines_are_drawn():
    image = np.full((120, 120, 3), (250, 220, 200), np.uint8)  # flat skin
    image[40:55, 30:50] = (40, 60, 160)  # eyes
    image[40:55, 70:90] = (40, 60, 160)
    image[85:88, 45:75] = (30, 20, 20)  # ink mouth line
    assert style_features(image, (0, 0, 120, 120))["flat"] > 0.8
    assert guess_style(image, (0, 0, 120, 120)) == "drawn"


def test_tiny_region_reads_as_photo():
    image = np.zeros((50, 50, 3), np.uint8)
    assert style_features(image, (10, 10, 3, 3)) == {"flat": 0.0, "edges": 0.0}
    assert guess_style(image, (10, 10, 3, 3)) == "photo"


# Face boxes as found by the detection chain (see test_characters_finder.py).
@pytest.mark.parametrize(
    "name, box, style",
    [
        ("grace_hopper.jpg", (173, 132, 183, 202), "photo"),
        ("wesnoth_mage_female.png", (190, 69, 54, 73), "drawn"),
        ("sylvie_green_normal.png", (139, 40, 109, 127), "drawn"),
        ("chelsea.png", (150, 50, 200, 250), "photo"),
    ],
)
def test_shared_pictures(real_data, name, box, style):
    image = load_image(real_data / "images" / name)
    assert guess_style(image, box) == style
