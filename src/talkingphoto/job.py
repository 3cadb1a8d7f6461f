"""One job description, shared by the CLI, the Python API, the studio, batches and Ray.

A job is a picture, one or more turns (who speaks and what: a recording, a text read by a
built-in voice, or a pause), options for each stage, and where the MP4 goes. A single
render is a conversation with one turn. Every front end builds its jobs here, through
:meth:`Job.single`, :meth:`Job.from_dict` or a dialogue script, so an option means the same
and is checked by the same rules everywhere; :meth:`Job.to_dict` gives the JSON form the
studio stores and Ray ships.

Options have flat names (``mode``, ``fps``, ``face``, ``voice`` ...), the same as CLI flags,
manifest columns and API fields; :data:`OPTION_NAMES` lists them and :func:`split_options`
sorts them into the stage they belong to.
"""

import dataclasses
import math
import numbers
import os
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import ParameterError
from .motion import EXPRESSIONS, GAZES, MOUTH_SOURCES
from .voice._espeak import PITCH_RANGE, RATE_RANGE
from .voice._voices import MAX_CHARS

__all__ = [
    "MODES",
    "GAZES",
    "MOUTH_COVERS",
    "Speaker",
    "VoiceOptions",
    "MotionOptions",
    "EncodeOptions",
    "Limits",
    "Turn",
    "Job",
    "OPTION_NAMES",
    "TURN_OPTIONS",
    "read_options",
    "split_options",
]

MODES = ("standard", "vivid", "master")
# Whether the speaker's mouth is covered (a mask, a scarf, a hand over it) and so never
# opens: auto reads it from the picture (render._mouth_reading.mouth_covered); covered and open
# overrule that reading where it is wrong.
MOUTH_COVERS = ("auto", "covered", "open")
MAX_MOTION = 2.0
MAX_BLINK_RATE = 60.0  # blinks a minute
_MAX_PAUSE = 60.0  # seconds


def _check_kind(name: str, value, annotation) -> None:
    """Refuse a value of the wrong kind with a message naming the option (a JSON string
    where a number belongs would otherwise fail deep inside the render)."""
    kinds = set(typing.get_args(annotation)) or {annotation}
    if value is None and type(None) in kinds:
        return
    number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if float in kinds:
        ok, wanted = number and math.isfinite(value), "a number"
    elif int in kinds:
        ok, wanted = number and isinstance(value, numbers.Integral), "a whole number"
    elif str in kinds:
        ok, wanted = isinstance(value, str), "text"
    elif tuple in kinds:
        ok = (
            isinstance(value, tuple)
            and len(value) == 2
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        )
        wanted = "two numbers (x, y)"
    elif Path in kinds:
        ok, wanted = isinstance(value, Path), "a file path"
    else:
        return
    if not ok:
        raise ParameterError(f"must be {wanted}, got {value!r}", option=name)


def _coerce(name: str, value, annotation, *, text: bool):
    """``value`` in the kind ``annotation`` asks for, from the friendly forms callers send:
    a point as a list, a path as text; with ``text``, also numbers and points written as
    text (manifest cells: ``"25"``, ``"320,180"``)."""
    kinds = set(typing.get_args(annotation)) or {annotation}
    if value is None or isinstance(value, bool):
        return value
    if text and isinstance(value, str) and (float in kinds or int in kinds):
        convert = float if float in kinds else int
        try:
            return convert(value.strip())
        except ValueError:
            wanted = "a number" if convert is float else "a whole number"
            raise ParameterError(f"must be {wanted}, got {value!r}", option=name) from None
    if tuple in kinds:
        if text and isinstance(value, str):
            value = value.replace(",", " ").split()
        if isinstance(value, list) or (text and isinstance(value, tuple)):
            try:
                return tuple(float(v) for v in value)
            except (TypeError, ValueError):
                raise ParameterError(f"must be two numbers [x, y] in pixels, got {value!r}", option=name) from None
    if Path in kinds and isinstance(value, (str, os.PathLike)):
        return Path(value)
    return value


class _Options:
    """Shared behaviour of the option groups: kinds checked on construction."""

    def __post_init__(self):
        for option in fields(self):
            _check_kind(option.name, getattr(self, option.name), option.type)
        self._check()

    def _check(self) -> None:
        """Ranges and combinations; subclasses refuse what they cannot use."""


@dataclass(frozen=True)
class Speaker(_Options):
    """Who speaks a turn.

    Attributes
    ----------
    face : int or None
        Index of a found face, left to right (see ``talkingphoto inspect``).
    face_at : (x, y) or None
        A point on the speaker's face, in source pixels.
    points : Path or None
        JSON file of clicked mouth/chin/eye points: rigs a face no detector finds.
    mouth_cover : str
        One of :data:`MOUTH_COVERS`: is the mouth covered, so that it never opens (auto:
        as the picture looks)?

    face, face_at and points all None: the largest face found (of those found about as surely as
    the surest, see characters.choose_face).
    """

    face: int | None = None
    face_at: tuple | None = None
    points: Path | None = None
    mouth_cover: str = "auto"

    def _check(self) -> None:
        if self.face is not None and self.face < 0:
            raise ParameterError(f"must be an index >= 0 (see 'talkingphoto inspect'), got {self.face}", option="face")
        if self.points is not None and (self.face is not None or self.face_at is not None):
            raise ParameterError("rig their own face: give points or face/face_at, not both", option="points")
        if self.face is not None and self.face_at is not None:
            raise ParameterError("give face or face_at, not both")
        if self.mouth_cover not in MOUTH_COVERS:
            raise ParameterError(f"must be one of {', '.join(MOUTH_COVERS)}, got {self.mouth_cover!r}", option="mouth_cover")


@dataclass(frozen=True)
class VoiceOptions(_Options):
    """How a text is read aloud: built-in voice, words per minute, base pitch 0..100."""

    voice: str | None = None
    rate: float | None = None
    pitch: float | None = None

    def _check(self) -> None:
        if self.voice is not None and not self.voice.strip():
            raise ParameterError("is empty: name a voice (see 'talkingphoto voices') or leave it out", option="voice")
        if self.rate is not None and not RATE_RANGE[0] <= self.rate <= RATE_RANGE[1]:
            low, high = RATE_RANGE
            raise ParameterError(f"must be between {low} and {high} words per minute, got {self.rate:g}", option="rate")
        if self.pitch is not None and not PITCH_RANGE[0] <= self.pitch <= PITCH_RANGE[1]:
            raise ParameterError(f"must be between {PITCH_RANGE[0]} and {PITCH_RANGE[1]}, got {self.pitch:g}", option="pitch")

    @property
    def chosen(self) -> bool:
        return any(value is not None for value in dataclasses.astuple(self))


@dataclass(frozen=True)
class MotionOptions(_Options):
    """What moves, and the seed of everything random in it.

    Attributes
    ----------
    mode : {"standard", "vivid", "master"}
        standard moves only mouth and jaw; vivid adds blinks, gaze, brows and head motion;
        master adds breathing, posture shifts on emphasis and a slow camera with parallax
        between the characters and their background.
    seed : int
        Seeds blinks, gaze and head drift: same inputs and seed, same video.
    mouth : {"auto", "model", "music", "signal"}
        What moves the mouth for a recording: the learned audio-to-mouth model hearing the
        voice apart from any backing music it finds (auto, see voice.backing_music; the
        render's notes say where it found some); the model on the whole sound; the model on
        the voice apart from the music, found or not (on speech alone it follows as
        closely); or the older acoustic rules. Built-in voices always use their own phoneme
        timing.
    motion : float
        Strength of head, brow and body motion, 0..2: 0 holds the head still, 1 is the
        default, 2 twice as lively (vivid and master only).
    blink_rate : float or None
        Blinks a minute, 0..60; None blinks naturally (about 19 a minute, more at the ends
        of phrases).
    gaze : {"wander", "camera"}
        wander: the eyes glance about (and towards whoever speaks in a conversation);
        camera: they hold the viewer's eye, even while the head turns.
    expression : str
        How the characters feel (a key of motion.EXPRESSIONS; ``neutral`` is the picture's
        own face); a turn may set its own. In standard mode only the mouth corners show
        it; vivid and master add brows, lids, head carriage and motion energy.
    expression_strength : float
        0..1: how far towards the expression the face goes.
    """

    mode: str = "standard"
    seed: int = 0
    mouth: str = "auto"
    motion: float = 1.0
    blink_rate: float | None = None
    gaze: str = "wander"
    expression: str = "neutral"
    expression_strength: float = 1.0

    def _check(self) -> None:
        if self.mode not in MODES:
            raise ParameterError(f"must be one of {', '.join(MODES)}, got {self.mode!r}", option="mode")
        if self.mouth not in MOUTH_SOURCES:
            raise ParameterError(f"must be one of {', '.join(MOUTH_SOURCES)}, got {self.mouth!r}", option="mouth")
        if self.seed < 0:
            raise ParameterError(f"must be 0 or more, got {self.seed}", option="seed")
        if not 0 <= self.motion <= MAX_MOTION:
            raise ParameterError(
                f"must be between 0 (head still) and {MAX_MOTION:g} (1 = default), got {self.motion:g}", option="motion"
            )
        if self.blink_rate is not None and not 0 <= self.blink_rate <= MAX_BLINK_RATE:
            raise ParameterError(
                f"must be between 0 and {MAX_BLINK_RATE:g} blinks a minute (leave it out to blink naturally),"
                f" got {self.blink_rate:g}",
                option="blink_rate",
            )
        if self.gaze not in GAZES:
            raise ParameterError(f"must be one of {', '.join(GAZES)}, got {self.gaze!r}", option="gaze")
        if not self.vivid:
            # Standard mode moves only the mouth: say so rather than ignore the option.
            for name, what, default in (
                ("motion", "moves head, brows and body", 1.0),
                ("blink_rate", "sets how often the eyes blink", None),
                ("gaze", "sets where the eyes look", "wander"),
            ):
                if getattr(self, name) != default:
                    raise ParameterError(f"{what}: use it with --mode vivid or master", option=name)
        _check_expression(self.expression, option="expression")
        if not 0 <= self.expression_strength <= 1:
            raise ParameterError(f"must be between 0 and 1, got {self.expression_strength:g}", option="expression_strength")

    @property
    def vivid(self) -> bool:
        """Eyes, brows and head move (vivid and master)."""
        return self.mode in ("vivid", "master")


def _check_expression(name: str, *, option: str) -> None:
    if name not in EXPRESSIONS:
        raise ParameterError(f"must be one of {', '.join(EXPRESSIONS)}, got {name!r}", option=option)


@dataclass(frozen=True)
class EncodeOptions(_Options):
    """The video: frame rate, cap on its long side in pixels, H.264 quality and speed."""

    fps: float = 25.0
    max_size: int = 1920
    crf: int = 18  # still parts keep >= 39 dB PSNR (README, Measured)
    preset: str = "veryfast"

    def _check(self) -> None:
        if not 1 <= self.fps <= 120:
            raise ParameterError(f"must be between 1 and 120, got {self.fps:g}", option="fps")
        if self.max_size < 16:
            raise ParameterError(f"must be at least 16 pixels, got {self.max_size}", option="max_size")
        if not 0 <= self.crf <= 51:
            raise ParameterError(f"must be between 0 and 51, got {self.crf}", option="crf")


@dataclass(frozen=True)
class Limits(_Options):
    """Inputs refused before heavy work: longer sound (seconds), longer text (characters)."""

    max_audio_seconds: float = 1800.0
    max_text_chars: int = MAX_CHARS

    def _check(self) -> None:
        if self.max_audio_seconds <= 0:
            raise ParameterError(f"must be positive, got {self.max_audio_seconds:g}", option="max_audio_seconds")
        if self.max_text_chars < 1:
            raise ParameterError(f"must be at least 1, got {self.max_text_chars}", option="max_text_chars")


_GROUPS = {"speaker": Speaker, "voice": VoiceOptions, "motion": MotionOptions, "encode": EncodeOptions, "limits": Limits}
_FIELD_TYPES = {f.name: f.type for group in _GROUPS.values() for f in fields(group)}
_GROUP_OF = {f.name: name for name, group in _GROUPS.items() for f in fields(group)}
OPTION_NAMES = tuple(_GROUP_OF)
TURN_OPTIONS = tuple(f.name for group in (Speaker, VoiceOptions) for f in fields(group))


def read_options(options: dict, *, text: bool = False) -> dict:
    """Flat options with their values in the kinds the stages take.

    Unknown names are refused, so a typo in a flag, a manifest column or an API field is
    never silently ignored. Points may come as ``[x, y]`` lists and paths as text; with
    ``text``, numbers and points written as text are read too (``"25"``, ``"320,180"``:
    manifest cells); otherwise a number must come as a number.
    """
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise ParameterError(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(OPTION_NAMES)}")
    return {name: _coerce(name, value, _FIELD_TYPES[name], text=text) for name, value in options.items()}


def split_options(options: dict) -> dict:
    """Sort flat options (see :func:`read_options`) into their stages: ``{"speaker":
    Speaker, "voice": VoiceOptions, "motion": ..., "encode": ..., "limits": ...}``."""
    chosen = {name: {} for name in _GROUPS}
    for name, value in read_options(options).items():
        if value is not None:
            chosen[_GROUP_OF[name]][name] = value
    return {name: group(**chosen[name]) for name, group in _GROUPS.items()}


@dataclass(frozen=True)
class Turn:
    """One line of a job: ``speaker`` says ``audio`` (a recording) or ``text`` (read with
    ``voice``), with an ``expression`` (None: the job's); or, with ``speaker`` None, a
    ``pause`` of that many seconds."""

    speaker: Speaker | None = field(default_factory=Speaker)
    audio: Path | None = None
    text: str | None = None
    voice: VoiceOptions = field(default_factory=VoiceOptions)
    pause: float = 0.0
    expression: str | None = None

    def __post_init__(self):
        if isinstance(self.audio, (str, os.PathLike)):
            object.__setattr__(self, "audio", Path(self.audio))
        if self.speaker is None:
            if self.audio is not None or self.text is not None or self.voice.chosen or self.expression is not None:
                raise ParameterError("a turn is either a pause or a speech; put the pause in a turn of its own")
            _check_kind("pause", self.pause, float)
            if not 0 < self.pause <= _MAX_PAUSE:
                raise ParameterError(f"must be seconds between 0 and {_MAX_PAUSE:g}, got {self.pause!r}", option="pause")
            return
        if self.pause:
            raise ParameterError("a turn is either a pause or a speech; put the pause in a turn of its own")
        if self.expression is not None:
            _check_kind("expression", self.expression, str)
            _check_expression(self.expression, option="expression")
        if (self.audio is None) == (self.text is None):
            raise ParameterError("give either an audio file or text to read (with a voice), not both or neither")
        if self.text is not None:
            if not isinstance(self.text, str) or not self.text.strip():
                raise ParameterError("text is empty: give some words to read")
        elif self.voice.chosen:
            raise ParameterError("voice, rate and pitch read text aloud; a recording is used as it is")

    @property
    def is_pause(self) -> bool:
        return self.speaker is None

    def to_dict(self) -> dict:
        if self.is_pause:
            return {"pause": self.pause}
        out = {}
        for group in (self.speaker, self.voice):  # what differs from the defaults
            default = type(group)()
            out.update({k: v for k, v in dataclasses.asdict(group).items() if v != getattr(default, k)})
        if "face_at" in out:
            out["face_at"] = list(out["face_at"])
        if "points" in out:
            out["points"] = str(out["points"])
        if self.audio is not None:
            out["audio"] = str(self.audio)
        else:
            out["text"] = self.text
        if self.expression is not None:
            out["expression"] = self.expression
        return out

    @classmethod
    def from_dict(cls, data: dict, *, base: Path | None = None) -> "Turn":
        """A turn from its JSON form (see :meth:`to_dict`); relative paths are inside ``base``."""
        if not isinstance(data, dict):
            raise ParameterError(f"a turn must be an object, got {data!r}")
        if "pause" in data:
            if len(data) > 1:
                raise ParameterError("a turn is either a pause or a speech; put the pause in a turn of its own")
            return cls(speaker=None, pause=data["pause"])
        unknown = sorted(set(data) - set(TURN_OPTIONS) - {"audio", "text", "expression"})
        if unknown:
            known = f"audio, text, expression, {', '.join(TURN_OPTIONS)}"
            raise ParameterError(f"unknown turn field(s) {', '.join(unknown)}; known: {known}")
        groups = split_options({k: v for k, v in data.items() if k in TURN_OPTIONS})
        speaker = groups["speaker"]
        if speaker.points is not None:
            speaker = dataclasses.replace(speaker, points=_inside(base, speaker.points))
        audio = data.get("audio")
        return cls(
            speaker=speaker,
            audio=None if audio is None else _inside(base, Path(audio)),
            text=data.get("text"),
            voice=groups["voice"],
            expression=data.get("expression"),
        )


def _inside(base: Path | None, path: Path) -> Path:
    return path if base is None else base / path


@dataclass(frozen=True)
class Job:
    """One render: a picture, its turns, options per stage, and where the MP4 goes.

    Build one with :meth:`single` (one speaker, flat options), :meth:`from_dict` (JSON),
    or :func:`talkingphoto.dialogue.load_script` (a conversation).
    """

    image: Path
    turns: tuple
    output: Path
    motion: MotionOptions = field(default_factory=MotionOptions)
    encode: EncodeOptions = field(default_factory=EncodeOptions)
    limits: Limits = field(default_factory=Limits)
    save_audio: Path | None = None

    def __post_init__(self):
        for name in ("image", "output", "save_audio"):
            value = getattr(self, name)
            if isinstance(value, (str, os.PathLike)):
                object.__setattr__(self, name, Path(value))
        object.__setattr__(self, "turns", tuple(self.turns))
        if not all(isinstance(turn, Turn) for turn in self.turns):
            raise ParameterError("turns must be Turn objects")
        if all(turn.is_pause for turn in self.turns):
            raise ParameterError("a job needs at least one turn that speaks (only pauses given)")
        for turn in self.turns:
            if turn.text is not None and len(turn.text) > self.limits.max_text_chars:
                raise ParameterError(
                    f"text has {len(turn.text)} characters, more than the limit of {self.limits.max_text_chars}:"
                    " shorten it or raise the limit (--max-text-chars)"
                )
        if self.save_audio is not None:
            from .voice import check_wav_path

            check_wav_path(self.save_audio)
        from .media import check_not_an_input

        inputs = {"picture": self.image}
        for number, turn in enumerate(self.turns, start=1):
            if not turn.is_pause:
                what = "" if len(self.turns) == 1 else f" of turn {number}"
                inputs.update({f"audio{what}": turn.audio, f"points file{what}": turn.speaker.points})
        for output in (self.output, self.save_audio):
            if output is not None:
                check_not_an_input(output, inputs)

    @classmethod
    def single(cls, image, output, *, audio=None, text=None, save_audio=None, **options) -> "Job":
        """One speaker saying ``audio`` (a recording) or ``text``; ``options`` by their flat
        names (:data:`OPTION_NAMES`: mode, fps, seed, face, face_at, points, voice, ...)."""
        groups = split_options(options)
        turn = Turn(speaker=groups["speaker"], audio=audio, text=text, voice=groups["voice"])
        return cls(
            image=image,
            turns=(turn,),
            output=output,
            motion=groups["motion"],
            encode=groups["encode"],
            limits=groups["limits"],
            save_audio=save_audio,
        )

    @property
    def speeches(self) -> tuple:
        """The turns that speak, in order."""
        return tuple(turn for turn in self.turns if not turn.is_pause)

    def inputs(self) -> list:
        """Every file the job reads: the picture, recordings and points files, each once."""
        paths = [self.image]
        for turn in self.speeches:
            paths += [p for p in (turn.audio, turn.speaker.points) if p is not None]
        return list(dict.fromkeys(paths))

    def with_paths(self, mapping: dict, *, output=None) -> "Job":
        """This job with its input paths replaced by ``mapping[path]`` (e.g. file names
        inside a scratch folder), and its output by ``output`` if given."""

        def moved(path):
            return None if path is None else Path(mapping.get(path, path))

        turns = []
        for turn in self.turns:
            if not turn.is_pause:
                speaker = dataclasses.replace(turn.speaker, points=moved(turn.speaker.points))
                turn = dataclasses.replace(turn, speaker=speaker, audio=moved(turn.audio))
            turns.append(turn)
        return dataclasses.replace(
            self, image=moved(self.image), turns=tuple(turns), output=Path(output or self.output)
        )

    def options(self) -> dict:
        """The job-wide options by their flat names (mode, seed, fps, max_size, crf, ...)."""
        out = {}
        for group in (self.motion, self.encode, self.limits):
            out.update(dataclasses.asdict(group))
        return out

    def to_dict(self) -> dict:
        """JSON-ready form; :meth:`from_dict` reads it back."""
        return {
            "image": str(self.image),
            "output": str(self.output),
            "turns": [turn.to_dict() for turn in self.turns],
            "options": self.options(),
            **({"save_audio": str(self.save_audio)} if self.save_audio is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict, *, base=None) -> "Job":
        """A job from its JSON form; relative paths are inside ``base``.

        Besides :meth:`to_dict`'s form (``turns``), a single speaker may be given flat, as
        batch manifests and the studio's form do: ``audio`` or ``text`` next to ``image``,
        with every option (``face``, ``voice`` too) in ``options``.
        """
        if not isinstance(data, dict):
            raise ParameterError(f"a job must be an object, got {type(data).__name__}")
        base = None if base is None else Path(base)
        known = {"image", "output", "turns", "options", "save_audio", "audio", "text"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ParameterError(f"unknown job field(s) {', '.join(unknown)}")
        for name in ("image", "output"):
            if not isinstance(data.get(name), (str, os.PathLike)) or not str(data[name]).strip():
                raise ParameterError(f"a job needs '{name}': a file path")
        options = data.get("options") or {}
        if not isinstance(options, dict):
            raise ParameterError("options must be an object of option names and values")
        image, output = (_inside(base, Path(data[name])) for name in ("image", "output"))
        save_audio = None if data.get("save_audio") is None else _inside(base, Path(data["save_audio"]))
        if "turns" in data:
            if "audio" in data or "text" in data:
                raise ParameterError("give 'turns', or one 'audio' or 'text', not both")
            if not isinstance(data["turns"], list) or not data["turns"]:
                raise ParameterError("'turns' must be a non-empty list")
            turns = []
            for number, item in enumerate(data["turns"], start=1):
                try:
                    turns.append(Turn.from_dict(item, base=base))
                except ParameterError as exc:
                    raise ParameterError(f"turn {number}: {exc}") from exc
            groups = split_options(options)
            if groups["speaker"] != Speaker() or groups["voice"] != VoiceOptions():
                raise ParameterError("with turns, speaker and voice options belong to each turn")
            return cls(image, turns, output, groups["motion"], groups["encode"], groups["limits"], save_audio)
        audio = data.get("audio")
        return cls.single(
            image,
            output,
            audio=None if audio is None else _inside(base, Path(audio)),
            text=data.get("text"),
            save_audio=save_audio,
            **{k: (_inside(base, Path(v)) if k == "points" and v is not None else v) for k, v in options.items()},
        )
