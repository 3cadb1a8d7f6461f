"""Development figures of a mouth model, and its closure threshold chosen on them.

    python -m training.dev OFFLINE STREAM [MORE ...] [--write]

The development split (training/splits.py: DEV_ASTERISK and pocketsphinx-testdata's
cards lines) is never trained on, and is the only set we tune on: the project's own
evaluation recordings (tests/data/audio, EVAL_ASTERISK) stay untouched until the
figures in the model card. Each recording is aligned with pocketsphinx and scored with
the evaluation's fast proxy (``evaluate_track``): correlation at lag 0, best lag, M/B/P
closures, for each model alone and for all of them averaged (recordings are analysed
with the packaged models averaged, ``offline_models``, the offline one first). ``--write`` stores
closure thresholds: in the first file the one that scores best for the average, in the
others the one that scores best for that model alone. Best = the mean correlation plus
the closure rate (both matter to a viewer equally). It also stores, the same way, the
rounding gain that brings the mean spread over rounded phones (the phoneme table's
spread at most ``ROUNDED``: OO, OH, W, ...) to the table's.
"""

import argparse
import json
import math
from pathlib import Path

import numpy as np

from .corpus import CACHE
from .splits import DEV_ASTERISK, DEV_TESTDATA, split_of

THRESHOLDS = (0.175, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
ROUNDED = -0.3


def recordings(root: Path) -> list:
    """(name, y at 16 kHz, aligned phones) of the development recordings; alignments cached."""
    from talkingphoto.media import load_audio
    from talkingphoto.voice import align_phones
    from talkingphoto.voice._align import Phone

    from . import sources

    texts = sources.transcripts(root, "en")
    cards = root / "usr/share/pocketsphinx/test/data/cards"
    spoken = {}
    for line in (cards / "cards.transcription").read_text().splitlines():
        words, _, number = line.replace("<s>", "").replace("</s>", "").rpartition("(")
        spoken[f"cards/{number.strip(') ')}"] = words.strip()
    wanted = [(f"asterisk-en/{name}", root / "usr/share/asterisk/sounds/en_US_f_Allison" / f"{name}.wav",
               sources.respelled(texts[name])) for name in DEV_ASTERISK]  # fmt: skip
    wanted += [(f"testdata/{rel}", cards.parent / f"{rel}.wav", spoken[rel]) for rel in DEV_TESTDATA]
    cache_file = CACHE / "dev_phones.json"
    cached = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    out = []
    for name, path, text in wanted:
        if name.startswith("asterisk"):
            assert split_of("asterisk-en", Path(name).name) == "dev", name
        else:
            assert split_of("pocketsphinx-testdata", name.removeprefix("testdata/")) == "dev", name
        y, _ = load_audio(path, sr=16000, mono=True)
        if name not in cached:
            cached[name] = [(p.start, p.end, p.label) for p in align_phones(y, sr=16000, transcript=text)]
        if cached[name]:
            out.append((name, y, [Phone(a, b, label) for a, b, label in cached[name]]))
    cache_file.write_text(json.dumps(cached))
    return out


def scores(mouths: list, items: list, threshold: float) -> dict:
    """Mean r0, share of best lag 0, pooled closure rate, and per-recording rows of the
    models' outputs ``mouths`` (one LearnedMouth per item) at closure ``threshold``."""
    from talkingphoto.evaluation import evaluate_track
    from talkingphoto.motion._learned import frame_track

    rows, closed, total = {}, 0, 0
    for mouth, (name, y, phones) in zip(mouths, items):
        track = frame_track(mouth, fps=25, n_frames=math.ceil(len(y) / 16000 * 25 - 1e-9), threshold=threshold)
        report = evaluate_track(track, phones)
        rows[name] = (round(report.correlation, 3), report.best_lag)
        if report.n_bilabials:
            closed += round(report.closure_rate * report.n_bilabials)
            total += report.n_bilabials
    r0 = [r for r, _ in rows.values()]
    return {"threshold": threshold, "mean_r0": round(float(np.mean(r0)), 3), "min_r0": round(float(np.min(r0)), 3),
            "lag0": round(float(np.mean([lag == 0 for _, lag in rows.values()])), 3),
            "closures": round(closed / max(total, 1), 3), "n_bilabials": total, "rows": rows}  # fmt: skip


def rounding_gain(models: list, items: list) -> float:
    """Gain on negative spread that makes the models' mean over rounded phones the table's."""
    from dataclasses import replace

    from talkingphoto.motion import learned_mouth

    from .align import label_target

    model = [replace(models[0], rounding=1.0)] + list(models[1:])
    heard, wanted = [], []
    for _, y, phones in items:
        out = learned_mouth(y, sr=16000, model=model)
        for phone in phones:
            spread = label_target(phone.label)[0][1]
            frame = int(0.5 * (phone.start + phone.end) * out.rate)
            if spread <= ROUNDED and frame < len(out.controls):
                heard.append(out.controls[frame, 1])
                wanted.append(spread)
    return round(float(np.clip(np.mean(wanted) / min(np.mean(heard), -1e-3), 1.0, 4.0)), 2)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=Path, nargs="+")
    parser.add_argument("--write", action="store_true", help="store the closure threshold and rounding gain in each model file")
    args = parser.parse_args(argv)
    from talkingphoto.motion import learned_mouth, load_mouth_model

    from .sources import fetch_packages

    items = recordings(fetch_packages(CACHE))
    models = [load_mouth_model(path) for path in args.models]
    sets = [(path.name, [model]) for path, model in zip(args.models, models)]
    if len(models) > 1:
        sets.append(("average", models))
    chosen, gains = {}, {}
    for name, group in sets:
        mouths = [learned_mouth(y, sr=16000, model=group) for _, y, _ in items]
        results = [scores(mouths, items, t) for t in THRESHOLDS]
        for r in results:
            print(name, json.dumps({k: v for k, v in r.items() if k != "rows"}))
        best = max(results, key=lambda r: r["mean_r0"] + r["closures"])
        print(name, "best", json.dumps(best))
        chosen[name] = best["threshold"]
        gains[name] = rounding_gain(group, items)
        print(name, "rounding gain", gains[name])
    if not args.write:
        return
    for k, path in enumerate(args.models):
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        config = json.loads(str(arrays["config"]))
        chosen_for = "average" if k == 0 and len(models) > 1 else path.name
        config["closure"], config["rounding"] = chosen[chosen_for], gains[chosen_for]
        arrays["config"] = np.array(json.dumps(config))
        np.savez_compressed(path, **arrays)
        print(path, "closure threshold", config["closure"], "rounding gain", config["rounding"])


if __name__ == "__main__":
    main()
