"""Everything above the mouth: blinks, gaze, brows and head motion, driven by the voice.

A speaking head moves in gestures, not in a steady wobble: it takes up a new pose (a turn,
a tilt) as a phrase starts and now and then within it, nods on stressed syllables, and
settles back towards rest in a pause. Poses, their timing and the nods' sizes are drawn
at random (from one seeded generator, so the same seed and audio give the same video):
nothing repeats with a period. ``strength`` scales head and brow motion (0 = still).
"""

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ..errors import ParameterError
from ._envelope import attack_release, smooth_noise, speech_dynamics
from ._tracks import Prosody

__all__ = ["FaceMotion", "face_motion", "idle_motion", "conversation_motion", "GAZES"]

GAZES = ("camera", "wander")
# Head poses at strength 1, degrees. A phrase's turn is drawn up to YAW_SPAN to either
# side (a third of that on average: the largest turns are the rarest), its tilt up to
# about ROLL_SPAN; nods reach NOD_DEPTH on the strongest accents.
YAW_SPAN, ROLL_SPAN, PITCH_SPAN, NOD_DEPTH = 9.0, 1.0, 1.2, 3.0
# Soft limits at any strength, degrees: a tilt moves the head's whole outline (a turn or a
# nod mostly the face inside it), so it stays smallest.
MAX_YAW, MAX_PITCH, MAX_ROLL = 14.0, 8.0, 4.5
# Eyes that hold the camera turn against the head: the iris moves about its eyeball's
# radius (two iris radii) times the sine of the turn, in units of the gaze's reach
# (0.45 iris radii, see render.Pose).
GAZE_HOLD = 2.0 / 0.45
NATURAL_BLINKS = 19.0  # a minute, on average, when no rate is asked for
# Brows lift on a few stressed words, never within BROW_GAP seconds of the last lift: lifted
# on every phrase (each starts loud and high) they stayed up through most of the speech.
# A lift starts at most BROW_LEAD seconds before its word's peak and holds BROW_HOLD past it.
BROW_GAP, BROW_LEAD, BROW_HOLD = 3.0, 0.25, 0.5
# Following the body's breath (master mode), the head rises this fraction of the face's
# width per unit of BodyMotion.breath: a full breath at strength 1 (0.5) lifts it 0.006,
# the swing of its own bob in vivid mode.
HEAD_BREATH_LIFT = 0.012


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


def _blink_track(rng, n: int, *, fps: float, pause_onsets: np.ndarray, rate: float | None) -> np.ndarray:
    """Irregular blinks, more likely as a phrase ends.

    ``rate`` blinks a minute on average (None: about 19, as people blink while talking).
    A blink closes in ~70 ms, stays shut briefly and reopens in ~150 ms; one in eight
    is a double blink.
    """
    if rate == 0:
        return np.zeros(n)
    double = 0.12
    # Mean gap between blink events, doubles included in the rate.
    mean_gap = 60.0 * (1 + double) / (NATURAL_BLINKS if rate is None else rate)
    shortest = min(1.4, 0.5 * mean_gap)
    duration = n / fps
    times = []
    t = rng.uniform(0.4, max(0.5, min(2.5, mean_gap)))
    while t < duration:
        times.append(t)
        if rng.random() < double:
            times.append(t + rng.uniform(0.28, 0.4))
        # Gamma gaps (irregular, never too close), shifted so the mean stays mean_gap.
        t += shortest + rng.gamma(4.0, (mean_gap - shortest) / 4.0)
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


def _ease(x: np.ndarray) -> np.ndarray:
    """Minimum-jerk ramp 0 -> 1 over x in 0..1: how a head moves from pose to pose."""
    x = np.clip(x, 0.0, 1.0)
    return x**3 * (10 - 15 * x + 6 * x**2)


def _glide(n: int, events: list, *, fps: float) -> np.ndarray:
    """Poses over time [shape=(n_frames, k)] from ``events`` (start s, seconds, target
    [shape=(k,)]), in time order: each move starts from wherever the last one had got to."""
    k = len(events[0][2]) if events else 1
    track = np.zeros((n, k))
    t = np.arange(n) / fps
    for start, seconds, target in events:
        first = int(np.searchsorted(t, start))
        if first >= n:
            break
        current = track[first].copy()
        track[first:] = current + np.outer(_ease((t[first:] - start) / seconds), np.asarray(target) - current)
    return track


def _runs(mask: np.ndarray) -> list:
    """(start, stop) frame pairs of the runs of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return list(zip(edges[::2], edges[1::2]))


def _accent_peaks(accent: np.ndarray, speaking: np.ndarray, *, fps: float) -> tuple:
    """The stressed syllables: ``(frames, weights)``, the accent peaks while speaking
    that reach 0.6 of the voice's strong ones (its 90th percentile: a soft voice stresses
    too), none within 0.45 s of a stronger one; weights 0..1 relative to the strong ones."""
    inner = (accent[1:-1] >= accent[:-2]) & (accent[1:-1] > accent[2:]) & (accent[1:-1] > 0.02)
    peaks = np.flatnonzero(inner) + 1
    peaks = peaks[speaking[peaks] > 0.5]
    if len(peaks) == 0:
        return [], []
    strong = float(np.percentile(accent[peaks], 90))
    kept = []
    for p in peaks[np.argsort(-accent[peaks])]:
        if accent[p] >= 0.6 * strong and all(abs(p - q) > 0.45 * fps for q in kept):
            kept.append(int(p))
    kept.sort()
    return kept, [float(min(accent[p] / strong, 1.0)) for p in kept]


def _nods(rng, peaks: list, weights: list, n: int, *, fps: float) -> np.ndarray:
    """Downward nods [shape=(n_frames,), degrees] on about two in three stressed
    syllables: the head dips in ~0.12 s, lowest just before the syllable's loudness
    peaks, and comes back over ~0.4 s. Deeper on stronger accents, each a little different."""
    t = np.arange(n) / fps
    pitch = np.zeros(n)
    rise = 0.12
    for p, weight in zip(peaks, weights):
        if rng.random() > 0.7:
            continue
        depth = NOD_DEPTH * weight * rng.uniform(0.7, 1.2)
        lowest = p / fps - 0.05
        dt = (t - (lowest - rise)) / rise
        # t e^(1 - t): rises to 1 at dt = 1, then dies away; nothing before the nod starts.
        pitch += depth * np.where(dt > 0, dt * np.exp(1 - dt), 0.0)
    return pitch


def _brow_lifts(emphasis: np.ndarray, *, fps: float) -> np.ndarray:
    """Brow height [shape=(n_frames,), 0..1] from ``emphasis`` [shape=(n_frames,), 0..1]:
    a lift on the strongest emphases (peaks over 0.35 that reach 0.6 of the voice's strong
    ones, its 90th percentile), the stronger first, none within BROW_GAP of a kept one.
    Each is as high as its emphasis while that lasts (from BROW_LEAD before its peak to
    BROW_HOLD after it at most); the brows rise in ~0.08 s and come down over ~0.45 s."""
    above = emphasis > 0.35
    inner = (emphasis[1:-1] >= emphasis[:-2]) & (emphasis[1:-1] > emphasis[2:]) & above[1:-1]
    peaks = np.flatnonzero(inner) + 1
    target = np.zeros(len(emphasis))
    if len(peaks):
        strong = float(np.percentile(emphasis[peaks], 90))
        kept = []
        for p in peaks[np.argsort(-emphasis[peaks], kind="stable")]:
            if emphasis[p] >= 0.6 * strong and all(abs(p - q) > BROW_GAP * fps for q in kept):
                kept.append(int(p))
        for start, stop in _runs(above):
            for p in kept:
                if start <= p < stop:
                    first, last = max(start, p - int(BROW_LEAD * fps)), min(stop, p + int(BROW_HOLD * fps))
                    target[first:last] = emphasis[first:last]
    return attack_release(target, attack=0.08 * fps, release=0.45 * fps)


def _phrase_gestures(rng, dynamics, n: int, *, fps: float, peaks: list) -> list:
    """Head pose events (start s, seconds, (yaw, pitch, roll) degrees) of a speaking voice.

    A phrase starts with a new pose, just before the voice; long phrases take another
    every 0.9-3 s, on a stressed syllable when one is near (but not in the last second);
    a pause settles the head back to a quarter of its pose or so, slowly.
    """
    speaking, _, high, _ = dynamics
    events = []
    yaw = roll = 0.0
    peak_times = np.array(peaks, dtype=float) / fps

    def new_pose(start: float, frame: int) -> None:
        nonlocal yaw, roll
        if yaw != 0 and rng.random() < 0.3:
            target = 0.0  # back to facing the viewer (never twice in a row)
        else:
            side = -np.sign(yaw) if (yaw != 0 and rng.random() < 0.65) else rng.choice([-1.0, 1.0])
            target = side * (0.15 + 0.85 * rng.random() ** 3) * YAW_SPAN
        # The head tilts a little with the turn, one way or the other, and on its own.
        roll = 0.2 * target * rng.uniform(-0.5, 1.0) + rng.normal(0, 0.5 * ROLL_SPAN)
        pitch = rng.normal(0, 0.6 * PITCH_SPAN) - 1.5 * high[min(frame, n - 1)]  # high voice, chin up
        seconds = 0.35 + 0.04 * abs(target - yaw) + rng.uniform(0.0, 0.2)
        events.append((start, seconds, (target, pitch, roll)))
        yaw = target

    for start, stop in _runs(speaking > 0.5):
        t0, t1 = start / fps, stop / fps
        new_pose(max(0.0, t0 - 0.15), start)
        t = t0 + rng.uniform(0.9, 3.0)
        while t < t1 - 1.2:  # no new pose just before the phrase ends: the head settles then
            near = peak_times[np.abs(peak_times - t) < 0.3] if len(peak_times) else peak_times
            if len(near):
                t = float(near[np.argmin(np.abs(near - t))]) - 0.1
            new_pose(t, int(t * fps))
            t += rng.uniform(0.9, 3.0)
        calm = rng.uniform(0.15, 0.4)
        yaw, roll = calm * yaw, calm * roll
        events.append((t1, rng.uniform(0.9, 1.4), (yaw, 0.0, roll)))
    return events


def _head(
    rng, n: int, *, fps: float, events: list, nods: np.ndarray, liveliness: np.ndarray, look_at, strength: float, room: float
) -> tuple:
    """(yaw, pitch, roll, shift_x, shift_y) from pose ``events`` and ``nods``, with a
    little drift (scaled by ``liveliness``, 0..1) so that a held pose is never frozen, a
    turn towards ``look_at`` (see :func:`_eyes`) and breathing; all scaled by
    ``strength``, limited, and scaled by ``room``."""
    poses = _glide(n, events, fps=fps) if events else np.zeros((n, 3))
    drift = [s * liveliness * smooth_noise(rng, n, fps=fps, cutoff_hz=0.5) for s in (0.35, 0.25, 0.2)]
    if look_at is not None:  # the head follows the eyes to whoever speaks, over about a second
        poses[:, 0] += 0.35 * YAW_SPAN * gaussian_filter1d(np.asarray(look_at, dtype=float), 0.25 * fps, mode="nearest")
    shift_x = 0.004 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.2)
    # Breathing: a slow rise and fall of the head, each breath a little longer or shorter.
    rate = 0.22 * (1 + 0.15 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.1))
    shift_y = 0.003 * np.sin(rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.cumsum(rate) / fps)
    tracks = ((poses[:, 0] + drift[0], MAX_YAW), (poses[:, 1] + nods + drift[1], MAX_PITCH), (poses[:, 2] + drift[2], MAX_ROLL))
    # Soft limits: a peak is rounded off, never flattened.
    yaw, pitch, roll = (limit * np.tanh(strength * track / limit) for track, limit in tracks)
    return room * yaw, room * pitch, room * roll, room * strength * shift_x, room * strength * shift_y


def _follow_breath(shift_y: np.ndarray, breath, *, room: float) -> np.ndarray:
    """The head's rise and fall: its own (``shift_y``), or the body's ``breath`` when given."""
    if breath is None:
        return shift_y
    breath = np.asarray(breath, dtype=np.float64)
    if breath.shape != shift_y.shape:
        raise ParameterError(f"breath must have one value a frame ({len(shift_y)}), got shape {breath.shape}")
    return -HEAD_BREATH_LIFT * room * breath


def _turning(look_at, gaze: str):
    """Where the head turns to: whoever speaks, unless the eyes hold the camera."""
    return look_at if gaze == "wander" else None


def _eyes(rng, n: int, *, fps: float, yaw: np.ndarray, pitch: np.ndarray, gaze: str, amplitude: float, look_at) -> tuple:
    """(gaze_x, gaze_y): with ``gaze="camera"`` the eyes hold the viewer's, turning against
    the head; with ``"wander"`` they also glance about (``amplitude``) and towards
    ``look_at`` [shape=(n_frames,), -1..1], as a listener looks at whoever speaks."""
    if gaze not in GAZES:
        raise ParameterError(f"must be one of {', '.join(GAZES)}, got {gaze!r}", option="gaze")
    hold_x = -GAZE_HOLD * np.sin(np.radians(yaw))
    hold_y = -GAZE_HOLD * np.sin(np.radians(pitch))
    if gaze == "camera":
        return hold_x, hold_y
    gaze_x, gaze_y = _gaze_track(rng, n, fps=fps, amplitude=amplitude)
    if look_at is not None:
        gaze_x = gaze_x + 0.6 * np.asarray(look_at, dtype=float)
    return gaze_x + hold_x, gaze_y + hold_y


def face_motion(
    prosody: Prosody,
    *,
    seed: int = 0,
    strength: float = 1.0,
    blink_rate: float | None = None,
    gaze: str = "wander",
    look_at: np.ndarray | None = None,
    room: float = 1.0,
    breath: np.ndarray | None = None,
) -> FaceMotion:
    """Controls for a speaking face, driven by ``prosody``.

    Head: a new pose (turn, tilt) as each phrase starts and every few seconds within it,
    nods on stressed syllables, a slight lift with high pitch, settling in pauses. Brows
    lift on the strongest emphases (loud, high-pitched peaks), every few seconds at most.
    Blinks and gaze shifts are irregular.

    Parameters
    ----------
    prosody : Prosody
    seed : int
    strength : float
        Scales head and brow motion: 0 holds them still, 2 doubles them.
    blink_rate : float or None
        Blinks a minute; None blinks naturally (about 19 a minute, more at phrase ends).
    gaze : {"wander", "camera"}
        wander: the eyes glance about (and follow ``look_at``); camera: they hold the
        viewer's eye, turning against the head.
    look_at : np.ndarray [shape=(n_frames,), -1..1], optional
        Steers the gaze sideways, as in :func:`idle_motion`.
    room : float, 0..1
        Share of the head motion the picture allows (render.HeadWarp.room): less for a
        head near the picture's edge.
    breath : np.ndarray [shape=(n_frames,), 0..1], optional
        The body's breath (BodyMotion.breath, master mode): the head rises and falls with
        it instead of with a breathing of its own, so head and shoulders breathe as one.
    """
    _check_scales(strength, room)
    rng = np.random.default_rng(seed)
    n, fps = prosody.n_frames, prosody.fps
    dynamics = speech_dynamics(prosody)
    speaking, accent, _, emphasis = dynamics
    peaks, weights = _accent_peaks(accent, speaking, fps=fps)
    events = _phrase_gestures(rng, dynamics, n, fps=fps, peaks=peaks)
    nods = _nods(rng, peaks, weights, n, fps=fps)
    yaw, pitch, roll, shift_x, shift_y = _head(
        rng, n, fps=fps, events=events, nods=nods, liveliness=0.5 + 0.5 * speaking, look_at=_turning(look_at, gaze), strength=strength, room=room
    )
    shift_y = _follow_breath(shift_y, breath, room=room)
    brow = strength * _brow_lifts(emphasis, fps=fps)

    pauses = np.flatnonzero(np.diff((speaking > 0.5).astype(int)) < 0)
    blink = _blink_track(rng, n, fps=fps, pause_onsets=pauses, rate=blink_rate)
    gaze_x, gaze_y = _eyes(rng, n, fps=fps, yaw=yaw, pitch=pitch, gaze=gaze, amplitude=0.5, look_at=look_at)
    return _pack(fps, blink, brow, gaze_x, gaze_y, yaw, pitch, roll, shift_x, shift_y)


def idle_motion(
    n_frames: int,
    *,
    fps: float,
    seed: int = 0,
    strength: float = 1.0,
    blink_rate: float | None = None,
    gaze: str = "wander",
    look_at: np.ndarray | None = None,
    room: float = 1.0,
    breath: np.ndarray | None = None,
) -> FaceMotion:
    """Controls for a listening face: blinks, breathing, an unhurried change of pose every
    few seconds, a small nod now and then while someone speaks.

    ``look_at`` [shape=(n_frames,), -1..1] optionally turns the listener (head a little,
    eyes more) towards whoever is speaking. Other parameters as in :func:`face_motion`.
    """
    _check_scales(strength, room)
    rng = np.random.default_rng(seed)
    n = n_frames
    look = np.zeros(n) if look_at is None else np.asarray(look_at, dtype=float)
    events = []
    t, duration = rng.uniform(0.5, 2.0), n / fps
    while t < duration:
        pose = (0.4 * YAW_SPAN * rng.uniform(-1, 1), rng.normal(0, 0.3 * PITCH_SPAN), rng.normal(0, 0.3 * ROLL_SPAN))
        events.append((t, rng.uniform(0.8, 1.4), pose))
        t += rng.uniform(2.5, 6.0)
    # Listening nods: now and then while someone else talks.
    frame_t = np.arange(n) / fps
    nods = np.zeros(n)
    t = rng.uniform(1.0, 4.0)
    while t < duration:
        if look[min(int(t * fps), n - 1)] != 0:
            dt = (frame_t - t) / 0.18
            nods += 0.5 * NOD_DEPTH * rng.uniform(0.6, 1.0) * np.where(dt > 0, dt * np.exp(1 - dt), 0.0)
        t += rng.uniform(3.0, 7.0)
    yaw, pitch, roll, shift_x, shift_y = _head(
        rng, n, fps=fps, events=events, nods=nods, liveliness=np.full(n, 0.5), look_at=_turning(look_at, gaze), strength=strength, room=room
    )
    shift_y = _follow_breath(shift_y, breath, room=room)
    blink = _blink_track(rng, n, fps=fps, pause_onsets=np.array([]), rate=blink_rate)
    gaze_x, gaze_y = _eyes(rng, n, fps=fps, yaw=yaw, pitch=pitch, gaze=gaze, amplitude=0.35, look_at=look_at)
    return _pack(fps, blink, np.zeros(n), gaze_x, gaze_y, yaw, pitch, roll, shift_x, shift_y)


def conversation_motion(
    speaking: np.ndarray,
    voices: dict,
    *,
    centres: dict,
    seed: int = 0,
    strength: float = 1.0,
    blink_rate: float | None = None,
    gaze: str = "wander",
    room: dict | None = None,
    breath: np.ndarray | None = None,
) -> dict:
    """Face motion of every character in a conversation.

    Whoever speaks moves with their voice; everyone else listens: blinks, breathing, a
    slow change of pose, and head and eyes turned towards whoever is talking.

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
    strength, blink_rate, gaze
        As in :func:`face_motion`, for every character.
    room : dict, optional
        ``{face index: share of the head motion its picture allows}`` (see
        :func:`face_motion`); 1 for faces left out.
    breath : np.ndarray [shape=(n_frames,), 0..1] or dict, optional
        The body layer's breath (master mode), which every head follows (see
        :func:`face_motion`); or ``{face index: breath}``, each head its own body's.

    Returns
    -------
    dict
        ``{face index: FaceMotion}`` for every face in ``centres``.
    """
    speaking = np.asarray(speaking)
    n_frames = len(speaking)
    fps = next(iter(voices.values())).fps
    talker_x = np.array([centres.get(i, 0.0) for i in speaking], dtype=float)
    room = room or {}
    motions = {}
    for index, x in centres.items():
        own_breath = breath.get(index) if isinstance(breath, dict) else breath
        options = dict(strength=strength, blink_rate=blink_rate, gaze=gaze, room=room.get(index, 1.0), breath=own_breath)
        others_talk = (speaking >= 0) & (speaking != index)
        look = np.where(others_talk, np.sign(talker_x - x), 0.0)
        if index in voices:
            motions[index] = face_motion(voices[index], seed=seed + index, look_at=look, **options)
        else:
            motions[index] = idle_motion(n_frames, fps=fps, seed=seed + index, look_at=look, **options)
    return motions


def _check_scales(strength: float, room: float) -> None:
    if not strength >= 0:
        raise ParameterError(f"must be 0 or more (1 = default), got {strength}", option="motion")
    if not 0 <= room <= 1:
        raise ParameterError(f"room must be between 0 and 1, got {room}")


def _pack(fps, *tracks) -> FaceMotion:
    arrays = [np.asarray(t, dtype=np.float32) for t in tracks]
    blink, brow, gx, gy = (np.clip(a, lo, 1) for a, lo in zip(arrays[:4], (0, 0, -1, -1)))
    return FaceMotion(fps, blink, brow, gx, gy, *arrays[4:])
