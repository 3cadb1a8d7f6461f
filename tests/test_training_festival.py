"""Festival's segments become labels of the project's one phoneme table, timed on the audio."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from talkingphoto.motion._phonemes import _UNKNOWN, mouth_targets
from training.sources import FESTIVAL_PHONES, festival_phone, festival_synthesize


@pytest.mark.parametrize(
    "name,phone_set,stressed,label",
    [
        ("pau", "radio", False, ""),
        ("p", "radio", True, "P"),
        ("ae", "radio", True, "AE1"),
        ("ax", "radio", True, "AH0"),
        ("dx", "radio", False, "ɾ"),
        ("a1", "italian", False, "ˈa"),
        ("J", "italian", False, "ɲ"),
        ("aa", "msu_ru", False, "ˈa"),
        ("pp", "msu_ru", False, "pʲ"),
        ("sch", "msu_ru", False, "ɕː"),
        ("a:", "czech", False, "aː"),
        ("c~", "czech", False, "tʃ"),
        ("@", "finnish", True, "ˈæ"),
        ("m:", "finnish", False, "mː"),
    ],
)  # fmt: skip
def test_festival_phones_map_to_the_phoneme_table(name, phone_set, stressed, label):
    assert festival_phone(name, phone_set, stressed) == label


def test_every_festival_phone_has_a_known_mouth_shape():
    radio = ("aa ae ah ao aw ax axr ay b ch d dh dx eh el em en er ey f g hh hv ih iy jh k l m n nx ng ow oy p r s "
             "sh t th uh uw v w y z zh pau h# brth").split()  # the English voices' phone set, all of it
    for phone_set, table in [*FESTIVAL_PHONES.items(), ("radio", radio)]:
        for name in table:
            targets = [target for _, target in mouth_targets(festival_phone(name, phone_set, False))]
            assert _UNKNOWN not in targets, (phone_set, name)
    [(_, bilabial)] = mouth_targets(festival_phone("bb", "msu_ru", False))
    assert bilabial.press == 1.0


def test_an_unknown_festival_phone_is_an_error():
    with pytest.raises(ValueError, match="no mapping"):
        festival_phone("Q", "italian", False)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("festival") is None, reason="festival (a training-only dependency) is not installed")
def test_festival_segments_line_up_with_the_audio(tmp_path: Path):
    """Pauses are silent, vowels loud, and the last segment ends with the audio."""
    [(y, sr, phones)] = festival_synthesize("kal_diphone", ["Bob, keep the map."], [1.0], tmp_path)
    assert phones[0][2] == "" and phones[-1][2] == ""
    assert abs(phones[-1][1] - len(y) / sr) < 0.05
    assert all(a < b for a, b, _ in phones) and all(p[1] == q[0] for p, q in zip(phones, phones[1:]))
    hop = sr // 100
    db = 10 * np.log10(np.convolve(y**2, np.ones(hop) / hop, "same")[::hop] + 1e-10)

    def level(a, b):
        return float(np.median(db[int(a * 100) + 2 : int(b * 100) - 2]))

    pauses = [level(a, b) for a, b, label in phones if label == "" and b - a > 0.08]
    vowels = [level(a, b) for a, b, label in phones if label.endswith("1")]
    assert max(pauses) < min(vowels) - 25
