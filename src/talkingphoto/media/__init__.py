"""Media I/O: pictures and sound in, MP4 (H.264 + AAC) out.

Decoding goes through Pillow (pictures) and PyAV (sound, any FFmpeg format); encoding
through PyAV's libx264 and AAC. Inputs are checked before heavy work: huge pictures and
over-long recordings are refused from their headers.
"""

from ._audio import (AUDIBLE_DBFS, QUIET_DBFS, check_audible, check_sample_rate, lift_quiet, load_audio, loudest_dbfs,
                     mono_at, resample)  # fmt: skip
from ._color import i420_planes, i420_to_rgb, paste_i420, rgb_to_i420, rgb_to_yuv444, yuv444_to_i420
from ._image import IMAGE_FORMATS, Picture, fit_picture, fit_size, load_image, load_image_with_alpha, load_picture
from ._probe import MediaInfo, probe_media
from ._writer import AUDIO_SR, VideoWriter, check_not_an_input, check_output_path

__all__ = [
    "IMAGE_FORMATS",
    "load_image",
    "load_image_with_alpha",
    "load_picture",
    "Picture",
    "fit_size",
    "fit_picture",
    "load_audio",
    "check_audible",
    "loudest_dbfs",
    "lift_quiet",
    "QUIET_DBFS",
    "resample",
    "mono_at",
    "check_sample_rate",
    "AUDIBLE_DBFS",
    "probe_media",
    "MediaInfo",
    "VideoWriter",
    "check_output_path",
    "check_not_an_input",
    "AUDIO_SR",
    "rgb_to_i420",
    "i420_to_rgb",
    "i420_planes",
    "paste_i420",
    "rgb_to_yuv444",
    "yuv444_to_i420",
]
