"""Expressions: how a character feels, as per-frame controls of brows, lids, mouth corners,
head carriage and motion energy.

An expression is a small set of targets (see :data:`EXPRESSIONS`), scaled by a strength
and held until the next one; changes ease over about half a second, centred on the moment
they are asked for, so a face never snaps from one mood to another. ``neutral`` is the
picture's own face: every control zero, the motion as it is.
"""

from dataclasses import dataclass, replace

import numpy as np

from ..errors import ParameterError
from ._face import FaceMotion

__all__ = ["EXPRESSIONS", "Expression", "ExpressionTrack", "expression_track", "express_motion"]

EASE = 0.5  # seconds a change of expression takes


@dataclass(frozen=True)
class Expression:
    """Targets of one expression at full strength.

    Attributes
    ----------
    brow_raise : float, -1..1
        Whole brows up (+) or down (-).
    brow_inner : float, -1..1
        Inner ends of the brows up (+, worried or sad) or down and drawn together (-, a frown).
    squint : float, 0..1
        Lower lids pushed up by the cheeks (a real smile, a glare).
    lid_drop : float, -1..1
        Upper lids lowered (+, heavy or relaxed) or raised (-, eyes wide open).
    corner_lift : float, -1..1
        Mouth corners up (+, a smile) or down (-), at rest and while talking.
    pitch : float
        Head carriage in degrees, added to the head's motion: + chin down, - chin up.
    energy : float
        Multiplies the head's and brows' speech-driven motion (1 = as the voice drives it).
    """

    brow_raise: float = 0.0
    brow_inner: float = 0.0
    squint: float = 0.0
    lid_drop: float = 0.0
    corner_lift: float = 0.0
    pitch: float = 0.0
    energy: float = 1.0


EXPRESSIONS = {
    "neutral": Expression(),
    "happy": Expression(brow_raise=0.15, squint=0.6, corner_lift=1.0, pitch=-1.0, energy=1.15),
    "sad": Expression(brow_raise=-0.1, brow_inner=1.0, lid_drop=0.5, corner_lift=-0.8, pitch=4.0, energy=0.6),
    "surprised": Expression(brow_raise=1.0, brow_inner=0.2, lid_drop=-0.8, pitch=-2.0, energy=1.2),
    "angry": Expression(brow_raise=-0.7, brow_inner=-1.0, squint=0.4, lid_drop=0.3, corner_lift=-0.5, pitch=2.0, energy=1.2),
    "calm": Expression(squint=0.15, lid_drop=0.3, corner_lift=0.15, pitch=0.5, energy=0.6),
    "excited": Expression(brow_raise=0.6, squint=0.3, lid_drop=-0.4, corner_lift=0.9, pitch=-3.0, energy=1.35),
}
_CONTROLS = ("brow_raise", "brow_inner", "squint", "lid_drop", "corner_lift", "pitch", "energy")


@dataclass(frozen=True)
class ExpressionTrack:
    """Per-frame expression controls of one face (see :class:`Expression` for their meaning).

    Attributes
    ----------
    fps : float
    brow_raise, brow_inner, lid_drop, corner_lift : np.ndarray [shape=(n_frames,), float32, -1..1]
    squint : np.ndarray [shape=(n_frames,), float32, 0..1]
    pitch : np.ndarray [shape=(n_frames,), float32, degrees]
    energy : np.ndarray [shape=(n_frames,), float32, > 0]
    """

    fps: float
    brow_raise: np.ndarray
    brow_inner: np.ndarray
    squint: np.ndarray
    lid_drop: np.ndarray
    corner_lift: np.ndarray
    pitch: np.ndarray
    energy: np.ndarray

    @property
    def n_frames(self) -> int:
        return len(self.energy)


def expression_track(segments: list, *, n_frames: int, fps: float, strength: float = 1.0) -> ExpressionTrack:
    """Per-frame controls of a face whose expression changes at given frames.

    Parameters
    ----------
    segments : list of (start_frame, name)
        Each expression (a key of :data:`EXPRESSIONS`) holds from its start frame until the
        next one's; the first holds from frame 0 whatever its start.
    n_frames : int
    fps : float
    strength : float
        0..1: how far towards each expression's targets the face goes (0 = neutral).

    Returns
    -------
    ExpressionTrack
        Each change eases over :data:`EASE` seconds centred on its frame (a smoothstep-like
        curve: a convolution of the steps with a Hann window that long).
    """
    if not segments:
        raise ParameterError("an expression track needs at least one (start_frame, name) segment")
    unknown = sorted({name for _, name in segments} - set(EXPRESSIONS))
    if unknown:
        raise ParameterError(f"must be one of {', '.join(EXPRESSIONS)}, got {unknown[0]!r}", option="expression")
    order = sorted(segments, key=lambda s: s[0])
    targets = {name: np.zeros(n_frames) for name in _CONTROLS}
    for k, (start, name) in enumerate(order):
        begin = 0 if k == 0 else int(np.clip(start, 0, n_frames))
        end = n_frames if k + 1 == len(order) else int(np.clip(order[k + 1][0], 0, n_frames))
        expression = EXPRESSIONS[name]
        for control in _CONTROLS:
            value = getattr(expression, control)
            scaled = 1 + strength * (value - 1) if control == "energy" else strength * value
            targets[control][begin:end] = scaled
    width = max(1, int(round(EASE * fps)))
    window = np.hanning(width + 2)[1:-1]
    window /= window.sum()
    pad = width // 2 + 1

    def eased(x):
        if np.all(x == x[0]):
            return x  # nothing changes: exactly the target, no rounding
        padded = np.pad(x, pad, mode="edge")
        return np.convolve(padded, window, mode="same")[pad : pad + n_frames]

    return ExpressionTrack(fps, *(eased(targets[c]).astype(np.float32) for c in _CONTROLS))


def express_motion(motion: FaceMotion, expression: ExpressionTrack) -> FaceMotion:
    """``motion`` with an expression's carriage and energy on top.

    The head's turns, nods and tilts and the brows' emphasis are scaled by the energy; the
    head's pitch is offset by the expression's carriage (sad hangs the head, excited lifts
    it). Blinks, gaze and the slow sway are left as they are.
    """
    energy = expression.energy
    return replace(
        motion,
        brow=np.clip(motion.brow * energy, 0, 1).astype(np.float32),
        yaw=(motion.yaw * energy).astype(np.float32),
        pitch=(motion.pitch * energy + expression.pitch).astype(np.float32),
        roll=(motion.roll * energy).astype(np.float32),
    )
