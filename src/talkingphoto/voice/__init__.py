"""voice stage."""

from ._align import Phone, align_phones, align_words
from ._espeak import espeak_variants
from ._features import AcousticFeatures, acoustic_features, resample_frames
from ._music import Backing, SongVoice, backing_music, song_voice
from ._speech import Phoneme, Speech, Voice, check_wav_path, save_wav
from ._voices import MAX_CHARS, find_voice, list_voices, speak

__all__ = ["Voice", "Phoneme", "Speech", "speak", "list_voices", "find_voice", "espeak_variants", "save_wav"]
__all__ += ["check_wav_path", "MAX_CHARS"]
__all__ += ["Phone", "align_phones", "align_words", "AcousticFeatures", "acoustic_features", "resample_frames"]
__all__ += ["Backing", "SongVoice", "backing_music", "song_voice"]
