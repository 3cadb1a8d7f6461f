"""Mouth figures: the learned models against the older acoustic rules, on held-out real speech.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_mouth.py [--render] [--json out.json]
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_mouth.py --pictures

``--pictures`` instead renders every kind of picture in tests/data (photos, painted, 3D
cartoon, anime) speaking LibriVox 0880 and 0870 in vivid mode with the default mouth, and
re-measures the lip sync on each video (and the share of frames where the mouth was found).

Held-out recordings (never trained on; training/splits.py): tests/data/audio's three and
the fixed English Asterisk prompts of EVAL_ASTERISK["en"] (the corpus cache's copy, or
downloaded with apt-get into training/cache). Each is aligned with pocketsphinx and scored:

- track figures (the evaluation's fast proxy): correlation with the phone reference at
  lag 0 and at the best lag, M/B/P closures hit; for what recordings get (the offline and
  streaming models averaged, "model"), the offline model alone ("offline", 217.5 ms
  lookahead), the streaming model run offline ("causal", 77.5 ms) and fed as a live
  stream in 20 ms chunks ("stream", no closure peaks), the rules, and the models on the
  voice taken apart from any backing music ("music", `--mouth music`: what it costs on speech);
- with --render: the same on video rendered from examples/portrait.jpg and re-measured
  by talkingphoto.evaluation (the project's lip-sync measurement);
- cue tracks: frames whose Rhubarb shape matches the aligned phones' shape, and the
  correlation of the cues' openness with the reference; the model's viseme confusion;
- smoothness: 99th percentile of the frame-to-frame change of ``open`` at 25 fps;
- Mandarin (espeak-ng) and singing: the mouth opens on syllables and holds sustained notes;
- music with no voice (held-out game music): the share of frames the mouth shows open and
  the lip closures per minute (both should be near 0), and synthetic singing over it;
- real Mandarin: two speakers' recorded syllables (Debian gcin-voice, downloaded with
  apt-get into training/cache) joined in pairs, a vowel-final syllable straight into a
  second one: the mouth opens on every syllable, shuts at joins into b/p/m (ㄅㄆㄇ) and not
  at joins into d/t/n/l/g/k/h, and rounds (spread) more on u/ü/o finals than on i finals;
- real singing: Hedgewars' Singer voice pack sings its words, Default shouts them
  (hedgewars-data): how open the mouth holds their loud held notes; and five of the Singer's
  clips sung over each held-out music track (a made-up song): open while it sings, shut
  between; for the models hearing the whole mix, the rules, `--mouth music` and `auto`;
- speed (x real time on one core) and size of both models, and of `--mouth music` on 3 min of
  song (REPET alone, and with the voice mask and the models).
Targets: rendered r >= 0.8 at lag 0 on every recording, best lag 0, closures >= 0.9, cue
tracks better than the rules on every recording, p99 change < 0.5, speed >= 50x.
"""

import argparse
import functools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, before numpy starts its threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Openness of each Rhubarb shape (MouthTrack units), to score cue tracks on the evaluation's scale.
SHAPE_OPEN = {"A": 0.0, "B": 0.2, "C": 0.5, "D": 0.85, "E": 0.5, "F": 0.3, "G": 0.1, "H": 0.4, "X": 0.0}
TESTDATA = {
    "sense_and_sensibility_01_austen_64kb-0870": "and mister john dashwood had then leisure to consider how much "
    "there might be prudently in his power to do for them",
    "sense_and_sensibility_01_austen_64kb-0880": "he was not an ill disposed young man",
    "goforward": "go forward ten meters",
}
# Held-out prompts whose recording says other words than the package's text (Allison says
# "I'm" where core-sounds-en.txt has "I am"; written as the text, pocketsphinx cannot align them).
SPOKEN = {
    "demo-abouttotry": "I'm about to attempt an Inter-Asterisk Exchange connection to a demonstration server "
    "located at Digium. In order for this to work you must already be connected to the Internet. Please wait "
    "a moment while I attempt to make the connection.",
    "invalid": "I'm sorry, that's not a valid extension. Please try again.",
}


def recordings() -> list:
    """(name, y at 16 kHz, transcript) of the held-out English recordings."""
    from talkingphoto.media import load_audio
    from training import sources
    from training.splits import EVAL_ASTERISK, split_of

    out = []
    for name, text in TESTDATA.items():
        y, _ = load_audio(ROOT / "tests/data/audio" / f"{name}.wav", sr=16000, mono=True)
        out.append((name, y, text))
    root = sources.fetch_packages(ROOT / "training" / "cache")
    texts = sources.transcripts(root, "en")
    for name in EVAL_ASTERISK["en"]:
        assert split_of("asterisk-en", name) == "eval"
        y, _ = load_audio(root / "usr/share/asterisk/sounds/en_US_f_Allison" / f"{name}.wav", sr=16000, mono=True)
        out.append((f"asterisk-en/{name}", y, sources.respelled(SPOKEN.get(name, texts[name]))))
    return out


def streamed_track(y: np.ndarray, fps: float, n_frames: int):
    from talkingphoto.motion import MouthStream
    from talkingphoto.motion._learned import _at_frames, jaw_dynamics

    stream = MouthStream(sr=16000)  # the streaming model
    parts = [stream.feed(y[i : i + 320]) for i in range(0, len(y), 320)] + [stream.flush()]
    controls = np.concatenate([p.controls for p in parts])
    return jaw_dynamics(_at_frames(controls, rate=50.0, fps=fps, n_frames=n_frames), fps=fps)


def cue_scores(cues, phones, duration: float) -> tuple:
    """(shape accuracy, openness correlation) of cues against aligned ARPAbet phones, at 100 Hz."""
    from talkingphoto.evaluation import reference_openness
    from talkingphoto.motion._phonemes import VISEMES, viseme_track

    n = int(duration * 100)
    truth = viseme_track([(p.start, p.end, p.label) for p in phones], fps=100, n_frames=n)
    shapes = np.full(n, VISEMES.index("X"))
    for cue in cues:
        shapes[int(round(cue.start * 100)) : int(round(cue.end * 100))] = VISEMES.index(cue.value)
    opening = np.array([SHAPE_OPEN[VISEMES[k]] for k in shapes])
    reference = reference_openness(phones, fps=100, n_frames=n)
    return float(np.mean(shapes == truth)), float(np.corrcoef(opening, reference)[0, 1]), truth, shapes


def render_score(y: np.ndarray, transcript: str, phones, mouth: str, workdir: Path) -> dict:
    from talkingphoto.evaluation import lipsync_report, measure_video_openness, reference_openness
    from talkingphoto.voice import save_wav
    from talkingphoto.job import Job
    from talkingphoto.pipeline import render_job

    audio = workdir / "speech.wav"
    save_wav(audio, y, sr=16000)
    video = workdir / f"{mouth}.mp4"
    render_job(Job.single(ROOT / "examples/portrait.jpg", video, audio=audio, mouth=mouth, max_size=640))
    openness = measure_video_openness(video)
    reference = reference_openness(phones, fps=25.0, n_frames=len(openness))
    return lipsync_report(openness, reference, phones, fps=25.0).to_dict()


def picture_scores(workdir: Path) -> list:
    """Lip sync of each kind of picture speaking the two LibriVox lines, vivid, default mouth."""
    from talkingphoto.evaluation import lipsync_report, measure_video_openness, reference_openness
    from talkingphoto.job import Job
    from talkingphoto.media import load_audio
    from talkingphoto.pipeline import render_job
    from talkingphoto.voice import align_phones

    pictures = ("grace_hopper.jpg", "astronaut.jpg", "wesnoth_mage_female.png", "freedroidrpg_kevin.png",
                "sylvie_green_normal.png", "sylvie_green_giggle.png", "eileen_vhappy.png")  # fmt: skip
    rows = []
    for name in list(TESTDATA)[:2]:
        audio = ROOT / "tests/data/audio" / f"{name}.wav"
        y, _ = load_audio(audio, sr=16000, mono=True)
        phones = align_phones(y, sr=16000, transcript=TESTDATA[name])
        for picture in pictures:
            video = workdir / "picture.mp4"
            render_job(Job.single(ROOT / "tests/data/images" / picture, video, audio=audio, mode="vivid", max_size=640))
            openness = measure_video_openness(video)
            reference = reference_openness(phones, fps=25.0, n_frames=len(openness))
            report = lipsync_report(openness, reference, phones, fps=25.0)
            rows.append({"picture": picture, "recording": name[-4:], "r0": round(report.correlation, 3),
                         "best_lag": report.best_lag, "closure_rate": report.closure_rate,
                         "found": round(report.valid_fraction, 3)})  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
    return rows


def speed(model) -> dict:
    """Size, lookahead, closure threshold and analysis speed of one model or (None) the pair."""
    from talkingphoto.motion import learned_mouth, offline_models

    rng = np.random.default_rng(0)
    y = (0.1 * rng.standard_normal(60 * 16000)).astype(np.float32)
    learned_mouth(y[:16000], sr=16000, model=model)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        learned_mouth(y, sr=16000, model=model)
        times.append(time.perf_counter() - t)
    models = offline_models() if model is None else (model,)
    return {"files": [m.path.name for m in models], "parameters": sum(m.n_parameters for m in models),
            "file_bytes": sum(m.path.stat().st_size for m in models), "lookahead_s": round(models[0].lookahead, 4),
            "closure": models[0].closure, "x_real_time": round(60.0 / min(times), 1)}  # fmt: skip


def music_speed() -> dict:
    """How fast `--mouth music` hears a song (one core; 3 min of examples/song.mp3's repeating
    bar, so every moment has its 40 neighbours): taking its voice apart from the backing
    (REPET), and all of it (REPET, the voice mask and the four models)."""
    from scripts.make_song_example import backing
    from talkingphoto.motion import song_mouth
    from talkingphoto.voice import song_voice

    y = backing(180.0).astype(np.float32)
    t = time.perf_counter()
    song_voice(y, sr=16000)
    separated = time.perf_counter() - t
    t = time.perf_counter()
    song_mouth(y, sr=16000)
    return {"separation_x_real_time": round(len(y) / 16000 / separated, 1),
            "song_mouth_x_real_time": round(len(y) / 16000 / (time.perf_counter() - t), 1)}  # fmt: skip


def mandarin_and_singing() -> dict:
    from talkingphoto.motion import learned_mouth_track, mouth_track, mouth_track_from_phones
    from talkingphoto.voice._espeak import espeak_synthesize
    from training.sources import singing_items

    out = {}
    text = "我们今天下午去图书馆看书，晚上一起吃饭。"  # not in the corpus's sentences
    y, sr, phones = espeak_synthesize(text, voice="cmn", rate=150)
    labels = [(p.start, p.end, p.ipa) for p in phones]
    n = int(np.ceil(len(y) / sr * 25))
    truth = mouth_track_from_phones(labels, fps=25, n_frames=n)
    for name, track in (("model", learned_mouth_track(y, sr=sr, fps=25, n_frames=n)),
                        ("signal", mouth_track(y, sr=sr, fps=25, n_frames=n))):  # fmt: skip
        opened = [track.open[int(a * 25) : max(int(b * 25), int(a * 25) + 1)].max()
                  for a, b, label in labels if any(v in label for v in "aeiouəɤy")]  # fmt: skip
        out[f"cmn_{name}"] = {"r_open": round(float(np.corrcoef(track.open, truth.open)[0, 1]), 3),
                              "syllables_opened": round(float(np.mean(np.array(opened) > 0.25)), 3)}  # fmt: skip
    for name, fn in (("model", learned_mouth_track), ("signal", mouth_track)):
        held, opened = [], []
        for item in singing_items(6, seed=999):  # a seed the corpus does not use
            n = int(np.ceil(len(item.y) / item.sr * 25))
            track = fn(item.y, sr=item.sr, fps=25, n_frames=n)
            for a, b, label in item.phones:
                if label.startswith("ˈ") and b - a > 0.6:
                    span = track.open[int(a * 25) + 3 : int(b * 25) - 2]
                    opened.append(span.mean())
                    held.append(np.mean(span > 0.2))
        out[f"singing_{name}"] = {"mean_open_on_notes": round(float(np.mean(opened)), 3),
                                  "frames_open_on_notes": round(float(np.mean(held)), 3)}  # fmt: skip
    return out


def music(fn, *, seconds: float = 60.0) -> dict:
    """Figures of mouth function ``fn`` on game music no model was trained on (Hedgewars'
    tracks of INSTRUMENTAL_EVAL, hedgewars-data, downloaded with apt-get into
    training/cache): alone, where the mouth should stay shut, and under synthetic singing
    (6 dB below the voice), where it should still open and hold on the notes."""
    from talkingphoto.evaluation import CLOSED_GAP, track_openness
    from talkingphoto.media import load_audio
    from training import sources
    from training.splits import INSTRUMENTAL_EVAL

    folder = sources.fetch_packages(ROOT / "training" / "cache", ("hedgewars-data",)) / "usr/share/games/hedgewars/Data/Music"
    tracks = [load_audio(folder / f"{name}.ogg", sr=16000, mono=True)[0][: int(seconds * 16000)] for name in INSTRUMENTAL_EVAL]
    shown, closures = [], 0
    for y in tracks:
        track = fn(y, sr=16000, fps=25, n_frames=int(np.ceil(len(y) / 16000 * 25)))
        shown.append(track_openness(track) >= CLOSED_GAP)
        closures += int(np.sum(np.diff((track.press > 0.5).astype(int)) == 1))
    held, opened = [], []
    for k, item in enumerate(sources.singing_items(6, seed=999)):  # as mandarin_and_singing's
        bed = tracks[k % len(tracks)][: len(item.y)]
        bed = np.pad(bed, (0, len(item.y) - len(bed))) * 10 ** (-6 / 20) * np.std(item.y) / max(np.std(bed), 1e-9)
        track = fn((item.y + bed).astype(np.float32), sr=item.sr, fps=25, n_frames=int(np.ceil(len(item.y) / item.sr * 25)))
        for a, b, label in item.phones:
            if label.startswith("ˈ") and b - a > 0.6:
                span = track.open[int(a * 25) + 3 : int(b * 25) - 2]
                opened.append(span.mean())
                held.append(np.mean(span > 0.2))
    minutes = sum(len(y) for y in tracks) / 16000 / 60
    return {"music_frames_open": round(float(np.mean(np.concatenate(shown))), 3),
            "music_closures_per_min": round(closures / minutes, 1),
            "sung_over_music_mean_open": round(float(np.mean(opened)), 3),
            "sung_over_music_frames_open": round(float(np.mean(held)), 3)}  # fmt: skip


# Hedgewars' voice packs (hedgewars-data, GPL-2; never trained on): words shouted or sung by
# a hedgehog. Leaving out what is no word (laughs, grunts, coughs, a victory tune).
VOICE_PACK_NOT_WORDS = ("Laugh", "Ow", "Ooff", "Jump", "Poison", "Firepunch", "Hmm", "Victory", "Yessir")


def real_singing(fn, *, packs: tuple = ("Singer", "Default")) -> dict:
    """How open mouth function ``fn`` holds real sung notes: Hedgewars' ``Singer`` voice pack
    sings its words (held notes up to about 900 Hz), ``Default`` shouts them. Held = a run of
    at least 0.4 s within 10 dB of the clip's loudest 40 ms; the figures are the mean opening
    (``open * (1 - press)``) over those frames and the share of them under 0.3."""
    from talkingphoto.media import load_audio
    from training import sources

    root = sources.fetch_packages(ROOT / "training" / "cache", ("hedgewars-data",))
    out = {}
    for pack in packs:
        opened = []
        for path in sorted((root / "usr/share/games/hedgewars/Data/Sounds/voices" / pack).glob("*.ogg")):
            if path.stem.startswith(VOICE_PACK_NOT_WORDS):
                continue
            y, _ = load_audio(path, sr=16000, mono=True)
            n = int(np.ceil(len(y) / 16000 * 25))
            track = fn(y, sr=16000, fps=25, n_frames=n)
            level = np.array([10 * np.log10(np.mean(y[i * 640 : (i + 1) * 640] ** 2) + 1e-10) for i in range(n)])
            loud = np.concatenate([[0], (level > level.max() - 10).astype(int), [0]])
            edges = np.flatnonzero(np.diff(loud)).reshape(-1, 2)
            shown = track.open * (1 - track.press)
            opened += [shown[a:b] for a, b in edges if b - a >= 10]
        opened = np.concatenate(opened)
        out[pack] = {"held_frames": int(len(opened)), "mean_open": round(float(opened.mean()), 3),
                     "share_under_0.3": round(float(np.mean(opened < 0.3)), 3)}  # fmt: skip
    return out


def song_mixes(*, snr: float = 6.0) -> list:
    """Made-up songs: five of Hedgewars' Singer clips sung over each held-out music track
    (INSTRUMENTAL_EVAL, 22 s from 10 s in), the voice ``snr`` dB over the music where it
    sounds. (16 kHz samples, 25 fps frames where a clip sings) per track."""
    from talkingphoto.media import load_audio
    from training import sources
    from training.splits import INSTRUMENTAL_EVAL

    data = sources.fetch_packages(ROOT / "training" / "cache", ("hedgewars-data",)) / "usr/share/games/hedgewars/Data"
    clips = [load_audio(data / "Sounds/voices/Singer" / f"{name}.ogg", sr=16000, mono=True)[0]
             for name in ("Hello", "Nooo", "Amazing", "Byebye", "Revenge")]  # fmt: skip
    mixes = []
    for name in INSTRUMENTAL_EVAL:
        bed = load_audio(data / "Music" / f"{name}.ogg", sr=16000, mono=True)[0][10 * 16000 : 32 * 16000].astype(np.float64)
        y, voiced = bed.copy(), np.zeros(int(len(bed) / 640), bool)
        for k, clip in enumerate(clips):
            start = int((2 + 4 * k) * 16000)
            y[start : start + len(clip)] += clip * np.sqrt(np.mean(bed**2)) * 10 ** (snr / 20) / sources.voice_level(clip)
            voiced[start // 640 : (start + len(clip)) // 640] = True
        mixes.append(((0.9 * y / np.abs(y).max()).astype(np.float32), voiced))
    return mixes


def real_song(fn, *, snr: float = 6.0) -> dict:
    """Mouth function ``fn`` on :func:`song_mixes`: mean opening (``open * (1 - press)``) and
    share under 0.3 while a clip sings, share of the instrumental frames the mouth shows open
    (as in :func:`music`)."""
    from talkingphoto.evaluation import CLOSED_GAP, track_openness

    sung, instrumental = [], []
    for y, voiced in song_mixes(snr=snr):
        track = fn(y, sr=16000, fps=25, n_frames=len(voiced))
        opening = track.open * (1 - track.press)
        sung.append(opening[voiced])
        instrumental.append(track_openness(track)[~voiced] >= CLOSED_GAP)
    sung = np.concatenate(sung)
    return {"sung_mean_open": round(float(sung.mean()), 3), "sung_share_under_0.3": round(float(np.mean(sung < 0.3)), 3),
            "instrumental_frames_open": round(float(np.mean(np.concatenate(instrumental))), 3)}  # fmt: skip


def backing_figures(speech: list) -> dict:
    """How often ``--mouth auto`` hears backing music (voice.backing_music): in each of
    :func:`song_mixes` at 0, 6 and 12 dB, and in the held-out ``speech`` recordings (16 kHz
    samples) long enough to be judged; and how fast, on examples/song.mp3's 11 s."""
    from talkingphoto.media import load_audio
    from talkingphoto.voice import backing_music
    from talkingphoto.voice._music import MIN_LISTEN

    out = {f"songs_heard_{snr}dB": sum(backing_music(y, sr=16000).plays for y, _ in song_mixes(snr=snr)) for snr in (0, 6, 12)}
    long = [y for y in speech if len(y) >= MIN_LISTEN * 16000]
    out |= {"speech_judged": len(long), "speech_heard": sum(backing_music(y, sr=16000).plays for y in long)}
    y, _ = load_audio(ROOT / "examples" / "song.mp3", sr=16000, mono=True)
    start = time.perf_counter()
    out["example_song_heard"] = backing_music(y, sr=16000).plays
    out["x_real_time"] = round(len(y) / 16000 / (time.perf_counter() - start), 1)
    return out


_BILABIAL = "ㄅㄆㄇ"
_OTHER_ONSETS = "ㄉㄊㄋㄌㄍㄎㄏ"
_FINAL_VOWELS = "ㄚㄛㄜㄧㄨㄩㄞㄟㄠㄡ"


def real_mandarin(fn, *, pairs: int = 120) -> dict:
    """Figures of mouth function ``fn`` (learned_mouth_track or mouth_track) on recorded Mandarin syllables."""
    from talkingphoto.evaluation import CLOSED_GAP, track_openness
    from talkingphoto.media import load_audio
    from training import sources

    folder = sources.fetch_packages(ROOT / "training" / "cache", ("gcin-voice",)) / "usr/share/gcin-voice/ogg"

    def syllable(path):
        y, _ = load_audio(path, sr=16000, mono=True)
        level = np.sqrt(np.convolve(y**2, np.ones(160) / 160, "same"))
        voiced = np.flatnonzero(level > 0.05 * level.max())
        return y[voiced[0] : voiced[-1] + 1] / max(np.abs(y).max(), 1e-6) * 0.5

    names = sorted(p.name for p in folder.iterdir())
    firsts = [n for n in names if n.rstrip("12345")[-1:] in _FINAL_VOWELS]
    rng = np.random.default_rng(0)
    opened, shut, false_shut, rounded, spread_ = [], [], [], [], []
    for k in range(pairs):
        speaker = ("3.ogg", "5.ogg")[k % 2]
        onsets = _BILABIAL if k % 3 else _OTHER_ONSETS  # two of three joins into b/p/m
        seconds = [n for n in names if n[0] in onsets]
        a, b = rng.choice(firsts), rng.choice(seconds)
        if not ((folder / a / speaker).is_file() and (folder / b / speaker).is_file()):
            continue
        ya, yb = syllable(folder / a / speaker), syllable(folder / b / speaker)
        pause = np.zeros(int(0.3 * 16000), np.float32)
        y = np.concatenate([pause, ya, yb, pause])
        n = int(np.ceil(len(y) / 16000 * 25))
        track = fn(y, sr=16000, fps=25, n_frames=n)
        shown = track_openness(track)  # the evaluation's units: closed under CLOSED_GAP
        spans = [(len(pause), len(pause) + len(ya), a), (len(pause) + len(ya), len(pause) + len(ya) + len(yb), b)]
        for lo, hi, name in spans:
            frames = slice(int(lo / 16000 * 25), max(int(hi / 16000 * 25), int(lo / 16000 * 25) + 1))
            opened.append(track.open[frames].max() > 0.25)
            final = name.rstrip("12345")[-1]
            if final in "ㄨㄩㄛㄡ":
                rounded.append(track.spread[frames].mean())
            elif final == "ㄧ":
                spread_.append(track.spread[frames].mean())
        join = (len(pause) + len(ya)) / 16000 * 25
        near = shown[max(int(join - 2), 0) : int(join + 2) + 1]  # +-60-80 ms around the join
        (shut if b[0] in _BILABIAL else false_shut).append(near.min() < CLOSED_GAP)
    return {"syllables_opened": round(float(np.mean(opened)), 3), "bilabial_joins_shut": round(float(np.mean(shut)), 3),
            "n_bilabial_joins": len(shut), "other_joins_shut": round(float(np.mean(false_shut)), 3),
            "n_other_joins": len(false_shut), "spread_rounded_finals": round(float(np.mean(rounded)), 3),
            "spread_i_finals": round(float(np.mean(spread_)), 3)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", action="store_true", help="also render and re-measure videos (slow)")
    parser.add_argument("--pictures", action="store_true", help="only the lip sync of each kind of picture (slow)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.pictures:
        with tempfile.TemporaryDirectory() as tmp:
            rows = picture_scores(Path(tmp))
        print(f"mean r0 {np.mean([r['r0'] for r in rows]):.3f}")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
        return
    from talkingphoto.evaluation import evaluate_track
    from talkingphoto.motion import (cues_from_learned, cues_from_track, learned_mouth, learned_mouth_track,
                                     load_mouth_model, mouth_track, recording_mouth)  # fmt: skip
    from talkingphoto.motion._phonemes import VISEMES
    from talkingphoto.voice import align_phones

    offline, causal = load_mouth_model(), load_mouth_model(live=True)
    report = {"speed": speed(None), "speed_offline": speed(offline), "speed_stream": speed(causal), "recordings": {}}
    print(json.dumps(report["speed"]), json.dumps(report["speed_offline"]), json.dumps(report["speed_stream"]))
    confusion = {"model": np.zeros((9, 9), int), "signal": np.zeros((9, 9), int)}
    steps, heard = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, y, text in recordings():
            heard.append(y)
            phones = align_phones(y, sr=16000, transcript=text)
            if not phones:
                print(name, "could not be aligned: skipped")
                report["recordings"][name] = None
                continue
            duration = len(y) / 16000
            n = int(np.ceil(duration * 25))
            tracks = {"model": learned_mouth_track(y, sr=16000, fps=25, n_frames=n),
                      "offline": learned_mouth_track(y, sr=16000, fps=25, n_frames=n, model=offline),
                      "causal": learned_mouth_track(y, sr=16000, fps=25, n_frames=n, model=causal),
                      "stream": streamed_track(y, 25.0, n), "signal": mouth_track(y, sr=16000, fps=25, n_frames=n),
                      "music": learned_mouth_track(y, sr=16000, fps=25, n_frames=n, music=True),
                      "auto": recording_mouth(y, sr=16000, fps=25, n_frames=n)}  # fmt: skip
            row = {}
            for key, track in tracks.items():
                r = evaluate_track(track, phones)
                row[key] = {"r0": round(r.correlation, 3), "lag": r.best_lag, "r_best": round(r.best_correlation, 3),
                            "closures": r.closure_rate}  # fmt: skip
            steps.append(np.abs(np.diff(tracks["model"].open)))
            model_cues = cues_from_learned(learned_mouth(y, sr=16000), duration=duration)
            signal_track = mouth_track(y, sr=16000, fps=100, n_frames=int(np.ceil(duration * 100)))
            signal_cues = cues_from_track(signal_track, duration=duration)
            acc_m, r_m, truth, shapes = cue_scores(model_cues, phones, duration)
            acc_s, r_s, _, signal_shapes = cue_scores(signal_cues, phones, duration)
            np.add.at(confusion["model"], (truth, shapes), 1)
            np.add.at(confusion["signal"], (truth, signal_shapes), 1)
            row["cues"] = {"model_accuracy": round(acc_m, 3), "signal_accuracy": round(acc_s, 3),
                           "model_r": round(r_m, 3), "signal_r": round(r_s, 3)}  # fmt: skip
            if args.render:
                for mouth in ("model", "signal"):
                    row[f"rendered_{mouth}"] = render_score(y, text, phones, mouth, Path(tmp))
            report["recordings"][name] = row
            print(name, json.dumps(row), flush=True)
    all_steps = np.concatenate(steps)
    report["open_step_p99"] = round(float(np.percentile(all_steps, 99)), 3)
    report["viseme_confusion"] = {"order": VISEMES} | {key: c.tolist() for key, c in confusion.items()}
    report |= mandarin_and_singing()
    report["cmn_real_model"] = real_mandarin(learned_mouth_track)
    report["cmn_real_signal"] = real_mandarin(mouth_track)
    report["music_model"] = music(learned_mouth_track)
    report["music_signal"] = music(mouth_track)
    report["sung_real_model"] = real_singing(learned_mouth_track)
    report["sung_real_signal"] = real_singing(mouth_track)
    report["song_model"] = real_song(learned_mouth_track)
    report["song_signal"] = real_song(mouth_track)
    report["song_music"] = real_song(functools.partial(learned_mouth_track, music=True)) | music_speed()
    report["song_auto"] = real_song(recording_mouth)
    report["backing"] = backing_figures(heard)
    print("open step p99", report["open_step_p99"])
    for key, matrix in confusion.items():
        print(f"confusion (rows: aligned phones' shape, columns: {key} cues, centiseconds), order", VISEMES)
        for k, line in enumerate(matrix):
            print(VISEMES[k], " ".join(f"{v:5d}" for v in line), f"  recall {line[k] / max(line.sum(), 1):.2f}")
    for key in ("cmn_model", "cmn_signal", "cmn_real_model", "cmn_real_signal", "singing_model", "singing_signal",
                "music_model", "music_signal", "sung_real_model", "sung_real_signal", "song_model", "song_signal", "song_music", "song_auto", "backing"):  # fmt: skip
        print(key, report[key])
    rows = [row for row in report["recordings"].values() if row is not None]
    for key in ("model", "offline", "causal", "stream", "signal", "music", "auto"):
        values = [r[key]["r0"] for r in rows]
        closed = [r[key]["closures"] for r in rows]
        print(f"{key}: mean r0 {np.nanmean(values):.3f}, min r0 {np.nanmin(values):.3f}, "
              f"mean closures {np.nanmean(closed):.3f}, lags {[r[key]['lag'] for r in rows]}")  # fmt: skip
    for key in ("model", "signal"):
        print(f"cues {key}: mean shape accuracy {np.mean([r['cues'][f'{key}_accuracy'] for r in rows]):.3f}, "
              f"mean r {np.nanmean([r['cues'][f'{key}_r'] for r in rows]):.3f}")  # fmt: skip
    wins = sum(r["cues"]["model_accuracy"] > r["cues"]["signal_accuracy"] for r in rows)
    print(f"cue shapes: model beats the rules on {wins} of {len(rows)} recordings")
    if args.render:
        for key in ("rendered_model", "rendered_signal"):
            values = [r[key]["correlation"] for r in rows]
            closed = [r[key]["closure_rate"] for r in rows if r[key]["closure_rate"] is not None]
            # Pooled as well as per recording: a long prompt's misses weigh as much as a short one's hits.
            hits = sum(round(r[key]["closure_rate"] * r[key]["n_bilabials"]) for r in rows if r[key]["n_bilabials"])
            total = sum(r[key]["n_bilabials"] for r in rows)
            print(f"{key}: mean r0 {np.mean(values):.3f}, min {min(values):.3f}, "
                  f"at least 0.8 on {sum(v >= 0.8 for v in values)} of {len(values)}, "
                  f"closures {np.mean(closed):.3f} per recording, {hits} of {total} = {hits / max(total, 1):.3f} pooled, "
                  f"lags {[r[key]['best_lag'] for r in rows]}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
