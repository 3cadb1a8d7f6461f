"""Frame-level acoustic features that tell the mouth what to do, in any language.

Nothing here knows words or phonemes: loudness, spectral balance, zero crossings, formants
and pitch describe how a vocal tract is shaped and driven, which holds for English,
Mandarin and singing alike. Features are computed at a high internal rate (100 Hz, 25 ms
windows) and resampled to video frames afterwards, so the analysis does not depend on fps.
"""

from dataclasses import dataclass, fields

import numpy as np
from scipy import signal

from ..errors import AudioError, ParameterError
from ..media import lift_quiet, resample
from ..units import ANALYSIS_SR

__all__ = ["AcousticFeatures", "acoustic_features", "resample_frames"]

FEATURE_RATE = 100.0  # internal frames per second
_SR = ANALYSIS_SR  # keeps fricative energy up to 8 kHz, cheap to process
_WIN = 400  # 25 ms spectral window at 16 kHz
_HOP = 160  # 10 ms
_NFFT = 512
_SILENCE_DB = -65.0  # dBFS: frames below are silence whatever the recording's level
_F0_MIN, _F0_MAX = 60.0, 1000.0  # speech and singing, bass to soprano
_LPC_SR = 10000  # formant analysis rate: F1..F4 of adults fit below 5 kHz
_LPC_ORDER = 12
_BLOCK = 1000  # frames analysed at once
_VOWEL_BAND = (350.0, 2000.0)
_HIGHPASS = signal.butter(4, 80.0, btype="highpass", fs=_SR, output="sos")


@dataclass(frozen=True)
class AcousticFeatures:
    """Acoustic description of a recording, one value per analysis frame.

    Frame ``k`` describes the instant ``(k + 0.5) / rate`` seconds. Every array has
    shape ``(n_frames,)`` and dtype float32.

    Attributes
    ----------
    rate : float
        Frames per second.
    db : np.ndarray
        Level of a 25 ms window in dBFS (full-scale sine = -3 dB), floored at -120, as
        analysed: a recording made far too quietly is heard raised (media.lift_quiet).
    loudness : np.ndarray [range 0..1]
        ``db`` normalised over the recording: 0 at or below its noise gate, 1 at its
        loud-speech level, so quiet and loud recordings describe speech alike.
    vowel_db, vowel_loudness : np.ndarray
        The same for the 350-2000 Hz band only, where open vowels are loud and nasal
        murmur, voice bars, breath thumps and hiss are weak: the best single cue of how
        far the mouth is open.
    hf_ratio : np.ndarray [range 0..1]
        Share of the energy above 3.5 kHz: high for fricatives (S, SH, F), low for vowels.
    low_ratio : np.ndarray [range 0..1]
        Share of the energy below 350 Hz: high for nasal murmur and voiced closures,
        whose sound leaves through the nose or the walls of a closed tract.
    zcr : np.ndarray [range 0..1]
        Zero crossings per sample; noise-like sounds cross often.
    f1, f2 : np.ndarray
        First two formants in Hz from linear prediction; NaN where no resonance was found.
        F1 rises as the jaw opens, F2 rises as the lips spread and the tongue fronts.
    f0 : np.ndarray
        Fundamental frequency in Hz, 0 where unvoiced.
    voicing : np.ndarray [range 0..1]
        Periodicity strength (1 - YIN aperiodicity), 0 in silence.
    """

    rate: float
    db: np.ndarray
    loudness: np.ndarray
    vowel_db: np.ndarray
    vowel_loudness: np.ndarray
    hf_ratio: np.ndarray
    low_ratio: np.ndarray
    zcr: np.ndarray
    f1: np.ndarray
    f2: np.ndarray
    f0: np.ndarray
    voicing: np.ndarray

    @property
    def n_frames(self) -> int:
        return len(self.db)

    def resampled(self, *, fps: float, n_frames: int) -> "AcousticFeatures":
        """The same features at video rate, each averaged over its frame's span.

        F0 and formants are interpolated where defined (0 / NaN elsewhere), so a
        frame that straddles a voiced and an unvoiced stretch keeps a real pitch.
        """
        values = {}
        for field in fields(self):
            if field.name == "rate":
                continue
            track = getattr(self, field.name)
            if field.name in ("f1", "f2", "f0"):
                missing = ~np.isfinite(track) | (track <= 0)
                weight = resample_frames((~missing).astype(np.float32), rate=self.rate, fps=fps, n_frames=n_frames)
                summed = resample_frames(np.where(missing, 0.0, track), rate=self.rate, fps=fps, n_frames=n_frames)
                with np.errstate(invalid="ignore", divide="ignore"):
                    out = summed / weight
                fill = 0.0 if field.name == "f0" else np.nan
                out = np.where(weight > 0.25, out, fill)
            else:
                out = resample_frames(track, rate=self.rate, fps=fps, n_frames=n_frames)
            values[field.name] = out.astype(np.float32)
        return AcousticFeatures(rate=float(fps), **values)


def resample_frames(values: np.ndarray, *, rate: float, fps: float, n_frames: int) -> np.ndarray:
    """Resample a feature track to video frames by averaging over each frame's span.

    Parameters
    ----------
    values : np.ndarray [shape=(n,), float]
        Track whose sample ``k`` describes ``(k + 0.5) / rate`` seconds.
    rate, fps : float
        Input and output frames per second.
    n_frames : int
        Output length; frame ``i`` covers ``[i / fps, (i + 1) / fps)``.

    Returns
    -------
    np.ndarray [shape=(n_frames,), dtype=float32]
        Averaging over the span (a box filter) avoids aliasing when the output rate is
        lower; when it is higher, this reduces to linear interpolation.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.zeros(n_frames, dtype=np.float32)
    # Integral of the piecewise-linear track, sampled on the input grid extended by a
    # held edge sample each side, then differenced over each output span.
    t_in = (np.arange(len(values) + 2) - 0.5) / rate
    padded = np.concatenate([values[:1], values, values[-1:]])
    integral = np.concatenate([[0.0], np.cumsum((padded[1:] + padded[:-1]) * 0.5 / rate)])
    width = max(1.0 / fps, 1.0 / rate)
    centres = (np.arange(n_frames) + 0.5) / fps
    lo = np.clip(centres - width / 2, t_in[0], t_in[-1])
    hi = np.clip(centres + width / 2, t_in[0], t_in[-1])
    area = _integral_at(hi, t_in, padded, integral) - _integral_at(lo, t_in, padded, integral)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(span > 0, area / np.maximum(span, 1e-12), np.interp(centres, t_in, padded))
    return out.astype(np.float32)


def _integral_at(t: np.ndarray, grid: np.ndarray, values: np.ndarray, integral: np.ndarray) -> np.ndarray:
    """Exact integral of the linear interpolant of ``values`` on ``grid`` from grid[0] to t."""
    k = np.clip(np.searchsorted(grid, t, side="right") - 1, 0, len(grid) - 2)
    dt = t - grid[k]
    slope = (values[k + 1] - values[k]) / (grid[k + 1] - grid[k])
    return integral[k] + values[k] * dt + 0.5 * slope * dt * dt


def acoustic_features(y: np.ndarray, *, sr: int) -> AcousticFeatures:
    """Analyse a mono recording into frame-level features at 100 Hz.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
        Mono audio.
    sr : int
        Sample rate of ``y`` in Hz (any; analysis runs at 16 kHz).

    Returns
    -------
    AcousticFeatures
        ``ceil(duration * 100)`` frames.
    """
    y16 = _prepare(y, sr)
    y10 = signal.resample_poly(y16, 5, 8)  # formant analysis rate
    n_frames = int(np.ceil(len(y16) / _HOP))
    # Blocks of frames keep memory flat on long recordings (frames overlap 2.5 to 6 times).
    blocks = [_block_features(y16, y10, np.arange(a, min(a + _BLOCK, n_frames))) for a in range(0, n_frames, _BLOCK)]
    columns = [np.concatenate(column) for column in zip(*blocks)] if blocks else [np.zeros(0)] * 9
    db, vowel_db, hf_ratio, low_ratio, zcr, f1, f2, f0, voicing = columns
    silent = db < _SILENCE_DB
    voicing = np.where(silent, 0.0, voicing)
    f0 = np.where(silent, 0.0, f0)
    f1 = np.where(silent, np.nan, f1)
    f2 = np.where(silent, np.nan, f2)
    hf_ratio = np.where(silent, 0.0, hf_ratio)
    low_ratio = np.where(silent, 0.0, low_ratio)

    def f32(a):
        return np.asarray(a, dtype=np.float32)

    return AcousticFeatures(
        rate=FEATURE_RATE,
        db=f32(db),
        loudness=f32(_normalise_loudness(db)),
        vowel_db=f32(vowel_db),
        vowel_loudness=f32(_normalise_loudness(vowel_db)),
        hf_ratio=f32(hf_ratio),
        low_ratio=f32(low_ratio),
        zcr=f32(zcr),
        f1=f32(f1),
        f2=f32(f2),
        f0=f32(f0),
        voicing=f32(voicing),
    )


def _block_features(y16: np.ndarray, y10: np.ndarray, ids: np.ndarray) -> tuple:
    """Every per-frame measurement for the frames ``ids``."""
    frames = _frames(y16, ids, _WIN)
    window = np.hanning(_WIN)
    # Hann window loses 1.76 dB of power on a sine; compensate so dBFS reads true.
    power = np.mean((frames * window) ** 2, axis=1) / np.mean(window**2)
    db = np.maximum(10.0 * np.log10(power + 1e-12), -120.0)

    spectrum = np.abs(np.fft.rfft(frames * window, n=_NFFT, axis=1)) ** 2
    freqs = np.fft.rfftfreq(_NFFT, 1.0 / _SR)
    total = spectrum[:, (freqs >= 80)].sum(axis=1) + 1e-12
    hf_ratio = spectrum[:, freqs >= 3500].sum(axis=1) / total
    low_ratio = spectrum[:, (freqs >= 80) & (freqs < 350)].sum(axis=1) / total
    # Same scale as db: the Hann-windowed periodogram summed over a band is its power x N.
    band = spectrum[:, (freqs >= _VOWEL_BAND[0]) & (freqs < _VOWEL_BAND[1])].sum(axis=1)
    vowel_db = np.maximum(10.0 * np.log10(2.0 * band / (_NFFT * np.sum(window**2)) + 1e-12), -120.0)

    signs = np.signbit(frames)
    zcr = np.mean(signs[:, 1:] != signs[:, :-1], axis=1)

    f1, f2 = _formants(y10, ids)
    f0, voicing = _pitch(y16, ids)
    return db, vowel_db, hf_ratio, low_ratio, zcr, f1, f2, f0, voicing


def _prepare(y: np.ndarray, sr: int) -> np.ndarray:
    """Validate and bring mono audio to the 16 kHz analysis rate, float64."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise AudioError(f"audio must be mono with shape (n_samples,), got shape {y.shape}; mix it down first")
    if not np.issubdtype(y.dtype, np.floating):
        raise AudioError(f"audio must be float in -1..1, got dtype {y.dtype}; divide integer PCM by its full scale")
    if not np.all(np.isfinite(y)):
        raise AudioError("audio contains NaN or infinite samples; clean or re-decode it")
    if not (isinstance(sr, (int, np.integer)) and sr >= 4000):
        raise ParameterError(f"sr must be an integer sample rate of at least 4000 Hz, got {sr!r}")
    y = y.astype(np.float64)
    y = resample(y, orig_sr=int(sr), target_sr=_SR)
    # Microphone pops, breath thumps and DC offsets sit below the lowest voice; they
    # would read as loud frames, so a zero-phase high-pass removes them first. A recording
    # made far too quietly is heard raised (its speech would fall under _SILENCE_DB).
    return lift_quiet(signal.sosfiltfilt(_HIGHPASS, y) if len(y) > 64 else y, sr=_SR)


def _frames(y: np.ndarray, ids: np.ndarray, width: int, hop: int = _HOP, lead: int | None = None) -> np.ndarray:
    """Windows of ``width`` samples around the instants of frames ``ids``, zeros beyond the ends.

    The window starts ``lead`` samples (default ``width // 2``, i.e. centred) before the
    instant ``(k + 0.5) * hop``.
    """
    lead = width // 2 if lead is None else lead
    index = (ids * hop + hop // 2 - lead)[:, None] + np.arange(width)[None, :]
    inside = (index >= 0) & (index < len(y))
    return np.where(inside, y[np.clip(index, 0, max(len(y) - 1, 0))] if len(y) else 0.0, 0.0)


def _normalise_loudness(db: np.ndarray) -> np.ndarray:
    """Map dBFS to 0..1 per recording: 0 at the noise gate, 1 at the loud-speech level.

    The reference is a high percentile (loud vowels), the gate sits above the noise
    floor (a low percentile) but never more than 45 dB or less than 15 dB under the
    reference, so clean, noisy and gap-free recordings (singing) all get usable range.
    """
    active = db[db > _SILENCE_DB]
    if len(active) < 3:
        return np.zeros_like(db)
    reference = float(np.percentile(active, 95))
    floor = float(np.percentile(db, 10))
    gate = float(np.clip(floor + 6.0, reference - 45.0, reference - 15.0))
    gate = max(gate, _SILENCE_DB)
    return np.clip((db - gate) / max(reference - gate, 1e-6), 0.0, 1.0)


def _formants(y10: np.ndarray, ids: np.ndarray) -> tuple:
    """F1 and F2 of frames ``ids`` from the roots of a 12th-order LPC polynomial at 10 kHz."""
    hop, width = _HOP * 5 // 8, _WIN * 5 // 8
    frames = _frames(y10, ids, width, hop)
    frames = frames[:, 1:] - 0.97 * frames[:, :-1]  # pre-emphasis flattens the glottal tilt
    frames = frames * np.hamming(frames.shape[1])
    p = _LPC_ORDER
    r = np.stack([np.sum(frames[:, : frames.shape[1] - k] * frames[:, k:], axis=1) for k in range(p + 1)], axis=1)
    r[:, 0] = r[:, 0] * (1.0 + 1e-9) + 1e-12  # white-noise floor keeps Levinson stable
    a = _levinson(r, p)
    companion = np.zeros((len(a), p, p))
    companion[:, 0, :] = -a[:, 1:]
    companion[:, np.arange(1, p), np.arange(p - 1)] = 1.0
    roots = np.linalg.eigvals(companion)
    freq = np.angle(roots) * _LPC_SR / (2 * np.pi)
    bandwidth = -np.log(np.abs(roots) + 1e-12) * _LPC_SR / np.pi
    valid = (np.imag(roots) > 0) & (freq > 150) & (freq < _LPC_SR / 2 - 200) & (bandwidth < 500)
    freq = np.where(valid, freq, np.inf)
    freq.sort(axis=1)
    f1 = np.where(np.isfinite(freq[:, 0]), freq[:, 0], np.nan)
    f2 = np.where(np.isfinite(freq[:, 1]), freq[:, 1], np.nan)
    return f1, f2


def _levinson(r: np.ndarray, order: int) -> np.ndarray:
    """Levinson-Durbin recursion over many frames at once: LPC coefficients, a[:, 0] = 1."""
    n = len(r)
    a = np.zeros((n, order + 1))
    a[:, 0] = 1.0
    error = r[:, 0].copy()
    for i in range(1, order + 1):
        acc = r[:, i] + np.sum(a[:, 1:i] * r[:, i - 1 : 0 : -1], axis=1)
        k = -acc / error
        a[:, 1:i] = a[:, 1:i] + k[:, None] * a[:, i - 1 : 0 : -1]
        a[:, i] = k
        error = error * (1.0 - k * k)
    return a


def _pitch(y16: np.ndarray, ids: np.ndarray) -> tuple:
    """F0 (Hz, 0 if unvoiced) and periodicity per frame, YIN-style.

    The cumulative-mean-normalised difference function is computed for all frames at
    once through FFT cross-correlation; the first dip under the threshold, refined to its
    local minimum and by a parabola, gives the period.
    """
    width = 400  # 25 ms integration window
    min_lag = int(_SR / _F0_MAX)
    max_lag = int(np.ceil(_SR / _F0_MIN))
    n_frames = len(ids)
    frames = _frames(y16, ids, width + max_lag + 1, lead=width // 2)
    frames = frames - frames.mean(axis=1, keepdims=True)
    nfft = 1 << int(np.ceil(np.log2(2 * frames.shape[1])))
    spec_all = np.fft.rfft(frames, n=nfft, axis=1)
    spec_head = np.fft.rfft(frames[:, :width], n=nfft, axis=1)
    cross = np.fft.irfft(np.conj(spec_head) * spec_all, n=nfft, axis=1)[:, : max_lag + 1]
    sq = np.concatenate([np.zeros((n_frames, 1)), np.cumsum(frames**2, axis=1)], axis=1)
    lags = np.arange(max_lag + 1)
    energy_lag = sq[:, lags + width] - sq[:, lags]
    diff = np.maximum(energy_lag[:, :1] + energy_lag - 2.0 * cross, 0.0)
    cumulative = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    with np.errstate(invalid="ignore", divide="ignore"):
        cmnd[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cumulative, 1e-12)
    cmnd[:, :min_lag] = 1.0
    cmnd = np.nan_to_num(cmnd, nan=1.0)

    below = cmnd < 0.2
    has_dip = below.any(axis=1)
    first = np.where(has_dip, np.argmax(below, axis=1), np.argmin(cmnd, axis=1))
    # Walk from the first dip down to its local minimum.
    rising = np.zeros_like(below)
    rising[:, :-1] = cmnd[:, 1:] >= cmnd[:, :-1]
    rising[:, -1] = True
    after = lags[None, :] >= first[:, None]
    tau = np.argmax(rising & after, axis=1)
    rows = np.arange(n_frames)
    best = cmnd[rows, tau]
    # Parabolic refinement of the period between neighbouring lags.
    left = cmnd[rows, np.clip(tau - 1, 0, max_lag)]
    right = cmnd[rows, np.clip(tau + 1, 0, max_lag)]
    denom = left - 2 * best + right
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(np.abs(denom) > 1e-9, 0.5 * (left - right) / denom, 0.0)
    period = tau + np.clip(shift, -0.5, 0.5)
    voicing = np.clip(1.0 - best, 0.0, 1.0)
    voiced = has_dip & (tau >= min_lag) & (tau < max_lag)
    f0 = np.where(voiced, _SR / np.maximum(period, 1.0), 0.0)
    return f0, np.where(voiced, voicing, np.minimum(voicing, 0.5))
