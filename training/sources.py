"""Where the corpus's speech comes from, each clip with phonemes timed on its audio.

- espeak-ng (the library espeakng-loader bundles): many languages, every voice variant,
  random rate and pitch; timing from its own phoneme events.
- Piper (the joe English voice): timing from the model's own durations.
- Festival's voices in Debian (festvox-*; the ``festival`` package, a training-only
  dependency): real recorded diphones of eleven speakers in English, Italian, Russian,
  Czech and Finnish, timed by Festival's own segments.
- Real recordings: Debian's Asterisk prompts (en, es, fr, it, ru; 8 kHz) and a few
  pocketsphinx-testdata lines. English is force-aligned with pocketsphinx; the other
  languages by dynamic time warping against espeak-ng reading the same transcript.
- More real speakers (round 6): KDE's KLettres (letters and syllables spoken in 19
  languages) and KTuberling (English words), and two more Asterisk prompt voices (Italian,
  Colombian Spanish); aligned like the non-English Asterisk prompts.
- Singing: sustained and gliding vowels from a source-filter synthesiser, and recorded
  voices singing (round 12: their vowels held and their pitch moved by Rubber Band, the
  ``rubberband-cli`` package, a training-only dependency).

Every clip is an :class:`Item`; nothing here augments or computes features.
"""

import gzip
import re
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import signal

from talkingphoto.motion._learned import log_mel

from .align import matching_rate, model_align, voiced_span
from .augment import to_rate
from .splits import INSTRUMENTAL_EVAL, is_reserved, split_of

DEBS = ("asterisk-core-sounds-en-wav", "asterisk-core-sounds-es-wav", "asterisk-core-sounds-fr-wav",
        "asterisk-core-sounds-it-wav", "asterisk-core-sounds-ru-wav", "asterisk-core-sounds-en",
        "asterisk-core-sounds-es", "asterisk-core-sounds-fr", "asterisk-core-sounds-it", "asterisk-core-sounds-ru",
        "pocketsphinx-testdata", "asterisk-moh-opsound-wav", "klettres-data", "ktuberling-data",
        "asterisk-prompt-it-menardi-wav", "asterisk-prompt-es-co", "hedgewars-data",
        "tuxpaint-stamps-default", "fillets-ng-data", "fillets-ng-data-cs", "fillets-ng-data-nl")  # fmt: skip
ASTERISK_VOICES = {"en": "en_US_f_Allison", "es": "es_MX_f_Allison", "fr": "fr_CA_f_June", "it": "it_IT_m_Carlo",
                   "ru": "ru_RU_f_IvrvoiceRU"}  # fmt: skip
ESPEAK_FOR = {"en": "en-us", "es": "es-419", "fr": "fr", "it": "it", "ru": "ru"}
_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen").split()  # fmt: skip
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


@dataclass
class Item:
    """One clip: mono audio and its phonemes.

    ``phones`` are (start, end, label) in seconds, IPA or ARPAbet, ``""`` for silence.
    ``split`` is ``"train"`` or ``"eval"``; reserved files never become items.
    """

    name: str
    source: str
    language: str
    y: np.ndarray
    sr: int
    phones: list
    split: str = "train"


def fetch_packages(cache: Path, names: tuple = DEBS) -> Path:
    """Download the Debian packages ``names`` (real speech, music) and unpack each one not
    unpacked yet into one root (so packages added later join an existing cache); return the root."""
    debs = cache / "debs"
    root = cache / "root"
    stamps = root / ".unpacked"
    debs.mkdir(parents=True, exist_ok=True)
    missing = [name for name in names if not list(debs.glob(f"{name}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True)
    stamps.mkdir(parents=True, exist_ok=True)
    for name in names:
        deb = sorted(debs.glob(f"{name}_*.deb"))[-1]
        if not (stamps / deb.name).exists():
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
            (stamps / deb.name).touch()
    return root


def read_wav(path: Path) -> tuple:
    """(float32 mono samples, sr) of a 16-bit PCM WAV or headerless 16 kHz raw file."""
    if path.suffix == ".raw":
        return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0, 16000
    with wave.open(str(path)) as w:
        sr, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        data = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit PCM is read")
    y = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    return y.reshape(-1, channels).mean(1), sr


def transcripts(root: Path, language: str) -> dict:
    """``name -> text`` from the Asterisk package's core-sounds-LANG.txt.gz."""
    path = root / f"usr/share/doc/asterisk-core-sounds-{language}/core-sounds-{language}.txt.gz"
    out = {}
    for line in gzip.open(path, "rt", encoding="utf-8", errors="replace"):
        if line.startswith(";") or ":" not in line:
            continue
        name, text = line.split(":", 1)
        text = text.strip()
        if text and not text.startswith("["):  # "[this is a beep tone]"
            out[name.strip()] = text
    return out


def english_words(text: str) -> str:
    """Transcript text as words pocketsphinx's dictionary knows: digits and signs spelled out."""
    text = text.replace("*", " star ").replace("#", " pound ").replace("&", " and ").replace("%", " percent ")
    return re.sub(r"\d+", lambda m: " " + _spell(int(m.group())) + " ", text)


# Words of prompts that pocketsphinx's dictionary lacks, spelled as they sound.
RESPELL = {"unmute": "un mute", "digium": "dig ee um", "pbx": "p b x", "ivr": "i v r",
           "www.asterisk.org": "w w w dot asterisk dot org"}


def respelled(text: str) -> str:
    """:func:`english_words` with the words of :data:`RESPELL` spelled as they sound."""
    return " ".join(RESPELL.get(w.lower().strip(".,"), w) for w in english_words(text).split())


def _spell(n: int) -> str:
    if n < 20:
        return _NUMBERS[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("" if n % 10 == 0 else " " + _NUMBERS[n % 10])
    if n < 1000:
        return _NUMBERS[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + _spell(n % 100))
    if n < 10000:
        return _spell(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + _spell(n % 1000))
    return " ".join(_NUMBERS[int(d)] for d in str(n))


def asterisk_items(root: Path, language: str, *, model=None, log=print) -> list:
    """Aligned Asterisk prompts of one language (reserved prompts are skipped here).

    English is aligned by pocketsphinx; other languages by :func:`training.align.model_align`
    with ``model`` when given, else by :func:`dtw_align`.
    """
    from talkingphoto.errors import TalkingPhotoError
    from talkingphoto.voice._align import align_phones

    folder = root / "usr/share/asterisk/sounds" / ASTERISK_VOICES[language]
    texts = transcripts(root, language)
    source = f"asterisk-{language}"
    items, failed = [], 0
    for name, text in sorted(texts.items()):
        path = folder / f"{name}.wav"
        if not path.is_file() or is_reserved(source, name):
            continue
        y, sr = read_wav(path)
        if len(y) < 0.3 * sr:
            continue
        if language != "en":
            phones = _align(y, sr, text, ESPEAK_FOR[language], model)
        else:
            try:
                phones = [(p.start, p.end, p.label) for p in align_phones(y, sr=sr, transcript=english_words(text))]
            except (TalkingPhotoError, ValueError):
                phones = []
        if not phones:
            failed += 1
            continue
        items.append(Item(f"{source}/{name}", source, language, y, sr, phones, split_of(source, name)))
    log(f"{source}: {len(items)} prompts aligned, {failed} failed")
    return items


# Round 6: more real speakers. KLettres folder -> espeak-ng voice (Low German has none: left out).
KLETTRES_VOICES = {"ar": "ar", "cs": "cs", "da": "da", "de": "de", "en": "en-us", "en_GB": "en-gb-x-rp", "es": "es",
                   "fr": "fr", "he": "he", "hu": "hu", "it": "it", "lt": "lt", "ml": "ml", "nb": "nb", "nl": "nl",
                   "pt_BR": "pt-br", "ru": "ru", "tn": "tn", "uk": "uk"}  # fmt: skip
# Asterisk prompt voices beyond the core sounds: (language of the transcripts, folder, extension).
PROMPT_VOICES = {"asterisk-prompt-it-menardi-wav": ("it", "it_IT_f_Menardi", ".wav"),
                 "asterisk-prompt-es-co": ("es", "es", ".gsm")}  # fmt: skip
# KTuberling's theme prefixes of its English sound ids ("tv_lorry" says "lorry").
_KTUBERLING_THEMES = ("butterflies_", "egypt_", "moon_", "pizzeria_", "robot_workshop_", "tv_", "xmas_")


def sound_files(xml: str) -> dict:
    """``file -> name`` of every ``<sound name=".." file=".."/>`` in a KLettres sounds.xml or a
    KTuberling .soundtheme (both list their clips so); the first name of a file wins."""
    import html

    out = {}
    for name, file in re.findall(r'<sound\s+name="([^"]*)"\s+file="([^"]*)"', xml):
        out.setdefault(html.unescape(file), html.unescape(name).strip())
    return out


def klettres_text(name: str) -> str:
    """What a KLettres clip says, for espeak-ng: a lone letter stays (read as its name),
    a syllable or word is lower-cased (espeak-ng spells out some all-capital words)."""
    return name if len(name) == 1 else name.lower()


def ktuberling_text(sound_id: str) -> str:
    """The English word of a KTuberling sound id (``"tv_fire"`` -> ``"fire"``), or ``""`` for
    the Tux ids, whose clips are exclamations and phrases the id does not spell."""
    if "tux" in sound_id.lower():
        return ""
    for prefix in _KTUBERLING_THEMES:
        if sound_id.startswith(prefix):
            sound_id = sound_id[len(prefix) :]
            break
    return sound_id.replace("_", " ").replace("-", " ").strip()


def read_audio(path: Path) -> tuple:
    """(float32 mono samples, sr) of any clip FFmpeg decodes, raw GSM 06.10 (.gsm) included."""
    import av

    from talkingphoto.media import load_audio

    if path.suffix != ".gsm":
        return load_audio(path, mono=True)
    with av.open(str(path), format="gsm") as container:  # headerless: FFmpeg needs the format named
        stream = container.streams.audio[0]
        y = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(stream)])
        return (y.astype(np.float32) / 32768.0 if y.dtype == np.int16 else y.astype(np.float32)), stream.rate


def _trimmed(y: np.ndarray, sr: int, margin: float = 0.1) -> np.ndarray:
    """``y`` cut to its sound (:func:`voiced_span`) with ``margin`` seconds more each side,
    peak at 0.5: the aligning model misplaces phonemes in quiet clips (a -12 dB "me")."""
    a, b = voiced_span(y, sr)
    pad = int(margin * sr)
    y = y[max(0, a - pad) : b + pad]
    return (0.5 * y / max(float(np.abs(y).max()), 1e-6)).astype(np.float32)


def _read_as_spelled(text: str, voice: str) -> bool:
    """Whether espeak-ng spells ``text`` letter by letter (a pause inside its reading), so
    that its phonemes are not what a speaker saying the syllable said ("th", "ch")."""
    from talkingphoto.voice._espeak import espeak_synthesize

    labels = [p.ipa for p in espeak_synthesize(text, voice=voice)[2]]
    while labels and labels[0] == "":
        labels.pop(0)
    while labels and labels[-1] == "":
        labels.pop()
    return "" in labels


def _plausible_rate(y: np.ndarray, sr: int, text: str, voice: str) -> bool:
    """Whether the recording says ``text`` at 90-340 words a minute of espeak-ng's measure
    (a transcript that is not what was recorded mostly falls outside)."""
    return 90 <= matching_rate(y, sr, text, voice) <= 340


def _align(y: np.ndarray, sr: int, text: str, voice: str, model) -> list:
    """Phonemes of ``text`` on ``y``: :func:`training.align.model_align` with ``model``, else :func:`dtw_align`."""
    from talkingphoto.errors import TalkingPhotoError

    try:
        if model is not None:
            return model_align(y, sr=sr, text=text, voice=voice, model=model)
        return dtw_align(y, sr=sr, text=text, voice=voice)
    except (TalkingPhotoError, ValueError):
        return []


def _transcribed(y: np.ndarray, sr: int, text: str, voice: str, model) -> tuple | None:
    """``(y trimmed, phones)`` of a recording of a whole transcript, ``phones`` empty when it
    cannot be aligned; None when it lasts under 0.3 s or its length does not fit the text
    (:func:`_plausible_rate`)."""
    y = _trimmed(y, sr)
    if len(y) < 0.3 * sr or not _plausible_rate(y, sr, text, voice):
        return None
    return y, _align(y, sr, text, voice, model)


def kde_items(root: Path, *, model=None, log=print) -> list:
    """KLettres's letters and syllables (one speaker per language) and KTuberling's English words.

    Letters are read by espeak-ng as their names; syllables espeak-ng would spell out are
    skipped, as are KTuberling's other languages (their words are only in file names with
    the accents stripped, or not at all).
    """
    share = root / "usr/share"
    clips = []  # (name, path, text, voice)
    for folder, voice in KLETTRES_VOICES.items():
        xml = share / "klettres" / folder / "sounds.xml"
        if not xml.is_file():
            continue
        for file, name in sound_files(xml.read_text(encoding="utf-8", errors="replace")).items():
            text = klettres_text(name)
            if file.startswith(folder + "/") and (len(text) == 1 or not _read_as_spelled(text, voice)):
                clips.append((f"kde/klettres/{file}", share / "klettres" / file, text, voice))
    theme = share / "ktuberling/sounds/en.soundtheme"
    if theme.is_file():
        for file, sound_id in sound_files(theme.read_text(encoding="utf-8")).items():
            if ktuberling_text(sound_id):
                clips.append((f"kde/ktuberling/{file}", share / "ktuberling/sounds" / file, ktuberling_text(sound_id),
                              "en-us"))  # fmt: skip
    from talkingphoto.errors import AudioError

    items, failed = [], 0
    for name, path, text, voice in clips:
        if not path.is_file():
            continue
        try:
            y, sr = read_audio(path)
        except AudioError:  # a few KLettres files FFmpeg cannot decode (Czech ad-*.ogg)
            failed += 1
            continue
        y = _trimmed(y, sr)
        phones = _align(y, sr, text, voice, model) if len(y) >= 0.15 * sr else []
        if not phones:
            failed += 1
            continue
        items.append(Item(name, "kde", voice, y, sr, phones))
    log(f"kde: {len(items)} clips aligned, {failed} failed, {sum(len(i.y) / i.sr for i in items) / 3600:.2f} h")
    return items


def prompt_items(root: Path, *, model=None, log=print) -> list:
    """Two more Asterisk prompt voices (Italian, Colombian Spanish) with the core sounds' transcripts.

    A prompt without a transcript, one of our held-out prompts' names, or one whose length
    does not fit its transcript's (:func:`_plausible_rate`) is skipped.
    """
    items, failed, skipped = [], 0, 0
    for package, (language, folder, extension) in PROMPT_VOICES.items():
        base = root / "usr/share/asterisk/sounds" / folder
        for name, text in sorted(transcripts(root, language).items()):
            path = base / f"{name}{extension}"
            if not path.is_file() or split_of(f"asterisk-{language}", name) != "train":
                continue
            y, sr = read_audio(path)
            aligned = _transcribed(y, sr, text, ESPEAK_FOR[language], model)
            if aligned is None:
                skipped += 1
                continue
            y, phones = aligned
            if not phones:
                failed += 1
                continue
            items.append(Item(f"prompts/{package}/{name}", "prompts", language, y, sr, phones))
    hours = sum(len(i.y) / i.sr for i in items) / 3600
    log(f"prompts: {len(items)} aligned, {skipped} skipped (length vs transcript), {failed} failed, {hours:.2f} h")
    return items


# Round 10: Tux Paint's stamps come with spoken descriptions, one speaker (or a few) per
# language: stamp language -> espeak-ng voice.
TUXPAINT_VOICES = {"be": "be", "bg": "bg", "ca": "ca", "da": "da", "el": "el", "en": "en-us", "es": "es", "fr": "fr",
                   "lt": "lt", "ml": "ml", "nl": "nl", "ro": "ro", "ru": "ru"}  # fmt: skip


def stamp_texts(description: str) -> dict:
    """``language -> text`` of a Tux Paint stamp's description file: the first line is the
    English text, the others ``LANG.utf8=text`` (variants such as ``ca@valencia`` kept apart)."""
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    texts = {"en": lines[0]} if lines and "=" not in lines[0] else {}
    for line in lines:
        language, sep, text = line.partition(".utf8=")
        if sep and text.strip():
            texts[language] = text.strip()
    return texts


def tuxpaint_items(root: Path, *, model=None, log=print) -> list:
    """Tux Paint's spoken stamp descriptions (``NAME_desc_LANG.ogg``, English ``NAME_desc.ogg``)
    with their texts from ``NAME.txt``, aligned like the es/fr/it/ru prompts (see
    :func:`_aligned_clips`; a language with no espeak-ng voice here is skipped)."""
    stamps = root / "usr/share/tuxpaint/stamps"

    def clips():
        for clip in sorted(stamps.rglob("*_desc*.ogg")):
            stem, _, language = clip.name.removesuffix(".ogg").rpartition("_desc")
            language = language.lstrip("_") or "en"
            description = clip.with_name(f"{stem}.txt")
            texts = stamp_texts(description.read_text(encoding="utf-8", errors="replace")) if description.is_file() else {}
            name = f"tuxpaint/{clip.relative_to(stamps)}"
            yield name, clip, language, TUXPAINT_VOICES.get(language), texts.get(language)

    return _aligned_clips(clips(), "tuxpaint", model=model, log=log)


def _aligned_clips(clips, source: str, *, model, log) -> list:
    """Items of ``source`` from ``clips`` ((name, path, language, espeak-ng voice, text) each),
    aligned like the es/fr/it/ru prompts. A clip with no voice or no text, or whose length
    does not fit its text (:func:`_plausible_rate`), is skipped; one FFmpeg cannot decode or
    that cannot be aligned has failed."""
    from talkingphoto.errors import AudioError

    items, failed, skipped = [], 0, 0
    for name, path, language, voice, text in clips:
        if voice is None or not text:
            skipped += 1
            continue
        try:
            y, sr = read_audio(path)
        except AudioError:
            failed += 1
            continue
        aligned = _transcribed(y, sr, text, voice, model)
        if aligned is None:
            skipped += 1
            continue
        y, phones = aligned
        if not phones:
            failed += 1
            continue
        items.append(Item(name, source, language, y, sr, phones))
    hours = sum(len(i.y) / i.sr for i in items) / 3600
    log(f"{source}: {len(items)} aligned, {skipped} skipped, {failed} failed, {hours:.2f} h")
    return items


# Round 11: Fish Fillets NG's spoken dialogue (actors of the two fish and the characters they
# meet, one cast per language): language -> espeak-ng voice.
FILLETS_VOICES = {"cs": "cs", "nl": "nl"}
_FILLETS_LINE = re.compile(r'dialog(Id|Str)\(\s*"((?:[^"\\]|\\.)*)"')


def fillets_texts(script: str) -> dict:
    """``line id -> text`` of a Fish Fillets NG ``dialogs_LANG.lua``: each ``dialogId``
    (whose own text is the English original) with the ``dialogStr`` after it, the line in LANG."""
    texts, line_id = {}, None
    for kind, value in _FILLETS_LINE.findall(script):
        if kind == "Id":
            line_id = value
        elif line_id is not None and value.strip():
            texts[line_id] = re.sub(r"\\(.)", r"\1", value).strip()  # Lua's escapes undone
            line_id = None
    return texts


def fillets_items(root: Path, *, model=None, log=print) -> list:
    """Fish Fillets NG's spoken lines (``sound/LEVEL/LANG/ID.ogg``) with their texts from
    ``script/LEVEL/dialogs_LANG.lua``, aligned like the es/fr/it/ru prompts (see
    :func:`_aligned_clips`; an actor's ad-lib or a laugh does not fit its text)."""
    game = root / "usr/share/games/fillets-ng"

    def clips():
        for language, voice in FILLETS_VOICES.items():
            for clip in sorted(game.glob(f"sound/*/{language}/*.ogg")):
                level = clip.parent.parent.name
                script = game / "script" / level / f"dialogs_{language}.lua"
                texts = fillets_texts(script.read_text(encoding="utf-8", errors="replace")) if script.is_file() else {}
                yield f"fillets/{level}/{language}/{clip.name}", clip, language, voice, texts.get(clip.stem)

    return _aligned_clips(clips(), "fillets", model=model, log=log)


def testdata_items(root: Path) -> list:
    """pocketsphinx-testdata lines that are neither reserved nor our evaluation (cards, digits)."""
    from talkingphoto.voice._align import align_phones

    folder = root / "usr/share/pocketsphinx/test/data"
    texts = {}
    for line in (folder / "cards/cards.transcription").read_text().splitlines():
        match = re.match(r"<s>(.*)</s>\s*\((\w+)\)", line)
        if match:
            texts[f"cards/{match.group(2)}.wav"] = match.group(1).strip()
    texts["tidigits/dhd.2934z.raw"] = "two nine three four zero"
    items = []
    for rel, text in texts.items():
        if is_reserved("pocketsphinx-testdata", rel) or split_of("pocketsphinx-testdata", rel) != "train":
            continue
        y, sr = read_wav(folder / rel)
        phones = [(p.start, p.end, p.label) for p in align_phones(y, sr=sr, transcript=text)]
        if phones:
            items.append(Item(f"testdata/{rel}", "pocketsphinx-testdata", "en", y, sr, phones))
    return items


def _cepstra(y: np.ndarray, sr: int) -> np.ndarray:
    """Mean-normalised cepstra at 100 Hz (for DTW): 4 kHz band, what 8 kHz prompts hold."""
    g = np.gcd(int(sr), 16000)
    y16 = signal.resample_poly(y, 16000 // g, int(sr) // g) if sr != 16000 else y
    y16 = signal.sosfilt(signal.butter(8, 3800, fs=16000, output="sos"), y16)
    mel = log_mel(y16.astype(np.float32))[:, :30]  # bands below ~3.8 kHz
    cep = np.real(np.fft.rfft(mel, axis=1))[:, 1:14] / mel.shape[1]
    delta = np.gradient(cep, axis=0)
    feats = np.concatenate([cep, 2.0 * delta], axis=1)
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-6)


def dtw_align(y: np.ndarray, *, sr: int, text: str, voice: str) -> list:
    """Phonemes of ``text`` timed on ``y`` through espeak-ng's reading of the same text.

    espeak-ng speaks the transcript at about the recording's speed; both are trimmed to
    their sound, turned into mean-normalised cepstra, and warped onto each other with a
    dynamic time warping whose steps keep the speed ratio between 1/2 and 2. Each of
    espeak's phoneme boundaries is then moved to the recording's time it warps to.
    """
    from talkingphoto.voice._espeak import espeak_synthesize

    a, b = voiced_span(y, sr)
    real = y[a:b]
    rate = float(np.clip(matching_rate(y, sr, text, voice), 80, 450))
    ys, srs, phones = espeak_synthesize(text, voice=voice, rate=rate)
    sa, sb = voiced_span(ys, srs)
    x, z = _cepstra(real, sr), _cepstra(ys[sa:sb], srs)
    if len(x) < 5 or len(z) < 5:
        return []
    path = _dtw(x, z)  # for every real frame i, the synth frame it matches
    # Synth time -> real time: the first real frame matched to each synth frame.
    first_real = np.full(len(z), -1)
    for i in range(len(path) - 1, -1, -1):
        first_real[path[i]] = i
    first_real = np.maximum.accumulate(np.where(first_real < 0, 0, first_real))
    offset_s, synth_start = a / sr, sa / srs

    def to_real(t: float) -> float:
        k = int(round((t - synth_start) * 100))
        if k <= 0:
            return offset_s + min(0.0, t - synth_start)
        if k >= len(z):
            return offset_s + len(x) / 100 + (t - synth_start - len(z) / 100)
        return offset_s + first_real[k] / 100

    out = []
    for p in phones:
        start, end = max(0.0, to_real(p.start)), min(len(y) / sr, to_real(p.end))
        if end > start:
            out.append((start, end, p.ipa))
    if out and out[0][0] > 0:
        out.insert(0, (0.0, out[0][0], ""))
    if out and out[-1][1] < len(y) / sr:
        out.append((out[-1][1], len(y) / sr, ""))
    return out


def _dtw(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Warping of ``x`` (n frames) onto ``z`` (m frames): ``path[i]`` = frame of z for frame i.

    Steps from (i-1, j), (i-1, j-1), (i-1, j-2) with (i-1, j) allowed at most once in a row
    (so x may be at most twice as slow as z, and at most twice as fast).
    """
    n, m = len(x), len(z)
    squared = (x**2).sum(1)[:, None] + (z**2).sum(1)[None, :] - 2.0 * x @ z.T
    cost = np.sqrt(np.maximum(squared, 0.0))
    inf = np.inf
    d_move = np.full(m, inf)  # best cost ending at (i, j) with a diagonal or skip step
    d_stay = np.full(m, inf)  # ... ending with a (i-1, j) step
    d_move[0] = cost[0, 0]
    back = np.zeros((n, m), np.int8)  # 0: from j-1, 1: from j-2, 2: stay at j
    for i in range(1, n):
        prev = np.minimum(d_move, d_stay)
        diag = np.concatenate([[inf], prev[:-1]])
        skip = np.concatenate([[inf, inf], prev[:-2]])
        stay = d_move  # staying twice in a row is not allowed
        best_move = np.minimum(diag, skip)
        back[i] = np.where(diag <= skip, 0, 1)
        new_move = cost[i] + best_move
        new_stay = cost[i] + stay
        choose_stay = new_stay < new_move
        back[i] = np.where(choose_stay, 2, back[i])
        d_move, d_stay = np.where(choose_stay, inf, new_move), np.where(choose_stay, new_stay, inf)
    path = np.zeros(n, int)
    j = m - 1
    for i in range(n - 1, -1, -1):
        path[i] = j
        step = back[i, j]
        j = j - 1 if step == 0 else j - 2 if step == 1 else j
        j = max(j, 0)
    return path


def espeak_items(languages: list, *, per_language: int, seed: int, log=print) -> list:
    """espeak-ng speech: each language with random variants, rates and pitches."""
    from talkingphoto.voice._espeak import espeak_synthesize, espeak_variants

    from .texts import utterances

    rng = np.random.default_rng(seed)
    variants = ("",) + tuple(v for v in espeak_variants())
    items = []
    for k, language in enumerate(languages):
        for i, text in enumerate(utterances(language, n=per_language, seed=seed + k)):
            variant = variants[int(rng.integers(len(variants)))]
            voice = language + (f"+{variant}" if variant else "")
            rate = float(rng.uniform(110, 260))
            pitch = float(rng.uniform(15, 85))
            try:
                y, sr, phones = espeak_synthesize(text, voice=voice, rate=rate, pitch=pitch)
            except Exception as exc:  # a variant a language cannot load: plain voice
                log(f"espeak {voice}: {exc}")
                y, sr, phones = espeak_synthesize(text, voice=language, rate=rate, pitch=pitch)
            if len(y) < 0.2 * sr:
                continue
            items.append(Item(f"espeak/{language}/{i}", "espeak", language, y, sr,
                              [(p.start, p.end, p.ipa) for p in phones]))  # fmt: skip
    log(f"espeak: {len(items)} clips in {len(languages)} languages")
    return items


def piper_items(texts: list, *, seed: int, log=print) -> list:
    """Piper (joe, English) reading ``texts`` at random rates."""
    from talkingphoto.voice._piper import piper_synthesize, piper_voices

    voices = piper_voices()
    if not voices:
        log("piper: no voice installed, skipped")
        return []
    rng = np.random.default_rng(seed)
    items = []
    for i, text in enumerate(texts):
        y, sr, phones = piper_synthesize(text, voice=voices[0], rate=float(rng.uniform(130, 230)))
        items.append(Item(f"piper/{i}", "piper", "en", y, sr, [(p.start, p.end, p.ipa) for p in phones]))
    log(f"piper: {len(items)} clips")
    return items


# Singing: vowel formants (F1, F2, F3 in Hz) of an adult voice, and the IPA label.
_SUNG_VOWELS = {"a": (800, 1300, 2600), "ɑ": (750, 1100, 2500), "e": (450, 2000, 2700), "ɛ": (600, 1800, 2600),
                "i": (300, 2300, 3000), "o": (450, 850, 2600), "ɔ": (600, 950, 2500), "u": (320, 800, 2400),
                "ə": (520, 1450, 2500), "y": (300, 1800, 2400)}  # fmt: skip


def _formant_filter(x: np.ndarray, sr: int, formants, bandwidths=(80, 100, 140)) -> np.ndarray:
    out = np.zeros_like(x)
    for f, bw in zip(formants, bandwidths):
        r = np.exp(-np.pi * bw / sr)
        a = [1.0, -2 * r * np.cos(2 * np.pi * f / sr), r * r]
        out += signal.lfilter([1.0 - r], a, x) * (1.0 if f < 1000 else 0.5)
    return out


def singing_items(n: int, *, seed: int) -> list:
    """Sung phrases: vowels held 0.3-2.5 s on gliding pitches with vibrato, joined by
    M, L or breaths, from a glottal pulse train through vowel formants."""
    rng = np.random.default_rng(seed)
    sr = 16000
    vowels = list(_SUNG_VOWELS)
    items = []
    for k in range(n):
        base = float(rng.choice([110, 150, 200, 260, 330, 440]) * rng.uniform(0.9, 1.1))
        scale = float(rng.uniform(0.9, 1.2))  # vocal tract length
        pieces, phones, t = [np.zeros(int(0.3 * sr))], [(0.0, 0.3, "")], 0.3
        for _ in range(int(rng.integers(3, 8))):
            joint = rng.choice(["m", "l", "", "b"])
            if joint:
                dur = float(rng.uniform(0.06, 0.15))
                f = {"m": (250, 1200, 2300), "l": (350, 1100, 2600), "b": (200, 900, 2200)}[joint]
                seg = _sung(sr, dur, base, (f[0] * scale, f[1] * scale, f[2] * scale), rng) * (0.15 if joint != "l" else 0.5)
                pieces.append(seg)
                phones.append((t, t + dur, joint))
                t += dur
            vowel = vowels[int(rng.integers(len(vowels)))]
            dur = float(rng.uniform(0.3, 2.5))
            f = _SUNG_VOWELS[vowel]
            pieces.append(_sung(sr, dur, base * 2 ** (rng.integers(-5, 8) / 12), tuple(v * scale for v in f), rng))
            phones.append((t, t + dur, "ˈ" + vowel))
            t += dur
            if rng.random() < 0.4:
                gap = float(rng.uniform(0.1, 0.5))
                pieces.append(np.zeros(int(round(gap * sr))))
                phones.append((t, t + gap, ""))
                t += gap
        y = np.concatenate(pieces)
        pieces.append(np.zeros(int(0.3 * sr)))
        phones.append((len(y) / sr, len(y) / sr + 0.3, ""))
        y = np.concatenate(pieces)
        phones = _snap(phones, len(y) / sr)
        y = (0.5 * y / (np.abs(y).max() + 1e-9)).astype(np.float32)
        items.append(Item(f"singing/{k}", "singing", "xx", y, sr, phones))
    return items


# Sung versions of recorded speech: each vowel, with this chance, is held SUNG_HOLD seconds
# (uniform), the whole clip moved SUNG_SHIFT semitones (uniform) with its formants kept, and
# a vibrato of 4.5-6.5 Hz and SUNG_VIBRATO (share of the frequency, uniform) laid over it.
SUNG_CHANCE, SUNG_HOLD, SUNG_SHIFT, SUNG_VIBRATO = 0.75, (0.35, 2.0), (-3.0, 12.0), (0.009, 0.018)


def sung_items(items: list, *, seed: int) -> list:
    """Real (and neural) voices singing: ``items`` with their vowels held on a new pitch.

    The synthetic sung vowels (:func:`singing_items`) taught the models to hold a clean
    source-filter note, not a voice: held vowels of real voices (Rubber Band's formant-keeping
    stretch of recorded speech) closed the mouth within half a second. Rubber Band's command
    line tool (Debian rubberband-cli) stretches each clip along a time map, vowel by vowel,
    and shifts its pitch; the phones keep their labels at their new times.
    """
    from talkingphoto.motion._phonemes import is_vowel
    from talkingphoto.voice import save_wav

    rng = np.random.default_rng(seed)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        source, target, mapping = Path(tmp) / "in.wav", Path(tmp) / "out.wav", Path(tmp) / "map"
        for item in items:
            phones, points, t = [], [(0, 0)], 0.0
            for start, end, label in item.phones:
                held = label and is_vowel(label) and end - start >= 0.05 and rng.random() < SUNG_CHANCE
                length = float(rng.uniform(*SUNG_HOLD)) if held else end - start
                phones.append((t, t + length, label))
                t += length
                frame = (int(round(end * item.sr)), int(round(t * item.sr)))
                if frame[0] > points[-1][0] and frame[1] > points[-1][1]:
                    points.append(frame)
            save_wav(source, item.y, sr=item.sr)
            mapping.write_text("".join(f"{a} {b}\n" for a, b in points[1:]))
            shift = float(rng.uniform(*SUNG_SHIFT))
            subprocess.run(["rubberband", "-q", "-3", "-F", "-p", f"{shift:.2f}", "-M", str(mapping), "-D", f"{t:.4f}",
                            str(source), str(target)], check=True, capture_output=True)  # fmt: skip
            y, sr = read_wav(target)
            out.append(Item(f"sung/{item.name}", "sung", item.language, _vibrato(y, sr, rng), sr, phones, item.split))
    return out


def _vibrato(y: np.ndarray, sr: int, rng) -> np.ndarray:
    """``y`` played at a rate swinging around 1 (a pitch vibrato); its timing is kept."""
    rate, depth = rng.uniform(4.5, 6.5), rng.uniform(*SUNG_VIBRATO)
    t = np.arange(len(y)) / sr
    warped = t + depth * np.sin(2 * np.pi * rate * t) / (2 * np.pi * rate)
    return np.interp(warped * sr, np.arange(len(y)), y).astype(np.float32)


def game_music(root: Path) -> list:
    """(name, 16 kHz samples) of Hedgewars' music tracks over 8 s (hedgewars-data, GPL-2) but
    those of ``INSTRUMENTAL_EVAL`` (bench_mouth measures on them)."""
    from talkingphoto.media import load_audio

    folder = root / "usr/share/games/hedgewars/Data/Music"
    tracks = [(path.stem, load_audio(path, sr=16000, mono=True)[0]) for path in sorted(folder.glob("*.ogg"))]
    return [(name, y) for name, y in tracks if name not in INSTRUMENTAL_EVAL and len(y) > 8 * 16000]


def instrumental_items(tracks: list, n: int, *, seed: int, source: str = "instrumental") -> list:
    """Excerpts of 2-8 s of ``tracks`` ((name, 16 kHz samples) of music with no voice in it),
    labelled silence: a song's intro, solos and ending must keep the mouth shut."""
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(n):
        name, y = tracks[int(rng.integers(len(tracks)))]
        length = int(rng.uniform(2.0, 8.0) * 16000)
        start = int(rng.integers(0, len(y) - length))
        clip = np.ascontiguousarray(y[start : start + length], dtype=np.float32)
        items.append(Item(f"{source}/{name}@{start}", source, "xx", clip, 16000, [(0.0, length / 16000, "")]))
    return items


# A voice over music: the music's level under the voice's (dB, uniform; see voice_level).
SONG_SNR = (0.0, 15.0)


def voice_level(y: np.ndarray) -> float:
    """RMS of ``y`` where it sounds (samples over a twentieth of its peak): a voice's level,
    its pauses left out."""
    y = np.asarray(y, dtype=np.float64)
    return float(np.sqrt(np.mean(y[np.abs(y) > 0.05 * np.abs(y).max()] ** 2)))


def song_items(voices: list, tracks: list, *, seed: int) -> list:
    """``voices`` (speech or sung Items) each over a random stretch of one of ``tracks``
    ((name, 16 kHz samples) of music), labelled by the voice: a voice is a voice over any
    music. Round 9 had taught the models that Hedgewars' music is silence and the music-on-
    hold beds (heard only under speech) are not: they told the music, not the voice, and a
    song's singing over Hedgewars-like music kept the mouth shut."""
    rng = np.random.default_rng(seed)
    items = []
    for voice in voices:
        y = to_rate(voice.y, voice.sr).astype(np.float64)
        name, music = tracks[int(rng.integers(len(tracks)))]
        start = int(rng.integers(0, max(1, len(music) - len(y))))
        bed = np.resize(music[start:], len(y)).astype(np.float64)  # wraps round a short track
        gain = voice_level(y) / max(np.sqrt(np.mean(bed**2)), 1e-6) * 10 ** (-rng.uniform(*SONG_SNR) / 20)
        mixed = y + gain * bed
        mixed = (0.9 * mixed / max(np.abs(mixed).max(), 1e-9)).astype(np.float32)
        items.append(Item(f"song/{voice.name}+{name}@{start}", "songs", voice.language, mixed, 16000, voice.phones, voice.split))
    return items


def song_mixes(voices: list, tracks: list, n: int, *, seed: int, source: str = "songs_fg") -> list:
    """``n`` made-up songs as `--mouth music` hears them: 16-24 s stretches of ``tracks``
    ((name, 16 kHz samples) of music) with one to five of ``voices`` (Items, spoken or sung)
    over them one after another, 0-15 dB louder than the music (one song in seven has none),
    then separated like a user's song (talkingphoto.voice.song_voice: the voice apart from the
    music that repeats, which needs the whole stretch around it); labelled by the voices,
    silence between. What is left of the music after separation must not open the mouth."""
    from talkingphoto.voice import song_voice

    rng = np.random.default_rng(seed)
    items = []
    for k in range(n):
        name, music = tracks[int(rng.integers(len(tracks)))]
        length = int(rng.uniform(16.0, 24.0) * 16000)
        start = int(rng.integers(0, max(1, len(music) - length)))
        bed = np.resize(music[start:], length).astype(np.float64)
        level = np.sqrt(np.mean(bed**2)) * 10 ** (rng.uniform(*SONG_SNR) / 20)
        sung, phones, at = np.zeros(length), [], rng.uniform(0.5, 3.0)
        for _ in range(0 if rng.random() < 1 / 7 else int(rng.integers(1, 6))):
            voice = voices[int(rng.integers(len(voices)))]
            clip = to_rate(voice.y, voice.sr).astype(np.float64)
            first = int(at * 16000)
            if first + len(clip) > length:
                break
            sung[first : first + len(clip)] += clip * level / max(voice_level(clip), 1e-6)
            phones += [(at + a, at + b, label) for a, b, label in voice.phones]
            at += len(clip) / 16000 + rng.uniform(0.5, 3.0)
        mixed = sung + bed
        mixed = (0.9 * mixed / max(np.abs(mixed).max(), 1e-9)).astype(np.float32)
        voice_only = song_voice(mixed, sr=16000).y
        items.append(Item(f"{source}/{name}@{start}#{k}", source, "xx", voice_only, 16000, phones or [(0.0, length / 16000, "")]))
    return items


def _snap(phones: list, duration: float) -> list:
    """Make phone times contiguous to the sample grid they were cut on."""
    out, t = [], 0.0
    for start, end, label in phones:
        out.append((t, t + (end - start), label))
        t += end - start
    return [(a, min(b, duration), lab) for a, b, lab in out if a < duration]


def _sung(sr: int, dur: float, f0: float, formants, rng) -> np.ndarray:
    """One held note: pitch glide, vibrato, a little jitter, soft attack and release."""
    n = int(round(dur * sr))
    t = np.arange(n) / sr
    glide = 2 ** (rng.uniform(-2, 2) / 12 * np.clip(t / max(dur, 1e-3) * 3, 0, 1))
    vibrato = 1 + 0.012 * np.sin(2 * np.pi * rng.uniform(4.5, 6.5) * t) * np.clip(t / 0.4, 0, 1)
    f = f0 * glide * vibrato
    phase = np.cumsum(f / sr)
    source = (phase % 1.0) ** 3 - 0.25  # a skewed glottal pulse rich in harmonics
    source = signal.lfilter([1, -0.97], [1], source) + 0.02 * rng.standard_normal(n)
    voice = _formant_filter(source, sr, formants)
    envelope = np.clip(t / 0.04, 0, 1) * np.clip((dur - t) / 0.06, 0, 1)
    return voice * envelope


# Festival's voices (Debian main): real recorded diphones (or, for Russian, units) joined
# at Festival's own segment timing. voice -> (texts' language, phone set, text encoding).
FESTIVAL_VOICES = {
    "kal_diphone": ("en-us", "radio", "latin-1"), "ked_diphone": ("en-us", "radio", "latin-1"),
    "pc_diphone": ("it", "italian", "latin-1"), "lp_diphone": ("it", "italian", "latin-1"),
    "msu_ru_nsh_clunits": ("ru", "msu_ru", "utf-8"),
    "czech_dita": ("cs", "czech", "iso-8859-2"), "czech_krb": ("cs", "czech", "iso-8859-2"),
    "czech_machac": ("cs", "czech", "iso-8859-2"), "czech_ph": ("cs", "czech", "iso-8859-2"),
    "suo_fi_lj_diphone": ("fi", "finnish", "latin-1"), "hy_fi_mv_diphone": ("fi", "finnish", "latin-1"),
}  # fmt: skip
# Festival phone -> IPA (or ARPAbet for radio), per phone set; "" is silence. Phones not
# listed are spelled as in IPA already (p, a, m); any other spelling is an error.
_RADIO = {"pau": "", "h#": "", "brth": "", "ax": "AH0", "axr": "ER0", "el": "əl", "em": "əm", "en": "ən",
          "dx": "ɾ", "nx": "n", "hv": "HH"}  # fmt: skip
_RADIO_VOWELS = {"aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"}
FESTIVAL_PHONES = {
    "italian": {"#": "", "E": "ɛ", "O": "ɔ", "S": "ʃ", "Z": "ʒ", "ts": "ts", "tS": "tʃ", "dz": "dz", "dZ": "dʒ",
                "J": "ɲ", "L": "ʎ", "ng": "ŋ", "nf": "ɱ"},
    "msu_ru": {"pau": "", "ii": "i", "yy": "ɨ", "uu": "u", "ee": "e", "oo": "o", "aa": "a", "y": "ɨ",
               "ae": "ɪ", "ay": "ə", "ur": "ʊ", "c": "ts", "ch": "tɕ", "sh": "ʂ", "sch": "ɕː", "zh": "ʐ",
               "h": "x"},
    "czech": {"#": "", "_": "", "h": "ɦ", "c": "ts", "c~": "tʃ", "ch": "x", "d~": "ɟ", "t~": "c", "n~": "ɲ",
              "n*": "ŋ", "r~": "r", "r~*": "r", "s~": "ʃ", "z~": "ʒ", "dz~": "dʒ"},
    "finnish": {"#": "", "##": "", "@": "æ", "7": "ø", "&": "ə", "T": "θ", "D": "ð", "S": "ʃ", "Z": "ʒ",
                "N": "ŋ", "L": "l"},
}  # fmt: skip
_IPA_VOWELS = set("aeiouyɛɔæøəɨɪʊ")


def festival_phone(name: str, phone_set: str, stressed: bool) -> str:
    """One Festival segment's name as a label of the project's phoneme table.

    Long marks (``a:``) become ``ː``; stressed vowels get ``ˈ`` (IPA) or ``1`` (ARPAbet).
    Italian marks stress on the phone (``a1``), Russian by doubling the vowel (``aa``).
    """
    if phone_set == "radio":
        if name in _RADIO:
            return _RADIO[name]
        return name.upper() + (("1" if stressed else "0") if name in _RADIO_VOWELS else "")
    table = FESTIVAL_PHONES[phone_set]
    if phone_set == "italian" and name.endswith("1"):
        name, stressed = name[:-1], True
    if phone_set == "msu_ru":
        stressed = name in ("ii", "yy", "uu", "ee", "oo", "aa")
        if len(name) == 2 and name[0] == name[1] and name not in table:  # "pp": palatalised p
            return table.get(name[0], name[0]) + "ʲ"
    long = name.endswith(":") and len(name) > 1
    base = name[:-1] if long else name
    ipa = table.get(base, base)
    if ipa and not set(ipa) <= _IPA_VOWELS | set("bdfghjklmnprstvwxzŋɲɟcɕʂʐʃʒθðɾɱʎɦː"):
        raise ValueError(f"festival phone {name!r} of {phone_set} has no mapping")
    vowel = ipa[:1] in _IPA_VOWELS
    return ("ˈ" if vowel and stressed else "") + ipa + ("ː" if long and ipa else "")


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def festival_synthesize(voice: str, texts: list, stretches: list, folder: Path) -> list:
    """Festival speaking ``texts`` with ``voice``: (y, sr, phones) per text, None where it failed.

    One festival process reads a Scheme script that synthesises every text at its
    Duration_Stretch, saves the wave and prints each segment's name, end time and
    syllable stress; a text that stops the process is skipped and the rest rerun.
    """
    _, phone_set, encoding = FESTIVAL_VOICES[voice]
    out = [None] * len(texts)
    start = 0
    while start < len(texts):
        lines = [f"(voice_{voice})"]
        for k in range(start, len(texts)):
            text = texts[k].encode(encoding, errors="replace").decode(encoding)
            lines.append(
                f"(Parameter.set 'Duration_Stretch {stretches[k]:.3f})\n"
                f"(set! utt (utt.synth (Utterance Text {_scheme_string(text)})))\n"
                f'(utt.save.wave utt "{folder}/{k}.wav" \'riff)\n'
                f'(format t "UTT {k}\\n")\n'
                "(mapcar (lambda (s) (format t \"%s %s %s\\n\" (item.name s) (item.feat s 'end)"
                " (item.feat s \"R:SylStructure.parent.stress\"))) (utt.relation.items utt 'Segment))\n"
                f'(format t "END {k}\\n")'
            )
        script = folder / "script.scm"
        script.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
        result = subprocess.run(["festival", "-b", str(script)], capture_output=True, timeout=3600)
        done = start - 1
        segments = []
        for line in result.stdout.decode(encoding, errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "UTT":
                segments = []
            elif len(parts) == 2 and parts[0] == "END":
                k = int(parts[1])
                y, sr = read_wav(folder / f"{k}.wav")
                phones, t = [], 0.0
                for name, end, stress in segments:
                    label = festival_phone(name, phone_set, stress not in ("0", ""))
                    end = min(float(end), len(y) / sr)
                    if end > t:
                        phones.append((t, end, label))
                        t = end
                out[k] = (y, sr, phones) if phones else None
                done = k
            elif len(parts) == 3:
                segments.append(parts)
        start = done + 2  # past the text that stopped it, if one did
    return out


def festival_items(english: list, *, per_voice: int, seed: int, source: str = "festival", bilabial: bool = False,
                   log=print) -> list:  # fmt: skip
    """Festival's voices reading our sentences, numbers and pseudo-words at random rates.

    The English voices also read ``english`` (the trainable prompt transcripts). With
    ``bilabial`` every other text is a phrase where vowels run into P, B or M.
    """
    import tempfile

    from .texts import bilabial_utterances, utterances

    rng = np.random.default_rng(seed)
    items = []
    for v, (voice, (language, _, _)) in enumerate(FESTIVAL_VOICES.items()):
        texts = (bilabial_utterances if bilabial else utterances)(language, n=per_voice, seed=seed + 100 * v)
        if language == "en-us":
            texts = texts + list(english)
        stretches = list(rng.uniform(0.75, 1.35, len(texts)))
        with tempfile.TemporaryDirectory() as folder:
            results = festival_synthesize(voice, texts, stretches, Path(folder))
        for i, result in enumerate(results):
            if result is not None and len(result[0]) >= 0.2 * result[1]:
                y, sr, phones = result
                items.append(Item(f"{source}/{voice}/{i}", source, language, y, sr, phones))
        log(f"festival {voice}: {sum(r is not None for r in results)} of {len(texts)} texts")
    return items
