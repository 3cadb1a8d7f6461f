"""Bad input: one clear line on stderr, exit status 2, no traceback, no output file."""

import subprocess
import sys
import wave

import numpy as np
import pytest
from PIL import Image

from talkingphoto.cli import main


def _wav(path, y, sr=16000):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture
def inputs(tmp_path):
    t = np.arange(16000 * 2) / 16000
    speech = 0.3 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 3 * t) > 0)
    Image.new("RGB", (300, 200), (120, 160, 200)).save(tmp_path / "noface.png")
    (tmp_path / "broken.jpg").write_bytes(b"not an image at all")
    (tmp_path / "corrupt.mp3").write_bytes(b"ID3" + bytes(range(256)) * 40)
    return {
        "speech": _wav(tmp_path / "speech.wav", speech),
        "silent": _wav(tmp_path / "silent.wav", np.zeros(16000)),
        "noface": tmp_path / "noface.png",
        "broken": tmp_path / "broken.jpg",
        "corrupt": tmp_path / "corrupt.mp3",
        "dir": tmp_path,
    }


def _fails(capsys, argv, *needles):
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: ")
    for needle in needles:
        assert needle in err[0]
    return err[0]


def test_unreadable_image(capsys, inputs, real_data):
    out = inputs["dir"] / "out.mp4"
    _fails(capsys, ["render", str(inputs["broken"]), str(inputs["speech"]), "-o", str(out)], "broken.jpg")
    _fails(capsys, ["render", str(inputs["dir"] / "missing.png"), str(inputs["speech"]), "-o", str(out)], "not found")
    assert not out.exists()


@pytest.mark.slow
def test_no_face_explains_points_and_inspect(capsys, inputs):
    out = inputs["dir"] / "out.mp4"
    line = _fails(capsys, ["render", str(inputs["noface"]), str(inputs["speech"]), "-o", str(out)], "--points", "inspect")
    assert "mouth_left" in line
    assert not out.exists()


def test_bad_audio(capsys, inputs, real_data):
    image = str(real_data / "images" / "grace_hopper.jpg")
    out = inputs["dir"] / "out.mp4"
    _fails(capsys, ["render", image, str(inputs["silent"]), "-o", str(out)], "silent")
    _fails(capsys, ["render", image, str(inputs["corrupt"]), "-o", str(out)], "corrupt.mp3")
    _fails(capsys, ["render", image, str(inputs["speech"]), "-o", str(out), "--max-audio-seconds", "1"], "longer than")
    assert not out.exists()


def test_bad_output_and_options(capsys, inputs, real_data):
    image = str(real_data / "images" / "grace_hopper.jpg")
    speech = str(inputs["speech"])
    _fails(capsys, ["render", image, speech, "-o", str(inputs["dir"] / "nowhere" / "o.mp4")], "does not exist")
    _fails(capsys, ["render", image, speech, "-o", str(inputs["dir"] / "o.avi")], ".mp4")
    _fails(capsys, ["render", image, speech, "-o", str(inputs["dir"] / "o.mp4"), "--fps", "0"], "fps")
    _fails(capsys, ["render", image, "-o", str(inputs["dir"] / "o.mp4")], "--text")
    _fails(capsys, ["render", image, speech, "--text", "hi", "-o", str(inputs["dir"] / "o.mp4")], "not both")
    assert list(inputs["dir"].glob("*.mp4")) == []


@pytest.mark.slow
def test_a_face_too_small_says_whether_max_size_would_help(capsys, inputs, real_data):
    # Pictures are never enlarged: at their full size only a bigger picture helps.
    tiny = inputs["dir"] / "tiny.png"
    Image.open(real_data / "images" / "grace_hopper.jpg").resize((48, 60)).save(tiny)
    argv = ["render", str(tiny), str(inputs["speech"]), "-o", str(inputs["dir"] / "o.mp4")]
    line = _fails(capsys, argv, "too small", "larger or closer picture")
    assert "--max-size" not in line
    _fails(capsys, [*argv, "--max-size", "40"], "too small", "raise --max-size")
    assert list(inputs["dir"].glob("*.mp4")) == []


@pytest.mark.slow
def test_face_index_out_of_range_lists_the_faces(capsys, inputs, real_data):
    image = str(real_data / "images" / "grace_hopper.jpg")
    _fails(capsys, ["render", image, str(inputs["speech"]), "-o", str(inputs["dir"] / "o.mp4"), "--face", "3"], "0: box")


def _render_in_a_process(inputs, image: str):
    """``talkingphoto render`` as a user runs it: its own process, its own stderr."""
    return subprocess.run(
        [sys.executable, "-m", "talkingphoto", "render", str(inputs[image]), str(inputs["speech"]), "-o", str(inputs["dir"] / "o.mp4")],
        capture_output=True,
        text=True,
    )


def test_no_traceback_reaches_the_terminal(inputs):
    proc = _render_in_a_process(inputs, "broken")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("error: ")


def test_a_faceless_picture_prints_one_line_without_the_detectors_native_logs(inputs):
    # mediapipe writes its C++ log lines straight to file descriptor 2 while it looks.
    proc = _render_in_a_process(inputs, "noface")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no face found"), proc.stderr


@pytest.mark.parametrize("command", ["render", "cues"])
def test_text_over_the_configured_limit_names_the_flag(capsys, inputs, real_data, command):
    image = [str(real_data / "images" / "grace_hopper.jpg")] if command == "render" else []
    out = str(inputs["dir"] / ("o.mp4" if command == "render" else "o.tsv"))
    argv = [command, *image, "--text", "A sentence of some forty characters here.", "--voice", "en-us"]
    _fails(capsys, [*argv, "-o", out, "--max-text-chars", "20"], "limit of 20", "--max-text-chars")
    assert not (inputs["dir"] / out).exists()


@pytest.mark.slow
def test_a_terminated_render_leaves_no_file(tmp_path, real_data):
    import signal
    import time

    out = tmp_path / "term.mp4"
    proc = subprocess.Popen(
        [sys.executable, "-m", "talkingphoto", "render", str(real_data / "images" / "grace_hopper.jpg"),
         str(real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav"), "-o", str(out), "--mode", "master", "-q"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial.mp4") for p in tmp_path.iterdir()):  # encoding has begun
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 143
    assert proc.stderr.read().strip() == "terminated"
    assert list(tmp_path.iterdir()) == []


def test_a_termination_before_the_encoders_block_leaves_no_file(tmp_path, real_data, monkeypatch):
    # SIGTERM raises wherever the main thread is: here, as the writer's `with` block is entered.
    from talkingphoto import cli
    from talkingphoto.media import VideoWriter

    def terminated(self):
        raise cli._Terminated

    monkeypatch.setattr(VideoWriter, "__enter__", terminated)
    image = real_data / "images" / "grace_hopper.jpg"
    speech = real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav"
    assert main(["render", str(image), str(speech), "-o", str(tmp_path / "term.mp4"), "-q"]) == 143
    assert list(tmp_path.iterdir()) == []


def test_options_that_would_be_ignored_are_refused(capsys, inputs, real_data):
    image = str(real_data / "images" / "grace_hopper.jpg")
    out = str(inputs["dir"] / "o.mp4")
    _fails(capsys, ["render", image, str(inputs["speech"]), "-o", out, "--voice", "en"], "a recording is used as it is")
    points = inputs["dir"] / "p.json"
    points.write_text("{}")
    _fails(capsys, ["render", image, str(inputs["speech"]), "-o", out, "--points", str(points), "--face", "1"], "not both")
    line = _fails(capsys, ["render", image, str(inputs["speech"]), "-o", out, "--motion", "1.5"])
    assert line == "error: --motion moves head, brows and body: use it with --mode vivid or master"
    _fails(capsys, ["render", image, str(inputs["speech"]), "-o", out, "--mode", "vivid", "--blink-rate", "99"], "--blink-rate must be between 0 and 60")
    _fails(capsys, ["render", image, str(inputs["speech"]), "-o", out, "--mode", "vivid", "--motion", "3"], "--motion must be between 0")



def test_an_output_that_is_an_input_is_refused_before_anything_is_written(capsys, inputs, real_data, tmp_path):
    image = tmp_path / "photo.jpg"
    image.write_bytes((real_data / "images" / "grace_hopper.jpg").read_bytes())
    recording = tmp_path / "speech.mp4"  # a recording kept as MP4 (a phone's voice memo, a video)
    recording.write_bytes(b"\x00\x00\x00\x18ftypmp42 precious recording")
    before = recording.read_bytes()
    _fails(capsys, ["render", str(image), str(recording), "-o", str(recording)], "is the audio", "choose another output")
    (tmp_path / "link.mp4").symlink_to(recording)
    _fails(capsys, ["render", str(image), str(recording), "-o", str(tmp_path / "link.mp4")], "is the audio")
    (tmp_path / "hard.mp4").hardlink_to(recording)
    _fails(capsys, ["render", str(image), str(tmp_path / "hard.mp4"), "-o", str(recording)], "is the audio")
    assert recording.read_bytes() == before


def test_batch_and_dialogue_refuse_an_output_that_is_an_input(inputs, real_data, tmp_path):
    from talkingphoto.dialogue import load_script
    from talkingphoto.errors import OutputError, ParameterError
    from talkingphoto.jobs import read_manifest

    (tmp_path / "photo.jpg").write_bytes((real_data / "images" / "grace_hopper.jpg").read_bytes())
    (tmp_path / "speech.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 precious recording")
    (tmp_path / "jobs.jsonl").write_text('{"image": "photo.jpg", "audio": "speech.mp4", "out": "speech.mp4"}\n')
    with pytest.raises(ParameterError, match="line 1: output .*speech.mp4 is the audio"):
        read_manifest(tmp_path / "jobs.jsonl", out_dir=tmp_path)
    (tmp_path / "talk.yaml").write_text("image: photo.jpg\nturns:\n  - face: 0\n    audio: speech.mp4\n")
    with pytest.raises(OutputError, match="is the audio"):
        load_script(tmp_path / "talk.yaml", output=tmp_path / "speech.mp4")
