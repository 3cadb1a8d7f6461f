"""Train the mouth model: ``python -m training.train --out PATH [--init PATH] [--steps N]``.

Reads every shard in ``training/cache/corpus``, draws random 4 s crops (with the left
context the causal convolutions need) weighted per source, gives each crop a random
channel (a smooth EQ across the mel bands, a few bands masked) so that unseen voices
and microphones look familiar, and fits the controls with a squared error (closure
frames weigh more: a missed M/B/P shows) and the visemes with a cross-entropy, with
AdamW (optax) on CPU. Options against overfitting the few dozen real voices, all off
by default (``training/run.sh`` trains the shipped models without them): ``--dropout`` on
the residual branches, ``--weight-decay`` (AdamW's, 1e-4 by default) and ``--spec-masks``
(SpecAugment-style band and short time masks on the crops, labels untouched); none made
the model generalise better (model card, "Tried and not kept"). ``--delay`` sets how many
20 ms frames the outputs trail the input: 3 for the streaming model (77.5 ms of lookahead), 10 for the offline one. A
fixed seed gives the same weights. The last 2 % of every shard is held out to report
a validation loss; the project's evaluation and development recordings are not in
the corpus at all.
"""

import argparse
import json
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from talkingphoto.motion._learned import FLOOR, N_MELS

from . import model as net
from .corpus import CACHE

# Share of the crops drawn from each source (renormalised over the shards present); a
# shard whose source is not listed here is not read. festival2 (round 5) and fillets (round 11) are not in the
# shipped weights; kde and prompts (round 6) are.
SOURCE_WEIGHTS = {"espeak": 0.30, "piper": 0.12, "singing": 0.08, "asterisk-en": 0.25, "pocketsphinx-testdata": 0.02,
                  "asterisk-es": 0.06, "asterisk-fr": 0.06, "asterisk-it": 0.06, "asterisk-ru": 0.06,
                  "festival": 0.20, "festival2": 0.07, "kde": 0.15, "prompts": 0.10, "instrumental": 0.08,
                  "tuxpaint": 0.12, "fillets": 0.12, "sung": 0.08, "songs": 0.12, "songs_fg": 0.50}  # fmt: skip
CONTROL_WEIGHTS = np.array([3.0, 1.0, 3.0, 1.5, 1.0], np.float32)  # open, spread, press, fv, tongue
CLOSURE_WEIGHT = 3.0  # press error counts (1 + this x the label's press) times
VISEME_WEIGHT = 0.3
EQ_SPREAD = 0.12  # std of each cosine term of the random EQ, log10 power (1.2 dB)
MASK_CHANCE = 0.3  # chance that a crop has 1-3 adjacent mel bands flattened
SPEC_BANDS = 2, 10  # --spec-masks: masks per crop, most adjacent mel bands in one
SPEC_FRAMES = 2, 4  # --spec-masks: masks per crop, most 50 Hz frames in one (80 ms)
CROP = 200  # 50 Hz label frames per crop (4 s)
HELD_OUT = 0.02


class Streams:
    """The shards of the weighted sources (of ``sources`` only, when given) as padded 50 Hz streams, for cropping."""

    def __init__(self, folder: Path, *, delay: int = net.DELAY, sources=None, shares=None, log=print):
        self.names, self.x, self.y, self.v, self.weights = [], [], [], [], []
        self.delay = delay
        pad_left = net.receptive_field() + 1
        silence = np.full((1, 2 * N_MELS), np.log10(FLOOR), np.float32)
        for path in sorted(folder.glob("*.npz")):
            source = path.stem.split("-", 1)[1]
            if source not in SOURCE_WEIGHTS or sources is not None and source not in sources:
                continue
            with np.load(path) as data:
                feats = data["features"].astype(np.float32)
                x = feats.reshape(-1, 2 * N_MELS)
                self.x.append(np.concatenate([np.repeat(silence, pad_left, 0), x, np.repeat(silence, delay + 1, 0)]))
                self.y.append(data["controls"].astype(np.float32))
                self.v.append(data["visemes"].astype(np.int32))
            self.names.append(path.stem)
            self.weights.append((shares or {}).get(source, SOURCE_WEIGHTS[source]))
            log(f"{path.stem}: {len(x) / 50 / 3600:.2f} h")
        self.pad_left = pad_left
        w = np.array(self.weights)
        self.weights = w / w.sum()
        frames = np.concatenate([x[pad_left : -(delay + 1)] for x in self.x])
        self.mean = frames.reshape(-1, N_MELS).mean(0)
        self.std = frames.reshape(-1, N_MELS).std(0) + 1e-3

    def crops(self, rng: np.random.Generator, batch: int, *, held_out: bool = False, channel: bool = False,
              masks: bool = False) -> tuple:  # fmt: skip
        """(x [batch, R + CROP, 80] normalised, controls [batch, CROP, 5], visemes [batch, CROP]).

        ``channel`` gives each crop a random channel (see :func:`random_channel`), ``masks``
        SpecAugment's masks after it (see :func:`spec_masks`).
        """
        r = net.receptive_field()
        xs, ys, vs = [], [], []
        for k in rng.choice(len(self.x), size=batch, p=self.weights):
            n = len(self.y[k])
            cut = int(n * (1 - HELD_OUT))
            lo, hi = (min(cut, n - CROP), n - CROP) if held_out else (0, cut - CROP)
            start = int(rng.integers(lo, max(hi, lo + 1)))  # first label frame
            a = start - r + self.delay + self.pad_left  # first input frame, in the padded stream
            xs.append(self.x[k][a : a + r + CROP])
            ys.append(self.y[k][start : start + CROP])
            vs.append(self.v[k][start : start + CROP])
        x = np.stack(xs).reshape(batch, -1, 2, N_MELS)
        if channel:
            x = random_channel(x, rng)
        if masks:
            x = spec_masks(x, rng)
        x = (x - self.mean) / self.std
        return x.reshape(batch, -1, 2 * N_MELS).astype(np.float32), np.stack(ys), np.stack(vs)


def random_channel(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Log-mel crops [shape=(batch, n, 2, N_MELS)] through a random microphone and line.

    A smooth EQ (three cosine terms across the bands) on every frame that is not digital
    silence, and, sometimes, one to three adjacent bands flattened to their mean over the
    whole crop (silent frames included), per crop.
    """
    batch = x.shape[0]
    k = np.arange(N_MELS) / (N_MELS - 1)
    terms = np.cos(np.pi * np.arange(1, 4)[:, None] * k[None, :])  # [3, N_MELS]
    eq = rng.normal(0.0, EQ_SPREAD, (batch, 3)) @ terms  # [batch, N_MELS]
    sound = x > np.log10(FLOOR) + 0.5
    out = np.where(sound, x + eq[:, None, None, :], x)
    for b in np.nonzero(rng.random(batch) < MASK_CHANCE)[0]:
        width = int(rng.integers(1, 4))
        first = int(rng.integers(0, N_MELS - width + 1))
        band = out[b, :, :, first : first + width]
        out[b, :, :, first : first + width] = band.mean(axis=(0, 1))
    return out.astype(np.float32)


def spec_masks(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Log-mel crops [shape=(batch, n, 2, N_MELS)] with SpecAugment-style masks, labels untouched.

    Per crop, ``SPEC_BANDS[0]`` runs of 1 to ``SPEC_BANDS[1]`` adjacent mel bands and
    ``SPEC_FRAMES[0]`` runs of 1 to ``SPEC_FRAMES[1]`` frames (both 10 ms halves of each
    50 Hz frame) set to the crop's mean in each band: the model must follow the mouth
    from the bands and moments left, as on a voice or line it has not heard.
    """
    out = x.copy()
    batch, n = x.shape[:2]
    for b in range(batch):
        mean = x[b].mean(axis=(0, 1))  # [N_MELS]
        for _ in range(SPEC_BANDS[0]):
            width = int(rng.integers(1, SPEC_BANDS[1] + 1))
            first = int(rng.integers(0, N_MELS - width + 1))
            out[b, :, :, first : first + width] = mean[first : first + width]
        for _ in range(SPEC_FRAMES[0]):
            width = int(rng.integers(1, SPEC_FRAMES[1] + 1))
            first = int(rng.integers(0, n - width + 1))
            out[b, first : first + width] = mean
    return out


def loss_fn(params, x, y, v, key=None, dropout: float = 0.0):
    controls, logits = net.heads(net.forward(params, x, dropout=dropout, key=key))
    weights = jnp.broadcast_to(CONTROL_WEIGHTS, y.shape)
    weights = weights.at[..., 2].multiply(1.0 + CLOSURE_WEIGHT * y[..., 2])
    control_loss = jnp.mean(((controls - y) ** 2) * weights)
    viseme_loss = jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, v))
    return control_loss + VISEME_WEIGHT * viseme_loss, (control_loss, viseme_loss)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--init", type=Path, help="start from these weights (second stage)")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, default=CACHE / "corpus")
    parser.add_argument("--delay", type=int, default=net.DELAY, help="output lag in 20 ms frames (the lookahead)")
    parser.add_argument("--sources", nargs="+", choices=sorted(SOURCE_WEIGHTS), help="train on these sources only")
    parser.add_argument("--width", type=int, default=net.WIDTH, help="channels of each layer (from scratch only)")
    parser.add_argument("--dropout", type=float, default=0.0, help="share of residual-branch units dropped")
    parser.add_argument("--weight-decay", type=float, default=1e-4, help="AdamW's decoupled weight decay")
    parser.add_argument("--spec-masks", action="store_true", help="SpecAugment-style band and time masks")
    parser.add_argument("--share", nargs="+", default=[], metavar="SOURCE=W", help="a source's weight instead of SOURCE_WEIGHTS'")
    args = parser.parse_args(argv)
    shares = {}
    for pair in args.share:
        source, _, weight = pair.partition("=")
        if source not in SOURCE_WEIGHTS or not weight.replace(".", "", 1).isdigit():
            parser.error(f"--share takes SOURCE=WEIGHT with a source of {sorted(SOURCE_WEIGHTS)}, got {pair!r}")
        shares[source] = float(weight)
    streams = Streams(args.corpus, delay=args.delay, sources=args.sources, shares=shares)
    rng = np.random.default_rng(args.seed)
    if args.init is not None:
        params, streams.mean, streams.std, _ = net.load(args.init)  # keep the first stage's normalisation
    else:
        params = net.init(jax.random.PRNGKey(args.seed), width=args.width)
    n_params = sum(int(np.prod(p.shape)) for p in params.values())
    print(f"{n_params} parameters, {len(streams.x)} shards", flush=True)
    schedule = optax.warmup_cosine_decay_schedule(0.0, args.lr, min(200, args.steps // 10), args.steps, args.lr * 0.02)
    optimizer = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(schedule, weight_decay=args.weight_decay))
    state = optimizer.init(params)

    @jax.jit
    def step(params, state, x, y, v, key):
        (loss, parts), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, x, y, v, key, args.dropout)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss, parts

    evaluate = jax.jit(loss_fn)
    val_rng = np.random.default_rng(12345)
    val = [streams.crops(val_rng, 32, held_out=True) for _ in range(4)]
    t0 = time.perf_counter()
    history = []
    dropout_keys = jax.random.split(jax.random.PRNGKey(args.seed + 1), args.steps)
    for i in range(1, args.steps + 1):
        batch = streams.crops(rng, args.batch, channel=True, masks=args.spec_masks)
        params, state, loss, parts = step(params, state, *batch, dropout_keys[i - 1])
        if i % 100 == 0 or i == args.steps:
            val_loss = float(np.mean([evaluate(params, *b)[0] for b in val]))
            elapsed = time.perf_counter() - t0
            history.append({"step": i, "train": float(loss), "val": val_loss})
            print(f"step {i}: loss {float(loss):.4f} (controls {float(parts[0]):.4f}, visemes {float(parts[1]):.3f}),"
                  f" held-out {val_loss:.4f}, {elapsed / i:.2f} s/step", flush=True)  # fmt: skip
            if i % 500 == 0 or i == args.steps:
                info = {"steps": i, "batch": args.batch, "seed": args.seed, "shards": streams.names,
                        "init": str(args.init) if args.init else None, "held_out_loss": val_loss,
                        "dropout": args.dropout, "weight_decay": args.weight_decay,
                        "spec_masks": args.spec_masks, "shares": shares}  # fmt: skip
                net.save(args.out, params, mean=streams.mean, std=streams.std, delay=args.delay, info=info)
    print(json.dumps(history[-1]), f"{time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
