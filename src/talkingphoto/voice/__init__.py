"""voice stage."""

from ._espeak import espeak_variants
from ._speech import Phoneme, Speech, Voice, save_wav
from ._voices import find_voice, list_voices, speak

__all__ = ["Voice", "Phoneme", "Speech", "speak", "list_voices", "find_voice", "espeak_variants", "save_wav"]
