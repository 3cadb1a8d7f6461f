"""Train the song voice mask: ``python -m training.voice_mask songs|train ...``.

    python -m training.voice_mask songs --out training/cache/mask/songs-1.npz --n 250 --seed 1
    python -m training.voice_mask train --out src/talkingphoto/data/voice_mask.npz --steps 6000 \
        training/cache/mask/songs-*.npz

``songs`` makes up songs as a user's would sound: 16-24 s of game music or music on hold
with real voices (spoken and sung) over it one after another, -3..15 dB louder than the
music, one song in seven with no voice and one in ten with no music, at a random level;
it keeps the log-mel frames (the mouth model's features) of the mix, of what REPET takes
for the voice (talkingphoto.voice.song_voice, which needs the whole song) and of the voice
and the music apart. ``train`` fits the mask net (talkingphoto.motion._song) to the
voice's share of each mel band's power (the ideal ratio mask), weighted towards bands that
hold sound, on random 4 s crops, with AdamW (optax) on one CPU core; a fixed seed gives the
same weights.

Never read: the development music (FreedroidRPG), Hedgewars' five evaluation tracks
(``INSTRUMENTAL_EVAL``), the voice packs the development and evaluation songs are made
of (British, Classic, Mobster, Pirate, Surfer; Singer), and every Asterisk prompt that is
not in the training split.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from .corpus import CACHE
from .splits import split_of

MUSIC_DEBS = ("extremetuxracer-data", "lincity-ng-data", "xmoto-data")
# Hedgewars' voice packs trained on: not the development songs' five nor the evaluation's Singer.
VOICE_PACKS = ("HillBilly", "Robot", "Russian", "Russian_pl")
SONG_SECONDS = 16.0, 24.0
VOICE_OVER_MUSIC_DB = -3.0, 15.0
NO_VOICE, NO_MUSIC = 1 / 7, 0.1
CROP = 400  # 100 Hz frames (4 s)


def voices(root: Path, *, seed: int) -> list:
    """16 kHz clips of real voices (and synthetic singing) from the training split."""
    from talkingphoto.errors import AudioError
    from talkingphoto.media import load_audio

    from . import sources

    rng = np.random.default_rng(seed)

    def pick(paths, n):
        paths = sorted(paths)
        return [paths[i] for i in rng.choice(len(paths), min(n, len(paths)), replace=False)]

    sounds = root / "usr/share/asterisk/sounds"
    files = []
    for language, folder in sources.ASTERISK_VOICES.items():
        top = [p for p in (sounds / folder).glob("*.wav") if split_of(f"asterisk-{language}", p.name) == "train"]
        files += pick(top, 80 if language == "en" else 60)
    files += pick((sounds / "it_IT_f_Menardi").glob("*.wav"), 60)  # all of them: see the model card
    files += pick((root / "usr/share/klettres").glob("*/*/*.ogg"), 60)
    files += pick((root / "usr/share/tuxpaint/stamps").rglob("*.ogg"), 150)
    for pack in VOICE_PACKS:
        files += sorted((root / "usr/share/games/hedgewars/Data/Sounds/voices" / pack).glob("*.ogg"))
    clips = []
    for path in files:
        try:
            clips.append(load_audio(path, sr=16000, mono=True)[0])
        except AudioError:  # a few prompts hold no samples
            continue
    clips += [item.y for item in sources.singing_items(80, seed=seed + 11)]
    return [np.asarray(y, np.float32) for y in clips if len(y) > 0.3 * 16000]


def music(root: Path) -> list:
    """16 kHz tracks of music over 25 s: Hedgewars' training tracks, music on hold, and the
    music of Extreme Tux Racer, LinCity-NG and X-Moto."""
    from talkingphoto.media import load_audio

    from . import sources

    paths = sorted((root / "usr/share/asterisk/moh").glob("*.wav"))
    games = root / "usr/share/games"
    for folder in ("etr/music", "lincity-ng/music/default", "xmoto/Textures/Musics"):
        paths += sorted((games / folder).glob("*.ogg"))
    tracks = [y for _, y in sources.game_music(root)] + [load_audio(p, sr=16000, mono=True)[0] for p in paths]
    return [np.asarray(y, np.float64) for y in tracks if len(y) > 25 * 16000]


def make_songs(root: Path, n: int, *, seed: int, log=print) -> dict:
    """``n`` made-up songs: arrays m{k}, r{k}, v{k}, b{k} (float16 log-mel at 100 Hz of the
    mix, REPET's voice, the voice alone and the music alone)."""
    from talkingphoto.motion._learned import log_mel
    from talkingphoto.voice import song_voice

    from .sources import voice_level

    rng = np.random.default_rng(seed)
    clips, tracks = voices(root, seed=seed), music(root)
    log(f"{len(clips)} voices, {len(tracks)} music tracks")
    arrays = {}
    for k in range(n):
        length = int(rng.uniform(*SONG_SECONDS) * 16000)
        if rng.random() < NO_MUSIC:
            bed, level = 1e-5 * rng.standard_normal(length), 0.05
        else:
            track = tracks[int(rng.integers(len(tracks)))]
            start = int(rng.integers(0, len(track) - length))
            bed = track[start : start + length].copy()
            level = float(np.sqrt(np.mean(bed**2)))
        voice, at = np.zeros(length), rng.uniform(0.3, 3.0)
        for _ in range(0 if rng.random() < NO_VOICE else int(rng.integers(1, 8))):
            clip = clips[int(rng.integers(len(clips)))].astype(np.float64)
            first = int(at * 16000)
            if first + len(clip) > length:
                break
            gain = level * 10 ** (rng.uniform(*VOICE_OVER_MUSIC_DB) / 20) / max(voice_level(clip), 1e-6)
            voice[first : first + len(clip)] += clip * gain
            at += len(clip) / 16000 + rng.uniform(0.2, 2.5)
        scale = 0.9 * 10 ** (rng.uniform(-20, 0) / 20) / max(np.abs(voice + bed).max(), 1e-9)
        mix, voice, bed = ((a * scale).astype(np.float32) for a in (voice + bed, voice, bed))
        n_frames = int(np.ceil(length / 160))
        for key, y in (("m", mix), ("r", song_voice(mix, sr=16000).y), ("v", voice), ("b", bed)):
            arrays[f"{key}{k}"] = log_mel(y, n_frames=n_frames).astype(np.float16)
        if k % 50 == 0:
            log(f"song {k} of {n}")
    return arrays


def init_mask(key, n_in: int, n_out: int) -> dict:
    """Random weights of the mask net (talkingphoto.motion._song.VoiceMask's names and shapes)."""
    import jax
    import jax.numpy as jnp

    from talkingphoto.motion._song import DILATIONS, WIDTH

    keys = jax.random.split(key, 2 * len(DILATIONS) + 2)
    params = {"w_in": jax.random.normal(keys[0], (n_in, WIDTH)) * 0.1, "b_in": jnp.zeros(WIDTH)}
    for i in range(len(DILATIONS)):
        params[f"conv{i}"] = jax.random.normal(keys[2 * i + 1], (3, WIDTH, WIDTH)) * (0.5 / np.sqrt(3 * WIDTH))
        params[f"conv{i}_b"] = jnp.zeros(WIDTH)
        params[f"mix{i}"] = jax.random.normal(keys[2 * i + 2], (WIDTH, WIDTH)) * (0.5 / np.sqrt(WIDTH))
        params[f"mix{i}_b"] = jnp.zeros(WIDTH)
    params["w_out"] = jax.random.normal(keys[-1], (WIDTH, n_out)) * 0.01
    params["b_out"] = jnp.zeros(n_out)
    return params


def mask_forward(params: dict, x):
    """The mask net in JAX over a batch ``x`` [shape=(batch, frames, features)]: what
    VoiceMask computes in numpy for one song."""
    import jax
    import jax.numpy as jnp

    from talkingphoto.motion._song import DILATIONS

    h = x @ params["w_in"] + params["b_in"]
    n = x.shape[1]
    for i, d in enumerate(DILATIONS):
        padded = jnp.pad(h, ((0, 0), (d, d), (0, 0)))
        taps = sum(padded[:, j * d : j * d + n] @ params[f"conv{i}"][j] for j in range(3))
        h = h + jax.nn.relu(taps + params[f"conv{i}_b"]) @ params[f"mix{i}"] + params[f"mix{i}_b"]
    return jax.nn.sigmoid(h @ params["w_out"] + params["b_out"])


def train(paths: list, *, steps: int, seed: int = 0, lr: float = 2e-3, batch: int = 16, log=print) -> dict:
    """Weights of the mask net fitted to the songs in ``paths`` (see module docstring)."""
    import jax
    import jax.numpy as jnp
    import optax

    from talkingphoto.motion._song import mask_inputs

    songs = []
    for path in paths:
        with np.load(path) as data:
            k = 0
            while f"m{k}" in data.files:
                songs.append(tuple(data[f"{c}{k}"].astype(np.float32) for c in "mrvb"))
                k += 1
    inputs = [mask_inputs(m, r) for m, r, _, _ in songs]
    targets = []
    for m, _, v, b in songs:
        voice, backing = 10.0**v, 10.0**b
        loud = np.percentile(m, 99)
        targets.append(((voice / (voice + backing + 1e-12)).astype(np.float32),
                        np.clip((m - loud + 6) / 4, 0, 1).astype(np.float32)))  # fmt: skip
    held = max(1, len(songs) // 20)
    log(f"{len(songs)} songs ({held} held out)")

    params = init_mask(jax.random.PRNGKey(seed), inputs[0].shape[1], targets[0][0].shape[1])

    def loss(p, x, y, w):
        return jnp.sum(w * (mask_forward(p, x) - y) ** 2) / (jnp.sum(w) + 1.0)

    schedule = optax.warmup_cosine_decay_schedule(0.0, lr, min(200, steps // 10), steps, lr / 200)
    optimiser = optax.adamw(schedule, weight_decay=1e-4)
    state = optimiser.init(params)

    @jax.jit
    def step(p, s, x, y, w):
        value, grads = jax.value_and_grad(loss)(p, x, y, w)
        updates, s = optimiser.update(grads, s, p)
        return optax.apply_updates(p, updates), s, value

    rng = np.random.default_rng(seed)

    def crops(indices):
        xs, ys, ws = [], [], []
        for i in indices:
            start = int(rng.integers(0, max(1, len(inputs[i]) - CROP)))
            for out, a in ((xs, inputs[i]), (ys, targets[i][0]), (ws, targets[i][1])):
                part = a[start : start + CROP]
                out.append(np.pad(part, ((0, CROP - len(part)), (0, 0))))
        return jnp.array(xs), jnp.array(ys), jnp.array(ws)

    began = time.time()
    for k in range(steps):
        params, state, value = step(params, state, *crops(rng.integers(held, len(songs), batch)))
        if k % 500 == 0 or k == steps - 1:
            batches = [crops(range(j, min(j + batch, held))) for j in range(0, held, batch)]
            held_loss = np.mean([float(loss(params, *b)) for b in batches])
            log(f"step {k}: loss {float(value):.4f}, held out {held_loss:.4f}, {time.time() - began:.0f} s")
    return {name: np.asarray(value, np.float32) for name, value in params.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["songs", "train"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--n", type=int, default=250, help="songs to make")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("songs", nargs="*", type=Path, help="song files made by 'songs' (part 'train')")
    args = parser.parse_intermixed_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.part == "songs":
        from .sources import DEBS, fetch_packages

        root = fetch_packages(args.cache, DEBS + MUSIC_DEBS)
        np.savez(args.out, **make_songs(root, args.n, seed=args.seed, log=lambda m: print(m, flush=True)))
    else:
        weights = train(args.songs, steps=args.steps, seed=args.seed, log=lambda m: print(m, flush=True))
        np.savez_compressed(args.out, **weights)


if __name__ == "__main__":
    main()
