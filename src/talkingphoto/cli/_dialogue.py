"""``talkingphoto dialogue SCRIPT -o OUT.mp4``: characters in one picture take turns."""

from pathlib import Path

from ..dialogue import load_script, prepare_dialogue
from ..motion import MOUTH_SOURCES
from ..pipeline import MODES, RenderOptions, encode_scene
from ._progress import ProgressBar


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
    p.add_argument("--mouth", choices=MOUTH_SOURCES, default="model", help="mouth from recordings: the learned model (default) or the acoustic rules")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..media import check_output_path

    script = load_script(args.script)
    mode = args.mode or script.mode or "standard"
    options = RenderOptions(mode=mode, fps=args.fps, seed=args.seed, max_size=args.max_size, mouth=args.mouth)
    check_output_path(args.output)
    scene = prepare_dialogue(script, options, output=args.output)
    with ProgressBar(enabled=not args.quiet) as bar:
        encode_scene(scene, args.output, options=options, progress=bar)
    if not args.quiet:
        print(f"wrote {args.output} ({scene.duration:.1f} s, {len(script.turns)} turns)")
    return 0
