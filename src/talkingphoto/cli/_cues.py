"""``talkingphoto cues AUDIO|--text ... -o cues.tsv|cues.json``: the mouth track alone, for animators.

Writes Rhubarb Lip Sync's TSV or JSON, so 2D tools that read Rhubarb files can use it.
With --text the built-in voice's own phoneme timing gives exact cues; with AUDIO the
learned audio-to-mouth model's visemes do, on the voice alone where backing music plays
behind it (``--mouth signal``: the older acoustic rules).
"""

import sys
from pathlib import Path

from ..errors import ParameterError
from ..motion import MOUTH_SOURCES, MUSIC_HEARD, cues_from_learned, cues_from_phones, cues_from_track, write_cues
from ..units import ANALYSIS_SR, seconds_to_frames
from ..voice import MAX_CHARS
from ._text import text_argument

_TRACK_FPS = 100.0  # cue times are in centiseconds: analyse on the same grid


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "cues",
        help="export mouth shapes (Rhubarb A-H, X) for 2D animation",
        description="Write the mouth shapes of AUDIO, or of --text read by --voice, as Rhubarb Lip Sync TSV or JSON.",
    )
    p.add_argument("audio", type=Path, nargs="?", help="speech recording: wav, mp3, m4a, ogg, flac...")
    p.add_argument("-o", "--output", type=Path, required=True, help="cues.tsv or cues.json")
    p.add_argument("--text", help="text to read with a built-in voice instead of AUDIO")
    p.add_argument("--text-file", type=Path, help="read the text from a UTF-8 file")
    p.add_argument("--voice", help="built-in voice (see 'talkingphoto voices')")
    p.add_argument("--rate", type=float, help="speaking rate, words per minute")
    p.add_argument("--pitch", type=float, help="voice pitch 0..100")
    p.add_argument("--save-audio", type=Path, help="also keep the synthesised speech as WAV")
    p.add_argument("--mouth", choices=MOUTH_SOURCES, default="auto", help="auto: the learned model, on the voice alone where music plays behind it (default); model: the model on the whole sound; music: the model on the voice, its backing music taken out; signal: the acoustic rules")
    p.add_argument("--extended-shapes", default="GHX", help="optional shapes to use, any of G, H, X (default GHX)")
    p.add_argument("--max-audio-seconds", type=float, default=1800.0, help="refuse longer audio")
    p.add_argument("--max-text-chars", type=int, default=MAX_CHARS, help="refuse longer text")
    p.set_defaults(func=run)


def run(args) -> int:
    text = text_argument(args)
    if (text is None) == (args.audio is None):
        raise ParameterError("give an AUDIO file or --text \"...\" (with --voice NAME), not both or neither")
    if args.output.suffix.lower() not in (".tsv", ".txt", ".json"):
        raise ParameterError(f"cannot tell the cue format of {args.output}: name it .tsv or .json")
    idle = "X" if "X" in args.extended_shapes.upper() else "A"
    if text is not None:
        from ..voice import save_wav, speak

        speech = speak(text, voice=args.voice, rate=args.rate, pitch=args.pitch, max_chars=args.max_text_chars)
        sound_file = ""
        if args.save_audio is not None:
            save_wav(args.save_audio, speech.y, sr=speech.sr)
            sound_file = str(args.save_audio.resolve())
        cues = cues_from_phones(speech.phones, duration=speech.duration, extended_shapes=args.extended_shapes)
    else:
        if args.save_audio is not None:
            raise ParameterError("--save-audio keeps synthesised speech: use it with --text")
        from ..media import load_audio
        from ..motion import learned_mouth, mouth_source, mouth_track, song_mouth

        y, sr = load_audio(args.audio, sr=ANALYSIS_SR, mono=True, max_seconds=args.max_audio_seconds)
        duration = len(y) / sr
        source = mouth_source(y, sr=sr, source=args.mouth)
        if args.mouth == "auto" and source == "music":
            print(f"note: {MUSIC_HEARD.format(where='')}; if there is none, give --mouth model", file=sys.stderr)
        if source in ("model", "music"):
            mouth = (song_mouth if source == "music" else learned_mouth)(y, sr=sr)
            cues = cues_from_learned(mouth, duration=duration, extended_shapes=args.extended_shapes)
        else:
            track = mouth_track(y, sr=sr, fps=_TRACK_FPS, n_frames=seconds_to_frames(duration, fps=_TRACK_FPS))
            cues = cues_from_track(track, duration=duration, extended_shapes=args.extended_shapes)
        sound_file = str(args.audio.resolve())
    write_cues(cues, args.output, sound_file=sound_file, idle=idle)
    print(f"wrote {args.output} ({len(cues)} mouth cues, {cues[-1].end:.2f} s)")
    return 0
