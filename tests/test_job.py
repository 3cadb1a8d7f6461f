"""The job description: option groups, turns, and the JSON form every front end shares."""

import json
import math
from pathlib import Path

import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.job import OPTION_NAMES, Job, Speaker, Turn, VoiceOptions, read_options, split_options


def test_single_job_sorts_flat_options_into_their_stages():
    job = Job.single("me.png", "out.mp4", audio="hi.wav", mode="vivid", fps=30, face=1, crf=18, max_audio_seconds=60)
    (turn,) = job.turns
    assert turn.speaker == Speaker(face=1) and turn.audio == Path("hi.wav") and turn.text is None
    assert (job.motion.mode, job.encode.fps, job.encode.crf, job.limits.max_audio_seconds) == ("vivid", 30, 18, 60)
    assert job.image == Path("me.png") and job.output == Path("out.mp4")


def test_json_form_round_trips_a_conversation(tmp_path):
    job = Job(
        image=tmp_path / "pair.png",
        turns=(
            Turn(Speaker(face=0), audio=tmp_path / "a.wav"),
            Turn(speaker=None, pause=0.4),
            Turn(Speaker(points=tmp_path / "cat.json"), text="Meow.", voice=VoiceOptions(voice="en", rate=150)),
            Turn(Speaker(face_at=(10.0, 20.5)), text="Who goes there?"),
        ),
        output=tmp_path / "talk.mp4",
    )
    data = json.loads(json.dumps(job.to_dict()))
    assert data["turns"][1] == {"pause": 0.4}
    assert data["turns"][2] == {"points": str(tmp_path / "cat.json"), "voice": "en", "rate": 150, "text": "Meow."}
    assert Job.from_dict(data) == job


def test_relative_paths_resolve_inside_a_base_folder(tmp_path):
    spec = {
        "image": "image.png",
        "output": "output.mp4",
        "turns": [{"face": 0, "audio": "audio1.wav"}, {"points": "points1.json", "text": "Hi"}],
        "options": {"mode": "master"},
    }
    job = Job.from_dict(spec, base=tmp_path)
    assert job.image == tmp_path / "image.png" and job.output == tmp_path / "output.mp4"
    assert job.turns[0].audio == tmp_path / "audio1.wav"
    assert job.turns[1].speaker.points == tmp_path / "points1.json"
    assert job.inputs() == [tmp_path / "image.png", tmp_path / "audio1.wav", tmp_path / "points1.json"]


def test_flat_single_speaker_form_is_read_too(tmp_path):
    # What batch lines and the studio's earlier database rows look like.
    spec = {"image": "image.png", "audio": "audio.wav", "text": None, "output": "o.mp4",
            "options": {"mode": "vivid", "points": "points.json"}}  # fmt: skip
    job = Job.from_dict(spec, base=tmp_path)
    assert job.turns[0].speaker.points == tmp_path / "points.json" and job.motion.mode == "vivid"


def test_with_paths_renames_inputs_for_another_machine(tmp_path):
    job = Job.single(tmp_path / "a.png", tmp_path / "o.mp4", audio=tmp_path / "x.wav", points=tmp_path / "p.json")
    names = {path: f"input{k}{path.suffix}" for k, path in enumerate(job.inputs())}
    moved = job.with_paths(names, output="output.mp4")
    assert moved.inputs() == [Path("input0.png"), Path("input1.wav"), Path("input2.json")]
    assert moved.output == Path("output.mp4") and job.inputs()[0] == tmp_path / "a.png"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"colour": "red"}, "unknown option(s) colour"),
        ({"fps": "25"}, "fps must be a number, got '25'"),
        ({"crf": 20.5}, "crf must be a whole number"),
        ({"seed": True}, "seed must be a whole number"),
        ({"seed": -1}, "seed must be 0 or more"),
        ({"mode": "wild"}, "mode must be one of standard, vivid, master"),
        ({"fps": 500}, "fps must be between 1 and 120"),
        ({"fps": math.nan}, "fps must be a number"),
        ({"rate": 1e9}, "rate must be between 80 and 450"),
        ({"pitch": 1000}, "pitch must be between 0 and 100"),
        ({"face_at": [math.nan, math.nan]}, "face_at must be two numbers"),
        ({"face_at": [1, 2, 3]}, "face_at must be two numbers"),
        ({"face": -2}, "face must be an index >= 0"),
        ({"face": 0, "points": "p.json"}, "points rig their own face"),
        ({"mouth_cover": "shut"}, "mouth_cover must be one of auto, covered, open, got 'shut'"),
        ({"mouth_cover": 1}, "mouth_cover must be text, got 1"),
        ({"max_size": 8}, "max_size must be at least 16"),
        ({"max_audio_seconds": 0}, "max_audio_seconds must be positive"),
        ({"mode": "vivid", "motion": 2.5}, "motion must be between 0 (head still) and 2 (1 = default), got 2.5"),
        ({"mode": "vivid", "motion": -0.1}, "motion must be between 0"),
        ({"mode": "vivid", "motion": "lots"}, "motion must be a number"),
        ({"mode": "vivid", "blink_rate": 90}, "blink_rate must be between 0 and 60 blinks a minute"),
        ({"mode": "vivid", "gaze": "around"}, "gaze must be one of camera, wander, got 'around'"),
        ({"motion": 1.5}, "motion moves head, brows and body: use it with --mode vivid or master"),
        ({"blink_rate": 10}, "blink_rate sets how often the eyes blink: use it with --mode vivid or master"),
        ({"gaze": "camera"}, "gaze sets where the eyes look: use it with --mode vivid or master"),
    ],
)
def test_options_are_checked_once_for_every_front_end(options, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        split_options(options)


def test_motion_controls_reach_the_job_from_flat_options_and_json():
    job = Job.single("a.png", "o.mp4", audio="x.wav", mode="master", motion=0.0, blink_rate=30, gaze="camera")
    assert (job.motion.motion, job.motion.blink_rate, job.motion.gaze) == (0.0, 30, "camera")
    again = Job.from_dict(job.to_dict())
    assert again.motion == job.motion
    # Manifest cells are text; the defaults stand for standard mode too.
    assert read_options({"motion": "1.5", "blink_rate": "12"}, text=True) == {"motion": 1.5, "blink_rate": 12.0}
    assert split_options({"mode": "standard", "motion": 1.0})["motion"].motion == 1.0


def test_a_mouth_cover_override_reaches_the_speaker_from_flat_options_and_json():
    job = Job.single("a.png", "o.mp4", audio="x.wav", mouth_cover="open")
    assert job.turns[0].speaker == Speaker(mouth_cover="open")
    assert Job.from_dict(job.to_dict()).turns[0].speaker.mouth_cover == "open"
    flat = Job.from_dict({"image": "a.png", "output": "o.mp4", "audio": "x.wav", "options": {"mouth_cover": "covered"}})
    assert flat.turns[0].speaker.mouth_cover == "covered"
    assert Job.single("a.png", "o.mp4", audio="x.wav").turns[0].speaker.mouth_cover == "auto"


def test_numbers_written_as_text_are_read_only_where_asked():
    assert read_options({"fps": "12.5", "crf": "23", "face_at": "320,180"}, text=True) == {
        "fps": 12.5,
        "crf": 23,
        "face_at": (320.0, 180.0),
    }
    with pytest.raises(ParameterError, match="crf must be a whole number, got 'x'"):
        read_options({"crf": "x"}, text=True)
    assert set(OPTION_NAMES) >= {"mode", "fps", "face", "voice", "crf", "max_text_chars"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Turn(Speaker(), audio="a.wav", voice=VoiceOptions(voice="en")), "a recording is used as it is"),
        (lambda: Turn(Speaker(), audio="a.wav", text="hi"), "not both or neither"),
        (lambda: Turn(Speaker()), "not both or neither"),
        (lambda: Turn(Speaker(), text="   "), "text is empty"),
        (lambda: Turn(speaker=None, pause=0), "pause must be seconds between 0 and 60"),
        (lambda: Turn(speaker=None, pause=1, audio="a.wav"), "either a pause or a speech"),
        (lambda: Job("a.png", (Turn(speaker=None, pause=1),), "o.mp4"), "at least one turn that speaks"),
        (lambda: Job.single("a.png", "o.mp4", text="x" * 20, max_text_chars=10), "more than the limit of 10"),
        (lambda: Job.single("a.png", "o.mp4", audio="a.wav", save_audio="s.mp3"), "saved speech is WAV"),
    ],
)
def test_turns_refuse_what_would_be_ignored_or_cannot_be_rendered(make, message):
    with pytest.raises(ParameterError, match=message):
        make()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"image": "a.png", "output": "o.mp4", "turns": []}, "'turns' must be a non-empty list"),
        ({"image": "a.png", "output": "o.mp4", "turns": [{"face": 0}]}, "turn 1: give either an audio file"),
        ({"image": "a.png", "output": "o.mp4", "turns": [{"face": 0, "audio": "a", "mood": 1}]}, "turn 1: unknown turn field"),
        ({"image": "a.png", "output": "o.mp4", "turns": [{"text": "hi"}], "options": {"voice": "en"}}, "belong to each turn"),
        ({"image": "a.png", "output": "o.mp4", "audio": "a.wav", "turns": [{"text": "hi"}]}, "not both"),
        ({"image": "a.png", "audio": "a.wav"}, "a job needs 'output'"),
        ({"image": "a.png", "output": "o.mp4", "audio": "a.wav", "extra": 1}, "unknown job field"),
    ],
)
def test_json_form_errors_say_where(spec, message):
    with pytest.raises(ParameterError, match=message):
        Job.from_dict(spec)
