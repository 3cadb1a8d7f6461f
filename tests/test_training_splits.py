"""The corpus never reads reserved recordings, and keeps its evaluation split out of training."""

import pytest

from training.splits import DEV_ASTERISK, DEV_TESTDATA, EVAL_ASTERISK, EVAL_TESTDATA, is_reserved, split_of


@pytest.mark.parametrize(
    "source,path,reserved",
    [
        ("asterisk-en", "vm-tmpexists.wav", True),
        ("asterisk-en", "privacy-prompt.wav", True),
        ("asterisk-en", "letters/n.wav", True),
        ("asterisk-en", "phonetic/november.wav", True),
        ("asterisk-en", "digits/thousand.wav", True),
        ("asterisk-en", "Zero.wav", True),
        ("asterisk-en", "agent-loginok.wav", False),
        ("asterisk-en", "digits/1.wav", False),
        ("asterisk-en", "letters/m.wav", False),
        ("asterisk-en", "minutes", False),
        ("asterisk-es", "vm-tmpexists.wav", False),  # only the English n..z prompts are reserved
        ("pocketsphinx-testdata", "librivox/sense_and_sensibility_01_austen_64kb-0890.wav", True),
        ("pocketsphinx-testdata", "sense_and_sensibility_01_austen_64kb-0930", True),
        ("pocketsphinx-testdata", "librivox/sense_and_sensibility_01_austen_64kb-0870.wav", False),
        ("pocketsphinx-testdata", "librivox/sense_and_sensibility_01_austen_64kb-0880.wav", False),
        ("pocketsphinx-testdata", "cards/001.wav", False),
        ("asterisk-en", "conf-usermenu.wav", False),
    ],
)  # fmt: skip
def test_reserved_files(source, path, reserved):
    assert is_reserved(source, path) is reserved
    if reserved:
        assert split_of(source, path) == "reserved"


def test_evaluation_split_is_never_trained_on():
    for name in EVAL_TESTDATA:
        assert split_of("pocketsphinx-testdata", f"{name}.wav") == "eval"
    for language, names in EVAL_ASTERISK.items():
        for name in names:
            assert not is_reserved(f"asterisk-{language}", name)
            assert split_of(f"asterisk-{language}", f"{name}.wav") == "eval"
    assert split_of("asterisk-en", "agent-loginok.wav") == "train"
    assert split_of("asterisk-en", "digits/1.wav") == "train"


def test_development_split_is_apart_from_training_and_evaluation():
    for name in DEV_ASTERISK:
        assert not is_reserved("asterisk-en", name)
        assert split_of("asterisk-en", f"{name}.wav") == "dev"
        assert name not in EVAL_ASTERISK["en"]
        assert split_of("asterisk-es", f"{name}.wav") == "train"  # another voice and language
    for rel in DEV_TESTDATA:
        assert split_of("pocketsphinx-testdata", f"{rel}.wav") == "dev"
    assert split_of("pocketsphinx-testdata", "tidigits/dhd.2934z.raw") == "train"
