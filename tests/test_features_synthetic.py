"""Acoustic features on synthetic signals whose answers are known."""

import numpy as np
import pytest
from scipy import signal

from talkingphoto.errors import AudioError, ParameterError
from talkingphoto.media import QUIET_DBFS
from talkingphoto.voice import acoustic_features, resample_frames

SR = 16000


def vowel(f1, f2, *, f0=120.0, seconds=0.6, sr=SR, rms=0.1):
    """Impulse train at ``f0`` through three formant resonators: a crude but real vowel."""
    n = int(sr * seconds)
    phase = np.cumsum(np.full(n, f0 / sr))
    y = np.diff(np.floor(phase), prepend=0.0)
    for centre, bandwidth in ((f1, 80.0), (f2, 100.0), (2800.0, 150.0)):
        r = np.exp(-np.pi * bandwidth / sr)
        y = signal.lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * centre / sr), r * r], y)
    return (y / np.sqrt(np.mean(y**2)) * rms).astype(np.float32)


def test_sine_level_in_dbfs_and_frame_count():
    t = np.arange(SR) / SR
    f = acoustic_features((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), sr=SR)
    assert f.n_frames == 100 and f.rate == 100.0
    assert f.db[50] == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.2)
    assert f.vowel_db[50] == pytest.approx(f.db[50], abs=0.2)


def test_pitch_of_a_vowel_is_found():
    f = acoustic_features(vowel(700, 1200, f0=150.0), sr=SR)
    middle = slice(10, 50)
    assert np.median(f.f0[middle]) == pytest.approx(150.0, rel=0.02)
    assert np.all(f.voicing[middle] > 0.8)


def test_high_sung_pitch_is_found():
    f = acoustic_features(vowel(800, 1300, f0=660.0), sr=SR)
    assert np.median(f.f0[10:50]) == pytest.approx(660.0, rel=0.03)


def test_formants_separate_a_and_i():
    a = acoustic_features(vowel(800, 1200), sr=SR)
    i = acoustic_features(vowel(300, 2300), sr=SR)
    assert np.nanmedian(a.f1[10:50]) == pytest.approx(800, rel=0.15)
    assert np.nanmedian(i.f1[10:50]) == pytest.approx(300, rel=0.25)
    assert np.nanmedian(i.f2[10:50]) == pytest.approx(2300, rel=0.1)


def test_hiss_is_high_frequency_and_unvoiced():
    rng = np.random.default_rng(0)
    sos = signal.butter(4, [4000, 7500], btype="bandpass", fs=SR, output="sos")
    y = signal.sosfilt(sos, rng.standard_normal(SR // 2))
    f = acoustic_features((0.1 * y / y.std()).astype(np.float32), sr=SR)
    assert np.all(f.hf_ratio[5:45] > 0.9)
    assert np.all(f.f0[5:45] == 0)
    assert np.mean(f.zcr[5:45]) > 0.3


def test_silence_has_no_loudness_and_no_pitch():
    f = acoustic_features(np.zeros(SR, dtype=np.float32), sr=SR)
    assert np.all(f.loudness == 0) and np.all(f.vowel_loudness == 0)
    assert np.all(f.f0 == 0) and np.all(f.voicing == 0)


def test_loudness_is_normalised_per_recording_and_a_far_too_quiet_one_is_heard_raised():
    gap = np.zeros(SR // 2, dtype=np.float32)

    def features(rms):
        return acoustic_features(np.concatenate([gap, vowel(700, 1200, rms=rms), gap]), sr=SR)

    loud, quiet, far = features(0.2), features(0.04), features(0.002)  # -14, -28 and -54 dBFS
    assert loud.db[75] - quiet.db[75] == pytest.approx(20 * np.log10(5), abs=0.5)
    assert far.db[75] == pytest.approx(QUIET_DBFS, abs=1.0)  # its speech is not gated as silence
    for other in (quiet, far):
        np.testing.assert_allclose(loud.loudness[60:100], other.loudness[60:100], atol=0.02)


def test_other_sample_rates_give_the_same_frames():
    y16 = vowel(700, 1200)
    y44 = signal.resample_poly(y16, 441, 160).astype(np.float32)
    a = acoustic_features(y16, sr=SR)
    b = acoustic_features(y44, sr=44100)
    assert abs(a.n_frames - b.n_frames) <= 1
    assert np.median(b.f0[10:50]) == pytest.approx(120, rel=0.02)


def test_resampled_to_video_frames():
    f = acoustic_features(vowel(700, 1200, seconds=1.0), sr=SR).resampled(fps=25, n_frames=25)
    assert f.rate == 25 and f.n_frames == 25
    assert np.median(f.f0[3:20]) == pytest.approx(120, rel=0.02)


def test_resample_frames_averages_over_each_frame():
    step = np.r_[np.zeros(100), np.ones(100)]  # 100 Hz, rises at t = 1.0 s
    out = resample_frames(step, rate=100, fps=10, n_frames=20)
    assert out[:9].max() < 0.05 and out[11:].min() > 0.95
    assert 0 < out[9] < 0.2 and 0.8 < out[10] < 1  # the frames next to the step blend a little
    up = resample_frames(np.arange(10.0), rate=10, fps=20, n_frames=20)
    np.testing.assert_allclose(up[2:18], (np.arange(2, 18) + 0.5) / 2 - 0.5, atol=1e-5)


def test_bad_audio_is_refused():
    with pytest.raises(AudioError, match="mono"):
        acoustic_features(np.zeros((2, 100), dtype=np.float32), sr=SR)
    with pytest.raises(AudioError, match="float"):
        acoustic_features(np.zeros(100, dtype=np.int16), sr=SR)
    with pytest.raises(AudioError, match="NaN"):
        acoustic_features(np.full(100, np.nan, dtype=np.float32), sr=SR)
    with pytest.raises(ParameterError, match="sr"):
        acoustic_features(np.zeros(100, dtype=np.float32), sr=0)


def test_long_recordings_are_analysed_in_seamless_blocks():
    y = np.tile(vowel(700, 1200, f0=150.0, seconds=0.5), 25)  # 12.5 s, across block edges
    f = acoustic_features(y, sr=SR)
    assert f.n_frames == 1250
    edge = slice(990, 1010)
    np.testing.assert_allclose(f.f0[edge], f.f0[490:510], atol=0.5)  # tile junctions at 5 s and 10 s alike
    np.testing.assert_allclose(f.db[edge], f.db[490:510], atol=0.01)  # same phase of the tiling


def test_empty_audio_gives_no_frames():
    f = acoustic_features(np.zeros(0, dtype=np.float32), sr=SR)
    assert f.n_frames == 0 and f.f0.shape == (0,)
