"""The detection chain on the shared pictures (slow: mediapipe and animeface on real images)."""

import numpy as np
import pytest

from talkingphoto.characters import (
    FaceFinder,
    FinderOptions,
    choose_face,
    doubtful_faces,
    face_from_points,
    find_faces,
    topology as topo,
)
from talkingphoto.errors import NoFaceError, ParameterError
from talkingphoto.media import load_image

INNER_LIPS = np.concatenate([topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER])


@pytest.fixture(scope="module")
def finder():
    with FaceFinder() as shared:
        yield shared


def _load(real_data, name):
    return load_image(real_data / "images" / name)


def _mouth(face):
    return face.landmarks[INNER_LIPS, :2].mean(0)


def test_options_are_checked():
    with pytest.raises(ParameterError, match="max_faces must be an integer 1..32, got 0"):
        FinderOptions(max_faces=0)
    with pytest.raises(ParameterError, match="crop_scales"):
        FinderOptions(crop_scales=())


def test_bad_image_is_a_parameter_error():
    with pytest.raises(ParameterError, match=r"RGB uint8 array of shape \(h, w, 3\), got float64 array"):
        find_faces(np.zeros((64, 64, 3)))


def test_blank_picture_gives_no_faces(finder):
    assert finder.find(np.full((96, 128, 3), 200, np.uint8)) == []


def test_finder_can_be_closed_and_reused(finder):
    blank = np.full((64, 64, 3), 90, np.uint8)
    finder.close()
    assert finder.find(blank) == []


@pytest.mark.slow
def test_photo_is_found_by_face_mesh(real_data, finder):
    faces = finder.find(_load(real_data, "grace_hopper.jpg"))
    assert len(faces) == 1
    face = faces[0]
    assert (face.index, face.detector, face.style) == (0, "face_mesh", "photo")
    assert 0.5 <= face.confidence <= 1.0
    np.testing.assert_allclose(face.box, (173, 132, 183, 202), atol=8)
    np.testing.assert_allclose(_mouth(face), (267.6, 278.4), atol=4)


@pytest.mark.slow
def test_painted_three_quarter_face_needs_the_detector_and_a_crop(real_data, finder):
    faces = finder.find(_load(real_data, "wesnoth_mage_female.png"))
    assert [(f.detector, f.style) for f in faces] == [("face_detection+mesh", "drawn")]
    np.testing.assert_allclose(faces[0].box, (190, 69, 54, 73), atol=6)
    np.testing.assert_allclose(_mouth(faces[0]), (227.8, 121.7), atol=4)


@pytest.mark.slow
def test_anime_eyes_and_mouth_are_snapped_to_the_drawing(real_data, finder):
    faces = finder.find(_load(real_data, "sylvie_green_normal.png"))
    assert [(f.detector, f.style) for f in faces] == [("animeface+mesh", "drawn")]
    lm = faces[0].landmarks
    # Irises inside the drawn irises (left eye x 152-164, right eye x 204-228, both y 87-117).
    assert 150 < lm[topo.RIGHT_IRIS_CENTRE, 0] < 166 and 95 < lm[topo.RIGHT_IRIS_CENTRE, 1] < 110
    assert 202 < lm[topo.LEFT_IRIS_CENTRE, 0] < 230 and 95 < lm[topo.LEFT_IRIS_CENTRE, 1] < 110
    # Lids on the lash lines, not the brows: the eyes are ~30 px tall.
    for upper, lower in ((topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
        assert 82 < lm[upper, 1].min() < 94
        assert 110 < lm[lower, 1].max() < 122
    # A one-line mouth: thin lips on the smile, centred near animeface's mouth point.
    np.testing.assert_allclose(_mouth(faces[0]), (189.5, 146.5), atol=4)
    assert np.ptp(lm[topo.LIPS_ALL, 1]) <= 10
    np.testing.assert_allclose(lm[topo.CHIN, :2], (188, 165), atol=1)


def test_a_face_the_mesh_does_not_find_again_is_doubted_but_never_one_from_points():
    # The chain's finds on a revenant's armour or a building get a mouth in the wrong
    # place: the render says so. A face rigged from points is where the user said it is.
    from dataclasses import replace

    from conftest import synthetic_face

    image, face = synthetic_face()  # the template's outline on a texture: no face to see
    clicked = replace(face, index=1, detector="points")
    assert doubtful_faces(image, [face, clicked]) == (0,)
    assert doubtful_faces(image, [clicked]) == ()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["grace_hopper.jpg", "wesnoth_mage_female.png", "sylvie_green_normal.png"])
def test_faces_found_in_a_photo_a_painting_and_an_anime_sprite_are_not_doubted(real_data, finder, name):
    image = _load(real_data, name)
    faces = finder.find(image)
    assert faces and doubtful_faces(image, faces) == ()


@pytest.mark.slow
def test_cat_needs_points(real_data, finder):
    image = _load(real_data, "chelsea.png")
    faces = finder.find(image)
    assert faces == []
    with pytest.raises(NoFaceError, match=r"no face found in the picture; mark the mouth by hand with --points"):
        choose_face(faces)
    points = {"mouth_left": [228, 281], "mouth_right": [290, 279], "upper_lip": [258, 279],
              "lower_lip": [258, 287], "chin": [260, 298], "left_eye": [172, 115], "right_eye": [318, 137]}  # fmt: skip
    face = face_from_points(points, image_shape=image.shape)
    assert face.detector == "points"
    np.testing.assert_allclose(face.landmarks[topo.UPPER_LIP_CENTRE, :2], points["upper_lip"], atol=0.01)


@pytest.mark.slow
def test_two_people_come_back_left_to_right(real_data, finder):
    photo = _load(real_data, "grace_hopper.jpg")  # 512x600
    painted = _load(real_data, "wesnoth_mage_female.png")  # 400x400
    picture = np.full((600, 912, 3), 255, np.uint8)
    picture[:, :512] = photo
    picture[100:500, 512:] = painted
    faces = finder.find(picture)
    assert [f.index for f in faces] == [0, 1]
    assert faces[0].box[0] + faces[0].box[2] <= 512 < faces[1].box[0]
    assert [(f.detector, f.style) for f in faces] == [("face_mesh", "photo"), ("face_detection+mesh", "drawn")]
    assert choose_face(faces).index == 0  # the largest
    assert choose_face(faces, face_at=tuple(_mouth(faces[1]))).index == 1


@pytest.mark.slow
def test_a_small_face_in_a_wide_panorama_is_found_through_tiles(real_data, finder):
    import cv2

    # The detector shrinks the whole 3600 px picture to ~192 px, where a 60 px face is gone;
    # overlapping tiles keep it big enough to find.
    small = cv2.resize(_load(real_data, "grace_hopper.jpg"), None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA)
    panorama = np.full((800, 3600, 3), (90, 120, 150), np.uint8)
    h, w = small.shape[:2]
    panorama[500 : 500 + h, 2900 : 2900 + w] = small
    faces = finder.find(panorama)
    assert len(faces) == 1
    x, y, bw, bh = faces[0].box
    assert 2900 < x + bw / 2 < 2900 + w and 500 < y + bh / 2 < 500 + h
    assert 40 < bw < 90


@pytest.mark.slow
def test_three_styles_side_by_side_each_get_their_own_face_and_nothing_else(real_data, finder):
    from PIL import Image

    images = real_data / "images"
    mage = Image.open(images / "wesnoth_mage_female.png").convert("RGBA").resize((600, 600), Image.LANCZOS)
    sylvie = Image.open(images / "sylvie_green_normal.png").convert("RGBA").resize((386, 600), Image.LANCZOS)
    scene = Image.new("RGB", (1498, 600), (235, 230, 220))
    scene.paste(mage, (0, 0), mage)
    scene.paste(Image.open(images / "grace_hopper.jpg").convert("RGB"), (600, 0))
    scene.paste(sylvie, (1112, 0), sylvie)
    faces = finder.find(np.asarray(scene))
    # No face read into the cap badge; the painted face keeps her own eyes (animeface calls
    # her cheeks eyes at this size) and her mouth where it is drawn.
    assert [f.style for f in faces] == ["drawn", "photo", "drawn"]
    mage_face = faces[0]
    assert mage_face.detector == "face_detection+mesh"
    np.testing.assert_allclose(_mouth(mage_face), (341, 183), atol=8)
    eyes_y = mage_face.landmarks[[topo.RIGHT_IRIS_CENTRE, topo.LEFT_IRIS_CENTRE], 1]
    assert np.all(eyes_y < mage_face.landmarks[topo.NOSE_TIP, 1] - 5)


def test_tiles_cover_the_picture_at_two_sizes_without_repeating_one():
    from talkingphoto.characters._finder import _tiles

    picture = np.zeros((2334, 2334, 3), np.uint8)
    sides = [view.shape[:2] for _, _, view in _tiles(picture)]
    assert sides[0] == (2334, 2334) and {(1024, 1024), (512, 512)} == set(sides[1:])
    for side in (1024, 512):  # every pixel is in some tile of each size
        covered = np.zeros(picture.shape[:2], bool)
        for x, y, view in _tiles(picture):
            if view.shape[0] == side:
                covered[y : y + side, x : x + side] = True
        assert covered.all()
    strip = np.zeros((400, 3000, 3), np.uint8)  # both sizes are 400 px here: one set of tiles
    assert len([v for _, _, v in _tiles(strip)]) == 1 + 10


@pytest.mark.slow
def test_a_small_face_in_a_big_photo_decoded_reduced_is_still_found(real_data, finder):
    import cv2

    # A 7000 px photo rendered at 1920 px is decoded at a third of its size (2334 px), where a
    # 186 px face is 62 px: a 1024 tile shrinks it to 12 px for the detector, a 512 tile to 23.
    small = cv2.resize(_load(real_data, "grace_hopper.jpg"), None, fx=1 / 3, fy=1 / 3, interpolation=cv2.INTER_AREA)
    small = np.repeat(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)[:, :, None], 3, axis=2)  # a grey photo
    picture = np.full((2334, 2334, 3), 230, np.uint8)
    h, w = small.shape[:2]
    picture[1067 : 1067 + h, 1081 : 1081 + w] = small
    faces = finder.find(picture)
    assert len(faces) == 1
    x, y, bw, bh = faces[0].box
    assert 1081 < x + bw / 2 < 1081 + w and 1067 < y + bh / 2 < 1067 + h
