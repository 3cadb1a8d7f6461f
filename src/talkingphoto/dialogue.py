"""Dialogue scripts: a conversation between characters of one picture, as a job.

A script (YAML or JSON) names the picture and an ordered list of turns; each turn names
its speaker by index (``face: 0``), by a point on the face (``face: [x, y]``) or by a name
given under ``characters`` (where ``points: cat.json`` rigs a face no detector finds, as
``--points`` does), and its speech (``audio: file.wav``, or ``text`` with an optional
``voice``, ``rate`` and ``pitch``). ``pause: 0.5`` turns insert silence. A turn's
``expression`` (or its character's) is how the speaker feels from that turn on; turns
without one show the job's (``--expression``). A character's or a turn's ``mouth_cover``
(auto, covered, open) says whether its mouth is covered, as ``--mouth-cover`` does for
the rest. Paths are relative to the script::

    image: two_people.png
    mode: vivid
    characters:
      grace: {face: 0, expression: happy}
      mage: {at: [610, 140], mouth_cover: open}
    turns:
      - face: grace
        audio: first.wav
      - pause: 0.4
      - face: mage
        text: Who goes there?
        voice: en-gb
        expression: surprised
"""

from dataclasses import replace
from pathlib import Path
from typing import Callable

from .errors import ParameterError
from .job import Job, Speaker, Turn, VoiceOptions, split_options

__all__ = ["load_script", "parse_script", "read_script", "script_job"]

_SCRIPT_KEYS = {"image", "characters", "turns", "mode"}
_TURN_KEYS = {"face", "audio", "text", "voice", "rate", "pitch", "expression", "mouth_cover"}
# resolve(kind, name, where) -> the path of a file the script names; kind is "image", "audio" or "points".
Resolver = Callable[[str, str, str], Path]


def read_script(text: str, *, name: str) -> dict:
    """Parse a script's YAML or JSON ``text``; ``name`` is how errors call it."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ParameterError(f"dialogue script {name} is not valid YAML/JSON{line}: {problem}") from exc
    if not isinstance(data, dict) or "image" not in data or "turns" not in data:
        raise ParameterError(f"dialogue script {name} needs 'image:' and a list of 'turns:'")
    return data


def parse_script(data: dict, *, name: str, resolve: Resolver) -> tuple:
    """The picture, turns and mode of a parsed script.

    Parameters
    ----------
    data : dict
        As :func:`read_script` returns it.
    name : str
        The script's name in error messages.
    resolve : callable
        ``resolve(kind, file_name, where)`` -> Path of a file the script names (``kind``
        is ``"image"``, ``"audio"`` or ``"points"``); it raises ParameterError for a file
        it cannot provide.

    Returns
    -------
    (image : Path, turns : tuple of Turn, mode : str or None)
    """
    unknown = sorted(set(data) - _SCRIPT_KEYS)
    if unknown:
        raise ParameterError(f"{name}: unknown key(s) {', '.join(unknown)}; a script has {', '.join(sorted(_SCRIPT_KEYS))}")
    if not isinstance(data["image"], str) or not data["image"].strip():
        raise ParameterError(f"{name}: 'image' must be the picture's file name, got {data['image']!r}")
    image = resolve("image", data["image"], name)
    characters = data.get("characters") or {}
    if not isinstance(characters, dict):
        raise ParameterError(f"{name}: 'characters' must map names to {{face: N}}, {{at: [x, y]}} or {{points: FILE.json}}")
    mode = data.get("mode")
    if mode is not None and not isinstance(mode, str):
        raise ParameterError(f"{name}: 'mode' must be standard, vivid or master, got {mode!r}")
    items = data["turns"]
    if not isinstance(items, list) or not items:
        raise ParameterError(f"{name}: 'turns' must be a non-empty list")
    turns = []
    for number, item in enumerate(items, start=1):
        where = f"{name}, turn {number}"
        try:
            turns.append(_turn(item, characters, where=where, resolve=resolve))
        except ParameterError as exc:
            message = str(exc)
            raise ParameterError(message if message.startswith(where) else f"{where}: {message}") from exc
    if all(turn.is_pause for turn in turns):
        raise ParameterError(f"{name}: the script has only pauses")
    return image, tuple(turns), mode


def _turn(item, characters: dict, *, where: str, resolve: Resolver) -> Turn:
    if not isinstance(item, dict):
        raise ParameterError(f"{where}: each turn is a mapping with 'face' and 'audio' (or 'text'), or 'pause'")
    if "pause" in item:
        if len(item) > 1:
            raise ParameterError(f"{where}: a turn is either a 'pause' or a speech; put the pause in a turn of its own")
        pause = item["pause"]
        if isinstance(pause, bool) or not isinstance(pause, (int, float)):
            raise ParameterError(f"{where}: pause must be seconds between 0 and 60, got {pause!r}")
        return Turn(speaker=None, pause=float(pause))
    unknown = sorted(set(item) - _TURN_KEYS)
    if unknown:
        raise ParameterError(f"{where}: unknown key(s) {', '.join(unknown)}; a turn has {', '.join(sorted(_TURN_KEYS))} or pause")
    if "face" not in item:
        raise ParameterError(f"{where}: say who speaks with 'face: N', 'face: NAME' or 'face: [x, y]'")
    if ("audio" in item) == ("text" in item):
        raise ParameterError(f"{where}: give either 'audio: FILE' or 'text: ...' (with 'voice')")
    for key in ("audio", "text", "voice"):
        if key in item and not (isinstance(item[key], str) and item[key].strip()):
            raise ParameterError(f"{where}: '{key}' must be text, got {item[key]!r}")
    expression = item.get("expression")
    character = characters.get(item["face"]) if isinstance(item["face"], str) else None
    if expression is None and isinstance(character, dict):
        expression = character.get("expression")  # the character's own, unless the turn says
    speaker = _speaker(item["face"], characters, where=where, resolve=resolve)
    if "mouth_cover" in item:
        speaker = replace(speaker, mouth_cover=item["mouth_cover"])
    return Turn(
        speaker=speaker,
        audio=resolve("audio", item["audio"], where) if "audio" in item else None,
        text=item.get("text"),
        voice=split_options({k: item[k] for k in ("voice", "rate", "pitch") if k in item})["voice"],
        expression=expression,
    )


def _speaker(value, characters: dict, *, where: str, resolve: Resolver) -> Speaker:
    """A turn's ``face``: an index, a point, or a character's name."""
    if isinstance(value, str):
        if value not in characters:
            known = ", ".join(sorted(characters)) or "none defined"
            raise ParameterError(f"{where}: unknown character {value!r} (characters: {known})")
        return _character(characters[value], where=where, resolve=resolve)
    if isinstance(value, bool) or not isinstance(value, (int, list, tuple)):
        raise ParameterError(f"{where}: 'face' must be an index, a name or a point [x, y], got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ParameterError(f"{where}: face index must be >= 0, got {value}")
        return Speaker(face=value)
    return Speaker(face_at=_point(value, where))


def _character(value, *, where: str, resolve: Resolver) -> Speaker:
    if not isinstance(value, dict):
        raise ParameterError(f"{where}: a character needs 'face: N', 'at: [x, y]' or 'points: FILE.json'")
    speaker = _characters_face(value, where=where, resolve=resolve)
    return replace(speaker, mouth_cover=value["mouth_cover"]) if "mouth_cover" in value else speaker


def _characters_face(value: dict, *, where: str, resolve: Resolver) -> Speaker:
    """Which face a character is: an index, a point on it or a points file."""
    if "face" in value:
        if isinstance(value["face"], bool) or not isinstance(value["face"], int) or value["face"] < 0:
            raise ParameterError(f"{where}: a character's face must be an index >= 0, got {value['face']!r}")
        return Speaker(face=value["face"])
    if "at" in value:
        return Speaker(face_at=_point(value["at"], where))
    if "points" in value:  # a face no detector finds (an animal, a mascot): clicked points
        if not isinstance(value["points"], str) or not value["points"].strip():
            raise ParameterError(f"{where}: 'points' must name a JSON file of mouth points, got {value['points']!r}")
        return Speaker(points=resolve("points", value["points"], where))
    raise ParameterError(f"{where}: a character needs 'face: N', 'at: [x, y]' or 'points: FILE.json'")


def _point(value, where: str) -> tuple:
    if not (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        raise ParameterError(f"{where}: a point must be [x, y] in pixels, got {value!r}")
    return (float(value[0]), float(value[1]))


def load_script(path, *, output, **options) -> Job:
    """The job of the dialogue script at ``path`` (YAML or JSON), writing ``output``.

    ``options`` are job-wide options by their flat names (mode, fps, seed, max_size, ...);
    ``mode`` None (or absent) takes the script's own, else standard.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"cannot read dialogue script {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ParameterError(f"dialogue script {path} is not valid YAML/JSON: it is not UTF-8 text") from exc
    base = path.parent

    def beside_script(kind: str, name: str, where: str) -> Path:
        return base / name

    image, turns, mode = parse_script(read_script(text, name=str(path)), name=path.name, resolve=beside_script)
    return script_job(image, turns, output=output, mode=options.pop("mode", None) or mode, **options)


def script_job(image: Path, turns: tuple, *, output, mode: str | None = None, **options) -> Job:
    """A job of parsed turns (see :func:`parse_script`) with job-wide ``options``; a
    ``mouth_cover`` among them is every speaker's whose turn and character leave it auto."""
    groups = split_options({**options, "mode": mode or "standard"})
    cover = groups["speaker"].mouth_cover
    if replace(groups["speaker"], mouth_cover="auto") != Speaker() or groups["voice"] != VoiceOptions():
        raise ParameterError("who speaks and with which voice is set per turn in a dialogue script")
    turns = tuple(
        replace(turn, speaker=replace(turn.speaker, mouth_cover=cover))
        if not turn.is_pause and turn.speaker.mouth_cover == "auto"
        else turn
        for turn in turns
    )
    return Job(image, turns, output, groups["motion"], groups["encode"], groups["limits"])
