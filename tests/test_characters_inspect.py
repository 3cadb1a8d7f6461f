"""``talkingphoto inspect``: the table, the JSON list and the overlay."""

import json
from pathlib import Path

import pytest
from PIL import Image

from talkingphoto.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CAT_POINTS = {"mouth_left": [228, 281], "mouth_right": [290, 279], "upper_lip": [258, 279],
              "lower_lip": [258, 287], "chin": [260, 298]}  # fmt: skip


@pytest.mark.slow
def test_json_lists_each_face_left_to_right(real_data, capsys):
    assert main(["inspect", str(real_data / "images" / "grace_hopper.jpg"), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert len(items) == 1
    item = items[0]
    assert {"index", "box", "detector", "confidence", "style"} <= set(item)
    assert (item["index"], item["detector"], item["style"]) == (0, "face_mesh", "photo")
    assert len(item["box"]) == 4 and all(isinstance(v, int) for v in item["box"])
    assert 0.0 < item["confidence"] <= 1.0
    assert item["mouth_covered"] is False


@pytest.mark.slow
def test_a_covered_mouth_is_said_before_rendering(real_data, capsys):
    image = str(real_data / "images" / "wesnoth_assassin_female.png")  # a black cloth mask
    assert main(["inspect", image, "--json"]) == 0
    assert [item["mouth_covered"] for item in json.loads(capsys.readouterr().out)] == [True]
    assert main(["inspect", image]) == 0
    assert "mouth looks covered: it stays shut (--mouth-cover open if it shows)" in capsys.readouterr().out


@pytest.mark.slow
def test_the_face_that_speaks_by_default_is_marked(capsys):
    image = str(EXAMPLES / "two_faces.jpg")
    assert main(["inspect", image, "--json"]) == 0
    assert [item["speaks_by_default"] for item in json.loads(capsys.readouterr().out)] == [True, False]
    assert main(["inspect", image]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "speaks unless --face or --face-at picks another" in lines[1]
    assert "speaks unless" not in lines[2]


def test_a_face_that_may_be_none_is_said_before_rendering(tmp_path, monkeypatch, capsys):
    # The chain's find on a revenant's armour would get a mouth in the wrong place: inspect says
    # so with the way out; a face from points is where the user put it.
    import cv2
    from conftest import synthetic_face

    image, face = synthetic_face()  # the template's outline on a texture: the mesh finds no face there
    picture = tmp_path / "thing.png"
    cv2.imwrite(str(picture), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    monkeypatch.setattr("talkingphoto.characters.find_faces", lambda image: [face])  # the chain's find
    assert main(["inspect", str(picture), "--json"]) == 0
    assert [item["doubtful"] for item in json.loads(capsys.readouterr().out)] == [True]
    assert main(["inspect", str(picture)]) == 0
    assert "may not be a human face: if the overlay puts its mouth in the wrong place, mark it with --points" in (
        capsys.readouterr().out
    )
    points = tmp_path / "points.json"
    points.write_text(json.dumps({"mouth_left": [90, 150], "mouth_right": [150, 150], "upper_lip": [120, 143],
                                  "lower_lip": [120, 157], "chin": [120, 190]}))  # fmt: skip
    assert main(["inspect", str(picture), "--points", str(points), "--json"]) == 0
    assert [item["doubtful"] for item in json.loads(capsys.readouterr().out)] == [False]


@pytest.mark.slow
def test_table_and_overlay_for_a_drawn_face(real_data, tmp_path, capsys):
    overlay = tmp_path / "overlay.png"
    image = real_data / "images" / "sylvie_green_normal.png"
    assert main(["inspect", str(image), "-o", str(overlay)]) == 0
    out = capsys.readouterr().out
    assert "1 character found, left to right" in out
    assert "animeface+mesh" in out and "drawn" in out
    assert f"overlay written to {overlay}" in out
    with Image.open(overlay) as picture:
        assert picture.size == (456, 700) and picture.mode == "RGB"


@pytest.mark.slow
def test_nothing_found_explains_what_to_do(real_data, capsys):
    image = real_data / "images" / "chelsea.png"
    assert main(["inspect", str(image)]) == 0
    out = capsys.readouterr().out
    assert "no face found in the picture" in out and '"mouth_left": [x, y]' in out
    # The way on is a points file (checked by inspect itself), not the command just run.
    assert f"talkingphoto inspect {image} --points FILE.json" in out and "inspect IMAGE -o" not in out


def test_points_file_is_checked_and_drawn(real_data, tmp_path, capsys):
    points = tmp_path / "cat.json"
    points.write_text(json.dumps(CAT_POINTS))
    overlay = tmp_path / "cat.png"
    image = str(real_data / "images" / "chelsea.png")
    assert main(["inspect", image, "--points", str(points), "--json", "-o", str(overlay)]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["index"], i["detector"], i["confidence"], i["style"]) for i in items] == [(0, "points", 1.0, "photo")]
    assert overlay.stat().st_size > 0


def test_errors_are_one_line(real_data, tmp_path, capsys):
    image = str(real_data / "images" / "chelsea.png")
    points = tmp_path / "bad.json"
    points.write_text(json.dumps({**CAT_POINTS, "chin": [260, 900]}))
    assert main(["inspect", image, "--points", str(points)]) == 2
    assert capsys.readouterr().err.strip() == "error: points: 'chin' = [260, 900] is outside the 451x300 picture"
    assert main(["inspect", image, "-o", str(tmp_path / "overlay.jpg")]) == 2
    assert "must end in .png" in capsys.readouterr().err


@pytest.mark.slow
def test_a_big_picture_is_looked_at_reduced_and_reported_in_its_own_pixels(real_data, tmp_path, capsys, monkeypatch):
    import talkingphoto.characters

    monkeypatch.setattr(talkingphoto.characters, "DETECT_SIDE", 600)  # as 1920 is for a 5760+ px photo
    big = tmp_path / "big.jpg"
    with Image.open(real_data / "images" / "grace_hopper.jpg") as photo:
        photo.resize((1536, 1800), Image.BICUBIC).save(big, quality=92)
    assert main(["inspect", str(real_data / "images" / "grace_hopper.jpg"), "--json"]) == 0
    (small,) = json.loads(capsys.readouterr().out)
    overlay = tmp_path / "overlay.png"
    assert main(["inspect", str(big), "--json", "-o", str(overlay)]) == 0
    (face,) = json.loads(capsys.readouterr().out)
    assert all(abs(b - 3 * s) <= 6 for b, s in zip(face["box"], small["box"]))  # the big picture's pixels
    with Image.open(overlay) as drawn:
        assert drawn.size == (768, 900)  # drawn where the faces were looked for (JPEG halves, at most)


@pytest.mark.slow
def test_a_cat_found_by_its_face_is_listed_as_such(capsys):
    kitten = EXAMPLES / "kitten.jpg"
    assert main(["inspect", str(kitten)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "box x=" in line]
    assert "catface" in line and "a cat's face" in line and "--points" in line
    assert "may not be a human face" not in line
