"""``talkingphoto inspect IMAGE [--json] [-o overlay.png]``: which characters can speak."""

import json
import shlex
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..media import IMAGE_FORMATS


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "inspect",
        help="list the characters found in a picture (and draw them)",
        description=(
            "List every face found in IMAGE, left to right: index (for render --face), box, "
            "detector, confidence and style. -o draws the meshes that will move."
        ),
    )
    p.add_argument("image", type=Path, help=f"picture: {IMAGE_FORMATS}")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help="write an overlay PNG: meshes, lips, eyes, index numbers (drawn at the size faces are "
        "looked for: pictures over 3840 px come out halved or smaller)",
    )
    p.add_argument("--points", type=Path, help="check a manual rig JSON instead of detecting faces")
    p.set_defaults(func=run)


def describe_faces(faces: list, covered: list, doubtful: list, *, speaker: int | None = None) -> list:
    """JSON-ready description of each face: index, box, detector, confidence, style, mouth,
    whether its mouth looks covered (``covered``, one flag per face), whether it is
    probably no face the mesh understands (``doubtful``, one flag per face) and whether it
    speaks when no face is chosen (its index is ``speaker``)."""
    from ..characters import topology as topo

    items = []
    for face, mouth_covered, unsure in zip(faces, covered, doubtful):
        lips = np.concatenate([topo.LIPS_UPPER_INNER, topo.LIPS_LOWER_INNER])
        mouth = face.landmarks[lips, :2].mean(0)
        items.append(
            {
                "index": face.index,
                "box": [int(v) for v in face.box],
                "detector": face.detector,
                "confidence": round(float(face.confidence), 3),
                "style": face.style,
                "mouth": [round(float(mouth[0]), 1), round(float(mouth[1]), 1)],
                "mouth_covered": bool(mouth_covered),
                "doubtful": bool(unsure),
                "speaks_by_default": face.index == speaker,
            }
        )
    return items


def _write_png(path: Path, image: np.ndarray) -> None:
    from PIL import Image

    if path.suffix.lower() != ".png":
        raise OutputError(f"overlay {path} must end in .png")
    try:
        Image.fromarray(image).save(path, format="PNG")
    except OSError as exc:
        raise OutputError(f"cannot write overlay {path}: {exc}") from exc


def run(args) -> int:
    from ..characters import DETECT_SIDE, POINTS_FORMAT, choose_face, doubtful_faces, draw_overlay, find_faces, points_face
    from ..media import load_picture
    from ..render._mouth_reading import looks_covered

    # The pixels a render looks at, so the faces and their order are the ones --face counts.
    picture = load_picture(args.image, reduce_to=DETECT_SIDE)
    if args.points is not None:
        seen = [points_face(args.points, picture)]
    else:
        seen = find_faces(picture.image)
    if args.output is not None:
        _write_png(args.output, draw_overlay(picture.image, seen))
    faces = seen if picture.scale == 1 else [face.scaled(1 / picture.scale) for face in seen]

    doubtful = doubtful_faces(picture.image, seen)
    items = describe_faces(
        faces,
        [looks_covered(picture.image, face) for face in seen],
        [face.index in doubtful for face in seen],
        speaker=choose_face(faces).index if faces else None,
    )
    if args.json:
        print(json.dumps(items, indent=2))
        return 0
    if not faces:
        print(
            f"{args.image}: no face found in the picture; mark the mouth by hand in FILE.json, {POINTS_FORMAT}; "
            f"check it with: talkingphoto inspect {shlex.quote(str(args.image))} --points FILE.json -o overlay.png, "
            "then render with --points FILE.json"
        )
    else:
        print(f"{args.image}: {len(faces)} character{'s' if len(faces) != 1 else ''} found, left to right")
        for item in items:
            x, y, w, h = item["box"]
            print(
                f"  {item['index']:>2}  box x={x} y={y} w={w} h={h}  {item['detector']}"
                f"  confidence {item['confidence']:.2f}  {item['style']}"
                + ("  speaks unless --face or --face-at picks another" if item["speaks_by_default"] and len(faces) > 1 else "")
                + ("  mouth looks covered: it stays shut (--mouth-cover open if it shows)" if item["mouth_covered"] else "")
                + (
                    "  may not be a human face: if the overlay puts its mouth in the wrong place, mark it with --points"
                    if item["doubtful"]
                    else ""
                )
                + (
                    "  a cat's face, its points placed from the box: if the overlay puts its mouth in the wrong place, "
                    "mark it with --points"
                    if item["detector"] == "catface"
                    else ""
                )
            )
    if args.output is not None:
        print(f"overlay written to {args.output}")
    return 0
