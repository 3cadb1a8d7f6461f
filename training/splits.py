"""Which recordings may be trained on, which are our own held-out evaluation, and which
are RESERVED for the project's independent evaluation (never trained, tuned or tested on).

Reserved, by the project's rules:
- pocketsphinx-testdata's LibriVox lines other than 0870 and 0880;
- English Asterisk prompts whose file name (basename) starts with n..z.

Our own evaluation split, never trained on nor tuned on: the three recordings in
tests/data/audio (LibriVox 0870 and 0880, goforward) and the fixed prompt lists of
EVAL_ASTERISK. Our development split, never trained on, for choosing thresholds and
checkpoints: DEV_ASTERISK and pocketsphinx-testdata's cards lines (another voice).
"""

from pathlib import PurePath

# English Asterisk prompts (a-m) kept out of training for our evaluation: read sentences
# with many M/B/P, F/V, rounded and open vowels.
EVAL_ASTERISK = {
    "en": ("agent-alreadyon", "auth-thankyou", "conf-adminmenu", "conf-getpin", "demo-abouttotry",
           "demo-congrats", "hello-world", "invalid", "dir-welcome", "conf-kicked", "conf-onlyperson",
           "minutes"),
    "es": ("agent-alreadyon", "auth-thankyou", "conf-getpin", "demo-congrats", "hello-world", "invalid"),
    "fr": ("agent-alreadyon", "auth-thankyou", "conf-getpin", "demo-congrats", "hello-world", "invalid"),
    "it": ("agent-alreadyon", "auth-thankyou", "conf-getpin", "demo-congrats", "hello-world", "invalid"),
    "ru": ("agent-alreadyon", "auth-thankyou", "conf-getpin", "demo-congrats", "hello-world", "invalid"),
}  # fmt: skip
# English Asterisk prompts (a-m) kept out of training for tuning: M/B/P-rich sentences.
DEV_ASTERISK = ("agent-newlocation", "auth-incorrect", "conf-getconfno", "conf-invalid", "conf-roll-callcomplete",
                "conf-usermenu", "confbridge-pin-bad", "confbridge-removed", "demo-moreinfo", "demo-thanks",
                "dir-instr", "dir-nomore")  # fmt: skip
DEV_TESTDATA = ("cards/001", "cards/002", "cards/003", "cards/004", "cards/005")
# tests/data/audio: evaluation only.
EVAL_TESTDATA = ("sense_and_sensibility_01_austen_64kb-0870", "sense_and_sensibility_01_austen_64kb-0880", "goforward")
_LIBRIVOX_ALLOWED = ("0870", "0880")
# Hedgewars music tracks kept out of training: bench_mouth measures on them that music with
# no voice keeps the mouth shut.
INSTRUMENTAL_EVAL = ("Art", "Castle", "Desert", "Golf", "Sheep")


def is_reserved(source: str, path: str) -> bool:
    """Whether a file is reserved for the independent evaluation.

    Parameters
    ----------
    source : {"asterisk-en", "asterisk-es", ..., "pocketsphinx-testdata"} or any other source
    path : str
        The file's path or name inside its package (``digits/1.wav``, ``librivox/...-0890.wav``).
    """
    stem = PurePath(path).stem
    if source == "asterisk-en":
        return stem[:1].lower() in "nopqrstuvwxyz" and stem[:1] != ""
    if source == "pocketsphinx-testdata":
        librivox = "librivox" in PurePath(path).parts or "_austen_" in stem
        return librivox and not stem.endswith(_LIBRIVOX_ALLOWED)
    return False


def split_of(source: str, path: str) -> str:
    """``"reserved"``, ``"eval"``, ``"dev"`` or ``"train"`` for a real recording."""
    if is_reserved(source, path):
        return "reserved"
    stem = PurePath(path).stem
    top = PurePath(path).parent.name in ("", ".")
    if source.startswith("asterisk-") and top and stem in EVAL_ASTERISK.get(source.split("-", 1)[1], ()):
        return "eval"
    if source == "asterisk-en" and top and stem in DEV_ASTERISK:
        return "dev"
    if source == "pocketsphinx-testdata":
        if stem in EVAL_TESTDATA:
            return "eval"
        if str(PurePath(path).with_suffix("")).endswith(DEV_TESTDATA):
            return "dev"
    return "train"
