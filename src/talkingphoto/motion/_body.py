"""Master mode's body and camera: breathing, posture shifts on emphasis, a slow camera.

The body moves as one layer pivoting at the bottom of the picture (the hips sit below the
frame in a portrait; with several characters, each body about its own): breathing lifts
the shoulders and head, emphasis leans the speaker in, and an idle sway keeps a pause
from freezing. The camera pushes in on the faces over
the first dozen seconds while drifting sideways; the background follows it less than the
character does, which reads as depth. ``strength`` scales all of it (0 = a still shot).
"""

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ._breath import breath_track
from ._envelope import attack_release, smooth_noise, speech_dynamics
from ._tracks import Prosody

__all__ = ["BodyMotion", "body_motion"]

MAX_SWAY = 2.5  # degrees, a soft limit at any strength
# At strength 1 the camera starts 3% in (room to drift) and pushes in 8% more, easing in
# and out over PUSH_SECONDS; then it only drifts.
START_ZOOM, PUSH_IN, PUSH_SECONDS = 1.03, 0.08, 12.0


@dataclass(frozen=True)
class BodyMotion:
    """Per-frame controls of the body layer and the camera.

    Attributes
    ----------
    fps : float
    breath : np.ndarray [shape=(n_frames,), float32, 0..1]
        How high breathing lifts the shoulders: 0 = breathed out, 0.5 = a full breath at
        strength 1, 1 = one at strength 2. The heads follow it too (see face_motion).
    sway : np.ndarray [shape=(n_frames,), float32, degrees]
        Rotation of the body about its base; positive turns clockwise on the image.
    lean : np.ndarray [shape=(n_frames,), float32, 0..1]
        Leaning in towards the camera on emphasis: up to 0.5 at strength 1, 1 at 2.
    zoom : np.ndarray [shape=(n_frames,), float32, >= 1]
        Camera magnification of the character layer.
    pan_x, pan_y : np.ndarray [shape=(n_frames,), float32]
        Camera offset as a fraction of the frame's width and height; never more than the
        zoom leaves room for (0.8 of ``(zoom - 1) / 2``), so no edge of the picture ever
        shows.
    """

    fps: float
    breath: np.ndarray
    sway: np.ndarray
    lean: np.ndarray
    zoom: np.ndarray
    pan_x: np.ndarray
    pan_y: np.ndarray

    @property
    def n_frames(self) -> int:
        return len(self.breath)


def _ease(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _camera(rng: np.random.Generator, n: int, *, fps: float, strength: float) -> tuple:
    """A push-in with a sideways drift that stays inside the picture: the drift starts to
    one side and crosses over as the camera moves in, wandering a little on the way."""
    t = np.arange(n) / fps
    zoom = 1 + strength * (START_ZOOM - 1 + PUSH_IN * _ease(t / PUSH_SECONDS))
    room = 0.5 * (zoom - 1)  # largest offset that keeps the picture's edges out of view
    across = rng.choice([-1.0, 1.0]) * (2 * _ease(t / PUSH_SECONDS) - 1)
    pan_x = np.clip(room * (0.5 * across + 0.3 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.06)), -0.8 * room, 0.8 * room)
    pan_y = np.clip(0.3 * room * smooth_noise(rng, n, fps=fps, cutoff_hz=0.06), -0.8 * room, 0.8 * room)
    return zoom, pan_x, pan_y


def body_motion(prosody: Prosody, *, seed: int = 0, strength: float = 1.0) -> BodyMotion:
    """Body and camera for a speaking character, driven by ``prosody``.

    Emphasis (loud or high peaks) leans the speaker in and tips the body a little to one
    side, a different side each time; between phrases the body settles. The speaker
    breathes in quickly in the pauses before phrases and out while speaking (see
    breath_track).
    ``strength`` (0..2) scales breathing, sway, lean and the camera's travel.
    """
    if not strength >= 0:
        raise ParameterError(f"must be 0 or more (1 = default), got {strength}", option="motion")
    rng = np.random.default_rng(seed + 7919)  # independent of the face's generator
    n, fps = prosody.n_frames, prosody.fps
    emphasis = speech_dynamics(prosody).emphasis
    gesture = attack_release(np.where(emphasis > 0.35, emphasis, 0.0), attack=0.25 * fps, release=0.9 * fps)
    # Each gesture tips towards its own side, chosen as it starts from rest (so the side
    # never flips while the body is tipped).
    starts = np.flatnonzero(np.diff((gesture > 0.02).astype(int), prepend=0) > 0)
    side = np.zeros(n)
    for start in starts:
        side[start:] = rng.choice([-1.0, 1.0])
    idle = 0.35 * smooth_noise(rng, n, fps=fps, cutoff_hz=0.12)
    sway = MAX_SWAY * np.tanh(strength * (idle + 0.6 * gesture * side) / MAX_SWAY)
    zoom, pan_x, pan_y = _camera(rng, n, fps=fps, strength=strength)
    breath = 0.5 * strength * breath_track(rng, prosody.energy, fps=fps)
    return _pack(fps, breath, sway, 0.5 * strength * gesture, zoom, pan_x, pan_y)


def _pack(fps, breath, sway, lean, zoom, pan_x, pan_y) -> BodyMotion:
    tracks = [np.asarray(t, dtype=np.float32) for t in (breath, sway, lean, zoom, pan_x, pan_y)]
    breath, sway, lean, zoom, pan_x, pan_y = tracks
    return BodyMotion(fps, np.clip(breath, 0, 1), sway, np.clip(lean, 0, 1), zoom, pan_x, pan_y)
