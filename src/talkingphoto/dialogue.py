"""Conversations: several characters in one picture take turns, one video, one audio track.

A script (YAML or JSON) names the picture and an ordered list of turns; each turn names
its speaker by index (``face: 0``), by a point on the face (``at: [x, y]``) or by a name
given under ``characters`` (where ``points: cat.json`` rigs a face no detector finds, as
``--points`` does), and its speech (``audio: file.wav`` or ``text`` + ``voice``).
``pause: 0.5`` turns insert silence. Paths are relative to the script::

    image: two_people.png
    characters:
      grace: {face: 0}
      mage: {at: [610, 140]}
    turns:
      - face: grace
        audio: first.wav
      - pause: 0.4
      - face: mage
        text: Who goes there?
        voice: en-gb
"""

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .errors import NoFaceError, ParameterError, TalkingPhotoError
from .motion import MouthTrack, Prosody, face_motion, idle_motion
from .pipeline import (
    ANALYSIS_SR,
    CUTOUT_BACKDROP,
    OUTPUT_SR,
    Actor,
    Job,
    RenderOptions,
    Scene,
    _fit_picture,
    _resample,
    _speech,
    build_stage,
)
from .render import FaceAnimator

__all__ = ["Turn", "DialogueScript", "load_script", "prepare_dialogue"]


@dataclass(frozen=True)
class Turn:
    """One line of the conversation, or a pause when ``speaker`` is None."""

    speaker: object = None  # int index, (x, y) point, a points file (Path), or None for a pause
    audio: Path | None = None
    text: str | None = None
    voice: str | None = None
    pause: float = 0.0


@dataclass(frozen=True)
class DialogueScript:
    image: Path
    turns: tuple
    mode: str | None = None


def _speaker_ref(value, characters: dict, where: str, base: Path):
    """Resolve a turn's ``face`` into an index, a point or a manual points file."""
    if isinstance(value, str):
        if value not in characters:
            known = ", ".join(sorted(characters)) or "none defined"
            raise ParameterError(f"{where}: unknown character {value!r} (characters: {known})")
        return _speaker_ref(characters[value], {}, where, base)
    if isinstance(value, dict):
        if "face" in value:
            return _speaker_ref(value["face"], {}, where, base)
        if "at" in value:
            return _point(value["at"], where)
        if "points" in value:  # a face no detector finds (an animal, a mascot): clicked points
            if not isinstance(value["points"], str) or not value["points"].strip():
                raise ParameterError(f"{where}: 'points' must name a JSON file of mouth points, got {value['points']!r}")
            return base / value["points"]
        raise ParameterError(f"{where}: a character needs 'face: N', 'at: [x, y]' or 'points: FILE.json'")
    if isinstance(value, bool) or not isinstance(value, (int, list, tuple)):
        raise ParameterError(f"{where}: 'face' must be an index, a name or a point [x, y], got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ParameterError(f"{where}: face index must be >= 0, got {value}")
        return value
    return _point(value, where)


def _point(value, where: str) -> tuple:
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)):
        raise ParameterError(f"{where}: a point must be [x, y] in pixels, got {value!r}")
    return (float(value[0]), float(value[1]))


def load_script(path) -> DialogueScript:
    """Read and validate a dialogue script (YAML or JSON)."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"cannot read dialogue script {path}: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ParameterError(f"dialogue script {path} is not valid YAML/JSON{line}: {problem}") from exc
    if not isinstance(data, dict) or "image" not in data or "turns" not in data:
        raise ParameterError(f"dialogue script {path} needs 'image:' and a list of 'turns:'")
    if not isinstance(data["image"], str) or not data["image"].strip():
        raise ParameterError(f"{path}: 'image' must be the picture's file name, got {data['image']!r}")
    base = path.parent
    characters = data.get("characters") or {}
    if not isinstance(characters, dict):
        raise ParameterError(f"{path}: 'characters' must map names to {{face: N}} or {{at: [x, y]}}")
    turns_data = data["turns"]
    if not isinstance(turns_data, list) or not turns_data:
        raise ParameterError(f"{path}: 'turns' must be a non-empty list")
    turns = []
    for k, item in enumerate(turns_data, start=1):
        where = f"{path.name}, turn {k}"
        if not isinstance(item, dict):
            raise ParameterError(f"{where}: each turn is a mapping with 'face' and 'audio' (or 'text'), or 'pause'")
        if "pause" in item and len(item) > 1:
            raise ParameterError(f"{where}: a turn is either a 'pause' or a speech; put the pause in a turn of its own")
        if "pause" in item:
            pause = item["pause"]
            if not isinstance(pause, (int, float)) or not (0 < pause <= 60):
                raise ParameterError(f"{where}: pause must be seconds between 0 and 60, got {pause!r}")
            turns.append(Turn(pause=float(pause)))
            continue
        if "face" not in item:
            raise ParameterError(f"{where}: say who speaks with 'face: N', 'face: NAME' or 'face: [x, y]'")
        if ("audio" in item) == ("text" in item):
            raise ParameterError(f"{where}: give either 'audio: FILE' or 'text: ...' (with 'voice')")
        for key in ("audio", "text", "voice"):
            if key in item and not (isinstance(item[key], str) and item[key].strip()):
                raise ParameterError(f"{where}: '{key}' must be text, got {item[key]!r}")
        turns.append(
            Turn(
                speaker=_speaker_ref(item["face"], characters, where, base),
                audio=base / item["audio"] if "audio" in item else None,
                text=item.get("text"),
                voice=item.get("voice"),
            )
        )
    if all(t.speaker is None for t in turns):
        raise ParameterError(f"{path}: the script has only pauses")
    return DialogueScript(image=base / data["image"], turns=tuple(turns), mode=data.get("mode"))


def _resolve(ref, faces: list, by_points: dict):
    from .characters import choose_face

    if isinstance(ref, Path):
        return by_points[ref]
    if isinstance(ref, int):
        return choose_face(faces, face=ref)
    return choose_face(faces, face_at=ref)


def _faces_from_points(script: DialogueScript, image: np.ndarray, *, first_index: int) -> dict:
    """``{points file: Face}`` rigged from the script's points files, numbered after the
    detected faces."""
    from .characters import face_from_points, guess_style, load_points

    files = dict.fromkeys(t.speaker for t in script.turns if isinstance(t.speaker, Path))
    faces = {}
    for k, path in enumerate(files):
        face = face_from_points(load_points(path), image_shape=image.shape)
        faces[path] = replace(face, index=first_index + k, style=guess_style(image, face.box))
    return faces


def prepare_dialogue(script: DialogueScript, options: RenderOptions, *, output: Path) -> Scene:
    """Build the scene of a conversation: faces take turns, listeners react."""
    from .characters import find_faces
    from .media import load_image_with_alpha
    from .motion import mouth_track_from_phones, prosody, recording_mouth

    timings = {}
    t = time.perf_counter()
    image, alpha = load_image_with_alpha(script.image, background=CUTOUT_BACKDROP)
    faces = find_faces(image)
    by_points = _faces_from_points(script, image, first_index=len(faces))
    faces += list(by_points.values())
    if not faces:
        raise NoFaceError(
            f"no face found in {script.image}: check it with 'talkingphoto inspect {script.image} -o overlay.png',"
            " or give a character clicked mouth points (characters: {NAME: {points: FILE.json}})"
        )
    fps = options.fps
    # Each turn's sound, one after another, mono at the output rate.
    segments, spans = [], []
    position = 0
    for number, turn in enumerate(script.turns, start=1):
        if turn.speaker is None:
            n = int(round(turn.pause * OUTPUT_SR))
            segments.append(np.zeros(n, np.float32))
            position += n
            continue
        face = _resolve(turn.speaker, faces, by_points)
        job = Job(
            image=script.image,
            output=output,
            audio=turn.audio,
            text=turn.text,
            options=replace(options, voice=turn.voice or options.voice),
        )
        try:
            y_out, sr_out, y16, phones = _speech(job)
        except TalkingPhotoError as exc:
            raise type(exc)(f"turn {number}: {exc}") from exc
        mono = np.mean(np.atleast_2d(y_out), axis=0)
        if sr_out != OUTPUT_SR:
            mono = _resample(mono, sr_out, OUTPUT_SR)
        segments.append(mono.astype(np.float32))
        spans.append((face.index, position, position + len(mono), y16, phones))
        position += len(mono)
    audio = np.concatenate(segments)[None, :]
    total_s = audio.shape[1] / OUTPUT_SR
    if total_s > options.max_audio_seconds:
        from .errors import AudioError

        raise AudioError(f"the dialogue lasts {total_s:.0f} s, longer than the limit of {options.max_audio_seconds:.0f} s")
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    image, alpha, scale = _fit_picture(image, alpha, max_size=options.max_size)
    faces = [f.scaled(scale) for f in faces]
    n_frames = max(1, math.ceil(total_s * fps - 1e-6))

    # Per face: its mouth moves only in its own turns; prosody likewise.
    opens = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    spreads = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    presses = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    fvs = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    tongues = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    energy = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    pitch = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    voiced = {f.index: np.zeros(n_frames, np.float32) for f in faces}
    speaking_face = np.full(n_frames, -1)
    for index, start, stop, y16, phones in spans:
        f0 = int(round(start / OUTPUT_SR * fps))
        n = min(n_frames - f0, max(1, math.ceil((stop - start) / OUTPUT_SR * fps - 1e-6)))
        if phones is not None:
            track = mouth_track_from_phones(phones, fps=fps, n_frames=n)
        else:
            track = recording_mouth(y16, sr=ANALYSIS_SR, fps=fps, n_frames=n, source=options.mouth)
        opens[index][f0 : f0 + n] = track.open
        spreads[index][f0 : f0 + n] = track.spread
        presses[index][f0 : f0 + n] = track.press
        fvs[index][f0 : f0 + n] = track.fv
        tongues[index][f0 : f0 + n] = track.tongue
        pros = prosody(y16, sr=ANALYSIS_SR, fps=fps, n_frames=n)
        energy[index][f0 : f0 + n] = pros.energy
        pitch[index][f0 : f0 + n] = pros.pitch
        voiced[index][f0 : f0 + n] = pros.voiced
        speaking_face[f0 : f0 + n] = index

    vivid = options.mode in ("vivid", "master")
    speakers = {span[0] for span in spans}
    centres = {f.index: f.box[0] + f.box[2] / 2 for f in faces}
    actors = []
    for face in faces:
        speaks = face.index in speakers
        i = face.index
        mouth = MouthTrack(fps, opens[i], spreads[i], presses[i], fvs[i], tongues[i]) if speaks else None
        motion = None
        if vivid:
            # Listening faces glance towards whoever is talking.
            other = np.array([centres.get(s, centres[face.index]) for s in speaking_face])
            look = np.where(
                (speaking_face >= 0) & (speaking_face != face.index), np.sign(other - centres[face.index]), 0.0
            )
            if speaks:
                pros = Prosody(fps, energy[face.index], pitch[face.index], voiced[face.index])
                motion = face_motion(pros, seed=options.seed + face.index)
                motion = replace(motion, gaze_x=np.clip(motion.gaze_x + 0.6 * look, -1, 1).astype(np.float32))
            else:
                motion = idle_motion(n_frames, fps=fps, seed=options.seed + face.index, look_at=look)
        if mouth is None and motion is None:
            continue  # standard mode: faces that never speak stay exactly as in the picture
        animator = FaceAnimator(image, face, whole_face=vivid, head_motion=vivid)
        actors.append(Actor(animator, mouth, motion))
    stage = None
    if options.mode == "master":
        # One body layer for everyone in the picture, moved by whoever is talking.
        everyone = Prosody(
            fps,
            np.max(list(energy.values()), axis=0),
            np.sum(list(pitch.values()), axis=0),
            np.max(list(voiced.values()), axis=0),
        )
        stage = build_stage(image, faces, everyone, alpha=alpha, seed=options.seed)
    timings["analyse"] = time.perf_counter() - t
    first_speaker = next(f for f in faces if f.index == spans[0][0])
    return Scene(image, actors, n_frames, fps, audio, OUTPUT_SR, first_speaker, timings, stage)
