"""``talkingphoto voices``: table, JSON and errors."""

import json

from talkingphoto.cli import main


def test_json_lists_voice_objects(capsys):
    assert main(["voices", "--json"]) == 0
    voices = json.loads(capsys.readouterr().out)
    assert all({"name", "language", "engine", "gender", "sample_rate"} <= set(v) for v in voices)
    names = {v["name"]: v for v in voices}
    assert names["cmn"]["engine"] == "espeak-ng" and names["en-us"]["language"] == "en-us"


def test_lang_filter_and_table(capsys):
    assert main(["voices", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["NAME", "LANGUAGE", "ENGINE"]
    assert {line.split()[0] for line in lines[1:-1]} >= {"cmn", "yue"}
    assert "en-us" not in out


def test_unknown_language_is_an_error(capsys):
    assert main(["voices", "--lang", "xx"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: no voice speaks language 'xx': run 'talkingphoto voices' to see the languages"
    )


def test_variants(capsys):
    assert main(["voices", "--variants", "--json"]) == 0
    assert "f3" in json.loads(capsys.readouterr().out)
