"""What an upload really is, judged by its first bytes rather than its name or declared type."""

from dataclasses import dataclass

__all__ = ["UploadLimits", "describe_content", "sniff_audio", "sniff_image"]

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """Largest inputs the studio accepts, so one request cannot fill the disk or the memory.

    Attributes
    ----------
    image_bytes, audio_bytes : int
        Largest picture and audio file.
    text_chars : int
        Longest text to read.
    audio_seconds : float
        Longest speech rendered (recording or text read aloud).
    """

    image_bytes: int = 20 * MB
    audio_bytes: int = 50 * MB
    text_chars: int = 5000
    audio_seconds: float = 600.0

    @property
    def request_bytes(self) -> int:
        """Largest whole request: both files plus room for the form fields."""
        return self.image_bytes + self.audio_bytes + MB


def sniff_image(head: bytes) -> str | None:
    """File suffix for a picture's first bytes (the formats the renderer reads:
    ``media.IMAGE_FORMATS``), else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[:2] == b"BM" and head[6:10] == bytes(4):  # the header's reserved bytes are zero
        return ".bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return ".tif"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return ".gif"
    return None


def sniff_audio(head: bytes) -> str | None:
    """File suffix for the first bytes of a recording in a format the decoder reads, else None.

    WAV, AIFF, FLAC, Ogg (Vorbis/Opus), MP3, MP4/M4A and WebM/Matroska (what browsers record).
    """
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return ".wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return ".aiff"
    if head.startswith(b"fLaC"):
        return ".flac"
    if head.startswith(b"OggS"):
        return ".ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return ".mp3"
    if head[4:8] == b"ftyp":
        return ".m4a"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ".webm"
    return None


def describe_content(head: bytes) -> str:
    """A few words on what a refused upload looks like, for the error message."""
    if sniff_image(head):
        return "a picture"
    if sniff_audio(head):
        return "audio"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive"
    if head and all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return "text"
    return "an unknown kind of file"
