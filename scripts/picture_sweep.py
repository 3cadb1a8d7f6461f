"""Many pictures at a glance: what the engine finds in each and how its face moves.

    .venv/bin/python scripts/picture_sweep.py PICTURE_OR_FOLDER ... -o sweep.png [--mode vivid]

Builds each picture's scene with the bundled speech (as `talkingphoto render` would) and
prints a line per picture: found (face, detector, notes), refused (the one-line error a user
gets) or crashed (with the traceback). The PNG has a row per picture found: the face as
drawn, at its widest mouth, in a full blink and with the lips pressed, so a person can spot
a mouth in the wrong place, a lid painted over hair or a mask that opens (render_all.py
sends each through the whole pipeline instead). Exits 1 if anything crashed. A folder of new
pictures finds what the tests do not: Naev's portraits (Debian naev-data) showed animeface's
eye boxes painting skin over half a face, and a false face chosen over the real one.
"""

import argparse
import sys
import tempfile
import traceback
from pathlib import Path

import cv2
import numpy as np
from render_all import pictures

SPEECH = Path(__file__).resolve().parents[1] / "examples" / "speech.wav"
TILE = 200


def face_row(scene, name: str) -> np.ndarray:
    """The speaker's face as drawn, at its widest mouth, in a full blink and with its lips
    pressed: four square tiles side by side, labelled."""
    from talkingphoto.pipeline import frame_at
    from talkingphoto.render._rig import Pose

    actor = scene.actors[0]
    points = actor.animator.face.landmarks[:, :2]
    (x0, y0), (x1, y1) = points.min(0), points.max(0)
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, 0.75 * max(x1 - x0, y1 - y0)
    blink = scene.image.copy()
    actor.animator.apply(blink, Pose(blink=1.0))
    frames = [scene.image, frame_at(scene, int(np.argmax(actor.mouth.open))), blink,
              frame_at(scene, int(np.argmax(actor.mouth.press)))]  # fmt: skip
    height, width = scene.image.shape[:2]
    box = (slice(max(0, int(cy - r)), min(height, int(cy + r))), slice(max(0, int(cx - r)), min(width, int(cx + r))))
    row = np.hstack([cv2.resize(frame[box], (TILE, TILE), interpolation=cv2.INTER_AREA) for frame in frames])
    cv2.putText(row, f"{name} {actor.animator.look.style}", (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 0), 1)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="pictures, or folders searched for them")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the grid, a PNG")
    parser.add_argument("--mode", default="vivid", choices=["standard", "vivid", "master"])
    args = parser.parse_args()

    from talkingphoto.errors import TalkingPhotoError
    from talkingphoto.job import Job
    from talkingphoto.scene import build_scene

    rows, counts = [], {"found": 0, "refused": 0, "crashed": 0}
    with tempfile.TemporaryDirectory() as folder:
        for picture in pictures(args.paths):
            try:
                scene = build_scene(Job.single(picture, Path(folder) / "out.mp4", audio=SPEECH, mode=args.mode))
                rows.append(face_row(scene, picture.stem))
            except TalkingPhotoError as error:
                counts["refused"] += 1
                print(f"refused  {picture.name}: {error}")
                continue
            except Exception:
                counts["crashed"] += 1
                print(f"CRASHED  {picture.name}")
                traceback.print_exc()
                continue
            counts["found"] += 1
            face = scene.actors[0].animator.face
            notes = " | ".join(scene.notes)
            print(f"found    {picture.name}: face {face.index} by {face.detector}{' | ' + notes if notes else ''}")
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()))
    if rows:
        cv2.imwrite(str(args.output), cv2.cvtColor(np.vstack(rows), cv2.COLOR_RGB2BGR))
        print(f"wrote {args.output} ({len(rows)} rows)")
    return 1 if counts["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
