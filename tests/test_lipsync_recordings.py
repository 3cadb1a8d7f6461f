"""Lip-sync proxy on the shared real recordings: mouth_track against aligned phones.

Thresholds are the figures measured when the defaults were tuned (25 fps: goforward
0.887, sense 0870 0.774, sense 0880 0.846 combined-opening correlation at lag 0; 8 of
10 M/B/P closed) minus a margin, so a regression in features, track or alignment fails.
"""

import wave

import numpy as np
import pytest

from talkingphoto.evaluation import evaluate_track
from talkingphoto.motion import mouth_track
from talkingphoto.voice import align_phones

RECORDINGS = {
    "goforward.wav": ("go forward ten meters", 0.82),
    "sense_and_sensibility_01_austen_64kb-0870.wav": (
        "and mister john dashwood had then leisure to consider how much there might be prudently in his power "
        "to do for them",
        0.70,
    ),
    "sense_and_sensibility_01_austen_64kb-0880.wav": ("he was not an ill disposed young man", 0.78),
}


def read_wav(path):
    with wave.open(str(path)) as w:
        y = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        return y, w.getframerate()


@pytest.mark.slow
def test_proxy_lipsync_on_shared_recordings(real_data):
    correlations, closed, bilabials = [], 0, 0
    for name, (transcript, minimum) in RECORDINGS.items():
        y, sr = read_wav(real_data / "audio" / name)
        phones = align_phones(y, sr=sr, transcript=transcript)
        assert phones, f"alignment failed on {name}"
        report = evaluate_track(mouth_track(y, sr=sr, fps=25), phones)
        assert report.correlation >= minimum, (name, report)
        assert abs(report.best_lag) <= 1, (name, report)
        correlations.append(report.correlation)
        closed += round(report.closure_rate * report.n_bilabials) if report.n_bilabials else 0
        bilabials += report.n_bilabials
    assert np.mean(correlations) >= 0.78
    assert closed / bilabials >= 0.6
