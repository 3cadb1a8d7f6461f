"""Decoding any common audio (or a video's sound track) to float arrays, and the silence check."""

import math

import av
import numpy as np

from ..errors import AudioError, ParameterError
from ._sources import describe, open_source

__all__ = ["load_audio", "check_audible", "loudest_dbfs", "lift_quiet", "resample", "mono_at", "check_sample_rate"]

# Loudest 50 ms window must reach -60 dBFS RMS to count as sound. 16-bit dither and digital
# silence sit near -96 dBFS and a quiet room's noise floor around -65 dBFS, while speech
# recorded far too quietly (peaks at -30 dBFS) still has 50 ms windows near -45 dBFS.
AUDIBLE_DBFS = -60.0
_WINDOW_SECONDS = 0.05
# Analyses hear a recording whose loudest 50 ms is quieter than this raised to it (lift_quiet).
# Recordings as people make them reach -22 to -9 dBFS (tests/data, the examples, the Asterisk
# prompts); LibriVox 0870 turned down by 40 dB (-55) lost half its lip closures to the mouth
# model and most of its opening to the acoustic rules' fixed silence gate.
QUIET_DBFS = -30.0


def resample(y: np.ndarray, *, orig_sr: int, target_sr: int) -> np.ndarray:
    """``y`` at ``target_sr`` Hz (polyphase filtering along the last axis; dtype kept).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n), float]
    orig_sr, target_sr : int
    """
    if orig_sr == target_sr:
        return y
    from scipy.signal import resample_poly

    g = math.gcd(int(orig_sr), int(target_sr))
    return resample_poly(y, int(target_sr) // g, int(orig_sr) // g, axis=-1).astype(y.dtype, copy=False)


def mono_at(y: np.ndarray, *, sr: int, target_sr: int) -> np.ndarray:
    """Mono float audio handed to an analysis, checked and at ``target_sr`` Hz as float32.

    Raises
    ------
    AudioError
        ``y`` is not one channel of floats.
    ParameterError
        ``sr`` is not a sample rate from 4 kHz to 384 kHz.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.floating):
        raise AudioError(f"audio must be mono float in -1..1 with shape (n_samples,), got {y.dtype} {y.shape}")
    check_sample_rate(sr)
    return resample(y.astype(np.float64), orig_sr=int(sr), target_sr=target_sr).astype(np.float32)


def check_sample_rate(sr) -> None:
    """Refuse (ParameterError) an ``sr`` that is not a whole number of Hz from 4 kHz to 384 kHz."""
    if not (isinstance(sr, (int, np.integer)) and 4000 <= sr <= 384000):
        raise ParameterError(f"sr must be an integer sample rate between 4000 and 384000 Hz, got {sr!r}")


def load_audio(source, *, sr=None, mono: bool = False, max_seconds: float = 1800.0) -> tuple:
    """Decode the first audio stream of any file FFmpeg reads (wav, mp3, m4a/aac, ogg, opus, flac, mp4...).

    Long inputs are refused from the container's declared duration before decoding, and
    decoding also stops as soon as it passes ``max_seconds``, so a mislabelled 3-hour file
    fails in moments instead of filling memory.

    Parameters
    ----------
    source : str, os.PathLike or bytes
        A file path, or the file's bytes.
    sr : int or None
        Output sample rate; None keeps the file's own.
    mono : bool
        Average the channels into one.
    max_seconds : float
        Longest recording accepted.

    Returns
    -------
    y : np.ndarray [shape=(n,) if mono else (channels, n), dtype=float32, range -1..1]
    sr : int

    Raises
    ------
    AudioError
        Missing file, undecodable data, no audio stream, no samples, or longer than ``max_seconds``.
    """
    if sr is not None and (isinstance(sr, bool) or not isinstance(sr, (int, np.integer)) or not 1000 <= sr <= 384000):
        raise ParameterError(f"sr must be None (keep the file's rate) or an integer 1000..384000 Hz, got {sr!r}")
    if isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)) or not max_seconds > 0:
        raise ParameterError(f"max_seconds must be a positive number, got {max_seconds!r}")
    name = describe(source)
    fp = open_source(source, kind="audio", error=AudioError)
    try:
        container = av.open(fp, mode="r")
    except av.FFmpegError as exc:
        raise AudioError(
            f"{name} is not an audio or video file FFmpeg can read ({_reason(exc)}); convert it to WAV, MP3 or FLAC"
        ) from exc
    with container:
        if not container.streams.audio:
            raise AudioError(f"{name} has no audio stream; give a file with sound")
        stream = container.streams.audio[0]
        declared = _declared_seconds(container, stream)
        if declared is not None and declared > max_seconds:
            raise AudioError(_too_long(name, declared, max_seconds))
        try:
            y, native_sr = _decode(container, stream, sr=sr, name=name, max_seconds=max_seconds)
        except av.FFmpegError as exc:
            raise AudioError(
                f"audio in {name} is corrupt or unsupported ({_reason(exc)}); re-export it as WAV or FLAC"
            ) from exc
    if y.shape[1] == 0:
        raise AudioError(f"{name} contains no audio samples; give a file with sound")
    if mono:
        y = y.mean(axis=0)
    return np.clip(y, -1.0, 1.0, out=y), int(sr or native_sr)


def _decode(container, stream, *, sr, name: str, max_seconds: float) -> tuple:
    """All samples of ``stream`` as float32 [shape=(channels, n)] at ``sr`` (None: native)."""
    resampler = None
    chunks = []
    native_sr = None
    decoded = 0  # samples at the native rate
    for frame in container.decode(stream):
        if resampler is None:
            native_sr = frame.sample_rate
            # Planar float at the requested rate; the layout stays the file's (mono is our own mean).
            resampler = av.AudioResampler(format="fltp", layout=frame.layout, rate=sr or native_sr)
        decoded += frame.samples
        if decoded > max_seconds * native_sr:
            raise AudioError(_too_long(name, None, max_seconds))
        chunks.extend(f.to_ndarray() for f in _resample(resampler, frame, name))
    if resampler is None:
        return np.zeros((max(1, stream.channels), 0), np.float32), stream.sample_rate
    chunks.extend(f.to_ndarray() for f in _resample(resampler, None, name))
    channels = max(1, len(resampler.layout.channels))
    if not chunks:
        return np.zeros((channels, 0), np.float32), native_sr
    return np.concatenate(chunks, axis=1).astype(np.float32, copy=False), native_sr


def _resample(resampler, frame, name: str) -> list:
    try:
        return resampler.resample(frame)
    except ValueError as exc:
        # PyAV refuses frames whose rate or layout changes mid-stream.
        raise AudioError(f"audio in {name} changes format mid-stream ({exc}); re-export it as WAV or FLAC") from exc


def _declared_seconds(container, stream):
    """Duration the file claims in its headers (None if it does not say)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _too_long(name: str, seconds, max_seconds: float) -> str:
    length = "runs" if seconds is None else f"lasts {_clock(seconds)},"
    return f"audio {name} {length} longer than the limit of {_clock(max_seconds)}: trim it, split it, or raise the limit (--max-audio-seconds)"


def _clock(seconds: float) -> str:
    seconds = math.ceil(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def loudest_dbfs(y: np.ndarray, *, sr: int) -> float:
    """RMS level of the loudest 50 ms of mono ``y`` [shape=(n,), float], in dBFS (-inf for
    digital silence); shorter audio is measured whole."""
    # Mean power of 25 ms blocks; a 50 ms window is two neighbouring blocks (no big temporaries).
    half = max(1, int(round(_WINDOW_SECONDS * sr / 2)))
    n_blocks = len(y) // half
    if n_blocks < 2:
        power = float(np.mean(np.asarray(y, np.float64) ** 2)) if len(y) else 0.0
    else:
        blocks = y[: n_blocks * half].reshape(n_blocks, half)
        power = np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / half
        power = float(np.max(power[1:] + power[:-1])) / 2
    return 10 * math.log10(power) if power > 0 else -math.inf


def lift_quiet(y: np.ndarray, *, sr: int) -> np.ndarray:
    """Mono ``y`` [shape=(n,), float] as an analysis hears it: as it is at ordinary levels;
    if its loudest 50 ms, DC offset removed, is quieter than ``QUIET_DBFS`` (a far or
    turned-down microphone), without its DC offset and scaled to reach it.

    The mouth and head analyses were made on recordings at ordinary levels; turned down 40 dB
    the same speech lost the mouth's closures, though only its level had changed.
    """
    centred = y - y.mean() if len(y) else y
    level = loudest_dbfs(centred, sr=sr)
    if not (-math.inf < level < QUIET_DBFS):
        return y
    return (centred * 10 ** ((QUIET_DBFS - level) / 20)).astype(y.dtype, copy=False)


def check_audible(y: np.ndarray, *, sr: int, name: str = "the audio") -> None:
    """Raise if ``y`` holds no audible sound, so nobody renders a silent talking head.

    The test is the RMS of the loudest 50 ms window against -60 dBFS (see ``AUDIBLE_DBFS``):
    a window, not the whole file, so a quiet recording that is mostly pauses passes on its
    loudest word; RMS, not the peak, so dither and stray low-level noise do not.

    Parameters
    ----------
    y : np.ndarray [shape=(n,) or (channels, n), dtype=float, range -1..1]
    sr : int
    name : str
        What to call the audio in the error message.

    Raises
    ------
    AudioError
        Empty or silent audio.
    """
    y = np.asarray(y, dtype=np.float32)
    if y.ndim not in (1, 2):
        raise ParameterError(f"audio must have shape (n,) or (channels, n), got {y.shape}")
    if y.size == 0:
        raise AudioError(f"{name} is empty (no samples): give a recording with speech")
    level = loudest_dbfs(y if y.ndim == 1 else y.mean(axis=0), sr=sr)
    if level < -120.0:  # below any real recording's noise floor: nothing to measure
        raise AudioError(f"{name} is silent (no sound at all): check the file and the recording level")
    if level < AUDIBLE_DBFS:
        raise AudioError(
            f"{name} is silent: its loudest 50 ms is {level:.0f} dBFS, below the {AUDIBLE_DBFS:.0f} dBFS "
            "needed; check the file and the recording level"
        )
