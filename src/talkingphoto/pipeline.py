"""The thin pipeline: a job's scene -> frames -> encoder.

:func:`~talkingphoto.scene.build_scene` does everything heavy once (decode, detect, rig,
analyse); the frame loop here only poses and encodes, one frame at a time, so memory stays
flat however long the recording is.
"""

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ._threads import one_blas_thread
from .characters import Face
from .errors import Cancelled
from .job import MODES, Job
from .scene import Scene, build_scene

__all__ = ["MODES", "RenderResult", "encode_scene", "animate", "frame_at", "render_job", "render"]

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderResult:
    """What was written, with timings in seconds per stage and notices for the user."""

    output: Path
    n_frames: int
    fps: float
    duration: float
    width: int
    height: int
    face: Face
    timings: dict
    notes: tuple = ()


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


def frame_at(scene: Scene, i: int) -> np.ndarray:
    """Frame ``i`` of ``scene`` alone, as the encoder would get it (for previews and sheets):
    [shape=(h, w, 3), dtype=uint8, RGB]; with a stage, composed in the encoder's colours and
    converted back."""
    frame = _posed(scene.image, scene.actors, i)
    stage = scene.stage
    if stage is None:
        return frame
    from .media import i420_to_rgb

    return i420_to_rgb(stage.animator.apply(frame, stage.pose(i), changed=_changing_region(scene)))


def encode_scene(
    scene: Scene,
    output: Path,
    *,
    crf: int,
    preset: str,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Stream the scene's frames into ``output`` (atomically, see media.VideoWriter).

    The still picture is converted to YUV once; each frame converts and pastes only the
    region the actors can change (in the encoder's thread), which saves most of the colour
    conversion. With a stage (master mode) the camera moves every pixel: the stage composes
    its frames in YUV, converting only the posed faces.
    """
    with one_blas_thread():
        _encode_scene(scene, output, crf=crf, preset=preset, progress=progress, cancel=cancel)


def _encode_scene(scene: Scene, output: Path, *, crf: int, preset: str, progress, cancel) -> None:
    from .media import VideoWriter, rgb_to_i420

    height, width = scene.image.shape[:2]
    base = rgb_to_i420(scene.image)
    x0, y0, x1, y1 = _changing_region(scene)
    with VideoWriter(
        output,
        width=width,
        height=height,
        fps=scene.fps,
        audio=scene.audio,
        sr=scene.sr,
        crf=crf,
        preset=preset,
    ) as writer:
        frames = animate(scene.image, scene.actors, scene.n_frames) if scene.stage is None else _staged(scene)
        for i, frame in enumerate(frames):
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"render of {output} cancelled")
            if scene.stage is not None:
                writer.write_i420(frame)
            elif x1 > x0:
                writer.write_patch(base, frame[y0:y1, x0:x1], x=x0, y=y0)
            else:
                writer.write_i420(base)
            if progress is not None:
                progress(i + 1, scene.n_frames)


def _staged(scene: Scene) -> Iterator[np.ndarray]:
    """The scene's frames (I420) with the stage composed in a helper thread, one frame behind the
    faces: OpenCV's warps release the GIL, so posing frame i + 1 overlaps composing frame i.
    At most two frames are in flight, so memory stays flat."""
    from concurrent.futures import ThreadPoolExecutor

    stage = scene.stage
    changed = _changing_region(scene)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stage") as pool:
        pending = None
        for i, frame in enumerate(animate(scene.image, scene.actors, scene.n_frames)):
            composed = pool.submit(stage.animator.apply, frame, stage.pose(i), changed=changed)
            if pending is not None:
                yield pending.result()
            pending = composed
        if pending is not None:
            yield pending.result()


def _changing_region(scene: Scene) -> tuple:
    """Even-aligned box around every pixel an actor may change."""
    height, width = scene.image.shape[:2]
    if not scene.actors:
        return (0, 0, 0, 0)
    boxes = np.array([actor.animator.region for actor in scene.actors])
    x0, y0 = boxes[:, :2].min(0)
    x1, y1 = boxes[:, 2:].max(0)
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
    scene = build_scene(job)
    t = time.perf_counter()
    encode_scene(scene, job.output, crf=job.encode.crf, preset=job.encode.preset, progress=progress, cancel=cancel)
    if job.save_audio is not None:  # only beside a finished video
        from .voice import save_wav

        save_wav(job.save_audio, scene.audio, sr=scene.sr)
    timings = {**scene.timings, "frames": time.perf_counter() - t, "total": time.perf_counter() - t0}
    height, width = scene.image.shape[:2]
    return RenderResult(
        Path(job.output), scene.n_frames, scene.fps, scene.duration, width, height, scene.speaker, timings, scene.notes
    )


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

    Keyword options are the job's options by their flat names (see
    :data:`talkingphoto.job.OPTION_NAMES`: mode, fps, seed, face, face_at, points,
    max_size, voice, rate, pitch, ...).

    Examples
    --------
    >>> import talkingphoto
    >>> talkingphoto.render("portrait.jpg", "speech.wav", "talking.mp4", mode="vivid")  # doctest: +SKIP
    """
    job = Job.single(image, output, audio=audio, text=text, save_audio=save_audio, **options)
    return render_job(job, progress=progress, cancel=cancel)
