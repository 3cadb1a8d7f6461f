"""Training the song voice mask: what it trains is what runs, and a short run learns."""

import numpy as np
import pytest

pytest.importorskip("optax")

import jax  # noqa: E402

from talkingphoto.motion._song import VoiceMask, load_voice_mask, mask_inputs  # noqa: E402
from training import voice_mask  # noqa: E402


def test_the_trained_net_is_the_one_that_runs(tmp_path):
    rng = np.random.default_rng(0)
    params = voice_mask.init_mask(jax.random.PRNGKey(1), 80, 40)
    x = rng.normal(0.0, 1.0, (1, 300, 80)).astype(np.float32)
    trained = np.asarray(voice_mask.mask_forward(params, x))[0]
    weights = {name: np.asarray(value, np.float32) for name, value in params.items()}
    np.testing.assert_allclose(VoiceMask(weights, path=tmp_path)(x[0]), trained, atol=1e-5)


def test_a_short_training_run_learns_and_writes_a_mask_that_loads(tmp_path):
    # Three made-up "songs" whose voice owns the upper bands: the mask learns to give them to it.
    rng = np.random.default_rng(2)
    arrays = {}
    for k in range(3):
        n = 500
        voice = np.full((n, 40), -9.0)
        voice[:, 20:] = rng.uniform(-3, -1, (n, 20))
        music = np.full((n, 40), -9.0)
        music[:, :20] = rng.uniform(-3, -1, (n, 20))
        mix = np.log10(10.0**voice + 10.0**music)
        arrays |= {f"m{k}": mix, f"r{k}": mix, f"v{k}": voice, f"b{k}": music}
    np.savez(tmp_path / "songs.npz", **{k: v.astype(np.float16) for k, v in arrays.items()})
    weights = voice_mask.train([tmp_path / "songs.npz"], steps=150, batch=2, log=lambda _: None)
    np.savez(tmp_path / "mask.npz", **weights)
    mix = arrays["m0"].astype(np.float32)
    share = load_voice_mask(tmp_path / "mask.npz")(mask_inputs(mix, mix))
    assert share.shape == (500, 40) and share[:, 20:].mean() > 0.8 and share[:, :20].mean() < 0.2
