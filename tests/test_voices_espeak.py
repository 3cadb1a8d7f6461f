"""espeak-ng through ctypes: voices, Mandarin read correctly, phoneme timing that covers the audio."""

import numpy as np
import pytest

from talkingphoto.errors import ParameterError, VoiceError
from talkingphoto.voice import espeak_variants, list_voices, speak
from talkingphoto.voice._espeak import espeak_synthesize, phones_from_events


def _labels(speech):
    return [p.ipa.replace("ˈ", "").replace("ˌ", "") for p in speech.phones if p.ipa]


def _check_timing(speech):
    phones = speech.phones
    assert phones[0].start == 0.0
    assert phones[-1].end == pytest.approx(speech.duration, abs=1e-9)
    for a, b in zip(phones, phones[1:]):
        assert a.end == pytest.approx(b.start, abs=1e-9)
    assert all(p.end > p.start for p in phones)


def test_listing_has_mandarin_cantonese_japanese_and_english():
    voices = {v.name: v for v in list_voices()}
    assert len(voices) > 100
    for name in ("cmn", "yue", "ja", "en-us", "en-gb-x-rp"):
        assert voices[name].engine == "espeak-ng"
        assert voices[name].sample_rate == 22050
    assert "zh" in voices["cmn"].languages
    assert {v.name for v in list_voices(lang="zh")} >= {"cmn", "yue"}
    assert all(any(t.startswith("en") for t in v.languages) for v in list_voices(lang="EN"))


def test_mandarin_is_read_as_mandarin_not_english_digits():
    speech = speak("你好", voice="cmn")
    assert _labels(speech)[:4] == ["n", "i", "χ", "ɑu"]
    # Debian's espeak-ng 1.51 said "ni three hao three": no English "three" may appear.
    joined = " ".join(_labels(speak("你好，我们三点见面。", voice="cmn")))
    assert "θ" not in joined and "ɹ" not in joined
    pinyin = " ".join(_labels(speak("ni3 hao3", voice="cmn-latn-pinyin")))
    assert "θ" not in pinyin and pinyin.startswith("n i")


def test_mandarin_sentence_is_audible_and_covered_by_phones():
    speech = speak("今天天气很好，我们去公园散步吧。", voice="cmn")
    assert speech.y.dtype == np.float32 and speech.sr == 22050
    assert np.sqrt(np.mean(speech.y**2)) > 0.02
    _check_timing(speech)
    spoken = sum(p.end - p.start for p in speech.phones if p.ipa)
    assert spoken > 0.6 * speech.duration


def test_english_hello_world_phones():
    speech = speak("hello world", voice="en-us")
    assert _labels(speech) == ["h", "ə", "l", "oʊ", "w", "ɜː", "l", "d"]
    _check_timing(speech)


def test_mixed_chinese_and_english_switches_language():
    labels = _labels(speak("我喜欢 Python 和 hello", voice="cmn"))
    assert "l" in labels and "oʊ" in labels or "əʊ" in labels


def test_phone_events_sample_positions_agree_with_milliseconds():
    # The 'sample' field is used for timing: it must agree with the documented ms field.
    from talkingphoto.voice import _espeak

    with _espeak._LOCK:
        engine = _espeak._engine()
        samples, events = engine.synthesize("Good morning, everyone.", voice="en-us", rate=None, pitch=None,
                                            end_pause=False)  # fmt: skip
    assert len(events) > 10
    for sample, ms, _ in events:
        assert abs(sample / engine.sr * 1000 - ms) <= 1.0
    assert events[-1][0] <= len(samples)


def test_phones_from_events_merges_pauses_and_drops_language_marks():
    events = [(0, 0, "h"), (100, 4, ""), (150, 6, "(en)"), (200, 9, "a"), (200, 9, "b"), (300, 13, "")]
    phones = phones_from_events(events, n_samples=400, sr=1000)
    assert [(p.start, p.end, p.ipa) for p in phones] == [
        (0.0, 0.1, "h"), (0.1, 0.2, ""), (0.2, 0.3, "b"), (0.3, 0.4, ""),
    ]  # fmt: skip


def test_rate_changes_duration_and_pitch_changes_sound():
    slow = speak("This sentence is read at two speeds.", voice="en-us", rate=100)
    fast = speak("This sentence is read at two speeds.", voice="en-us", rate=300)
    assert slow.duration > 2.0 * fast.duration
    _check_timing(slow)
    _check_timing(fast)
    low = speak("aaah", voice="en-us", pitch=10)
    high = speak("aaah", voice="en-us", pitch=90)
    assert not np.array_equal(low.y[: min(len(low.y), len(high.y))], high.y[: min(len(low.y), len(high.y))])


def test_rate_and_pitch_out_of_range():
    with pytest.raises(ParameterError, match="rate must be between 80 and 450"):
        speak("hi", voice="en-us", rate=20)
    with pytest.raises(ParameterError, match="pitch must be between 0 and 100"):
        espeak_synthesize("hi", voice="en-us", pitch=150)


def test_same_text_gives_nearly_the_same_speech():
    # espeak-ng carries its glottal phase from one call to the next: a few samples of drift.
    a = speak("Repeatable speech.", voice="en-us")
    b = speak("Repeatable speech.", voice="en-us")
    assert abs(a.duration - b.duration) < 0.002
    assert [p.ipa for p in a.phones] == [p.ipa for p in b.phones]
    assert max(abs(p.start - q.start) for p, q in zip(a.phones, b.phones)) < 0.002


def test_variants():
    variants = espeak_variants()
    assert "f3" in variants and "m1" in variants
    speech = speak("hello", voice="en-us+f3")
    assert speech.voice.name == "en-us+f3"
    with pytest.raises(VoiceError, match="did you mean"):
        speak("hello", voice="en-us+f33")


def test_threads_share_the_library_safely():
    from concurrent.futures import ThreadPoolExecutor

    texts = ["First thread speaks English.", "第二个线程说中文。"] * 3
    voices = ["en-us", "cmn"] * 3
    expected = {t: [p.ipa for p in speak(t, voice=v).phones] for t, v in zip(texts[:2], voices[:2])}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda tv: speak(tv[0], voice=tv[1]), zip(texts, voices)))
    for text, speech in zip(texts, results):
        assert [p.ipa for p in speech.phones] == expected[text]
