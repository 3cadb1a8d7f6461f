"""The mouth model in JAX, for training; the same layout as the numpy runtime
(``talkingphoto.motion._learned.MouthModel``), to which :func:`save` writes it.

Input: pairs of normalised 100 Hz log-mel frames (50 Hz, 80 values). A 1x1 layer to
``width`` channels, then residual blocks of a causal three-tap dilated convolution
(taps at t - 2d, t - d, t), ReLU and a 1x1 mixing layer, then a linear head: five
controls (sigmoid; spread rescaled to -1..1) and nine viseme logits. Outputs are
trained to describe the frame ``delay`` steps back, which gives the model that much
lookahead while staying causal.
"""

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

N_IN = 80
N_OUT = 5 + 9
DILATIONS = (1, 2, 4, 8, 16, 1, 2, 4)
WIDTH = 96
DELAY = 3  # 60 ms: with the features' 17.5 ms, 77.5 ms of lookahead (the streaming model)
OFFLINE_DELAY = 10  # 200 ms: the offline model hears the next sounds before deciding


def receptive_field(dilations=DILATIONS) -> int:
    """Past input frames an output depends on (beyond its own)."""
    return 2 * sum(dilations)


def init(key, *, width: int = WIDTH, dilations=DILATIONS) -> dict:
    keys = jax.random.split(key, 2 + 2 * len(dilations))
    params = {
        "in_w": jax.random.normal(keys[0], (N_IN, width)) / np.sqrt(N_IN),
        "in_b": jnp.zeros(width),
        "out_w": jax.random.normal(keys[1], (width, N_OUT)) * 0.5 / np.sqrt(width),
        "out_b": jnp.zeros(N_OUT),
    }
    for i, _ in enumerate(dilations):
        conv = jax.random.normal(keys[2 + 2 * i], (3, width, width)) * np.sqrt(2.0 / (3 * width))
        for k in range(3):
            params[f"b{i}_w{k}"] = conv[k]
        params[f"b{i}_b"] = jnp.zeros(width)
        params[f"b{i}_pw"] = jax.random.normal(keys[3 + 2 * i], (width, width)) * 0.3 / np.sqrt(width)
        params[f"b{i}_pb"] = jnp.zeros(width)
    return params


def forward(params: dict, x, *, dilations=DILATIONS, dropout: float = 0.0, key=None):
    """x [shape=(batch, n, 80)] -> raw outputs [shape=(batch, n - receptive_field, 14)] ('valid' convolutions).

    ``dropout`` (training only, with a PRNG ``key``) zeroes that share of each residual
    branch's hidden units and scales the rest by ``1 / (1 - dropout)``, so the weights
    need no change for the runtime, which has no dropout.
    """
    keys = jax.random.split(key, len(dilations)) if dropout > 0 else None
    h = x @ params["in_w"] + params["in_b"]
    for i, d in enumerate(dilations):
        n = h.shape[1] - 2 * d
        # The three taps as one matrix product (half the time of three on CPU).
        taps = jnp.concatenate([h[:, :n], h[:, d : d + n], h[:, 2 * d :]], axis=-1)
        w = jnp.concatenate([params[f"b{i}_w0"], params[f"b{i}_w1"], params[f"b{i}_w2"]], axis=0)
        branch = jax.nn.relu(taps @ w + params[f"b{i}_b"])
        if dropout > 0:
            keep = jax.random.bernoulli(keys[i], 1.0 - dropout, branch.shape)
            branch = jnp.where(keep, branch / (1.0 - dropout), 0.0)
        h = h[:, 2 * d :] + branch @ params[f"b{i}_pw"] + params[f"b{i}_pb"]
    return jax.nn.relu(h) @ params["out_w"] + params["out_b"]


def heads(raw):
    """Raw outputs -> (controls [.., 5] in their ranges, viseme logits [.., 9])."""
    sig = jax.nn.sigmoid(raw[..., :5])
    controls = sig.at[..., 1].set(2.0 * sig[..., 1] - 1.0)
    return controls, raw[..., 5:]


def save(path: Path, params: dict, *, mean, std, dilations=DILATIONS, delay: int = DELAY, info: dict | None = None) -> None:
    """Write the weights in the runtime's npz layout (float32 arrays and a JSON config)."""
    arrays = {name: np.asarray(value, np.float32) for name, value in params.items()}
    arrays["mean"] = np.asarray(mean, np.float32)
    arrays["std"] = np.asarray(std, np.float32)
    config = {"dilations": list(dilations), "delay": int(delay), "info": info or {}}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, config=np.array(json.dumps(config)), **arrays)


def load(path: Path) -> tuple:
    """(params, mean, std, config) from a file written by :func:`save`."""
    with np.load(path, allow_pickle=False) as data:
        config = json.loads(str(data["config"]))
        params = {k: jnp.asarray(data[k]) for k in data.files if k not in ("config", "mean", "std")}
        return params, data["mean"], data["std"], config
