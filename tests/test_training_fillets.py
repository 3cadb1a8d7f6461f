"""Fish Fillets NG's spoken dialogue: each line's text in the language of its recording,
clips found by their line ids, aligned to espeak-ng's reading."""

from talkingphoto.voice import save_wav
from talkingphoto.voice._espeak import espeak_synthesize
from training.sources import fillets_items, fillets_texts

SCRIPT = r"""
dialogLoad("script/"..codename.."/")

dialogId("vit-m-hlava", "font_small", "Look, a head.")
dialogStr("Kijk, een hoofd.")

dialogId("vit-v-proc", "font_big", "Why?")
dialogStr("")

dialogId("dir-v-cesta", "font_big", "The path.")
dialogStr("C:\\WINDOWS is \"de\" weg.")
"""


def test_fillets_texts_pairs_each_line_id_with_its_translation():
    assert fillets_texts(SCRIPT) == {
        "vit-m-hlava": "Kijk, een hoofd.",
        "dir-v-cesta": 'C:\\WINDOWS is "de" weg.',
    }  # an empty translation is no text; the English original never is


def test_lines_are_aligned_in_their_language_and_those_without_text_skipped(tmp_path):
    game = tmp_path / "usr/share/games/fillets-ng"
    (game / "script/city").mkdir(parents=True)
    (game / "script/city/dialogs_nl.lua").write_text(SCRIPT, encoding="utf-8")
    (game / "sound/city/nl").mkdir(parents=True)
    for line_id in ("vit-m-hlava", "vit-v-proc"):
        y, sr, _ = espeak_synthesize("Kijk, een hoofd.", voice="nl")
        # PyAV reads what the bytes are, whatever the name says: WAV stands in for Ogg here.
        save_wav(game / f"sound/city/nl/{line_id}.wav", y, sr=sr)
        (game / f"sound/city/nl/{line_id}.wav").rename(game / f"sound/city/nl/{line_id}.ogg")
    items = fillets_items(tmp_path, log=lambda message: None)
    assert [(item.name, item.language) for item in items] == [("fillets/city/nl/vit-m-hlava.ogg", "nl")]
    vowels = [label for _, _, label in items[0].phones if label[:1] in "aeiouɛɔəɑɪʊøœy"]
    assert len(vowels) >= 3, items[0].phones
