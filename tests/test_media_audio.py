import struct
import time

import av
import numpy as np
import pytest

from talkingphoto.errors import AudioError, ParameterError
from talkingphoto.media import QUIET_DBFS, VideoWriter, check_audible, lift_quiet, load_audio, loudest_dbfs

CODECS = {
    "wav": ("pcm_s16le", {}),
    "flac": ("flac", {}),
    "mp3": ("libmp3lame", {}),
    "ogg": ("vorbis", {"strict": "experimental"}),
    "opus": ("libopus", {}),
    "m4a": ("aac", {}),
}


def sine(freq=440.0, seconds=1.0, sr=48000, amplitude=0.5) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(int(seconds * sr)) / sr)).astype(np.float32)


def write_audio(path, y: np.ndarray, sr: int) -> None:
    """Encode ``y`` [shape=(channels, n), float32] with the codec that matches the extension, using PyAV."""
    codec, options = CODECS[path.suffix[1:]]
    layout = "mono" if y.shape[0] == 1 else "stereo"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=sr, layout=layout, options=options)
        sample_format = stream.codec_context.codec.audio_formats[0].name
        resampler = av.AudioResampler(format=sample_format, layout=layout, rate=sr)
        step = stream.codec_context.frame_size or 1024
        for start in range(0, y.shape[1], step):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(y[:, start : start + step]), format="fltp", layout=layout)
            frame.sample_rate, frame.pts = sr, start
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def dominant_frequency(y: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return float(np.argmax(spectrum) * sr / len(y))


def wav_bytes(pcm: bytes, sr: int = 8000, channels: int = 1) -> bytes:
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, sr, sr * 2 * channels, 2 * channels, 16)
    return b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE" + b"fmt " + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm


def mp3_declaring_frames(tmp_path, n_frames: int, seconds: float = 2.0):
    """An MP3 of ``seconds`` of sine whose Xing/Info header claims ``n_frames`` frames (1152 samples each)."""
    real = tmp_path / "real.mp3"
    write_audio(real, sine(seconds=seconds)[None], 48000)
    data = bytearray(real.read_bytes())
    tag = max(data.find(b"Info"), data.find(b"Xing"))
    assert tag > 0 and struct.unpack(">I", data[tag + 4 : tag + 8])[0] & 1  # frame count present
    data[tag + 8 : tag + 12] = struct.pack(">I", n_frames)
    path = tmp_path / f"declares_{n_frames}.mp3"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("ext", sorted(CODECS))
def test_every_format_round_trips(tmp_path, ext):
    sr = 44100 if ext != "opus" else 48000  # opus only runs at 48 kHz and below
    path = tmp_path / f"tone.{ext}"
    tone = sine(440, 1.5, sr)
    write_audio(path, np.stack([tone, tone]), sr)  # stereo: FFmpeg's own Vorbis encoder needs 2 channels
    y, got_sr = load_audio(path)
    assert got_sr == sr and y.dtype == np.float32 and y.shape[0] == 2
    # Lossy codecs add encoder delay / padding of a few frames.
    assert abs(y.shape[1] / sr - 1.5) < 0.06
    assert abs(dominant_frequency(y[0], sr) - 440) < 2
    assert np.abs(y).max() <= 1.0 and np.abs(y).max() > 0.3


def test_audio_track_of_a_video(tmp_path):
    path = tmp_path / "clip.mp4"
    with VideoWriter(path, width=64, height=48, fps=25, audio=sine(300, 1.0, 16000), sr=16000) as writer:
        for _ in range(writer.frames_needed):
            writer.write(np.zeros((48, 64, 3), np.uint8))
    y, sr = load_audio(path, sr=16000, mono=True)
    assert y.ndim == 1 and abs(len(y) / sr - 1.0) < 0.05
    assert abs(dominant_frequency(y, sr) - 300) < 2


def test_stereo_is_kept_and_mono_averages_channels(tmp_path):
    path = tmp_path / "stereo.flac"
    left = sine(440, 0.5, 16000)
    write_audio(path, np.stack([left, np.zeros_like(left)]), 16000)
    y, _ = load_audio(path)
    assert y.shape == (2, 8000)
    np.testing.assert_allclose(y[1], 0, atol=1e-4)
    mono, _ = load_audio(path, mono=True)
    assert mono.shape == (8000,)
    np.testing.assert_allclose(mono, left / 2, atol=1e-3)


def test_resampling_keeps_duration_and_pitch(tmp_path):
    path = tmp_path / "tone.wav"
    write_audio(path, sine(1000, 2.0, 44100)[None], 44100)
    y, sr = load_audio(path, sr=16000, mono=True)
    assert sr == 16000 and abs(len(y) - 32000) <= 16
    assert abs(dominant_frequency(y, sr) - 1000) < 2
    assert 0.45 < np.abs(y[1000:-1000]).max() < 0.55


def test_bytes_source(tmp_path):
    path = tmp_path / "tone.wav"
    write_audio(path, sine(440, 0.5, 8000)[None], 8000)
    y, sr = load_audio(path.read_bytes(), mono=True)
    assert sr == 8000 and y.shape == (4000,)


def test_declared_long_file_fails_before_decoding(tmp_path):
    # The header claims 10,000,000 frames (about 67 hours); only 2 s are really there.
    path = mp3_declaring_frames(tmp_path, 10_000_000)
    start = time.perf_counter()
    with pytest.raises(AudioError, match=r"lasts 66:40:00, longer than the limit of 30:00"):
        load_audio(path)
    assert time.perf_counter() - start < 0.5


def test_decoding_stops_once_past_the_limit(tmp_path):
    # The header claims 0.24 s, so only the decoder can notice the real 2 s.
    path = mp3_declaring_frames(tmp_path, 10)
    with pytest.raises(AudioError, match="runs longer than the limit of 0:01"):
        load_audio(path, max_seconds=1.0)
    y, _ = load_audio(path, max_seconds=3.0, mono=True)
    assert abs(len(y) / 48000 - 2.0) < 0.05


def test_no_audio_stream(tmp_path):
    path = tmp_path / "silent_film.mp4"
    with VideoWriter(path, width=64, height=48, fps=25) as writer:
        writer.write(np.zeros((48, 64, 3), np.uint8))
    with pytest.raises(AudioError, match="has no audio stream"):
        load_audio(path)


@pytest.mark.parametrize(
    "data, message",
    [
        (wav_bytes(b""), "no audio samples"),
        (b"ID3" + bytes(range(256)) * 20, "not an audio or video file"),
        (bytes(range(256)) * 40, "not an audio or video file"),
        (b"", "empty"),
    ],
)
def test_empty_and_corrupt_inputs(data, message):
    with pytest.raises(AudioError, match=message) as info:
        load_audio(data)
    assert "\n" not in str(info.value)


def test_missing_file_and_bad_options(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(ParameterError, match="sr"):
        load_audio(b"x", sr=0)
    with pytest.raises(ParameterError, match="max_seconds"):
        load_audio(b"x", max_seconds=-1)


def test_check_audible_thresholds():
    sr = 16000
    rng = np.random.default_rng(0)
    check_audible(sine(200, 1.0, sr, amplitude=0.01), sr=sr)  # -43 dBFS peak: quiet but real
    with pytest.raises(AudioError, match=r"is silent \(no sound at all\)") as silence:
        check_audible(np.zeros(sr, np.float32), sr=sr)
    assert "dBFS" not in str(silence.value)
    with pytest.raises(AudioError, match=r"loudest 50 ms is -96 dBFS"):
        check_audible((rng.standard_normal(sr) / 2**16).astype(np.float32), sr=sr)  # 16-bit dither
    with pytest.raises(AudioError, match="empty"):
        check_audible(np.zeros(0, np.float32), sr=sr)
    # One loud word in a long pause still counts (a window, not the file's average).
    mostly_silent = np.zeros(30 * sr, np.float32)
    mostly_silent[sr : sr + 1600] = sine(200, 0.1, sr, amplitude=0.05)
    check_audible(np.stack([mostly_silent, mostly_silent]), sr=sr, name="speech.wav")


@pytest.mark.slow
def test_real_speech_quiet_passes_far_too_quiet_fails(real_data):
    y, sr = load_audio(real_data / "audio" / "goforward.wav", mono=True)
    assert sr == 16000 and abs(len(y) / sr - 2.8) < 0.2
    check_audible(y, sr=sr)
    check_audible(y * 10 ** (-30 / 20), sr=sr)  # 30 dB quieter: a badly set microphone
    with pytest.raises(AudioError, match="is silent"):
        check_audible(y * 10 ** (-70 / 20), sr=sr)


def test_a_far_too_quiet_recording_is_heard_raised_and_an_ordinary_one_as_it_is():
    sr = 16000
    ordinary = sine(200, 1.0, sr, amplitude=0.1)
    assert loudest_dbfs(ordinary, sr=sr) == pytest.approx(20 * np.log10(0.1 / np.sqrt(2)), abs=0.05)
    assert lift_quiet(ordinary, sr=sr) is ordinary
    quiet = np.concatenate([np.zeros(sr, np.float32), sine(200, 0.5, sr, amplitude=0.002)])  # -57 dBFS
    raised = lift_quiet(quiet + 0.01, sr=sr)  # with a DC offset louder than the speech
    assert raised.dtype == quiet.dtype and loudest_dbfs(raised, sr=sr) == pytest.approx(QUIET_DBFS, abs=0.05)
    assert abs(raised.mean()) < 1e-6
    assert np.allclose(raised / raised.max(), (quiet - quiet.mean()) / (quiet - quiet.mean()).max())  # one gain
    silence = np.zeros(sr, np.float32)
    assert loudest_dbfs(silence, sr=sr) == -np.inf and lift_quiet(silence, sr=sr) is silence
