"""The batch on a real local Ray instance (2 CPUs, no dashboard), started by these tests."""

import json
import os

import pytest
import test_jobs_fakes
from test_jobs_fakes import fake_render, write_png, write_wav

from talkingphoto.jobs import read_manifest, run_batch_on_ray

ray = pytest.importorskip("ray")
cloudpickle = pytest.importorskip("ray.cloudpickle")


@pytest.fixture(scope="module")
def local_ray():
    # The workers cannot import this tests folder: ship the fake renderers' modules by value.
    cloudpickle.register_pickle_by_value(test_jobs_fakes)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",  # stay on loopback
    )
    yield ray
    ray.shutdown()
    cloudpickle.unregister_pickle_by_value(test_jobs_fakes)


def test_ray_batch_writes_where_the_manifest_says_and_resumes(tmp_path, local_ray):
    def fake(job, *, progress=None, cancel=None):  # nested: cloudpickle sends it by value
        if job.turns[0].text == "fail":
            from talkingphoto.errors import VoiceError

            raise VoiceError("voice 'nobody' is not installed; see 'talkingphoto voices'")
        return fake_render(job, progress=progress, cancel=cancel)

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    write_png(inputs / "face.png")
    write_wav(inputs / "a.wav", seconds=0.4)
    write_wav(inputs / "b.wav", seconds=0.7)
    points = {"mouth_left": [20, 30], "mouth_right": [40, 30], "upper_lip": [30, 27], "lower_lip": [30, 34], "chin": [30, 44]}
    (inputs / "points.json").write_text(json.dumps(points))
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text(
        "\n".join(
            json.dumps(entry)
            for entry in [
                {"image": "inputs/face.png", "audio": "inputs/a.wav"},
                {"image": "inputs/face.png", "audio": "inputs/b.wav", "points": "inputs/points.json", "out": "b"},
                {"image": "inputs/face.png", "text": "fail", "out": "c"},
            ]
        )
    )
    out_dir = tmp_path / "videos"
    items = read_manifest(manifest, out_dir=out_dir)
    seen = []
    results = run_batch_on_ray(items, address="auto", renderer=fake, on_progress=lambda *a: seen.append(a))
    assert [r.status for r in results] == ["done", "done", "failed"], [r.error for r in results]
    assert results[2].error == "voice 'nobody' is not installed; see 'talkingphoto voices'"
    assert sorted(os.listdir(out_dir)) == ["b.mp4", "face_a.mp4"]
    assert (out_dir / "b.mp4").read_bytes()[4:8] == b"ftyp"
    assert seen[-1] == (1.0, 3, 3)
    assert ray.is_initialized()  # a connection made by the caller stays open

    again = run_batch_on_ray(items, address="auto", renderer=fake)
    assert [r.status for r in again] == ["skipped", "skipped", "failed"]


def test_ray_renders_a_conversation_with_every_file_it_names(tmp_path, local_ray):
    def fake(job, *, progress=None, cancel=None):
        # On the worker the files arrive under short names in a scratch folder.
        assert [p.name for p in job.inputs()] == ["input0.png", "input1.wav", "input2.wav", "input3.json"]
        assert job.turns[2].speaker.points.read_text().startswith("{")
        return fake_render(job, progress=progress, cancel=cancel)

    write_png(tmp_path / "pair.png")
    write_wav(tmp_path / "a.wav", seconds=0.3)
    write_wav(tmp_path / "b.wav", seconds=0.3)
    points = {"mouth_left": [20, 30], "mouth_right": [40, 30], "upper_lip": [30, 27], "lower_lip": [30, 34], "chin": [30, 44]}
    (tmp_path / "cat.json").write_text(json.dumps(points))
    (tmp_path / "talk.yaml").write_text(
        "image: pair.png\ncharacters: {cat: {points: cat.json}}\n"
        "turns:\n  - {face: 0, audio: a.wav}\n  - {pause: 0.3}\n  - {face: cat, audio: b.wav}\n"
    )
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text(json.dumps({"script": "talk.yaml", "mode": "vivid"}))
    (result,) = run_batch_on_ray(read_manifest(manifest, out_dir=tmp_path / "out"), renderer=fake)
    assert result.status == "done", result.error
    assert (tmp_path / "out" / "talk_vivid.mp4").read_bytes()[4:8] == b"ftyp"


def test_crash_on_a_worker_is_a_failed_job(tmp_path, local_ray):
    write_png(tmp_path / "face.png")
    write_wav(tmp_path / "a.wav", seconds=0.3)
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text(json.dumps({"image": "face.png", "audio": "a.wav"}))

    def broken(job, *, progress=None, cancel=None):
        raise RuntimeError("segment fault simulation")

    (result,) = run_batch_on_ray(read_manifest(manifest, out_dir=tmp_path / "out"), renderer=broken)
    assert result.status == "failed"
    assert result.error.startswith("error on the cluster: ") and "RuntimeError" in result.error
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_command_with_ray_renders_a_real_video(tmp_path, local_ray, real_data, capsys):
    from talkingphoto.cli import main

    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text(
        json.dumps(
            {
                "image": str(real_data / "images" / "grace_hopper.jpg"),
                "audio": str(real_data / "audio" / "goforward.wav"),
                "max_size": 320,
            }
        )
    )
    assert main(["batch", str(manifest), "--out-dir", str(tmp_path / "out"), "--ray", "auto", "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("1 done in ")
    video = (tmp_path / "out" / "grace_hopper_goforward.mp4").read_bytes()
    assert video[4:8] == b"ftyp" and len(video) > 10_000

