"""Server memory while it handles big pictures: how far one upload grows the studio, and
whether it gives the memory back.

    .venv/bin/python bench/bench_memory.py [--side 7000] [--workers 1]

Starts ``talkingphoto serve`` in its own process (real renderer, one worker), warms it up with
one small job, then sends each test picture (all under the 50-megapixel limit and the 20 MB
upload limit) twice: to ``/api/inspect`` (decode and face finding only) and as a render job
with a 2.8 s recording (upload, decode, detection, render, encode). It reads the server's
resident memory from /proc: the peak of each (VmHWM, reset before each) and the level a few
seconds after the job, all as growth over the idle level after warm-up. The last row renders
a small picture to the same video size as the big portraits (1638 x 1920): what the render and
the encoder need whatever the picture's size. Linux only.
"""

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
from PIL import Image

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
MB = 1024 * 1024


def _memory(pid: int) -> dict:
    """Resident and peak resident memory of ``pid`` in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def _encode(picture: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def _pictures(side: int) -> list:
    """(name, bytes) of each test picture, side x side pixels."""
    portrait = Image.open(DATA / "images" / "grace_hopper.jpg").convert("RGB")
    canvas = Image.new("RGB", (side, side), (236, 232, 226))
    canvas.paste(portrait, ((side - portrait.width) // 2, (side - portrait.height) // 2))
    gray16 = np.asarray(canvas.convert("L"), dtype=np.uint16) * 257
    rgba = canvas.convert("RGBA")
    rgba.putalpha(Image.new("L", canvas.size, 255))
    return [
        ("blank PNG (no face)", _encode(Image.new("RGB", (side, side), (255, 255, 255)), "PNG")),
        ("portrait upscaled, JPEG", _encode(portrait.resize((side * 512 // 600, side), Image.BICUBIC), "JPEG", quality=85)),
        ("portrait on a canvas, 16-bit grey PNG", _encode(Image.fromarray(gray16), "PNG")),
        ("portrait on a canvas, RGBA PNG", _encode(rgba, "PNG")),
    ]


def _post(base: str, picture: bytes, audio: bytes, name: str = "picture") -> dict:
    boundary = "talkingphoto-bench"
    body = b""
    for field, filename, data in (("image", name, picture), ("audio", "speech.wav", audio)):
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n\r\n'.encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        base + "/api/jobs", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return {"status": f"refused {exc.code}", "detail": json.loads(exc.read()).get("detail")}


def _inspect(base: str, picture: bytes) -> str:
    boundary = "talkingphoto-bench"
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="picture"\r\n\r\n'.encode()
    body += picture + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        base + "/api/inspect", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return f"{len(json.loads(response.read())['faces'])} face(s)"
    except urllib.error.HTTPError as exc:
        return f"refused {exc.code}"


def _wait(base: str, job_id: str) -> dict:
    while True:
        with urllib.request.urlopen(f"{base}/api/jobs/{job_id}", timeout=30) as response:
            job = json.loads(response.read())
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)


def _handle(base: str, pictures: list, audio: bytes) -> list:
    """Submit every picture at once (one thread each) and wait for their jobs."""
    outcomes = [None] * len(pictures)

    def one(k):
        created = _post(base, pictures[k], audio)
        outcomes[k] = _wait(base, created["id"]) if "id" in created else created

    threads = [threading.Thread(target=one, args=(k,)) for k in range(len(pictures))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _settle(pid: int, seconds: float = 3.0) -> float:
    time.sleep(seconds)
    return _memory(pid)["VmRSS"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=7000, help="side of the square test pictures in pixels")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    audio = (DATA / "audio" / "goforward.wav").read_bytes()
    pictures = _pictures(args.side)
    with tempfile.TemporaryDirectory() as scratch, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        command = [sys.executable, "-m", "talkingphoto", "serve", "--port", str(port), "--data-dir", scratch]
        server = subprocess.Popen([*command, "--workers", str(args.workers)], stdout=subprocess.PIPE, text=True)
        try:
            server.stdout.readline()  # the banner: listening
            base = f"http://127.0.0.1:{port}"
            warm = _handle(base, [(DATA / "images" / "grace_hopper.jpg").read_bytes()], audio)[0]
            assert warm["status"] == "done", warm
            idle = _settle(server.pid)
            print(f"server idle after warm-up: {idle:.0f} MB; pictures {args.side}x{args.side}")
            header = ("picture", "upload", "inspect", "peak +MB", "job", "peak +MB", "after +MB")
            print(f"{header[0]:<40}{header[1]:>8}{header[2]:>11}{header[3]:>9}{header[4]:>8}{header[5]:>9}{header[6]:>10}")
            portrait = Image.open(DATA / "images" / "grace_hopper.jpg").convert("RGB").resize((1638, 1920))
            runs = [(name, [data], True) for name, data in pictures]
            runs.append(("four blank PNGs at once", [pictures[0][1]] * 4, False))
            runs.append(("same video size from a 1638x1920 JPEG", [_encode(portrait, "JPEG", quality=85)], False))
            for name, data, inspect in runs:
                found, inspect_peak = "", ""
                if inspect:
                    _reset_peak(server.pid)
                    found = _inspect(base, data[0])
                    inspect_peak = f"{_memory(server.pid)['VmHWM'] - idle:.0f}"
                    _settle(server.pid, 1.0)
                _reset_peak(server.pid)
                outcomes = _handle(base, data, audio)
                peak = _memory(server.pid)["VmHWM"]
                after = _settle(server.pid)
                status = ", ".join(sorted({o["status"] for o in outcomes}))
                size = f"{sum(map(len, data)) / MB:.1f}MB"
                print(
                    f"{name:<40}{size:>8}{found:>11}{inspect_peak:>9}{status:>8}{peak - idle:>9.0f}{after - idle:>10.0f}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stdout.close()


if __name__ == "__main__":
    main()
