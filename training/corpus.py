"""Build the training corpus: ``python -m training.corpus base`` then ``... aligned --model M [M ...]``.

``base``: espeak-ng in 50 languages, Piper English, Festival's diphone voices (English,
Italian, Russian, Czech, Finnish; ``festival2``: more texts, half of them vowels running
into P/B/M), sung vowels, game music with no voice in it (``instrumental``, labelled
silence), and the real English recordings (Asterisk prompts a-m,
pocketsphinx-testdata cards and digits) aligned by pocketsphinx.
``aligned``: the real Spanish, French, Italian and Russian prompts, whose phonemes
(espeak-ng's reading of the transcript) are aligned to the audio by a Viterbi pass over
a first model's outputs, or the mean of several models' (see :mod:`training.align`); so
are ``kde`` (KLettres's letters and syllables in 19 languages, KTuberling's English
words), ``prompts`` (two more Asterisk voices: Italian Menardi, Colombian Spanish es-co),
``tuxpaint`` (Tux Paint's spoken stamp descriptions in 13 languages) and ``fillets`` (Fish
Fillets NG's spoken dialogue in Czech and Dutch).

Each clip is augmented (see :mod:`training.augment`), turned into 100 Hz log-mel frames
and 50 Hz labels from the project's phoneme table (``talkingphoto.motion._phonemes``),
and written to ``training/cache/corpus/PART-SOURCE.npz``. Fixed seeds: the same command
gives the same corpus. Reserved recordings are never read (training/splits.py).
"""

import argparse
import functools
import math
import time
from pathlib import Path

import numpy as np

from talkingphoto.motion._learned import log_mel, mel_filters
from talkingphoto.motion._phonemes import Target, mouth_track_from_phones, viseme_track

from . import sources
from .augment import augment, to_rate
from .texts import SENTENCES

CACHE = Path(__file__).resolve().parent / "cache"
LABEL_RATE = 50.0
# espeak-ng voices read: the languages with written sentences, then more with pseudo-words.
EXTRA_LANGUAGES = ("mr", "ne", "la", "eo", "sk", "sl", "hr", "lt", "lv", "et", "is", "ga", "af", "sq", "mk")
DOUBLED = ("cmn", "yue", "ja", "en-us", "es", "hi", "ar", "ru")  # twice the clips
# Each source's random stream: its place in the first corpus's sorted order, kept fixed.
SEED_INDEX = {"asterisk-en": 0, "espeak": 1, "piper": 2, "pocketsphinx-testdata": 3, "singing": 4, "festival": 5,
              "festival2": 6, "asterisk-es": 0, "asterisk-fr": 1, "asterisk-it": 2, "asterisk-ru": 3, "kde": 4,
              "prompts": 5, "instrumental": 7, "tuxpaint": 6, "fillets": 8, "sung": 9, "songs": 10, "songs_fg": 11}  # fmt: skip
COPIES = {"espeak": 1, "piper": 2, "singing": 1, "festival": 3, "festival2": 3, "asterisk-en": 6,
          "pocketsphinx-testdata": 6, "asterisk-es": 3, "asterisk-fr": 3, "asterisk-it": 3, "asterisk-ru": 3, "kde": 3,
          "prompts": 3, "instrumental": 1, "tuxpaint": 2, "fillets": 2, "sung": 1, "songs": 1, "songs_fg": 1}  # fmt: skip


def labels(phones: list, n50: int) -> tuple:
    """50 Hz controls [shape=(n50, 5), float32] and visemes [shape=(n50,), int8] from the table."""
    track = mouth_track_from_phones(phones, fps=LABEL_RATE, n_frames=n50)
    controls = np.stack([getattr(track, name) for name in Target._fields], axis=1)
    return controls.astype(np.float32), viseme_track(phones, fps=LABEL_RATE, n_frames=n50)


def render(item: sources.Item, rng: np.random.Generator, *, music: list, clean: bool) -> dict:
    """Features and labels of one rendition of ``item``."""
    y16, phones, warp = augment(item.y, item.sr, item.phones, rng, music=music, strength=0.0 if clean else 1.0)
    n50 = max(1, math.ceil(len(y16) / 16000 * LABEL_RATE))
    features = log_mel(y16, filters=mel_filters(warp=warp), n_frames=2 * n50)
    controls, visemes = labels(phones, n50)
    return {"features": features.astype(np.float16), "controls": controls.astype(np.float16), "visemes": visemes}


def write_shard(path: Path, rows: list, names: list) -> None:
    lengths = np.array([len(r["visemes"]) for r in rows], np.int64)
    np.savez(
        path,
        features=np.concatenate([r["features"] for r in rows]),
        controls=np.concatenate([r["controls"] for r in rows]),
        visemes=np.concatenate([r["visemes"] for r in rows]),
        lengths=lengths,
        names=np.array(names),
    )


def load_music(root: Path) -> list:
    """Music-on-hold tracks (asterisk-moh-opsound-wav, CC-BY-SA 3.0) at 16 kHz."""
    tracks = []
    for path in sorted((root / "usr/share/asterisk/moh").glob("*.wav")):
        y, sr = sources.read_wav(path)
        tracks.append(to_rate(y, sr))
    return tracks


def build(groups: dict, *, out: Path, part: str, seed: int, music: list, log=print) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for source, items in sorted(groups.items()):
        rng = np.random.default_rng([seed, SEED_INDEX[source]])
        rows, names = [], []
        t = time.perf_counter()
        for item in items:
            if item.split != "train":
                continue
            for copy in range(COPIES[source]):
                clean = copy == 0 and rng.random() < 0.5
                rows.append(render(item, rng, music=music, clean=clean))
                names.append(f"{item.name}#{copy}")
        if rows:
            write_shard(out / f"{part}-{source}.npz", rows, names)
            hours = sum(len(r["visemes"]) for r in rows) / LABEL_RATE / 3600
            log(f"{part}-{source}: {len(rows)} renditions, {hours:.2f} h, {time.perf_counter() - t:.0f} s")


def english_texts(root: Path) -> list:
    """Texts for Piper: our English sentences and the trainable English prompt transcripts."""
    from .splits import is_reserved, split_of

    texts = list(SENTENCES["en-us"]) + list(SENTENCES["en-gb-x-rp"])
    for name, text in sorted(sources.transcripts(root, "en").items()):
        if not is_reserved("asterisk-en", name) and split_of("asterisk-en", name) == "train":
            texts.append(sources.english_words(text))
    return texts


# Clips of each kind that are sung (see sources.sung_items): real speakers first.
SUNG_VOICES = {"tuxpaint": 300, "prompts": 120, "festival": 132, "piper": 60}


def sung_voices(root: Path, tuxpaint: list, prompts: list, *, seed: int) -> list:
    """The clips :func:`sources.sung_items` sings: a fixed random share of Tux Paint's and the
    prompt voices' aligned recordings (``tuxpaint``, ``prompts``: those sources' items),
    Festival's eleven voices and Piper's, all in the train split."""
    rng = np.random.default_rng([seed, SEED_INDEX["sung"]])
    pools = {
        "tuxpaint": tuxpaint,
        "prompts": prompts,
        "festival": sources.festival_items([], per_voice=12, seed=seed + 2),
        "piper": sources.piper_items(english_texts(root), seed=seed + 2),
    }
    chosen = []
    for kind, items in pools.items():
        items = [item for item in items if item.split == "train"]
        picks = rng.choice(len(items), size=min(SUNG_VOICES[kind], len(items)), replace=False)
        chosen += [items[k] for k in sorted(picks)]
    return chosen


def songs(root: Path, voices: list, *, seed: int, music: list) -> list:
    """Round 13's shard: ``voices`` (those :func:`sung_voices` picks), as spoken and sung again
    (a new seed), each over Hedgewars' training music or a music-on-hold track, and 300
    excerpts of the music-on-hold alone labelled silence (so neither kind of music tells the
    mouth anything; only a voice does)."""
    tracks = sources.game_music(root) + [(f"moh{k}", y) for k, y in enumerate(music)]
    hold = [(f"moh{k}", y) for k, y in enumerate(music) if len(y) > 8 * 16000]
    return (sources.song_items(voices + sources.sung_items(voices, seed=seed + 1), tracks, seed=seed)
            + sources.instrumental_items(hold, 300, seed=seed, source="songs"))  # fmt: skip


SONG_MIXES = 400  # made-up songs of 16-24 s for the song model (about 2.2 h)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["base", "aligned"])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-language", type=int, default=40, help="espeak-ng clips per language")
    parser.add_argument("--per-voice", type=int, default=80, help="Festival clips per voice (English: + prompts)")
    parser.add_argument("--model", type=Path, nargs="+",
                        help="model(s) for aligning (part 'aligned'); several align with their mean")
    parser.add_argument("--sources", nargs="+", help="rebuild only these sources' shards (default all)")
    args = parser.parse_args(argv)
    root = sources.fetch_packages(args.cache)
    music = load_music(root)
    out = args.cache / "corpus"
    if args.part == "base":

        def espeak():
            languages = list(SENTENCES) + list(EXTRA_LANGUAGES)
            items = sources.espeak_items(languages, per_language=args.per_language, seed=args.seed)
            return items + sources.espeak_items(list(DOUBLED), per_language=args.per_language, seed=args.seed + 1000)

        makers = {
            "espeak": espeak,
            "piper": lambda: sources.piper_items(english_texts(root), seed=args.seed),
            "festival": lambda: sources.festival_items(english_texts(root), per_voice=args.per_voice, seed=args.seed),
            # Round 5: new texts, half of them vowels running into P/B/M, three times as many per voice.
            "festival2": lambda: sources.festival_items([], per_voice=3 * args.per_voice, seed=args.seed + 1,
                                                        source="festival2", bilabial=True),
            "singing": lambda: sources.singing_items(160, seed=args.seed),
            # Round 9: music with no voice, labelled silence.
            "instrumental": lambda: sources.instrumental_items(sources.game_music(root), 400, seed=args.seed),
            "asterisk-en": lambda: sources.asterisk_items(root, "en"),
            "pocketsphinx-testdata": lambda: sources.testdata_items(root),
        }
    else:
        from .align import load_training_model

        # No --model: the packaged offline model, as load_mouth_model's default.
        model = tuple(load_training_model(path) for path in args.model or [None])
        makers = {f"asterisk-{lang}": (lambda lang=lang: sources.asterisk_items(root, lang, model=model))
                  for lang in ("es", "fr", "it", "ru")}  # fmt: skip
        # Round 6: KLettres and KTuberling clips, the Menardi and es-co prompt voices.
        makers["kde"] = lambda: sources.kde_items(root, model=model)
        # (Aligned once a run: the sung and song shards sing some of the same clips.)
        makers["prompts"] = functools.cache(lambda: sources.prompt_items(root, model=model))
        # Round 10: Tux Paint's spoken stamp descriptions, 13 languages.
        makers["tuxpaint"] = functools.cache(lambda: sources.tuxpaint_items(root, model=model))
        # Round 11: Fish Fillets NG's spoken dialogue, Czech and Dutch.
        makers["fillets"] = lambda: sources.fillets_items(root, model=model)
        voices = functools.cache(lambda: sung_voices(root, makers["tuxpaint"](), makers["prompts"](), seed=args.seed))
        # Round 12: recorded and neural voices singing (their vowels held, their pitch moved).
        makers["sung"] = lambda: sources.sung_items(voices(), seed=args.seed)
        # Round 13: voices, spoken and sung, over both kinds of music, and the music-on-hold alone.
        makers["songs"] = lambda: songs(root, voices(), seed=args.seed, music=music)
        # The song model: made-up songs separated as `--mouth music` hears them.
        makers["songs_fg"] = lambda: sources.song_mixes(
            voices() + sources.sung_items(voices(), seed=args.seed + 1),
            sources.game_music(root) + [(f"moh{k}", y) for k, y in enumerate(music)], SONG_MIXES, seed=args.seed)
    chosen = args.sources or list(makers)
    unknown = sorted(set(chosen) - set(makers))
    if unknown:
        parser.error(f"unknown sources for part {args.part}: {unknown}; choose from {sorted(makers)}")
    groups = {source: makers[source]() for source in chosen}
    build(groups, out=out, part=args.part, seed=args.seed, music=music)


if __name__ == "__main__":
    main()
