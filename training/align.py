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


def voiced_span(y: np.ndarray, sr: int) -> tuple:
    """(first, last) sample of the sound above -40 dB of the loudest 10 ms, with 50 ms margins."""
    hop = sr // 100
    frames = y[: len(y) // hop * hop].reshape(-1, hop)
    db = 10 * np.log10((frames**2).mean(1) + 1e-12)
    loud = np.nonzero(db > db.max() - 40)[0]
    if len(loud) == 0:
        return 0, len(y)
    return max(0, (loud[0] - 5) * hop), min(len(y), (loud[-1] + 6) * hop)


def matching_rate(y: np.ndarray, sr: int, text: str, voice: str) -> float:
    """Words a minute (espeak-ng's unit, 175 by default) at which espeak-ng ``voice`` reads
    ``text`` in as long as the sound of ``y`` lasts (:func:`voiced_span`)."""
    from talkingphoto.voice._espeak import espeak_synthesize

    ys, srs, _ = espeak_synthesize(text, voice=voice)
    sa, sb = voiced_span(ys, srs)
    a, b = voiced_span(y, sr)
    return 175.0 * (sb - sa) / srs / max((b - a) / sr, 0.1)


def load_training_model(path):
    return load_mouth_model(path)


def label_target(label: str) -> tuple:
    """(mean controls [5], viseme index) of a phoneme label; silence is the rest shape."""
    targets = [(w, t) for w, t in mouth_targets(label) if t is not None]
    if not targets:
        return np.zeros(5), VISEMES.index("X")
    weights = np.array([w for w, _ in targets])
    values = np.array([tuple(t) for _, t in targets])
    main = max(targets, key=lambda wt: wt[0])[1]
    return (weights[:, None] * values).sum(0) / weights.sum(), VISEMES.index(viseme(Target(*main)))


def viterbi_segments(controls: np.ndarray, visemes: np.ndarray, labels: list, skippable: list, *, chained=None) -> list:
    """Frame spans (first, stop) of each label, or None for skipped ones.

    Parameters
    ----------
    controls : np.ndarray [shape=(n, 5)]
    visemes : np.ndarray [shape=(n, 9)] probabilities
    labels : list of str
        Phoneme labels in order.
    skippable : list of bool
        Which labels may take no frames (pauses).
    chained : list of int, optional
        Phoneme each state belongs to; a state may repeat only when the next state
        belongs to another phoneme (so a chain of k states lasts at least k frames).
    """
    n, s = len(controls), len(labels)
    targets = [label_target(label) for label in labels]
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
    can_stay = np.ones(s, bool)
    if chained is not None:
        can_stay[:-1] = np.asarray(chained[1:]) != np.asarray(chained[:-1])
    for t in range(1, n):
        stay = np.where(can_stay, score + _STAY, neg)
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

    espeak-ng reads the text at about the recording's speed, and every phoneme must last
    at least half as long as espeak-ng made it (a chain of states per phoneme), so the
    path cannot rush through a stretch the model hears poorly.

    Returns
    -------
    list of (start, end, label)
        Contiguous, covering ``y``; pauses and unmatched stretches are ``""``. Empty if
        the recording is too short for the phoneme sequence.
    """
    from talkingphoto.voice._espeak import espeak_synthesize

    rate = float(np.clip(matching_rate(y, sr, text, voice), 80, 450))
    _, _, phones = espeak_synthesize(text, voice=voice, rate=rate)
    out = learned_mouth(y, sr=sr, model=model)
    frame_rate = out.rate
    # One chain of states per phoneme: min_frames states, the last one may repeat.
    seq, skippable, owner = [], [], []
    merged = [("", 0.0)] + [(p.ipa, p.end - p.start) for p in phones] + [("", 0.0)]
    for k, (label, duration) in enumerate(merged):
        if label == "" and seq and seq[-1] == "":
            continue
        n_min = 1 if label == "" else max(1, int(round(0.5 * duration * frame_rate)))
        for m in range(n_min):
            seq.append(label)
            skippable.append(label == "")
            owner.append(k)
    if len(out.controls) < sum(not s for s in skippable):
        return []
    spans = viterbi_segments(out.controls, out.visemes, seq, skippable, chained=owner)
    by_owner: dict = {}
    for k, span in zip(owner, spans):
        if span is None:
            continue
        first, stop = by_owner.get(k, (span[0], span[1]))
        by_owner[k] = (min(first, span[0]), max(stop, span[1]))
    result = []
    for k, (first, stop) in sorted(by_owner.items(), key=lambda kv: kv[1][0]):
        start, end = first / frame_rate, min(stop / frame_rate, len(y) / sr)
        if end > start:
            result.append((start, end, merged[k][0]))
    return result
