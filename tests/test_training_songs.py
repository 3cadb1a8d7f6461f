"""Made-up songs for the song model: voices over a repeating backing, heard as --mouth music hears them."""

import numpy as np

from training.sources import Item, song_mixes

SR = 16000


def _voice(seconds: float, seed: int) -> Item:
    """A buzz at a wandering pitch in the middle of ``seconds``, labelled a vowel, silence around."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    pitch = 150 + 60 * np.cumsum(rng.standard_normal(len(t))) / np.sqrt(len(t))
    y = np.sign(np.sin(2 * np.pi * np.cumsum(pitch) / SR)) * ((t > 0.2) & (t < seconds - 0.2))
    return Item(f"voice/{seed}", "test", "xx", (0.3 * y).astype(np.float32), SR,
                [(0.0, 0.2, ""), (0.2, seconds - 0.2, "a"), (seconds - 0.2, seconds, "")])  # fmt: skip


def test_songs_carry_their_voices_phones_and_lose_the_repeating_backing():
    beat = np.arange(SR // 2) / SR
    bar = np.concatenate([sum(np.sin(2 * np.pi * root * h * beat) / h for h in (1, 2, 3)) * np.exp(-3 * beat)
                          for root in (220.0, 174.6, 261.6, 196.0)])  # four notes, a 2 s bar
    tracks = [("loop", np.tile(0.2 * bar, 30))]  # a minute of it
    voices = [_voice(1.5, k) for k in range(3)]
    songs = song_mixes(voices, tracks, 7, seed=0)
    assert len(songs) == 7 and all(16.0 <= len(s.y) / SR <= 24.0 for s in songs)
    with_voice = [s for s in songs if any(label for _, _, label in s.phones)]
    assert with_voice
    for song in with_voice:
        sung = [(a, b) for a, b, label in song.phones if label]
        assert all(0 < a < b <= len(song.y) / SR for a, b in sung)
        assert all(b2 > b1 for (_, b1), (a2, b2) in zip(sung, sung[1:]))  # one after another, no overlap
        frames = np.arange(len(song.y)) / SR
        inside = np.any([(frames > a + 0.1) & (frames < b - 0.1) for a, b in sung], axis=0)
        outside = ~np.any([(frames > a - 0.3) & (frames < b + 0.3) for a, b in sung], axis=0)
        # What is left of the backing is 10 dB or more under the voice (11-21 dB here), even
        # where the voice was sung only as loud as the music.
        assert np.mean(song.y[outside] ** 2) < 0.1 * np.mean(song.y[inside] ** 2)
