"""Tux Paint's spoken stamp descriptions: texts per language from the stamp's .txt, clips
found by their names, aligned to espeak-ng's reading."""

from talkingphoto.voice import save_wav
from talkingphoto.voice._espeak import espeak_synthesize
from training.sources import stamp_texts, tuxpaint_items

DESCRIPTION = """A frog.
ca.utf8=Una granota.
ca@valencia.utf8=Una granota valenciana.
fr.utf8=Une grenouille verte.
de.utf8=
"""


def test_stamp_texts_reads_english_first_line_and_language_lines():
    assert stamp_texts(DESCRIPTION) == {
        "en": "A frog.",
        "ca": "Una granota.",
        "ca@valencia": "Una granota valenciana.",
        "fr": "Une grenouille verte.",
    }


def test_clips_are_aligned_in_their_language_and_the_unreadable_skipped(tmp_path):
    folder = tmp_path / "usr/share/tuxpaint/stamps/animals"
    folder.mkdir(parents=True)
    (folder / "frog.txt").write_text(DESCRIPTION, encoding="utf-8")
    readings = [("_fr", "Une grenouille verte.", "fr"), ("", "A frog.", "en-us"), ("_de", "Ein Frosch.", "de")]
    for suffix, text, voice in readings:
        y, sr, _ = espeak_synthesize(text, voice=voice)
        # PyAV reads what the bytes are, whatever the name says: WAV stands in for Ogg here.
        save_wav(folder / f"frog_desc{suffix}.wav", y, sr=sr)
        (folder / f"frog_desc{suffix}.wav").rename(folder / f"frog_desc{suffix}.ogg")
    items = tuxpaint_items(tmp_path, log=lambda message: None)
    assert sorted((item.name, item.language) for item in items) == [
        ("tuxpaint/animals/frog_desc.ogg", "en"),
        ("tuxpaint/animals/frog_desc_fr.ogg", "fr"),
    ]  # German: no text in the description
    for item in items:
        vowels = [label for _, _, label in item.phones if label[:1] in "aeiouɛɔəɑɪʊøœy"]
        assert vowels, item.phones
