"""Forced alignment of a known English transcript with pocketsphinx.

Gives word and ARPAbet phone times for measuring lip sync (and for English text-driven
mouth shapes). pocketsphinx 5 ships its US English acoustic model and CMUdict inside the
wheel, so this runs offline. Two decoding passes are needed: the first aligns words, the
second (after ``set_alignment()``) aligns phones. ``Decoder.hyp()`` must not be called
after the second pass: it crashes the interpreter.
"""

import re
from dataclasses import dataclass

import numpy as np

from ..errors import AudioError, MissingDependencyError, ParameterError, VoiceError
from ..media import resample
from ..units import ANALYSIS_SR

__all__ = ["Phone", "align_phones", "align_words"]

_SR = ANALYSIS_SR
_FRAME_RATE = 100.0  # pocketsphinx reports 10 ms frames
_SILENCE = "SIL"
_AUDIBLE_RMS = 1e-3  # -60 dBFS: quieter "speech" is an alignment to silence
# Phones whose closure makes no sound: at the edge of a run of speech, silence is theirs.
_STOPS = {"P", "B", "T", "D", "K", "G", "CH", "JH"}
_WIDE_BEAMS = {"beam": 1e-80, "wbeam": 1e-60, "pbeam": 1e-80}


@dataclass(frozen=True)
class Phone:
    """One aligned segment: a phone (ARPAbet without stress, or ``"SIL"``) or a word.

    Attributes
    ----------
    start, end : float
        Seconds from the start of the audio; ``end`` is exclusive.
    label : str
        ARPAbet phone such as ``"AA"``, ``"M"``; ``"SIL"`` for silence and noise; for
        words, the lower-case word.
    """

    start: float
    end: float
    label: str


def align_phones(y: np.ndarray, *, sr: int, transcript: str) -> list:
    """Phone times of ``transcript`` spoken in ``y``.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
        Mono speech.
    sr : int
        Sample rate of ``y`` in Hz (resampled to 16 kHz internally).
    transcript : str
        What is said, in English words (punctuation and case are ignored; numbers must
        be written out).

    Returns
    -------
    list[Phone]
        Contiguous, in time order, covering the audio, silences labelled ``"SIL"``.
        Empty if the speech cannot be aligned to the transcript.
    """
    return _align(y, sr=sr, transcript=transcript)[1]


def align_words(y: np.ndarray, *, sr: int, transcript: str) -> list:
    """Word times of ``transcript`` spoken in ``y``, as :class:`Phone` with word labels.

    Silences are left out. Empty if the speech cannot be aligned.
    """
    return _align(y, sr=sr, transcript=transcript)[0]


def _align(y: np.ndarray, *, sr: int, transcript: str) -> tuple:
    try:
        import pocketsphinx
    except ImportError as exc:
        raise MissingDependencyError(
            "forced alignment needs pocketsphinx: pip install 'pocketsphinx>=5'"
        ) from exc
    pcm = _to_pcm16(y, sr)
    words = _words(transcript)
    # The default beams suit most recordings; on some (e.g. after a lossy codec) the phone
    # pass then fails outright and wide beams succeed, while on others it is the reverse.
    for beams in ({}, _WIDE_BEAMS):
        decoder = pocketsphinx.Decoder(samprate=_SR, lm=None, loglevel="FATAL", **beams)
        unknown = [word for word in words if decoder.lookup_word(word) is None]
        if unknown:
            raise VoiceError(
                f"transcript words not in the English pronouncing dictionary: {', '.join(unknown)}; "
                "spell them as they sound or write numbers out"
            )
        alignment = _two_passes(decoder, pcm, words)
        if alignment is not None and _audible(alignment, pcm):
            break
    else:
        return [], []
    word_list, phone_list = [], []
    for word in alignment.words():
        name = re.sub(r"\(\d+\)$", "", word.name)
        if name.startswith("<") or name.startswith("["):
            continue
        word_list.append(Phone(word.start / _FRAME_RATE, (word.start + word.duration) / _FRAME_RATE, name))
    for phone in alignment.phones():
        label = phone.name if phone.name.isalpha() and phone.name.isupper() else _SILENCE
        if label in ("SIL", "NSN", "SPN"):
            label = _SILENCE  # noise and filler phones count as silence for the mouth
        phone_list.append(Phone(phone.start / _FRAME_RATE, (phone.start + phone.duration) / _FRAME_RATE, label))
    return word_list, _heard_runs(phone_list, np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0)


def _heard_runs(phones: list, samples: np.ndarray) -> list:
    """``phones`` with each run of speech starting and ending where there is sound.

    Where a recording starts (or a pause ends) in digital silence too short for the silence
    model, pocketsphinx stretches the first phone over it: Asterisk's "thank you" had its TH
    over the 80 ms of -96 dBFS before the voice, "hello world" its HH over 40. The 10 ms
    frames quieter than ``_AUDIBLE_RMS`` at the edges of a run become silence, except at a
    stop (``_STOPS``), whose closure is silent; a run with no frame that loud is left as
    aligned.
    """
    n = len(samples) // int(_SR / _FRAME_RATE)
    frames = samples[: n * int(_SR / _FRAME_RATE)].reshape(n, -1)
    loud = np.sqrt(np.mean(frames**2, axis=1)) > _AUDIBLE_RMS
    out = []
    k = 0
    while k < len(phones):
        if phones[k].label == _SILENCE:
            out.append(phones[k])
            k += 1
            continue
        stop = next((j for j in range(k, len(phones)) if phones[j].label == _SILENCE), len(phones))
        run = phones[k:stop]
        first, last = round(run[0].start * _FRAME_RATE), round(run[-1].end * _FRAME_RATE)
        heard = np.flatnonzero(loud[first:last])
        start, end = run[0].start, run[-1].end
        if len(heard) and run[0].label not in _STOPS:
            start = (first + heard[0]) / _FRAME_RATE
        if len(heard) and run[-1].label not in _STOPS:
            end = (first + heard[-1] + 1) / _FRAME_RATE
        if start > run[0].start:
            out.append(Phone(run[0].start, start, _SILENCE))
        out += [Phone(max(p.start, start), min(p.end, end), p.label) for p in run if min(p.end, end) > max(p.start, start)]
        if end < run[-1].end:
            out.append(Phone(end, run[-1].end, _SILENCE))
        k = stop
    merged = []
    for phone in out:  # neighbouring silences as one
        if merged and phone.label == _SILENCE == merged[-1].label:
            merged[-1] = Phone(merged[-1].start, phone.end, _SILENCE)
        else:
            merged.append(phone)
    return merged


def _two_passes(decoder, pcm: bytes, words: list):
    """Word pass, then phone pass; the Alignment, or None if either finds no path."""
    try:
        decoder.set_align_text(" ".join(words))
        _decode(decoder, pcm)
        segments = decoder.seg()
        if segments is None or not any(segment.word not in ("<s>", "</s>", "<sil>") for segment in segments):
            return None
        decoder.set_alignment()
        _decode(decoder, pcm)
        alignment = decoder.get_alignment()
    except RuntimeError:
        return None  # the search found no path through the transcript
    if alignment is None or not any(True for _ in alignment.phones()):
        return None
    return alignment


def _audible(alignment, pcm: bytes) -> bool:
    """Whether the stretch aligned to words holds sound (wide beams align text to silence)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    spoken = [w for w in alignment.words() if not w.name.startswith(("<", "["))]
    if not spoken:
        return False
    first = spoken[0].start * _SR // int(_FRAME_RATE)
    last = (spoken[-1].start + spoken[-1].duration) * _SR // int(_FRAME_RATE)
    stretch = samples[first:last]
    return len(stretch) > 0 and float(np.sqrt(np.mean(stretch**2))) > _AUDIBLE_RMS


def _decode(decoder, pcm: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()


def _words(transcript: str) -> list:
    if not isinstance(transcript, str):
        raise ParameterError(f"transcript must be a string, got {type(transcript).__name__}")
    words = re.findall(r"[a-z]+(?:'[a-z]+)*", transcript.lower())
    if not words:
        raise ParameterError(f"transcript has no words to align: {transcript!r}; pass the text that is spoken")
    return words


def _to_pcm16(y: np.ndarray, sr: int) -> bytes:
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.floating):
        raise AudioError(f"audio must be mono float in -1..1 with shape (n_samples,), got {y.dtype} {y.shape}")
    if not (isinstance(sr, (int, np.integer)) and sr >= 8000):
        raise ParameterError(f"sr must be an integer sample rate of at least 8000 Hz, got {sr!r}")
    y = y.astype(np.float64)
    y = resample(y, orig_sr=int(sr), target_sr=_SR)
    return (np.clip(y, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
