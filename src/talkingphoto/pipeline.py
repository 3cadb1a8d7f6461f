"""The thin pipeline: picture + sound -> rig + per-frame controls -> frames -> encoder.

Everything heavy happens once (decode, detect, rig, analyse); the frame loop only poses
and encodes, one frame at a time, so memory stays flat however long the recording is.
"""

import math
import numbers
import os
import threading
import time
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

from .characters import Face
from .errors import AudioError, Cancelled, ParameterError
from .motion import MOUTH_SOURCES, BodyMotion, FaceMotion, MouthTrack, face_motion, idle_motion
from .render import BodyPose, FaceAnimator, HeadPose, Pose, StageAnimator
from .voice import MAX_CHARS

__all__ = [
    "MODES",
    "RenderOptions",
    "Job",
    "RenderResult",
    "Scene",
    "Actor",
    "Stage",
    "prepare_scene",
    "build_stage",
    "encode_scene",
    "animate",
    "frame_at",
    "render_job",
    "render",
]

MODES = ("standard", "vivid", "master")
CUTOUT_BACKDROP = (255, 255, 255)  # what load_image flattens transparent pictures over
ANALYSIS_SR = 16000
OUTPUT_SR = 48000
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """How to animate and encode; shared by the CLI, the API, the web app and batches.

    Attributes
    ----------
    mode : {"standard", "vivid", "master"}
        standard moves only mouth and jaw; vivid adds blinks, gaze, brows and head motion;
        master adds breathing, posture shifts on emphasis and a slow camera with parallax
        between the characters and their background.
    fps : float
    seed : int
        Seeds blinks, gaze and head drift: same inputs and seed, same video.
    face : int or None
        Speaker index, left to right (see ``talkingphoto inspect``); default the largest face.
    face_at : (x, y) or None
        A point on the speaker's face, in source pixels.
    points : str or None
        Manual rig: path to a JSON file of mouth/chin/eye points, for faces no detector finds.
    max_size : int
        Cap on the output's long side in pixels (the picture's own size if smaller).
    voice, rate, pitch :
        Built-in voice for text input; rate in words per minute, pitch 0..100 (espeak-ng).
    mouth : {"model", "signal"}
        What moves the mouth for a recording: the learned audio-to-mouth model, or the
        older acoustic rules. Built-in voices always use their own phoneme timing.
    max_audio_seconds : float
        Longer recordings are refused before decoding them.
    max_text_chars : int
        Longer texts are refused before they are read aloud.
    crf, preset :
        H.264 quality (lower is better, 18-28 sensible) and x264 speed preset.
    """

    mode: str = "standard"
    fps: float = 25.0
    seed: int = 0
    face: int | None = None
    face_at: tuple | None = None
    points: str | None = None
    max_size: int = 1920
    voice: str | None = None
    rate: float | None = None
    pitch: float | None = None
    mouth: str = "model"
    max_audio_seconds: float = 1800.0
    max_text_chars: int = MAX_CHARS
    crf: int = 20
    preset: str = "veryfast"

    def __post_init__(self):
        # Friendly forms from Python callers: a Path for points, a list for face_at.
        if isinstance(self.points, os.PathLike):
            object.__setattr__(self, "points", os.fspath(self.points))
        if isinstance(self.face_at, list):
            object.__setattr__(self, "face_at", tuple(self.face_at))
        for option in fields(self):
            _check_kind(option.name, getattr(self, option.name), option.type)
        if self.seed < 0:
            raise ParameterError(f"seed must be 0 or more, got {self.seed}")
        if self.points is not None and (self.face is not None or self.face_at is not None):
            raise ParameterError("points rig their own face: give points or face/face_at, not both")
        if self.mode not in MODES:
            raise ParameterError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.mouth not in MOUTH_SOURCES:
            raise ParameterError(f"mouth must be one of {', '.join(MOUTH_SOURCES)}, got {self.mouth!r}")
        if not (1 <= self.fps <= 120):
            raise ParameterError(f"fps must be between 1 and 120, got {self.fps}")
        if self.max_size < 16:
            raise ParameterError(f"max_size must be at least 16 pixels, got {self.max_size}")
        if self.face is not None and self.face < 0:
            raise ParameterError(f"face must be an index >= 0 (see 'talkingphoto inspect'), got {self.face}")
        if self.max_text_chars < 1:
            raise ParameterError(f"max_text_chars must be at least 1, got {self.max_text_chars}")
        if self.max_audio_seconds <= 0:
            raise ParameterError(f"max_audio_seconds must be positive, got {self.max_audio_seconds}")
        if not (0 <= self.crf <= 51):
            raise ParameterError(f"crf must be between 0 and 51, got {self.crf}")


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
        ok = isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, numbers.Real) for v in value)
        wanted = "two numbers (x, y)"
    else:
        return
    if not ok:
        raise ParameterError(f"{name} must be {wanted}, got {value!r}")


@dataclass(frozen=True)
class Job:
    """One render: a picture, speech (a recording or text), and where the MP4 goes."""

    image: Path
    output: Path
    audio: Path | None = None
    text: str | None = None
    save_audio: Path | None = None
    options: RenderOptions = field(default_factory=RenderOptions)

    def __post_init__(self):
        if (self.audio is None) == (self.text is None):
            raise ParameterError("give either an audio file or text to read (with a voice), not both or neither")
        if self.text is not None and not self.text.strip():
            raise ParameterError("text is empty: give some words to read")
        if self.save_audio is not None:
            from .voice import check_wav_path

            check_wav_path(self.save_audio)


@dataclass(frozen=True)
class RenderResult:
    """What was written, with timings in seconds per stage."""

    output: Path
    n_frames: int
    fps: float
    duration: float
    width: int
    height: int
    face: Face
    timings: dict


@dataclass(frozen=True)
class Actor:
    """One animated face and its controls; ``mouth`` None keeps the mouth as in the photo."""

    animator: FaceAnimator
    mouth: MouthTrack | None = None
    motion: FaceMotion | None = None

    def pose(self, i: int) -> tuple:
        pose = Pose()
        if self.mouth is not None:
            m = self.mouth
            pose = replace(
                pose,
                open=float(m.open[i]),
                spread=float(m.spread[i]),
                press=float(m.press[i]),
                fv=float(m.fv[i]),
                tongue=float(m.tongue[i]),
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
    """Master mode's body layer and camera, with their per-frame controls."""

    animator: StageAnimator
    motion: BodyMotion

    def pose(self, i: int) -> BodyPose:
        m = self.motion
        return BodyPose(
            breath=float(m.breath[i]),
            sway=float(m.sway[i]),
            lean=float(m.lean[i]),
            zoom=float(m.zoom[i]),
            pan_x=float(m.pan_x[i]),
            pan_y=float(m.pan_y[i]),
        )


def _posed(image: np.ndarray, actors: list, i: int) -> np.ndarray:
    frame = image.copy()
    for actor in actors:
        pose, head = actor.pose(i)
        actor.animator.apply(frame, pose, head)
    return frame


def animate(image: np.ndarray, actors: list, n_frames: int) -> Iterator[np.ndarray]:
    """Yield ``n_frames`` frames of ``image`` with every actor posed (before any stage).

    Parameters
    ----------
    image : np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        The picture at output size; never modified.

    Yields
    ------
    np.ndarray [shape=(h, w, 3), dtype=uint8, RGB]
        A fresh array per frame.
    """
    for i in range(n_frames):
        yield _posed(image, actors, i)


def frame_at(scene: "Scene", i: int) -> np.ndarray:
    """Frame ``i`` of ``scene`` alone, as the encoder would get it (for previews and sheets)."""
    frame = _posed(scene.image, scene.actors, i)
    stage = scene.stage
    return frame if stage is None else stage.animator.apply(frame, stage.pose(i))


def _speech(job: Job):
    """Decode or synthesise the speech.

    Returns (audio for the MP4 [shape=(channels, n)], its sample rate, mono 16 kHz audio
    for analysis, phones or None).
    """
    from .media import check_audible, load_audio

    opts = job.options
    if job.audio is not None:
        y_out, sr_out = load_audio(job.audio, sr=OUTPUT_SR, mono=False, max_seconds=opts.max_audio_seconds)
        y16, _ = load_audio(job.audio, sr=ANALYSIS_SR, mono=True, max_seconds=opts.max_audio_seconds)
        check_audible(y16, sr=ANALYSIS_SR, name=f"audio {job.audio}")
        return y_out, sr_out, y16, None
    from .voice import speak

    speech = speak(job.text, voice=opts.voice, rate=opts.rate, pitch=opts.pitch, max_chars=opts.max_text_chars)
    if len(speech.y) / speech.sr > opts.max_audio_seconds:
        raise AudioError(
            f"the text reads for {len(speech.y) / speech.sr:.0f} s, longer than the limit of "
            f"{opts.max_audio_seconds:.0f} s: shorten it or raise max_audio_seconds"
        )
    y16 = _resample(speech.y, speech.sr, ANALYSIS_SR)
    return speech.y[None, :], speech.sr, y16, speech.phones


def _resample(y: np.ndarray, sr: int, target: int) -> np.ndarray:
    from scipy.signal import resample_poly

    g = math.gcd(int(sr), int(target))
    return resample_poly(y, target // g, int(sr) // g).astype(np.float32)


def _choose_speaker(image: np.ndarray, opts: RenderOptions) -> tuple:
    """The speaking face and the other faces found, in source pixels."""
    from .characters import choose_face, face_from_points, find_faces, guess_style, load_points

    if opts.points is not None:
        speaker = face_from_points(load_points(opts.points), image_shape=image.shape)
        return replace(speaker, style=guess_style(image, speaker.box)), []
    faces = find_faces(image)
    speaker = choose_face(faces, face=opts.face, face_at=opts.face_at)
    return speaker, [f for f in faces if f.index != speaker.index]


@dataclass(frozen=True)
class Scene:
    """Everything prepared for the frame loop: the picture at output size, the posed
    faces with their per-frame controls, master mode's stage, and the sound to mux."""

    image: np.ndarray
    actors: list
    n_frames: int
    fps: float
    audio: np.ndarray
    sr: int
    speaker: Face
    timings: dict
    stage: Stage | None = None

    @property
    def duration(self) -> float:
        return self.audio.shape[-1] / self.sr


def _fit_picture(image: np.ndarray, alpha: np.ndarray | None, *, max_size: int) -> tuple:
    """The picture (and its transparency) at video size (see media.fit_size), and the
    scale from source pixels to video pixels."""
    from .media import fit_size

    height, width = image.shape[:2]
    out_w, out_h = fit_size(width, height, max_size=max_size)
    if (out_w, out_h) == (width, height):
        return image, alpha, 1.0
    scale = out_w / width
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    image = cv2.resize(image, (out_w, out_h), interpolation=interpolation)
    if alpha is not None:
        alpha = cv2.resize(alpha, (out_w, out_h), interpolation=interpolation)
    return image, alpha, scale


def prepare_scene(job: Job) -> Scene:
    """Decode, detect, rig and analyse once; nothing here depends on the frame count."""
    from .media import load_image_with_alpha
    from .motion import prosody, recording_mouth

    opts = job.options
    timings = {}
    t = time.perf_counter()
    image, alpha = load_image_with_alpha(job.image, background=CUTOUT_BACKDROP)
    y_out, sr_out, y16, phones = _speech(job)
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    speaker, others = _choose_speaker(image, opts)
    image, alpha, scale = _fit_picture(image, alpha, max_size=opts.max_size)
    speaker, others = speaker.scaled(scale), [f.scaled(scale) for f in others]
    timings["detect"] = time.perf_counter() - t

    t = time.perf_counter()
    n_frames = max(1, math.ceil(y_out.shape[-1] / sr_out * opts.fps - 1e-6))
    if phones is not None:
        from .motion import mouth_track_from_phones

        mouth = mouth_track_from_phones(phones, fps=opts.fps, n_frames=n_frames)
    else:
        mouth = recording_mouth(y16, sr=ANALYSIS_SR, fps=opts.fps, n_frames=n_frames, source=opts.mouth)
    vivid = opts.mode in ("vivid", "master")
    motion = stage = None
    if vivid:
        voice = prosody(y16, sr=ANALYSIS_SR, fps=opts.fps, n_frames=n_frames)
        motion = face_motion(voice, seed=opts.seed)
    actors = [Actor(FaceAnimator(image, speaker, whole_face=vivid, head_motion=vivid), mouth, motion)]
    if vivid:
        actors += _listeners(image, speaker, others, n_frames=n_frames, fps=opts.fps, seed=opts.seed)
    if opts.mode == "master":
        stage = build_stage(image, [speaker, *others], voice, alpha=alpha, seed=opts.seed)
    timings["analyse"] = time.perf_counter() - t
    return Scene(image, actors, n_frames, opts.fps, y_out, sr_out, speaker, timings, stage)


def build_stage(image: np.ndarray, faces: list, voice, *, alpha: np.ndarray | None, seed: int) -> Stage:
    """Master mode's layers and body/camera motion for ``image`` (output size) and its faces.

    ``voice`` is the Prosody of everything said; ``alpha`` the picture's transparency, if any.
    """
    from .characters import has_cutout, person_mask
    from .motion import body_motion

    mask = person_mask(image, faces, alpha=alpha)
    backdrop = CUTOUT_BACKDROP if has_cutout(alpha) else None
    # Keep the faces sharp (eyes, brows, lips), with a little margin for the feathered edge.
    heads = [(x - w / 10, y - h / 10, x + w * 1.1, y + h * 1.1) for x, y, w, h in (f.box for f in faces)]
    animator = StageAnimator(image, mask, backdrop=backdrop, sharp_boxes=heads)
    return Stage(animator, body_motion(voice, seed=seed))


def encode_scene(
    scene: Scene,
    output: Path,
    *,
    options: RenderOptions,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Stream the scene's frames into ``output`` (atomically, see media.VideoWriter).

    The still picture is converted to YUV once; each frame converts and pastes only the
    region the actors can change, which saves most of the colour conversion. With a stage
    (master mode) the camera moves every pixel, so whole frames are converted.
    """
    from .media import VideoWriter, paste_i420, rgb_to_i420

    height, width = scene.image.shape[:2]
    base = rgb_to_i420(scene.image)
    x0, y0, x1, y1 = _changing_region(scene, margin=4)
    with VideoWriter(
        output,
        width=width,
        height=height,
        fps=scene.fps,
        audio=scene.audio,
        sr=scene.sr,
        crf=options.crf,
        preset=options.preset,
    ) as writer:
        frames = animate(scene.image, scene.actors, scene.n_frames) if scene.stage is None else _staged(scene)
        for i, frame in enumerate(frames):
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"render of {output} cancelled")
            if scene.stage is not None:
                writer.write(frame)
            else:
                buf = base.copy()
                if x1 > x0:
                    paste_i420(buf, frame[y0:y1, x0:x1], x=x0, y=y0)
                writer.write_i420(buf)
            if progress is not None:
                progress(i + 1, scene.n_frames)


def _staged(scene: Scene) -> Iterator[np.ndarray]:
    """The scene's frames with the stage composed in a helper thread, one frame behind the
    faces: OpenCV's warps release the GIL, so posing frame i + 1 overlaps composing frame i.
    At most two frames are in flight, so memory stays flat."""
    from concurrent.futures import ThreadPoolExecutor

    stage = scene.stage
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stage") as pool:
        pending = None
        for i, frame in enumerate(animate(scene.image, scene.actors, scene.n_frames)):
            composed = pool.submit(stage.animator.apply, frame, stage.pose(i))
            if pending is not None:
                yield pending.result()
            pending = composed
        if pending is not None:
            yield pending.result()


def _changing_region(scene: Scene, *, margin: int) -> tuple:
    """Even-aligned box around every pixel an actor may change, plus ``margin``."""
    height, width = scene.image.shape[:2]
    if not scene.actors:
        return (0, 0, 0, 0)
    boxes = np.array([actor.animator.region for actor in scene.actors])
    x0, y0 = boxes[:, :2].min(0) - margin
    x1, y1 = boxes[:, 2:].max(0) + margin
    x0, y0 = max(0, x0 - x0 % 2), max(0, y0 - y0 % 2)
    x1, y1 = min(width, x1 + x1 % 2), min(height, y1 + y1 % 2)
    return int(x0), int(y0), int(x1), int(y1)


def render_job(job: Job, *, progress: ProgressFn | None = None, cancel: threading.Event | None = None) -> RenderResult:
    """Render ``job`` to its MP4, atomically: on any error no output file is left behind.

    Parameters
    ----------
    progress : callable(done_frames, total_frames), optional
        Called after each encoded frame, from this thread.
    cancel : threading.Event, optional
        When set, rendering stops and :class:`~talkingphoto.errors.Cancelled` is raised.
    """
    from .media import check_output_path

    t0 = time.perf_counter()
    check_output_path(job.output)
    scene = prepare_scene(job)
    t = time.perf_counter()
    encode_scene(scene, job.output, options=job.options, progress=progress, cancel=cancel)
    if job.save_audio is not None:  # only beside a finished video
        from .voice import save_wav

        save_wav(job.save_audio, scene.audio, sr=scene.sr)
    timings = {**scene.timings, "frames": time.perf_counter() - t, "total": time.perf_counter() - t0}
    height, width = scene.image.shape[:2]
    return RenderResult(
        Path(job.output), scene.n_frames, scene.fps, scene.duration, width, height, scene.speaker, timings
    )


def _listeners(image, speaker: Face, others: list, *, n_frames: int, fps: float, seed: int) -> list:
    """Faces that are not speaking stay alive: blinks, breathing, a glance at the speaker."""
    actors = []
    speaker_x = speaker.box[0] + speaker.box[2] / 2
    for k, face in enumerate(others, start=1):
        towards = np.sign(speaker_x - (face.box[0] + face.box[2] / 2))
        look = np.zeros(n_frames)
        rng = np.random.default_rng(seed + 1000 * k)
        # Occasional glances of 1-3 s at whoever talks.
        t = int(rng.uniform(1, 4) * fps)
        while t < n_frames:
            span = int(rng.uniform(1, 3) * fps)
            look[t : t + span] = towards
            t += span + int(rng.uniform(3, 8) * fps)
        motion = idle_motion(n_frames, fps=fps, seed=seed + k, look_at=look)
        try:
            animator = FaceAnimator(image, face, whole_face=True, head_motion=True)
        except ParameterError:
            continue  # too small to animate at this size: a far-off listener stays as it is
        actors.append(Actor(animator, None, motion))
    return actors


def render(
    image,
    audio=None,
    output="talking.mp4",
    *,
    text: str | None = None,
    save_audio=None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    **options,
) -> RenderResult:
    """Make ``image`` speak ``audio`` (or ``text`` read by ``voice=``) into ``output``.

    Keyword options are those of :class:`RenderOptions` (mode, fps, seed, face, face_at,
    points, max_size, voice, rate, pitch, ...).

    Examples
    --------
    >>> import talkingphoto
    >>> talkingphoto.render("portrait.jpg", "speech.wav", "talking.mp4", mode="vivid")  # doctest: +SKIP
    """
    job = Job(
        image=Path(image),
        output=Path(output),
        audio=None if audio is None else Path(audio),
        text=text,
        save_audio=None if save_audio is None else Path(save_audio),
        options=RenderOptions(**options),
    )
    return render_job(job, progress=progress, cancel=cancel)
