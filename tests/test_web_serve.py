"""``talkingphoto serve``: refuses to open the studio to the network without a token, and runs
as a real server process that stops cleanly and keeps its jobs across a hard crash."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from talkingphoto.cli import main

pytest.importorskip("fastapi")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_network_address_needs_a_token(capsys, monkeypatch):
    monkeypatch.delenv("TALKINGPHOTO_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "give --token SECRET" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--token", "short"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err


def test_a_data_folder_in_use_is_refused_in_one_line(tmp_path, capsys):
    from talkingphoto.jobs import JobStore

    with JobStore(tmp_path / "data"):  # another server holds it
        assert main(["serve", "--data-dir", str(tmp_path / "data"), "--port", str(_free_port())]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "in use by another talkingphoto server" in err[0]


class Server:
    """``python -m talkingphoto serve`` in a child process on a free loopback port."""

    def __init__(self, data_dir, *extra):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "talkingphoto", "serve", "--port", str(self.port), "--data-dir", str(data_dir)]
        self.process = subprocess.Popen(
            [*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.banner = self.process.stdout.readline()
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/api/config", headers=self.headers())
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"server did not start: {self.process.stderr.read()}") from None
                time.sleep(0.2)

    def headers(self):
        if "?token=" in self.banner:
            return {"Authorization": "Bearer " + self.banner.split("?token=")[1].split()[0]}
        return {}

    def get(self, path, headers=None):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self, sig=signal.SIGINT) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()


def test_server_process_serves_and_stops_on_ctrl_c(tmp_path):
    server = Server(tmp_path / "data", "--token", "new")
    try:
        assert f"open http://127.0.0.1:{server.port}/?token=" in server.banner
        with pytest.raises(urllib.error.HTTPError) as refused:
            server.get("/api/jobs")
        assert refused.value.code == 401
        assert server.get("/api/jobs", headers=server.headers()) == []
    finally:
        start = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - start < 10


@pytest.mark.slow
def test_hard_crash_mid_render_is_retried_after_restart(tmp_path, real_data):
    """SIGKILL the real server while it renders; the next server finishes the job."""
    import av

    data_dir = tmp_path / "data"
    server = Server(data_dir)
    try:
        picture = (real_data / "images" / "grace_hopper.jpg").read_bytes()
        speech = (real_data / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav").read_bytes()
        boundary = "talkingphoto-test-boundary"
        body = b""
        for name, filename, data in (("image", "hopper.jpg", picture), ("audio", "speech.wav", speech)):
            body += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n\r\n'
            ).encode() + data + b"\r\n"
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{{"max_size": 320}}\r\n'.encode()
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            server.base + "/api/jobs", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            job_id = json.loads(response.read())["id"]
        deadline = time.monotonic() + 60
        while (job := server.get(f"/api/jobs/{job_id}"))["progress"] <= 0:
            assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.05)
    finally:
        server.stop(signal.SIGKILL)
    assert not (data_dir / "jobs" / job_id / "output.mp4").exists()

    server = Server(data_dir)
    try:
        job = server.get(f"/api/jobs/{job_id}")
        assert job["status"] in ("queued", "running") and job["attempts"] >= 1
        deadline = time.monotonic() + 120
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
            job = server.get(f"/api/jobs/{job_id}")
    finally:
        assert server.stop() == 0
    assert job["status"] == "done", job["error"]
    assert job["attempts"] == 2
    leftovers = [p.name for p in (data_dir / "jobs" / job_id).iterdir() if p.name.startswith(".")]
    assert leftovers == []  # the killed attempt's partial files were swept
    with av.open(os.fspath(data_dir / "jobs" / job_id / "output.mp4")) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert abs(float(container.duration) / 1e6 - 7.1) < 0.2


def test_a_port_in_use_is_refused_before_the_banner(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)]) == 2
    captured = capsys.readouterr()
    assert "open http" not in captured.out
    assert captured.err.strip() == f"error: port {port} on 127.0.0.1 is taken by another program: choose another --port"


def test_max_queued_must_be_positive(tmp_path, capsys):
    assert main(["serve", "--data-dir", str(tmp_path / "data"), "--max-queued", "0"]) == 2
    assert capsys.readouterr().err.strip() == "error: --max-queued must be at least 1, got 0"
