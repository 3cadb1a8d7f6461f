"""Head, brow, blink and gaze tracks of a speaking or listening face, from synthetic voices."""

import numpy as np
import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.motion import Prosody, conversation_motion, face_motion, idle_motion
from talkingphoto.motion._face import GAZE_HOLD

FPS = 25.0


def _prosody(seconds: float, *, phrases=((0.5, 4.0), (5.5, 9.0)), accents=()) -> Prosody:
    """Speech in ``phrases`` (start, stop s): syllables five a second at a middling level,
    and a loud, high syllable at each time in ``accents``."""
    n = int(seconds * FPS)
    t = np.arange(n) / FPS
    energy = np.zeros(n)
    pitch = np.zeros(n)
    for start, stop in phrases:
        inside = (t >= start) & (t < stop)
        energy[inside] = 0.35 + 0.05 * np.sin(2 * np.pi * 2.5 * t[inside]) ** 2
    for at in accents:
        syllable = (t >= at) & (t < at + 0.16)
        energy[syllable], pitch[syllable] = 1.0, 5.0
    return Prosody(FPS, energy, pitch, (energy > 0).astype(float))


def _speech(seconds: float = 60.0) -> Prosody:
    """A minute of phrases of 2-5 s with pauses and an accent or two in each."""
    rng = np.random.default_rng(7)
    phrases, accents, t = [], [], 0.5
    while t < seconds - 3:
        length = rng.uniform(2.0, 5.0)
        phrases.append((t, t + length))
        accents += list(t + np.sort(rng.uniform(0.2, length - 0.3, size=rng.integers(1, 3))))
        t += length + rng.uniform(0.6, 1.5)
    return _prosody(seconds, phrases=phrases, accents=accents)


def _chatter(seconds: float = 60.0) -> Prosody:
    """Lively read speech: phrases of 1-2.5 s after pauses of 0.3-0.6 s, syllables four a
    second, the pitch reset high at each phrase's start and falling through it."""
    rng = np.random.default_rng(11)
    n = int(seconds * FPS)
    t = np.arange(n) / FPS
    energy, pitch = np.zeros(n), np.zeros(n)
    start = 0.3
    while start < seconds - 3:
        stop = start + rng.uniform(1.0, 2.5)
        inside = (t >= start) & (t < stop)
        syllables = np.sin(np.pi * 4.0 * (t[inside] - start)) ** 2
        energy[inside] = 0.15 + 0.75 * syllables * rng.uniform(0.6, 1.0)
        pitch[inside] = 4.0 - 5.0 * (t[inside] - start) / (stop - start)
        start = stop + rng.uniform(0.3, 0.6)
    return Prosody(FPS, energy, pitch, (energy > 0).astype(float))


def test_brows_lift_on_a_few_words_not_at_every_phrase():
    voice = _chatter()
    phrases = np.count_nonzero(np.diff((voice.energy > 0).astype(int)) > 0)
    brow = face_motion(voice, seed=2).brow
    lifts = np.flatnonzero(np.diff((brow > 0.15).astype(int)) > 0) / FPS
    assert 6 <= len(lifts) <= min(20, phrases / 2)  # a minute of speech: every few seconds at most
    assert np.diff(lifts).min() >= 2.0
    assert np.mean(brow[voice.energy > 0] < 0.1) > 0.5  # at rest for most of the speech
    assert brow.max() > 0.4  # and a lift still shows


def test_motion_zero_holds_head_and_brows_still_but_the_eyes_live():
    face = face_motion(_speech(20.0), seed=1, strength=0.0)
    for track in (face.yaw, face.pitch, face.roll, face.shift_x, face.shift_y, face.brow):
        assert not track.any()
    assert face.blink.max() == 1.0 and np.ptp(face.gaze_x) > 0.1


def test_motion_two_moves_the_head_further_than_one():
    voice = _speech()
    normal, lively = face_motion(voice, seed=3), face_motion(voice, seed=3, strength=2.0)
    for name in ("yaw", "pitch", "roll"):
        assert getattr(lively, name).std() > 1.6 * getattr(normal, name).std()
    assert lively.brow.mean() > 1.5 * normal.brow.mean()


def test_the_head_turns_several_degrees_and_takes_its_time_doing_it():
    face = face_motion(_speech(), seed=5)
    assert 4.0 < np.abs(face.yaw).max() <= 14.0  # several degrees; 8-10 at the most
    assert face.yaw.std() > 1.5 and 0.3 < face.roll.std() < 2.0
    assert np.abs(np.diff(face.yaw)).max() < 1.5  # degrees per frame: a turn, never a snap


def test_nods_land_on_stressed_syllables():
    accents = (1.0, 2.2, 3.4, 6.0, 7.2, 8.3, 11.0, 12.1, 13.5, 16.0, 17.2, 18.4)
    phrases = ((0.5, 9.0), (10.5, 19.0))
    face = face_motion(_prosody(20.0, phrases=phrases, accents=accents), seed=0)
    t = np.arange(face.n_frames) / FPS

    def dip(at):  # how far the head goes down just before ``at``, from where it was
        return face.pitch[(t > at - 0.25) & (t < at + 0.2)].max() - face.pitch[(t > at - 0.6) & (t < at - 0.3)].mean()

    at_accents = [dip(at) for at in accents]
    inside = [at for start, stop in phrases for at in np.arange(start + 0.3, stop, 0.1)]
    elsewhere = [dip(at) for at in inside if min(abs(at - a) for a in accents) > 0.6]
    assert sum(d > 1.0 for d in at_accents) >= 6  # most stressed syllables get a nod...
    assert np.mean(at_accents) > 3 * max(np.mean(elsewhere), 0.1)  # ...and the head is quieter between them


def test_a_pause_settles_the_head():
    for seed in range(4):
        face = face_motion(_prosody(12.0, phrases=((0.5, 5.0),)), seed=seed)
        t = np.arange(face.n_frames) / FPS
        talking, resting = np.abs(face.yaw[(t > 1.0) & (t < 5.0)]), np.abs(face.yaw[t > 8.0])
        assert resting.max() < max(0.55 * talking.max(), 1.0)
        assert np.abs(np.diff(face.yaw[t > 8.0])).max() < 0.1  # drifting, not gesturing


def test_head_moves_come_at_irregular_times():
    face = face_motion(_speech(), seed=4)
    speed = np.abs(np.diff(face.yaw)) * FPS
    starts = np.flatnonzero(np.diff((speed > 3.0).astype(int)) > 0) / FPS
    gaps = np.diff(starts)
    assert len(gaps) >= 15  # a move every few seconds over the minute...
    assert gaps.std() / gaps.mean() > 0.3  # ...never on a beat


def test_room_scales_the_head_and_nothing_else():
    voice = _speech(20.0)
    full, half = face_motion(voice, seed=6), face_motion(voice, seed=6, room=0.5)
    np.testing.assert_allclose(half.yaw, 0.5 * full.yaw, atol=1e-5)
    np.testing.assert_allclose(half.shift_y, 0.5 * full.shift_y, atol=1e-7)
    np.testing.assert_array_equal(half.brow, full.brow)
    np.testing.assert_array_equal(half.blink, full.blink)


@pytest.mark.parametrize("rate", [6.0, 30.0, 60.0])
def test_blink_rate_is_kept_on_average(rate):
    face = idle_motion(int(600 * FPS), fps=FPS, seed=1, blink_rate=rate)
    closing = np.flatnonzero(np.diff((face.blink > 0.5).astype(int)) > 0)
    assert len(closing) == pytest.approx(10 * rate, rel=0.15)


def test_no_blinks_when_asked_for_none_and_about_nineteen_a_minute_by_default():
    assert not idle_motion(int(120 * FPS), fps=FPS, seed=1, blink_rate=0).blink.any()
    natural = idle_motion(int(600 * FPS), fps=FPS, seed=1)
    closing = np.flatnonzero(np.diff((natural.blink > 0.5).astype(int)) > 0)
    assert 15 * 10 <= len(closing) <= 24 * 10


def test_eyes_on_the_camera_turn_against_the_head_and_never_wander():
    face = face_motion(_speech(20.0), seed=8, gaze="camera")
    np.testing.assert_allclose(face.gaze_x, np.clip(-GAZE_HOLD * np.sin(np.radians(face.yaw)), -1, 1), atol=1e-5)
    np.testing.assert_allclose(face.gaze_y, np.clip(-GAZE_HOLD * np.sin(np.radians(face.pitch)), -1, 1), atol=1e-5)
    with pytest.raises(ParameterError, match="gaze must be one of camera, wander, got 'up'"):
        face_motion(_speech(5.0), gaze="up")
    with pytest.raises(ParameterError, match="motion must be 0 or more"):
        idle_motion(50, fps=FPS, strength=-1.0)


def test_listeners_turn_towards_whoever_speaks():
    n = int(20 * FPS)
    speaking = np.full(n, -1)
    speaking[int(2 * FPS) : int(9 * FPS)] = 0  # the face on the left speaks, then the one on the right
    speaking[int(11 * FPS) : int(18 * FPS)] = 1
    voices = {
        0: _prosody(20.0, phrases=((2.0, 9.0),)),
        1: _prosody(20.0, phrases=((11.0, 18.0),)),
    }
    motions = conversation_motion(speaking, voices, centres={0: 100.0, 1: 400.0, 2: 250.0}, seed=0)
    t = np.arange(n) / FPS
    first, second = (t > 4) & (t < 9), (t > 13) & (t < 18)
    middle = motions[2]  # never speaks: looks left, then right, head and eyes
    assert middle.yaw[first].mean() < middle.yaw[second].mean() - 2.0
    assert middle.gaze_x[first].mean() < middle.gaze_x[second].mean() - 0.5
    assert motions[1].yaw[first].mean() < motions[1].yaw[second].mean()  # the right one listens leftwards first
    # Holding the camera, a listener keeps head and eyes with the viewer: the same head
    # motion but for the turn towards the speaker.
    facing = conversation_motion(speaking, voices, centres={0: 100.0, 1: 400.0, 2: 250.0}, seed=0, gaze="camera")
    turn = middle.yaw - facing[2].yaw
    assert turn[first].mean() < -2.0 and turn[second].mean() > 2.0 and np.abs(turn[t < 1.5]).max() < 0.1
