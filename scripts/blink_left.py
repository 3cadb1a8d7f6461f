"""How much of each eye a vivid blink leaves in view at its peak, head still.

    .venv/bin/python scripts/blink_left.py AUDIO IMAGE [IMAGE ...]

Renders each picture as `talkingphoto render --mode vivid --motion 0 --gaze camera
--blink-rate 30` would, and compares the frame at the first blink's peak with the last
frame before it. Per eye of the speaker: the eye's pixels are those within face mesh's
outline, grown by a pixel, that are unlike the cheek (another hue, more than 15 delta E
from it, and no ink: at most 45 L* darker); those still the same (within 6 delta E) at the
peak are eye left in view (a shut eye shows the skin stretched over it there). Printed:
eye pixels, left in view, and how many of those lie between the mesh's lids and below
the lower lid. An eye with 3 or more left in view is counted as not shut. On small
painted eyes the count is noisy (a shadowed socket is unlike the cheek too): look at the
eyes too (contact_sheet.py --eyes).
"""

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

STILL = 6.0  # delta E: unchanged
LEFT_OPEN = 3  # eye pixels left in view at the peak that count the eye as not shut


def eye_left(before: np.ndarray, peak: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> tuple:
    """(eye pixels, left in view, of those between the lids, below the lower lid) for one
    eye; ``before``, ``peak`` [shape=(h, w, 3), CIE Lab], lids [shape=(n, 2)] in pixels."""
    from talkingphoto.render._eyes import INK_DARKER, _cheek_skin, _eye_axes, _is_skin

    skin = _cheek_skin(before, upper, lower)
    outline = np.zeros(before.shape[:2], np.uint8)
    cv2.fillPoly(outline, [np.round(np.vstack([upper, lower[::-1]])).astype(np.int32)], 1)
    grown = cv2.dilate(outline, np.ones((3, 3), np.uint8)) > 0
    unlike = (np.linalg.norm(before - skin, axis=2) > 15) & ~_is_skin(before, skin)
    eye = grown & unlike & (before[..., 0] >= skin[0] - INK_DARKER)
    left = eye & (np.linalg.norm(peak - before, axis=2) < STILL)
    _, up = _eye_axes(upper, lower)
    ys, xs = np.mgrid[: before.shape[0], : before.shape[1]]
    below = (np.dstack([xs, ys]) - np.vstack([upper, lower]).mean(0)) @ up < 0
    inside = left & (outline > 0)
    return int(eye.sum()), int(left.sum()), int(inside.sum()), int((left & ~inside & below).sum())


def main() -> int:
    from talkingphoto.characters import topology as topo
    from talkingphoto.errors import TalkingPhotoError
    from talkingphoto.job import Job
    from talkingphoto.pipeline import frame_at
    from talkingphoto.render._colour import _lab
    from talkingphoto.scene import build_scene

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", type=Path)
    parser.add_argument("images", type=Path, nargs="+")
    args = parser.parse_args()
    eyes = not_shut = 0
    for path in args.images:
        job = Job.single(path, Path("unused.mp4"), audio=args.audio, mode="vivid", motion=0, gaze="camera", blink_rate=30, seed=1)
        try:
            scene = build_scene(job)
        except TalkingPhotoError as exc:
            print(f"{path.parent.name}/{path.name}: {exc}".splitlines()[0])
            continue
        actor = scene.actors[0]
        blink = actor.motion.blink
        peak = int(np.argmax(blink))
        before = int(np.flatnonzero(blink[:peak] <= 0.001)[-1]) if (blink[:peak] <= 0.001).any() else 0
        lab_before, lab_peak = _lab(frame_at(scene, before)), _lab(frame_at(scene, peak))
        lm = scene.speaker.landmarks[:, :2].astype(np.float64)
        rig = actor.animator.rig
        text = []
        for side, upper, lower in (("right", topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER), ("left", topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER)):
            if rig.lids == "still" or side in rig.still_eyes or side in rig.shut_eyes:
                text.append(f"{side} still")
                continue
            n, left, inside, below = eye_left(lab_before, lab_peak, lm[list(upper)], lm[list(lower)])
            eyes += 1
            not_shut += left >= LEFT_OPEN
            text.append(f"{side} {left} of {n} left ({inside} between the lids, {below} below)")
        print(f"{path.parent.name}/{path.name}: " + ", ".join(text), flush=True)
    print(f"not shut at the peak: {not_shut} of {eyes} blinking eyes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
