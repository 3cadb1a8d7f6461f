"""Recorded voices singing: vowels held on a new pitch, the phones still on their sound."""

import shutil

import numpy as np
import pytest

from talkingphoto.motion._phonemes import is_vowel
from training.sources import SUNG_HOLD, Item, sung_items


@pytest.mark.parametrize(
    "label,vowel",
    [("ˈa", True), ("aɪ", True), ("AY1", True), ("ER0", True), ("uː", True), ("m", False), ("P", False),
     ("tʃ", False), ("", False), ("SIL", False), ("h", False)],
)  # fmt: skip
def test_is_vowel(label, vowel):
    assert is_vowel(label) == vowel


def _clip(sr=16000):
    """Silence, a noise burst (s), a 0.12 s voiced vowel (a), a short nasal, silence."""
    rng = np.random.default_rng(0)
    t = np.arange(int(0.12 * sr)) / sr
    vowel = 0.5 * np.sign(np.sin(2 * np.pi * 140 * t)) * np.hanning(len(t)) ** 0.2
    nasal = 0.05 * np.sin(2 * np.pi * 140 * np.arange(int(0.06 * sr)) / sr)
    parts = [np.zeros(int(0.2 * sr)), 0.1 * rng.standard_normal(int(0.08 * sr)), vowel, nasal, np.zeros(int(0.3 * sr))]
    edges = np.cumsum([0] + [len(p) for p in parts]) / sr
    labels = ["", "s", "ˈa", "m", ""]
    return np.concatenate(parts).astype(np.float32), [(a, b, lab) for a, b, lab in zip(edges, edges[1:], labels)]


@pytest.mark.skipif(shutil.which("rubberband") is None, reason="rubberband-cli (a training-only dependency) is not installed")
def test_sung_vowels_are_held_where_the_phones_say():
    sr = 16000
    y, phones = _clip(sr)
    items = [Item(f"clip/{k}", "test", "xx", y, sr, phones) for k in range(6)]
    sung = sung_items(items, seed=1)
    held = 0
    for item in sung:
        assert [lab for _, _, lab in item.phones] == [lab for _, _, lab in phones]
        assert all(p[1] == q[0] for p, q in zip(item.phones, item.phones[1:]))
        assert abs(item.phones[-1][1] - len(item.y) / item.sr) < 0.02
        for (a, b, label), (a0, b0, _) in zip(item.phones, phones):
            if label != "ˈa":  # only vowels are held
                assert b - a == pytest.approx(b0 - a0)
        (a, b, _) = item.phones[2]
        held += b - a > 0.3
        if b - a > 0.3:
            assert SUNG_HOLD[0] <= b - a <= SUNG_HOLD[1]
        db = lambda lo, hi: 10 * np.log10(np.mean(item.y[int(lo * item.sr) : int(hi * item.sr)] ** 2) + 1e-12)  # noqa: E731
        # the held vowel is loud from end to end, the silences before and after it are not
        loud = min(db(a + 0.02, a + 0.5 * (b - a)), db(b - 0.5 * (b - a), b - 0.02))
        assert loud > -20
        assert db(0.0, item.phones[0][1] - 0.05) < loud - 40
        assert db(item.phones[4][0] + 0.1, item.phones[4][1]) < loud - 30
    assert held >= 2  # most clips hold their vowel (SUNG_CHANCE)
