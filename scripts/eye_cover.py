"""How much of each iris a full blink leaves in view (vivid mode, head still).

    .venv/bin/python scripts/eye_cover.py IMAGE [IMAGE ...]

For each eye of the first face: the iris's colours are those inside the mesh's iris disk
in the picture, less their darkest 30% (pupil, lashes) and any within 20 (delta E) of the
cheek's skin. The pixels of those colours (within 6) are counted inside the eye's region
(the mesh's outline, 1.2x along the eye and 1.6x across it: a rendered eye is bigger) in the
picture and in the frame posed with ``blink=1``; the share is the second over the first
(0 = covered; about 1 = open; it can pass 1 where a squashed lash line matches the iris).
Only meaningful for irises unlike the skin (blue, green, grey); for brown eyes in brown
skin the pupil's share counts instead: pixels darker than a third of the cheek's lightness
in the region, shut over open.

Then how skin-like the closed lid is: in the same region of the shut frame, the mean
distance (delta E) of its pixels from the cheek's median colour, and the share of them
darker than it by more than 25 (L*): a shadowed slab or a smudge of pupil, not a crease line.
"""

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

EYES = ("right", "left")


def eye_region(lm: np.ndarray, upper: list, lower: list, shape: tuple) -> np.ndarray:
    """Bool mask [shape=(h, w)] of the mesh's eye outline grown 1.2x along, 1.6x across."""
    outline = lm[list(upper) + list(lower)[::-1]]
    centre = outline.mean(0)
    along = (outline[len(upper) - 1] - outline[0]) / max(float(np.linalg.norm(outline[len(upper) - 1] - outline[0])), 1e-6)
    across = np.array([-along[1], along[0]])
    rel = outline - centre
    grown = centre + np.outer(1.2 * rel @ along, along) + np.outer(1.6 * rel @ across, across)
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(grown).astype(np.int32)], 1)
    return mask > 0


def iris_share(image: np.ndarray, shut: np.ndarray, lm: np.ndarray) -> dict:
    """{"right"|"left": (share in view at blink 1, iris pixels in the picture's region,
    pupil's share in view, closed lid's mean delta E from the cheek, its share darker than
    the cheek by 25)}."""
    from talkingphoto.characters import topology as topo
    from talkingphoto.render._colour import _lab

    before, after = _lab(image), _lab(shut)
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]]
    shares = {}
    sides = (
        (topo.RIGHT_EYE_UPPER, topo.RIGHT_EYE_LOWER, topo.RIGHT_IRIS),
        (topo.LEFT_EYE_UPPER, topo.LEFT_EYE_LOWER, topo.LEFT_IRIS),
    )
    for side, (upper, lower, iris) in zip(EYES, sides):
        centre = lm[iris[0]]
        radius = float(np.mean(np.linalg.norm(lm[list(iris[1:])] - centre, axis=1)))
        colours = before[(xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= radius**2]
        colours = colours[colours[:, 0] > np.percentile(colours[:, 0], 30)]
        eye = lm[list(upper) + list(lower)]
        width = float(np.ptp(eye[:, 0]))
        x0, x1 = int(eye[:, 0].min()), int(eye[:, 0].max()) + 1
        y0 = int(eye[:, 1].max() + 0.15 * width)
        cheek = before[y0 : y0 + max(2, int(0.3 * width)), x0:x1].reshape(-1, 3)
        skin = np.median(cheek[cheek[:, 0] >= np.median(cheek[:, 0])], axis=0)
        colours = colours[np.linalg.norm(colours - skin, axis=1) > 20]
        region = eye_region(lm, upper, lower, image.shape)

        def count(lab: np.ndarray) -> int:
            pixels = lab[region]
            if len(colours) == 0:
                return 0
            nearest = np.min(np.linalg.norm(pixels[:, None] - colours[None], axis=2), axis=1)
            return int((nearest < 6).sum())

        total = count(before)
        lid, cheek = after[region], np.median(cheek, axis=0)  # all of the cheek: not its highlight
        distance = float(np.linalg.norm(lid - cheek, axis=1).mean())
        dark = float((lid[:, 0] < cheek[0] - 25).mean())
        pupil = int((before[region][:, 0] < cheek[0] / 3).sum())
        pupil = float((lid[:, 0] < cheek[0] / 3).sum()) / max(pupil, 1)
        shares[side] = (count(after) / max(total, 1), total, pupil, distance, dark)
    return shares


def main() -> int:
    from talkingphoto.characters import find_faces
    from talkingphoto.media import load_image
    from talkingphoto.render import FaceAnimator, Pose

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", type=Path, nargs="+")
    args = parser.parse_args()
    for path in args.images:
        image = load_image(path)
        faces = find_faces(image)
        if not faces:
            print(f"{path.name}: no face found")
            continue
        animator = FaceAnimator(image, faces[0], whole_face=True, head_motion=False)
        shut = image.copy()
        animator.apply(shut, Pose(blink=1.0))
        shares = iris_share(image, shut, faces[0].landmarks[:, :2].astype(np.float64))
        text = ", ".join(
            f"{side} {share:.2f} of {n} px, pupil {pupil:.2f}, lid dE {distance:.1f} dark {dark:.2f}"
            for side, (share, n, pupil, distance, dark) in shares.items()
        )
        print(f"{path.parent.name}/{path.name}: {text}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
