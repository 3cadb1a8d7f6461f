"""speak / list_voices / find_voice: errors the user can cause, long texts, saving the speech."""

import wave

import numpy as np
import pytest

from talkingphoto.errors import OutputError, ParameterError, VoiceError
from talkingphoto.voice import Phoneme, Speech, find_voice, list_voices, save_wav, speak
from talkingphoto.voice._speech import SILENCE
from talkingphoto.voice import _piper
from talkingphoto.voice._voices import default_voice, split_sentences


def test_unknown_voice_lists_close_matches():
    with pytest.raises(VoiceError, match=r"unknown voice 'enus': did you mean en-us"):
        find_voice("enus")
    with pytest.raises(VoiceError, match=r"did you mean cmn"):
        find_voice("mandarin")  # found through the voice's description
    with pytest.raises(VoiceError, match=r"unknown voice 'qqqqqq'; see 'talkingphoto voices'"):
        speak("hello", voice="qqqqqq")


def test_voice_names_are_case_insensitive():
    assert find_voice("EN-US").name == "en-us"
    assert find_voice(" cmn ").name == "cmn"


def test_empty_and_too_long_text():
    for text in ("", "   \n\t"):
        with pytest.raises(ParameterError, match="text is empty"):
            speak(text, voice="en-us")
    with pytest.raises(ParameterError, match=r"more than the limit of 10: shorten it or raise the limit \(--max-text-chars\)"):
        speak("This text is too long.", voice="en-us", max_chars=10)
    assert speak("Short.", voice="en-us", max_chars=10).duration > 0.2


def test_language_without_voice():
    with pytest.raises(VoiceError, match="no voice speaks language 'xx'"):
        list_voices(lang="xx")
    assert {v.name for v in list_voices(lang="zh_CN".split("_")[0])} >= {"cmn"}


def test_text_in_a_script_the_voice_cannot_read():
    with pytest.raises(VoiceError, match="cannot read Chinese characters .* use --voice cmn"):
        speak("我们走吧", voice="en-us")


def test_default_voice_follows_the_script(monkeypatch):
    monkeypatch.setattr(_piper, "can_speak", lambda: False)
    assert default_voice("Hello there") == "en-us"
    assert default_voice("你好 world") == "cmn"
    assert default_voice("こんにちは") == "ja"
    assert speak("你好").voice.name == "cmn"


@pytest.mark.skipif(not _piper.piper_voices(), reason="needs the neural extra")
def test_english_text_is_read_by_the_neural_voice_where_installed():
    assert default_voice("Hello there") == "en_US-joe-medium"
    assert default_voice("你好 world") == "cmn"


def test_framed_speech_rests_before_and_after_its_words():
    voice = find_voice("en-us")
    phones = (Phoneme(0.0, 0.02, SILENCE), Phoneme(0.02, 0.9, "a"), Phoneme(0.9, 1.0, SILENCE))
    speech = Speech(y=np.full(100, 0.1, np.float32), sr=100, phones=phones, voice=voice)
    framed = speech.framed(0.3, 0.3)
    assert [p.ipa for p in framed.phones] == [SILENCE, "a", SILENCE]
    assert [t for p in framed.phones for t in p[:2]] == pytest.approx([0.0, 0.3, 0.3, 1.18, 1.18, 1.48])
    assert len(framed.y) == 148 and not framed.y[:28].any() and not framed.y[-20:].any()
    assert framed.y[28:128].tolist() == speech.y.tolist()
    assert speech.framed(0.02, 0.1) is speech  # its own pauses are long enough
    bare = Speech(y=speech.y, sr=100, phones=(Phoneme(0.0, 1.0, "a"),), voice=voice)
    assert bare.framed(0.0, 0.5).phones == (Phoneme(0.0, 1.0, "a"), Phoneme(1.0, 1.5, SILENCE))
    assert bare.framed(0.5, 0.0).phones == (Phoneme(0.0, 0.5, SILENCE), Phoneme(0.5, 1.5, "a"))


def test_split_sentences_keeps_numbers_and_cjk_marks():
    assert split_sentences("It costs 3.5 dollars. Yes!  你好。我们走吧！好的\n\nNext") == [
        "It costs 3.5 dollars.", "Yes!", "你好。", "我们走吧！", "好的", "Next",
    ]  # fmt: skip
    long = "word " * 300
    pieces = split_sentences(long, max_chars=100)
    assert all(len(p) <= 100 for p in pieces) and " ".join(pieces).split() == long.split()
    assert all(len(p) <= 10 for p in split_sentences("一" * 35, max_chars=10))


def test_long_paragraph_is_joined_with_shifted_phones():
    sentence = "The mouth follows every phoneme. "
    one = speak(sentence, voice="en-us")
    many = speak(sentence * 6, voice="en-us")
    assert 5.5 * one.duration < many.duration < 8 * one.duration  # sentence pauses in between
    starts = [p.start for p in many.phones]
    assert starts == sorted(starts) and many.phones[-1].end == pytest.approx(many.duration)
    words = [p.ipa for p in many.phones if p.ipa]
    assert len(words) == 6 * len([p for p in one.phones if p.ipa])
    # every sentence's phonemes sit where that sentence's sound is
    energy = np.abs(many.y)
    for p in many.phones:
        if p.ipa.strip("ˈˌ") in ("ɔː", "oʊ", "iː") and p.end - p.start > 0.05:
            a, b = int(p.start * many.sr), int(p.end * many.sr)
            assert energy[a:b].mean() > 0.02


def test_mandarin_paragraph_with_punctuation_pauses():
    speech = speak("第一句话。第二句话，有逗号！第三句话？", voice="cmn")
    pauses = [p for p in speech.phones if p.ipa == "" and p.end - p.start > 0.12]
    assert len(pauses) >= 3
    for p in pauses:
        a, b = int(p.start * speech.sr), int(p.end * speech.sr)
        assert np.abs(speech.y[a + 200 : b - 200]).max() < 0.05  # a pause is quiet


def test_save_wav_round_trip(tmp_path):
    speech = speak("Keep this.", voice="en-us")
    assert isinstance(speech, Speech)
    path = save_wav(tmp_path / "speech.wav", speech.y, sr=speech.sr)
    with wave.open(str(path), "rb") as wav:
        assert wav.getframerate() == speech.sr and wav.getnchannels() == 1 and wav.getsampwidth() == 2
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    assert np.allclose(pcm / 32767, speech.y, atol=2 / 32767)
    assert list(tmp_path.iterdir()) == [path]
    assert path.stat().st_mode & 0o777 == 0o644
    with pytest.raises(OutputError, match="cannot write audio"):
        save_wav(tmp_path / "missing" / "x.wav", speech.y, sr=speech.sr)


def test_a_language_tag_names_its_closest_voice():
    assert find_voice("en-gb").name == "en"  # the British voice is called "en"
    assert find_voice("zh-CN").name == find_voice("zh_CN").name == "cmn"
    assert [v.name for v in list_voices(lang="zh-CN")][:1] == ["cmn"]
    assert find_voice("de-AT").name == "de" and find_voice("zh-Hans-CN").name == "cmn"  # region, script
    assert find_voice("es-419").name.startswith("es")


def test_a_name_that_only_starts_with_a_language_is_an_unknown_voice():
    # "no" is Norwegian, but "no-such-voice-xyz" is no language tag: no Norwegian render.
    with pytest.raises(VoiceError, match="unknown voice 'no-such-voice-xyz'"):
        find_voice("no-such-voice-xyz")
    with pytest.raises(VoiceError, match="unknown voice 'en-mumble'.*did you mean"):
        find_voice("en-mumble")
    with pytest.raises(VoiceError, match="no voice speaks language 'de-nonsense'"):
        list_voices(lang="de-nonsense")


def test_every_script_finds_its_voice_or_says_there_is_none():
    assert [default_voice(t) for t in ("สวัสดีครับ", "שלום", "Привет", "안녕하세요", "Γειά σου")] == ["th", "he", "ru", "ko", "el"]
    assert default_voice("日本語です") == "ja"  # kana decide: kanji between them are Japanese
    assert speak("Привет мир").voice.name == "ru"
    with pytest.raises(VoiceError, match="no voice here reads Khmer script"):
        speak("ជំរាបសួរ")
    with pytest.raises(VoiceError, match=r"voice en-us cannot read Thai script .* use --voice th"):
        speak("สวัสดีครับ", voice="en-us")
    assert speak("The area is π r squared.", voice="en-us").duration > 1  # a lone symbol is read
