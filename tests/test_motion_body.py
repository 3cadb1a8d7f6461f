"""Master mode's body and camera tracks, and the smooth noise behind all idle motion."""

import numpy as np
import pytest

from talkingphoto.motion import BodyMotion, Prosody, body_motion
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
    peaks = np.flatnonzero((rest[1:-1] > rest[:-2]) & (rest[1:-1] >= rest[2:]) & (rest[1:-1] > 0.25))
    assert 1 <= len(peaks) <= 3
    assert np.ptp(rest) > 0.4  # a deep breath at strength 1 reaches 0.5


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
