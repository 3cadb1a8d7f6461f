"""espeak-ng through ctypes, reporting every phoneme with its position in the audio.

Uses the library and data that the ``espeakng-loader`` wheel bundles (espeak-ng 1.52):
Debian's 1.51 reads Mandarin tone digits as English numbers ("ni three hao three").
The library is initialised once per process in synchronous retrieval mode with phoneme
events as IPA; a synthesis callback collects the samples and the events. espeak-ng keeps
its voice, parameters and callback in global state, so every call holds one lock.
"""

import ctypes
import threading

import numpy as np

from ..errors import ParameterError, VoiceError
from ._speech import SILENCE, Phoneme, Voice

__all__ = ["ENGINE", "RATE_RANGE", "PITCH_RANGE", "espeak_voices", "espeak_variants", "espeak_synthesize"]

ENGINE = "espeak-ng"
RATE_RANGE = (80, 450)  # words per minute, espeakRATE_MINIMUM..espeakRATE_MAXIMUM
PITCH_RANGE = (0, 100)  # base pitch, 50 = the voice's normal

# speak_lib.h constants
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_POS_CHARACTER = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_PARAM_RATE = 1
_PARAM_PITCH = 3
_GENDERS = {1: "male", 2: "female"}


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """``espeak_EVENT`` of speak_lib.h (API revision 12)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms
        ("sample", ctypes.c_int),  # samples from the start of the message
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _VoiceSpec(ctypes.Structure):
    """``espeak_VOICE`` of speak_lib.h."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, NUL-terminated tag)*, then NUL
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class _Espeak:
    """The process's one espeak-ng instance. Use only while holding ``_LOCK``."""

    def __init__(self):
        import espeakng_loader

        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise VoiceError(
                f"cannot load espeak-ng ({exc}): reinstall with 'pip install --force-reinstall espeakng-loader'"
            ) from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_GetParameter.argtypes = [ctypes.c_int, ctypes.c_int]
        lib.espeak_GetParameter.restype = ctypes.c_int
        lib.espeak_ListVoices.argtypes = [ctypes.POINTER(_VoiceSpec)]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceSpec))
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_Synth.restype = ctypes.c_int
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        sr = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), options)
        if sr <= 0:
            raise VoiceError(f"espeak-ng failed to start with its data at {data}: reinstall espeakng-loader")
        self.lib = lib
        self.sr = int(sr)
        self._chunks: list = []
        self._events: list = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: espeak holds the pointer
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, n_samples, events) -> int:
        if wav and n_samples > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n_samples,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == _EVENT_PHONEME:
                self._events.append((event.sample, event.audio_position, event.id.string.decode("utf-8", "replace")))
            i += 1
        return 0  # 0 = go on

    def list(self, language: bytes | None = None) -> list:
        """Copies of the voice table: (identifier, title, gender, [(priority, tag), ...])."""
        spec = None
        if language is not None:
            spec = _VoiceSpec()
            keep = ctypes.c_char_p(language)
            spec.languages = ctypes.cast(keep, ctypes.c_void_p)
        table = self.lib.espeak_ListVoices(ctypes.byref(spec) if spec is not None else None)
        voices = []
        i = 0
        while table[i]:
            v = table[i].contents
            voices.append((v.identifier.decode(), v.name.decode("utf-8", "replace"), v.gender, _languages(v.languages)))
            i += 1
        return voices

    def synthesize(self, text: str, *, voice: str, rate: int | None, pitch: int | None, end_pause: bool) -> tuple:
        """(int16 samples, [(sample, ms, ipa), ...]) for ``text`` spoken by ``voice``."""
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise VoiceError(f"espeak-ng cannot load voice {voice!r}: see 'talkingphoto voices'")
        # Loading a voice restores its own defaults; set both parameters every time.
        rate = self.lib.espeak_GetParameter(_PARAM_RATE, 0) if rate is None else rate
        pitch = self.lib.espeak_GetParameter(_PARAM_PITCH, 0) if pitch is None else pitch
        self.lib.espeak_SetParameter(_PARAM_RATE, int(rate), 0)
        self.lib.espeak_SetParameter(_PARAM_PITCH, int(pitch), 0)
        data = text.replace("\0", " ").encode("utf-8") + b"\0"
        flags = _CHARS_UTF8 | (_ENDPAUSE if end_pause else 0)
        self._chunks, self._events = [], []
        try:
            status = self.lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, flags, None, None)
            if status != 0:
                raise VoiceError(f"espeak-ng failed to synthesise (status {status}): try a shorter text")
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
            return samples, list(self._events)
        finally:
            self._chunks, self._events = [], []


def _languages(pointer: int) -> list:
    """Decode the ``languages`` field: (priority byte, tag, NUL) pairs ending with a NUL."""
    out = []
    while pointer:
        priority = ctypes.c_ubyte.from_address(pointer).value
        if priority == 0:
            break
        tag = ctypes.string_at(pointer + 1)
        out.append((priority, tag.decode("ascii", "replace").lower()))
        pointer += len(tag) + 2
    return out


_LOCK = threading.Lock()
_INSTANCE: _Espeak | None = None


def _engine() -> _Espeak:
    """The shared instance, started on first use. Call with ``_LOCK`` held."""
    global _INSTANCE
    if _INSTANCE is None:
        _INSTANCE = _Espeak()
    return _INSTANCE


def espeak_voices() -> list:
    """Every espeak-ng language voice.

    Returns
    -------
    list[Voice]
        Named after the voice file (``"cmn"``, ``"en-us"``, ``"yue"``), sorted by name.
    """
    with _LOCK:
        engine = _engine()
        table, sr = engine.list(), engine.sr
    voices = []
    for identifier, title, gender, languages in table:
        tags = tuple(tag for _, tag in languages)
        name = identifier.rsplit("/", 1)[-1].lower()
        voices.append(
            Voice(name=name, language=tags[0] if tags else name, engine=ENGINE, gender=_GENDERS.get(gender),
                  sample_rate=sr, title=title, languages=tags)
        )  # fmt: skip
    return sorted(voices, key=lambda v: v.name)


def espeak_variants() -> tuple:
    """Names of the espeak-ng voice variants (``"f3"``, ``"m1"``, ``"klatt"``...), for ``NAME+VARIANT``."""
    with _LOCK:
        table = _engine().list(b"variant")
    return tuple(sorted({identifier.rsplit("/", 1)[-1] for identifier, *_ in table}))


def espeak_synthesize(text: str, *, voice: str, rate: float | None = None, pitch: float | None = None,
                      end_pause: bool = False) -> tuple:  # fmt: skip
    """Speak one sentence or paragraph.

    Parameters
    ----------
    text : str
        UTF-8 text; markup is read as text (no SSML, no ``[[phonemes]]``).
    voice : str
        espeak-ng voice name, optionally ``NAME+VARIANT``.
    rate : float, optional
        Words per minute, 80..450 (voice default about 175).
    pitch : float, optional
        Base pitch 0..100 (50 = the voice's normal).
    end_pause : bool
        Add a sentence pause at the end (between sentences of a longer text).

    Returns
    -------
    y : np.ndarray [shape=(n_samples,), dtype=float32, range -1..1]
    sr : int
    phones : list[Phoneme]
        Contiguous from 0 to ``len(y) / sr``; pauses labelled :data:`SILENCE`.
    """
    rate = _check_range("rate", rate, RATE_RANGE, "words per minute")
    pitch = _check_range("pitch", pitch, PITCH_RANGE, "")
    with _LOCK:
        engine = _engine()
        samples, events = engine.synthesize(text, voice=voice, rate=rate, pitch=pitch, end_pause=end_pause)
        sr = engine.sr
    y = samples.astype(np.float32) / 32768.0
    return y, sr, phones_from_events(events, n_samples=len(y), sr=sr)


def phones_from_events(events, *, n_samples: int, sr: int) -> list:
    """Turn espeak-ng phoneme events into contiguous phonemes.

    Each event marks where a phoneme starts; it lasts until the next one. The ``sample``
    field is used for timing (``audio_position`` is the same in whole ms). Empty names
    are pauses; language switches such as ``"(en)"`` count as pauses too. Zero-length
    phonemes are dropped and neighbouring pauses merged.

    Parameters
    ----------
    events : sequence of (sample, ms, ipa)
    n_samples, sr : int
        Length and rate of the audio the events belong to.
    """
    duration = n_samples / sr
    marks = [(0, SILENCE)]
    for sample, _, name in events:
        label = SILENCE if name.startswith("(") else name.strip()
        marks.append((min(max(int(sample), marks[-1][0]), n_samples), label))
    phones = []
    for (a, label), (b, _) in zip(marks, marks[1:] + [(n_samples, SILENCE)]):
        if b <= a:
            continue
        start, end = a / sr, b / sr
        if phones and label == SILENCE and phones[-1].ipa == SILENCE:
            phones[-1] = Phoneme(phones[-1].start, end, SILENCE)
        else:
            phones.append(Phoneme(start, end, label))
    if not phones and duration > 0:
        phones.append(Phoneme(0.0, duration, SILENCE))
    return phones


def _check_range(name: str, value, bounds: tuple, unit: str) -> int | None:
    if value is None:
        return None
    lo, hi = bounds
    if not (lo <= value <= hi):
        unit = f" {unit}" if unit else ""
        raise ParameterError(f"must be between {lo} and {hi}{unit}, got {value}", option=name)
    return int(round(value))
