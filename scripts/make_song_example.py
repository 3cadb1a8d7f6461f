"""Write examples/song.mp3: the example's read sentence over a backing track that repeats.

    .venv/bin/python scripts/make_song_example.py

The backing is made here (a two-second bar of four chords, a kick on every beat and a
hi-hat between, played over and over), the voice is examples/speech.wav 6 dB over it, from
two seconds in, and the music plays on two seconds after. It shows what `--mouth music` is
for: the learned model hearing the whole mix opens the mouth to the chords.
"""

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from talkingphoto.media import load_audio  # noqa: E402

SR = 16000
INTRO, OUTRO = 2.0, 2.0  # s of music before and after the voice
VOICE_OVER_MUSIC_DB = 6.0


def backing(seconds: float) -> np.ndarray:
    """Four chords a bar (0.5 s each, three notes with two overtones), a kick on each beat and
    a short noise hi-hat on each off-beat, the bar repeated."""
    rng = np.random.default_rng(0)
    beat = np.arange(SR // 2) / SR
    hat = np.zeros(len(beat))
    hat[SR // 4 : SR // 4 + 800] = rng.standard_normal(800) * np.exp(-np.arange(800) / 120)
    bar = []
    for root in (220.0, 174.6, 261.6, 196.0):
        chord = sum(np.sin(2 * np.pi * root * r * h * beat) / h for r in (1, 1.25, 1.5) for h in (1, 2, 3))
        kick = np.sin(2 * np.pi * 60 * beat) * np.exp(-30 * beat)
        bar.append(0.05 * chord * np.exp(-3 * beat) + 0.3 * kick + 0.05 * hat)
    return np.tile(np.concatenate(bar), int(np.ceil(seconds / 2)))[: int(seconds * SR)]


def level(y: np.ndarray) -> float:
    """RMS where ``y`` sounds (over a twentieth of its peak)."""
    return float(np.sqrt(np.mean(y[np.abs(y) > 0.05 * np.abs(y).max()] ** 2)))


def write_mp3(path: Path, y: np.ndarray) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libmp3lame", rate=SR)
        stream.layout, stream.bit_rate = "mono", 48000
        samples = (np.clip(y, -1, 1) * 32767).astype(np.int16)
        for start in range(0, len(samples), 1152):
            frame = av.AudioFrame.from_ndarray(samples[None, start : start + 1152], format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = SR, start, Fraction(1, SR)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def main() -> None:
    voice, _ = load_audio(ROOT / "examples/speech.wav", sr=SR, mono=True)
    voice = voice.astype(np.float64)
    music = backing(INTRO + len(voice) / SR + OUTRO)
    start = int(INTRO * SR)
    music[start : start + len(voice)] += voice * level(music) * 10 ** (VOICE_OVER_MUSIC_DB / 20) / level(voice)
    write_mp3(ROOT / "examples/song.mp3", 0.9 * music / np.abs(music).max())
    print("wrote examples/song.mp3", f"({len(music) / SR:.1f} s)")


if __name__ == "__main__":
    main()
