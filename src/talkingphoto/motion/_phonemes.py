"""The phoneme-to-mouth table, and mouth shapes from timed phonemes.

This module holds the project's one table from phonemes (IPA, X-SAMPA-like espeak-ng
spellings, ARPAbet) to mouth controls and Rhubarb visemes. It serves twice: the
built-in voices' exact-timing path (:func:`mouth_track_from_phones`), and the labels
the learned audio-to-mouth model was trained on (``training/``), so both move the
mouth alike.

When a built-in voice speaks, the synthesiser says which phoneme sounds when, so the
mouth need not be guessed from the audio. Each phoneme gets an articulatory target
(:class:`Target`: how open, how spread or rounded, lips pressed or not, lower lip on
the upper teeth, tongue tip showing); targets are laid on a 1 ms
timeline and blended with a Gaussian, because lips move continuously from one target
to the next (coarticulation). M, B and P are guaranteed a closed frame: a lip-reader
notices a missing closure at once, and at 25 fps a 40 ms closure can fall between two
frame instants.

Labels are IPA as espeak-ng and Piper write them, English and Mandarin included
(espeak-ng writes retroflex ``s.``, ``ts.``, apical ``i.``, aspirated ``ph``, and
multi-letter finals such as ``iou`` or ``onɡ``), or ARPAbet (``"AA1"``, ``"M"``) as
forced aligners give. Unknown symbols get a neutral half-open shape.
"""

import math
import unicodedata
from typing import NamedTuple

import numpy as np

from ..errors import ParameterError
from ._tracks import MouthTrack

__all__ = [
    "Target", "VISEMES", "mouth_track_from_phones", "mouth_targets", "viseme", "viseme_track", "known_phoneme",
    "is_vowel", "ipa_to_arpabet", "ARPABET_TO_IPA",
]  # fmt: skip

VISEMES = "ABCDEFGHX"  # Rhubarb Lip Sync's mouth shapes, see motion/_cues.py
_RATE = 1000.0  # timeline samples per second
_SIGMA_S = 0.028  # coarticulation blur of open and spread (s)
_PRESS_SIGMA_S = 0.012  # lips close and part faster than the jaw moves; also lip-teeth and tongue


class Target(NamedTuple):
    """Articulatory target of one sound, in :class:`MouthTrack` units.

    ``open`` 0..1 inner-lip gap, ``spread`` -1 (rounded OO) .. +1 (spread EE), ``press``
    0..1 lips shut (M/B/P), ``fv`` 0..1 lower lip under the upper teeth (F/V), ``tongue``
    0..1 tongue tip showing (L, TH).
    """

    open: float
    spread: float
    press: float
    fv: float = 0.0
    tongue: float = 0.0


_UNKNOWN = Target(0.40, 0.0, 0.0)
_REST = Target(0.0, 0.0, 0.0)  # silence: lips together, relaxed
_UNSTRESSED = 0.85  # unstressed vowels open less than stressed ones

# Vowels: (open 0..1, spread -1..1). Open follows the viseme classes of the lip-reading
# literature (open vowels widest, close vowels narrow); spread is +1 for spread lips
# (i, e), -1 for rounded and protruded lips (u, o, y).
_VOWELS = {
    "i": (0.30, 0.80), "y": (0.28, -0.75), "ɨ": (0.30, 0.30), "ʉ": (0.30, -0.60), "ɯ": (0.32, 0.10),
    "u": (0.30, -0.90), "ɪ": (0.40, 0.50), "ʏ": (0.38, -0.50), "ʊ": (0.40, -0.50),
    "e": (0.50, 0.55), "ø": (0.45, -0.55), "ɘ": (0.42, 0.10), "ɵ": (0.42, -0.40), "ɤ": (0.50, 0.10),
    "o": (0.55, -0.70), "ə": (0.45, 0.00), "ɚ": (0.40, -0.20), "ɛ": (0.60, 0.35), "œ": (0.58, -0.40),
    "ɜ": (0.45, -0.15), "ɞ": (0.50, -0.30), "ʌ": (0.65, 0.00), "ɔ": (0.75, -0.50), "æ": (0.80, 0.35),
    "ɐ": (0.65, 0.00), "a": (0.90, 0.10), "ɶ": (0.85, -0.30), "ɑ": (0.90, 0.00), "ɒ": (0.85, -0.30),
}  # fmt: skip

# Consonants: (open, spread, press, fv, tongue). Lips shut for bilabials, lower lip on
# the upper teeth for f/v, tongue tip between or behind the teeth for th and l, teeth
# nearly together for sibilants, jaw half raised for other tongue consonants.
_CONSONANTS = {
    "p": (0.0, 0.0, 1.0), "b": (0.0, 0.0, 1.0), "m": (0.0, 0.0, 1.0),
    "ɸ": (0.06, 0.0, 0.5), "β": (0.06, 0.0, 0.5), "ʙ": (0.0, 0.0, 0.9), "ɱ": (0.06, 0.0, 0.0, 0.8),
    "f": (0.08, 0.0, 0.0, 1.0), "v": (0.08, 0.0, 0.0, 1.0), "ʋ": (0.12, 0.0, 0.0, 0.6),
    "θ": (0.18, 0.10, 0.0, 0.0, 0.6), "ð": (0.18, 0.10, 0.0, 0.0, 0.6),
    "s": (0.12, 0.30, 0.0), "z": (0.12, 0.30, 0.0),
    "ʃ": (0.18, -0.50, 0.0), "ʒ": (0.18, -0.50, 0.0), "ʂ": (0.18, -0.30, 0.0), "ʐ": (0.20, -0.30, 0.0),
    "ɕ": (0.15, 0.30, 0.0), "ʑ": (0.15, 0.30, 0.0), "ç": (0.20, 0.30, 0.0), "ʝ": (0.22, 0.30, 0.0),
    "t": (0.25, 0.10, 0.0, 0.0, 0.2), "d": (0.25, 0.10, 0.0, 0.0, 0.2), "n": (0.25, 0.10, 0.0, 0.0, 0.2),
    "ɾ": (0.30, 0.0, 0.0, 0.0, 0.3), "r": (0.30, 0.0, 0.0, 0.0, 0.3),
    "l": (0.35, 0.10, 0.0, 0.0, 0.8), "ɫ": (0.35, -0.10, 0.0, 0.0, 0.8), "ɬ": (0.30, 0.10, 0.0, 0.0, 0.8),
    "ɮ": (0.30, 0.10, 0.0, 0.0, 0.8), "ɹ": (0.30, -0.35, 0.0), "ɻ": (0.30, -0.30, 0.0), "ɽ": (0.30, 0.0, 0.0),
    "ʈ": (0.25, 0.0, 0.0), "ɖ": (0.25, 0.0, 0.0), "ɳ": (0.25, 0.0, 0.0), "ɭ": (0.33, 0.0, 0.0, 0.0, 0.7),
    "c": (0.28, 0.30, 0.0), "ɟ": (0.28, 0.30, 0.0), "ɲ": (0.28, 0.30, 0.0), "ʎ": (0.30, 0.20, 0.0, 0.0, 0.5),
    "j": (0.28, 0.50, 0.0), "w": (0.18, -0.90, 0.0), "ɥ": (0.20, -0.80, 0.0), "ʍ": (0.18, -0.90, 0.0),
    "k": (0.32, 0.0, 0.0), "g": (0.32, 0.0, 0.0), "ɡ": (0.32, 0.0, 0.0), "ŋ": (0.32, 0.0, 0.0),
    "x": (0.32, 0.0, 0.0), "ɣ": (0.32, 0.0, 0.0), "ɰ": (0.32, 0.10, 0.0), "q": (0.34, 0.0, 0.0),
    "ɢ": (0.34, 0.0, 0.0), "ɴ": (0.34, 0.0, 0.0), "χ": (0.34, 0.0, 0.0), "ʁ": (0.34, 0.0, 0.0),
    "ʀ": (0.34, 0.0, 0.0), "ħ": (0.40, 0.0, 0.0), "ʕ": (0.40, 0.0, 0.0),
}  # fmt: skip
_CONSONANTS = {symbol: Target(*values) for symbol, values in _CONSONANTS.items()}
# Sounds made behind the lips that leave them where the neighbouring vowel puts them.
_TRANSPARENT = {"h", "ɦ", "ʔ"}
# Marks that do not change the lips: stress, length, ties, palatalisation, espeak-ng's
# syllable and variant marks.
_IGNORED = set("ˈˌːˑ‿͜͡ʲˠˤ̃-_|'\"") | {"ᵝ", "ʰ", "ʷ"}
# espeak-ng's ASCII spellings of Mandarin retroflexes and apical vowels.
# An h after a stop or affricate is aspiration, not a sound of its own.
_REWRITES = (("ts.h", "ʈʂ"), ("ts.", "ʈʂ"), ("s.", "ʂ"), ("z.", "ʐ"), ("i.", "ɨ"), ("i̪", "ɨ"),
             ("tɕh", "tɕ"), ("tsh", "ts"), ("ph", "p"), ("th", "t"), ("kh", "k"), ("ch", "c"))  # fmt: skip

ARPABET_TO_IPA = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "B": "b", "CH": "tʃ", "D": "d",
    "DH": "ð", "EH": "ɛ", "ER": "ɚ", "EY": "eɪ", "F": "f", "G": "ɡ", "HH": "h", "IH": "ɪ", "IY": "i",
    "JH": "dʒ", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "ŋ", "OW": "oʊ", "OY": "ɔɪ", "P": "p",
    "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ", "UH": "ʊ", "UW": "u", "V": "v", "W": "w",
    "Y": "j", "Z": "z", "ZH": "ʒ",
}  # fmt: skip
# Symbols to ARPAbet: the single-symbol entries above, plus the nearest English phone of
# symbols espeak-ng uses in English and Mandarin.
_IPA_TO_ARPABET = {ipa: a for a, ipa in ARPABET_TO_IPA.items()} | {
    "a": "AA", "ɑː": "AA", "ɒ": "AA", "ɐ": "AH", "ə": "AH", "ɜ": "ER", "ɜː": "ER", "o": "OW", "e": "EY",
    "iː": "IY", "uː": "UW", "ɔː": "AO", "y": "UW", "ɨ": "IH", "ɯ": "UW", "ɤ": "AH", "ø": "UH", "œ": "EH",
    "ʏ": "IH", "ɾ": "D", "r": "R", "g": "G", "ɫ": "L", "ʂ": "SH", "ʐ": "ZH", "ɕ": "SH", "ʑ": "ZH",
    "ʈʂ": "CH", "ts": "S", "dz": "Z", "tɕ": "CH", "dʑ": "JH", "x": "HH", "χ": "HH",
    "ai": "AY", "ɑu": "AW", "au": "AW", "ei": "EY", "ou": "OW", "əʊ": "OW", "eə": "EH", "iə": "IH",
    "ʊə": "UH", "ər": "ER", "ɑːɹ": "AA", "ɔːɹ": "AO", "ʊɹ": "UH", "əl": "L",
}  # fmt: skip
_ARPABET_SILENCE = {"SIL", "SP", "SPN", "NSN", "PAU", "<SIL>", "+NSN+", "+SPN+"}


def _symbols(label: str) -> list:
    """Base IPA symbols of a phoneme label, in order, marks removed."""
    text = str(label).strip()
    bare = text.rstrip("012")
    if bare.upper() == bare and bare.isascii() and bare:
        if bare in _ARPABET_SILENCE:
            return []
        if bare in ARPABET_TO_IPA:
            ipa = ARPABET_TO_IPA[bare]
            return [("ə" if bare == "AH" and text.endswith("0") else c) for c in ipa]
    for old, new in _REWRITES:
        text = text.replace(old, new)
    out = []
    for char in unicodedata.normalize("NFD", text):
        if char in _IGNORED or unicodedata.combining(char) or not char.strip():
            continue
        out.append(char)
    return out


def _stress(label: str) -> float:
    if "ˈ" in label or label.rstrip().endswith("1"):
        return 1.0
    if "ˌ" in label or label.rstrip().endswith("2"):
        return 0.95
    return _UNSTRESSED


def mouth_targets(label: str) -> list:
    """Articulatory targets of one phoneme label, in the order they are reached.

    Parameters
    ----------
    label : str
        IPA (``"ˈaɪ"``, ``"tʃ"``, ``"iou"``, ``"s."``) or ARPAbet (``"AY1"``); ``""`` is silence.

    Returns
    -------
    list of (weight, target)
        ``target`` is a :class:`Target`, or None for a sound that leaves the lips
        to its neighbours (``h``, glottal stop). ``weight`` is the share of the phoneme's
        duration. Vowel sequences (diphthongs, Mandarin finals) give one target per
        symbol, the most open one weighted most; a consonant cluster within one label
        (affricates, aspirated stops) gives the single most visible target (bilabial,
        then lip-teeth, then rounded).
    """
    symbols = _symbols(label)
    if not symbols:
        return [(1.0, _REST)]
    has_vowel = any(s in _VOWELS for s in symbols)
    if not has_vowel:
        return [(1.0, _consonant_target(symbols))]
    stress = _stress(label)
    parts = []
    for s in symbols:
        if s in _VOWELS:
            op, sp = _VOWELS[s]
            parts.append([1.0, Target(op * stress, sp, 0.0)])
        elif s in _CONSONANTS:
            parts.append([0.7, _CONSONANTS[s]])
        elif s in _TRANSPARENT:
            continue  # breathy onset: already in the vowel's shape
        else:
            parts.append([1.0, _UNKNOWN])
    nucleus = max(range(len(parts)), key=lambda i: parts[i][1][0])
    parts[nucleus][0] = 1.6
    total = sum(w for w, _ in parts)
    return [(w / total, target) for w, target in parts]


def _consonant_target(symbols: list):
    """The most visible lip shape in a consonant cluster (``tʃ``, ``ph``, ``ts``)."""
    known = [_CONSONANTS[s] for s in symbols if s in _CONSONANTS]
    if not known:
        if all(s in _TRANSPARENT for s in symbols):
            return None
        return _UNKNOWN
    return max(known, key=_visibility)


def _visibility(target: tuple) -> tuple:
    """Rank lip shapes by how much they show: pressed, lip on teeth, then rounded or spread."""
    return (target.press, target.fv, -target.open if target.open < 0.1 else -1.0, abs(target.spread))


def ipa_to_arpabet(label: str) -> str:
    """Nearest ARPAbet phone of an IPA phoneme label, for measuring against ARPAbet tables.

    The whole label may match (``"oʊ"`` -> ``"OW"``); otherwise its most open vowel, or
    the most visible consonant of a cluster, is looked up, and symbols English lacks go
    to the phone with the nearest mouth shape. ``""`` gives ``"SIL"``.
    """
    symbols = _symbols(label)
    if not symbols:
        return "SIL"
    whole = "".join(symbols)
    if whole in _IPA_TO_ARPABET:
        return _IPA_TO_ARPABET[whole]
    vowels = [s for s in symbols if s in _VOWELS]
    if vowels:
        key = max(vowels, key=lambda s: _VOWELS[s][0])
    else:
        consonants = [s for s in symbols if s in _CONSONANTS]
        if not consonants:
            return "HH" if all(s in _TRANSPARENT for s in symbols) else "AH"
        key = max(consonants, key=lambda s: _visibility(_CONSONANTS[s]))
    if key in _IPA_TO_ARPABET:
        return _IPA_TO_ARPABET[key]
    target = Target(*_VOWELS[key], 0.0) if vowels else _CONSONANTS[key]
    table = _VOWELS if vowels else _CONSONANTS
    candidates = [(a, ipa) for a, ipa in _IPA_TO_ARPABET.items() if a in table]
    candidates = [(ipa, Target(*_VOWELS[a], 0.0) if vowels else _CONSONANTS[a]) for a, ipa in candidates]
    return min(candidates, key=lambda c: 4 * (c[1][0] - target[0]) ** 2 + (c[1][1] - target[1]) ** 2
               + 4 * (c[1][2] - target[2]) ** 2)[0]  # fmt: skip


def viseme(target: Target | None) -> str:
    """Rhubarb mouth shape (A-H, X) of an articulatory target; None (``h``) gives X.

    Lips shut is A, lower lip on the teeth G, tongue raised (L) H, rest X; otherwise the
    opening and rounding pick B (nearly shut: most consonants, EE), C (open), D (wide),
    E (slightly rounded) or F (puckered: OO, W).
    """
    if target is None or target == _REST:
        return "X"
    if target.press >= 0.5:
        return "A"
    if target.fv >= 0.5:
        return "G"
    if target.tongue >= 0.7:
        return "H"
    if target.spread <= -0.6:
        return "F"
    if target.spread <= -0.15 and target.open >= 0.3:
        return "E"
    if target.open >= 0.72 and target.spread <= 0.2:
        return "D"
    if target.open >= 0.36:
        return "C"
    return "B"


def _spans(phones, *, rate: float) -> list:
    """(first, stop, target) on a timeline of ``rate`` samples per second, in time order;
    ``h``-like sounds take the target of the sound they breathe into."""
    spans = []
    for start, end, label in sorted(phones, key=lambda p: p[0]):
        a, b = int(round(start * rate)), int(round(end * rate))
        if b <= a:
            continue
        targets = mouth_targets(label)
        edges = a + np.round(np.cumsum([0.0] + [w for w, _ in targets]) * (b - a)).astype(int)
        for (lo, hi), (_, target) in zip(zip(edges[:-1], edges[1:]), targets):
            if hi > lo:
                spans.append((lo, hi, target))
    return _fill_transparent(spans)


def _check_phones(phones, fps, n_frames) -> list:
    if not (fps > 0) or not math.isfinite(fps):
        raise ParameterError(f"fps must be a positive number, got {fps}")
    if n_frames < 0 or int(n_frames) != n_frames:
        raise ParameterError(f"n_frames must be a whole number >= 0, got {n_frames}")
    phones = [(float(start), float(end), str(label)) for start, end, label in phones]
    for start, end, label in phones:
        if not (math.isfinite(start) and math.isfinite(end)) or end < start or start < 0:
            raise ParameterError(f"phone {label!r} has bad times start={start}, end={end}: need 0 <= start <= end")
    return phones


def mouth_track_from_phones(phones, *, fps: float, n_frames: int) -> MouthTrack:
    """Mouth shapes for every video frame from phonemes with known timing.

    Parameters
    ----------
    phones : sequence of (start, end, label)
        Seconds and an IPA or ARPAbet label, e.g. :attr:`talkingphoto.voice.Speech.phones`;
        ``""`` or ``"SIL"`` for silence. Gaps between phonemes are silence.
    fps : float
        Video frame rate.
    n_frames : int
        Frame ``i`` describes the instant ``(i + 0.5) / fps``.

    Returns
    -------
    MouthTrack
        ``open`` and ``spread`` blended over a 28 ms Gaussian, ``press``, ``fv`` and
        ``tongue`` over 12 ms; every M/B/P has at least one frame with ``press == 1``
        (the frame nearest its middle).
    """
    phones = _check_phones(phones, fps, n_frames)
    n_frames = int(n_frames)
    duration = max([n_frames / fps] + [end for _, end, _ in phones])
    n = int(math.ceil(duration * _RATE)) + 1
    timeline = np.zeros((len(Target._fields), n))  # silence where nothing is said
    for lo, hi, target in _spans(phones, rate=_RATE):
        timeline[:, lo:hi] = np.asarray(target, dtype=float)[:, None]
    t = (np.arange(n_frames) + 0.5) / fps * _RATE - 0.5  # timeline sample k covers [k, k+1) ms
    grid = np.arange(n)
    sigmas = Target(_SIGMA_S, _SIGMA_S, _PRESS_SIGMA_S, _PRESS_SIGMA_S, _PRESS_SIGMA_S)
    tracks = Target(*(np.interp(t, grid, _blur(row, sigma)) for row, sigma in zip(timeline, sigmas)))
    for start, end, label in phones:
        if n_frames and _is_bilabial(label) and end > start:
            i = int(np.clip(math.floor((start + end) / 2 * fps), 0, n_frames - 1))
            tracks.press[i] = 1.0
    return MouthTrack(fps=float(fps), **tracks._asdict())


def viseme_track(phones, *, fps: float, n_frames: int) -> np.ndarray:
    """Rhubarb shape of the sound heard at every frame's instant.

    Parameters
    ----------
    phones : sequence of (start, end, label)
        As for :func:`mouth_track_from_phones`.
    fps : float
    n_frames : int
        Frame ``i`` is the instant ``(i + 0.5) / fps``.

    Returns
    -------
    np.ndarray [shape=(n_frames,), dtype=int8, range 0..8]
        Index into :data:`VISEMES`; X between phonemes. Every M/B/P owns the frame
        nearest its middle, as in :func:`mouth_track_from_phones`.
    """
    phones = _check_phones(phones, fps, n_frames)
    out = np.full(int(n_frames), VISEMES.index("X"), dtype=np.int8)
    for lo, hi, target in _spans(phones, rate=_RATE):
        first = max(0, math.ceil(lo / _RATE * fps - 0.5))
        stop = min(len(out), math.ceil(hi / _RATE * fps - 0.5))
        out[first:stop] = VISEMES.index(viseme(target))
    for start, end, label in phones:
        if len(out) and _is_bilabial(label) and end > start:
            out[int(np.clip(math.floor((start + end) / 2 * fps), 0, len(out) - 1))] = VISEMES.index("A")
    return out


def known_phoneme(label: str) -> bool:
    """Whether every symbol of a phoneme label is in the table (else it gets the neutral shape)."""
    return all(s in _VOWELS or s in _CONSONANTS or s in _TRANSPARENT for s in _symbols(label))


def is_vowel(label: str) -> bool:
    """Whether a phoneme label holds a vowel (a diphthong, a syllabic vowel with its length mark)."""
    return any(s in _VOWELS for s in _symbols(label))


def _is_bilabial(label: str) -> bool:
    targets = mouth_targets(label)
    return len(targets) == 1 and targets[0][1] is not None and targets[0][1].press >= 1.0


def _fill_transparent(spans: list) -> list:
    """Give ``h``-like spans the next target (the vowel they breathe into), else the previous."""
    out = list(spans)
    following = None
    for i in range(len(out) - 1, -1, -1):
        lo, hi, target = out[i]
        if target is None:
            out[i] = (lo, hi, following)
        else:
            following = target
    previous = _REST
    for i, (lo, hi, target) in enumerate(out):
        if target is None:
            out[i] = (lo, hi, previous)
        else:
            previous = target
    return out


def _blur(values: np.ndarray, sigma_s: float) -> np.ndarray:
    sigma = sigma_s * _RATE
    radius = int(4 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    return np.convolve(np.pad(values, radius, mode="edge"), kernel, mode="valid")
