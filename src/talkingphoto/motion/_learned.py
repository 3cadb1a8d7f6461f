"""Sound to mouth with a small learned model: log-mel frames in, mouth controls and visemes out.

The models (trained by ``sh training/run.sh``, see ``data/MOUTH_MODEL.md``) are stacks
of dilated 1-D convolutions over 40 log-mel bands. They run at 50 frames per second and
predict, for every 20 ms, the five :class:`MouthTrack` controls and one of Rhubarb's
nine mouth shapes, as the phoneme table of :mod:`._phonemes` would give them for the
sounds heard. Their convolutions look only backwards and their outputs trail the input
by a few frames, which is their lookahead: the offline model (``data/mouth_model.npz``)
hears 217.5 ms ahead, the live one (``data/mouth_stream.npz``, :class:`MouthStream`) at
most 80 ms. Recordings (:func:`learned_mouth`) get the mean of four: those two and an
offline and a streaming model from another training run (``data/mouth_model_2.npz``,
``data/mouth_stream_2.npz``), which follows unseen voices better than any alone.
Inference is plain numpy.

Video frames then get a jaw with mass: wide open to closed takes about three 25 fps
frames, with no delay, while ``press`` still shuts the lips at once on M/B/P.
"""

import json
import math
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import ndimage, signal

from ..errors import ModelError, ParameterError
from ..media import check_sample_rate, lift_quiet, mono_at
from ._phonemes import VISEMES
from ._tracks import MouthTrack

__all__ = [
    "MODEL_PATH", "STREAM_MODEL_PATH", "SECOND_RUN_PATHS", "SR", "FEATURE_RATE", "MouthModel", "LearnedMouth",
    "load_mouth_model", "offline_models", "log_mel",
    "learned_mouth", "learned_mouth_track", "frame_track", "closures", "MouthStream", "jaw_dynamics",
]  # fmt: skip

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "mouth_model.npz"  # offline: full context
STREAM_MODEL_PATH = MODEL_PATH.with_name("mouth_stream.npz")  # live: at most 80 ms of lookahead
# Two more models from another training run: recordings get the mean of all four.
SECOND_RUN_PATHS = (MODEL_PATH.with_name("mouth_model_2.npz"), MODEL_PATH.with_name("mouth_stream_2.npz"))
SR = 16000  # analysis rate of the features
HOP = 160  # 10 ms
WIN = 400  # 25 ms Hann window, centred on (k + 0.5) * HOP
N_FFT = 512
N_MELS = 40
FMIN, FMAX = 50.0, 7600.0
FEATURE_RATE = SR / HOP  # 100 feature frames per second
FLOOR = 1e-10  # power floor before the log: digital silence
CONTROLS = ("open", "spread", "press", "fv", "tongue")
_CLOSURE = 0.5  # default lip-closure evidence (press or viseme A) at a local peak that shuts the lips
_CLOSURE_SPAN = 3  # 50 Hz frames each side within which a peak must be the highest
# Shapes with the lips together or nearly so (M/B/P, and clenched teeth). A closure peak where
# the model finds an open, rounded, F/V, L or resting mouth likelier is not shut: on the
# development split such peaks were 14 of 38 false closures (V, W, N, open vowels) and none of
# 53 true ones.
_CLOSABLE = [VISEMES.index("A"), VISEMES.index("B")]
_MAX_FALL = 0.45  # most the opening may drop in one 25 fps frame (before averaging, see jaw_dynamics)
_MAX_RISE = 0.6  # the jaw drops faster than it closes


def mel_filters(*, warp: float = 1.0) -> np.ndarray:
    """Triangular mel filterbank [shape=(N_MELS, N_FFT // 2 + 1), float32].

    ``warp`` stretches the filters' frequencies (vocal-tract-length perturbation for
    training: 1.1 makes a voice look like a shorter tract); frequencies above 80 % of
    FMAX bend back so that FMAX stays put.
    """

    def mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def hz(m):
        return 700.0 * (10.0 ** (np.asarray(m) / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(FMIN), mel(FMAX), N_MELS + 2))
    if warp != 1.0:
        knee = 0.8 * FMAX * min(1.0, 1.0 / warp)
        edges = np.where(
            edges <= knee, edges * warp, knee * warp + (FMAX - knee * warp) * (edges - knee) / (FMAX - knee)
        )
    bins = np.fft.rfftfreq(N_FFT, 1.0 / SR)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rise = (bins[None, :] - lo) / np.maximum(mid - lo, 1e-6)
    fall = (hi - bins[None, :]) / np.maximum(hi - mid, 1e-6)
    weights = np.clip(np.minimum(rise, fall), 0.0, None)
    return (weights / np.maximum(weights.sum(1, keepdims=True), 1e-9)).astype(np.float32)


_WINDOW = np.hanning(WIN + 2)[1:-1].astype(np.float32)
_MEL = mel_filters()


def log_mel(
    y16: np.ndarray, *, filters: np.ndarray | None = None, start: int = 0, n_frames: int | None = None, offset: int = 0
) -> np.ndarray:
    """Log-mel frames of 16 kHz audio.

    Parameters
    ----------
    y16 : np.ndarray [shape=(n_samples,), float, range -1..1]
        Mono audio at :data:`SR`.
    filters : np.ndarray, optional
        Filterbank from :func:`mel_filters` (default unwarped).
    start, n_frames : int
        Frames ``start .. start + n_frames - 1``; default all of ``ceil(n_samples / HOP)``.
        Frame ``k`` is centred on sample ``(k + 0.5) * HOP``; samples outside ``y16`` are 0.
    offset : int
        Index of ``y16[0]`` in the whole sound (streaming passes a window of it).

    Returns
    -------
    np.ndarray [shape=(n_frames, N_MELS), dtype=float32]
        log10 of the mean power in each band (about -10 for digital silence, 0 at full scale).
    """
    y = np.asarray(y16, dtype=np.float32)
    total = math.ceil((offset + len(y)) / HOP)
    n_frames = total - start if n_frames is None else n_frames
    if n_frames <= 0:
        return np.zeros((0, N_MELS), np.float32)
    first = (start * HOP + HOP // 2) - WIN // 2 - offset  # index into y of the first window
    span = (n_frames - 1) * HOP + WIN
    a, b = max(first, 0), min(first + span, len(y))
    padded = np.zeros(span, np.float32)
    if b > a:
        padded[a - first : b - first] = y[a:b]
    frames = np.lib.stride_tricks.sliding_window_view(padded, WIN)[::HOP][:n_frames] * _WINDOW
    power = np.abs(np.fft.rfft(frames, n=N_FFT, axis=1)) ** 2 / WIN
    bands = power.astype(np.float32) @ (_MEL if filters is None else filters).T
    return np.log10(bands + FLOOR).astype(np.float32)


@dataclass(frozen=True)
class MouthModel:
    """Weights and shape of the mouth model; see :func:`load_mouth_model`.

    Attributes
    ----------
    weights : dict of str -> np.ndarray [float32]
    dilations : tuple of int
        One per convolution block (three taps each, at ``t - 2d, t - d, t``).
    delay : int
        Output frames lag the input by this many 20 ms frames (the lookahead).
    path : Path
    closure : float
        Closure evidence at a local peak that shuts the lips (:func:`closures`), chosen
        on the development recordings (``training/dev.py``) for this model, or for the
        models of :func:`offline_models` when it leads them.
    rounding : float
        Gain on rounded lips (negative spread), chosen the same way: the model's rounded
        vowels come out nearer neutral than the phoneme table's (its labels are blurred
        by alignment), and rounding is what tells "oo" from a slack mouth.
    """

    weights: dict
    dilations: tuple
    delay: int
    path: Path
    closure: float = _CLOSURE
    rounding: float = 1.0

    @property
    def n_parameters(self) -> int:
        return int(sum(w.size for name, w in self.weights.items() if name not in ("mean", "std")))

    @property
    def lookahead(self) -> float:
        """Seconds of sound after a frame's instant that its controls depend on."""
        # Output j is the instant (2j + 1) * HOP; its last input window ends at (2j + 1.5) * HOP + WIN / 2.
        return self.delay * 2 / FEATURE_RATE + (HOP // 2 + WIN // 2) / SR

    def run(self, features: np.ndarray, states: list | None = None) -> tuple:
        """Forward pass over 50 Hz input frames (pairs of normalised 100 Hz feature frames).

        Parameters
        ----------
        features : np.ndarray [shape=(n, 2 * N_MELS), float32]
        states : list of np.ndarray, optional
            Each block's last ``2 * d`` input frames from the previous call (streaming);
            default silence before the start.

        Returns
        -------
        (outputs [shape=(n, 5 + 9), float32], new states)
        """
        w = self.weights
        h = features @ w["in_w"] + w["in_b"]
        if states is None:
            states = self.initial_states()
        new_states = []
        for i, (d, state) in enumerate(zip(self.dilations, states)):
            x = np.concatenate([state, h])
            new_states.append(x[len(x) - 2 * d :])
            n = len(h)
            conv = x[: n] @ w[f"b{i}_w0"] + x[d : d + n] @ w[f"b{i}_w1"] + x[2 * d : 2 * d + n] @ w[f"b{i}_w2"]
            h = h + np.maximum(conv + w[f"b{i}_b"], 0.0) @ w[f"b{i}_pw"] + w[f"b{i}_pb"]
        return np.maximum(h, 0.0) @ w["out_w"] + w["out_b"], new_states

    def initial_states(self) -> list:
        """Block states as if the model had heard digital silence for ever."""
        silence = np.tile(self.normalise(np.full((1, N_MELS), np.log10(FLOOR), np.float32)), (1, 2))
        h = silence @ self.weights["in_w"] + self.weights["in_b"]
        states = []
        for i, d in enumerate(self.dilations):
            states.append(np.repeat(h, 2 * d, axis=0))
            w = self.weights
            conv = h @ (w[f"b{i}_w0"] + w[f"b{i}_w1"] + w[f"b{i}_w2"])
            h = h + np.maximum(conv + w[f"b{i}_b"], 0.0) @ w[f"b{i}_pw"] + w[f"b{i}_pb"]
        return states

    def normalise(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.weights["mean"]) / self.weights["std"]).astype(np.float32)


def offline_models() -> tuple:
    """The packaged models recordings are analysed with: the offline one (which leads:
    its closure threshold and rounding gain are the four's), the live one, and the second
    training run's pair."""
    return (load_mouth_model(), load_mouth_model(live=True), *(load_mouth_model(p) for p in SECOND_RUN_PATHS))


def load_mouth_model(path=None, *, live: bool = False) -> MouthModel:
    """Load a mouth model's weights.

    Parameters
    ----------
    path : str or Path, optional
        Default the packaged offline model (``data/mouth_model.npz``), or with ``live``
        the streaming one (``data/mouth_stream.npz``).
    live : bool

    Raises
    ------
    ModelError
        When the file is missing, unreadable or not a mouth model; the message names it.
    """
    if path is None:
        path = STREAM_MODEL_PATH if live else MODEL_PATH
    return _load(str(Path(path)))


@contextmanager
def weights_file(file: Path, *, what: str, instead: str):
    """The arrays of the weights file ``file`` (``what``: "mouth model", ...) as a dict. A
    missing file, or any error reading or checking it inside the ``with`` block, is a one-line
    ModelError naming the file and saying to reinstall or to use ``instead``."""
    if not file.is_file():
        raise ModelError(f"{what} not found: {file}; reinstall talkingphoto or use {instead}")
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        yield arrays
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise ModelError(f"{what} {file} is damaged ({exc}); reinstall talkingphoto or use {instead}") from exc


@lru_cache(maxsize=8)
def _load(path: str) -> MouthModel:
    file = Path(path)
    with weights_file(file, what="mouth model", instead="--mouth signal") as arrays:
        weights = {name: array.astype(np.float32) for name, array in arrays.items() if name != "config"}
        config = json.loads(str(arrays["config"]))
        dilations = tuple(int(d) for d in config["dilations"])
        delay = int(config["delay"])
        closure = float(config.get("closure", _CLOSURE))
        rounding = float(config.get("rounding", 1.0))
        model = MouthModel(weights=weights, dilations=dilations, delay=delay, path=file, closure=closure,
                           rounding=rounding)  # fmt: skip
        _check(model)
    return model


def _check(model: MouthModel) -> None:
    w = model.weights
    width = w["in_w"].shape[1]
    expected = {"mean": (N_MELS,), "std": (N_MELS,), "in_w": (2 * N_MELS, width), "in_b": (width,),
                "out_w": (width, len(CONTROLS) + len(VISEMES)), "out_b": (len(CONTROLS) + len(VISEMES),)}  # fmt: skip
    for i in range(len(model.dilations)):
        expected |= {f"b{i}_w{k}": (width, width) for k in range(3)}
        expected |= {f"b{i}_b": (width,), f"b{i}_pw": (width, width), f"b{i}_pb": (width,)}
    for name, shape in expected.items():
        if name not in w:
            raise KeyError(f"no array {name!r}")
        if w[name].shape != shape or not np.all(np.isfinite(w[name])):
            raise ValueError(f"array {name!r} has shape {w[name].shape} (want {shape}) or non-finite values")
    if not all(d > 0 for d in model.dilations) or model.delay < 0 or not 0 < model.closure <= 1:
        raise ValueError("dilations must be > 0, delay >= 0 and closure in (0, 1]")
    if not 1 <= model.rounding <= 4:
        raise ValueError(f"rounding must be in [1, 4], got {model.rounding}")


@dataclass(frozen=True)
class LearnedMouth:
    """The model's per-frame output at 50 Hz, before jaw dynamics.

    Attributes
    ----------
    rate : float
        Frames per second (50); frame ``j`` is the instant ``(j + 0.5) / rate``.
    controls : np.ndarray [shape=(n, 5), float32]
        open 0..1, spread -1..1, press 0..1, fv 0..1, tongue 0..1.
    visemes : np.ndarray [shape=(n, 9), float32]
        Probabilities of Rhubarb's shapes in :data:`VISEMES` order.
    """

    rate: float
    controls: np.ndarray
    visemes: np.ndarray


def _heads(raw: np.ndarray) -> tuple:
    """Network outputs -> (controls, viseme probabilities)."""
    k = len(CONTROLS)
    sig = 1.0 / (1.0 + np.exp(-raw[:, :k]))
    controls = sig.copy()
    controls[:, 1] = 2.0 * sig[:, 1] - 1.0  # spread: tanh through the sigmoid
    logits = raw[:, k:] - raw[:, k:].max(1, keepdims=True)
    p = np.exp(logits)
    return controls.astype(np.float32), (p / p.sum(1, keepdims=True)).astype(np.float32)


def _rounded(controls: np.ndarray, gain: float) -> np.ndarray:
    """``controls`` with their rounding (negative spread) scaled by ``gain``, to at most -1."""
    spread = controls[:, 1]
    controls[:, 1] = np.where(spread < 0, np.maximum(gain * spread, -1.0), spread)
    return controls


def learned_mouth(y: np.ndarray, *, sr: int, model=None) -> LearnedMouth:
    """Run the mouth model (or the mean of several) over a whole recording.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
        Mono speech or singing, any sample rate from 8 kHz (telephone) up.
    sr : int
    model : MouthModel or sequence of MouthModel, optional
        Default :func:`offline_models`; several models' controls and viseme
        probabilities are averaged, and the first model's rounding gain applies.

    Returns
    -------
    LearnedMouth
        ``ceil(duration * 50)`` frames.
    """
    models = _models(model)
    y16 = _heard(y, sr)
    n_out = math.ceil(len(y16) / (2 * HOP))
    return _mouth_of(log_mel(y16, n_frames=2 * (n_out + max(m.delay for m in models))), n_out, models)


def _heard(y: np.ndarray, sr: int) -> np.ndarray:
    """A whole recording as the models hear it: mono at SR, a far too quiet one raised
    (media.lift_quiet). A live stream (MouthStream) is heard as it comes."""
    return lift_quiet(mono_at(y, sr=sr, target_sr=SR), sr=SR)


def _mouth_of(mel: np.ndarray, n_out: int, models: tuple) -> LearnedMouth:
    """The models' mean over log-mel frames ``mel`` (100 Hz, at least ``2 * (n_out +
    delay)`` of them for every model's ``delay``): ``n_out`` 50 Hz frames."""
    controls, visemes = 0.0, 0.0
    for m in models:
        # The model's outputs trail its input by `delay` frames: feed that much more (silence).
        n_in = n_out + m.delay
        raw, _ = m.run(m.normalise(mel[: 2 * n_in]).reshape(n_in, 2 * N_MELS))
        c, v = _heads(raw[m.delay :])
        controls, visemes = controls + c / len(models), visemes + v / len(models)
    controls = _rounded(np.asarray(controls, np.float32).reshape(n_out, len(CONTROLS)), models[0].rounding)
    return LearnedMouth(rate=FEATURE_RATE / 2, controls=controls,
                        visemes=np.asarray(visemes, np.float32).reshape(n_out, len(VISEMES)))  # fmt: skip


def song_mouth(y: np.ndarray, *, sr: int, model=None) -> LearnedMouth:
    """:func:`learned_mouth` of a voice over music: the model hears the voice apart from its
    backing (:func:`voice.song_voice` and the learned mask of :mod:`._song`), and where no
    voice sings the mouth rests (opening, lip shapes and closures fade with the voice's
    presence; the likeliest shape becomes X)."""
    from ..voice._music import song_voice
    from ._song import song_features

    models = _models(model)
    y16 = _heard(y, sr)
    n_out = math.ceil(len(y16) / (2 * HOP))
    # The mask hears the recording's own frames (it never heard the digital silence after
    # one end); the models hear that silence after them as before.
    n_sound = math.ceil(len(y16) / HOP)
    voice = log_mel(y16, n_frames=2 * (n_out + max(m.delay for m in models)))
    voice[:n_sound], presence = song_features(voice[:n_sound], log_mel(song_voice(y16, sr=SR).y, n_frames=n_sound))
    mouth = _mouth_of(voice, n_out, models)
    presence = presence[:n_out]
    rest = np.zeros(len(VISEMES), np.float32)
    rest[VISEMES.index("X")] = 1.0
    return LearnedMouth(rate=mouth.rate, controls=mouth.controls * presence[:, None],
                        visemes=presence[:, None] * mouth.visemes + (1 - presence[:, None]) * rest)  # fmt: skip


def _models(model) -> tuple:
    if model is None:
        return offline_models()
    models = (model,) if isinstance(model, MouthModel) else tuple(model)
    if not models or not all(isinstance(m, MouthModel) for m in models):
        raise ParameterError(f"model must be a MouthModel or a sequence of them, got {model!r}")
    return models


def learned_mouth_track(
    y: np.ndarray, *, sr: int, fps: float, n_frames: int | None = None, model=None, music: bool = False
) -> MouthTrack:
    """Mouth shape for every video frame of a recording, from the learned model.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,), float, range -1..1]
    sr : int
    fps : float
    n_frames : int, optional
        Default ``ceil(duration * fps)``; frame ``i`` is the instant ``(i + 0.5) / fps``.
    model : MouthModel or sequence of MouthModel, optional
        Default :func:`offline_models`; the first model's closure threshold applies.
    music : bool
        ``y`` is a voice over music (a song with its backing track): see :func:`song_mouth`.

    Returns
    -------
    MouthTrack
        With :func:`jaw_dynamics` applied.
    """
    model = _models(model)
    if not (isinstance(fps, (int, float, np.integer, np.floating)) and 0 < fps <= 1000):
        raise ParameterError(f"fps must be a positive number of frames per second, got {fps!r}")
    out = (song_mouth if music else learned_mouth)(y, sr=sr, model=model)
    if n_frames is None:
        n_frames = math.ceil(len(np.asarray(y)) / sr * fps - 1e-9)
    return frame_track(out, fps=fps, n_frames=n_frames, threshold=model[0].closure)


def frame_track(mouth: LearnedMouth, *, fps: float, n_frames: int, threshold: float) -> MouthTrack:
    """``mouth``'s controls at video frames, lips shut at its :func:`closures` over
    ``threshold``, moved by :func:`jaw_dynamics` (see :func:`learned_mouth_track`)."""
    controls = _at_frames(mouth.controls, rate=mouth.rate, fps=fps, n_frames=n_frames)
    for j in closures(mouth, threshold=threshold):
        i = int((j + 0.5) / mouth.rate * fps)
        if i < n_frames:
            controls[i, 2] = 1.0
    return jaw_dynamics(controls, fps=fps)


def closures(mouth: LearnedMouth, *, threshold: float = _CLOSURE) -> np.ndarray:
    """50 Hz frames where the lips shut for M/B/P: peaks of the closure evidence.

    The model's ``press`` is soft where it is unsure, and a lip-reader notices a closure
    that does not quite close; so every clear local peak (over +-60 ms) of
    ``max(press, P(A))`` at or above ``threshold`` becomes a full closure of the video
    frame that holds it, unless the model's likeliest shape there has the lips apart
    (:data:`_CLOSABLE`): a false peak would snap the lips shut on a vowel or an F.
    """
    if len(mouth.controls) == 0:
        return np.zeros(0, int)
    evidence = np.maximum(mouth.controls[:, 2], mouth.visemes[:, VISEMES.index("A")])
    peak = ndimage.maximum_filter1d(evidence, size=2 * _CLOSURE_SPAN + 1, mode="nearest")
    closable = np.isin(mouth.visemes.argmax(axis=1), _CLOSABLE)
    return np.nonzero((evidence >= peak) & (evidence >= threshold) & closable)[0]


def _at_frames(controls: np.ndarray, *, rate: float, fps: float, n_frames: int) -> np.ndarray:
    """Controls at video frame instants by linear interpolation; press keeps its peaks.

    A 60 ms closure must still shut the lips when 25 fps frame instants fall either side
    of its peak: each video frame takes the largest press over its own span.
    """
    n = len(controls)
    if n == 0:
        return np.zeros((n_frames, len(CONTROLS)), np.float32)
    grid = (np.arange(n) + 0.5) / rate
    t = (np.arange(n_frames) + 0.5) / fps
    out = np.stack([np.interp(t, grid, controls[:, k]) for k in range(controls.shape[1])], axis=1)
    lo = np.clip(np.floor(np.arange(n_frames) / fps * rate).astype(int), 0, n - 1)
    hi = np.clip(np.ceil(np.arange(1, n_frames + 1) / fps * rate).astype(int), lo + 1, n)
    out[:, 2] = [max(p, controls[a:b, 2].max()) for p, a, b in zip(out[:, 2], lo, hi)]
    return out.astype(np.float32)


def jaw_dynamics(controls: np.ndarray, *, fps: float) -> MouthTrack:
    """A jaw with mass: limit how fast the opening changes between video frames.

    Parameters
    ----------
    controls : np.ndarray [shape=(n_frames, 5), float]
        open, spread, press, fv, tongue per video frame.
    fps : float

    Returns
    -------
    MouthTrack
        ``open`` falls by at most 0.45 of its range per 40 ms and rises by at most 0.6
        (wide to closed takes about three frames at 25 fps). The limit is applied forwards
        (closing late) and backwards (closing early, as lips anticipate the next sound)
        and the two are averaged, so the track is not delayed. Lips still shut at once:
        ``press`` overrides ``open`` in the renderer.
    """
    controls = np.asarray(controls, dtype=np.float64)
    step = 25.0 / float(fps)
    fall, rise = _MAX_FALL * step, _MAX_RISE * step
    target = controls[:, 0]
    late, early = target.copy(), target.copy()
    for i in range(1, len(target)):
        late[i] = np.clip(late[i], late[i - 1] - fall, late[i - 1] + rise)
    for i in range(len(target) - 2, -1, -1):
        early[i] = np.clip(early[i], early[i + 1] - rise, early[i + 1] + fall)
    opening = 0.5 * (late + early)
    return MouthTrack(fps=float(fps), open=opening, spread=controls[:, 1], press=controls[:, 2],
                      fv=controls[:, 3], tongue=controls[:, 4])  # fmt: skip


class MouthStream:
    """Live analysis: feed audio chunks, get the mouth controls of the frames now decided.

    Every 20 ms frame is decided once the sound up to ``model.lookahead`` (at most 80 ms
    with the streaming model) after it has arrived; its values equal those of
    :func:`learned_mouth` with the same model on the whole recording (up to float
    rounding) when fed 16 kHz audio at an ordinary level (a whole recording made far too
    quietly is heard raised, which a stream cannot know in advance).

    Parameters
    ----------
    sr : int
        Sample rate of the chunks; other rates than 16 kHz go through a causal resampler.
    model : MouthModel, optional
        Default the packaged streaming model; any model works, with its own lookahead.
    """

    def __init__(self, *, sr: int = SR, model: MouthModel | None = None):
        self.model = load_mouth_model(live=True) if model is None else model
        check_sample_rate(sr)
        self.sr = int(sr)
        self._resampler = None if self.sr == SR else _StreamResampler(self.sr, SR)
        self._audio = np.zeros(0, np.float32)  # 16 kHz samples not yet consumed by the features
        self._offset = 0  # absolute index of self._audio[0]
        self._next_pair = 0  # next 50 Hz input frame to compute
        self._states = self.model.initial_states()
        self._emitted = 0

    def feed(self, chunk: np.ndarray) -> LearnedMouth:
        """Add a chunk of mono audio; return the frames decided by it (possibly none)."""
        chunk = np.asarray(chunk, dtype=np.float32).reshape(-1)
        if self._resampler is not None:
            chunk = self._resampler(chunk)
        self._audio = np.concatenate([self._audio, chunk])
        end = self._offset + len(self._audio)
        # 50 Hz input frame j needs 100 Hz frames 2j and 2j + 1, whose last window ends
        # at sample (2j + 1.5) * HOP + WIN / 2.
        ready = max(0, (end - WIN // 2 - 3 * HOP // 2) // (2 * HOP) + 1)
        return self._advance(ready)

    def flush(self) -> LearnedMouth:
        """End of the sound: decide the remaining frames as if silence followed."""
        n_out = math.ceil((self._offset + len(self._audio)) / (2 * HOP))
        return self._advance(n_out + self.model.delay, limit=n_out)

    def _advance(self, ready: int, limit: int | None = None) -> LearnedMouth:
        model = self.model
        n = ready - self._next_pair
        raw = np.zeros((0, len(CONTROLS) + len(VISEMES)), np.float32)
        if n > 0:
            features = log_mel(self._audio, start=2 * self._next_pair, n_frames=2 * n, offset=self._offset)
            raw, self._states = model.run(model.normalise(features).reshape(n, 2 * N_MELS), self._states)
            self._next_pair = ready
            keep = max(0, 2 * ready * HOP + HOP // 2 - WIN // 2 - self._offset)  # first sample still needed
            self._audio = self._audio[keep:]
            self._offset += keep
        # Output j describes frame j - delay: the first `delay` outputs come before the start.
        made_before = self._next_pair - len(raw)
        raw = raw[max(0, model.delay - made_before) :]
        if limit is not None:
            raw = raw[: max(0, limit - self._emitted)]
        self._emitted += len(raw)
        controls, visemes = _heads(raw)
        return LearnedMouth(rate=FEATURE_RATE / 2, controls=_rounded(controls, model.rounding), visemes=visemes)


class _StreamResampler:
    """Causal resampling for live input: a low-pass IIR with kept state, then linear
    interpolation at the target instants (one input sample of delay)."""

    def __init__(self, sr_in: int, sr_out: int):
        self.ratio = sr_in / sr_out
        cutoff = 0.45 * min(sr_in, sr_out)
        self.sos = signal.butter(8, cutoff, fs=sr_in, output="sos")
        self.zi = np.zeros((self.sos.shape[0], 2))
        self.n_in = 0  # input samples seen
        self.n_out = 0  # output samples made
        self.last = np.zeros(1, np.float64)  # the previous chunk's last filtered sample

    def __call__(self, chunk: np.ndarray) -> np.ndarray:
        filtered, self.zi = signal.sosfilt(self.sos, chunk.astype(np.float64), zi=self.zi)
        joined = np.concatenate([self.last, filtered])  # joined[0] is input sample n_in - 1
        self.n_in += len(chunk)
        available = (self.n_in - 1) / self.ratio  # last output instant covered
        count = max(0, int(math.floor(available)) + 1 - self.n_out)
        t = (self.n_out + np.arange(count)) * self.ratio - (self.n_in - len(chunk) - 1)
        out = np.interp(t, np.arange(len(joined)), joined)
        self.n_out += count
        self.last = filtered[-1:] if len(filtered) else self.last
        return out.astype(np.float32)
