"""Music with no voice in it trains the mouth model to stay shut; held-out tracks stay out."""

import numpy as np

from talkingphoto.voice import save_wav
from training.corpus import labels
from training.sources import Item, game_music, instrumental_items, song_items
from training.splits import INSTRUMENTAL_EVAL


def test_instrumental_excerpts_are_silence_from_training_tracks_only(tmp_path):
    folder = tmp_path / "usr/share/games/hedgewars/Data/Music"
    folder.mkdir(parents=True)
    t = np.arange(12 * 16000) / 16000
    for k, name in enumerate([INSTRUMENTAL_EVAL[0], "Beach", "City"]):
        # PyAV reads what the bytes are, whatever the name says: WAV stands in for Ogg here.
        save_wav(folder / f"{name}.wav", (0.3 * np.sin(2 * np.pi * 220 * (k + 1) * t)).astype(np.float32), sr=16000)
        (folder / f"{name}.wav").rename(folder / f"{name}.ogg")
    items = instrumental_items(game_music(tmp_path), 30, seed=0)
    assert len(items) == 30
    assert not any(INSTRUMENTAL_EVAL[0] in item.name for item in items)
    assert {item.name.split("/")[1].split("@")[0] for item in items} == {"Beach", "City"}
    for item in items:
        assert 2.0 <= len(item.y) / item.sr <= 8.0
        controls, visemes = labels(item.phones, 50)
        assert not controls.any()  # mouth shut, at rest
        assert (visemes == visemes[0]).all()


def test_a_voice_over_music_keeps_its_labels_and_sounds_over_the_music():
    """Round 13: a voice over any music is labelled by the voice; the music lies 0-15 dB under it."""
    sr = 16000
    t = np.arange(2 * sr) / sr
    voice = np.where((t > 0.5) & (t < 1.5), 0.4 * np.sin(2 * np.pi * 180 * t), 0.0).astype(np.float32)
    phones = [(0.0, 0.5, ""), (0.5, 1.5, "ˈa"), (1.5, 2.0, "")]
    music = [("hum", (0.2 * np.sin(2 * np.pi * 97 * np.arange(5 * sr) / sr)).astype(np.float32))]
    items = song_items([Item(f"v/{k}", "test", "xx", voice, sr, phones) for k in range(8)], music, seed=0)
    for item in items:
        assert item.phones == phones and item.sr == sr and len(item.y) == len(voice)
        level = lambda a, b: np.sqrt(np.mean(item.y[int(a * sr) : int(b * sr)] ** 2))  # noqa: E731
        quiet, sung = level(0.05, 0.45), level(0.6, 1.4)
        assert quiet > 0  # the music plays where the voice is silent
        assert 0.0 <= 20 * np.log10(sung / quiet) <= 16.5  # and lies 0-15 dB under it
