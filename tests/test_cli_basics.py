"""What a newcomer meets first: the version, the help texts, errors in the words they typed."""

import json
import re
import subprocess
import sys

import pytest

import talkingphoto
from talkingphoto.cli import main

CAT_POINTS = {"mouth_left": [228, 281], "mouth_right": [290, 279], "upper_lip": [258, 279],
              "lower_lip": [258, 287], "chin": [260, 298]}  # fmt: skip


def test_version_prints_and_exits_zero(capsys):
    proc = subprocess.run([sys.executable, "-m", "talkingphoto", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"talkingphoto {talkingphoto.__version__}"


def _help(capsys, *argv) -> str:
    try:
        main([*argv, "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere


def test_render_help_names_every_picture_format_and_the_defaults(capsys):
    text = _help(capsys, "render")
    assert "JPEG, PNG, WebP, BMP, TIFF or GIF" in text
    assert "(default: standard)" in text and "(default: 18)" in text
    assert "--fps FPS frames per second of the video, 1..120 (default: 25)" in text


@pytest.mark.slow
def test_dialogue_and_render_finish_with_the_same_line(real_data, tmp_path, capsys):
    (tmp_path / "cat.png").write_bytes((real_data / "images" / "chelsea.png").read_bytes())
    (tmp_path / "meow.wav").write_bytes((real_data / "audio" / "goforward.wav").read_bytes())
    (tmp_path / "cat.json").write_text(json.dumps(CAT_POINTS))
    (tmp_path / "talk.yaml").write_text(
        "image: cat.png\ncharacters:\n  cat: {points: cat.json}\nturns:\n  - pause: 0.2\n  - face: cat\n    audio: meow.wav\n"
    )
    out = tmp_path / "talk.mp4"
    assert main(["dialogue", str(tmp_path / "talk.yaml"), "-o", str(out), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["dialogue", str(tmp_path / "talk.yaml"), "-o", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"wrote {re.escape(str(out))} \(450x300, 3\.0 s, 75 frames, 1 turn\) in \d+\.\d s", line), line
    args = ["render", str(tmp_path / "cat.png"), str(tmp_path / "meow.wav"), "--points", str(tmp_path / "cat.json")]
    assert main([*args, "-o", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"wrote {re.escape(str(out))} \(450x300, 2\.8 s, 70 frames\) in \d+\.\d s", line), line


def test_errors_name_options_as_typed_on_the_command_line(tmp_path, real_data, capsys):
    image = str(real_data / "images" / "grace_hopper.jpg")
    speech = str(real_data / "audio" / "goforward.wav")
    out = str(tmp_path / "o.mp4")
    for flag, value, words in [
        ("--max-size", "8", "--max-size must be at least 16 pixels, got 8"),
        ("--fps", "0", "--fps must be between 1 and 120, got 0"),
        ("--crf", "60", "--crf must be between 0 and 51, got 60"),
        ("--face", "-1", "--face must be an index >= 0"),
    ]:
        assert main(["render", image, speech, "-o", out, flag, value]) == 2
        assert capsys.readouterr().err.startswith(f"error: {words}")
    assert main(["render", image, "--text", "hello", "--rate", "900", "-o", out]) == 2
    assert capsys.readouterr().err.startswith("error: --rate must be between 80 and 450")


def test_every_option_flag_is_a_render_flag_and_python_keeps_the_attribute_name():
    from talkingphoto.cli import OPTION_FLAGS, build_parser
    from talkingphoto.errors import ParameterError

    render = build_parser()._subparsers._group_actions[0].choices["render"]
    flags = {flag for action in render._actions for flag in action.option_strings}
    assert set(OPTION_FLAGS.values()) <= flags
    with pytest.raises(ParameterError, match="^max_size must be at least 16") as caught:
        talkingphoto.EncodeOptions(max_size=8)
    assert caught.value.option == "max_size" and caught.value.naming("--max-size").startswith("--max-size must")


def test_the_note_on_a_covered_mouth_names_the_flag_that_opens_it(tmp_path, real_data, monkeypatch, capsys):
    # A real mouth taken for a mask would never open: the note must say how to open it.
    import cv2
    from test_render_mouth import masked_or_pale_face

    image, face, _ = masked_or_pale_face("cloth")
    picture = tmp_path / "masked.png"
    cv2.imwrite(str(picture), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    monkeypatch.setattr("talkingphoto.characters.find_faces", lambda image: [face])  # a synthetic face
    speech, out = real_data / "audio" / "goforward.wav", tmp_path / "o.mp4"
    assert main(["render", str(picture), str(speech), "-o", str(out), "--fps", "5", "-q"]) == 0
    note = capsys.readouterr().err
    assert "face 0's mouth looks covered" in note and "--mouth-cover open" in note
    (tmp_path / "talk.yaml").write_text(f"image: {picture.name}\nturns: [{{face: 0, audio: {speech}}}]\n")
    assert main(["dialogue", str(tmp_path / "talk.yaml"), "-o", str(out), "--fps", "5", "-q", "--mouth-cover", "open"]) == 0
    assert "covered" not in capsys.readouterr().err


def test_a_face_that_may_be_none_is_named_with_the_way_to_mark_its_mouth(tmp_path, real_data, monkeypatch, capsys):
    # A mouth animated on a monster's armour without a word looked like the product's fault: the
    # render goes ahead and says which face is doubtful and how to point at its mouth; a face
    # given by points is where the user put it, so it gets no such note.
    import cv2
    from conftest import synthetic_face

    from talkingphoto.characters import topology as topo

    image, face = synthetic_face()  # the template's outline on a texture: the mesh finds no face there
    picture = tmp_path / "thing.png"
    cv2.imwrite(str(picture), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    monkeypatch.setattr("talkingphoto.characters.find_faces", lambda image: [face])  # the chain's find
    speech, out = real_data / "audio" / "goforward.wav", tmp_path / "o.mp4"
    assert main(["render", str(picture), str(speech), "-o", str(out), "--fps", "5", "-q"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: face 0 may not be a human face") == 1 and "--points FILE.json" in err
    at = {"mouth_left": topo.MOUTH_CORNER_RIGHT, "mouth_right": topo.MOUTH_CORNER_LEFT,
          "upper_lip": topo.UPPER_LIP_CENTRE, "lower_lip": topo.LOWER_LIP_CENTRE, "chin": topo.CHIN}  # fmt: skip
    points = tmp_path / "points.json"
    points.write_text(json.dumps({name: face.landmarks[i, :2].tolist() for name, i in at.items()}))
    assert main(["render", str(picture), str(speech), "-o", str(out), "--fps", "5", "-q", "--points", str(points)]) == 0
    assert "may not be a human face" not in capsys.readouterr().err
