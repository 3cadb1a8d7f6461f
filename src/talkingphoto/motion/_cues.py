"""Mouth cues for 2D animators, in Rhubarb Lip Sync's shapes and file formats.

Rhubarb Lip Sync names nine hand-drawn mouths: A closed with slight pressure (M, B, P),
B slightly open with clenched teeth (most consonants, EE), C open (EH, AE), D wide open
(AA), E slightly rounded (AO, ER), F puckered (UW, OW, W), and the optional G upper
teeth on the lower lip (F, V), H tongue raised for long L, X idle with relaxed lips.
Its TSV and JSON exports time cues in whole centiseconds; 2D tools that read those
files (Synfig, Spine, After Effects and Vegas scripts, game engines) can read ours.

Cues come either from timed phonemes (exact: a built-in voice's own timing) or from a
:class:`MouthTrack` (audio-only analysis of a recording). Shapes shorter than about
70 ms flicker, so they are merged into their neighbours, except closures (A), which
are lengthened instead: a missing M/B/P closure is the first thing a viewer notices.
"""

import heapq
import json
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._atomic import atomic_output
from ..errors import ParameterError
from ._phonemes import mouth_targets, viseme
from ._tracks import MouthTrack

__all__ = [
    "MouthCue", "SHAPES", "cues_from_phones", "cues_from_track", "cues_from_learned", "cues_to_tsv", "cues_to_json",
    "write_cues",
]  # fmt: skip

SHAPES = "ABCDEFGHX"
_BASIC = {"G": "B", "H": "C", "X": "A"}  # what an extended shape becomes when not drawn
_MIN_CUE_CS = 7  # shortest shape that does not flicker (centiseconds)
_LONG_L_S = 0.08  # an L at least this long shows the raised tongue (H)


class MouthCue(NamedTuple):
    """One mouth shape held from ``start`` to ``end`` (seconds)."""

    start: float
    end: float
    value: str


def _track_shape(open_: float, spread: float, press: float) -> str:
    """Rhubarb shape of one frame of an audio-only track (no lip-teeth or tongue known)."""
    if press >= 0.5:
        return "A"
    if open_ < 0.05:
        return "X"
    if spread <= -0.6:
        return "F"
    if spread <= -0.15 and open_ >= 0.3:
        return "E"
    if open_ >= 0.72 and spread <= 0.2:
        return "D"
    if open_ >= 0.36:
        return "C"
    return "B"


def _check_shapes(extended_shapes: str) -> set:
    extra = set(str(extended_shapes).upper())
    if not extra <= set("GHX"):
        raise ParameterError(f"extended_shapes may only hold G, H and X, got {extended_shapes!r}")
    return set("ABCDEF") | extra


def cues_from_phones(phones, *, duration: float | None = None, extended_shapes: str = "GHX") -> list:
    """Mouth cues from phonemes with known timing.

    Parameters
    ----------
    phones : sequence of (start, end, label)
        IPA or ARPAbet labels, e.g. :attr:`talkingphoto.voice.Speech.phones`; ``""`` is silence.
    duration : float, optional
        Length of the audio; default the end of the last phoneme.
    extended_shapes : str
        Which of the optional shapes G, H, X to use (Rhubarb's ``--extendedShapes``);
        missing ones become B, C and A.

    Returns
    -------
    list[MouthCue]
        Contiguous from 0 to ``duration`` on a 10 ms grid, no two neighbours alike.
    """
    allowed = _check_shapes(extended_shapes)
    phones = sorted(((float(a), float(b), str(label)) for a, b, label in phones), key=lambda p: p[0])
    end = max([0.0] + [b for _, b, _ in phones]) if duration is None else float(duration)
    raw = []
    for a, b, label in phones:
        targets = mouth_targets(label)
        edges = a + np.cumsum([0.0] + [w for w, _ in targets]) * (b - a)
        for lo, hi, (_, target) in zip(edges[:-1], edges[1:], targets):
            shape = None if target is None else viseme(target)
            if shape == "H" and b - a < _LONG_L_S:  # a short L shows no raised tongue
                shape = viseme(target._replace(tongue=0.0))
            raw.append([lo, hi, shape])
    for i in range(len(raw) - 1, -1, -1):  # h and glottal stops: already in the next sound's shape
        if raw[i][2] is None:
            raw[i][2] = raw[i + 1][2] if i + 1 < len(raw) else "X"
    return _finish(raw, end, allowed)


def cues_from_track(track: MouthTrack, *, duration: float | None = None, extended_shapes: str = "GHX") -> list:
    """Mouth cues from a per-frame mouth track (e.g. the audio-only analysis of a recording).

    Frame ``i`` covers ``[i / fps, (i + 1) / fps)``. Nearly closed frames without lip
    pressure count as idle (X); G and H need phoneme knowledge and are not produced.

    Parameters
    ----------
    track : MouthTrack
    duration : float, optional
        Length of the audio; default ``n_frames / fps``.
    extended_shapes : str
        See :func:`cues_from_phones`.
    """
    allowed = _check_shapes(extended_shapes)
    fps = float(track.fps)
    end = track.n_frames / fps if duration is None else float(duration)
    raw = [
        [i / fps, (i + 1) / fps, _track_shape(o, s, p)]
        for i, (o, s, p) in enumerate(zip(track.open.tolist(), track.spread.tolist(), track.press.tolist()))
    ]
    return _finish(raw, end, allowed)


def cues_from_learned(mouth, *, duration: float | None = None, extended_shapes: str = "GHX") -> list:
    """Mouth cues from the learned model's viseme probabilities (all nine shapes).

    Parameters
    ----------
    mouth : LearnedMouth
        Output of :func:`talkingphoto.motion.learned_mouth`; frame ``j`` covers
        ``[j / rate, (j + 1) / rate)``.
    duration : float, optional
        Length of the audio; default ``n / rate``.
    extended_shapes : str
        See :func:`cues_from_phones`.
    """
    allowed = _check_shapes(extended_shapes)
    rate = float(mouth.rate)
    end = len(mouth.visemes) / rate if duration is None else float(duration)
    best = np.argmax(mouth.visemes, axis=1) if len(mouth.visemes) else np.zeros(0, int)
    raw = [[j / rate, (j + 1) / rate, SHAPES[k]] for j, k in enumerate(best.tolist())]
    return _finish(raw, end, allowed)


def _finish(raw: list, duration: float, allowed: set) -> list:
    """Quantise to centiseconds, fill gaps with X, map to the allowed shapes, merge short cues."""
    if not (duration >= 0) or not math.isfinite(duration):
        raise ParameterError(f"duration must be a number >= 0, got {duration}")
    total = int(math.floor(duration * 100 + 1e-6))
    cues: list = []  # [start_cs, end_cs, shape]
    position = 0
    for lo, hi, shape in raw:
        a = min(max(int(round(lo * 100)), position), total)
        b = min(int(round(hi * 100)), total)
        if a > position:
            cues.append([position, a, "X"])
        if b > a:
            cues.append([a, b, shape])
            position = b
        position = max(position, a)
    if position < total:
        cues.append([position, total, "X"])
    for cue in cues:
        if cue[2] not in allowed:
            cue[2] = _BASIC[cue[2]]
    cues = _merge_short(_join(cues), _MIN_CUE_CS)
    if not cues:
        cues = [[0, 0, "X" if "X" in allowed else "A"]]
    return [MouthCue(a / 100, b / 100, shape) for a, b, shape in cues]


def _join(cues: list) -> list:
    out: list = []
    for cue in cues:
        if cue[1] <= cue[0]:
            continue
        if out and out[-1][2] == cue[2]:
            out[-1][1] = cue[1]
        else:
            out.append(list(cue))
    return out


def _merge_short(cues: list, min_cs: int) -> list:
    """Remove flicker: the shortest short cue goes to its neighbours, until none is left.

    A short closure (A) is lengthened at the expense of neighbours that can spare the
    time; if they cannot, it stays as it is. Cues live in a linked list with a heap of
    short ones, so long texts (thousands of cues) take milliseconds.
    """
    n = len(cues)
    start = [c[0] for c in cues]
    end = [c[1] for c in cues]
    shape = [c[2] for c in cues]
    prev = list(range(-1, n - 1))
    nxt = list(range(1, n + 1))
    nxt[-1:] = [-1] if n else []
    alive = [True] * n
    kept = [False] * n  # short closures that could not be lengthened
    heap = [(end[i] - start[i], i) for i in range(n) if end[i] - start[i] < min_cs]
    heapq.heapify(heap)

    def push(i: int) -> None:
        if i >= 0 and alive[i] and not kept[i] and end[i] - start[i] < min_cs:
            heapq.heappush(heap, (end[i] - start[i], i))

    def unlink(i: int) -> None:
        alive[i] = False
        if prev[i] >= 0:
            nxt[prev[i]] = nxt[i]
        if nxt[i] >= 0:
            prev[nxt[i]] = prev[i]

    def join_with_next(i: int) -> None:
        j = nxt[i]
        if i >= 0 and j >= 0 and shape[i] == shape[j]:
            end[i] = end[j]
            kept[i] = kept[i] and end[i] - start[i] < min_cs
            unlink(j)

    while heap:
        duration, i = heapq.heappop(heap)
        if not alive[i] or kept[i] or duration != end[i] - start[i] or duration >= min_cs:
            continue  # stale entry
        before, after = prev[i], nxt[i]
        if before < 0 and after < 0:
            break
        if shape[i] == "A":
            need = min_cs - duration
            spare_before = max(0, end[before] - start[before] - min_cs) if before >= 0 else 0
            spare_after = max(0, end[after] - start[after] - min_cs) if after >= 0 else 0
            take_before = min(spare_before, max(need // 2, need - spare_after))
            take_after = min(spare_after, need - take_before)
            if take_before:
                end[before] -= take_before
                start[i] -= take_before
            if take_after:
                start[after] += take_after
                end[i] += take_after
            kept[i] = end[i] - start[i] < min_cs
            continue
        if before >= 0 and after >= 0:
            middle = (start[i] + end[i] + 1) // 2
            end[before], start[after] = middle, middle
        elif before >= 0:
            end[before] = end[i]
        else:
            start[after] = start[i]
        unlink(i)
        join_with_next(before)
        for k in (before, after):
            push(k)
    out, i = [], 0 if n else -1
    while i >= 0:
        if alive[i]:
            out.append([start[i], end[i], shape[i]])
        i = nxt[i]
    return out


def _format(seconds: float) -> str:
    return f"{seconds:.2f}"


def cues_to_tsv(cues, *, idle: str = "X") -> str:
    """Rhubarb TSV: ``start<TAB>shape`` per cue, then the end time with the idle shape.

    ``idle`` is ``"X"``, or ``"A"`` when the extended shapes leave X out (as Rhubarb does).
    """
    cues = list(cues)
    if not cues:
        raise ParameterError("no mouth cues to write")
    if idle not in ("X", "A"):
        raise ParameterError(f"idle must be 'X' or 'A', got {idle!r}")
    lines = [f"{_format(c.start)}\t{c.value}" for c in cues]
    lines.append(f"{_format(cues[-1].end)}\t{idle}")
    return "\n".join(lines) + "\n"


def cues_to_json(cues, *, sound_file: str = "") -> str:
    """Rhubarb JSON: ``metadata`` (soundFile, duration) and ``mouthCues`` (start, end, value)."""
    cues = list(cues)
    if not cues:
        raise ParameterError("no mouth cues to write")
    rows = ",\n".join(
        f'    {{ "start": {_format(c.start)}, "end": {_format(c.end)}, "value": "{c.value}" }}' for c in cues
    )
    return (
        "{\n"
        '  "metadata": {\n'
        f'    "soundFile": {json.dumps(str(sound_file))},\n'
        f'    "duration": {_format(cues[-1].end)}\n'
        "  },\n"
        '  "mouthCues": [\n'
        f"{rows}\n"
        "  ]\n"
        "}\n"
    )


def write_cues(cues, path, *, sound_file: str = "", idle: str = "X") -> Path:
    """Write cues as Rhubarb TSV (``.tsv``, ``.txt``) or JSON (``.json``), chosen by suffix.

    Written to a temporary file beside ``path`` and renamed, so a failed write leaves no
    half file. ``idle`` is the TSV closing shape (see :func:`cues_to_tsv`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = cues_to_json(cues, sound_file=sound_file)
    elif suffix in (".tsv", ".txt"):
        text = cues_to_tsv(cues, idle=idle)
    else:
        raise ParameterError(f"cannot tell the cue format of {path}: name it .tsv or .json")
    with atomic_output(path, what="cues") as handle:
        handle.write(text.encode("utf-8"))
    return path
