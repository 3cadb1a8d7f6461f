"""Lip opening re-detected in video frames, and the evaluation script end to end."""

import json

import av
import numpy as np
import pytest
from PIL import Image

from talkingphoto.evaluation import measure_video_openness
from talkingphoto.evaluation.__main__ import main
from talkingphoto.errors import OutputError


def write_video(path, frames, fps=25):
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode(None))


@pytest.fixture
def still_video(real_data, tmp_path):
    """8 frames of the closed-mouth portrait, then 4 blank frames."""
    photo = np.asarray(Image.open(real_data / "images" / "grace_hopper.jpg").convert("RGB"))
    photo = photo[: photo.shape[0] // 2 * 2, : photo.shape[1] // 2 * 2]
    blank = np.full_like(photo, 128)
    path = tmp_path / "still.mp4"
    write_video(path, [photo] * 8 + [blank] * 4)
    return path


@pytest.mark.slow
def test_closed_mouth_measures_near_zero_and_no_face_is_nan(still_video):
    openness = measure_video_openness(still_video)
    assert openness.shape == (12,) and openness.dtype == np.float32
    assert np.all(np.isfinite(openness[:8]))
    assert np.all(openness[:8] < 0.05)  # her lips are together in the photo
    assert np.all(np.isnan(openness[8:]))


@pytest.mark.slow
def test_a_painted_three_quarter_face_is_found_in_every_frame(real_data, tmp_path):
    # The mesh alone misses this face on the whole frame; the renderer's detection chain
    # finds it once, then the mesh tracks it in a window around it.
    from talkingphoto.media import load_image

    painting = load_image(real_data / "images" / "wesnoth_mage_female.png")
    path = tmp_path / "painting.mp4"
    write_video(path, [painting] * 6)
    openness = measure_video_openness(path)
    assert np.all(np.isfinite(openness)) and np.all(openness < 0.15)


def test_missing_video_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="not found"):
        measure_video_openness(tmp_path / "nothing.mp4")


@pytest.mark.slow
def test_script_prints_json(still_video, real_data, capsys):
    code = main(
        [str(still_video), "--audio", str(real_data / "audio" / "goforward.wav"), "--transcript", "go forward ten meters", "--json"]
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["n_frames"] == 12 and figures["valid_fraction"] == pytest.approx(8 / 12)
    assert set(figures) >= {"correlation", "best_lag", "best_correlation", "closure_rate", "n_bilabials"}


def test_script_reports_errors_in_one_line(tmp_path, capsys):
    transcript = tmp_path / "missing.txt"
    assert main([str(tmp_path / "v.mp4"), "--transcript-file", str(transcript)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
