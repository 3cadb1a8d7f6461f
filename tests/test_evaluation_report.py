"""Reference openness and lip-sync figures on synthetic arrays with known answers."""

import json

import numpy as np
import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.evaluation import (
    PHONE_OPENNESS,
    evaluate_track,
    lipsync_report,
    reference_openness,
    track_openness,
)
from talkingphoto.motion import MouthTrack
from talkingphoto.voice import Phone


def syllables(n=12, *, seconds=0.3, consonant="M", vowel="AA"):
    """Alternating consonant-vowel phones between leading and trailing silence."""
    phones, t = [Phone(0.0, 0.2, "SIL")], 0.2
    rng = np.random.default_rng(1)
    for _ in range(n):
        c = seconds * rng.uniform(0.25, 0.45)
        phones += [Phone(t, t + c, consonant), Phone(t + c, t + seconds, vowel)]
        t += seconds
    return phones + [Phone(t, t + 0.3, "SIL")]


def test_table_covers_arpabet():
    arpabet = "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split()
    assert set(arpabet) <= set(PHONE_OPENNESS)
    assert PHONE_OPENNESS["M"] == PHONE_OPENNESS["B"] == PHONE_OPENNESS["P"] == PHONE_OPENNESS["SIL"] == 0
    assert PHONE_OPENNESS["AA"] > PHONE_OPENNESS["IY"] > PHONE_OPENNESS["S"]


def test_reference_follows_phones():
    phones = [Phone(0.0, 0.5, "SIL"), Phone(0.5, 1.0, "AA1"), Phone(1.0, 1.5, "M"), Phone(1.5, 2.0, "IY")]
    ref = reference_openness(phones, fps=10, n_frames=22)
    assert ref.shape == (22,) and ref.dtype == np.float32
    assert ref[2] == pytest.approx(0, abs=1e-3)  # silence
    assert ref[7] == pytest.approx(0.9, abs=1e-3)  # AA, stress digit ignored
    assert ref[12] == pytest.approx(0, abs=1e-3)  # M
    assert ref[17] == pytest.approx(0.3, abs=1e-3)  # IY
    assert ref[21] == pytest.approx(0, abs=1e-3)  # past the phones
    fine = reference_openness(phones, fps=100, n_frames=100)
    assert fine[49] == pytest.approx(0.45, abs=0.1)  # coarticulation: halfway at the 0.5 s edge
    assert 0.02 < fine[45] < 0.3 and 0.6 < fine[54] < 0.88  # a blend over a few tens of ms


def test_diphthong_glides_from_its_first_vowel_to_its_second():
    phones = [Phone(0.0, 0.2, "SIL"), Phone(0.2, 1.2, "AY1"), Phone(1.2, 1.4, "SIL")]
    ref = reference_openness(phones, fps=100, n_frames=140)
    assert ref[50] == pytest.approx(0.9, abs=1e-3)  # "a" of "eye", held for most of it
    assert ref[110] == pytest.approx(0.4, abs=1e-3)  # the jaw rises into "i" at its end
    assert 0.4 < ref[80] < 0.9  # and glides between, about 0.6 of the way through


def test_shifted_copy_gives_its_lag():
    phones = syllables()
    fps = 25
    n = int(np.ceil(phones[-1].end * fps))
    ref = reference_openness(phones, fps=fps, n_frames=n)
    for shift in (-3, -1, 0, 2, 4):
        video = np.roll(ref, shift)
        report = lipsync_report(video, ref, phones, fps=fps, max_lag=5)
        assert report.best_lag == shift
        assert report.best_correlation == pytest.approx(1.0, abs=0.02)
        if shift:
            assert report.correlation < report.best_correlation


def test_correlation_ignores_frames_without_a_face():
    phones = syllables()
    ref = reference_openness(phones, fps=25, n_frames=100)
    video = 0.5 * ref + 0.01
    video[::7] = np.nan
    report = lipsync_report(video, ref, phones, fps=25)
    assert report.correlation == pytest.approx(1.0, abs=1e-6)
    assert report.valid_fraction == pytest.approx(1 - len(video[::7]) / 100)


def test_bilabial_closures_are_counted():
    phones = syllables(n=10)
    fps = 25
    n = int(np.ceil(phones[-1].end * fps))
    t = (np.arange(n) + 0.5) / fps
    open_everywhere = np.full(n, 0.3)
    assert lipsync_report(open_everywhere, open_everywhere, phones, fps=fps).closure_rate == 0.0
    closed_on_m = open_everywhere.copy()
    for p in phones:
        if p.label == "M":
            closed_on_m[(t >= p.start) & (t < p.end)] = 0.0
    report = lipsync_report(closed_on_m, open_everywhere, phones, fps=fps)
    assert report.closure_rate == 1.0 and report.n_bilabials == 10
    no_bilabials = lipsync_report(closed_on_m, open_everywhere, syllables(consonant="T"), fps=fps)
    assert np.isnan(no_bilabials.closure_rate) and no_bilabials.to_dict()["closure_rate"] is None
    json.dumps(no_bilabials.to_dict())


def test_short_bilabial_owns_the_frame_it_overlaps():
    phones = [Phone(0.0, 0.41, "AA"), Phone(0.41, 0.44, "P"), Phone(0.44, 1.0, "AA")]
    openness = np.full(25, 0.4)
    openness[10] = 0.0  # frame 10 covers [0.40, 0.44) at 25 fps
    assert lipsync_report(openness, openness, phones, fps=25).closure_rate == 1.0


def test_track_proxy_uses_the_contract_units():
    phones = syllables()
    fps = 25
    n = int(np.ceil(phones[-1].end * fps))
    ref = reference_openness(phones, fps=fps, n_frames=n)
    track = MouthTrack(fps=fps, open=ref / 0.9, spread=np.zeros(n), press=np.zeros(n))
    np.testing.assert_allclose(track_openness(track), 0.6 * ref / 0.9, atol=1e-6)
    report = evaluate_track(track, phones)
    assert report.correlation == pytest.approx(1.0, abs=1e-6) and report.best_lag == 0
    pressed = MouthTrack(fps=fps, open=np.ones(n), spread=np.zeros(n), press=np.ones(n))
    assert np.all(track_openness(pressed) == 0)


def test_bad_input_is_refused():
    with pytest.raises(ParameterError, match="equal length"):
        lipsync_report(np.zeros(5), np.zeros(6), [], fps=25)
    with pytest.raises(ParameterError, match="max_lag"):
        lipsync_report(np.zeros(5), np.zeros(5), [], fps=25, max_lag=-1)
    with pytest.raises(ParameterError, match="fps"):
        reference_openness([], fps=0, n_frames=5)
