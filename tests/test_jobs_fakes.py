"""A fast stand-in for ``pipeline.render_job`` (used by the jobs, web and batch tests) and its checks.

It keeps the engine's contract: writes a real H.264 + AAC MP4 of the still picture for the length
of the audio, reports per-frame progress, honours cancel by removing its partial output and
raising ``Cancelled``, and turns unreadable inputs into one-line ``TalkingPhotoError``s.
"""

import math
import threading
import time
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, UnidentifiedImageError

from talkingphoto.errors import AudioError, Cancelled, ImageError

FAKE_FPS = 10
TEXT_SECONDS = 1.0  # speech length the fake pretends a text has


def fake_render(job, *, progress=None, cancel=None, frame_delay: float = 0.0):
    """Encode the picture, shrunk to at most 96 px, as a video as long as the turns."""
    try:
        with Image.open(job.image) as opened:
            picture = opened.convert("RGB")
    except (OSError, UnidentifiedImageError) as exc:
        raise ImageError(f"cannot read image {Path(job.image).name}") from exc
    picture.thumbnail((96, 96))
    width, height = picture.size[0] // 2 * 2, picture.size[1] // 2 * 2
    pixels = np.asarray(picture)[:height, :width]
    sr = 16000
    parts = []
    for turn in job.turns:
        if turn.audio is not None:
            y, turn_sr = _read_audio(turn.audio)
            parts.append(y[:: max(1, turn_sr // sr)])
        else:
            parts.append(np.zeros(int((turn.pause or TEXT_SECONDS) * sr), dtype=np.float32))
    y = np.concatenate(parts)
    n_frames = max(math.ceil(len(y) / sr * FAKE_FPS), 1)
    output = Path(job.output)
    try:
        with av.open(str(output), "w") as container:
            video = container.add_stream("libx264", rate=FAKE_FPS)
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            video.options = {"preset": "ultrafast"}
            audio = container.add_stream("aac", rate=sr, layout="mono")
            for i in range(n_frames):
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"render of {output.name} cancelled")
                frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
                container.mux(video.encode(frame))
                if progress is not None:
                    progress(i + 1, n_frames)
                if frame_delay:
                    time.sleep(frame_delay)
            container.mux(video.encode(None))
            sound = av.AudioFrame.from_ndarray(y[None, :], format="fltp", layout="mono")
            sound.sample_rate = sr
            container.mux(audio.encode(sound))
            container.mux(audio.encode(None))
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    return output


def _read_audio(path):
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            sr = stream.sample_rate
            chunks = [frame.to_ndarray().astype(np.float32).reshape(-1) for frame in container.decode(stream)]
    except (av.FFmpegError, IndexError) as exc:
        raise AudioError(f"cannot read audio {Path(path).name}") from exc
    y = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if y.dtype.kind == "i":
        y = y / 32768.0
    if not len(y):
        raise AudioError(f"audio {Path(path).name} is empty")
    return y.astype(np.float32), sr


def slow_fake(frame_delay: float):
    """The fake, sleeping ``frame_delay`` seconds per frame (to watch progress or cancel)."""

    def render(job, *, progress=None, cancel=None):
        return fake_render(job, progress=progress, cancel=cancel, frame_delay=frame_delay)

    return render


def write_png(path, *, size=(64, 48), seed=0) -> Path:
    """A small RGB picture with a gradient and noise (so it compresses like a photo)."""
    rng = np.random.default_rng(seed)
    w, h = size
    gradient = np.linspace(0, 200, w, dtype=np.float32)[None, :, None] + np.zeros((h, 1, 3), np.float32)
    pixels = np.clip(gradient + rng.normal(0, 20, (h, w, 3)), 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return Path(path)


def write_wav(path, *, seconds=0.5, sr=16000, freq=220.0) -> Path:
    """A mono 16-bit sine tone."""
    t = np.arange(int(seconds * sr)) / sr
    samples = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes(samples.tobytes())
    return Path(path)


# -- checks of the fake itself: the other tests rely on it keeping the contract ----------------


def _job(tmp_path, **kw):
    from talkingphoto.job import Job

    return Job.single(
        write_png(tmp_path / "face.png"),
        tmp_path / "out.mp4",
        audio=kw.pop("audio", None) or write_wav(tmp_path / "voice.wav", seconds=0.6),
        **kw,
    )


def test_fake_writes_h264_aac_as_long_as_the_audio(tmp_path):
    seen = []
    job = _job(tmp_path)
    fake_render(job, progress=lambda done, total: seen.append((done, total)))
    with av.open(str(job.output)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 6 == seen[-1][0] == seen[-1][1]


def test_fake_honours_cancel_and_leaves_no_file(tmp_path):
    job = _job(tmp_path)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        fake_render(job, cancel=cancel)
    assert not job.output.exists()


def test_fake_reports_unreadable_image(tmp_path):
    job = _job(tmp_path)
    job.image.write_bytes(b"not a picture")
    with pytest.raises(ImageError, match="face.png"):
        fake_render(job)


def test_atomic_render_sweeps_what_a_killed_attempt_left(tmp_path):
    from talkingphoto.jobs import render_atomically

    job = _job(tmp_path)
    partial = tmp_path / ".out.1a2b3c4d.partial.mp4"
    encoder_tmp = tmp_path / "..out.1a2b3c4d.partial.5e6f7a8b.partial.mp4"
    other = tmp_path / ".other.1a2b3c4d.partial.mp4"  # another output's: not ours to touch
    for leftover in (partial, encoder_tmp, other):
        leftover.write_bytes(b"half a video")
    render_atomically(fake_render, job)
    assert job.output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".other.1a2b3c4d.partial.mp4", "face.png", "out.mp4", "voice.wav"])
