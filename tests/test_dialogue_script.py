"""Dialogue scripts become jobs: who speaks each turn, with what, and errors that name the turn."""

from pathlib import Path

import pytest

from talkingphoto.dialogue import load_script, parse_script, read_script
from talkingphoto.errors import ParameterError
from talkingphoto.job import Speaker, VoiceOptions

SCRIPT = """\
image: pair.png
mode: vivid
characters:
  grace: {face: 0}
  mage: {at: [610, 140]}
  cat: {points: cat.json}
turns:
  - face: grace
    audio: first.wav
  - pause: 0.4
  - face: mage
    text: Who goes there?
    voice: en-gb
    rate: 150
  - face: cat
    audio: sub/meow.wav
  - face: [20, 30]
    text: Me too.
"""


def test_a_script_names_speakers_speech_and_pauses(tmp_path):
    (tmp_path / "talk.yaml").write_text(SCRIPT)
    job = load_script(tmp_path / "talk.yaml", output=tmp_path / "talk.mp4", seed=4)
    assert job.image == tmp_path / "pair.png" and job.motion.mode == "vivid" and job.motion.seed == 4
    speakers = [turn.speaker for turn in job.turns]
    assert speakers == [
        Speaker(face=0),
        None,
        Speaker(face_at=(610.0, 140.0)),
        Speaker(points=tmp_path / "cat.json"),
        Speaker(face_at=(20.0, 30.0)),
    ]
    assert job.turns[1].pause == 0.4
    assert job.turns[2].voice == VoiceOptions(voice="en-gb", rate=150)
    assert job.turns[3].audio == tmp_path / "sub" / "meow.wav"
    assert load_script(tmp_path / "talk.yaml", output=tmp_path / "o.mp4", mode="standard").motion.mode == "standard"


def test_files_are_found_through_the_resolver():
    asked = []

    def resolve(kind, name, where):
        asked.append((kind, name, where))
        return Path("/uploads") / Path(name).name

    image, turns, mode = parse_script(read_script(SCRIPT, name="s"), name="s", resolve=resolve)
    assert image == Path("/uploads/pair.png") and mode == "vivid" and len(turns) == 5
    assert ("audio", "sub/meow.wav", "s, turn 4") in asked and ("points", "cat.json", "s, turn 4") in asked


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("image: a.png\nturns: [}", "not valid YAML/JSON at line 2"),
        ("turns: []", "needs 'image:' and a list of 'turns:'"),
        ("image: a.png\nturns: []", "'turns' must be a non-empty list"),
        ("image: a.png\ntitle: x\nturns: [{pause: 1}]", "unknown key(s) title"),
        ("image: a.png\nturns: [{pause: 1}]", "the script has only pauses"),
        ("image: a.png\nturns: [{face: 0, audio: a.wav}, {face: bob, audio: b.wav}]", "turn 2: unknown character 'bob'"),
        ("image: a.png\nturns: [{face: 0}]", "turn 1: give either 'audio: FILE' or 'text"),
        ("image: a.png\nturns: [{face: 0, audio: a.wav, mood: happy}]", "turn 1: unknown key(s) mood"),
        ("image: a.png\nturns: [{face: 0, audio: a.wav, voice: en}]", "turn 1: voice, rate and pitch read text aloud"),
        ("image: a.png\nturns: [{face: 0, text: hi, rate: 9000}]", "turn 1: rate must be between 80 and 450"),
        ("image: a.png\nturns: [{face: [1], text: hi}]", "turn 1: a point must be [x, y]"),
        ("image: a.png\nturns: [{pause: 1, face: 0}]", "turn 1: a turn is either a 'pause' or a speech"),
        ("image: a.png\nturns: [{pause: 100}]", "turn 1: pause must be seconds between 0 and 60"),
        ("image: a.png\ncharacters: {c: {points: ''}}\nturns: [{face: c, text: hi}]", "'points' must name a JSON file"),
    ],
)
def test_broken_scripts_get_one_line_naming_the_turn(tmp_path, text, message):
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4")


def test_speaker_and_voice_options_belong_to_the_turns(tmp_path):
    (tmp_path / "s.yaml").write_text("image: a.png\nturns: [{face: 0, text: hi}]")
    with pytest.raises(ParameterError, match="set per turn"):
        load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4", voice="en")


COVERS = """\
image: pair.png
characters:
  rogue: {face: 0, mouth_cover: covered}
  guard: {face: 1}
turns:
  - face: rogue
    audio: a.wav
  - face: guard
    audio: b.wav
  - face: [20, 30]
    audio: c.wav
    mouth_cover: open
"""


def test_a_character_or_turn_sets_its_mouth_cover_and_the_job_the_rest(tmp_path):
    (tmp_path / "s.yaml").write_text(COVERS)
    job = load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4")
    assert [turn.speaker.mouth_cover for turn in job.turns] == ["covered", "auto", "open"]
    job = load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4", mouth_cover="open")
    assert [turn.speaker.mouth_cover for turn in job.turns] == ["covered", "open", "open"]
    (tmp_path / "s.yaml").write_text(COVERS.replace("mouth_cover: open", "mouth_cover: shut"))
    with pytest.raises(ParameterError, match="s.yaml, turn 3: mouth_cover must be one of auto, covered, open, got 'shut'"):
        load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4")


def test_one_face_gets_one_mouth_cover_in_every_turn(tmp_path):
    from conftest import synthetic_face

    from talkingphoto.scene import _mouth_covers

    (tmp_path / "s.yaml").write_text(COVERS.replace("face: [20, 30]", "face: rogue"))
    job = load_script(tmp_path / "s.yaml", output=tmp_path / "o.mp4")
    _, face = synthetic_face()
    with pytest.raises(ParameterError, match="mouth_cover is open for face 0 in turn 3 but covered in turn 1"):
        _mouth_covers(job, [face, None, face])
    assert _mouth_covers(job, [face, None, None]) == {0: "covered"}
