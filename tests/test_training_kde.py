"""Transcripts of the KDE education clips (KLettres, KTuberling) come from their XML lists."""

from training.sources import _read_as_spelled, klettres_text, ktuberling_text, sound_files

KLETTRES_XML = """<klettres>
  <language code="en">
    <alphabet>
\t<sound name="B" file="en/alpha/B.ogg" />
    </alphabet>
    <syllables>
\t<sound name="PET"     file="en/syllab/pet.ogg" />
\t<sound name="R&amp;B" file="en/syllab/rb.ogg"/>
\t<sound name="AGAIN" file="en/syllab/pet.ogg" />
    </syllables>
  </language>
</klettres>"""

SOUNDTHEME = """<language code="en">
    <sound name="mouth" file="en/mouth.ogg" />
    <sound name="tv_breakdown_lorry" file="en/tv_breakdown_lorry.ogg" />
    <sound name="tux-angry" file="en/tux-angry.ogg" />
</language>"""


def test_sound_files_reads_klettres_lists_first_name_wins():
    files = sound_files(KLETTRES_XML)
    assert files == {"en/alpha/B.ogg": "B", "en/syllab/pet.ogg": "PET", "en/syllab/rb.ogg": "R&B"}


def test_klettres_letters_stay_syllables_lower_case():
    assert klettres_text("B") == "B"
    assert klettres_text("Č") == "Č"
    assert klettres_text("PET") == "pet"
    assert klettres_text("БА") == "ба"


def test_ktuberling_english_words_drop_theme_and_tux():
    texts = {file: ktuberling_text(name) for file, name in sound_files(SOUNDTHEME).items()}
    assert texts == {"en/mouth.ogg": "mouth", "en/tv_breakdown_lorry.ogg": "breakdown lorry", "en/tux-angry.ogg": ""}


def test_syllables_espeak_spells_are_detected():
    assert _read_as_spelled("th", "en-us")
    assert not _read_as_spelled("pet", "en-us")
    assert not _read_as_spelled("ba", "es")
