"""Signal shaping shared by the mouth, face and body tracks: envelope following, smooth
noise, and the speech dynamics (speaking, accents, emphasis) that gestures follow."""

from typing import NamedTuple

import numpy as np
from scipy.signal import butter, sosfiltfilt

from ._tracks import Prosody

__all__ = ["attack_release", "smooth_noise", "SpeechDynamics", "speech_dynamics"]


def attack_release(x: np.ndarray, *, attack: float, release: float) -> np.ndarray:
    """One-pole follower with separate time constants (in samples) for rising and falling.

    A fast attack lets the mouth or brows react at once; a slower release keeps them from
    chattering.
    """
    a_up = 1.0 - np.exp(-1.0 / max(attack, 1e-6))
    a_down = 1.0 - np.exp(-1.0 / max(release, 1e-6))
    out = np.empty(len(x), dtype=np.float64)
    state = 0.0
    for i, value in enumerate(x):
        state += (a_up if value > state else a_down) * (value - state)
        out[i] = state
    return out


def smooth_noise(rng: np.random.Generator, n: int, *, fps: float, cutoff_hz: float) -> np.ndarray:
    """Noise with no energy above ``cutoff_hz``, zero mean and unit std as a process.

    The scale is measured over at least twenty periods of the cutoff, so a clip shorter
    than one slow swing gets a slice of that swing, not a swing stretched to fill it.
    """
    pad = int(2 * fps / cutoff_hz) + 8
    total = max(n + 2 * pad, int(20 * fps / cutoff_hz))
    white = rng.standard_normal(total)
    sos = butter(2, min(cutoff_hz / (fps / 2), 0.99), output="sos")
    smooth = sosfiltfilt(sos, white)
    smooth = (smooth - smooth.mean()) / max(smooth.std(), 1e-12)
    start = (total - n) // 2
    return smooth[start : start + n]


class SpeechDynamics(NamedTuple):
    """Per-frame envelopes of a voice, each [shape=(n_frames,), float64, 0..1]."""

    speaking: np.ndarray  # held through short gaps, released in pauses
    accent: np.ndarray  # quick rises of loudness (stressed syllables)
    high: np.ndarray  # pitch above the speaker's median
    emphasis: np.ndarray  # loud or high peaks while speaking


def speech_dynamics(prosody: Prosody) -> SpeechDynamics:
    """Where the voice speaks, stresses and emphasises: what nods, brows and gestures follow."""
    fps = prosody.fps
    energy = prosody.energy.astype(np.float64)
    speaking = attack_release((energy > 0.08).astype(float), attack=0.15 * fps, release=0.8 * fps)
    rise = np.maximum(np.diff(energy, prepend=energy[:1]), 0) * fps / 10
    accent = attack_release(np.clip(rise, 0, 1), attack=0.06 * fps, release=0.3 * fps)
    pitch = np.where(prosody.voiced > 0.5, prosody.pitch, 0.0)
    high = attack_release(np.clip(pitch / 4.0, 0, 1), attack=0.1 * fps, release=0.5 * fps)
    emphasis = np.clip(0.6 * accent + 0.7 * high, 0, 1) * speaking
    return SpeechDynamics(speaking, accent, high, emphasis)
