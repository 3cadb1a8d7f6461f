"""The voice of a song, apart from the music that repeats behind it.

A backing track repeats itself: a bar, a riff, a drum pattern comes back many times, while a
voice sings new words. So the music under any moment is well estimated by the moments that
sound most like it elsewhere in the song: the median of their spectra, bin by bin (after
Rafii and Pardo's REPET-SIM; written here from that idea). What rises above that median is
the voice, kept with a soft mask; the share of the sound's energy the voice holds tells
where a voice sings at all (near 0 where only the music plays, since what is left there is
the music's own small variations).
"""

from dataclasses import dataclass

import numpy as np
from scipy import signal
from scipy.ndimage import uniform_filter1d

from ..media import mono_at
from ..units import ANALYSIS_SR

__all__ = ["SongVoice", "song_voice"]

WINDOW, HOP = 1024, 256  # STFT samples at 16 kHz: 64 ms windows, 16 ms apart
NEIGHBOURS = 40  # moments most like each one, whose median spectrum is the music under it
MIN_APART = 1.0  # s: a neighbour this near in time is the same note, not the music again
SEARCH = 20.0  # s either side in which to look for neighbours (memory and time stay linear)
BLOCK = 512  # STFT frames compared at once
CHUNK = 60.0  # s of voice separated per pass, with SEARCH (and a window) of sound either side
# Presence: the voice's share of the energy, in dB, from absent to fully there; and the
# smoothing of that share over PRESENCE_SMOOTH seconds. Chosen on Hedgewars' training music
# with five of its voice packs spoken over it (never the evaluation's music or singer), as
# the setting that opened the mouth more on the voice and less on the music than the whole
# mix does (a wider gate, or holding the presence 0.1-0.3 s, opened more on both).
ABSENT_DB, PRESENT_DB, PRESENCE_SMOOTH = -8.0, -3.0, 0.1
PRESENCE_RATE = 50.0  # Hz: the mouth model's frame rate


@dataclass(frozen=True)
class SongVoice:
    """The voice taken out of a song.

    Attributes
    ----------
    y : np.ndarray [shape=(n_samples,), float32]
        The voice at 16 kHz (ANALYSIS_SR), the repeating music masked out.
    presence : np.ndarray [shape=(n,), float32, 0..1]
        How surely a voice sings in each 20 ms frame (frame ``j`` is the instant
        ``(j + 0.5) / PRESENCE_RATE``): 0 where only the music plays.
    """

    y: np.ndarray
    presence: np.ndarray


def song_voice(y: np.ndarray, *, sr: int) -> SongVoice:
    """Separate the voice of a song from its repeating backing music.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
        A mono mix of a voice over music (any sample rate from 4 kHz up).
    sr : int

    Returns
    -------
    SongVoice
        Speech with no music behind it comes out nearly whole wherever it does not repeat
        itself within a second or so; a held note that repeats the same spectrum for longer
        than MIN_APART is partly taken for music.
    """
    y = mono_at(y, sr=sr, target_sr=ANALYSIS_SR)
    n_frames = int(np.ceil(len(y) / ANALYSIS_SR * PRESENCE_RATE))
    if len(y) < WINDOW:
        return SongVoice(y=y, presence=np.ones(n_frames, np.float32))
    # A long song in passes, memory bounded: each pass hears all the neighbours its part
    # could have (SEARCH either side) on the same frame grid, so the parts join exactly.
    chunk = int(CHUNK * ANALYSIS_SR) // HOP * HOP
    context = (int(SEARCH * ANALYSIS_SR) + 2 * WINDOW) // HOP * HOP
    voice = np.empty_like(y)
    for start in range(0, len(y), chunk):
        lo, hi = max(0, start - context), min(len(y), start + chunk + context)
        part = _separate(y[lo:hi])
        voice[start : start + chunk] = part[start - lo : start - lo + chunk]
    return SongVoice(y=voice, presence=_presence(voice, y, n_frames))


def _separate(y: np.ndarray) -> np.ndarray:
    """``y`` [float32] with what repeats in it masked out (see :func:`_repeating`)."""
    _, _, spectrum = signal.stft(y, nperseg=WINDOW, noverlap=WINDOW - HOP)
    magnitude = np.abs(spectrum).astype(np.float32)
    music = np.minimum(_repeating(magnitude), magnitude)
    voice_part = magnitude - music
    mask = voice_part**2 / (voice_part**2 + music**2 + 1e-12)
    _, voice = signal.istft(mask * spectrum, nperseg=WINDOW, noverlap=WINDOW - HOP)
    return np.pad(voice[: len(y)], (0, max(0, len(y) - len(voice)))).astype(np.float32)


def _repeating(magnitude: np.ndarray) -> np.ndarray:
    """[shape like ``magnitude`` (bins, frames)]: each frame's median spectrum over the
    NEIGHBOURS frames most like it (cosine similarity), at least MIN_APART away and within
    SEARCH seconds; 0 for a frame with too few candidates (nothing is known to repeat)."""
    n = magnitude.shape[1]
    rate = ANALYSIS_SR / HOP
    apart, reach = int(MIN_APART * rate), int(SEARCH * rate)
    unit = magnitude / (np.linalg.norm(magnitude, axis=0, keepdims=True) + 1e-9)
    out = np.zeros_like(magnitude)
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        lo, hi = max(0, start - reach), min(n, stop + reach)
        similarity = unit[:, start:stop].T @ unit[:, lo:hi]  # [block, candidates]
        offset = np.arange(lo, hi)[None, :] - np.arange(start, stop)[:, None]
        similarity[(np.abs(offset) < apart) | (np.abs(offset) > reach)] = -np.inf
        if hi - lo <= NEIGHBOURS:
            continue
        nearest = np.argpartition(-similarity, NEIGHBOURS, axis=1)[:, :NEIGHBOURS] + lo
        found = np.isfinite(np.take_along_axis(similarity, nearest - lo, axis=1)).all(axis=1)
        block = np.median(magnitude[:, nearest], axis=2)  # [bins, block]
        out[:, start:stop] = np.where(found[None, :], block, out[:, start:stop])
    return out


def _presence(voice: np.ndarray, mix: np.ndarray, n_frames: int) -> np.ndarray:
    """Per 20 ms frame, the voice's share of the mix's energy mapped from ABSENT_DB (0) to
    PRESENT_DB (1), smoothed over PRESENCE_SMOOTH."""
    step = int(ANALYSIS_SR / PRESENCE_RATE)
    framed = [np.pad(x, (0, n_frames * step - len(x))).astype(np.float64).reshape(n_frames, step) for x in (voice, mix)]
    voice_energy, mix_energy = (np.mean(x**2, axis=1) + 1e-12 for x in framed)
    share_db = 10 * np.log10(voice_energy / mix_energy)
    presence = np.clip((share_db - ABSENT_DB) / (PRESENT_DB - ABSENT_DB), 0.0, 1.0)
    return uniform_filter1d(presence, max(1, round(PRESENCE_SMOOTH * PRESENCE_RATE))).astype(np.float32)
