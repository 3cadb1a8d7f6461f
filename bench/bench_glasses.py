"""How still glasses across the brows stay while the brows move, and how far the brows move.

    .venv/bin/python bench/bench_glasses.py [--picture grace_hopper.jpg] [--expressions surprised neutral]

Poses the picture (default tests/data/images/grace_hopper.jpg, whose cat-eye frames lie on
her brows) saying LibriVox line 0870 in vivid mode, once per expression, with the face's
warp alone (the head held still, so that only the brows, lids and mouth move), and prints
over the frames the share of the frame's top rim that changes (the 6 rows under the top
edge that render/_glasses.rim_line finds, all along it) and of the forehead 12 rows above
that edge (where the brows rise), by more than 10 grey levels. Target: the rim under 1% in
every frame; the forehead well above it (the face must not go still).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
LINE = DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav"
CHANGED = 10  # grey levels
RIM_ROWS = 6  # rows under the top edge: grace's top rim is about as thick
ABOVE = 12  # rows above the top edge: grace's brows


def main() -> int:
    from talkingphoto.job import Job
    from talkingphoto.render._glasses import rim_line
    from talkingphoto.scene import build_scene

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picture", type=Path, default=DATA / "images" / "grace_hopper.jpg")
    parser.add_argument("--expressions", nargs="+", default=["surprised", "neutral"])
    args = parser.parse_args()
    print(f"{args.picture.name}, vivid, face warp alone: share of pixels changed by more than {CHANGED} levels")
    print(f"{'expression':<10} {'rim median':>10} {'rim max':>8} {'above median':>13} {'above max':>10}")
    for expression in args.expressions:
        job = Job.single(args.picture, ROOT / "unused.mp4", audio=LINE, mode="vivid", expression=expression)
        scene = build_scene(job)
        (actor,) = scene.actors
        image = scene.image
        rim = rim_line(image, actor.animator.face)
        if not len(rim):
            print(f"{expression:<10} no glasses found")
            continue
        rows = np.round(rim[:, 1]).astype(int)[:, None] + np.arange(RIM_ROWS)
        columns = np.repeat(np.round(rim[:, 0]).astype(int)[:, None], RIM_ROWS, axis=1)
        on_rim, above = [], []
        for i in range(scene.n_frames):
            frame = image.copy()
            pose, _ = actor.pose(i)
            actor.animator.apply(frame, pose, None)
            changed = np.abs(frame.astype(np.int16) - image).max(axis=2) > CHANGED
            on_rim.append(changed[rows, columns].mean())
            above.append(changed[rows - ABOVE, columns].mean())
        rim_figures = f"{np.median(on_rim):>10.1%} {np.max(on_rim):>8.1%}"
        print(f"{expression:<10} {rim_figures} {np.median(above):>13.1%} {np.max(above):>10.1%}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
