"""Anime parts: the iris found by colour, and the mesh snapped onto the parts."""

from dataclasses import replace

import numpy as np

from talkingphoto.characters import AnimeParts, has_big_eyes, refine_with_anime, topology as topo
from talkingphoto.characters._anime import _iris_box, face_from_anime_parts, mesh_misses_eyes
from talkingphoto.characters._template import canonical_face

SKIN, HAIR, EYE = (250, 225, 210), (170, 75, 120), (80, 100, 170)


def test_iris_is_found_by_the_eye_colour_above_a_low_box():
    import cv2

    image = np.full((120, 120, 3), SKIN, np.uint8)
    image[:20] = HAIR
    cv2.ellipse(image, (50, 45), (8, 14), 0, 0, 360, EYE, -1)
    # animeface-like coarse box: low and to the right of the drawn eye
    iris = _iris_box(image, (46, 50, 16, 14), EYE, SKIN, HAIR)
    np.testing.assert_allclose(iris, (42, 31, 17, 29), atol=1)
    # nothing of the eye's colour near the box: no iris
    assert _iris_box(image, (90, 90, 10, 10), EYE, SKIN, HAIR) is None


PARTS = AnimeParts(
    likelihood=0.99,
    face_box=(100, 80, 100, 100),
    left_eye_box=(115, 100, 24, 30),
    right_eye_box=(165, 100, 24, 30),
    left_iris_box=(120, 100, 14, 30),
    right_iris_box=(170, 100, 14, 30),
    mouth_box=(140, 160, 20, 6),
    nose=(150, 145),
    chin=(152, 185),
)


def test_refine_puts_eyes_in_their_boxes_and_thins_the_lips():
    mesh = canonical_face().astype(np.float64) * 50 + [150, 115, 0]  # human proportions
    assert has_big_eyes(mesh, PARTS)  # 30 px tall eyes, 50 px apart
    out = refine_with_anime(mesh, PARTS)
    for contour, iris, box, iris_box in (
        (topo.RIGHT_EYE, topo.RIGHT_IRIS, PARTS.left_eye_box, PARTS.left_iris_box),
        (topo.LEFT_EYE, topo.LEFT_IRIS, PARTS.right_eye_box, PARTS.right_iris_box),
    ):
        x, y, w, h = box
        np.testing.assert_allclose(out[contour, :2].min(0), (x, y), atol=1e-6)
        np.testing.assert_allclose(out[contour, :2].max(0), (x + w, y + h), atol=1e-6)
        x, y, w, h = iris_box
        np.testing.assert_allclose(out[iris, :2].min(0), (x, y), atol=1e-6)
    # Brows sit above the (taller) eyes, never across them.
    assert out[topo.BROWS, 1].max() < PARTS.left_eye_box[1] - 1
    lips = out[topo.LIPS_ALL, :2]
    assert np.ptp(lips[:, 1]) <= 6 + 1e-6
    np.testing.assert_allclose(lips.min(0)[1] + np.ptp(lips[:, 1]) / 2, 163, atol=1e-6)
    np.testing.assert_allclose(out[topo.NOSE_TIP, :2], PARTS.nose)
    np.testing.assert_allclose(out[topo.CHIN, :2], PARTS.chin)
    # Far from every part nothing moves; z is kept.
    np.testing.assert_allclose(out[topo.FOREHEAD], mesh[topo.FOREHEAD], atol=0.5)
    np.testing.assert_array_equal(out[:, 2], mesh[:, 2])


def test_realistic_eyes_are_not_big():
    mesh = canonical_face().astype(np.float64) * 100 + [150, 115, 0]  # eyes 100 px apart
    assert not has_big_eyes(mesh, PARTS)


def test_a_mesh_that_shrank_the_eyes_to_slivers_misses_them():
    mesh = canonical_face().astype(np.float64) * 100 + [150, 115, 0]  # eyes 100 px apart
    for eye in (topo.RIGHT_EYE, topo.LEFT_EYE):  # lids squeezed to 7.5 px apart
        mesh[eye, 1] = mesh[eye, 1].mean() + 0.5 * (mesh[eye, 1] - mesh[eye, 1].mean())
    assert not has_big_eyes(mesh, PARTS)  # 30 px is small for eyes 100 px apart...
    assert mesh_misses_eyes(mesh, PARTS)  # ...but the mesh's eyes are a quarter of that
    assert not mesh_misses_eyes(refine_with_anime(mesh, PARTS), PARTS)
    # Eyes drawn shut (arcs): the mesh's lids are about half the box apart, and kept.
    shut = replace(PARTS, left_eye_box=(115, 100, 24, 18), right_eye_box=(165, 100, 24, 18))
    assert not mesh_misses_eyes(mesh, shut)


def test_template_fallback_without_a_mesh():
    out = face_from_anime_parts(PARTS, image_shape=(300, 300, 3))
    assert out.shape == (478, 3) and np.isfinite(out).all()
    np.testing.assert_allclose(out[topo.CHIN, :2], PARTS.chin)
    centre = out[topo.RIGHT_IRIS, :2].min(0) + np.ptp(out[topo.RIGHT_IRIS, :2], axis=0) / 2
    np.testing.assert_allclose(centre, (127, 115), atol=1e-6)


def test_a_sprite_found_again_gets_the_same_parts(real_data):
    # animeface's part finder is randomised; its generator used to run on from call to call.
    from PIL import Image

    from talkingphoto.characters._anime import detect_anime

    sprite = np.asarray(Image.open(real_data / "images" / "eileen_vhappy.png").convert("RGB"))
    first = detect_anime(sprite)
    assert first and all(detect_anime(sprite) == first for _ in range(7))


def test_parts_whose_mouth_is_off_the_mesh_lips_are_not_the_face():
    from talkingphoto.characters._finder import _anime_eyes_fit

    mesh = canonical_face().astype(np.float64) * 50 + [150, 115, 0]  # lips 161-175 px down, 42 wide
    assert _anime_eyes_fit(mesh, PARTS)  # mouth point 163 px down: on the lips
    # animeface reads the philtrum as the mouth (Wesnoth's thief+female, three-quarters):
    # snapped there, the lips open a second mouth above the painted one.
    on_philtrum = replace(PARTS, mouth_box=(140, 150, 20, 6), nose=(150, 140), chin=(152, 165))
    assert not _anime_eyes_fit(mesh, on_philtrum)
    assert not _anime_eyes_fit(mesh, replace(PARTS, mouth_box=(100, 160, 20, 6)))  # a cheek


def test_eye_boxes_that_cannot_be_a_pair_of_eyes_leave_the_mesh_its_eyes():
    from talkingphoto.characters._anime import eyes_plausible

    # animeface read a realistic painted face (53 of 60 Naev portraits) or a sprite with
    # glasses (Ren'Py's lucy) into eye boxes that overlap, differ twice in size or span half
    # the face: snapped onto them, a blink painted skin over brows, hair and glasses. The
    # mesh keeps its eyes (and brows) there; lips, nose and chin still take animeface's parts.
    assert eyes_plausible(PARTS)  # 24 px eyes 26 px apart in a 100 px face
    overlapping = replace(PARTS, left_eye_box=(110, 100, 44, 30), right_eye_box=(150, 100, 44, 30))
    unequal = replace(PARTS, right_eye_box=(165, 100, 38, 30))
    half_the_face = replace(PARTS, left_eye_box=(100, 100, 45, 30), right_eye_box=(155, 100, 45, 30))
    assert not any(eyes_plausible(parts) for parts in (overlapping, unequal, half_the_face))
    mesh = canonical_face().astype(np.float64) * 50 + [150, 115, 0]
    kept = refine_with_anime(mesh, overlapping, eyes=False)
    for part in (topo.RIGHT_EYE, topo.LEFT_EYE, topo.RIGHT_IRIS, topo.LEFT_IRIS, topo.BROWS):
        np.testing.assert_allclose(kept[part], mesh[part], atol=0.5)
    np.testing.assert_allclose(kept[topo.LIPS_ALL], refine_with_anime(mesh, overlapping)[topo.LIPS_ALL], atol=0.5)
    np.testing.assert_allclose(kept[topo.NOSE_TIP, :2], PARTS.nose)
