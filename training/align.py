"""Aligning phonemes to real speech in languages pocketsphinx does not know.

espeak-ng turns the transcript into its phoneme sequence (with its own pauses); a
first-stage mouth model turns the recording into per-frame mouth controls and viseme
probabilities, which hold for any language; a Viterbi pass then finds the monotonic
segmentation of the recording into that phoneme sequence that best matches each
phoneme's table target (controls and viseme). Pauses may be skipped (the speaker may
not pause where espeak-ng does) and every phoneme lasts at least one 20 ms frame.
"""

import numpy as np

from talkingphoto.motion._learned import learned_mouth, load_mouth_model
from talkingphoto.motion._phonemes import VISEMES, Target, mouth_targets, viseme

_CONTROL_WEIGHTS = np.array([3.0, 1.0, 3.0, 1.0, 0.5])
_SIGMA2 = 0.03  # spread of a control around its target, squared
_VISEME_WEIGHT = 1.0
_STAY = np.log(0.8)  # transition scores: stay in a phoneme or move on
_MOVE = np.log(0.2)


def load_training_model(path):
    return load_mouth_model(path)


def _target(label: str) -> tuple:
    """(mean controls [5], viseme index) of a phoneme label; silence is the rest shape."""
    targets = [(w, t) for w, t in mouth_targets(label) if t is not None]
    if not targets:
        return np.zeros(5), VISEMES.index("X")
    weights = np.array([w for w, _ in targets])
    values = np.array([tuple(t) for _, t in targets])
    main = max(targets, key=lambda wt: wt[0])[1]
    return (weights[:, None] * values).sum(0) / weights.sum(), VISEMES.index(viseme(Target(*main)))


def viterbi_segments(controls: np.ndarray, visemes: np.ndarray, labels: list, skippable: list) -> list:
    """Frame spans (first, stop) of each label, or None for skipped ones.

    Parameters
    ----------
    controls : np.ndarray [shape=(n, 5)]
    visemes : np.ndarray [shape=(n, 9)] probabilities
    labels : list of str
        Phoneme labels in order.
    skippable : list of bool
        Which labels may take no frames (pauses).
    """
    n, s = len(controls), len(labels)
    targets = [_target(label) for label in labels]
    means = np.array([t[0] for t in targets])
    classes = np.array([t[1] for t in targets])
    diff = controls[:, None, :] - means[None, :, :]
    emission = -((diff**2) * _CONTROL_WEIGHTS).sum(-1) / (2 * _SIGMA2)
    emission += _VISEME_WEIGHT * np.log(visemes[:, classes] + 1e-3)
    neg = -1e18
    score = np.full(s, neg)
    back = np.zeros((n, s), np.int32)
    # Start in the first label, or in the first non-skippable one after skipped ones.
    for j in range(s):
        score[j] = emission[0, j]
        if not skippable[j]:
            break
    back[0] = np.arange(s)
    # Predecessor options of state j: j (stay), j - 1, and j - 2 when j - 1 may be skipped.
    skip_ok = np.array([False] + [False] + [skippable[j - 1] for j in range(2, s)]) if s > 1 else np.array([False])
    skip_ok = skip_ok[:s]
    for t in range(1, n):
        stay = score + _STAY
        move = np.concatenate([[neg], score[:-1]]) + _MOVE
        skip = np.where(skip_ok, np.concatenate([[neg, neg], score[:-2]])[:s] + _MOVE, neg)
        best = np.maximum(np.maximum(stay, move), skip)
        back[t] = np.where(best == stay, np.arange(s), np.where(best == move, np.arange(s) - 1, np.arange(s) - 2))
        score = best + emission[t]
    # End in the last label, or in the last non-skippable one before skipped ones.
    ends = [s - 1]
    j = s - 1
    while j > 0 and skippable[j]:
        j -= 1
        ends.append(j)
    state = max(ends, key=lambda k: score[k])
    path = np.zeros(n, np.int32)
    for t in range(n - 1, -1, -1):
        path[t] = state
        state = back[t, state]
    spans: list = [None] * s
    for j in np.unique(path):
        frames = np.nonzero(path == j)[0]
        spans[j] = (int(frames[0]), int(frames[-1]) + 1)
    return spans


def model_align(y: np.ndarray, *, sr: int, text: str, voice: str, model) -> list:
    """Phonemes of ``text`` (as espeak-ng ``voice`` reads it) timed on recording ``y``.

    Returns
    -------
    list of (start, end, label)
        Contiguous, covering ``y``; pauses and unmatched stretches are ``""``. Empty if
        the recording is far shorter than the phoneme sequence.
    """
    from talkingphoto.voice._espeak import espeak_synthesize

    _, _, phones = espeak_synthesize(text, voice=voice)
    labels = [""] + [p.ipa for p in phones if p.ipa] + [""]
    # espeak-ng's own pauses (at punctuation) may be skipped: the speaker may not pause there.
    seq, skippable = [], []
    for label in labels:
        if seq and label == "" and seq[-1] == "":
            continue
        seq.append(label)
        skippable.append(label == "")
    out = learned_mouth(y, sr=sr, model=model)
    if len(out.controls) < len([label for label in seq if label]):
        return []
    spans = viterbi_segments(out.controls, out.visemes, seq, skippable)
    rate = out.rate
    result = []
    for label, span in zip(seq, spans):
        if span is None:
            continue
        result.append((span[0] / rate, min(span[1] / rate, len(y) / sr), label))
    return [(a, b, label) for a, b, label in result if b > a]
