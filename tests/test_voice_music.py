"""A song's voice apart from its repeating backing music, and the mouth that follows it."""

import wave

import numpy as np
import pytest
from scipy.signal import lfilter

from talkingphoto.cli import main
from talkingphoto.errors import AudioError, ModelError, ParameterError
from talkingphoto.motion import learned_mouth, recording_mouth, song_mouth
from talkingphoto.motion._song import (ABSENT_DB, DILATIONS, MASK_PATH, PRESENT_DB, WIDTH, VoiceMask, load_voice_mask,
                                       mask_inputs, song_features)  # fmt: skip
from talkingphoto.motion._phonemes import VISEMES
from talkingphoto.voice import backing_music, save_wav, song_voice

SR = 16000
SUNG = ((2.0, 4.0), (6.0, 7.5), (9.0, 10.5))  # seconds in which the voice sings


def _backing(seconds: float) -> np.ndarray:
    """A two-second bar played again and again: four chords and a kick on each beat."""
    beat = np.arange(SR // 2) / SR
    bar = []
    for root in (220.0, 174.6, 261.6, 196.0):
        chord = sum(np.sin(2 * np.pi * root * r * h * beat) / h for r in (1, 1.25, 1.5) for h in (1, 2, 3))
        kick = np.sin(2 * np.pi * 60 * beat) * np.exp(-30 * beat)
        bar.append(0.05 * chord * np.exp(-3 * beat) + 0.3 * kick)
    return np.tile(np.concatenate(bar), int(np.ceil(seconds / 2)))[: int(seconds * SR)]


def _voice(seconds: float, spans) -> np.ndarray:
    """A sung line in ``spans``: a buzz at a gliding, vibrato pitch through two formants that
    jump between vowels every 0.2 s, never repeating the backing's bar."""
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * SR)) / SR
    pitch = 180 + 40 * np.sin(2 * np.pi * 0.37 * t) + 15 * np.sin(2 * np.pi * 5.5 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / SR
    buzz = sum(np.sin(h * phase) / h for h in range(1, 30))
    out = np.zeros(len(t))
    step = int(0.2 * SR)
    for start in range(0, len(t), step):
        part = buzz[start : start + step]
        for formant in ((800, 1200), (300, 2300), (350, 800), (500, 1900))[rng.integers(4)]:
            r, theta = np.exp(-np.pi * 100 / SR), 2 * np.pi * formant / SR
            part = lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], part)
        out[start : start + step] = part
    gate = np.zeros(len(t))
    for a, b in spans:
        gate[int(a * SR) : int(b * SR)] = 1.0
    return out * np.convolve(gate, np.ones(400) / 400, "same") / np.abs(out).max()


def _song(seconds: float = 12.0) -> np.ndarray:
    """The voice 6 dB over the backing, as loud as a song is sung."""
    backing, voice = _backing(seconds), _voice(seconds, SUNG)
    mix = backing / np.sqrt(np.mean(backing**2)) + 2 * voice / np.sqrt(np.mean(voice[voice != 0] ** 2))
    return (0.9 * mix / np.abs(mix).max()).astype(np.float32)


def _frames(n: int, *, inside: bool) -> np.ndarray:
    """Frames (50 Hz) well inside the sung spans, or well away from them."""
    t = (np.arange(n) + 0.5) / 50
    if inside:
        return np.any([(t > a + 0.1) & (t < b - 0.1) for a, b in SUNG], axis=0)
    return ~np.any([(t > a - 0.2) & (t < b + 0.2) for a, b in SUNG], axis=0)


def _energy(y: np.ndarray, n: int) -> np.ndarray:
    return np.array([np.mean(y[i * 320 : (i + 1) * 320].astype(np.float64) ** 2) for i in range(n)]) + 1e-12


def test_the_repeating_backing_is_taken_out_and_the_voice_kept():
    song = _song()
    voice = song_voice(song, sr=SR)
    assert voice.y.shape == song.shape and voice.y.dtype == np.float32
    n = len(voice.presence)
    sung, music = _frames(n, inside=True), _frames(n, inside=False)
    kept, mixed = _energy(voice.y, n), _energy(song, n)
    assert 10 * np.log10(kept[music].sum() / mixed[music].sum()) < -10  # the bars alone: 15 dB down here
    assert 10 * np.log10(kept[sung].sum() / mixed[sung].sum()) > -3  # the voice over them: 1 dB
    assert voice.presence[music].mean() < 0.05 and voice.presence[sung].mean() > 0.5


def test_the_mouth_rests_on_the_music_and_sings_with_the_voice(real_data):
    from talkingphoto.media import load_audio

    # A real voice (goforward, 2.8 s) 6 dB over the backing, from 2 s in.
    spoken, _ = load_audio(real_data / "audio" / "goforward.wav", sr=SR, mono=True)
    voice = np.zeros(12 * SR)
    voice[2 * SR : 2 * SR + len(spoken)] = spoken
    backing = _backing(12.0)
    song = backing / np.sqrt(np.mean(backing**2)) + 2 * voice / np.sqrt(np.mean(spoken**2))
    song = (0.9 * song / np.abs(song).max()).astype(np.float32)
    plain, heard = learned_mouth(song, sr=SR), song_mouth(song, sr=SR)
    alone = learned_mouth(voice.astype(np.float32), sr=SR)
    t = (np.arange(len(heard.controls)) + 0.5) / 50
    music = (t < 1.8) | (t > 2.2 + len(spoken) / SR)
    speaking = (t > 2.1) & (t < 1.9 + len(spoken) / SR)
    # Hearing the whole mix, the models open the mouth to the chords (0.42 on average here).
    assert heard.controls[music, 0].max() < 0.05 and plain.controls[music, 0].mean() > 0.2
    assert np.mean(heard.visemes[music].argmax(axis=1) == VISEMES.index("X")) > 0.95
    # As open as the voice alone (0.20), following it.
    assert heard.controls[speaking, 0].mean() > 0.8 * alone.controls[speaking, 0].mean()
    assert np.corrcoef(heard.controls[speaking, 0], alone.controls[speaking, 0])[0, 1] > 0.9
    track = recording_mouth(song, sr=SR, fps=25.0, source="music")
    assert track.n_frames == 300 and track.open[music[::2]].max() < 0.05


def _flat_mask(share: float) -> VoiceMask:
    """A voice mask that gives every band of every frame the voice's ``share``."""
    weights = {"w_in": np.zeros((80, WIDTH)), "b_in": np.zeros(WIDTH), "w_out": np.zeros((WIDTH, 40)),
               "b_out": np.full(40, np.log(share / (1 - share)))}  # fmt: skip
    for i in range(len(DILATIONS)):
        weights |= {f"conv{i}": np.zeros((3, WIDTH, WIDTH)), f"conv{i}_b": np.zeros(WIDTH),
                    f"mix{i}": np.zeros((WIDTH, WIDTH)), f"mix{i}_b": np.zeros(WIDTH)}  # fmt: skip
    return VoiceMask({k: v.astype(np.float32) for k, v in weights.items()}, path=MASK_PATH)


def test_the_mask_scales_the_bands_and_the_voices_share_says_where_it_sings():
    rng = np.random.default_rng(0)
    mix = rng.uniform(-6, -1, (100, 40)).astype(np.float32)
    repet = mix - 1.0
    voice, presence = song_features(mix, repet, mask=_flat_mask(0.5))  # -3 dB of the power: there
    np.testing.assert_allclose(voice, mix + np.log10(0.5), atol=1e-5)
    assert presence.shape == (50,) and presence.min() == 1.0
    voice, presence = song_features(mix, repet, mask=_flat_mask(1e-4))  # -40 dB: cut by 30 dB at most
    np.testing.assert_allclose(voice, mix - 3.0, atol=1e-5)
    assert presence.max() == 0.0
    halfway = (ABSENT_DB + PRESENT_DB) / 2
    _, presence = song_features(mix, repet, mask=_flat_mask(10 ** (halfway / 10)))  # between the gate's ends
    np.testing.assert_allclose(presence, 0.5, atol=1e-3)
    # The network hears levels against the song's loudest, so a quieter song reads the same.
    np.testing.assert_allclose(mask_inputs(mix - 2.0, repet - 2.0), mask_inputs(mix, repet), atol=1e-5)


def test_a_missing_or_damaged_voice_mask_is_a_one_line_error_naming_it(tmp_path):
    with pytest.raises(ModelError, match="none.npz.*--mouth model") as info:
        load_voice_mask(tmp_path / "none.npz")
    assert "\n" not in str(info.value)
    (tmp_path / "garbage.npz").write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="garbage.npz"):
        load_voice_mask(tmp_path / "garbage.npz")
    with np.load(MASK_PATH) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["conv3"] = arrays["conv3"][:, :5]
    np.savez(tmp_path / "broken.npz", **arrays)
    with pytest.raises(ModelError, match="broken.npz.*conv3"):
        load_voice_mask(tmp_path / "broken.npz")


def test_speech_with_no_music_behind_it_is_heard_whole(real_data):
    # Where "auto" takes speech for a song, the mouth still follows it (correlation 0.998): REPET
    # alone took a speaker's repeated vowels for the backing (0.85; under half as open in a
    # third of this reading's speaking frames).
    from talkingphoto.media import load_audio

    y, _ = load_audio(real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav", sr=SR, mono=True)
    plain, heard = learned_mouth(y, sr=SR).controls[:, 0], song_mouth(y, sr=SR).controls[:, 0]
    assert np.corrcoef(plain, heard)[0, 1] > 0.95
    speaking = plain > 0.2
    assert np.mean(heard[speaking] > 0.5 * plain[speaking]) > 0.95


def test_a_clip_too_short_to_repeat_comes_out_whole():
    rng = np.random.default_rng(0)
    clip = (0.1 * rng.standard_normal(int(1.5 * SR))).astype(np.float32)
    voice = song_voice(clip, sr=SR)
    assert np.corrcoef(voice.y, clip)[0, 1] > 0.99
    assert voice.presence.min() > 0.9 and len(voice.presence) == 75


def test_any_sample_rate_and_bad_input():
    song = _song(6.0)
    at_44k = np.interp(np.arange(int(6.0 * 44100)) / 44100, np.arange(len(song)) / SR, song).astype(np.float32)
    voice = song_voice(at_44k, sr=44100)
    assert len(voice.y) == len(song) and len(voice.presence) == 300
    with pytest.raises(AudioError, match="mono float"):
        song_voice(np.zeros((2, 1000), np.float32), sr=SR)
    with pytest.raises(ParameterError, match="sample rate"):
        song_voice(song, sr=0)


def _speech(seconds: float, *, noise_db: float | None = None) -> np.ndarray:
    """Syllables of 0.1-0.4 s at irregular times, with pauses, as speech comes: a buzz at a
    gliding pitch through one vowel's formants each; white noise ``noise_db`` under it if given."""
    rng = np.random.default_rng(2)
    n = int(seconds * SR)
    phase = 2 * np.pi * np.cumsum(150 + 30 * np.sin(2 * np.pi * 0.29 * np.arange(n) / SR)) / SR
    buzz = sum(np.sin(h * phase) / h for h in range(1, 30))
    y, t = np.zeros(n), 0.3
    while t < seconds - 0.5:
        a, b = int(t * SR), int((t + rng.uniform(0.1, 0.4)) * SR)
        part = buzz[a:b] * np.hanning(b - a)
        for formant in ((800, 1200), (300, 2300), (350, 800), (500, 1900))[rng.integers(4)]:
            r, theta = np.exp(-np.pi * 100 / SR), 2 * np.pi * formant / SR
            part = lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], part)
        y[a:b] = part
        t = b / SR + rng.choice([rng.uniform(0.02, 0.15), rng.uniform(0.3, 0.9)], p=[0.75, 0.25])
    if noise_db is not None:
        y = y + 10 ** (-noise_db / 20) * np.sqrt(np.mean(y[y != 0] ** 2)) * rng.standard_normal(n)
    return (0.9 * y / np.abs(y).max()).astype(np.float32)


def test_backing_music_is_heard_behind_a_voice_and_not_in_speech():
    song = backing_music(_song(16.0), sr=SR)
    assert song.plays and song.pulse > 0.5 and song.continuity == 1.0
    assert backing_music(_backing(16.0).astype(np.float32), sr=SR).plays  # the music alone: the mouth rests
    for speech in (_speech(16.0), _speech(16.0, noise_db=10.0)):
        heard = backing_music(speech, sr=SR)
        assert not heard.plays and heard.pulse < 0.15, heard
    # The noise fills the pauses (continuity 1), but holds no notes.
    assert backing_music(_speech(16.0, noise_db=10.0), sr=SR).floor_tonality < 0.08
    assert not backing_music(_song(7.0), sr=SR).plays  # too short to tell a beat


def test_a_beat_of_drums_alone_behind_a_voice_is_heard():
    # No notes while the voice is quiet, only a kick and a hiss on every eighth: the beat tells.
    rng = np.random.default_rng(3)
    eighth = np.arange(SR // 4) / SR
    hit = 0.6 * np.sin(2 * np.pi * 55 * eighth) * np.exp(-25 * eighth)
    drums = np.tile(np.concatenate([hit + 0.05 * rng.standard_normal(len(eighth)) * np.exp(-8 * eighth),
                                    0.08 * rng.standard_normal(len(eighth)) * np.exp(-8 * eighth)]), 32)  # fmt: skip
    voice = _speech(16.0)
    mix = drums / np.sqrt(np.mean(drums**2)) + 2 * voice / np.sqrt(np.mean(voice[voice != 0] ** 2))
    heard = backing_music((0.9 * mix / np.abs(mix).max()).astype(np.float32), sr=SR)
    assert heard.plays and heard.pulse > 0.35 and heard.floor_tonality < 0.08, heard


def test_a_real_reading_is_not_taken_for_a_song(real_data):
    from talkingphoto.media import load_audio

    names = ("sense_and_sensibility_01_austen_64kb-0870", "goforward", "sense_and_sensibility_01_austen_64kb-0880")
    pause = np.zeros(SR // 2, np.float32)
    parts = [load_audio(real_data / "audio" / f"{name}.wav", sr=SR, mono=True)[0] for name in names]
    read = np.concatenate([piece for part in parts for piece in (part, pause)])
    assert len(read) > 12 * SR and not backing_music(read, sr=SR).plays


def test_auto_follows_the_voice_where_music_plays_behind_it():
    from talkingphoto.motion import mouth_source

    song, speech = _song(16.0), _speech(16.0)
    assert mouth_source(song, sr=SR) == "music" and mouth_source(speech, sr=SR) == "model"
    assert mouth_source(song, sr=SR, source="model") == "model"
    heard, auto = recording_mouth(song, sr=SR, fps=25.0, source="music"), recording_mouth(song, sr=SR, fps=25.0)
    np.testing.assert_array_equal(auto.open, heard.open)


def test_cues_of_a_song(tmp_path):
    audio, out = tmp_path / "song.wav", tmp_path / "cues.tsv"
    save_wav(audio, _song(), sr=SR)
    assert main(["cues", str(audio), "-o", str(out), "--mouth", "music"]) == 0
    with wave.open(str(audio), "rb") as wav:
        assert wav.getnframes() == 12 * SR
    rows = [(float(start), shape) for start, shape in (line.split("\t") for line in out.read_text().splitlines())]
    # Rests (X) through the bars before the voice, shapes while it sings.
    assert [shape for start, shape in rows if start < 1.8] == ["X"]
    assert len({shape for start, shape in rows if 2.0 <= start < 4.0}) >= 2


def test_a_long_song_is_separated_in_passes_that_join_exactly(monkeypatch):
    from talkingphoto.voice import _music

    song = _song()
    whole = song_voice(song, sr=SR)
    monkeypatch.setattr(_music, "CHUNK", 2.5)  # five passes over the 12 s instead of one
    monkeypatch.setattr(_music, "SEARCH", 3.0)
    assert np.abs(song_voice(song, sr=SR).y - whole.y).max() > 1e-3  # a nearer search does change it
    monkeypatch.setattr(_music, "CHUNK", 60.0)
    one_pass = song_voice(song, sr=SR)
    monkeypatch.setattr(_music, "CHUNK", 2.5)
    in_passes = song_voice(song, sr=SR)
    assert np.abs(in_passes.y - one_pass.y).max() < 1e-6
    np.testing.assert_array_equal(in_passes.presence, one_pass.presence)


@pytest.mark.slow
def test_the_example_song_is_sung_by_the_voice_not_the_chords():
    # examples/song.mp3 (scripts/make_song_example.py): examples/speech.wav 6 dB over a
    # repeating bar, music alone for 2 s either side.
    from pathlib import Path

    from talkingphoto.evaluation import evaluate_track
    from talkingphoto.media import load_audio
    from talkingphoto.motion import learned_mouth_track
    from talkingphoto.voice import Phone, align_phones

    examples = Path(__file__).resolve().parents[1] / "examples"
    speech, _ = load_audio(examples / "speech.wav", sr=SR, mono=True)
    words = "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"
    phones = [Phone(0.0, 2.0, "SIL")] + [Phone(p.start + 2.0, p.end + 2.0, p.label) for p in align_phones(speech, sr=SR, transcript=words)]
    song, _ = load_audio(examples / "song.mp3", sr=SR, mono=True)
    n = int(np.ceil(len(song) / SR * 25))
    music_alone = np.abs((np.arange(n) + 0.5) / 25 - len(song) / SR / 2) > len(speech) / SR / 2 + 0.2
    whole, heard = (learned_mouth_track(song, sr=SR, fps=25, n_frames=n, music=m) for m in (False, True))
    assert (whole.open * (1 - whole.press))[music_alone].mean() > 0.15  # hearing the mix, it sings the chords (0.32)
    assert (heard.open * (1 - heard.press))[music_alone].max() < 0.1
    assert evaluate_track(heard, phones).correlation > 0.83  # 0.88 (REPET alone 0.77); the whole mix 0.30


@pytest.mark.slow
def test_a_render_says_where_it_heard_music_and_how_to_hear_all(real_data, tmp_path, capsys):
    from pathlib import Path

    song = Path(__file__).resolve().parents[1] / "examples" / "song.mp3"
    picture, out = real_data / "images" / "grace_hopper.jpg", tmp_path / "o.mp4"
    fast = ["--fps", "5", "--max-size", "320", "-q"]
    assert main(["render", str(picture), str(song), "-o", str(out), *fast]) == 0
    note = capsys.readouterr().err
    assert "music was heard behind the voice, so the mouth follows the voice alone" in note and "--mouth model" in note
    assert main(["render", str(picture), str(song), "-o", str(out), "--mouth", "model", *fast]) == 0
    assert "music" not in capsys.readouterr().err
    speech = real_data / "audio" / "goforward.wav"
    (tmp_path / "talk.yaml").write_text(f"image: {picture}\nturns: [{{face: 0, audio: {speech}}}, {{face: 0, audio: {song}}}]\n")
    assert main(["dialogue", str(tmp_path / "talk.yaml"), "-o", str(out), *fast]) == 0
    assert "music was heard behind the voice in turn 2," in capsys.readouterr().err
