"""Everything above the mouth: blinks, gaze, brows and head motion, driven by the voice.

All randomness comes from one seeded generator, so the same seed and audio give the same
video. Amplitudes are deliberately small: a talking head that moves too much looks
puppet-like sooner than one that moves too little looks frozen.
"""

from dataclasses import dataclass

import numpy as np

from ._envelope import attack_release, smooth_noise, speech_dynamics
from ._tracks import Prosody

__all__ = ["FaceMotion", "face_motion", "idle_motion", "conversation_motion"]

MAX_YAW, MAX_PITCH, MAX_ROLL = 4.0, 3.5, 2.5  # degrees


@dataclass(frozen=True)
class FaceMotion:
    """Per-frame controls of everything but the mouth.

    Attributes
    ----------
    fps : float
    blink : np.ndarray [shape=(n_frames,), float32, 0..1]  1 = lids shut
    brow : np.ndarray [shape=(n_frames,), float32, 0..1]  1 = brows fully raised
    gaze_x, gaze_y : np.ndarray [shape=(n_frames,), float32, -1..1]
    yaw, pitch, roll : np.ndarray [shape=(n_frames,), float32, degrees]
        Positive yaw turns the face to the image's right, positive pitch nods down,
        positive roll tilts clockwise on the image.
    shift_x, shift_y : np.ndarray [shape=(n_frames,), float32]
        Head translation as a fraction of the face width.
    """

    fps: float
    blink: np.ndarray
    brow: np.ndarray
    gaze_x: np.ndarray
    gaze_y: np.ndarray
    yaw: np.ndarray
    pitch: np.ndarray
    roll: np.ndarray
    shift_x: np.ndarray
    shift_y: np.ndarray

    @property
    def n_frames(self) -> int:
        return len(self.blink)


def _blink_track(rng, n: int, *, fps: float, pause_onsets: np.ndarray) -> np.ndarray:
    """Irregular blinks, about 15-25 a minute, more likely as a phrase ends.

    A blink closes in ~70 ms, stays shut briefly and reopens in ~150 ms; one in eight
    is a double blink.
    """
    duration = n / fps
    times = []
    t = rng.uniform(0.4, 2.5)
    while t < duration:
        times.append(t)
        if rng.random() < 0.12:
            times.append(t + rng.uniform(0.28, 0.4))
        t += max(1.4, rng.gamma(4.0, 0.8))  # mean ~3.2 s -> ~19 per minute
    # Pull blinks that fall near a pause onset onto it: people blink at phrase ends.
    onsets = pause_onsets / fps
    for k, bt in enumerate(times):
        if len(onsets):
            nearest = onsets[np.argmin(np.abs(onsets - bt))]
            if abs(nearest - bt) < 0.8:
                times[k] = nearest + 0.05
    frame_t = (np.arange(n) + 0.5) / fps
    blink = np.zeros(n)
    close, hold, reopen = 0.07, 0.04, 0.15
    for bt in times:
        dt = frame_t - bt
        shape = np.where(
            dt < 0,
            0.0,
            np.where(
                dt < close,
                dt / close,
                np.where(dt < close + hold, 1.0, np.clip(1 - (dt - close - hold) / reopen, 0, 1)),
            ),
        )
        blink = np.maximum(blink, shape)
    return blink


def _gaze_track(rng, n: int, *, fps: float, amplitude: float) -> tuple:
    """Small saccades: the eyes jump to a nearby point, hold 0.6-2.5 s, often come back."""
    gx, gy = np.zeros(n), np.zeros(n)
    i = 0
    target = np.zeros(2)
    while i < n:
        hold = int(rng.uniform(0.6, 2.5) * fps)
        if rng.random() < 0.45:
            target = np.zeros(2)
        else:
            target = rng.uniform(-1, 1, 2) * [amplitude, 0.5 * amplitude]
        gx[i : i + hold], gy[i : i + hold] = target
        i += max(hold, 1)
    # Saccades take ~40 ms: soften the jumps by one frame only.
    kernel = np.array([0.25, 0.5, 0.25])
    return np.convolve(gx, kernel, "same"), np.convolve(gy, kernel, "same")


def face_motion(
    prosody: Prosody, *, seed: int = 0, intensity: float = 1.0, look_at: np.ndarray | None = None
) -> FaceMotion:
    """Controls for a speaking face, driven by ``prosody``.

    Head: slow drift that grows while speaking, nods on stressed syllables (rises of
    loudness), a slight lift with high pitch. Brows lift on emphasis (loud, high-pitched
    peaks). Blinks and gaze shifts are irregular, seeded by ``seed``. ``look_at``
    [shape=(n_frames,), -1..1] optionally steers the gaze sideways, as in :func:`idle_motion`.
    """
    rng = np.random.default_rng(seed)
    n, fps = prosody.n_frames, prosody.fps
    # Accents (quick rises of loudness) drive nods; emphasis lifts the brows.
    speaking, accent, high, emphasis = speech_dynamics(prosody)

    drift = 0.35 + 0.65 * speaking
    # Standard deviations of ~1.3, 0.8 and 0.6 degrees; hard limits keep rare peaks sane.
    yaw = intensity * np.clip(1.3 * drift * smooth_noise(rng, n, fps=fps, cutoff_hz=0.35), -MAX_YAW, MAX_YAW)
    pitch_deg = intensity * np.clip(
        0.8 * drift * smooth_noise(rng, n, fps=fps, cutoff_hz=0.4) + 2.0 * accent - 0.8 * high,
        -MAX_PITCH,
        MAX_PITCH,
    )
    roll = intensity * np.clip(0.6 * drift * smooth_noise(rng, n, fps=fps, cutoff_hz=0.25), -MAX_ROLL, MAX_ROLL)
    shift_x = intensity * 0.006 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.2)
    # Breathing: a slow rise and fall of the head, visible in pauses.
    breath = np.sin(2 * np.pi * 0.22 * np.arange(n) / fps + rng.uniform(0, 2 * np.pi))
    shift_y = intensity * 0.004 * breath

    brow = attack_release(np.where(emphasis > 0.35, emphasis, 0.0), attack=0.08 * fps, release=0.45 * fps)

    pauses = np.flatnonzero(np.diff((speaking > 0.5).astype(int)) < 0)
    blink = _blink_track(rng, n, fps=fps, pause_onsets=pauses)
    gaze_x, gaze_y = _gaze_track(rng, n, fps=fps, amplitude=0.5)
    gaze_x = _looking(gaze_x, look_at)
    return _pack(fps, blink, brow, gaze_x, gaze_y, yaw, pitch_deg, roll, shift_x, shift_y)


def idle_motion(n_frames: int, *, fps: float, seed: int = 0, look_at: np.ndarray | None = None) -> FaceMotion:
    """Controls for a listening face: blinks, breathing, small drift, no speech-driven nods.

    ``look_at`` [shape=(n_frames,), -1..1] optionally steers the gaze sideways, e.g. towards
    whoever is speaking.
    """
    rng = np.random.default_rng(seed)
    n = n_frames
    yaw = np.clip(0.8 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.2), -MAX_YAW, MAX_YAW)
    pitch = np.clip(0.5 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.25), -MAX_PITCH, MAX_PITCH)
    roll = np.clip(0.4 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.15), -MAX_ROLL, MAX_ROLL)
    breath = np.sin(2 * np.pi * 0.22 * np.arange(n) / fps + rng.uniform(0, 2 * np.pi))
    blink = _blink_track(rng, n, fps=fps, pause_onsets=np.array([]))
    gaze_x, gaze_y = _gaze_track(rng, n, fps=fps, amplitude=0.35)
    gaze_x = _looking(gaze_x, look_at)
    return _pack(fps, blink, np.zeros(n), gaze_x, gaze_y, yaw, pitch, roll, np.zeros(n), 0.004 * breath)


def _looking(gaze_x: np.ndarray, look_at) -> np.ndarray:
    if look_at is None:
        return gaze_x
    return np.clip(gaze_x + 0.6 * np.asarray(look_at, dtype=float), -1, 1)


def conversation_motion(speaking: np.ndarray, voices: dict, *, centres: dict, seed: int = 0) -> dict:
    """Face motion of every character in a conversation.

    Whoever speaks moves with their voice; everyone else listens: blinks, breathing, a
    small drift, and eyes turned towards whoever is talking.

    Parameters
    ----------
    speaking : np.ndarray [shape=(n_frames,), int]
        Index of the face speaking in each frame, -1 in pauses.
    voices : dict
        ``{face index: Prosody}`` over the whole timeline (silent outside the face's own
        turns), for every face that speaks at some point.
    centres : dict
        ``{face index: x of the face's centre}`` for every character, speakers included.
    seed : int
        Face ``i`` is seeded with ``seed + i``.

    Returns
    -------
    dict
        ``{face index: FaceMotion}`` for every face in ``centres``.
    """
    speaking = np.asarray(speaking)
    n_frames = len(speaking)
    fps = next(iter(voices.values())).fps
    talker_x = np.array([centres.get(i, 0.0) for i in speaking], dtype=float)
    motions = {}
    for index, x in centres.items():
        others_talk = (speaking >= 0) & (speaking != index)
        look = np.where(others_talk, np.sign(talker_x - x), 0.0)
        if index in voices:
            motions[index] = face_motion(voices[index], seed=seed + index, look_at=look)
        else:
            motions[index] = idle_motion(n_frames, fps=fps, seed=seed + index, look_at=look)
    return motions


def _pack(fps, *tracks) -> FaceMotion:
    arrays = [np.asarray(t, dtype=np.float32) for t in tracks]
    blink, brow, gx, gy = (np.clip(a, lo, 1) for a, lo in zip(arrays[:4], (0, 0, -1, -1)))
    return FaceMotion(fps, blink, brow, gx, gy, *arrays[4:])
