"""End to end: a picture reads text; its rendered mouth follows the synthesiser's phonemes.

The same speech is rendered twice: driven by the voice's own phoneme timing (``--text``)
and by the audio-only analysis of the saved WAV. The lips measured on each video are
compared with the expected opening built from the phonemes.
"""

from typing import NamedTuple

import pytest

pytestmark = pytest.mark.slow


class _Ref(NamedTuple):
    start: float
    end: float
    label: str


@pytest.mark.parametrize(
    "voice,text",
    [("en-us", "Please bring me a map of the big blue bay before the moon comes up."),
     ("cmn", "妈妈买了一本书，爸爸不怕麻烦，朋友们都来帮忙。")],
)  # fmt: skip
def test_rendered_mouth_follows_phonemes_better_than_audio_analysis(voice, text, tmp_path, real_data):
    import talkingphoto
    from talkingphoto.evaluation import lipsync_report, measure_video_openness, reference_openness
    from talkingphoto.motion import ipa_to_arpabet
    from talkingphoto.scene import TEXT_REST_S
    from talkingphoto.voice import speak

    image = real_data / "images" / "grace_hopper.jpg"
    speech = speak(text, voice=voice).framed(TEXT_REST_S, TEXT_REST_S)  # as the video has it
    reference = [_Ref(p.start, p.end, ipa_to_arpabet(p.ipa)) for p in speech.phones]
    wav = tmp_path / "speech.wav"
    talkingphoto.render(image, None, tmp_path / "phones.mp4", text=text, voice=voice, save_audio=wav)
    talkingphoto.render(image, wav, tmp_path / "audio.mp4")
    reports = {}
    for name in ("phones", "audio"):
        openness = measure_video_openness(tmp_path / f"{name}.mp4")
        expected = reference_openness(reference, fps=25.0, n_frames=len(openness))
        reports[name] = lipsync_report(openness, expected, reference, fps=25.0)
    ours, audio = reports["phones"], reports["audio"]
    assert ours.valid_fraction > 0.95
    assert ours.correlation > 0.7 and ours.best_lag == 0 and ours.closure_rate == 1.0
    assert ours.correlation > audio.correlation
