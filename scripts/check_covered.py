"""Which faces does the covered-mouth test (render._mouth_reading.mouth_covered) take for a mask,
in each picture as it is and in simple variants of it?

    .venv/bin/python scripts/check_covered.py --real PICTURE ... [--covered PICTURE ...]

Prints a table, a picture a row and a variant a column, a mark per face found: ``C`` taken
for covered, ``.`` not, ``-`` no face found. A real mouth must never be ``C`` in any
variant (the script exits 1 if one is); a covered one should be ``C`` as it is (``orig``).
Wesnoth's masked portraits (wesnoth-1.16-data: humans/assassin+female, trapper, huntsman,
orcs/assassin) make the covered set: `apt-get download PACKAGE; dpkg -x PACKAGE.deb DIR`.
"""

import argparse
import sys

import cv2
import numpy as np

# Default real mouths: the repository's own pictures.
REAL = [
    "examples/portrait.jpg",
    "examples/two_faces.jpg",
    "tests/data/images/astronaut.jpg",
    "tests/data/images/freedroidrpg_kevin.png",
    "tests/data/images/wesnoth_mage_female.png",
    "tests/data/images/wesnoth_peasant.png",
    "tests/data/images/wesnoth_footpad.png",
    "tests/data/images/eileen_vhappy.png",
    "tests/data/images/sylvie_green_normal.png",
]


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)


# The variants a real mouth must survive: darkened to 45 %, blurred by 2 pixels, scaled to
# 0.3, black and white, and black and white blurred and halved.
VARIANTS = {
    "orig": lambda image: image,
    "dark": lambda image: (image * 0.45).astype(np.uint8),
    "blur": lambda image: cv2.GaussianBlur(image, (0, 0), 2.0),
    "small": lambda image: cv2.resize(image, None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA),
    "grey": _grey,
    "gbs": lambda image: cv2.resize(
        cv2.GaussianBlur(_grey(image), (0, 0), 2.0), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA
    ),
}


def marks(image: np.ndarray) -> str:
    """``C`` or ``.`` per face found in ``image`` [uint8 RGB], left to right; ``-`` for none
    (also for a variant too small to hold a face)."""
    from talkingphoto.characters import find_faces
    from talkingphoto.errors import ParameterError
    from talkingphoto.render._mouth_reading import mouth_covered

    try:
        faces = find_faces(image)
    except ParameterError:  # a small sprite scaled to 0.3
        return "-"
    return "".join("C" if mouth_covered(image, face) else "." for face in faces) or "-"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", nargs="*", default=REAL, help="pictures whose mouths show")
    parser.add_argument("--covered", nargs="*", default=[], help="pictures whose mouths are covered")
    args = parser.parse_args(argv)
    from talkingphoto.media import load_image

    wrong = 0
    print(f"{'':6s}{'picture':44s}" + "".join(f"{name:>7s}" for name in VARIANTS))
    for kind, paths in (("covered", args.covered), ("real", args.real)):
        for path in paths:
            picture = load_image(path)
            row = [marks(np.ascontiguousarray(variant(picture))) for variant in VARIANTS.values()]
            wrong += kind == "real" and sum("C" in cell for cell in row)
            print(f"{kind[:5]:6s}{path[-44:]:44s}" + "".join(f"{cell:>7s}" for cell in row))
    print(f"real mouths taken for covered: {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
