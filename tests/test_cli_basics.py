"""What a newcomer meets first: the version, the help texts, errors in the words they typed."""

import subprocess
import sys

import talkingphoto
from talkingphoto.cli import main


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
