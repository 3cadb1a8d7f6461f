"""Envelope following shared by the mouth and face tracks."""

import numpy as np

__all__ = ["attack_release"]


def attack_release(x: np.ndarray, *, attack: float, release: float) -> np.ndarray:
    """One-pole follower with separate time constants (in samples) for rising and falling.

    A fast attack lets the mouth or brows react at once; a slower release keeps them from
    chattering.
    """
    a_up = 1.0 - np.exp(-1.0 / max(attack, 1e-6))
    a_down = 1.0 - np.exp(-1.0 / max(release, 1e-6))
    out = np.empty(len(x), dtype=np.float64)
    state = 0.0
    for i, value in enumerate(x):
        state += (a_up if value > state else a_down) * (value - state)
        out[i] = state
    return out
