"""A job made ready for the frame loop: the picture, its characters and their per-frame controls.

One builder serves every job, because a single render is a conversation with one turn:
the turns are laid one after another on a timeline, each speaker's mouth and voice move
only in their own turns, and (in vivid and master) everyone else listens. Everything
heavy happens here, once (decode, detect, rig, analyse); nothing depends on the frame
being drawn.
"""

import contextlib
import time
from dataclasses import dataclass, field, replace

import numpy as np

from ._threads import one_blas_thread
from .characters import Face
from .errors import AudioError, ParameterError, TalkingPhotoError
from .job import Job, Turn
from .motion import MUSIC_HEARD, BodyMotion, ExpressionTrack, FaceMotion, MouthTrack, Prosody
from .render import BodyPose, FaceAnimator, FaceTooSmallError, HeadPose, MouthShapes, Pose, StageAnimator, mouth_shapes
from .units import ANALYSIS_SR, OUTPUT_SR, frame_of, samples_to_frames

__all__ = ["Actor", "Stage", "Scene", "build_scene", "CUTOUT_BACKDROP"]

CUTOUT_BACKDROP = (255, 255, 255)  # what transparent pictures are flattened over
TEXT_REST_S = 0.3  # silence before a job's first words and after its last, when synthesised (Speech.framed)


@dataclass(frozen=True)
class Actor:
    """One animated face and its controls; ``mouth`` None keeps the mouth as in the photo,
    ``expression`` None keeps the picture's own expression.

    The mouth controls are eased into the shapes the face shows once, here (see
    render.mouth_shapes): never a snap, and the picture's own mouth in silence.
    """

    animator: FaceAnimator
    mouth: MouthTrack | None = None
    motion: FaceMotion | None = None
    expression: ExpressionTrack | None = None
    shapes: MouthShapes | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "shapes", None if self.mouth is None else mouth_shapes(self.mouth))

    def pose(self, i: int) -> tuple:
        pose = Pose(rest=1.0) if self.shapes is None else self.shapes.pose(i)
        if self.expression is not None:
            e = self.expression
            pose = replace(
                pose,
                brow_raise=float(e.brow_raise[i]),
                brow_inner=float(e.brow_inner[i]),
                squint=float(e.squint[i]),
                lid_drop=float(e.lid_drop[i]),
                corner_lift=float(e.corner_lift[i]),
            )
        head = None
        if self.motion is not None:
            f = self.motion
            pose = replace(
                pose,
                blink=float(f.blink[i]),
                brow=float(f.brow[i]),
                gaze_x=float(f.gaze_x[i]),
                gaze_y=float(f.gaze_y[i]),
            )
            head = HeadPose(
                yaw=float(f.yaw[i]),
                pitch=float(f.pitch[i]),
                roll=float(f.roll[i]),
                shift_x=float(f.shift_x[i]),
                shift_y=float(f.shift_y[i]),
            )
        return pose, head


@dataclass(frozen=True)
class Stage:
    """Master mode's body layer and camera, with their per-frame controls.

    ``motion`` holds the camera, and the body when one moves the whole layer; ``bodies``,
    when the picture has several characters, holds each one's own (one per figure of the
    animator, in its order): their breath, sway and lean, under ``motion``'s camera.
    """

    animator: StageAnimator
    motion: BodyMotion
    bodies: tuple = ()

    def pose(self, i: int):
        """Frame ``i``'s BodyPose, or one per figure when the characters move on their own."""
        m = self.motion
        camera = BodyPose(
            breath=float(m.breath[i]),
            sway=float(m.sway[i]),
            lean=float(m.lean[i]),
            zoom=float(m.zoom[i]),
            pan_x=float(m.pan_x[i]),
            pan_y=float(m.pan_y[i]),
        )
        if not self.bodies:
            return camera
        return tuple(
            replace(camera, breath=float(b.breath[i]), sway=float(b.sway[i]), lean=float(b.lean[i])) for b in self.bodies
        )


@dataclass(frozen=True)
class Scene:
    """Everything prepared for the frame loop: the picture at output size, the posed
    faces with their per-frame controls, master mode's stage, and the sound to mux.

    ``audio`` is [shape=(channels, n), float32] at ``sr`` Hz; ``speaker`` is the face of
    the first turn that speaks; ``notes`` are one-line notices for the user (a speaker's
    mouth that will not open, clicked eyes that will not blink)."""

    image: np.ndarray
    actors: list
    n_frames: int
    fps: float
    audio: np.ndarray
    sr: int
    speaker: Face
    timings: dict
    stage: Stage | None = None
    notes: tuple = ()

    @property
    def duration(self) -> float:
        return self.audio.shape[-1] / self.sr


@dataclass(frozen=True)
class _Sound:
    """One turn's sound: ``y`` [shape=(channels, n)] at OUTPUT_SR for the video, mono
    ``y16`` at ANALYSIS_SR for analysis, and the voice's phonemes when it was synthesised."""

    y: np.ndarray
    y16: np.ndarray | None = None
    phones: tuple | None = None


def _turn_sound(turn: Turn, job: Job, *, first: bool, last: bool) -> _Sound:
    """Decode or synthesise one turn's speech (a pause is silence); a synthesised first or
    last turn rests TEXT_REST_S before or after its words."""
    from .media import check_audible, load_audio, resample

    limit = job.limits.max_audio_seconds
    if turn.is_pause:
        return _Sound(np.zeros((1, int(round(turn.pause * OUTPUT_SR))), np.float32))
    if turn.audio is not None:
        y, _ = load_audio(turn.audio, sr=OUTPUT_SR, mono=False, max_seconds=limit)
        y16, _ = load_audio(turn.audio, sr=ANALYSIS_SR, mono=True, max_seconds=limit)
        check_audible(y16, sr=ANALYSIS_SR, name=f"audio {turn.audio}")
        return _Sound(y, y16)
    from .voice import speak

    v = turn.voice
    speech = speak(turn.text, voice=v.voice, rate=v.rate, pitch=v.pitch, max_chars=job.limits.max_text_chars)
    speech = speech.framed(TEXT_REST_S if first else 0.0, TEXT_REST_S if last else 0.0)
    if speech.duration > limit:
        raise AudioError(
            f"the text reads for {speech.duration:.0f} s, longer than the limit of {limit:.0f} s:"
            " shorten it or raise the limit (--max-audio-seconds)"
        )
    y = resample(speech.y, orig_sr=speech.sr, target_sr=OUTPUT_SR)[None, :]
    return _Sound(y, resample(speech.y, orig_sr=speech.sr, target_sr=ANALYSIS_SR), speech.phones)


def _soundtrack(sounds: list) -> np.ndarray:
    """The turns' sounds one after another: with their own channels when they all have
    the same number (a stereo recording stays stereo), else mixed to mono."""
    counts = {s.y.shape[0] for s in sounds if s.y16 is not None}
    channels = counts.pop() if len(counts) == 1 else 1
    parts = []
    for s in sounds:
        y = s.y if s.y.shape[0] == channels else np.mean(s.y, axis=0, keepdims=True)
        parts.append(np.broadcast_to(y, (channels, y.shape[1])) if s.y16 is None else y)
    return np.concatenate(parts, axis=1).astype(np.float32)


def _pictures(path, *, max_size: int) -> tuple:
    """The picture decoded for face finding (long side ``DETECT_SIDE``: the pixels
    ``inspect`` and the studio look at) and for the video (long side ``max_size``); one
    decode when one serves both, as it does unless the video is larger than the detection
    size. A 7000 px photo never exists at full size."""
    from .characters import DETECT_SIDE
    from .media import load_picture

    seen = load_picture(path, reduce_to=DETECT_SIDE, background=CUTOUT_BACKDROP)
    if max(seen.image.shape[:2]) >= min(max_size, max(seen.source_size)):
        return seen, seen
    return seen, load_picture(path, reduce_to=max_size, background=CUTOUT_BACKDROP)


def _characters(picture, job: Job) -> tuple:
    """Every character in ``picture`` (a media.Picture), the face that speaks each turn
    (None for pauses), in the pixels of ``picture.image``, and the indices of the speakers
    found automatically that are probably no face the mesh understands (doubtful_faces).

    Faces are detected only when a turn picks one by index, by a point or by default;
    faces rigged from points files are numbered after the detected ones. Points and
    ``face_at`` are in source pixels, as the user gives them.
    """
    from .characters import doubtful_faces, find_faces, points_face

    speeches = job.speeches
    detected = find_faces(picture.image) if any(t.speaker.points is None for t in speeches) else []
    rigged = {}
    for path in dict.fromkeys(t.speaker.points for t in speeches if t.speaker.points is not None):
        rigged[path] = points_face(path, picture, index=len(detected) + len(rigged))
    speakers = []
    for number, turn in enumerate(job.turns, start=1):
        if turn.is_pause:
            speakers.append(None)
            continue
        s = turn.speaker
        with _in_turn(job, number):
            face = rigged[s.points] if s.points is not None else _chosen(detected, picture.scale, face=s.face, face_at=s.face_at)
        speakers.append(face)
    speaking = [face for face in speakers if face is not None]
    return detected + list(rigged.values()), speakers, doubtful_faces(picture.image, speaking)


def _chosen(faces: list, scale: float, **choice) -> Face:
    """``choose_face`` among ``faces`` (picture pixels) with a choice in source pixels; any
    message listing the faces gives them in source pixels too."""
    from .characters import choose_face

    in_source = faces if scale == 1 else [f.scaled(1 / scale) for f in faces]
    index = choose_face(in_source, **choice).index
    return next(f for f in faces if f.index == index)


@contextlib.contextmanager
def _in_turn(job: Job, number: int):
    """Prefix errors with the turn they belong to, when the job has several."""
    try:
        yield
    except TalkingPhotoError as exc:
        if len(job.turns) == 1:
            raise
        raise type(exc)(f"turn {number}: {exc}") from exc


def build_scene(job: Job) -> Scene:
    """Decode, detect, rig and analyse ``job`` once, for the frame loop."""
    with one_blas_thread():
        return _build_scene(job)


def _build_scene(job: Job) -> Scene:
    """Decode; then a helper thread hears the sound while the faces are found, and makes
    master mode's layers while the faces are rigged (OpenCV and numpy let go of the GIL
    in their big steps, so a second core shortens the set-up)."""
    from concurrent.futures import ThreadPoolExecutor

    from .media import fit_picture

    timings = {}
    t = time.perf_counter()
    seen, shown = _pictures(job.image, max_size=job.encode.max_size)
    sounds = []
    for number, turn in enumerate(job.turns, start=1):
        with _in_turn(job, number):
            sounds.append(_turn_sound(turn, job, first=number == 1, last=number == len(job.turns)))
    audio = _soundtrack(sounds)
    limit = job.limits.max_audio_seconds
    if audio.shape[1] / OUTPUT_SR > limit:
        raise AudioError(
            f"the turns last {audio.shape[1] / OUTPUT_SR:.0f} s together, longer than the limit of {limit:.0f} s"
        )
    fps = job.encode.fps
    n_frames = samples_to_frames(audio.shape[1], sr=OUTPUT_SR, fps=fps)
    timings["load"] = time.perf_counter() - t

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scene") as helper:
        heard = helper.submit(_hear, sounds, fps=fps, n_frames=n_frames, mouth=job.motion.mouth)
        t = time.perf_counter()
        faces, speakers, doubtful = _characters(seen, job)
        image, alpha, scale = fit_picture(shown.image, shown.alpha, max_size=job.encode.max_size)
        scale *= shown.scale / seen.scale
        shrunk = max(image.shape[:2]) < max(seen.source_size)
        del seen, shown
        faces = [f.scaled(scale) for f in faces]
        by_index = {f.index: f for f in faces}
        speakers = [None if s is None else by_index[s.index] for s in speakers]
        timings["detect"] = time.perf_counter() - t

        t = time.perf_counter()
        layers = helper.submit(_stage_layers, image, faces, alpha) if job.motion.mode == "master" else None
        mouths, voices, speaking, sung = _timeline(heard.result(), speakers, n_frames=n_frames)
        expressions = _expressions(job, sounds, speakers, faces, fps=fps, n_frames=n_frames)
        covers = _mouth_covers(job, speakers)
        try:
            actors, stage = _cast(image, faces, mouths, voices, speaking, expressions, covers, job, layers=layers)
        except FaceTooSmallError as error:
            if shrunk:
                raise
            raise FaceTooSmallError(error.index, error.mouth_px, shrunk=False) from None
        timings["analyse"] = time.perf_counter() - t
    speaker = next(s for s in speakers if s is not None)
    notes = _notes(actors, covers, sung, len(job.turns), doubtful)
    return Scene(image, actors, n_frames, fps, audio, OUTPUT_SR, speaker, timings, stage, notes)


def _mouth_covers(job: Job, speakers: list) -> dict:
    """``{face index: "covered" or "open"}`` where a turn overrules the picture's look
    (Speaker.mouth_cover); a face has one mouth, so its turns must not disagree."""
    covers, said_in = {}, {}
    for number, (turn, face) in enumerate(zip(job.turns, speakers), start=1):
        cover = None if face is None else turn.speaker.mouth_cover
        if cover in (None, "auto"):
            continue
        if covers.setdefault(face.index, cover) != cover:
            raise ParameterError(
                f"is {cover} for face {face.index} in turn {number} but {covers[face.index]} in turn"
                f" {said_in[face.index]}: a face has one mouth, give it one mouth_cover",
                option="mouth_cover",
            )
        said_in.setdefault(face.index, number)
    return covers


def _notes(actors: list, covers: dict, sung: list, n_turns: int, doubtful: tuple) -> tuple:
    """A notice per speaker whose face is a cat's placed from its box (characters.cat_points)
    or else was found automatically and is probably no face (``doubtful``: an animal, a
    monster, a thing; see characters.doubtful_faces), per speaker whose mouth looks
    covered (see render._mouth.MouthLook.covered), unless the job said so (Speaker.mouth_cover),
    per face rigged from points whose clicked eyes will not blink (no clear eye under them,
    see render._fur_lids), and one for the turns ``sung`` where backing music was heard
    (see _timeline)."""
    cats = {actor.animator.face.index for actor in actors if actor.animator.face.detector == "catface"}
    unsure = tuple(
        f"face {index} is a cat's face found automatically: its mouth, chin and eyes were placed where they sit "
        "in a frontal cat's face box, so they may be off; if the mouth moves in the wrong place, mark it by hand "
        "with --points FILE.json: mouth_left, mouth_right, upper_lip, lower_lip and chin in picture pixels "
        "(points: FILE.json for a script's character or in a batch line; in the studio, Place mouth points by "
        "hand); 'talkingphoto inspect IMAGE -o overlay.png' shows where the mouth was put"
        if index in cats
        else f"face {index} may not be a human face (face mesh does not find it again when it looks closer: an animal, "
        "a monster, a thing or a drawing it misreads), so its mouth may move in the wrong place; if it does, mark the "
        "mouth by hand with --points FILE.json: mouth_left, mouth_right, upper_lip, lower_lip and chin in picture "
        "pixels (points: FILE.json for a script's character or in a batch line; in the studio, Place mouth points "
        "by hand); 'talkingphoto inspect IMAGE -o overlay.png' shows where the mouth was put"
        for index in sorted(cats) + [index for index in doubtful if index not in cats]
    )
    covered = tuple(
        f"face {actor.animator.face.index}'s mouth looks covered (a mask, a scarf) or hidden, so it will not open; "
        "if it shows, open it with --mouth-cover open (mouth_cover: open in a script or batch line); "
        "if that is the wrong face, point at the speaker (--face N or --face-at X,Y, a script's face; "
        "see 'talkingphoto inspect')"
        for actor in actors
        if actor.mouth is not None and actor.animator.look.covered and actor.animator.face.index not in covers
    )
    still_eyes = tuple(
        f"face {actor.animator.face.index}'s eyes will not blink: no clear eye was found at both "
        f"{'placed' if actor.animator.face.index in cats else 'clicked'} eye points (dark eyes in dark fur, a "
        "blurred or tiny eye, an eye at the picture's edge); click each eye's centre, on the pupil "
        "(left_eye, right_eye in a --points file)"
        for actor in actors
        if actor.animator.eyes_unfound
    )
    music = ()
    if sung:
        where = "" if n_turns == 1 else f" in turn{'s' if len(sung) > 1 else ''} {', '.join(map(str, sung))}"
        override = "give --mouth model (mouth: model in a batch line or the API; in the studio, Music behind the voice: none)"
        music = (f"{MUSIC_HEARD.format(where=where)}; if there is none, {override}",)
    return unsure + covered + still_eyes + music


@dataclass(frozen=True)
class _Heard:
    """What one spoken turn's sound says for the face: its mouth track and voice over the
    turn's ``n`` frames from frame ``f0``, and whether ``mouth="auto"`` heard backing music."""

    f0: int
    n: int
    mouth: MouthTrack
    voice: Prosody
    sung: bool


def _hear(sounds: list, *, fps: float, n_frames: int, mouth: str) -> list:
    """A _Heard per turn on the timeline of ``n_frames`` frames (None for pauses): the sound
    alone, so that it can be heard while the faces are found."""
    from .motion import mouth_source, mouth_track_from_phones, prosody, recording_mouth

    heard = []
    position = 0
    for sound in sounds:
        start = position
        position += sound.y.shape[1]
        if sound.y16 is None:  # a pause
            heard.append(None)
            continue
        f0 = frame_of(start / OUTPUT_SR, fps=fps)
        n = min(n_frames - f0, samples_to_frames(sound.y.shape[1], sr=OUTPUT_SR, fps=fps))
        sung = False
        if sound.phones is not None:
            track = mouth_track_from_phones(sound.phones, fps=fps, n_frames=n)
        else:
            source = mouth_source(sound.y16, sr=ANALYSIS_SR, source=mouth)
            sung = mouth == "auto" and source == "music"
            track = recording_mouth(sound.y16, sr=ANALYSIS_SR, fps=fps, n_frames=n, source=source)
        heard.append(_Heard(f0, n, track, prosody(sound.y16, sr=ANALYSIS_SR, fps=fps, n_frames=n), sung))
    return heard


def _timeline(heard: list, speakers: list, *, n_frames: int) -> tuple:
    """Per speaking face, its mouth track and voice over the whole timeline (closed and
    silent outside its own turns), and who speaks in each frame (-1: nobody), from each
    turn's _Heard (see _hear) and speaker.

    Returns ``(mouths, voices, speaking, sung)``: ``{face index: MouthTrack}``,
    ``{face index: Prosody}``, an int array [shape=(n_frames,)] and the numbers of the turns
    (from 1) whose recording ``mouth="auto"`` heard over backing music.
    """
    from .motion import place_tracks

    mouths, voices = {}, {}
    speaking = np.full(n_frames, -1)
    sung = []
    for number, (turn, face) in enumerate(zip(heard, speakers), start=1):
        if face is None:
            continue
        if turn.sung:
            sung.append(number)
        mouths.setdefault(face.index, []).append((turn.f0, turn.mouth))
        voices.setdefault(face.index, []).append((turn.f0, turn.voice))
        speaking[turn.f0 : turn.f0 + turn.n] = face.index
    mouths = {i: place_tracks(pieces, n_frames=n_frames) for i, pieces in mouths.items()}
    voices = {i: place_tracks(pieces, n_frames=n_frames) for i, pieces in voices.items()}
    return mouths, voices, speaking, sung


def _expressions(job: Job, sounds: list, speakers: list, faces: list, *, fps: float, n_frames: int) -> dict:
    """``{face index: ExpressionTrack}`` of every character; empty when all stay neutral.

    A character takes on a turn's expression as the turn starts and keeps it until its
    next turn; before its first turn, and in turns that set none, it shows the job's.
    """
    from .motion import expression_track

    default = job.motion.expression
    chosen = [None if turn.is_pause else turn.expression or default for turn in job.turns]
    if job.motion.expression_strength == 0 or all(name in (None, "neutral") for name in [default, *chosen]):
        return {}
    segments = {face.index: [(0, default)] for face in faces}
    position = 0
    for sound, face, name in zip(sounds, speakers, chosen):
        if face is not None:
            segments[face.index].append((frame_of(position / OUTPUT_SR, fps=fps), name))
        position += sound.y.shape[1]
    strength = job.motion.expression_strength
    return {i: expression_track(s, n_frames=n_frames, fps=fps, strength=strength) for i, s in segments.items()}


def _cast(
    image, faces: list, mouths: dict, voices: dict, speaking: np.ndarray, expressions: dict, covers: dict, job: Job,
    *, layers=None,
) -> tuple:
    """The actors (faces that move) and master mode's stage; ``covers`` as _mouth_covers,
    ``layers`` master mode's StageAnimator as a Future (see _stage_layers; None in the other
    modes), made meanwhile.

    In standard mode only the speakers' mouths move, and their expressions show only at
    the mouth's corners. In vivid and master every character moves (see
    motion.conversation_motion), with the expression's brows, lids, carriage and energy;
    a listener too small to animate at this video size stays as it is. In master each
    head rises and falls with its own body's breath.
    """
    from .motion import conversation_motion, express_motion

    vivid = job.motion.vivid
    animators = {}
    for face in faces:
        if face.index not in mouths and not vivid:
            continue  # standard mode: faces that never speak stay exactly as in the picture
        try:
            animators[face.index] = FaceAnimator(
                image, face, whole_face=vivid, head_motion=vivid, mouth_cover=covers.get(face.index, "auto")
            )
        except ParameterError:
            if face.index in mouths:
                raise
    stage = None
    if layers is not None:
        stage = _stage(layers.result(), faces, voices, seed=job.motion.seed, strength=job.motion.motion)
    motions = {}
    if vivid:
        m = job.motion
        centres = {f.index: f.box[0] + f.box[2] / 2 for f in faces}
        room = {i: animator.head.room for i, animator in animators.items()}
        motions = conversation_motion(
            speaking, voices, centres=centres, seed=m.seed, strength=m.motion, blink_rate=m.blink_rate, gaze=m.gaze, room=room,
            breath=None if stage is None else _breaths(stage, faces),
        )
        motions = {i: m if i not in expressions else express_motion(m, expressions[i]) for i, m in motions.items()}
    actors = [Actor(animator, mouths.get(i), motions.get(i), expressions.get(i)) for i, animator in animators.items()]
    return actors, stage


def _stage_layers(image: np.ndarray, faces: list, alpha: np.ndarray | None) -> StageAnimator:
    """Master mode's layers for ``image`` (output size) and its faces; ``alpha`` the
    picture's transparency, if any."""
    from .characters import has_cutout, person_mask

    mask = person_mask(image, faces, alpha=alpha)
    backdrop = CUTOUT_BACKDROP if has_cutout(alpha) else None
    # Keep the faces sharp (eyes, brows, lips), with a little margin for the feathered edge.
    heads = [(x - w / 10, y - h / 10, x + w * 1.1, y + h * 1.1) for x, y, w, h in (f.box for f in faces)]
    # The camera moves in on the faces: the middle of their boxes.
    focus = np.mean([(x + w / 2, y + h / 2) for x, y, w, h in (f.box for f in faces)], axis=0)
    eyes = [_eyes_box(f) for f in faces]
    figures = heads if len(faces) > 1 else ()
    return StageAnimator(
        image, mask, backdrop=backdrop, sharp_boxes=heads, finest_boxes=eyes, focus=tuple(focus), figures=figures
    )


def _stage(animator: StageAnimator, faces: list, voices: dict, *, seed: int, strength: float) -> Stage:
    """Master mode's stage: the layers of ``animator`` (see _stage_layers) with the body and
    camera motion for its faces.

    ``voices`` is ``{face index: Prosody}`` of each speaker over the whole timeline (see
    _timeline); ``strength`` scales the body's motion and the camera's
    (MotionOptions.motion). The camera follows everything said; with several characters
    each body moves on its own, seeded like its face: breathing for its own speech, and at
    rest with a phase of its own while it listens; characters whose heads stand one above
    the other (or nearly touch) share one body, which breathes for what any of them says
    (StageAnimator.groups).
    """
    from .motion import body_motion, mix_prosody

    everyone = mix_prosody(list(voices.values()))
    bodies = ()
    if len(animator.groups) > 1:  # else one body, as with one character
        silence = np.zeros(everyone.n_frames, np.float32)
        listening = Prosody(everyone.fps, silence, silence, silence)
        body_of = {}
        for group in animator.groups:  # heads one above the other share a body
            said = [voices[faces[k].index] for k in group if faces[k].index in voices]
            voice = mix_prosody(said) if said else listening
            body = body_motion(voice, seed=seed + faces[group[0]].index, strength=strength)
            body_of.update({k: body for k in group})
        bodies = tuple(body_of[k] for k in range(len(faces)))
    return Stage(animator, body_motion(everyone, seed=seed, strength=strength), bodies)


def _breaths(stage: Stage, faces: list):
    """The breath each head follows: the one body's, or ``{face index: its own body's}``."""
    if not stage.bodies:
        return stage.motion.breath
    return {face.index: body.breath for face, body in zip(faces, stage.bodies)}


def _eyes_box(face: Face) -> tuple:
    """(x0, y0, x1, y1) around the eyes of ``face`` (output pixels), where the finest detail
    sits, with room for the head's motion and the sharp part's feathered edge."""
    from .characters import topology as topo

    points = face.landmarks[topo.EYES_ALL, :2]
    width = float(np.ptp(face.landmarks[topo.FACE_OVAL, 0]))
    (x0, y0), (x1, y1) = points.min(0) - 0.1 * width, points.max(0) + 0.1 * width
    return float(x0), float(y0), float(x1), float(y1)

