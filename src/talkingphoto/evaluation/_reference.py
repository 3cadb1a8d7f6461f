"""What the mouth should do, frame by frame, given aligned phones.

The table below is the yardstick of the project's lip-sync measurement. Values are the
inner-lip gap in MouthTrack units (0 = lips touching, 1 = widest natural opening), as a
typical speaker makes them in running speech, after the viseme classes of the lip-reading
literature: open vowels widest, close vowels narrow, lips shut for M/B/P, nearly shut for
the lip-teeth and grooved fricatives, tongue consonants in between (the jaw stays half
raised), silence shut. Diphthongs glide: the jaw holds the first vowel's opening, then
closes towards the second's (as the phoneme table that trains the mouth has them).
"""

import numpy as np

from ..errors import ParameterError

__all__ = ["PHONE_OPENNESS", "reference_openness"]

PHONE_OPENNESS = {
    # open vowels
    "AA": 0.90, "AE": 0.80, "AO": 0.80, "AH": 0.65,
    # diphthongs: (first vowel, second vowel), a → ʊ, a → ɪ, ɔ → ɪ, o → ʊ, e → ɪ
    "AW": (0.90, 0.40), "AY": (0.90, 0.40), "OY": (0.80, 0.40), "OW": (0.60, 0.40), "EY": (0.55, 0.40),
    # mid vowels and r-colouring
    "EH": 0.60, "ER": 0.40,
    # close vowels
    "IH": 0.40, "UH": 0.40, "IY": 0.30, "UW": 0.30,
    # lips shut
    "M": 0.0, "B": 0.0, "P": 0.0,
    # lower lip to upper teeth, grooved and palatal fricatives/affricates: teeth nearly together
    "F": 0.10, "V": 0.10, "S": 0.15, "Z": 0.15,
    "SH": 0.20, "ZH": 0.20, "CH": 0.20, "JH": 0.20, "TH": 0.20, "DH": 0.20,
    # rounded glide
    "W": 0.20,
    # tongue-tip and tongue-back consonants: jaw half raised
    "T": 0.25, "D": 0.25, "N": 0.25, "Y": 0.30, "R": 0.30, "K": 0.30, "G": 0.30, "NG": 0.30, "L": 0.35,
    # breathy onset: the mouth is already in the next vowel's shape
    "HH": 0.50,
    "SIL": 0.0,
}  # fmt: skip

# Share of a diphthong's duration at its first vowel; the second takes the rest. The first
# vowel is the nucleus, and holds longest.
_GLIDE_ONSET_SHARE = 0.6
_COARTICULATION_S = 0.03  # sigma of the Gaussian that blends neighbouring phones
_RATE = 1000.0  # timeline resolution before sampling at frame instants


def reference_openness(phones, *, fps: float, n_frames: int) -> np.ndarray:
    """Expected inner-lip opening for every video frame.

    Parameters
    ----------
    phones : sequence of Phone
        Aligned phones with ``start``, ``end`` (s) and ARPAbet ``label`` (stress digits are
        ignored; unknown labels count as silence).
    fps : float
    n_frames : int
        Frame ``i`` is sampled at ``(i + 0.5) / fps``.

    Returns
    -------
    np.ndarray [shape=(n_frames,), dtype=float32, range 0..1]
        Openness from :data:`PHONE_OPENNESS` (a diphthong at its first vowel's for 60 % of
        its duration, then at its second's), blended over a 30 ms Gaussian because lips
        move continuously between targets (coarticulation). 0 outside the phones.
    """
    if fps <= 0 or n_frames < 0:
        raise ParameterError(f"fps must be > 0 and n_frames >= 0, got fps={fps}, n_frames={n_frames}")
    duration = max([n_frames / fps] + [float(p.end) for p in phones])
    n = int(np.ceil(duration * _RATE)) + 1
    timeline = np.zeros(n)
    for phone in phones:
        label = str(phone.label).upper().rstrip("012")
        value = PHONE_OPENNESS.get(label, 0.0)
        a, b = int(round(phone.start * _RATE)), int(round(phone.end * _RATE))
        first, second = value if isinstance(value, tuple) else (value, value)
        glide = a + int(round(_GLIDE_ONSET_SHARE * (b - a)))
        timeline[max(a, 0) : max(glide, 0)] = first
        timeline[max(glide, 0) : max(b, 0)] = second
    sigma = _COARTICULATION_S * _RATE
    radius = int(4 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    smooth = np.convolve(np.pad(timeline, radius), kernel, mode="valid")
    t = (np.arange(n_frames) + 0.5) / fps
    # timeline sample k covers [k, k + 1) / _RATE, so its centre is at k + 0.5
    return np.interp(t * _RATE - 0.5, np.arange(n), smooth).astype(np.float32)
