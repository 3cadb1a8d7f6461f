"""The corpus's texts: vowel-to-bilabial phrases for Festival's voices."""

import re

import pytest

from training.texts import bilabial_utterances, utterances

# A vowel letter straight before p, b or m, per script (within a word or across a space).
_VOWEL_BILABIAL = {"latin": re.compile(r"[aeiouyáéíóúůäöà] ?[pbm]"), "cyrillic": re.compile(r"[аеиоуыэюяё] ?[пбм]")}


@pytest.mark.parametrize("language", ["en-us", "it", "ru", "cs", "fi"])
def test_every_other_text_runs_vowels_into_bilabials(language):
    texts = bilabial_utterances(language, n=41, seed=7)
    assert len(texts) == 41
    rich = texts[1::2]
    assert len(rich) == 20
    pattern = _VOWEL_BILABIAL["cyrillic" if language == "ru" else "latin"]
    for text in rich:
        assert len(pattern.findall(text.lower())) >= 2, text
    assert texts[0::2] == utterances(language, n=21, seed=7)  # the ordinary texts stay as they were


def test_the_phrases_are_fixed_by_the_seed_and_vary_with_it():
    assert bilabial_utterances("cs", n=10, seed=1) == bilabial_utterances("cs", n=10, seed=1)
    assert bilabial_utterances("cs", n=10, seed=1) != bilabial_utterances("cs", n=10, seed=2)
