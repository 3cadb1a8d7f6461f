"""Training's options against overfitting: dropout in training only, SpecAugment's masks, weight decay."""

import json

import numpy as np
import pytest

pytest.importorskip("optax")

import jax  # noqa: E402

from talkingphoto.motion._learned import N_MELS  # noqa: E402
from training import model as net  # noqa: E402
from training import train  # noqa: E402


def test_dropout_changes_training_outputs_only():
    params = net.init(jax.random.PRNGKey(0), width=16)
    x = np.random.default_rng(0).normal(0.0, 1.0, (2, net.receptive_field() + 30, 2 * N_MELS)).astype(np.float32)
    plain = np.asarray(net.forward(params, x))  # what the runtime computes
    key = jax.random.PRNGKey(1)
    assert np.array_equal(np.asarray(net.forward(params, x, dropout=0.0, key=key)), plain)
    dropped = np.asarray(net.forward(params, x, dropout=0.3, key=key))
    assert dropped.shape == plain.shape
    assert np.abs(dropped - plain).mean() > 0.05 * np.abs(plain).mean()
    assert np.array_equal(np.asarray(net.forward(params, x, dropout=0.3, key=key)), dropped)
    other = np.asarray(net.forward(params, x, dropout=0.3, key=jax.random.PRNGKey(2)))
    assert not np.allclose(other, dropped)
    # Inverted dropout: averaged over many draws the outputs stay near the runtime's.
    mean = np.mean([net.forward(params, x, dropout=0.3, key=jax.random.PRNGKey(k)) for k in range(60)], axis=0)
    assert np.abs(mean - plain).mean() < 0.3 * np.abs(dropped - plain).mean()


def test_spec_masks_flatten_a_few_bands_and_moments_and_keep_the_crop():
    rng = np.random.default_rng(3)
    x = np.random.default_rng(4).normal(-4.0, 1.0, (50, 120, 2, N_MELS)).astype(np.float32)
    before = x.copy()
    out = train.spec_masks(x, rng)
    assert np.array_equal(x, before)  # the input is not touched
    assert out.shape == x.shape and out.dtype == np.float32
    mean = x.mean(axis=(1, 2))  # [batch, N_MELS]
    bands = np.all(out == mean[:, None, None, :], axis=(1, 2))  # band at the crop's mean throughout
    frames = np.all(out == mean[:, None, None, :], axis=(2, 3))  # frame at the crop's mean in every band
    assert np.all((bands.sum(1) >= 1) & (bands.sum(1) <= train.SPEC_BANDS[0] * train.SPEC_BANDS[1]))
    assert np.all((frames.sum(1) >= 1) & (frames.sum(1) <= train.SPEC_FRAMES[0] * train.SPEC_FRAMES[1]))
    touched = bands[:, None, None, :] | frames[:, :, None, None]
    assert np.array_equal(out[~np.broadcast_to(touched, out.shape)], x[~np.broadcast_to(touched, x.shape)])
    assert bands.sum(1).std() > 0 and frames.sum(1).std() > 0  # widths are drawn


def _corpus(folder):
    rng = np.random.default_rng(5)
    n = 2000
    folder.mkdir()
    np.savez(folder / "base-espeak.npz", features=rng.normal(-4, 1, (2 * n, N_MELS)).astype(np.float16),
             controls=rng.random((n, 5)).astype(np.float16), visemes=rng.integers(0, 9, n).astype(np.int8))  # fmt: skip
    return folder


@pytest.mark.slow
def test_options_reach_the_training_and_are_recorded(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    common = ["--steps", "2", "--batch", "2", "--seed", "0", "--corpus", str(corpus)]
    train.main(["--out", str(tmp_path / "plain.npz"), *common])
    options = ["--dropout", "0.2", "--weight-decay", "0.5", "--spec-masks"]
    train.main(["--out", str(tmp_path / "reg.npz"), *common, *options])
    plain, _, _, plain_config = net.load(tmp_path / "plain.npz")
    reg, _, _, reg_config = net.load(tmp_path / "reg.npz")
    recorded = ("dropout", "weight_decay", "spec_masks")
    assert [plain_config["info"][k] for k in recorded] == [0.0, 1e-4, False]  # the defaults: as shipped
    assert [reg_config["info"][k] for k in recorded] == [0.2, 0.5, True]
    assert json.dumps(reg_config["dilations"]) == json.dumps(plain_config["dilations"])
    assert any(not np.allclose(plain[k], reg[k]) for k in plain)
