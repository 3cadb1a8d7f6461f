"""mouth_track and prosody on synthetic sounds: silence, vowels, hiss, onsets."""

import numpy as np
import pytest
from scipy import signal

from talkingphoto.errors import ParameterError
from talkingphoto.motion import MouthOptions, MouthTrack, Prosody, mouth_track, prosody

SR = 16000


def vowel(f1, f2, *, f0=120.0, seconds=0.6, rms=0.1):
    n = int(SR * seconds)
    y = np.diff(np.floor(np.cumsum(np.full(n, f0 / SR))), prepend=0.0)
    for centre, bandwidth in ((f1, 80.0), (f2, 100.0), (2800.0, 150.0)):
        r = np.exp(-np.pi * bandwidth / SR)
        y = signal.lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * centre / SR), r * r], y)
    return (y / np.sqrt(np.mean(y**2)) * rms).astype(np.float32)


def hiss(*, seconds=0.6, rms=0.1):
    sos = signal.butter(4, [4000, 7500], btype="bandpass", fs=SR, output="sos")
    y = signal.sosfilt(sos, np.random.default_rng(0).standard_normal(int(SR * seconds)))
    return (y / y.std() * rms).astype(np.float32)


def padded(y, before=0.5, after=0.5):
    return np.concatenate([np.zeros(int(SR * before), np.float32), y, np.zeros(int(SR * after), np.float32)])


def middle(track, fps=25, start=0.6, end=1.0):
    return slice(int(start * fps), int(end * fps))


def test_silence_keeps_the_mouth_shut():
    track = mouth_track(np.zeros(2 * SR, np.float32), sr=SR, fps=25)
    assert isinstance(track, MouthTrack) and track.n_frames == 50
    assert np.all(track.open == 0) and np.all(track.spread == 0)


def test_open_vowel_opens_more_than_close_vowel():
    a = mouth_track(padded(vowel(800, 1200)), sr=SR, fps=25)
    i = mouth_track(padded(vowel(300, 2300)), sr=SR, fps=25)
    assert a.open[middle(a)].mean() > 0.7
    assert a.open[middle(a)].mean() > i.open[middle(i)].mean() + 0.3
    assert i.open[middle(i)].mean() > 0.15  # close vowels still part the lips


def test_i_spreads_and_u_rounds():
    i = mouth_track(padded(vowel(300, 2300)), sr=SR, fps=25)
    u = mouth_track(padded(vowel(300, 800)), sr=SR, fps=25)
    assert i.spread[middle(i)].mean() > 0.5
    assert u.spread[middle(u)].mean() < -0.3


def test_hiss_opens_less_than_a_vowel_of_the_same_loudness():
    v = mouth_track(padded(vowel(600, 1500, rms=0.1)), sr=SR, fps=25)
    s = mouth_track(padded(np.concatenate([vowel(600, 1500, rms=0.1)[: SR // 10], hiss(rms=0.1)])), sr=SR, fps=25)
    assert s.open[middle(s, start=0.7)].mean() < 0.3 * v.open[middle(v, start=0.7)].mean()


def test_onset_is_not_late():
    y = padded(vowel(800, 1200), before=1.0)
    for fps in (25, 30):
        track = mouth_track(y, sr=SR, fps=fps)
        frame = int(1.0 * fps)  # the frame whose span contains t = 1.0 s
        assert track.open[frame - 2] < 0.05
        assert track.open[frame] > 0.2


def test_mouth_closes_after_the_sound():
    track = mouth_track(padded(vowel(800, 1200), before=0.5, after=0.6), sr=SR, fps=25)
    end = int(1.1 * 25)
    assert track.open[end + 3 :].max() < 0.05


def test_frame_count_and_rate_are_honoured():
    y = padded(vowel(700, 1200))  # 1.6 s
    assert mouth_track(y, sr=SR, fps=25).n_frames == 40
    assert mouth_track(y, sr=SR, fps=30).n_frames == 48
    track = mouth_track(y, sr=SR, fps=24, n_frames=100)
    assert track.n_frames == 100 and track.fps == 24
    assert np.all(track.open[60:] == 0)  # past the audio the mouth rests


def test_resampled_input_gives_the_same_track():
    y = padded(vowel(700, 1200))
    y48 = signal.resample_poly(y, 3, 1).astype(np.float32)
    a = mouth_track(y, sr=SR, fps=25)
    b = mouth_track(y48, sr=48000, fps=25)
    np.testing.assert_allclose(a.open, b.open, atol=0.05)


def test_deterministic():
    y = padded(np.concatenate([vowel(800, 1200), hiss(seconds=0.2), vowel(300, 2300)]))
    a = mouth_track(y, sr=SR, fps=25)
    b = mouth_track(y.copy(), sr=SR, fps=25)
    for name in ("open", "spread", "press"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_closure_between_vowels_presses_the_lips():
    gap = np.zeros(int(0.08 * SR), np.float32)  # an 80 ms stop closure, as in "a-ba"
    y = padded(np.concatenate([vowel(800, 1200, seconds=0.3), gap, vowel(800, 1200, seconds=0.3)]))
    track = mouth_track(y, sr=SR, fps=25)
    closure = int((0.5 + 0.3 + 0.04) * 25)
    shut = track.open * (1 - track.press)
    assert shut[closure - 1 : closure + 2].min() < 0.1
    assert shut[int(0.65 * 25)] > 0.5


def test_loud_and_quiet_recordings_open_alike():
    loud = mouth_track(padded(vowel(800, 1200, rms=0.2)), sr=SR, fps=25)
    quiet = mouth_track(padded(vowel(800, 1200, rms=0.003)), sr=SR, fps=25)
    np.testing.assert_allclose(loud.open, quiet.open, atol=0.08)


def test_sustained_note_keeps_the_mouth_open():
    t = np.arange(3 * SR) / SR
    f0 = 262 * (1 + 0.02 * np.sin(2 * np.pi * 5.5 * t))  # a sung C4 with vibrato
    y = np.diff(np.floor(np.cumsum(f0 / SR)), prepend=0.0)
    for centre, bandwidth in ((750, 90.0), (1250, 110.0), (2900, 160.0)):
        r = np.exp(-np.pi * bandwidth / SR)
        y = signal.lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * centre / SR), r * r], y)
    track = mouth_track(padded((0.1 * y / y.std()).astype(np.float32)), sr=SR, fps=25)
    held = track.open[int(0.7 * 25) : int(3.3 * 25)]
    assert held.min() > 0.6
    assert track.press[int(0.7 * 25) : int(3.3 * 25)].max() < 0.2


def test_options_are_checked():
    with pytest.raises(ParameterError, match="lead"):
        MouthOptions(lead=1.0)
    with pytest.raises(ParameterError, match="fps"):
        mouth_track(np.zeros(100, np.float32), sr=SR, fps=0)
    with pytest.raises(ParameterError, match="n_frames"):
        mouth_track(np.zeros(100, np.float32), sr=SR, fps=25, n_frames=-1)


def test_prosody_follows_loudness_and_pitch():
    low = vowel(700, 1200, f0=110.0, seconds=0.5)
    high = vowel(700, 1200, f0=220.0, seconds=0.5)
    p = prosody(padded(np.concatenate([low, high])), sr=SR, fps=25)
    assert isinstance(p, Prosody) and p.n_frames == 50  # 2 s at 25 fps
    assert p.energy[:10].max() < 0.05 and p.energy[15:35].min() > 0.5 and p.energy[42:].max() < 0.05
    assert p.voiced[15:23].min() > 0.8 and p.voiced[27:35].min() > 0.8 and p.voiced[:10].max() < 0.1
    # one octave apart, in semitones about the median
    assert np.median(p.pitch[28:35]) - np.median(p.pitch[15:22]) == pytest.approx(12, abs=0.5)
    assert np.all(p.pitch[:10] == 0) and np.all(p.pitch[42:] == 0)
