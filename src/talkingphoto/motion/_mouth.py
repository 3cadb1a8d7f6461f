"""Sound to mouth: per-frame lip opening, spread and closure from any voice.

Works from acoustics alone (no words, no phonemes), so English, Mandarin and singing
are handled alike:

- ``open`` follows the level of the 300-3000 Hz band (where open vowels are loud and
  nasals, voice bars, hiss and breath are weak), scaled by F1 (a high first formant
  means a lowered jaw) and lowered for nasal murmur and for fricative hiss.
- ``press`` shuts the lips for the murmur of M and for the silent closure of B/P: a
  short dip of the band level between two louder stretches.
- ``spread`` follows F2 in voiced stretches: high F2 = spread (EE), low F2 = rounded (OO).

Controls are shaped at 100 Hz with a fast attack and a slower release (the jaw drops
quickly and closes a little more slowly, and the release keeps the mouth from chattering
on every syllable), shifted slightly earlier because lips move before the sound they
shape, then averaged over each video frame's span.
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ..errors import ParameterError
from ..units import samples_to_frames
from ..voice._features import AcousticFeatures, acoustic_features, resample_frames
from ._envelope import attack_release
from ._tracks import MouthTrack, Prosody

__all__ = ["MouthOptions", "mouth_track", "prosody"]

# Cue shapes: (value where the cue starts, span over which it reaches 1).
_NASAL_LOW_RATIO = (0.6, 0.35)  # share of energy below 350 Hz in nasal murmur
_FRICATIVE_HF = (0.2, 0.3)  # share of energy above 3.5 kHz in hiss
_DIP_DEPTH = (0.12, 0.35)  # band level below both neighbouring peaks in a closure
_DIP_WINDOW = 0.12  # seconds searched each side of a closure for the louder neighbours
_NASAL_PRESS = 0.6  # press during nasal murmur inside a dip
_NASAL_DIP = (0.05, 0.1)  # dip depth needed before nasal murmur presses the lips
_REST = 0.002  # controls below this are the resting mouth
_PRESS_ATTACK, _PRESS_RELEASE = 0.005, 0.03  # seconds; no one-frame flicker of the lips


@dataclass(frozen=True)
class MouthOptions:
    """How sound maps to mouth shapes; the defaults were tuned on read English speech.

    Attributes
    ----------
    lead : float
        Seconds by which the mouth moves ahead of the sound.
    attack, release : float
        Time constants in seconds of opening and closing.
    gamma : float
        Exponent on the band level: above 1 keeps quiet consonants nearly shut.
    f1_weight : float
        How much F1 scales the opening (0 = level only).
    f1_closed, f1_open : float
        F1 in Hz mapped to a fully close (EE/OO) and a fully open (AA) vowel.
    nasal_weight, fricative_weight : float
        How much nasal murmur and fricative hiss reduce the opening.
    press_weight : float
        Strength of lip closures detected in short level dips and nasal murmur.
    gain : float
        Scale of ``open``; 1 makes the loudest open vowels reach about 1.
    """

    lead: float = 0.015
    attack: float = 0.025
    release: float = 0.04
    gamma: float = 1.0
    f1_weight: float = 0.7
    f1_closed: float = 300.0
    f1_open: float = 800.0
    nasal_weight: float = 0.3
    fricative_weight: float = 0.6
    press_weight: float = 0.9
    gain: float = 1.0

    def __post_init__(self):
        if not (0.0 <= self.lead <= 0.2):
            raise ParameterError(f"lead must be between 0 and 0.2 s, got {self.lead}")
        if self.attack <= 0 or self.release <= 0:
            raise ParameterError(f"attack and release must be > 0 s, got {self.attack}, {self.release}")
        if self.f1_open <= self.f1_closed:
            raise ParameterError(f"f1_open must exceed f1_closed, got {self.f1_open} <= {self.f1_closed}")


def mouth_track(
    y: np.ndarray, *, sr: int, fps: float, n_frames: int | None = None, options: MouthOptions = MouthOptions()
) -> MouthTrack:
    """Mouth shape for every video frame of a voice recording.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
        Mono speech or singing.
    sr : int
        Sample rate in Hz.
    fps : float
        Video frame rate; frame ``i`` describes the instant ``(i + 0.5) / fps``.
    n_frames : int, optional
        Track length; default ``ceil(duration * fps)``.
    options : MouthOptions

    Returns
    -------
    MouthTrack
    """
    n_frames = _check_timing(y, sr, fps, n_frames)
    features = acoustic_features(y, sr=sr)
    open_, press, spread = _controls(features, options)
    # Sampling at t + lead shows each shape slightly before its sound.
    shift = options.lead * features.rate
    open_, press, spread = (_advance(track, shift) for track in (open_, press, spread))

    def video(track):
        return resample_frames(track, rate=features.rate, fps=fps, n_frames=n_frames)

    return MouthTrack(fps=float(fps), open=video(open_), spread=video(spread), press=video(press))


def prosody(y: np.ndarray, *, sr: int, fps: float, n_frames: int | None = None) -> Prosody:
    """Loudness, pitch and voicing for every video frame, for head, brow and blink motion.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
    sr : int
    fps : float
    n_frames : int, optional
        Default ``ceil(duration * fps)``.

    Returns
    -------
    Prosody
        ``pitch`` in semitones relative to the median F0 of the voiced frames.
    """
    n_frames = _check_timing(y, sr, fps, n_frames)
    f = acoustic_features(y, sr=sr)
    energy = _smooth(f.loudness.astype(np.float64), 0.05 * f.rate)
    voiced = (f.f0 > 0) & (f.voicing > 0.5) & (f.loudness > 0.05)
    voiced_prob = _smooth(voiced.astype(np.float64), 0.02 * f.rate)
    pitch = np.zeros(f.n_frames)
    if voiced.sum() >= 3:
        # Median filtering removes isolated octave jumps of the period picker.
        f0 = ndimage.median_filter(np.where(voiced, f.f0, 0.0), size=5)
        ok = voiced & (f0 > 0)
        reference = np.median(f0[ok]) if ok.any() else 1.0
        pitch[ok] = 12.0 * np.log2(f0[ok] / reference)
    weight = resample_frames(voiced.astype(np.float32), rate=f.rate, fps=fps, n_frames=n_frames)
    summed = resample_frames(pitch, rate=f.rate, fps=fps, n_frames=n_frames)
    with np.errstate(invalid="ignore", divide="ignore"):
        pitch_video = np.where(weight > 0.25, summed / np.maximum(weight, 1e-6), 0.0)
    return Prosody(
        fps=float(fps),
        energy=resample_frames(energy, rate=f.rate, fps=fps, n_frames=n_frames),
        pitch=pitch_video.astype(np.float32),
        voiced=resample_frames(voiced_prob, rate=f.rate, fps=fps, n_frames=n_frames),
    )


def _check_timing(y: np.ndarray, sr, fps, n_frames) -> int:
    if not (isinstance(fps, (int, float, np.integer, np.floating)) and 0 < fps <= 1000):
        raise ParameterError(f"fps must be a positive number of frames per second, got {fps!r}")
    if not (isinstance(sr, (int, np.integer)) and sr > 0):
        raise ParameterError(f"sr must be a positive integer sample rate, got {sr!r}")
    if n_frames is None:
        return samples_to_frames(len(np.asarray(y)), sr=sr, fps=fps)
    if not (isinstance(n_frames, (int, np.integer)) and n_frames >= 0):
        raise ParameterError(f"n_frames must be an integer >= 0, got {n_frames!r}")
    return int(n_frames)


def _controls(f: AcousticFeatures, o: MouthOptions) -> tuple:
    """open, press, spread at the feature rate, before the lead shift and resampling."""
    rate = f.rate
    level = f.vowel_loudness.astype(np.float64)
    voiced = np.clip((f.voicing - 0.5) / 0.3, 0.0, 1.0) * (level > 0)

    # F1 -> jaw opening, trusted only where the sound is voiced; elsewhere neutral.
    f1 = np.where((voiced > 0.5) & np.isfinite(f.f1), f.f1, 0.0)
    f1 = ndimage.median_filter(f1, size=5)
    jaw = np.clip((f1 - o.f1_closed) / (o.f1_open - o.f1_closed), 0.0, 1.0)
    jaw = np.where(f1 > 0, jaw, 0.5)
    jaw = voiced * jaw + (1.0 - voiced) * 0.5

    nasal = _ramp(f.low_ratio, _NASAL_LOW_RATIO) * voiced
    fricative = _ramp(f.hf_ratio, _FRICATIVE_HF)

    raw = level**o.gamma
    raw = raw * (1.0 - o.f1_weight + o.f1_weight * jaw)
    raw = raw * (1.0 - o.nasal_weight * nasal) * (1.0 - o.fricative_weight * fricative)
    open_ = np.clip(o.gain * attack_release(raw, attack=o.attack * rate, release=o.release * rate), 0.0, 1.0)

    press = np.clip(o.press_weight * _closures(level, nasal, rate), 0.0, 1.0)

    spread = _spread(f, voiced, level)
    # Exponential releases never quite reach zero: snap the tails so silence is exactly shut.
    open_, press = (np.where(track < _REST, 0.0, track) for track in (open_, press))
    spread = np.where(np.abs(spread) < _REST, 0.0, spread)
    return open_, press, spread


def _closures(level: np.ndarray, nasal: np.ndarray, rate: float) -> np.ndarray:
    """0..1 where the lips are likely shut between two louder stretches.

    A stop closure or a nasal is a dip of the band level lasting 30-200 ms with louder
    sound on both sides; how deep the dip is below the lower of the two neighbouring
    peaks says how sure we are.
    """
    window = int(round(_DIP_WINDOW * rate))
    before = ndimage.maximum_filter1d(level, size=window, origin=(window - 1) // 2)
    after = ndimage.maximum_filter1d(level, size=window, origin=-(window // 2))
    depth = np.minimum(before, after) - level
    # Murmur alone is not enough: a sustained OO or a sung note can look nasal, but only
    # a real closure makes the level dip against its neighbours.
    closure = np.maximum(_ramp(depth, _DIP_DEPTH), _NASAL_PRESS * nasal * _ramp(depth, _NASAL_DIP))
    return attack_release(closure, attack=_PRESS_ATTACK * rate, release=_PRESS_RELEASE * rate)


def _ramp(x: np.ndarray, shape: tuple) -> np.ndarray:
    start, span = shape
    return np.clip((x - start) / span, 0.0, 1.0)


def _spread(f: AcousticFeatures, voiced: np.ndarray, level: np.ndarray) -> np.ndarray:
    """F2 -> lip spread in voiced stretches, held through short consonants, 0 in silence."""
    f2 = np.where(voiced > 0.5, f.f2, np.nan)
    f2 = _fill_gaps(f2, max_gap=int(0.15 * f.rate))
    value = np.clip((f2 - 1400.0) / 800.0, -1.0, 1.0)
    value = np.where(np.isfinite(value), value, 0.0) * np.clip(level / 0.2, 0.0, 1.0)
    return _smooth(value, 0.03 * f.rate)


def _fill_gaps(track: np.ndarray, *, max_gap: int) -> np.ndarray:
    """Linearly bridge NaN runs of at most ``max_gap`` samples between finite values."""
    track = np.asarray(track, dtype=np.float64).copy()
    good = np.isfinite(track)
    if max_gap <= 0 or good.sum() < 2:
        return track
    idx = np.arange(len(track))
    filled = np.interp(idx, idx[good], track[good])
    # Distance to the previous and next finite sample decides which gaps are short.
    prev = np.maximum.accumulate(np.where(good, idx, -len(track)))
    nxt = np.minimum.accumulate(np.where(good, idx, 2 * len(track))[::-1])[::-1]
    short = (~good) & (prev >= 0) & (nxt < len(track)) & (nxt - prev - 1 <= max_gap)
    track[short] = filled[short]
    return track


def _smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    return ndimage.gaussian_filter1d(np.asarray(x, dtype=np.float64), sigma, mode="nearest") if sigma > 0 else x


def _advance(track: np.ndarray, shift: float) -> np.ndarray:
    """track(t + shift) by linear interpolation, holding the last value."""
    if shift == 0:
        return track
    idx = np.arange(len(track), dtype=np.float64)
    return np.interp(idx + shift, idx, track)
