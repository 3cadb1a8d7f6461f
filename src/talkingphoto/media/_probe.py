"""What a media file holds, read from its headers (and a packet count, no decoding)."""

from dataclasses import dataclass

import av

from ..errors import ParameterError
from ._sources import open_source

__all__ = ["MediaInfo", "probe_media"]


@dataclass(frozen=True)
class MediaInfo:
    """Streams and sizes of a media file; None where the file has no such stream.

    Attributes
    ----------
    duration : float
        Seconds, the longest stream.
    video_duration, audio_duration : float or None
        Seconds of each stream, to check that they end together.
    fps : float or None
        Average frame rate.
    video_codec, audio_codec : str or None
        FFmpeg codec names, e.g. "h264", "aac".
    pix_fmt : str or None
        e.g. "yuv420p".
    """

    duration: float
    has_video: bool
    width: int | None
    height: int | None
    fps: float | None
    n_video_frames: int | None
    video_codec: str | None
    pix_fmt: str | None
    video_duration: float | None
    has_audio: bool
    audio_codec: str | None
    sample_rate: int | None
    channels: int | None
    audio_duration: float | None


def probe_media(path) -> MediaInfo:
    """Read the streams of ``path`` (first video and first audio stream).

    Raises
    ------
    ParameterError
        The file is missing or not a media file FFmpeg can read.
    """
    name = str(path)
    source = open_source(path, kind="media", error=ParameterError)
    try:
        container = av.open(source)
    except av.FFmpegError as exc:
        raise ParameterError(f"{name} is not a media file FFmpeg can read ({exc})") from exc
    with container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        fields = {name: None for name in MediaInfo.__dataclass_fields__}
        del fields["duration"]
        fields.update(has_video=video is not None, has_audio=audio is not None)
        if video is not None:
            n_frames = video.frames or _count_packets(container, video)
            rate = video.average_rate or video.guessed_rate
            fields.update(
                width=video.codec_context.width,
                height=video.codec_context.height,
                fps=float(rate) if rate else None,
                n_video_frames=n_frames,
                video_codec=video.codec_context.name,
                pix_fmt=video.codec_context.pix_fmt,
                video_duration=_seconds(video),
            )
        if audio is not None:
            fields.update(
                audio_codec=audio.codec_context.name,
                sample_rate=audio.codec_context.sample_rate,
                channels=audio.codec_context.channels,
                audio_duration=_seconds(audio),
            )
        spans = [d for d in (fields["video_duration"], fields["audio_duration"]) if d is not None]
        if container.duration is not None:
            spans.append(container.duration / av.time_base)
        return MediaInfo(duration=max(spans, default=0.0), **fields)


def _seconds(stream):
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _count_packets(container, stream) -> int:
    """Frame count for containers whose header lacks it: count packets (no decoding)."""
    n = sum(1 for packet in container.demux(stream) if packet.size)
    container.seek(0)
    return n
