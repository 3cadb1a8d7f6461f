"""Jobs per minute for a batch of short clips with 1 and 2 workers (threads, and processes to compare).

    .venv/bin/python bench/bench_jobs.py [--clips 10] [--image PATH] [--audio PATH] [--mode standard]

Uses the real renderer (talkingphoto.pipeline.render_job). Threads are what the studio and
``talkingphoto batch`` use; the process run shows what isolating each render would cost or gain.
"""

import argparse
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from talkingphoto.job import Job
from talkingphoto.jobs import BatchItem, default_renderer, render_atomically, run_batch

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def _items(args, out_dir: Path) -> list:
    return [
        BatchItem(
            line=i + 1,
            job=Job.single(args.image, out_dir / f"clip{i:02d}.mp4", audio=args.audio, mode=args.mode, seed=i),
        )
        for i in range(args.clips)
    ]


def _render_one(job) -> None:
    render_atomically(default_renderer(), job)


def _threads(args, workers: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        items = _items(args, Path(scratch))
        start = time.perf_counter()
        results = run_batch(items, workers=workers)
        seconds = time.perf_counter() - start
    failed = [r for r in results if r.status != "done"]
    if failed:
        raise SystemExit(f"{len(failed)} clips failed, first: {failed[0].error}")
    return seconds


def _processes(args, workers: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        items = _items(args, Path(scratch))
        start = time.perf_counter()
        context = multiprocessing.get_context("spawn")  # fork after threads/mediapipe is unsafe
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(_render_one, [item.job for item in items]))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=10)
    parser.add_argument("--image", type=Path, default=DATA / "images" / "grace_hopper.jpg")
    parser.add_argument("--audio", type=Path, default=DATA / "audio" / "goforward.wav")
    parser.add_argument("--mode", default="standard")
    parser.add_argument("--no-processes", action="store_true", help="skip the process-pool comparison")
    args = parser.parse_args()

    print(f"{args.clips} clips of {args.image.name} + {args.audio.name}, mode {args.mode}")
    print(f"{'runner':<10}{'workers':>8}{'seconds':>10}{'jobs/min':>10}")
    runs = [("threads", 1, _threads), ("threads", 2, _threads)]
    if not args.no_processes:
        runs.append(("processes", 2, _processes))
    for name, workers, run in runs:
        seconds = run(args, workers)
        print(f"{name:<10}{workers:>8}{seconds:>10.1f}{60 * args.clips / seconds:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
