"""The learned audio-to-mouth model: loading, shapes and ranges, streaming, bad files, jaw dynamics."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from talkingphoto.errors import ModelError, ParameterError
from talkingphoto.motion import (
    MouthStream,
    MouthTrack,
    cues_from_learned,
    learned_mouth,
    learned_mouth_track,
    load_mouth_model,
    offline_models,
    recording_mouth,
)
from talkingphoto.motion._learned import (
    MODEL_PATH,
    SECOND_RUN_PATHS,
    STREAM_MODEL_PATH,
    LearnedMouth,
    closures,
    jaw_dynamics,
    log_mel,
)
from talkingphoto.motion._phonemes import VISEMES


def _speech(seconds: float = 2.0, sr: int = 16000) -> np.ndarray:
    """Syllable-like bursts: a buzzy source under a 4 Hz envelope, with silences."""
    t = np.arange(int(seconds * sr)) / sr
    source = np.sign(np.sin(2 * np.pi * 140 * t)) * 0.3 + 0.05 * np.random.default_rng(0).standard_normal(len(t))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2 * (t > 0.3) * (t < seconds - 0.3)
    return (source * envelope).astype(np.float32)


def test_packaged_models_are_small_and_load():
    offline, live = load_mouth_model(), load_mouth_model(live=True)
    assert (offline.path, live.path) == (MODEL_PATH, STREAM_MODEL_PATH)
    packaged = (MODEL_PATH, STREAM_MODEL_PATH, *SECOND_RUN_PATHS)
    assert sum(path.stat().st_size for path in packaged) < 10 * 1024 * 1024
    for model in (offline, live):
        assert 100_000 <= model.n_parameters <= 2_000_000 and 0 < model.closure <= 1 and 1 <= model.rounding <= 4
    assert live.lookahead <= 0.08 < offline.lookahead <= 0.25
    assert MouthStream().model is live
    assert offline_models()[:2] == (offline, live) and [m.path for m in offline_models()] == list(packaged)


def test_recordings_get_the_mean_of_the_models_rounded_by_the_first():
    y = _speech(2.0)
    models = [replace(m, rounding=1.0) for m in offline_models()]
    alone = [learned_mouth(y, sr=16000, model=m) for m in models]
    together = learned_mouth(y, sr=16000, model=models)
    mean = np.mean([a.controls for a in alone], axis=0)
    assert len(models) == 4 and np.allclose(together.controls, mean, atol=1e-5)
    assert np.allclose(together.visemes, np.mean([a.visemes for a in alone], axis=0), atol=1e-5)
    # The first model's rounding gain scales negative spread only, to at most -1.
    assert (mean[:, 1] < 0).any() and (mean[:, 1] > 0).any()
    rounder = learned_mouth(y, sr=16000, model=[replace(models[0], rounding=2.0), *models[1:]]).controls
    assert np.allclose(rounder[:, 1], np.where(mean[:, 1] < 0, np.maximum(2 * mean[:, 1], -1), mean[:, 1]), atol=1e-5)
    assert np.allclose(np.delete(rounder, 1, axis=1), np.delete(mean, 1, axis=1), atol=1e-5)
    with pytest.raises(ParameterError, match="model must be a MouthModel"):
        learned_mouth(y, sr=16000, model=())


def test_outputs_have_the_contract_shapes_and_ranges():
    y = _speech(2.0)
    out = learned_mouth(y, sr=16000)
    assert out.rate == 50 and out.controls.shape == (100, 5) and out.visemes.shape == (100, 9)
    assert np.allclose(out.visemes.sum(1), 1.0, atol=1e-4)
    track = learned_mouth_track(y, sr=16000, fps=25)
    assert isinstance(track, MouthTrack) and track.n_frames == 50
    for name, lo, hi in (("open", 0, 1), ("spread", -1, 1), ("press", 0, 1), ("fv", 0, 1), ("tongue", 0, 1)):
        values = getattr(track, name)
        assert values.min() >= lo and values.max() <= hi
    # Silence keeps the mouth shut; the bursts open it.
    assert track.open[:5].max() < 0.15 and track.open.max() > 0.3


def test_any_sample_rate_gives_the_same_mouth():
    y16 = _speech(2.0)
    from scipy import signal

    y8 = signal.resample_poly(y16, 1, 2).astype(np.float32)
    y48 = signal.resample_poly(y16, 3, 1).astype(np.float32)
    a = learned_mouth_track(y16, sr=16000, fps=25)
    b = learned_mouth_track(y8, sr=8000, fps=25)
    c = learned_mouth_track(y48, sr=48000, fps=25)
    assert np.corrcoef(a.open, c.open)[0, 1] > 0.97
    assert np.corrcoef(a.open, b.open)[0, 1] > 0.8  # telephone band loses the highs


@pytest.mark.parametrize("live", [True, False])
def test_streaming_matches_offline(live):
    y = _speech(3.0)
    model = load_mouth_model(live=live)
    offline = learned_mouth(y, sr=16000, model=model)
    stream = MouthStream(sr=16000, model=model)
    parts = []
    rng = np.random.default_rng(1)
    position = 0
    while position < len(y):
        size = int(rng.integers(50, 2000))
        parts.append(stream.feed(y[position : position + size]))
        position += size
    parts.append(stream.flush())
    controls = np.concatenate([p.controls for p in parts])
    assert controls.shape == offline.controls.shape
    assert np.abs(controls - offline.controls).max() < 1e-4


def test_streaming_decides_frames_within_the_lookahead():
    stream = MouthStream(sr=16000)
    lookahead = stream.model.lookahead
    y = _speech(1.0)
    decided = 0
    for end in range(160, len(y) + 1, 160):
        decided += len(stream.feed(y[end - 160 : end]).controls)
        # every frame whose instant is at least `lookahead` before the sound's end is out
        due = math.floor((end / 16000 - lookahead) * 50 - 0.5) + 1
        assert decided >= due


def test_streaming_at_other_rates_follows_offline():
    from scipy import signal

    y = signal.resample_poly(_speech(3.0), 1, 2).astype(np.float32)
    stream = MouthStream(sr=8000)
    parts = [stream.feed(y[i : i + 400]) for i in range(0, len(y), 400)] + [stream.flush()]
    live = np.concatenate([p.controls[:, 0] for p in parts])
    offline = learned_mouth(y, sr=8000, model=stream.model).controls[:, 0]
    n = min(len(live), len(offline))
    assert n >= len(offline) - 1
    assert np.corrcoef(live[:n], offline[:n])[0, 1] > 0.9


def test_missing_and_damaged_weights_are_one_line_errors(tmp_path):
    missing = tmp_path / "none.npz"
    with pytest.raises(ModelError, match="none.npz") as info:
        load_mouth_model(missing)
    assert "\n" not in str(info.value)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ModelError, match="garbage.npz") as info:
        load_mouth_model(garbage)
    assert "\n" not in str(info.value)
    # A readable npz with a wrong shape inside.
    with np.load(MODEL_PATH) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["b0_w1"] = arrays["b0_w1"][:, :3]
    broken = tmp_path / "broken.npz"
    np.savez(broken, **arrays)
    with pytest.raises(ModelError, match="broken.npz.*b0_w1"):
        load_mouth_model(broken)
    arrays["config"] = np.array(json.dumps({"dilations": [1]}))
    no_delay = tmp_path / "no_delay.npz"
    np.savez(no_delay, **arrays)
    with pytest.raises(ModelError, match="no_delay.npz"):
        load_mouth_model(no_delay)
    with np.load(STREAM_MODEL_PATH) as data:
        arrays = {k: data[k] for k in data.files}
    config = json.loads(str(arrays["config"])) | {"closure": 1.5}
    arrays["config"] = np.array(json.dumps(config))
    bad_closure = tmp_path / "bad_closure.npz"
    np.savez(bad_closure, **arrays)
    with pytest.raises(ModelError, match="bad_closure.npz.*closure"):
        load_mouth_model(bad_closure)
    arrays["config"] = np.array(json.dumps(config | {"closure": 0.4, "rounding": 0.5}))
    bad_rounding = tmp_path / "bad_rounding.npz"
    np.savez(bad_rounding, **arrays)
    with pytest.raises(ModelError, match="bad_rounding.npz.*rounding"):
        load_mouth_model(bad_rounding)


def test_bad_arguments():
    with pytest.raises(ParameterError, match="sr"):
        learned_mouth(np.zeros(100, np.float32), sr=100)
    with pytest.raises(ParameterError, match="fps"):
        learned_mouth_track(np.zeros(100, np.float32), sr=16000, fps=0)
    with pytest.raises(ParameterError, match="mouth must be one of"):
        recording_mouth(np.zeros(100, np.float32), sr=16000, fps=25, source="rules")
    assert learned_mouth(np.zeros(0, np.float32), sr=16000).controls.shape == (0, 5)


def test_jaw_takes_three_frames_to_close_but_lips_shut_at_once():
    controls = np.zeros((10, 5))
    controls[:4, 0] = 1.0  # wide open, then shut
    controls[4, 2] = 1.0  # with a lip closure on the first shut frame
    track = jaw_dynamics(controls, fps=25)
    # The fall starts before the closure and ends after it: no lag, no one-frame jump.
    assert track.open[3] > 0.5 and 0.1 < track.open[4] < 0.5 and track.open[6] < 0.01
    assert np.abs(np.diff(track.open)).max() <= 0.45 + 1e-6
    assert track.press[4] == 1.0
    # At 50 fps the same fall takes twice as many frames.
    assert jaw_dynamics(controls.repeat(2, axis=0), fps=50).open[6:12].min() > 0.0


def test_closure_peaks_shut_the_lips_only_where_the_likeliest_shape_is_closed():
    visemes = np.zeros((60, 9), np.float32)
    visemes[:, VISEMES.index("X")] = 1.0
    controls = np.zeros((60, 5), np.float32)
    for frame, shape in ((10, "A"), (25, "B"), (40, "C"), (52, "G")):  # M, clenched, open vowel, F
        controls[frame, 2] = 0.6
        visemes[frame] = 0.0
        visemes[frame, VISEMES.index(shape)] = 1.0
    mouth = LearnedMouth(rate=50.0, controls=controls, visemes=visemes)
    assert closures(mouth, threshold=0.5).tolist() == [10, 25]
    assert closures(mouth, threshold=0.7).tolist() == [10]  # P(A) counts as evidence too


def test_log_mel_frames_and_silence():
    y = np.zeros(16000, np.float32)
    features = log_mel(y)
    assert features.shape == (100, 40) and np.allclose(features, -10.0)
    tone = np.sin(2 * np.pi * 1000 * np.arange(16000) / 16000).astype(np.float32)
    band = log_mel(tone)[50].argmax()
    assert 10 < band < 30  # 1 kHz sits in the lower middle of the mel scale


def test_cues_from_the_model_use_rhubarb_shapes():
    y = _speech(2.0)
    cues = cues_from_learned(learned_mouth(y, sr=16000), duration=2.0)
    assert cues[0].start == 0.0 and cues[-1].end == 2.0
    assert {c.value for c in cues} <= set("ABCDEFGHX") and "X" in {c.value for c in cues}


# Track-proxy correlations measured with the shipped pair of models (0.924, 0.715, 0.855) minus a margin.
RECORDINGS = {
    "goforward.wav": ("go forward ten meters", 0.87),
    "sense_and_sensibility_01_austen_64kb-0870.wav": (
        "and mister john dashwood had then leisure to consider how much there might be prudently in his power "
        "to do for them",
        0.66,
    ),
    "sense_and_sensibility_01_austen_64kb-0880.wav": ("he was not an ill disposed young man", 0.80),
}


def test_a_recording_turned_down_40_db_moves_the_mouth_as_before(real_data):
    # A far or turned-down microphone (the loudest 50 ms at -61 dBFS, with a DC offset) lost
    # the model's lip closures and nearly all of the acoustic rules' opening.
    from talkingphoto.media import load_audio
    from talkingphoto.motion import mouth_track

    y, sr = load_audio(real_data / "audio" / "goforward.wav", sr=16000, mono=True)
    quiet = 0.01 * y + 0.02
    for analyse in (learned_mouth_track, mouth_track):
        before, after = (analyse(z, sr=sr, fps=25) for z in (y, quiet))
        assert np.corrcoef(before.open, after.open)[0, 1] > 0.95, analyse.__name__
        if analyse is learned_mouth_track:  # the rules' closures move with the level anyway
            assert np.array_equal(after.press > 0.5, before.press > 0.5)


@pytest.mark.slow
def test_model_follows_the_phones_of_real_recordings(real_data):
    from talkingphoto.evaluation import evaluate_track
    from talkingphoto.media import load_audio
    from talkingphoto.voice import align_phones

    for name, (transcript, minimum) in RECORDINGS.items():
        y, sr = load_audio(real_data / "audio" / name, sr=16000, mono=True)
        phones = align_phones(y, sr=sr, transcript=transcript)
        report = evaluate_track(learned_mouth_track(y, sr=sr, fps=25), phones)
        assert report.correlation >= minimum and abs(report.best_lag) <= 1, (name, report)


@pytest.mark.slow
def test_rendered_video_with_the_model(tmp_path, real_data):
    """Render a real recording with the model and re-measure the lips on the video (0.79 measured)."""
    from talkingphoto.evaluation import lipsync_report, measure_video_openness, reference_openness
    from talkingphoto.media import load_audio
    from talkingphoto.job import Job
    from talkingphoto.pipeline import render_job
    from talkingphoto.voice import align_phones

    audio = real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    video = tmp_path / "model.mp4"
    result = render_job(Job.single(real_data / "images" / "grace_hopper.jpg", video, audio=audio, mouth="model", max_size=640))
    assert result.n_frames == 75
    y, sr = load_audio(audio, sr=16000, mono=True)
    phones = align_phones(y, sr=sr, transcript="he was not an ill disposed young man")
    openness = measure_video_openness(video)
    report = lipsync_report(openness, reference_openness(phones, fps=25, n_frames=len(openness)), phones, fps=25)
    assert report.valid_fraction == 1.0
    assert report.correlation >= 0.7 and abs(report.best_lag) <= 1, report
