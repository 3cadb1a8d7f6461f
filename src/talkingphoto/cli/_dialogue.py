"""``talkingphoto dialogue SCRIPT -o OUT.mp4``: characters in one picture take turns."""

import sys
from pathlib import Path

from ..dialogue import load_script
from ..job import MODES, MOUTH_COVERS
from ..motion import MOUTH_SOURCES
from ..pipeline import render_job
from ._progress import ProgressBar, summary_line
from ._render import add_motion_arguments, motion_arguments


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "dialogue",
        help="a conversation: faces in one picture take turns speaking",
        description="Render a YAML/JSON script of turns (face + audio or text) into one video.",
    )
    p.add_argument("script", type=Path, help="YAML or JSON: image, optional characters, turns")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .mp4")
    p.add_argument("--mode", choices=MODES, help="standard, vivid or master (default: the script's, else standard)")
    p.add_argument("--fps", type=float, default=25.0, help="frames per second of the video, 1..120 (default: %(default)g)")
    p.add_argument("--seed", type=int, default=0, help="seed for blinks and head drift")
    p.add_argument("--max-size", type=int, default=1920, help="cap on the output's long side in px (default: %(default)s)")
    p.add_argument("--mouth", choices=MOUTH_SOURCES, default="auto", help="auto: the learned model, on the voice alone where music plays behind it (default); model: the model on the whole sound; music: the model on the voice, its backing music taken out; signal: the acoustic rules")
    p.add_argument(
        "--mouth-cover",
        choices=MOUTH_COVERS,
        default="auto",
        help="are the speakers' mouths covered (a mask, a scarf), so that they never open? auto: as the picture"
        " looks; open or covered where that reading is wrong; a character's or turn's 'mouth_cover:' sets its own"
        " (default: %(default)s)",
    )
    add_motion_arguments(
        p,
        expression_help="how the characters feel where the script says nothing (default: %(default)s); a turn's"
        " 'expression:' or a character's sets its own. Standard mode shows it at the mouth's corners only",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    job = load_script(
        args.script,
        output=args.output,
        mode=args.mode,
        fps=args.fps,
        seed=args.seed,
        max_size=args.max_size,
        mouth=args.mouth,
        mouth_cover=args.mouth_cover,
        **motion_arguments(args),
    )
    with ProgressBar(enabled=not args.quiet) as bar:
        result = render_job(job, progress=bar)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if not args.quiet:
        turns = len(job.speeches)
        print(summary_line(result, extra=f"{turns} turn{'s' if turns != 1 else ''}"))
    return 0
