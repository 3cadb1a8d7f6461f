"""The voice of a song, apart from the music that repeats behind it.

A backing track repeats itself: a bar, a riff, a drum pattern comes back many times, while a
voice sings new words. So the music under any moment is well estimated by the moments that
sound most like it elsewhere in the song: the median of their spectra, bin by bin (after
Rafii and Pardo's REPET-SIM; written here from that idea). What rises above that median is
the voice, kept with a soft mask; the share of the sound's energy the voice holds tells
where a voice sings at all (near 0 where only the music plays, since what is left there is
the music's own small variations).

Whether music plays behind a voice at all is told apart by what music does and speech does
not (:func:`backing_music`): it keeps a steady beat, it never pauses, and what sounds while
the voice is quiet holds notes.
"""

from dataclasses import dataclass

import numpy as np
from scipy import signal
from scipy.ndimage import median_filter, uniform_filter1d

from ..media import mono_at
from ..units import ANALYSIS_SR

__all__ = ["Backing", "SongVoice", "backing_music", "song_voice"]

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


# Backing music is looked for in at most the first LISTEN seconds (a song's intro and first
# verses; the cost stays bounded on an hour-long talk), and not in recordings under
# MIN_LISTEN seconds, too short for a beat to show.
LISTEN, MIN_LISTEN = 120.0, 8.0
# Frames within SOUNDING_DB of the loud ones (95th percentile) sound at all; the quietest
# FLOOR_SHARE of those are what plays while the voice is quiet.
SOUNDING_DB, FLOOR_SHARE = 45.0, 0.1
# A spectral peak stands PEAK_DB over its neighbours (PEAK_SPAN bins, ~200 Hz) and STILL_DB
# over its own bin's quiet level (a hum or a drone is in that level, a played note is not).
PEAK_DB, PEAK_SPAN, STILL_DB = 8.0, 13, 6.0
BEAT_LAGS = (0.25, 1.5)  # s: beat periods looked for (40-240 beats a minute)
# Music plays when all three hold, or with no pause and a beat of STRONG_PULSE whatever plays
# under the voice (drums, noise-like music). Chosen on made-up recordings (voices over music,
# against the same voices alone, noisy, with mains hum, echoing, through codecs and the
# telephone; none of the 720 heard, whose beat reached 0.19), 184 real prompts of 8 s or
# more (none heard; beat up to 0.21) and Fish Fillets' acted lines (a Czech one at 0.193);
# see the README.
MIN_PULSE, MIN_CONTINUITY, MIN_FLOOR_TONALITY, STRONG_PULSE = 0.2, 0.98, 0.08, 0.35


@dataclass(frozen=True)
class Backing:
    """What :func:`backing_music` heard.

    Attributes
    ----------
    pulse : float, 0..1
        Strength of a steady beat: the onset envelope's largest normalised autocorrelation
        at a beat's period (speech's syllables come irregularly: at most 0.21 on real prompts).
    continuity : float, 0..1
        Share of frames that sound at all (speech pauses; music fills them).
    floor_tonality : float, 0..1
        In the quietest sounding frames, the share of energy in spectral peaks that come
        and go: notes, where speech leaves room noise or its own fading tails.
    plays : bool
        Music plays behind the voice: all three over their thresholds, or no pause and a
        strong beat.
    """

    pulse: float
    continuity: float
    floor_tonality: float
    plays: bool


def backing_music(y: np.ndarray, *, sr: int) -> Backing:
    """Whether music plays behind the voice of a recording (a song with its backing track).

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
        Mono sound, any sample rate from 4 kHz up; the first LISTEN seconds are heard.
    sr : int

    Returns
    -------
    Backing
        ``plays`` is False for anything under MIN_LISTEN seconds. A voice alone (spoken or
        sung), noisy or echoing, is not music; music under a voice by 20 dB or more (a
        podcast's bed) usually is not heard; ambient music with no beat is not either.
    """
    y = mono_at(y, sr=sr, target_sr=ANALYSIS_SR)[: int(LISTEN * ANALYSIS_SR)]
    if len(y) < MIN_LISTEN * ANALYSIS_SR or not np.any(y):
        return Backing(0.0, 0.0, 0.0, False)
    _, _, spectrum = signal.stft(y, nperseg=WINDOW, noverlap=WINDOW - HOP)
    power = np.abs(spectrum).astype(np.float64) ** 2 + 1e-12
    pulse = _pulse(power)
    level = 10 * np.log10(power.sum(axis=0))
    sounding = level > np.percentile(level, 95) - SOUNDING_DB
    continuity = float(np.mean(sounding))
    floor_tonality = _floor_tonality(power, level, sounding)
    notes = pulse >= MIN_PULSE and floor_tonality >= MIN_FLOOR_TONALITY
    plays = continuity >= MIN_CONTINUITY and (notes or pulse >= STRONG_PULSE)
    return Backing(pulse, continuity, floor_tonality, bool(plays))


def _pulse(power: np.ndarray) -> float:
    """Largest normalised autocorrelation, at BEAT_LAGS, of the rise in level summed over
    24 log-spaced bands (an onset envelope), slow changes of level taken out."""
    edges = np.unique(np.geomspace(2, power.shape[0] - 1, 25).astype(int))
    bands = np.log(np.add.reduceat(power, edges[:-1], axis=0))
    onsets = np.maximum(np.diff(bands, axis=1), 0.0).sum(axis=0)
    rate = ANALYSIS_SR / HOP
    onsets = onsets - uniform_filter1d(onsets, int(0.8 * rate))
    onsets -= onsets.mean()
    lo, hi = (int(lag * rate) for lag in BEAT_LAGS)
    if len(onsets) <= hi:
        return 0.0
    spectrum = np.fft.rfft(onsets, 2 * len(onsets))
    correlation = np.fft.irfft(np.abs(spectrum) ** 2)[: hi + 1]
    return float(max(0.0, correlation[lo:].max() / (correlation[0] + 1e-12)))


def _floor_tonality(power: np.ndarray, level: np.ndarray, sounding: np.ndarray) -> float:
    """Median share of energy in spectral peaks (94 Hz-4 kHz) over the quietest
    FLOOR_SHARE of the sounding frames."""
    band = power[6:256]
    db = 10 * np.log10(band)
    neighbours = median_filter(db, size=(PEAK_SPAN, 1), mode="nearest")
    still = np.percentile(db[:, sounding], 10, axis=1)[:, None]
    peaks = (db - neighbours > PEAK_DB) & (db - still > STILL_DB)
    tonality = (band * peaks).sum(axis=0) / band.sum(axis=0)
    frames = np.nonzero(sounding)[0]
    quiet = frames[np.argsort(level[frames])][: max(1, int(FLOOR_SHARE * len(frames)))]
    return float(np.median(tonality[quiet]))
