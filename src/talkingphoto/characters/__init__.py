"""Finding characters in the picture and describing their faces."""

from . import topology
from ._face import N_LANDMARKS, Face

__all__ = ["Face", "N_LANDMARKS", "topology"]
