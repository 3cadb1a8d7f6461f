"""``talkingphoto cues``: Rhubarb files from text (exact phoneme timing) and from a recording."""

import json
import wave

import pytest

from talkingphoto.cli import main


def test_text_to_json_with_saved_audio(tmp_path, capsys):
    out, wav_path = tmp_path / "cues.json", tmp_path / "speech.wav"
    args = ["cues", "--text", "你好，世界。", "--voice", "cmn", "-o", str(out), "--save-audio", str(wav_path)]
    assert main(args) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    with wave.open(str(wav_path), "rb") as wav:
        duration = wav.getnframes() / wav.getframerate()
    assert data["metadata"]["soundFile"] == str(wav_path.resolve())
    assert data["metadata"]["duration"] == pytest.approx(duration, abs=0.01)
    cues = data["mouthCues"]
    assert cues[0]["start"] == 0 and cues[-1]["end"] == data["metadata"]["duration"]
    assert set(c["value"] for c in cues) <= set("ABCDEFGHX") and len(cues) >= 5
    assert "wrote" in capsys.readouterr().out


def test_text_file_to_tsv_with_basic_shapes(tmp_path):
    text_file = tmp_path / "line.txt"
    text_file.write_text("Mom bought a box of fruit.", encoding="utf-8")
    out = tmp_path / "cues.tsv"
    args = ["cues", "--text-file", str(text_file), "--voice", "en-us", "-o", str(out), "--extended-shapes", ""]
    assert main(args) == 0
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0][0] == "0.00" and rows[-1][1] == "A"
    assert {r[1] for r in rows} <= set("ABCDEF")
    times = [float(r[0]) for r in rows]
    assert times == sorted(times)


@pytest.mark.slow
@pytest.mark.parametrize("mouth,shape", [("model", "G"), ("signal", "A")])
def test_recording_to_tsv(tmp_path, real_data, mouth, shape):
    # "go forward ten meters": the model shows the F of forward on the teeth (G); the
    # rules close the lips somewhere (A).
    audio = real_data / "audio" / "goforward.wav"
    out = tmp_path / "cues.tsv"
    assert main(["cues", str(audio), "-o", str(out), "--mouth", mouth]) == 0
    with wave.open(str(audio), "rb") as wav:
        duration = wav.getnframes() / wav.getframerate()
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0] == ["0.00", "X"] and rows[-1] == [f"{int(duration * 100) / 100:.2f}", "X"]
    assert float(rows[1][0]) > 0.2  # the recording starts with silence
    assert len({r[1] for r in rows}) >= 4 and shape in {r[1] for r in rows}


def test_errors(tmp_path, capsys):
    assert main(["cues", "-o", str(tmp_path / "c.tsv")]) == 2
    assert "give an AUDIO file or --text" in capsys.readouterr().err
    assert main(["cues", "--text", "hi", "--voice", "enus", "-o", str(tmp_path / "c.tsv")]) == 2
    assert "did you mean en-us" in capsys.readouterr().err
    assert main(["cues", "--text", "hi", "-o", str(tmp_path / "c.xml")]) == 2
    assert "name it .tsv or .json" in capsys.readouterr().err
    assert main(["cues", "--text", "  ", "-o", str(tmp_path / "c.tsv")]) == 2
    assert "text is empty" in capsys.readouterr().err
