"""Render every picture given with a short recording and list the ones that crash.

    .venv/bin/python scripts/render_all.py PICTURE_OR_FOLDER ... [--audio tests/data/audio/goforward.wav]
        [--mode vivid --mode master:angry]

A picture with no usable face should end in a clear error (``error: ...``, exit code 2);
anything else raised is a bug, printed with where it was raised. Each ``--mode`` is a mode,
optionally with an expression after a colon. Folders are searched for PNG, JPEG and WebP
files. Game art from Debian packages (wesnoth-1.16-data's portraits, freedroidrpg-data's
droid portraits) makes a varied set: `apt-get download PACKAGE; dpkg -x PACKAGE.deb DIR`.
"""

import argparse
import contextlib
import io
import sys
import tempfile
import traceback
from pathlib import Path

SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def pictures(paths: list) -> list:
    """The picture files among ``paths``, folders searched recursively, in sorted order."""
    found = []
    for path in map(Path, paths):
        found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES) if path.is_dir() else [path]
    return found


def render_status(picture: Path, audio: Path, mode: str, output: Path) -> str:
    """"ok", "error: ..." (the engine's own clear error) or "CRASH ..." for one render."""
    from talkingphoto.cli import main

    name, _, expression = mode.partition(":")
    argv = ["render", str(picture), str(audio), "-o", str(output), "--mode", name]
    argv += ["--expression", expression] if expression else []
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    except Exception as exc:  # a bug: report where, and go on with the next picture
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return f"CRASH {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
    lines = errors.getvalue().strip().splitlines()
    return "ok" if code == 0 else (lines[-1] if lines else f"exit {code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--audio", type=Path, default=Path(__file__).parents[1] / "tests/data/audio/goforward.wav")
    parser.add_argument("--mode", action="append", help="standard, vivid or master, optionally :EXPRESSION (repeatable)")
    args = parser.parse_args()
    crashes = 0
    with tempfile.TemporaryDirectory() as work:
        for picture in pictures(args.paths):
            for mode in args.mode or ["vivid"]:
                status = render_status(picture, args.audio, mode, Path(work) / "out.mp4")
                crashes += status.startswith("CRASH")
                print(f"{picture}  {mode}  {status}", flush=True)
    print(f"{crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
