"""Training's random channel: a smooth EQ on sound, silence left alone, bands masked now and then."""

import numpy as np
import pytest

pytest.importorskip("optax")

from talkingphoto.motion._learned import FLOOR, N_MELS  # noqa: E402
from training.train import EQ_SPREAD, random_channel  # noqa: E402


def test_random_channel_keeps_silence_and_bends_sound_smoothly():
    rng = np.random.default_rng(0)
    x = np.full((64, 30, 2, N_MELS), -3.0, np.float32)
    x[:, :10] = np.log10(FLOOR)  # digital silence at the start of every crop
    out = random_channel(x, rng)
    assert out.shape == x.shape and out.dtype == np.float32
    # Crops with no masked band: silence untouched, sound bent by one curve in every frame.
    masked = np.isclose(out.std(axis=(1, 2)), 0.0, atol=1e-4).any(axis=1)
    assert 0 < masked.sum() < len(x)
    out, x = out[~masked], x[~masked]
    assert np.array_equal(out[:, :10], x[:, :10])
    change = out[:, 10:] - x[:, 10:]
    assert np.all(np.abs(change - change[:, :1, :1]) < 1e-6)
    # Smooth across the bands, a few dB at most, and different between crops.
    curves = change[:, 0, 0]
    assert np.abs(np.diff(curves, axis=1)).max() < 0.1
    assert np.abs(curves).max() < 8 * EQ_SPREAD and curves.std(axis=0).mean() > 0.5 * EQ_SPREAD


def test_random_channel_masks_a_few_bands_in_some_crops():
    rng = np.random.default_rng(1)
    x = np.random.default_rng(2).normal(-4.0, 1.0, (200, 20, 2, N_MELS)).astype(np.float32)
    out = random_channel(x, rng)
    flat = np.isclose(out.std(axis=(1, 2)), 0.0, atol=1e-4)  # bands made constant over the crop
    masked = flat.any(axis=1)
    assert 0.15 < masked.mean() < 0.45
    assert flat.sum(axis=1).max() <= 3
