"""Music with no voice in it trains the mouth model to stay shut; held-out tracks stay out."""

import numpy as np

from talkingphoto.voice import save_wav
from training.corpus import labels
from training.sources import instrumental_items
from training.splits import INSTRUMENTAL_EVAL


def test_instrumental_excerpts_are_silence_from_training_tracks_only(tmp_path):
    folder = tmp_path / "usr/share/games/hedgewars/Data/Music"
    folder.mkdir(parents=True)
    t = np.arange(12 * 16000) / 16000
    for k, name in enumerate([INSTRUMENTAL_EVAL[0], "Beach", "City"]):
        # PyAV reads what the bytes are, whatever the name says: WAV stands in for Ogg here.
        save_wav(folder / f"{name}.wav", (0.3 * np.sin(2 * np.pi * 220 * (k + 1) * t)).astype(np.float32), sr=16000)
        (folder / f"{name}.wav").rename(folder / f"{name}.ogg")
    items = instrumental_items(tmp_path, 30, seed=0)
    assert len(items) == 30
    assert not any(INSTRUMENTAL_EVAL[0] in item.name for item in items)
    assert {item.name.split("/")[1].split("@")[0] for item in items} == {"Beach", "City"}
    for item in items:
        assert 2.0 <= len(item.y) / item.sr <= 8.0
        controls, visemes = labels(item.phones, 50)
        assert not controls.any()  # mouth shut, at rest
        assert (visemes == visemes[0]).all()
