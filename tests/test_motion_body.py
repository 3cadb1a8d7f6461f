"""Master mode's body and camera tracks, and the smooth noise behind all idle motion."""

import numpy as np
import pytest

from talkingphoto.motion import BodyMotion, Prosody, body_motion, conversation_motion, face_motion
from talkingphoto.motion._envelope import smooth_noise

FPS = 25.0


def _prosody(seconds: float, *, phrases=((0.5, 2.0), (2.8, 4.5))) -> Prosody:
    """Speech in ``phrases`` (start, stop seconds) with a loud, high accent in each."""
    n = int(seconds * FPS)
    t = np.arange(n) / FPS
    energy = np.zeros(n)
    pitch = np.zeros(n)
    for start, stop in phrases:
        inside = (t >= start) & (t < stop)
        energy[inside] = 0.4
        accent = (t >= start + 0.3) & (t < start + 0.5)
        energy[accent], pitch[accent] = 1.0, 6.0
    return Prosody(FPS, energy, pitch, (energy > 0).astype(float))


@pytest.mark.parametrize("n", [30, 70, 2000])
def test_smooth_noise_keeps_its_scale_on_clips_shorter_than_one_swing(n):
    rng = np.random.default_rng(1)
    draws = np.array([smooth_noise(rng, n, fps=FPS, cutoff_hz=0.1) for _ in range(100)])
    assert np.abs(draws).max() < 5  # a slice of a slow swing, not one stretched to unit std
    assert 0.5 < draws.std() < 1.2
    slope = np.abs(np.diff(draws, axis=1)).max()
    assert slope < 0.1  # smooth: nothing faster than the cutoff


def test_body_motion_stays_in_range_and_repeats_with_its_seed():
    voice = _prosody(6.0)
    body = body_motion(voice, seed=3)
    assert isinstance(body, BodyMotion) and body.n_frames == voice.n_frames
    assert 0 <= body.breath.min() and body.breath.max() <= 1
    assert np.abs(body.sway).max() <= 1.2 and 0 <= body.lean.min() and body.lean.max() <= 1
    # The camera never shows the picture's edge: the offset stays inside what the zoom crops.
    room = 0.5 * (body.zoom - 1)
    assert body.zoom.min() >= 1.0
    assert np.all(np.abs(body.pan_x) <= room + 1e-6) and np.all(np.abs(body.pan_y) <= room + 1e-6)
    again = body_motion(voice, seed=3)
    np.testing.assert_array_equal(body.sway, again.sway)
    assert not np.array_equal(body.sway, body_motion(voice, seed=4).sway)


def test_emphasis_leans_in_and_the_body_breathes_in_pauses():
    voice = _prosody(12.0, phrases=((0.5, 3.0),))
    body = body_motion(voice, seed=0)
    t = np.arange(body.n_frames) / FPS
    assert body.lean[(t > 0.8) & (t < 2.0)].max() > 0.15  # after the accent at 0.8 s (0.5 = a full lean at strength 1)
    assert body.lean[t > 7.0].max() < 0.05  # settled long after the phrase
    assert np.abs(np.diff(body.sway)).max() < 0.05  # degrees per frame: no twitch as a gesture starts
    # About one breath every four seconds in the silence after the phrase.
    rest = body.breath[t > 4.0]
    peaks = np.flatnonzero((rest[1:-1] > rest[:-2]) & (rest[1:-1] >= rest[2:]) & (rest[1:-1] > 0.1))
    assert 1 <= len(peaks) <= 3
    # Calm breaths at rest are shallower than the breath taken for the 2.5 s phrase (0.39;
    # a full one is 0.5 at strength 1). Before: 0.45, deeper than it.
    before_phrase = body.breath[int(0.5 * FPS)]
    assert 0.15 < np.ptp(rest) < 0.75 * before_phrase


def test_camera_pushes_in_slowly_and_smoothly():
    body = body_motion(_prosody(20.0), seed=0)
    assert body.zoom[-1] > body.zoom[0] + 0.02
    assert np.all(np.diff(body.zoom) >= 0)
    assert np.abs(np.diff(body.pan_x)).max() < 0.001  # under 0.1% of the width per frame


def test_the_camera_moves_in_noticeably_over_ten_seconds():
    body = body_motion(_prosody(10.0), seed=0)
    assert body.zoom[-1] / body.zoom[0] > 1.06  # a push-in a viewer sees
    room = 0.5 * (body.zoom - 1)
    assert np.ptp(body.pan_x / room) > 0.5  # and it drifts across, not only in


def test_strength_scales_body_and_camera_and_zero_holds_the_shot():
    voice = _prosody(10.0)
    still = body_motion(voice, seed=2, strength=0.0)
    for track in (still.breath, still.sway, still.lean, still.pan_x, still.pan_y):
        assert not track.any()
    assert np.all(still.zoom == 1.0)
    normal, lively = body_motion(voice, seed=2), body_motion(voice, seed=2, strength=2.0)
    assert np.ptp(lively.breath) > 1.8 * np.ptp(normal.breath)
    assert np.ptp(lively.sway) > 1.5 * np.ptp(normal.sway)
    assert lively.zoom[-1] - 1 > 1.9 * (normal.zoom[-1] - 1)


def _speech(seconds: float, phrases) -> Prosody:
    """Syllables at 4 a second (loudness 0.3..0.9) in ``phrases`` (start, stop seconds), with
    a short closure (a stop consonant, 0.08 s of silence) every 0.7 s: no time to breathe."""
    n = int(seconds * FPS)
    t = np.arange(n) / FPS
    energy = np.zeros(n)
    for start, stop in phrases:
        inside = (t >= start) & (t < stop)
        syllables = 0.6 + 0.3 * np.sin(2 * np.pi * 4 * (t - start))
        closure = ((t - start) % 0.7 > 0.62) & (t < stop - 0.2)
        energy[inside & ~closure] = syllables[inside & ~closure]
    return Prosody(FPS, energy, np.zeros(n), (energy > 0).astype(float))


# A short phrase, a long one after half a second's pause, a 10 s run-on with its quietest
# dip (a 0.12 s gap) at 20 s, then a long silence.
PHRASES = ((1.0, 2.2), (2.7, 7.7), (8.5, 9.5), (15.0, 25.0))


def _run_on(seconds: float = 40.0) -> Prosody:
    voice = _speech(seconds, PHRASES)
    t = np.arange(voice.n_frames) / FPS
    energy = voice.energy.copy()
    energy[(t >= 19.94) & (t < 20.06)] = 0.0
    return Prosody(FPS, energy, voice.pitch, voice.voiced)


def test_breath_is_drawn_in_the_pauses_and_let_out_while_speaking():
    voice = _run_on()
    body = body_motion(voice, seed=5)
    b = body.breath.astype(float)
    t = np.arange(len(b)) / FPS
    voiced = voice.energy > 0.08
    rising = np.diff(b, prepend=b[0]) > 1e-6
    run_on_breath = (t > 19.5) & (t < 20.5)
    assert rising[voiced & ~run_on_breath].mean() < 0.02  # before: 40-60% of speech breathed in
    for onset in (1.0, 2.7, 8.5, 15.0):  # a quick breath in just before each phrase
        i = int(onset * FPS)
        assert b[i] - b[i - int(0.8 * FPS)] > 0.1
    # Deeper before the long phrase than before the short one.
    assert b[int(2.7 * FPS)] > b[int(1.0 * FPS)] + 0.1
    # The 10 s run-on breathes once, at its dip, and nowhere else.
    inside = rising & (t > 15.1) & (t < 25.0)
    assert inside.any() and np.all(np.abs(t[inside] - 20.0) < 0.4)
    # Calm breaths in the long silence: 12 to 16 a minute.
    rest = b[t > 27.0]
    peaks = np.flatnonzero((rest[1:-1] > rest[:-2]) & (rest[1:-1] >= rest[2:]) & (rest[1:-1] > 0.1))
    assert 2 <= len(peaks) <= 4 and 3.5 < np.diff(peaks).mean() / FPS < 5.2
    assert 0.4 < b.max() <= 0.5  # as deep as before: a full breath is 0.5 at strength 1


def test_breath_has_no_kink_where_phrases_start_or_end():
    voice = _run_on()
    b = body_motion(voice, seed=5).breath.astype(float)
    curvature = np.abs(np.diff(b, 2)) * FPS**2  # 1/s^2, frames 1..n-2
    t = np.arange(1, len(b) - 1) / FPS
    # A kink is a lone spike of curvature: well above the curvature two frames either side.
    kinks = t[2:-2][(curvature[2:-2] > 1) & (curvature[2:-2] > 2.5 * np.maximum(curvature[:-4], curvature[4:]))]
    boundaries = np.ravel(PHRASES)
    assert not np.any(np.abs(kinks[:, None] - boundaries[None, :]) < 0.3)  # before: 5 of its 17
    well_inside = np.convolve(voice.energy > 0.08, np.ones(5), "same")[1:-1] == 5
    assert curvature[well_inside & (np.abs(t - 20.0) > 0.5)].max() < 1  # breathing out evenly; before: 3.5


def test_head_and_shoulders_breathe_as_one():
    voice = _run_on(30.0)
    body = body_motion(voice, seed=2)
    own = face_motion(voice, seed=2, room=0.8)
    following = face_motion(voice, seed=2, breath=body.breath, room=0.8)
    assert np.corrcoef(-following.shift_y, body.breath)[0, 1] > 0.999  # the head rises as the body breathes in
    assert 0.5 * np.ptp(own.shift_y) < np.ptp(following.shift_y) < 1.5 * np.ptp(own.shift_y)  # as far as before
    for name in ("blink", "gaze_x", "yaw", "pitch", "shift_x"):  # nothing else changes
        np.testing.assert_array_equal(getattr(following, name), getattr(own, name))
    listeners = conversation_motion(
        np.full(voice.n_frames, -1), {0: voice}, centres={0: 100.0, 1: 300.0}, seed=2, breath=body.breath
    )
    assert np.corrcoef(-listeners[1].shift_y, body.breath)[0, 1] > 0.999
