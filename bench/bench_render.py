"""Render speed and memory: frames/s, real-time factor and peak memory per output size and mode.

    .venv/bin/python bench/bench_render.py [--seconds 20] [--sizes 720 1080]

Each configuration runs in its own process so peak memory (max RSS) is its own. The
"encode-only" row writes the same RGB picture with no animation through the same writer
(colour conversion + H.264 + AAC): the floor any renderer sits on. Use a long --seconds
(e.g. 600) to see that frame memory stays flat: what grows is the decoded audio.
Targets (2-core laptop CPU): 720p vivid real-time factor <= 0.4, within 1.5x of the floor;
master (every pixel moves) faster than real time.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"720": (1280, 720), "1080": (1920, 1080)}


def _scene(size: str, workdir: Path) -> tuple:
    """A 16:9 picture with the bundled portrait in it, and speech of the wanted length."""
    import cv2

    from talkingphoto.media import load_image

    width, height = SIZES[size]
    portrait = load_image(ROOT / "examples" / "portrait.jpg")
    scale = height / portrait.shape[0]
    portrait = cv2.resize(portrait, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    canvas = np.full((height, width, 3), (70, 90, 120), np.uint8)
    x = (width - portrait.shape[1]) // 2
    canvas[:, x : x + portrait.shape[1]] = portrait
    image_path = workdir / f"scene_{size}.png"
    cv2.imwrite(str(image_path), cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    return image_path


def _speech(seconds: float, workdir: Path) -> Path:
    """The bundled speech looped to ``seconds``, as WAV."""
    import wave

    from talkingphoto.media import load_audio

    y, sr = load_audio(ROOT / "examples" / "speech.wav", mono=True)
    reps = int(np.ceil(seconds * sr / len(y)))
    y = np.tile(y, reps)[: int(seconds * sr)]
    path = workdir / f"speech_{seconds:.0f}s.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sr)
        wav.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def run_one(size: str, mode: str, seconds: float) -> dict:
    """One configuration in this process; returns its figures."""
    from talkingphoto import render
    from talkingphoto.media import VideoWriter, load_audio, load_image

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        image_path = _scene(size, workdir)
        audio_path = _speech(seconds, workdir)
        out = workdir / "out.mp4"
        start = time.perf_counter()
        if mode == "encode-only":
            image = load_image(image_path)
            y, sr = load_audio(audio_path, sr=48000)
            n_frames = int(np.ceil(seconds * 25))
            with VideoWriter(out, width=image.shape[1], height=image.shape[0], fps=25, audio=y, sr=sr) as writer:
                for _ in range(n_frames):
                    writer.write(image.copy())
            frames_time = time.perf_counter() - start
        else:
            result = render(image_path, audio_path, out, mode=mode)
            n_frames = result.n_frames
            frames_time = result.timings["frames"]
        total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "size": size,
        "mode": mode,
        "audio_s": seconds,
        "frames": n_frames,
        "fps": n_frames / frames_time,
        "rtf": total / seconds,
        "frame_loop_rtf": frames_time / seconds,
        "peak_mb": peak_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the test speech")
    parser.add_argument("--sizes", nargs="+", default=["720", "1080"], choices=sorted(SIZES))
    parser.add_argument("--modes", nargs="+", default=["encode-only", "standard", "vivid", "master"])
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.seconds)))
        return 0
    rows = []
    for size in args.sizes:
        for mode in args.modes:
            proc = subprocess.run(
                [sys.executable, __file__, "--one", size, mode, "--seconds", str(args.seconds)],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(
                f"{r['size']:>5}p {r['mode']:<12} {r['frames']:5d} frames  {r['fps']:6.1f} fps  "
                f"RTF {r['rtf']:.3f} (frame loop {r['frame_loop_rtf']:.3f})  peak {r['peak_mb']:.0f} MB",
                flush=True,
            )
    for size in args.sizes:
        floor = next((r for r in rows if r["size"] == size and r["mode"] == "encode-only"), None)
        if floor is None:
            continue
        for r in rows:
            if r["size"] == size and r["mode"] != "encode-only":
                print(f"{size}p {r['mode']}: {r['frame_loop_rtf'] / floor['frame_loop_rtf']:.2f}x the encode-only floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
