"""``talkingphoto dialogue SCRIPT -o OUT.mp4``: characters in one picture take turns."""

from pathlib import Path

from ..dialogue import load_script
from ..job import MODES
from ..pipeline import render_job
from ._progress import ProgressBar
from ._render import finished_line


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "dialogue",
        help="a conversation: faces in one picture take turns speaking",
        description="Render a YAML/JSON script of turns (face + audio or text) into one video.",
    )
    p.add_argument("script", type=Path, help="YAML or JSON: image, optional characters, turns")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .mp4")
    p.add_argument("--mode", choices=MODES, help="standard, vivid or master (default: the script's, else standard)")
    p.add_argument("--fps", type=float, default=25.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-size", type=int, default=1920)
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    job = load_script(args.script, output=args.output, mode=args.mode, fps=args.fps, seed=args.seed, max_size=args.max_size)
    with ProgressBar(enabled=not args.quiet) as bar:
        result = render_job(job, progress=bar)
    if not args.quiet:
        print(f"{finished_line(result)}, {len(job.speeches)} turns")
    return 0
