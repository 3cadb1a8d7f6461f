"""Breathing that follows the voice, as a speaker's does.

People speak on the out-breath: they breathe in quickly (0.3-0.8 s) in the pause before a
phrase, deeper before a longer one, and let the air out slowly while they speak; only a
phrase longer than MAX_BREATH_GROUP seconds is broken by a breath, at its quietest moment.
In a long silence they breathe calmly, about 14 times a minute. The track is planned as
its turning points (breathed in, breathed out) joined by smootherstep ramps, whose slope
and curvature are zero at both ends: nothing kinks or jolts where a phrase starts or ends.
"""

import numpy as np
from scipy.ndimage import uniform_filter1d

__all__ = ["breath_track"]

VOICED = 0.08  # energy above which a frame is voiced (as motion.speech_dynamics)
BREATH_PAUSE = 0.25  # s: a shorter gap (a stop, a word join) is no time to breathe in
MIN_PHRASE = 0.15  # s: shorter voiced blips (a click, a breath noise) take no breath of their own
INHALE = (0.3, 0.8)  # s: the quickest (a top-up) and slowest (a full breath) breath in before a phrase
# Breath level (1 = a full breath): a phrase of FULL_PHRASE seconds or more starts from 1,
# the shortest from SHORT_PHRASE_BREATH; speaking lets out SPEECH_OUTFLOW a second, down
# to FLOOR at the least, and each breath in a pause takes in MIN_TOP_UP at the least.
FULL_PHRASE, SHORT_PHRASE_BREATH, SPEECH_OUTFLOW, FLOOR, MIN_TOP_UP = 5.0, 0.55, 0.17, 0.1, 0.15
MAX_BREATH_GROUP = 7.0  # s of speech on one breath at most
MIN_SPLIT_PART = 2.0  # s: a long phrase is broken no nearer its ends than this
SETTLE = 1.0  # s after a phrase in which the air left runs out, when the pause allows
# Rest: about 14 breaths a minute (each period varies by TIDAL_JITTER), breathing in for
# TIDAL_INHALE of each, to TIDAL_DEPTH: a calm breath takes in about half the air of the
# breath before a long phrase (tidal volume against a speech breath), so a listener's
# shoulders heave less than the speaker's; never more than 16 a minute (MIN_TIDAL_PERIOD
# seconds each) but for a lone breath in a rest as short as MIN_TIDAL; a shorter rest is
# held, breathed out.
TIDAL_PERIOD, TIDAL_JITTER, TIDAL_INHALE, TIDAL_DEPTH = 4.3, 0.12, 0.4, 0.5
MIN_TIDAL_PERIOD, MIN_TIDAL = 60 / 16, 2.5


def breath_track(rng: np.random.Generator, energy: np.ndarray, *, fps: float) -> np.ndarray:
    """How far breathed in the speaker is in each frame, following the voice's ``energy``.

    Parameters
    ----------
    rng : np.random.Generator
        Draws the rest's breaths (their phase, lengths and depths).
    energy : np.ndarray [shape=(n_frames,), float, 0..1]
        Prosody.energy of everything said.
    fps : float

    Returns
    -------
    np.ndarray [shape=(n_frames,), float64, 0..1]
        0 = breathed out at rest, 1 = a full breath.
    """
    phrases = _breath_groups(np.asarray(energy, dtype=np.float64), fps=fps)
    keys = _turning_points(rng, phrases, duration=len(energy) / fps)
    return _join(keys, np.arange(len(energy)) / fps)


def _breath_groups(energy: np.ndarray, *, fps: float) -> list:
    """(onset, end) seconds of each stretch spoken on one breath: voiced runs joined across
    gaps too short to breathe in, the longest ones broken at their quietest moment."""
    voiced = np.concatenate([[0], (energy > VOICED).astype(np.int8), [0]])
    runs = np.flatnonzero(np.diff(voiced)).reshape(-1, 2)  # [start, stop) frames
    groups = []
    for start, stop in runs:
        if groups and (start - groups[-1][1]) / fps < BREATH_PAUSE:
            groups[-1][1] = stop
        else:
            groups.append([start, stop])
    split = []
    for start, stop in groups:
        if (stop - start) / fps >= MIN_PHRASE:
            split += _split_long(energy, start, stop, fps=fps)
    return [(start / fps, stop / fps) for start, stop in split]


def _split_long(energy: np.ndarray, start: int, stop: int, *, fps: float) -> list:
    """[(start, stop)] frames of a breath group, broken where it is quietest (over a fifth
    of a second) as often as it runs over MAX_BREATH_GROUP seconds."""
    margin = int(MIN_SPLIT_PART * fps)
    if (stop - start) / fps <= MAX_BREATH_GROUP or stop - start <= 2 * margin:
        return [(start, stop)]
    quiet = uniform_filter1d(energy[start:stop], max(1, int(0.2 * fps)))
    middle = start + margin + int(np.argmin(quiet[margin : stop - start - margin]))
    gap_start, gap_stop = middle, middle
    while gap_start > start and energy[gap_start - 1] <= VOICED:
        gap_start -= 1
    while gap_stop < stop and energy[gap_stop] <= VOICED:
        gap_stop += 1
    return _split_long(energy, start, gap_start, fps=fps) + _split_long(energy, gap_stop, stop, fps=fps)


def _turning_points(rng: np.random.Generator, phrases: list, *, duration: float) -> list:
    """[(seconds, level)] where the breath turns, from before the clip to after its end.

    Before each phrase a breath in, ending as the voice starts, as deep as the phrase is
    long; while speaking, the air goes out until the next breath in (or runs out in a
    long pause); between, calm breaths at rest. The clip starts at a random point of rest.
    """
    keys = [(-TIDAL_PERIOD * rng.uniform(1.0, 2.0), 0.0)]
    left, spoken_until = 0.0, None  # air left after the last phrase, and when it ended
    for onset, end in phrases:
        length = end - onset
        peak = min(1.0, max(SHORT_PHRASE_BREATH + (1 - SHORT_PHRASE_BREATH) * min(length / FULL_PHRASE, 1.0), left + MIN_TOP_UP))
        pause = onset - (keys[-1][0] if spoken_until is None else spoken_until)
        inhale = INHALE[0] + (INHALE[1] - INHALE[0]) * np.clip(peak - left, 0.0, 1.0)
        # A breath in takes the pause it has; one that breaks a long phrase takes the quickest.
        inhale_start = onset - max(min(inhale, pause), INHALE[0])
        inhale_start = max(inhale_start, 0.5 * (keys[-1][0] + onset))
        rested = spoken_until is None or inhale_start - spoken_until > SETTLE
        if spoken_until is not None and rested:
            keys.append((spoken_until + SETTLE, 0.0))  # the air runs out in the pause
            left = 0.0
        if rested:
            keys += _rest(rng, keys[-1][0], inhale_start)
        keys.append((inhale_start, left))
        keys.append((onset, peak))
        left = max(FLOOR, peak - SPEECH_OUTFLOW * length)
        spoken_until = end
    if spoken_until is not None:
        keys.append((spoken_until + SETTLE, 0.0))
    keys += _rest(rng, keys[-1][0], duration + 2 * TIDAL_PERIOD)
    return keys


def _rest(rng: np.random.Generator, start: float, stop: float) -> list:
    """[(seconds, level)] turning points of calm breaths filling ``start``..``stop``, each
    breathed out again by its end; as many as fit at no more than 16 a minute, time to
    spare held breathed out after each; none if the rest is too short for a calm breath."""
    room = stop - start
    if room < MIN_TIDAL:
        return []
    count = max(1, int(room // MIN_TIDAL_PERIOD))
    periods = TIDAL_PERIOD * np.clip(1 + TIDAL_JITTER * rng.standard_normal(count), 0.7, 1.3)
    periods *= min(1.0, room / periods.sum())
    hold = (room - periods.sum()) / count
    depths = TIDAL_DEPTH * np.clip(1 + 0.1 * rng.standard_normal(count), 0.8, 1.2)
    keys, t = [], start
    for period, depth in zip(periods, depths):
        keys += [(t + TIDAL_INHALE * period, min(depth, 1.0)), (t + period, 0.0)]
        t += period + hold
    return keys[:-1]  # the last breath is out by ``stop``, where the caller goes on


def _join(keys: list, t: np.ndarray) -> np.ndarray:
    """The breath at times ``t``: smootherstep ramps between the turning points ``keys``."""
    times = np.array([k[0] for k in keys])
    levels = np.array([k[1] for k in keys])
    i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    u = np.clip((t - times[i]) / (times[i + 1] - times[i]), 0.0, 1.0)
    ease = u * u * u * (10 - 15 * u + 6 * u * u)
    return levels[i] + (levels[i + 1] - levels[i]) * ease
