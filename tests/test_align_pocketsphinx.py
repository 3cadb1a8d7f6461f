"""Forced alignment with pocketsphinx on a real recording (tests/data)."""

import wave

import numpy as np
import pytest
from scipy import signal

from talkingphoto.errors import ParameterError, VoiceError
from talkingphoto.voice import Phone, align_phones, align_words


def read_wav(path):
    with wave.open(str(path)) as w:
        y = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        return y, w.getframerate()


@pytest.fixture
def goforward(real_data):
    return read_wav(real_data / "audio" / "goforward.wav")


def test_words_in_order_with_plausible_times(goforward):
    y, sr = goforward
    words = align_words(y, sr=sr, transcript="Go forward, ten meters!")
    assert [w.label for w in words] == ["go", "forward", "ten", "meters"]
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert 0.3 < words[0].start < 0.6  # the recording opens with ~0.45 s of silence
    assert 1.9 < words[-1].end < 2.3
    for w in words:
        assert 0.1 < w.end - w.start < 0.8


def test_phones_cover_the_audio_in_arpabet(goforward):
    y, sr = goforward
    phones = align_phones(y, sr=sr, transcript="go forward ten meters")
    assert all(isinstance(p, Phone) for p in phones)
    assert phones[0].label == "SIL" and phones[-1].label == "SIL"
    assert phones[0].start == 0 and phones[-1].end == pytest.approx(len(y) / sr, abs=0.02)
    for a, b in zip(phones[:-1], phones[1:]):
        assert b.start == pytest.approx(a.end, abs=1e-6)
    spoken = [p.label for p in phones if p.label != "SIL"]
    assert spoken == "G OW F AO R W ER D T EH N M IY T ER Z".split()


def test_other_sample_rates_are_resampled(goforward):
    y, sr = goforward
    y44 = signal.resample_poly(y, 441, 160).astype(np.float32)
    a = align_words(y, sr=sr, transcript="go forward ten meters")
    b = align_words(y44, sr=44100, transcript="go forward ten meters")
    assert [w.label for w in b] == [w.label for w in a]
    assert np.allclose([w.start for w in b], [w.start for w in a], atol=0.03)


def test_nothing_to_align_gives_empty_list():
    assert align_phones(np.zeros(16000, np.float32), sr=16000, transcript="hello world") == []


def test_bad_transcripts_are_refused(goforward):
    y, sr = goforward
    with pytest.raises(VoiceError, match="zzqxv"):
        align_phones(y, sr=sr, transcript="go zzqxv")
    with pytest.raises(ParameterError, match="no words"):
        align_phones(y, sr=sr, transcript=" 12 !? ")


def test_speech_runs_start_and_end_where_there_is_sound():
    from talkingphoto.voice._align import _heard_runs

    sr = 16000
    samples = np.zeros(sr)  # 1 s: digital silence, then 0.5 s of sound from 0.3 s
    samples[int(0.3 * sr) : int(0.8 * sr)] = 0.1 * np.random.default_rng(0).standard_normal(int(0.5 * sr))
    phones = [Phone(0.0, 0.35, "TH"), Phone(0.35, 0.5, "AE"), Phone(0.5, 1.0, "UW")]
    heard = [(round(p.start, 2), round(p.end, 2), p.label) for p in _heard_runs(phones, samples)]
    assert heard == [(0.0, 0.3, "SIL"), (0.3, 0.35, "TH"), (0.35, 0.5, "AE"), (0.5, 0.8, "UW"), (0.8, 1.0, "SIL")]
    # A silence the aligner found stays one segment; a run with no sound at all stays as aligned.
    phones = [Phone(0.0, 0.1, "SIL"), Phone(0.1, 0.5, "AE"), Phone(0.5, 1.0, "SIL")]
    assert [p.label for p in _heard_runs(phones, samples)] == ["SIL", "AE", "SIL"]
    assert _heard_runs(phones, np.zeros(sr)) == phones
    # A stop's closure is silent: a P that starts a run keeps it.
    phones = [Phone(0.0, 0.35, "P"), Phone(0.35, 0.7, "AE"), Phone(0.7, 1.0, "T")]
    assert _heard_runs(phones, samples) == phones
