"""Measure the lip sync of a rendered video against its speech.

Usage::

    python -m talkingphoto.evaluation VIDEO --transcript "go forward ten meters" [--audio AUDIO] [--json]

The speech is aligned to the transcript (English), the expected mouth opening is built
from the phones, the lips are re-detected in every frame, and the figures are printed.
Without ``--audio`` the video's own soundtrack is used.
"""

import argparse
import json
import sys
from pathlib import Path

from ..errors import TalkingPhotoError, VoiceError

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m talkingphoto.evaluation", description="Measure the lip sync of a rendered video."
    )
    parser.add_argument("video", type=Path, help="rendered video (MP4)")
    parser.add_argument("--audio", type=Path, help="speech recording (default: the video's soundtrack)")
    text = parser.add_mutually_exclusive_group(required=True)
    text.add_argument("--transcript", help="the words spoken, in English")
    text.add_argument("--transcript-file", type=Path, help="text file holding the words spoken")
    parser.add_argument("--max-lag", type=int, default=5, help="largest lag searched, in frames (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def evaluate_video(video, *, audio=None, transcript: str, max_lag: int = 5):
    """Lip-sync report of ``video`` (a path) against ``transcript`` spoken in ``audio`` (a path)."""
    from ..media import load_audio
    from ..units import ANALYSIS_SR
    from ..voice import align_phones
    from . import lipsync_report, measure_video_openness, reference_openness
    from ._video import video_fps

    y, sr = load_audio(audio if audio is not None else video, sr=ANALYSIS_SR, mono=True)
    phones = align_phones(y, sr=sr, transcript=transcript)
    if not phones:
        raise VoiceError("the speech could not be aligned to the transcript; check that it is what is said")
    openness = measure_video_openness(video)
    fps = video_fps(video)
    reference = reference_openness(phones, fps=fps, n_frames=len(openness))
    return lipsync_report(openness, reference, phones, fps=fps, max_lag=max_lag)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.transcript_file is not None:
            try:
                transcript = args.transcript_file.read_text(encoding="utf-8")
            except OSError as exc:
                raise VoiceError(f"cannot read transcript file {args.transcript_file}: {exc.strerror}") from exc
        else:
            transcript = args.transcript
        report = evaluate_video(args.video, audio=args.audio, transcript=transcript, max_lag=args.max_lag)
    except TalkingPhotoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"correlation at lag 0    {report.correlation:.3f}")
        print(f"best lag (+ = late)     {report.best_lag:+d} frames ({report.best_correlation:.3f})")
        print(f"M/B/P closures          {report.closure_rate:.0%} of {report.n_bilabials}")
        print(f"frames with a face      {report.valid_fraction:.0%} of {report.n_frames}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
