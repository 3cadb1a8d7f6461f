"""``talkingphoto render IMAGE [AUDIO] -o OUT.mp4``: the main command."""

import argparse
import sys
from pathlib import Path

from ..errors import ParameterError
from ..job import GAZES, MODES, MOUTH_COVERS, EncodeOptions, Job, Limits
from ..media import IMAGE_FORMATS
from ..motion import EXPRESSIONS, MOUTH_SOURCES
from ..pipeline import render_job
from ._progress import ProgressBar, summary_line
from ._text import text_argument


def _point(text: str) -> tuple:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        # argparse shows an ArgumentTypeError's own words (a ValueError's it replaces).
        raise argparse.ArgumentTypeError(f"expects X,Y in pixels (e.g. 320,180), got {text!r}") from None
    return (x, y)


def add_motion_arguments(p, *, expression_help: str) -> None:
    """--motion, --blink-rate, --gaze, --expression and --expression-strength (render and dialogue)."""
    p.add_argument(
        "--motion",
        type=float,
        default=1.0,
        metavar="STRENGTH",
        help="head, brow and body motion, 0 (head still) .. 2; vivid and master (default: %(default)g)",
    )
    p.add_argument("--blink-rate", type=float, metavar="PER_MIN", help="blinks a minute, 0..60 (default: natural)")
    p.add_argument(
        "--gaze", choices=GAZES, default="wander", help="eyes glance about, or hold the camera (default: %(default)s)"
    )
    p.add_argument("--expression", choices=EXPRESSIONS, default="neutral", help=expression_help)
    p.add_argument(
        "--expression-strength", type=float, default=1.0, metavar="0..1", help="how strongly (default: %(default)g)"
    )


MOTION_ARGUMENTS = ("motion", "blink_rate", "gaze", "expression", "expression_strength")


def motion_arguments(args) -> dict:
    """The options add_motion_arguments adds, as Job options."""
    return {name: getattr(args, name) for name in MOTION_ARGUMENTS}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "render",
        help="make a picture speak a recording or a text",
        description="Make the face in IMAGE speak AUDIO (or --text read by --voice) into an MP4.",
    )
    p.add_argument("image", type=Path, help=f"picture: {IMAGE_FORMATS}")
    p.add_argument("audio", type=Path, nargs="?", help="speech or song: wav, mp3, m4a, ogg, opus, flac...")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .mp4")
    p.add_argument(
        "--mode",
        choices=MODES,
        default="standard",
        help="standard: mouth only; vivid: + eyes, brows, head; master: + breathing, body, moving camera "
        "(default: %(default)s)",
    )
    p.add_argument("--fps", type=float, default=25.0, help="frames per second of the video, 1..120 (default: %(default)g)")
    p.add_argument("--seed", type=int, default=0, help="seed for blinks and head drift")
    p.add_argument("--face", type=int, help="speaker index, left to right (see 'talkingphoto inspect')")
    p.add_argument("--face-at", type=_point, metavar="X,Y", help="a point on the speaker's face, in pixels")
    p.add_argument("--points", help="manual rig: JSON of mouth_left, mouth_right, upper_lip, lower_lip, chin")
    p.add_argument(
        "--mouth-cover",
        choices=MOUTH_COVERS,
        default="auto",
        help="is the speaker's mouth covered (a mask, a scarf), so that it never opens? auto: as the picture looks;"
        " open or covered where that reading is wrong (default: %(default)s)",
    )
    p.add_argument("--max-size", type=int, default=1920, help="cap on the output's long side in px (default: %(default)s)")
    p.add_argument("--text", help="text to read with a built-in voice instead of AUDIO")
    p.add_argument("--text-file", type=Path, help="read the text from a UTF-8 file")
    p.add_argument("--voice", help="built-in voice (see 'talkingphoto voices')")
    p.add_argument("--rate", type=float, help="speaking rate, words per minute")
    p.add_argument("--pitch", type=float, help="voice pitch 0..100")
    p.add_argument("--save-audio", type=Path, help="also keep the synthesised speech as WAV")
    p.add_argument("--mouth", choices=MOUTH_SOURCES, default="auto", help="auto: the learned model, on the voice alone where music plays behind it (default); model: the model on the whole sound; music: the model on the voice, its backing music taken out; signal: the acoustic rules")
    add_motion_arguments(
        p,
        expression_help="how the character feels (default: %(default)s, the picture's own face); standard mode shows"
        " it at the mouth's corners only, vivid and master also in brows, lids, head carriage and motion energy",
    )
    p.add_argument("--max-audio-seconds", type=float, default=1800.0, help="refuse longer audio")
    p.add_argument("--max-text-chars", type=int, default=Limits.max_text_chars, help="refuse longer text")
    p.add_argument("--crf", type=int, default=EncodeOptions.crf, help="H.264 quality 0..51, lower is better (default: %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    text = text_argument(args)
    if text is not None and args.audio is not None:
        raise ParameterError("give AUDIO or --text, not both")
    if text is None and args.audio is None:
        raise ParameterError("give an AUDIO file, or --text \"...\" with --voice NAME")
    if args.audio is not None and (args.voice or args.rate is not None or args.pitch is not None):
        raise ParameterError("--voice, --rate and --pitch read --text aloud; a recording is used as it is")
    job = Job.single(
        args.image,
        args.output,
        audio=args.audio,
        text=text,
        save_audio=args.save_audio,
        mode=args.mode,
        fps=args.fps,
        seed=args.seed,
        face=args.face,
        face_at=args.face_at,
        points=args.points,
        mouth_cover=args.mouth_cover,
        max_size=args.max_size,
        voice=args.voice,
        rate=args.rate,
        pitch=args.pitch,
        mouth=args.mouth,
        **motion_arguments(args),
        max_audio_seconds=args.max_audio_seconds,
        max_text_chars=args.max_text_chars,
        crf=args.crf,
    )
    with ProgressBar(enabled=not args.quiet) as bar:
        result = render_job(job, progress=bar)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if not args.quiet:
        print(summary_line(result))
    return 0

