"""What a built-in voice is, and what it gives back: audio with its own phoneme timing."""

import wave
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._atomic import atomic_output
from ..errors import ParameterError

__all__ = ["Voice", "Phoneme", "Speech", "SILENCE", "save_wav", "check_wav_path"]

SILENCE = ""  # IPA label of pauses, leading silence and gaps between phonemes


@dataclass(frozen=True)
class Voice:
    """A text-to-speech voice available offline.

    Attributes
    ----------
    name : str
        What ``--voice`` takes: the espeak-ng voice file name (``"cmn"``, ``"en-us"``,
        ``"yue"``), optionally with an espeak-ng variant (``"en-us+f3"``), or a Piper
        model name (``"en_US-joe-medium"``).
    language : str
        Main language as a lower-case BCP-47-like tag (``"cmn"``, ``"en-us"``).
    engine : str
        ``"espeak-ng"`` or ``"piper"``.
    gender : str or None
        ``"male"``, ``"female"``, or None when unknown.
    sample_rate : int
        Hz of the audio the voice produces.
    title : str
        Human-readable description (``"Chinese (Mandarin, latin as English)"``).
    languages : tuple of str
        Every language tag the voice serves (``("cmn", "zh-cmn", "zh")``); ``--lang``
        filters on these.
    """

    name: str
    language: str
    engine: str
    gender: str | None
    sample_rate: int
    title: str = ""
    languages: tuple = ()

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        d = asdict(self)
        d["languages"] = list(self.languages)
        return d


class Phoneme(NamedTuple):
    """One phoneme of synthesised speech and where it sits in the audio.

    A named tuple, so ``for start, end, ipa in speech.phones`` works and plain
    ``(start, end, ipa)`` tuples from elsewhere are accepted wherever phonemes are.

    Attributes
    ----------
    start, end : float
        Seconds from the start of the audio; ``end`` is exclusive.
    ipa : str
        IPA symbol(s) as the synthesiser names them, stress marks included
        (``"ˈoʊ"``, ``"tɕ"``); :data:`SILENCE` (``""``) for pauses.
    """

    start: float
    end: float
    ipa: str


@dataclass(frozen=True)
class Speech:
    """Synthesised speech and its phoneme timing.

    Attributes
    ----------
    y : np.ndarray [shape=(n_samples,), dtype=float32, range -1..1]
        Mono audio.
    sr : int
        Sample rate of ``y`` in Hz.
    phones : tuple of Phoneme
        Contiguous and in time order, from 0 to the end of the audio; silences are
        phonemes labelled :data:`SILENCE`.
    voice : Voice
        The voice that spoke.
    """

    y: np.ndarray
    sr: int
    phones: tuple
    voice: Voice

    @property
    def duration(self) -> float:
        """Length of the audio in seconds."""
        return len(self.y) / self.sr

    def framed(self, before: float, after: float) -> "Speech":
        """This speech with at least ``before`` seconds of silence before its first sound
        and ``after`` after its last (its own leading and trailing pauses count): a video of
        it opens on the picture at rest and lets the last word finish, rather than starting
        mid-word as the synthesisers do (espeak-ng begins within 30 ms)."""
        phones = list(self.phones)
        lead = phones[0].end if phones and phones[0].ipa == SILENCE else 0.0
        tail = self.duration - phones[-1].start if phones and phones[-1].ipa == SILENCE else 0.0
        before = int(round(max(0.0, before - lead) * self.sr))
        after = int(round(max(0.0, after - tail) * self.sr))
        if not before and not after:
            return self
        shift = before / self.sr
        phones = [Phoneme(p.start + shift, p.end + shift, p.ipa) for p in phones]
        duration = (before + len(self.y) + after) / self.sr
        if before:
            first = phones.pop(0) if phones and phones[0].ipa == SILENCE else None
            phones.insert(0, Phoneme(0.0, first.end if first else shift, SILENCE))
        if phones and phones[-1].ipa == SILENCE:
            phones[-1] = Phoneme(phones[-1].start, duration, SILENCE)
        elif after:
            phones.append(Phoneme(phones[-1].end if phones else 0.0, duration, SILENCE))
        y = np.concatenate([np.zeros(before, np.float32), self.y, np.zeros(after, np.float32)])
        return replace(self, y=y, phones=tuple(phones))


def check_wav_path(path) -> Path:
    """``path`` as a Path, refused unless it names a .wav file (what :func:`save_wav` writes)."""
    path = Path(path)
    if path.suffix.lower() != ".wav":
        raise ParameterError(f"saved speech is WAV: name the file .wav, not {path.name!r}")
    return path


def save_wav(path, y: np.ndarray, *, sr: int) -> Path:
    """Write speech as 16-bit PCM WAV, atomically (a failed write leaves no file).

    Parameters
    ----------
    path : str or os.PathLike
    y : np.ndarray [shape=(n_samples,) or (channels, n_samples), float, range -1..1]
    sr : int
    """
    path = check_wav_path(path)
    pcm = (np.clip(np.atleast_2d(np.asarray(y, dtype=np.float32)).T, -1.0, 1.0) * 32767).astype("<i2")
    with atomic_output(path, what="audio") as handle, wave.open(handle, "wb") as out:
        out.setnchannels(pcm.shape[1])
        out.setsampwidth(2)
        out.setframerate(int(sr))
        out.writeframes(pcm.tobytes())
    return path
