"""Render speed and memory: frames/s, real-time factor and peak memory per output size and mode.

    .venv/bin/python bench/bench_render.py [--seconds 20] [--sizes 720 1080]

Each configuration runs in its own process so peak memory (max RSS) is its own. The
"encode-only" row writes the same RGB picture with no animation through the same writer
(colour conversion + H.264 + AAC): the floor any renderer sits on. Use a long --seconds
(e.g. 600) to see that frame memory stays flat: what grows is the decoded audio.
Targets (2-core laptop CPU): 720p vivid real-time factor <= 0.4, within 1.5x of the floor;
master (every pixel moves) faster than real time. ``--threads`` adds where the CPU went, per
thread (Linux: read from /proc while the render runs; set-up included): the frame loop's
main thread (the faces), the stage's, the encoder's and every native thread (x264's, OpenCV's
and any BLAS library's workers, which show up there when they spin).
"""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
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


class ThreadClock:
    """CPU seconds of each thread of this process, sampled every ``period`` seconds from
    /proc while in the block (a thread that ends keeps its last sample): {name: seconds},
    threads without a Python name as "native"."""

    def __init__(self, period: float = 0.1):
        self.period = period
        self.seen = {}  # tid -> (name, cpu seconds)
        self._stop = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        names = {str(t.native_id): t.name for t in threading.enumerate()}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            name = names.get(tid, self.seen.get(tid, ("native",))[0])
            self.seen[tid] = (name, (int(fields[11]) + int(fields[12])) / self._tick)

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self._sample()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, name="ThreadClock", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def totals(self) -> dict:
        out = {}
        for name, cpu in self.seen.values():
            out[name] = out.get(name, 0.0) + cpu
        return dict(sorted(out.items(), key=lambda item: -item[1]))


def run_one(size: str, mode: str, seconds: float, *, threads: bool = False) -> dict:
    """One configuration in this process; returns its figures."""
    from talkingphoto import render
    from talkingphoto.media import VideoWriter, load_audio, load_image

    clock = ThreadClock() if threads else contextlib.nullcontext()
    with tempfile.TemporaryDirectory() as tmp, clock:
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
        "threads_ms_per_frame": {k: 1000 * v / n_frames for k, v in clock.totals().items()} if threads else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the test speech")
    parser.add_argument("--sizes", nargs="+", default=["720", "1080"], choices=sorted(SIZES))
    parser.add_argument("--modes", nargs="+", default=["encode-only", "standard", "vivid", "master"])
    parser.add_argument("--threads", action="store_true", help="also print each thread's CPU per frame (Linux)")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.seconds, threads=args.threads)))
        return 0
    rows = []
    for size in args.sizes:
        for mode in args.modes:
            proc = subprocess.run(
                [sys.executable, __file__, "--one", size, mode, "--seconds", str(args.seconds)]
                + (["--threads"] if args.threads else []),
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
            if r["threads_ms_per_frame"]:
                parts = [f"{name} {ms:.1f}" for name, ms in r["threads_ms_per_frame"].items() if ms >= 0.5]
                print(f"        CPU ms per frame by thread: {', '.join(parts)}", flush=True)
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
