"""Per-frame control tracks: the contract between sound analysis and rendering."""

from dataclasses import dataclass, fields

import numpy as np

__all__ = ["MouthTrack", "Prosody", "place_tracks", "mix_prosody"]


def _as_track(values, name: str, n_frames: int, lo: float, hi: float) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float32)
    if arr.shape != (n_frames,):
        raise ValueError(f"{name} must have shape ({n_frames},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return np.clip(arr, lo, hi)


@dataclass(frozen=True)
class MouthTrack:
    """Mouth shape for every video frame.

    Attributes
    ----------
    fps : float
        Frames per second of the track.
    open : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1]
        Inner-lip gap: 0 = lips touching, 1 = widest natural opening
        (gap about 0.6 x mouth width). Absolute, not relative to the photo.
    spread : np.ndarray [shape=(n_frames,), dtype=float32, range -1..1]
        +1 = lips spread wide (EE), -1 = rounded and puckered (OO, W).
    press : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1]
        1 = lips pressed shut (M, B, P); overrides ``open``.
    fv : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1], optional
        1 = lower lip tucked under the upper teeth (F, V). Zeros when not given.
    tongue : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1], optional
        1 = tongue tip visible behind the upper teeth (L, TH). Zeros when not given.
    """

    fps: float
    open: np.ndarray
    spread: np.ndarray
    press: np.ndarray
    fv: np.ndarray | None = None
    tongue: np.ndarray | None = None

    def __post_init__(self):
        n = len(np.asarray(self.open))
        object.__setattr__(self, "open", _as_track(self.open, "open", n, 0.0, 1.0))
        object.__setattr__(self, "spread", _as_track(self.spread, "spread", n, -1.0, 1.0))
        object.__setattr__(self, "press", _as_track(self.press, "press", n, 0.0, 1.0))
        for name in ("fv", "tongue"):
            values = getattr(self, name)
            values = np.zeros(n, np.float32) if values is None else _as_track(values, name, n, 0.0, 1.0)
            object.__setattr__(self, name, values)

    @property
    def n_frames(self) -> int:
        return len(self.open)


@dataclass(frozen=True)
class Prosody:
    """Voice dynamics for every video frame, used to drive head, brows and blinks.

    Attributes
    ----------
    fps : float
    energy : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1]
        Loudness normalised over the recording (0 = silence, 1 = loudest speech).
    pitch : np.ndarray [shape=(n_frames,), dtype=float32]
        Fundamental frequency in semitones relative to the speaker's median; 0 where unvoiced.
    voiced : np.ndarray [shape=(n_frames,), dtype=float32, range 0..1]
        Probability that the frame holds voiced speech or singing.
    """

    fps: float
    energy: np.ndarray
    pitch: np.ndarray
    voiced: np.ndarray

    def __post_init__(self):
        n = len(np.asarray(self.energy))
        object.__setattr__(self, "energy", _as_track(self.energy, "energy", n, 0.0, 1.0))
        object.__setattr__(self, "pitch", _as_track(self.pitch, "pitch", n, -48.0, 48.0))
        object.__setattr__(self, "voiced", _as_track(self.voiced, "voiced", n, 0.0, 1.0))

    @property
    def n_frames(self) -> int:
        return len(self.energy)


def place_tracks(pieces: list, *, n_frames: int):
    """One track of ``n_frames`` frames from pieces laid at their start frames, zero
    (closed mouth, silence) between them.

    Parameters
    ----------
    pieces : list of (start_frame, MouthTrack or Prosody)
        All of one kind and frame rate; a piece running past ``n_frames`` is cut.
    """
    kind, fps = type(pieces[0][1]), pieces[0][1].fps
    names = [f.name for f in fields(kind) if f.name != "fps"]
    laid = {name: np.zeros(n_frames, np.float32) for name in names}
    for start, track in pieces:
        n = max(0, min(track.n_frames, n_frames - start))
        for name in names:
            laid[name][start : start + n] = getattr(track, name)[:n]
    return kind(fps, **laid)


def mix_prosody(voices: list) -> Prosody:
    """The voice of a whole conversation from each speaker's (silent outside their turns):
    the loudest energy and voicing, and the pitch of whoever speaks."""
    return Prosody(
        voices[0].fps,
        np.max([v.energy for v in voices], axis=0),
        np.sum([v.pitch for v in voices], axis=0),
        np.max([v.voiced for v in voices], axis=0),
    )
