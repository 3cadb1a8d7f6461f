"""Mouth tracks from timed phonemes: targets, coarticulation, closures, and lip-sync against the phones."""

import math
from typing import NamedTuple

import numpy as np
import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.motion import MouthTrack, ipa_to_arpabet, mouth_track, mouth_track_from_phones
from talkingphoto.motion._phonemes import mouth_targets


def _mid(track: MouthTrack, t: float) -> int:
    return int(t * track.fps)


def test_open_spread_and_rounded_vowels_reach_their_targets():
    phones = [(0.0, 0.2, ""), (0.2, 0.5, "ˈa"), (0.5, 0.8, "ˈi"), (0.8, 1.1, "ˈu"), (1.1, 1.4, "")]
    track = mouth_track_from_phones(phones, fps=50, n_frames=70)
    assert track.n_frames == 70 and track.fps == 50
    a, i, u = _mid(track, 0.35), _mid(track, 0.65), _mid(track, 0.95)
    assert track.open[a] > 0.85 and track.open[i] < 0.4 and track.open[u] < 0.4
    assert track.spread[i] > 0.6 and track.spread[u] < -0.7 and abs(track.spread[a]) < 0.2
    assert track.open[:5].max() < 0.01 and track.open[-5:].max() < 0.01  # silence: lips together
    assert np.all(track.press < 0.01)


def test_every_bilabial_gets_a_closed_frame_even_when_short():
    # A 30 ms M between open vowels falls between two frame instants at 25 fps.
    phones = [(0.0, 0.23, "ˈɑ"), (0.23, 0.26, "m"), (0.26, 0.5, "ɑ"), (0.5, 0.52, "p"), (0.52, 0.8, "a")]
    track = mouth_track_from_phones(phones, fps=25, n_frames=20)
    for start, end, label in phones:
        if label in ("m", "p"):
            frames = range(int(start * 25), math.ceil(end * 25))
            assert max(track.press[f] for f in frames) == 1.0
    assert track.open[3] > 0.6  # the vowel before is still open


def test_coarticulation_is_smooth_and_anticipates():
    track = mouth_track_from_phones([(0.0, 0.5, ""), (0.5, 1.0, "ˈa")], fps=1000, n_frames=1000)
    steps = np.abs(np.diff(track.open))
    assert steps.max() < 0.03  # no jump at the boundary
    assert 0.02 < track.open[480] < track.open[500] < track.open[520]  # opening starts before the vowel


def test_h_takes_the_shape_of_the_vowel_it_breathes_into():
    track = mouth_track_from_phones([(0.0, 0.2, "h"), (0.2, 0.6, "ˈu")], fps=100, n_frames=60)
    assert track.spread[10] < -0.6


def test_arpabet_and_ipa_give_the_same_track():
    ipa = [(0.0, 0.1, ""), (0.1, 0.2, "m"), (0.2, 0.45, "ˈaɪ"), (0.45, 0.6, "s"), (0.6, 0.7, "")]
    arpa = [(0.0, 0.1, "SIL"), (0.1, 0.2, "M"), (0.2, 0.45, "AY1"), (0.45, 0.6, "S"), (0.6, 0.7, "SIL")]
    a = mouth_track_from_phones(ipa, fps=25, n_frames=18)
    b = mouth_track_from_phones(arpa, fps=25, n_frames=18)
    assert np.allclose(a.open, b.open) and np.allclose(a.spread, b.spread) and np.allclose(a.press, b.press)


def test_mandarin_labels_of_espeak():
    # retroflex s. and apical i. are narrow; finals like iou glide from spread to rounded
    assert mouth_targets("s.")[0][1][0] < 0.25
    assert mouth_targets("ˈi.")[0][1][0] < 0.35
    assert mouth_targets("ph") == mouth_targets("p")
    glide = [t for _, t in mouth_targets("ˈiou")]
    assert glide[0][1] > 0.5 and glide[-1][1] < -0.5
    weights = [w for w, _ in mouth_targets("ˈiou")]
    assert sum(weights) == pytest.approx(1.0) and weights[1] == max(weights)
    assert mouth_targets("@")[0][1] == (0.40, 0.0, 0.0, 0.0, 0.0)  # unknown: neutral half-open


def test_ipa_to_arpabet():
    pairs = {"": "SIL", "m": "M", "ˈaɪ": "AY", "tʃ": "CH", "ph": "P", "s.": "SH", "ˈiou": "OW", "ˈɑu": "AW",
             "h": "HH", "ˈɜː": "ER", "tɕh": "CH", "ˈa": "AA"}  # fmt: skip
    assert {k: ipa_to_arpabet(k) for k in pairs} == pairs


def test_bad_arguments():
    with pytest.raises(ParameterError, match="fps"):
        mouth_track_from_phones([], fps=0, n_frames=3)
    with pytest.raises(ParameterError, match="n_frames"):
        mouth_track_from_phones([], fps=25, n_frames=-1)
    with pytest.raises(ParameterError, match="bad times"):
        mouth_track_from_phones([(0.5, 0.2, "a")], fps=25, n_frames=3)
    assert mouth_track_from_phones([], fps=25, n_frames=0).n_frames == 0


class _Ref(NamedTuple):
    start: float
    end: float
    label: str


@pytest.mark.parametrize(
    "voice,text",
    [("en-us", "Please bring me a map of the big blue bay before the moon comes up."),
     ("cmn", "妈妈买了一本书，爸爸不怕麻烦，朋友们都来帮忙。")],
)  # fmt: skip
def test_phoneme_track_follows_the_phones_better_than_audio_analysis(voice, text):
    from scipy.signal import resample_poly

    from talkingphoto.evaluation import evaluate_track
    from talkingphoto.voice import speak

    speech = speak(text, voice=voice)
    n = math.ceil(speech.duration * 25 - 1e-6)
    reference = [_Ref(p.start, p.end, ipa_to_arpabet(p.ipa)) for p in speech.phones]
    ours = evaluate_track(mouth_track_from_phones(speech.phones, fps=25, n_frames=n), reference)
    y16 = resample_poly(speech.y, 320, 441).astype(np.float32)
    audio = evaluate_track(mouth_track(y16, sr=16000, fps=25, n_frames=n), reference)
    assert ours.correlation > 0.85 and ours.best_lag == 0 and ours.closure_rate == 1.0
    assert ours.correlation > audio.correlation


@pytest.mark.parametrize(
    "voice,text",
    [("en-us", "The quick brown fox jumps over the lazy dog; five thin vowels."),
     ("cmn", "妈妈买了一本书，我们明天去北京看长城。"), ("yue", "我哋今日去飲茶，你好。"),
     ("ja", "わたしは にほんごを はなします。"), ("es", "Buenos días, me gustaría un vaso de agua."),
     ("hi", "मेरा नाम राम है। मुझे पानी चाहिए।"), ("ar", "مَرْحَبًا، كَيْفَ حَالُكَ؟"),
     ("ru", "Привет, я люблю молоко и мёд."), ("fr", "Le petit chat boit du lait."), ("de", "Über den Bergen fliegt ein Vogel.")],
)  # fmt: skip
def test_table_covers_the_phonemes_espeak_speaks(voice, text):
    from talkingphoto.motion._phonemes import known_phoneme
    from talkingphoto.voice._espeak import espeak_synthesize

    _, _, phones = espeak_synthesize(text, voice=voice)
    unknown = {p.ipa for p in phones if p.ipa and not known_phoneme(p.ipa)}
    assert not unknown


def test_visemes_of_the_table():
    from talkingphoto.motion._phonemes import viseme, viseme_track

    shapes = {label: viseme(mouth_targets(label)[0][1]) for label in ("m", "f", "l", "ˈɑ", "ˈu", "s", "ˈɛ", "ɔ", "")}
    assert shapes == {"m": "A", "f": "G", "l": "H", "ˈɑ": "D", "ˈu": "F", "s": "B", "ˈɛ": "C", "ɔ": "E", "": "X"}
    phones = [(0.0, 0.1, ""), (0.1, 0.14, "b"), (0.14, 0.4, "ˈa"), (0.4, 0.5, "v")]
    track = viseme_track(phones, fps=25, n_frames=13)
    assert "".join("ABCDEFGHX"[k] for k in track) == "XXAADDDDDDGGX"
    # fv and tongue reach the track as well
    full = mouth_track_from_phones(phones + [(0.5, 0.7, "l")], fps=100, n_frames=70)
    assert full.fv[45] > 0.9 and full.tongue[60] > 0.7 and full.fv[20] < 0.01
