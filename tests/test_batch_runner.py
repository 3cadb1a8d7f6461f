"""Batch manifests: reading, running, resuming, and the command's summary and exit code."""

import json
import os
import threading
import types

import pytest
from test_jobs_fakes import fake_render, slow_fake, write_png, write_wav

from talkingphoto.cli import main
from talkingphoto.errors import ParameterError
from talkingphoto.jobs import read_manifest, run_batch


@pytest.fixture
def folder(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    write_png(inputs / "anna.png", seed=1)
    write_png(inputs / "ben.png", seed=2)
    write_wav(inputs / "hello.wav", seconds=0.4)
    write_wav(inputs / "song.wav", seconds=0.6, freq=330)
    return tmp_path


def _jsonl(path, entries):
    path.write_text("\n".join(json.dumps(entry) for entry in entries) + "\n")
    return path


def test_jsonl_paths_are_relative_to_the_manifest(folder):
    manifest = _jsonl(
        folder / "inputs" / "jobs.jsonl",
        [
            {"image": "anna.png", "audio": "hello.wav"},
            {"image": "ben.png", "audio": "song.wav", "mode": "vivid", "face": 1, "out": "ben-sings"},
            {"image": "anna.png", "text": "Hello there", "voice": "en-us"},
        ],
    )
    items = read_manifest(manifest, out_dir=folder / "out")
    assert [item.line for item in items] == [1, 2, 3]
    first, second, third = (item.job for item in items)
    assert first.image == folder / "inputs" / "anna.png" and first.turns[0].audio == folder / "inputs" / "hello.wav"
    assert first.output == folder / "out" / "anna_hello.mp4"
    assert second.output == folder / "out" / "ben-sings.mp4"
    assert (second.motion.mode, second.turns[0].speaker.face) == ("vivid", 1)
    assert third.turns[0].text == "Hello there" and third.turns[0].voice.voice == "en-us"
    assert third.output.name.startswith("anna_en-us-") and third.output.suffix == ".mp4"


def test_motion_columns_reach_each_job_and_name_its_video(folder):
    manifest = folder / "jobs.csv"
    manifest.write_text(
        "image,audio,mode,motion,blink_rate,gaze\n"
        "inputs/anna.png,inputs/hello.wav,vivid,0,,camera\n"
        "inputs/anna.png,inputs/hello.wav,vivid,2,30,\n"
        "inputs/anna.png,inputs/hello.wav,vivid,,,\n"
    )
    still, lively, default = (item.job for item in read_manifest(manifest, out_dir=folder / "out"))
    assert (still.motion.motion, still.motion.gaze, lively.motion.blink_rate) == (0.0, "camera", 30.0)
    assert [job.output.name for job in (still, lively, default)] == [
        "anna_hello_vivid_motion0.mp4",
        "anna_hello_vivid_motion2.mp4",
        "anna_hello_vivid.mp4",
    ]


def test_a_mouth_cover_column_reaches_the_speaker_and_names_its_video(folder):
    manifest = _jsonl(
        folder / "jobs.jsonl",
        [
            {"image": "inputs/anna.png", "audio": "inputs/hello.wav", "mouth_cover": "open"},
            {"image": "inputs/anna.png", "audio": "inputs/hello.wav"},
        ],
    )
    opened, auto = (item.job for item in read_manifest(manifest, out_dir=folder / "out"))
    assert (opened.turns[0].speaker.mouth_cover, auto.turns[0].speaker.mouth_cover) == ("open", "auto")
    assert [job.output.name for job in (opened, auto)] == ["anna_hello_mouthopen.mp4", "anna_hello.mp4"]


def test_csv_cells_become_typed_options(folder):
    manifest = folder / "jobs.csv"
    manifest.write_text(
        "image,audio,text,voice,mode,face,fps,crf,max_audio_seconds,max_text_chars,out\n"
        "inputs/anna.png,inputs/hello.wav,,,vivid,0,12.5,23,90,,\n"
        "\n"
        "inputs/ben.png,,Good morning,en-us,,,,,,500,morning.mp4\n"
    )
    first, second = (item.job for item in read_manifest(manifest, out_dir=folder / "out"))
    assert (first.motion.mode, first.turns[0].speaker.face, first.encode.fps) == ("vivid", 0, 12.5)
    assert (first.encode.crf, first.limits.max_audio_seconds, second.limits.max_text_chars) == (23, 90.0, 500)
    assert first.output.name == "anna_hello_vivid_face0.mp4"
    (turn,) = second.turns
    assert turn.text == "Good morning" and turn.audio is None and second.output.name == "morning.mp4"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"image": "anna.png", "audio": "hello.wav", "colour": "red"}, "line 1: unknown column(s) colour"),
        ({"image": "nobody.png", "audio": "hello.wav"}, "line 1: image 'nobody.png' not found"),
        ({"audio": "hello.wav"}, "line 1: 'image' (or 'script') is missing"),
        ({"image": "anna.png", "audio": "hello.wav", "out": "../escape.mp4"}, "'out' must be a plain file name"),
        ({"image": "anna.png", "audio": "hello.wav", "face": "left"}, "face must be a whole number, got 'left'"),
        ({"image": "anna.png", "audio": "hello.wav", "mode": "wild"}, "mode must be one of"),
        ({"image": "anna.png"}, "line 1: give either an audio file or text"),
    ],
)
def test_manifest_problems_name_the_line(folder, entry, message):
    manifest = _jsonl(folder / "inputs" / "bad.jsonl", [entry])
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_manifest(manifest, out_dir=folder / "out")


def test_two_entries_writing_one_file_are_refused(folder):
    manifest = _jsonl(folder / "inputs" / "twice.jsonl", [{"image": "anna.png", "audio": "hello.wav"}] * 2)
    with pytest.raises(ParameterError, match="line 2: writes anna_hello.mp4 like line 1"):
        read_manifest(manifest, out_dir=folder / "out")


def test_batch_runs_resumes_and_retries(folder):
    manifest = _jsonl(
        folder / "inputs" / "jobs.jsonl",
        [
            {"image": "anna.png", "audio": "hello.wav"},
            {"image": "ben.png", "audio": "song.wav"},
            {"image": "anna.png", "audio": "song.wav"},
        ],
    )
    (folder / "inputs" / "ben.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    items = read_manifest(manifest, out_dir=folder / "out")
    seen = []
    results = run_batch(items, workers=2, renderer=fake_render, on_progress=lambda *a: seen.append(a))
    assert [r.status for r in results] == ["done", "failed", "done"]
    assert results[1].error == "cannot read image ben.png"
    assert seen[-1] == (1.0, 3, 3)
    assert sorted(os.listdir(folder / "out")) == ["anna_hello.mp4", "anna_song.mp4"]

    write_png(folder / "inputs" / "ben.png")  # fixed: the rerun renders only that one
    rendered = []

    def renderer(job, **kw):
        rendered.append(job.image.name)
        return fake_render(job, **kw)

    results = run_batch(items, workers=2, renderer=renderer)
    assert [r.status for r in results] == ["skipped", "done", "skipped"]
    assert rendered == ["ben.png"]


def test_a_renders_notes_reach_the_summary(folder, monkeypatch, capsys):
    manifest = _jsonl(folder / "inputs" / "jobs.jsonl", [{"image": "anna.png", "audio": "hello.wav"}])

    def noting(job, **kw):
        return types.SimpleNamespace(output=fake_render(job, **kw), notes=("face 0's mouth looks covered",))

    (result,) = run_batch(read_manifest(manifest, out_dir=folder / "out"), renderer=noting)
    assert result.status == "done" and result.notes == ("face 0's mouth looks covered",)
    monkeypatch.setattr("talkingphoto.jobs._batch.default_renderer", lambda: noting)
    assert main(["batch", str(manifest), "--out-dir", str(folder / "again"), "-q"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert row.split()[2] == "done" and row.endswith("note: face 0's mouth looks covered")


def test_cancel_stops_the_batch_without_partial_files(folder):
    entries = [{"image": "anna.png", "audio": "song.wav", "out": f"clip{i}"} for i in range(4)]
    items = read_manifest(_jsonl(folder / "inputs" / "jobs.jsonl", entries), out_dir=folder / "out")
    cancel = threading.Event()

    def on_progress(fraction, finished, total):
        if fraction > 0.05:
            cancel.set()

    results = run_batch(items, workers=1, renderer=slow_fake(0.05), on_progress=on_progress, cancel=cancel)
    assert results[0].status == "cancelled"
    assert {r.status for r in results[1:]} == {"cancelled"}
    assert not (folder / "out").exists() or os.listdir(folder / "out") == []


def test_command_prints_summary_and_fails_when_a_job_fails(folder, capsys):
    manifest = _jsonl(
        folder / "inputs" / "jobs.jsonl",
        [{"image": "anna.png", "audio": "hello.wav"}, {"image": "ben.png", "audio": "hello.wav"}],
    )
    out_dir = folder / "out"
    out_dir.mkdir()
    (out_dir / "anna_hello.mp4").write_bytes(b"finished before")  # skipped: never rendered again
    (folder / "inputs" / "ben.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    code = main(["batch", str(manifest), "--out-dir", str(out_dir), "--workers", "2"])
    printed = capsys.readouterr()
    assert code == 1
    lines = printed.out.splitlines()
    assert lines[0].split() == ["line", "output", "status", "time", "reason"]
    assert lines[1].split()[:3] == ["1", "anna_hello.mp4", "skipped"]
    assert lines[2].split()[:3] == ["2", "ben_hello.mp4", "failed"] and "ben.png" in lines[2]
    assert lines[-1].startswith("1 skipped, 1 failed in ")
    assert "2/2 jobs" in printed.err
    assert (out_dir / "anna_hello.mp4").read_bytes() == b"finished before"


def test_command_reports_a_bad_manifest_in_one_line(folder, capsys):
    manifest = _jsonl(folder / "inputs" / "jobs.jsonl", [{"image": "anna.png", "audio": "missing.wav"}])
    assert main(["batch", str(manifest), "--out-dir", str(folder / "out")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: manifest {manifest}: line 1: audio 'missing.wav' not found (paths are relative to the manifest)"
    )


@pytest.mark.slow
def test_command_renders_real_videos_then_resumes(tmp_path, real_data, capsys):
    import av

    manifest = tmp_path / "jobs.csv"
    manifest.write_text(
        "image,audio,mode,out\n"
        f"{real_data}/images/grace_hopper.jpg,{real_data}/audio/goforward.wav,standard,plain\n"
        f"{real_data}/images/grace_hopper.jpg,{real_data}/audio/goforward.wav,vivid,lively\n"
    )
    out_dir = tmp_path / "videos"
    assert main(["batch", str(manifest), "--out-dir", str(out_dir), "--workers", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("2 done in ")
    assert sorted(os.listdir(out_dir)) == ["lively.mp4", "plain.mp4"]
    for name in ("lively.mp4", "plain.mp4"):
        with av.open(str(out_dir / name)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert abs(float(container.duration) / 1e6 - 2.8) < 0.1
    assert main(["batch", str(manifest), "--out-dir", str(out_dir), "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("2 skipped in ")


def test_a_line_may_render_a_dialogue_script(folder):
    (folder / "inputs" / "talk.yaml").write_text(
        "image: anna.png\nturns:\n  - {face: 0, audio: hello.wav}\n  - {pause: 0.2}\n  - {face: 1, audio: song.wav}\n"
    )
    manifest = _jsonl(
        folder / "jobs.jsonl",
        [{"script": "inputs/talk.yaml", "mode": "vivid", "fps": "12"}, {"script": "inputs/talk.yaml", "out": "again"}],
    )
    first, second = (item.job for item in read_manifest(manifest, out_dir=folder / "out"))
    assert first.output.name == "talk_vivid.mp4" and second.output.name == "again.mp4"
    assert (first.motion.mode, first.encode.fps, len(first.turns)) == ("vivid", 12.0, 3)
    assert first.turns[2].audio == folder / "inputs" / "song.wav"
    results = run_batch(read_manifest(manifest, out_dir=folder / "out"), renderer=fake_render)
    assert [r.status for r in results] == ["done", "done"]
    assert (folder / "out" / "talk_vivid.mp4").read_bytes()[4:8] == b"ftyp"


@pytest.mark.parametrize(
    ("entry", "script", "message"),
    [
        ({"script": "talk.yaml", "image": "anna.png"}, "image: anna.png\nturns: [{face: 0, audio: hello.wav}]", "drop image"),
        ({"script": "talk.yaml", "voice": "en"}, "image: anna.png\nturns: [{face: 0, text: hi}]", "set per turn"),
        ({"script": "talk.yaml"}, "image: anna.png\nturns: [{face: 0, audio: gone.wav}]", "'gone.wav', named in talk.yaml, not found"),
        ({"script": "talk.yaml"}, "image: anna.png\nturns: [{face: 0}]", "line 1: talk.yaml, turn 1: give either"),
        ({"script": "nowhere.yaml"}, "", "script 'nowhere.yaml' not found"),
    ],
)
def test_script_lines_are_checked_up_front(folder, entry, script, message):
    (folder / "inputs" / "talk.yaml").write_text(script)
    manifest = _jsonl(folder / "inputs" / "jobs.jsonl", [entry])
    with pytest.raises(ParameterError, match=message):
        read_manifest(manifest, out_dir=folder / "out")
