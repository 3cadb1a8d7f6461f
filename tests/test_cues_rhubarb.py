"""Rhubarb Lip Sync cues: shapes from phonemes and from tracks, short-shape merging, TSV and JSON files."""

import json

import numpy as np
import pytest

from talkingphoto.errors import OutputError, ParameterError
from talkingphoto.motion import (
    MouthCue, MouthTrack, cues_from_phones, cues_from_track, cues_to_json, cues_to_tsv, write_cues,
)  # fmt: skip


def _values(cues):
    return [c.value for c in cues]


def test_shapes_of_the_basic_sounds():
    phones = [(0.0, 0.2, ""), (0.2, 0.4, "m"), (0.4, 0.6, "ˈɑ"), (0.6, 0.8, "s"), (0.8, 1.0, "ɛ"),
              (1.0, 1.2, "ɔ"), (1.2, 1.4, "u"), (1.4, 1.6, "f"), (1.6, 1.8, "l"), (1.8, 2.0, "")]  # fmt: skip
    cues = cues_from_phones(phones)
    assert _values(cues) == list("XADBCEFGHX")
    assert [c.start for c in cues] == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8])
    assert cues[-1].end == 2.0


def test_basic_shape_set_replaces_extended_shapes():
    phones = [(0.0, 0.2, ""), (0.2, 0.4, "f"), (0.4, 0.6, "l"), (0.6, 0.8, "")]
    assert _values(cues_from_phones(phones, extended_shapes="")) == ["A", "B", "C", "A"]
    with pytest.raises(ParameterError, match="extended_shapes"):
        cues_from_phones(phones, extended_shapes="GQ")


def test_cues_are_contiguous_on_a_centisecond_grid():
    from talkingphoto.voice import speak

    speech = speak("Bob made a map of my bay.", voice="en-us")
    cues = cues_from_phones(speech.phones, duration=speech.duration)
    assert cues[0].start == 0.0 and cues[-1].end == int(speech.duration * 100) / 100
    for a, b in zip(cues, cues[1:]):
        assert a.end == b.start and a.value != b.value
    for c in cues:
        assert round(c.start * 100) == pytest.approx(c.start * 100, abs=1e-6)
    # each M/B/P closure is kept, none shorter than a frame would show
    assert _values(cues).count("A") >= 5
    assert min(c.end - c.start for c in cues) >= 0.05


def test_short_shapes_merge_but_closures_stretch():
    # a 20 ms C between two long Ds disappears; a 30 ms A between long vowels is lengthened to 70 ms
    phones = [(0.0, 0.3, "ɑ"), (0.3, 0.32, "ɛ"), (0.32, 0.6, "ɑ"), (0.6, 0.63, "m"), (0.63, 0.9, "ɑ")]
    cues = cues_from_phones(phones)
    assert _values(cues) == ["D", "A", "D"]
    closure = cues[1]
    assert closure.end - closure.start == pytest.approx(0.07) and closure.start <= 0.6 and closure.end >= 0.63


def test_cues_from_an_audio_only_track():
    open_ = np.array([0, 0, 0.9, 0.9, 0.9, 0.9, 0.3, 0.3, 0.3, 0.3, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0, 0, 0])
    spread = np.array([0] * 13 + [-0.8] * 4 + [0] * 3, dtype=float)
    press = np.zeros(20)
    press[10:13] = 1.0
    track = MouthTrack(fps=10, open=open_, spread=spread, press=press)
    cues = cues_from_track(track)
    assert _values(cues) == ["X", "D", "B", "A", "F", "X"]
    assert cues[1].start == 0.2 and cues[-1].end == 2.0


def test_tsv_is_rhubarb_tsv():
    cues = [MouthCue(0.0, 0.05, "X"), MouthCue(0.05, 0.27, "D"), MouthCue(0.27, 0.47, "B")]
    assert cues_to_tsv(cues) == "0.00\tX\n0.05\tD\n0.27\tB\n0.47\tX\n"
    assert cues_to_tsv(cues, idle="A").endswith("0.47\tA\n")


def test_json_is_rhubarb_json(tmp_path):
    cues = [MouthCue(0.0, 0.05, "X"), MouthCue(0.05, 0.47, "D")]
    text = cues_to_json(cues, sound_file="/tmp/hi.wav")
    assert '    { "start": 0.00, "end": 0.05, "value": "X" },\n' in text
    data = json.loads(text)
    assert data["metadata"] == {"soundFile": "/tmp/hi.wav", "duration": 0.47}
    assert data["mouthCues"][1] == {"start": 0.05, "end": 0.47, "value": "D"}
    path = write_cues(cues, tmp_path / "cues.json", sound_file="/tmp/hi.wav")
    assert path.read_text(encoding="utf-8") == text
    assert path.stat().st_mode & 0o777 == 0o644
    write_cues(cues, tmp_path / "cues.tsv")
    assert (tmp_path / "cues.tsv").read_text().splitlines()[-1] == "0.47\tX"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cues.json", "cues.tsv"]


def test_write_errors(tmp_path):
    cues = [MouthCue(0.0, 0.5, "X")]
    with pytest.raises(ParameterError, match="name it .tsv or .json"):
        write_cues(cues, tmp_path / "cues.xml")
    with pytest.raises(OutputError, match="cannot write"):
        write_cues(cues, tmp_path / "missing" / "cues.tsv")
    with pytest.raises(ParameterError, match="no mouth cues"):
        cues_to_tsv([])
