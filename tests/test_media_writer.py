import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from talkingphoto.errors import OutputError, ParameterError
from talkingphoto.media import (
    AUDIO_SR,
    VideoWriter,
    check_output_path,
    i420_planes,
    i420_to_rgb,
    paste_i420,
    probe_media,
    rgb_to_i420,
)

W, H = 96, 64


def tone(seconds: float, sr: int, channels: int = 1) -> np.ndarray:
    y = (0.3 * np.sin(2 * np.pi * 330 * np.arange(round(seconds * sr)) / sr)).astype(np.float32)
    return y if channels == 1 else np.stack([y] * channels)


def solid(colour, width=W, height=H) -> np.ndarray:
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = colour
    return frame


def gradient(width=W, height=H) -> np.ndarray:
    frame = np.zeros((height, width, 3), np.uint8)
    frame[..., 0] = np.linspace(0, 255, width)[None, :]
    frame[..., 1] = np.linspace(0, 255, height)[:, None]
    frame[..., 2] = 128
    return frame


def decode_rgb(path) -> list:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def render(path, n_frames: int, **kwargs):
    with VideoWriter(path, width=W, height=H, fps=kwargs.pop("fps", 25), **kwargs) as writer:
        for i in range(n_frames):
            writer.write(solid((i * 7 % 256, 80, 160)))
    return writer


@pytest.mark.parametrize("channels, sr, fps, seconds", [(1, 16000, 25, 2.3), (2, 44100, 30, 1.05), (2, 48000, 24, 0.5)])
def test_round_trip_probe(tmp_path, channels, sr, fps, seconds):
    path = tmp_path / "out.mp4"
    audio = tone(seconds, sr, channels)
    writer = VideoWriter(path, width=W, height=H, fps=fps, audio=audio, sr=sr)
    n_frames = writer.frames_needed
    assert n_frames == math.ceil(seconds * fps - 1e-6)
    with writer:
        for i in range(n_frames):
            writer.write(solid((i % 256, 0, 0)))
    info = probe_media(path)
    assert (info.video_codec, info.pix_fmt, info.audio_codec) == ("h264", "yuv420p", "aac")
    assert (info.width, info.height, info.n_video_frames) == (W, H, n_frames)
    assert info.fps == pytest.approx(fps)
    assert (info.sample_rate, info.channels) == (AUDIO_SR, channels)
    assert info.video_duration == pytest.approx(n_frames / fps, abs=1e-3)
    assert abs(info.audio_duration - info.video_duration) <= 1 / fps
    assert 0 <= info.video_duration - seconds < 1 / fps
    assert info.duration == pytest.approx(info.video_duration, abs=1 / fps)


def test_colour_tags_faststart_and_interleaving(tmp_path):
    path = tmp_path / "out.mp4"
    audio = tone(3.0, 48000)
    with VideoWriter(path, width=W, height=H, fps=25, audio=audio, sr=48000) as writer:
        for i in range(writer.frames_needed):
            writer.write(solid((i, 100, 200)))
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: playable while downloading
    with av.open(str(path)) as container:
        cc = container.streams.video[0].codec_context
        assert (cc.colorspace, cc.color_primaries, cc.color_trc, cc.color_range) == (1, 1, 1, 1)  # BT.709, tv
        kinds = [packet.stream.type for packet in container.demux() if packet.size]
    first_half = kinds[: len(kinds) // 2]
    assert first_half.count("audio") > 10 and first_half.count("video") > 10


@pytest.mark.parametrize("use_i420", [False, True])
def test_colours_survive_encoding(tmp_path, use_i420):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0), (128, 128, 128), (200, 150, 100), (30, 60, 90)]
    frames = [solid(c) for c in colours] + [gradient()]
    path = tmp_path / "colours.mp4"
    with VideoWriter(path, width=W, height=H, fps=10, crf=20) as writer:
        for frame in frames:
            writer.write_i420(rgb_to_i420(frame)) if use_i420 else writer.write(frame)
    decoded = decode_rgb(path)
    assert len(decoded) == len(frames)
    errors = [np.abs(a.astype(int) - b).mean() for a, b in zip(frames, decoded)]
    # Measured: solid colours 0-2.0 (limited-range rounding), gradient 1.95 at crf 20.
    assert max(errors[:-1]) <= 2.5, errors
    assert errors[-1] <= 3.0, errors


def test_rgb_to_i420_agrees_with_ffmpeg():
    """The matrix and the 2x2 chroma means against swscale's conversion of a fine texture:
    a level of luma, a few of chroma where the colour changes from row to row (swscale's
    vertical chroma filter reaches a row further)."""
    rng = np.random.default_rng(3)
    picture = cv2.GaussianBlur(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), (0, 0), 1.5)
    frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(
        format="yuv420p", src_colorspace="ITU709", dst_colorspace="ITU709", src_color_range="JPEG", dst_color_range="MPEG"
    )
    reference = frame.to_ndarray()  # I420 layout, as rgb_to_i420's
    y, u, v = (plane.astype(int) for plane in i420_planes(rgb_to_i420(picture)))
    ry, ru, rv = (plane.astype(int) for plane in i420_planes(reference))
    assert np.abs(y - ry).max() <= 1 and np.abs(y - ry).mean() < 0.1
    for ours, theirs in ((u, ru), (v, rv)):  # measured 2 and 3 at most, 0.52 and 0.55 on average
        assert np.abs(ours - theirs).max() <= 3 and np.abs(ours - theirs).mean() < 0.7


def test_rgb_to_i420_uses_bt709_tv_range():
    expected = {(255, 255, 255): (235, 128, 128), (0, 0, 0): (16, 128, 128), (255, 0, 0): (63, 102, 240), (0, 255, 0): (173, 42, 26)}
    for rgb, yuv in expected.items():
        y, u, v = i420_planes(rgb_to_i420(solid(rgb, 8, 8)))
        assert (y[0, 0], u[0, 0], v[0, 0]) == yuv
    error = np.abs(i420_to_rgb(rgb_to_i420(gradient())).astype(int) - gradient())
    assert error.mean() <= 2 and error.max() <= 6  # measured 1.3 and 5: chroma at half resolution


def test_paste_i420_matches_whole_frame_conversion():
    rng = np.random.default_rng(1)
    picture = rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)
    before = picture.copy()
    before[10:40, 20:60] = 0  # changed region: the whole patch below
    buf = rgb_to_i420(before)
    paste_i420(buf, picture[10:40, 20:60], x=20, y=10)
    assert np.array_equal(buf, rgb_to_i420(picture))
    with pytest.raises(ParameterError, match="even"):
        paste_i420(buf, picture[:10, :10], x=3, y=0)
    with pytest.raises(ParameterError, match="does not fit"):
        paste_i420(buf, picture[:10, :10], x=90, y=0)


def test_patches_pasted_in_the_encoder_thread_give_the_same_video_as_whole_frames(tmp_path):
    rng = np.random.default_rng(2)
    still = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    frames = []
    for i in range(6):
        frame = still.copy()
        frame[12:36, 20:60] = rng.integers(0, 256, (24, 40, 3), dtype=np.uint8)  # 4 px inside the patch
        frames.append(frame)
    whole, patched = tmp_path / "whole.mp4", tmp_path / "patched.mp4"
    with VideoWriter(whole, width=W, height=H, fps=10) as writer:
        for frame in frames:
            writer.write_i420(rgb_to_i420(frame))
    base = rgb_to_i420(still)
    with VideoWriter(patched, width=W, height=H, fps=10) as writer:
        for frame in frames:
            patch = frame[8:40, 16:64]
            writer.write_patch(base, patch, x=16, y=8)
            patch[:] = 0  # copied before returning: the caller may reuse it at once
        with pytest.raises(ParameterError, match="does not fit"):
            writer.write_patch(base, frames[0][:10, :10], x=W - 4, y=0)
    assert all(np.array_equal(a, b) for a, b in zip(decode_rgb(whole), decode_rgb(patched)))


def test_exception_in_block_leaves_nothing(tmp_path):
    path = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="renderer broke"):
        with VideoWriter(path, width=W, height=H, fps=25, audio=tone(1.0, 16000), sr=16000) as writer:
            for i in range(10):
                writer.write(solid((i, 0, 0)))
            raise RuntimeError("renderer broke")
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_output(tmp_path):
    path = tmp_path / "out.mp4"
    render(path, 5)
    good = path.read_bytes()
    writer = VideoWriter(path, width=W, height=H, fps=25)
    writer.write(solid((1, 2, 3)))
    assert len(list(tmp_path.iterdir())) == 2  # the output and the hidden temporary
    writer.abort()
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_too_few_frames_for_the_audio_is_an_error(tmp_path):
    path = tmp_path / "out.mp4"
    with pytest.raises(ParameterError, match=r"only 20 frames were written but the sound needs 25"):
        render(path, 20, audio=tone(1.0, 16000), sr=16000)
    assert list(tmp_path.iterdir()) == []


def test_no_frames_is_an_error(tmp_path):
    with pytest.raises(ParameterError, match="no frames were written"):
        render(tmp_path / "out.mp4", 0)
    assert list(tmp_path.iterdir()) == []


def test_extra_frames_pad_the_audio_with_silence(tmp_path):
    path = tmp_path / "out.mp4"
    render(path, 40, audio=tone(1.0, 16000), sr=16000)
    info = probe_media(path)
    assert info.n_video_frames == 40
    assert abs(info.audio_duration - 1.6) <= 1 / 25


def test_bad_frames_and_use_after_close(tmp_path):
    path = tmp_path / "out.mp4"
    with VideoWriter(path, width=W, height=H, fps=25) as writer:
        with pytest.raises(ParameterError, match=r"must be 96x64"):
            writer.write(solid((0, 0, 0), width=H, height=W))
        with pytest.raises(ParameterError, match="uint8 RGB"):
            writer.write(solid((0, 0, 0)).astype(np.float32))
        with pytest.raises(ParameterError, match=r"uint8 I420"):
            writer.write_i420(np.zeros((H, W), np.uint8))
        writer.write(solid((0, 0, 0)))
    with pytest.raises(ParameterError, match="closed"):
        writer.write(solid((0, 0, 0)))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(width=95), "width must be a positive even"),
        (dict(fps=0), "fps"),
        (dict(crf=60), "crf"),
        (dict(preset="warp9"), "preset"),
        (dict(audio=np.zeros((100, 2), np.float32), sr=16000), r"y\.T"),
        (dict(audio=np.zeros(100, np.int16), sr=16000), "float"),
        (dict(audio=np.zeros(100, np.float32), sr=None), "sr"),
    ],
)
def test_bad_options(tmp_path, kwargs, message):
    options = dict(width=W, height=H, fps=25) | kwargs
    with pytest.raises(ParameterError, match=message):
        VideoWriter(tmp_path / "out.mp4", **options)
    assert list(tmp_path.iterdir()) == []


def test_check_output_path(tmp_path):
    assert check_output_path(tmp_path / "a.MP4") == tmp_path / "a.MP4"
    with pytest.raises(OutputError, match=r"must end in \.mp4"):
        check_output_path(tmp_path / "a.mov")
    with pytest.raises(OutputError, match="does not exist; create it first"):
        check_output_path(tmp_path / "missing" / "a.mp4")
    (tmp_path / "dir.mp4").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        check_output_path(tmp_path / "dir.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.mp4"]  # the write probe is gone


def test_unwritable_folder(tmp_path):
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        with pytest.raises(OutputError, match="permission denied"):
            check_output_path(locked / "out.mp4")
        return
    # Root may write anywhere: ask from a forked child that became user "nobody".
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        (base / "locked").mkdir(mode=0o555)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never returns into pytest
            message = b"no error"
            try:
                os.setuid(65534)
                check_output_path(base / "locked" / "out.mp4")
            except OutputError as exc:
                message = str(exc).encode()
            finally:
                os.write(write_end, message)
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            message = pipe.read().decode()
        os.waitpid(pid, 0)
        assert "permission denied" in message, message
    finally:
        shutil.rmtree(base)


_DISK_FULL = """
import ctypes, os, sys
import numpy as np
libc = ctypes.CDLL(None, use_errno=True)
folder = sys.argv[1]
if libc.mount(b"tmpfs", folder.encode(), b"tmpfs", 0, b"size=256k") != 0:
    print("cannot mount"); sys.exit(3)
from talkingphoto.errors import OutputError
from talkingphoto.media import VideoWriter
noise = np.random.default_rng(0).integers(0, 256, (240, 320, 3), dtype=np.uint8)
try:
    with VideoWriter(os.path.join(folder, "out.mp4"), width=320, height=240, fps=25, preset="ultrafast", crf=0) as writer:
        for i in range(200):
            writer.write(np.roll(noise, i, axis=1))
    print("written")
except OutputError as exc:
    print(exc, "| left:", os.listdir(folder))
"""


def test_disk_full_is_reported_and_cleaned_up(tmp_path):
    """Fill a 256 KiB tmpfs mounted in a private mount namespace (needs root and unshare)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a tiny file system")
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", sys.executable, "-c", _DISK_FULL, str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode == 3:
        pytest.skip("mounting a tmpfs is not permitted here")
    assert "disk full" in result.stdout and "left: []" in result.stdout, result.stdout + result.stderr


def test_probe_of_a_non_media_file(tmp_path):
    path = tmp_path / "junk.dat"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(ParameterError, match="not a media file"):
        probe_media(path)


def test_a_closed_writer_lets_go_of_the_encoder(tmp_path):
    def encoder_objects(writer):  # x264's lookahead (~200 MB at 1920 x 1920) lives as long as these
        return [v for v in vars(writer).values() if isinstance(v, (av.container.Container, av.stream.Stream))]

    with VideoWriter(tmp_path / "a.mp4", width=64, height=48, fps=25) as writer:
        writer.write(np.zeros((48, 64, 3), np.uint8))
        assert encoder_objects(writer)
    assert encoder_objects(writer) == []  # though `writer` is still bound after the block
    aborted = VideoWriter(tmp_path / "b.mp4", width=64, height=48, fps=25)
    aborted.abort()
    assert encoder_objects(aborted) == [] and not (tmp_path / "b.mp4").exists()
