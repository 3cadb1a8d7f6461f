"""voice stage."""

from ._align import Phone, align_phones, align_words
from ._features import AcousticFeatures, acoustic_features, resample_frames

__all__ = ["Phone", "align_phones", "align_words", "AcousticFeatures", "acoustic_features", "resample_frames"]
