"""mediapipe's and TensorFlow Lite's C++ log lines stay off a library user's stderr, and the
user's own stderr lines (from any thread, while the detectors run) all still arrive, in order."""

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    from talkingphoto.characters import find_faces, person_mask
    from talkingphoto.media import load_image

    print("mine: before", file=sys.stderr)
    image = load_image(sys.argv[1])
    done = threading.Event()

    def ticks():
        k = 0
        while not done.is_set():
            print(f"mine: tick {k}", file=sys.stderr)
            k += 1
            time.sleep(0.002)

    thread = threading.Thread(target=ticks)
    thread.start()
    faces = find_faces(image)
    person_mask(image, faces)
    done.set()
    thread.join()
    print(f"mine: after, {len(faces)} face", file=sys.stderr)
    """
)


def _run(real_data, **env):
    image = real_data / "images" / "grace_hopper.jpg"
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(image)], capture_output=True, text=True, env={**os.environ, **env}
    )


def test_detectors_keep_their_logs_off_stderr_and_pass_the_users_own_lines(real_data):
    proc = _run(real_data, TALKINGPHOTO_NATIVE_LOGS="")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert all(line.startswith("mine: ") for line in lines), proc.stderr
    ticks = [int(line.split()[-1]) for line in lines[1:-1]]
    assert lines[0] == "mine: before" and lines[-1] == "mine: after, 1 face"
    assert len(ticks) > 10 and ticks == list(range(len(ticks)))  # none lost, none reordered


def test_the_logs_are_there_to_hide_and_can_be_kept_for_debugging(real_data):
    proc = _run(real_data, TALKINGPHOTO_NATIVE_LOGS="1")
    assert proc.returncode == 0, proc.stderr
    assert "inference_feedback_manager.cc" in proc.stderr or "TensorFlow Lite" in proc.stderr


@pytest.mark.slow
def test_the_evaluation_command_prints_only_its_report(real_data, tmp_path):
    from talkingphoto.media import VideoWriter, load_audio, load_image

    picture = load_image(real_data / "images" / "grace_hopper.jpg")
    y, sr = load_audio(real_data / "audio" / "goforward.wav", mono=True)
    video = tmp_path / "still.mp4"
    with VideoWriter(video, width=512, height=600, fps=25, audio=y, sr=sr) as writer:
        for _ in range(writer.frames_needed):
            writer.write(picture)
    proc = subprocess.run(
        [sys.executable, "-m", "talkingphoto.evaluation", str(video), "--transcript", "go forward ten meters"],
        capture_output=True,
        text=True,
        env={**os.environ, "TALKINGPHOTO_NATIVE_LOGS": ""},
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "frames with a face      100% of 70" in proc.stdout
