"""Finding characters in the picture and describing their faces.

``find_faces(image)`` runs the detection chain (face mesh, full-range detector + mesh,
animeface + mesh, and a frontal cat's face when these found none) and returns every face
left to right, ``doubtful_faces`` those the mesh does not understand (animals, monsters,
things); ``face_from_points`` rigs anything else from a few clicked points; ``choose_face``
picks the speaker; ``draw_overlay`` shows what will move; ``person_mask`` separates the
characters from their background (master mode). Landmark index sets live in :mod:`.topology`.
"""

from . import topology
from ._anime import AnimeParts, detect_anime, has_big_eyes, refine_with_anime
from ._choose import NO_FACE_HELP, POINTS_FORMAT, choose_face
from ._face import N_LANDMARKS, Face
from ._finder import DETECT_SIDE, FaceFinder, FinderOptions, doubtful_faces, find_faces
from ._overlay import draw_overlay
from ._person import has_cutout, person_mask
from ._points import OPTIONAL_POINTS, REQUIRED_POINTS, face_from_points, load_points, points_face, validate_points
from ._style import colour_steps, guess_style, style_features
from ._template import canonical_face

__all__ = [
    "Face",
    "N_LANDMARKS",
    "topology",
    "FaceFinder",
    "FinderOptions",
    "find_faces",
    "doubtful_faces",
    "DETECT_SIDE",
    "AnimeParts",
    "detect_anime",
    "has_big_eyes",
    "refine_with_anime",
    "face_from_points",
    "points_face",
    "load_points",
    "validate_points",
    "REQUIRED_POINTS",
    "OPTIONAL_POINTS",
    "choose_face",
    "NO_FACE_HELP",
    "POINTS_FORMAT",
    "guess_style",
    "style_features",
    "colour_steps",
    "draw_overlay",
    "person_mask",
    "has_cutout",
    "canonical_face",
]
