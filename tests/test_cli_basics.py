"""What a newcomer meets first: the version, the help texts, errors in the words they typed."""

import subprocess
import sys

import talkingphoto
from talkingphoto.cli import main


def test_version_prints_and_exits_zero(capsys):
    proc = subprocess.run([sys.executable, "-m", "talkingphoto", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"talkingphoto {talkingphoto.__version__}"
