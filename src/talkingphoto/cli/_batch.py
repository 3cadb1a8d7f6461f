"""``talkingphoto batch MANIFEST --out-dir DIR``: many renders, resumable, on threads or Ray."""

import time
from pathlib import Path

from ..errors import ParameterError
from ..jobs import read_manifest, run_batch, run_batch_on_ray
from ._progress import BatchProgress


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "batch",
        help="render every line of a manifest (.jsonl or .csv)",
        description="Render many videos from a manifest: one JSON object per line (.jsonl) or one row "
        "per video (.csv) with 'image' and 'audio' (or 'text' and 'voice'), optionally 'mode', 'face', "
        "'out' (a file name inside --out-dir) and other render options. Paths are relative to the "
        "manifest. Finished outputs are skipped, so rerunning resumes and retries the failed ones.",
    )
    p.add_argument("manifest", type=Path, help="a .jsonl or .csv file")
    p.add_argument("--out-dir", type=Path, required=True, help="where the videos go")
    p.add_argument("--workers", type=int, default=1, help="renders at once on this computer")
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="run on a Ray cluster instead ('auto' or host:port; needs pip install 'talkingphoto[ray]')",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _summary(results, seconds: float) -> str:
    rows = [("line", "output", "status", "time", "reason")]
    for result in results:
        took = f"{result.seconds:.1f}s" if result.status in ("done", "failed") else ""
        why = result.error or "; ".join(f"note: {note}" for note in result.notes)
        rows.append((str(result.item.line), result.item.job.output.name, result.status, took, why))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4] for row in rows]
    lines[0] = lines[0].rstrip()
    counts = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    told = ", ".join(f"{counts[s]} {s}" for s in ("done", "skipped", "failed", "cancelled") if s in counts)
    lines.append(f"{told} in {seconds:.1f}s")
    return "\n".join(line.rstrip() for line in lines)


def run(args) -> int:
    if args.workers < 1:
        raise ParameterError(f"--workers must be at least 1, got {args.workers}")
    items = read_manifest(args.manifest, out_dir=args.out_dir)
    progress = BatchProgress(enabled=not args.quiet)
    start = time.monotonic()
    try:
        if args.ray:
            results = run_batch_on_ray(items, address=args.ray, on_progress=progress)
        else:
            results = run_batch(items, workers=args.workers, on_progress=progress)
    finally:
        progress.close()
    print(_summary(results, time.monotonic() - start))
    return 1 if any(result.status in ("failed", "cancelled") for result in results) else 0
