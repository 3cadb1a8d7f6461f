"""A song's voice as the mouth model hears it: REPET's separation refined by a learned mask.

REPET (:func:`voice.song_voice`) takes for music what repeats in a song; what it leaves is
the voice with some music still in it, and the mouth model opened to that residue. A
small network (``data/voice_mask.npz``, trained by ``python -m training.voice_mask``, see
``data/MOUTH_MODEL.md``) looks at the mix's log-mel frames and REPET's voice's side by side,
±1.3 s around each 10 ms frame, and gives the voice's share of each mel band's power; the
mouth model hears the mix's bands scaled by it, and the mouth rests where the voice holds
little of the sound. Plain numpy, about 850 times faster than real time on one core (REPET,
before it, about 26 times).
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import ndimage

from ._learned import N_FFT, SR, mel_filters, weights_file

MASK_PATH = Path(__file__).resolve().parent.parent / "data" / "voice_mask.npz"
DILATIONS = (1, 2, 4, 8, 16, 32, 1, 2, 4, 8)  # symmetric 3-tap convolutions, 100 Hz frames
WIDTH = 64
# The network's inputs: log10 band power relative to the song's loudest (its 99th
# percentile), cut off FLOOR_BELOW below, scaled to about -1..1.
LOUD_PERCENTILE = 99.0
FLOOR_BELOW = 7.0
# A band the network gives the voice under this share of is cut by this much, no more
# (log10 -3: 30 dB): the rest is the mouth model's own affair, as for noise.
MASK_FLOOR = 1e-3
# Presence: the voice's share of the power in the bands speech carries (VOICE_BAND, Hz:
# a kick or a bass line would swamp the whole band's), in dB from absent to fully there,
# over 50 Hz frames, then smoothed over PRESENCE_SMOOTH frames (0.1 s). Chosen on the
# development songs (FreedroidRPG's music, five Hedgewars voice packs) as the widest gate
# that shows the music open in no more frames than REPET's gate did (see the model card).
VOICE_BAND = 250.0, 4000.0
ABSENT_DB, PRESENT_DB = -15.0, -8.0
PRESENCE_SMOOTH = 5


@dataclass(frozen=True)
class VoiceMask:
    """The mask network's weights; call it on :func:`mask_inputs` to get the voice's share
    of each mel band's power [shape=(n, bands), float32, 0..1]."""

    weights: dict
    path: Path

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        w = self.weights
        h = inputs @ w["w_in"] + w["b_in"]
        n = len(h)
        for i, d in enumerate(DILATIONS):
            padded = np.pad(h, ((d, d), (0, 0)))
            taps = sum(padded[j * d : j * d + n] @ w[f"conv{i}"][j] for j in range(3))
            h = h + np.maximum(taps + w[f"conv{i}_b"], 0) @ w[f"mix{i}"] + w[f"mix{i}_b"]
        return (0.5 + 0.5 * np.tanh(0.5 * (h @ w["w_out"] + w["b_out"]))).astype(np.float32)  # the logistic


def mask_inputs(mix: np.ndarray, repet: np.ndarray) -> np.ndarray:
    """[shape=(n, 2 * bands), float32]: the log-mel frames of the mix and of REPET's voice
    (log10 power, :func:`._learned.log_mel`) relative to the mix's loud frames, side by side."""
    loud = np.percentile(mix, LOUD_PERCENTILE) if mix.size else 0.0
    scaled = [np.maximum(a - loud, -FLOOR_BELOW) / 3.0 + 1.0 for a in (mix, repet)]
    return np.concatenate(scaled, axis=1).astype(np.float32)


def load_voice_mask(path=None) -> VoiceMask:
    """The packaged voice mask (or the one at ``path``).

    Raises
    ------
    ModelError
        When the file is missing, unreadable or not a voice mask; the message names it.
    """
    return _load(str(Path(path or MASK_PATH)))


@lru_cache(maxsize=2)
def _load(path: str) -> VoiceMask:
    file = Path(path)
    with weights_file(file, what="voice mask", instead="--mouth model") as arrays:
        weights = {name: array.astype(np.float32) for name, array in arrays.items()}
        bands = weights["w_out"].shape[1]
        expected = {"w_in": (2 * bands, WIDTH), "b_in": (WIDTH,), "w_out": (WIDTH, bands), "b_out": (bands,)}
        for i in range(len(DILATIONS)):
            expected |= {f"conv{i}": (3, WIDTH, WIDTH), f"conv{i}_b": (WIDTH,), f"mix{i}": (WIDTH, WIDTH),
                         f"mix{i}_b": (WIDTH,)}  # fmt: skip
        for name, shape in expected.items():
            if weights[name].shape != shape or not np.all(np.isfinite(weights[name])):
                raise ValueError(f"array {name!r} has shape {weights[name].shape} (want {shape}) or non-finite values")
    return VoiceMask(weights=weights, path=file)


def song_features(mix: np.ndarray, repet: np.ndarray, *, mask: VoiceMask | None = None) -> tuple:
    """The voice's log-mel frames and its presence, from the log-mel frames of a song's mix
    and of REPET's voice (100 Hz).

    Returns
    -------
    voice : np.ndarray [shape like ``mix``, float32]
        The mix's band powers scaled by the voice's share (at least MASK_FLOOR), log10.
    presence : np.ndarray [shape=(ceil(n / 2),), float32, 0..1]
        How surely a voice sings in each 20 ms frame: 0 where only the music plays.
    """
    share = (mask or load_voice_mask())(mask_inputs(mix, repet))
    voice = (mix + np.log10(np.maximum(share, MASK_FLOOR))).astype(np.float32)
    in_band = _in_voice_band()
    share, power = share[:, in_band], 10.0 ** mix[:, in_band].astype(np.float64)
    held_db = 10.0 * np.log10((share * power).sum(1) / np.maximum(power.sum(1), 1e-30) + 1e-9)
    held_db = np.pad(held_db, (0, len(held_db) % 2), mode="edge").reshape(-1, 2).mean(1)
    presence = np.clip((held_db - ABSENT_DB) / (PRESENT_DB - ABSENT_DB), 0.0, 1.0)
    presence = ndimage.uniform_filter1d(presence, PRESENCE_SMOOTH, mode="nearest")
    return voice, presence.astype(np.float32)


@lru_cache(maxsize=1)
def _in_voice_band() -> np.ndarray:
    """Which log-mel bands have their centre in VOICE_BAND [shape=(N_MELS,), bool]."""
    filters = mel_filters()
    hz = np.fft.rfftfreq(N_FFT, 1.0 / SR)
    centre = (filters * hz).sum(1) / filters.sum(1)
    return (centre >= VOICE_BAND[0]) & (centre <= VOICE_BAND[1])
