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
    assert "(default: standard)" in text and "(default: 20)" in text
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
