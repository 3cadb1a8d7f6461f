"""Augmentation, so that a model trained mostly on synthetic speech hears real voices.

Each call draws, from its own random generator: speed perturbation (which also moves
pitch and formants), a vocal-tract-length warp of the mel filters (applied when the
features are computed), an EQ, room reverb, background noise or a music bed, an MP3 or
AAC round trip through PyAV, a telephone band (8 kHz), and a level change. Phoneme
times follow the speed change; codec delays are measured and undone.
"""

import io
import math

import numpy as np
from scipy import signal

SR = 16000


def to_rate(y: np.ndarray, sr: int, target: int = SR) -> np.ndarray:
    if sr == target:
        return y.astype(np.float32)
    g = math.gcd(int(sr), int(target))
    return signal.resample_poly(y.astype(np.float64), target // g, int(sr) // g).astype(np.float32)


def _peaking(y, rng):
    f = float(np.exp(rng.uniform(np.log(150), np.log(6000))))
    gain = float(rng.uniform(-9, 9))
    q = float(rng.uniform(0.5, 2.0))
    a = 10 ** (gain / 40)
    w = 2 * np.pi * f / SR
    alpha = np.sin(w) / (2 * q)
    b = [1 + alpha * a, -2 * np.cos(w), 1 - alpha * a]
    den = [1 + alpha / a, -2 * np.cos(w), 1 - alpha / a]
    return signal.lfilter(b, den, y)


def _reverb(y, rng):
    rt60 = float(rng.uniform(0.15, 0.8))
    n = int(rt60 * SR)
    t = np.arange(n) / SR
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail[: int(0.003 * SR)] = 0.0
    tail = signal.lfilter([1.0], [1.0, -float(rng.uniform(0.2, 0.8))], tail)  # walls absorb the highs
    tail *= float(rng.uniform(0.1, 0.5)) / (np.sqrt((tail**2).sum()) + 1e-9)
    rir = np.concatenate([[1.0], tail[1:]])
    return signal.fftconvolve(y, rir)[: len(y)]


def _coloured_noise(n, rng):
    white = rng.standard_normal(n)
    kind = rng.integers(3)
    if kind == 0:
        return white
    spectrum = np.fft.rfft(white)
    f = np.maximum(np.fft.rfftfreq(n, 1 / SR), 20.0)
    return np.fft.irfft(spectrum / (f ** (0.5 if kind == 1 else 1.0)), n)


def _music_bed(n, rng, music: list):
    track = music[int(rng.integers(len(music)))]
    if len(track) <= n:
        track = np.tile(track, n // max(len(track), 1) + 1)
    start = int(rng.integers(0, len(track) - n + 1))
    return track[start : start + n].astype(np.float64)


def _codec(y, rng):
    """MP3 or AAC round trip through PyAV; returns audio re-aligned to the input."""
    import av

    codec = "libmp3lame" if rng.random() < 0.5 else "aac"
    rate = SR
    bitrate = int(rng.choice([24, 32, 48, 64, 96])) * 1000
    buffer = io.BytesIO()
    pcm = np.clip(y, -1, 1).astype(np.float32)
    with av.open(buffer, "w", format="mp3" if codec == "libmp3lame" else "adts") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.bit_rate = bitrate
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buffer.seek(0)
    chunks = []
    with av.open(buffer, "r") as inp:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in inp.decode(audio=0):
            for f in resampler.resample(frame):
                chunks.append(f.to_ndarray().reshape(-1))
    decoded = np.concatenate(chunks) if chunks else np.zeros(0)
    # Undo the encoder delay: the lag of best correlation within 100 ms.
    max_lag = int(0.1 * SR)
    a = decoded[: len(y) + max_lag]
    corr = signal.correlate(a[: min(len(a), len(y) + max_lag)], y[: min(len(y), 4 * SR)], mode="valid")
    lag = int(np.argmax(corr[: max_lag + 1])) if len(corr) else 0
    out = decoded[lag : lag + len(y)]
    return np.pad(out, (0, len(y) - len(out)))


def _telephone(y, rng):
    sos = signal.butter(4, [300, 3400], btype="bandpass", fs=SR, output="sos")
    narrow = signal.resample_poly(signal.sosfilt(sos, y), 1, 2)
    if rng.random() < 0.5:  # mu-law companding as in G.711
        mu = 255.0
        narrow = np.clip(narrow, -1, 1)
        code = np.round(np.sign(narrow) * np.log1p(mu * np.abs(narrow)) / np.log1p(mu) * 127) / 127
        narrow = np.sign(code) * np.expm1(np.abs(code) * np.log1p(mu)) / mu
    return signal.resample_poly(narrow, 2, 1)[: len(y)]


def augment(y: np.ndarray, sr: int, phones: list, rng: np.random.Generator, *, music: list, strength: float = 1.0):
    """One random rendition of a clip.

    Parameters
    ----------
    y : np.ndarray [shape=(n,), float32]
    sr : int
    phones : list of (start, end, label)
    rng : np.random.Generator
    music : list of np.ndarray
        16 kHz music beds to mix under the voice.
    strength : float
        0 gives the clean clip (at 16 kHz, unit warp).

    Returns
    -------
    (y16 [float32], phones, warp)
    """
    y16 = to_rate(y, sr).astype(np.float64)
    warp = 1.0
    if strength <= 0:
        return y16.astype(np.float32), phones, warp
    if rng.random() < 0.6:
        speed = float(rng.uniform(0.88, 1.14))
        up = 200
        down = int(round(up * speed))
        y16 = signal.resample_poly(y16, up, down)
        factor = up / down
        phones = [(a * factor, b * factor, label) for a, b, label in phones]
    if rng.random() < 0.7:
        warp = float(rng.uniform(0.88, 1.12))
    for _ in range(int(rng.integers(0, 3))):
        y16 = _peaking(y16, rng)
    peak = np.abs(y16).max() + 1e-9
    y16 = y16 / peak * 0.5
    if rng.random() < 0.35:
        y16 = _reverb(y16, rng)
    if rng.random() < 0.5:
        n = len(y16)
        bed = _music_bed(n, rng, music) if music and rng.random() < 0.4 else _coloured_noise(n, rng)
        snr = float(rng.uniform(3, 30))
        speech_power = np.mean(y16**2) + 1e-12
        y16 = y16 + bed * np.sqrt(speech_power / (np.mean(bed**2) + 1e-12) / 10 ** (snr / 10))
    if sr > 8000 and rng.random() < 0.2:
        y16 = _telephone(y16, rng)
    if rng.random() < 0.25:
        y16 = _codec(y16, rng)
    gain_db = float(rng.uniform(-30, 4))
    y16 = y16 / (np.abs(y16).max() + 1e-9) * 10 ** (gain_db / 20)
    return np.clip(y16, -1, 1).astype(np.float32), phones, warp
