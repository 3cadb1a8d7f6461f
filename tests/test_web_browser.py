"""The studio page in a real headless Chromium: upload, find the face, generate, watch, play.

Drives Debian's chromium through Playwright against a real uvicorn server on 127.0.0.1.
Everything behind the page is real: face finding, the manual points rig and the renderer.
"""

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from talkingphoto.web import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def _chromium() -> str:
    """Debian's chromium, installed with apt-get if missing; skip only if that is impossible."""
    if not Path(CHROMIUM).exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
            subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium cannot be installed here (apt-get install -y chromium failed)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def studio(tmp_path):
    """A real server on 127.0.0.1 in a thread; yields its address."""
    port = _free_port()
    app = create_app(data_dir=tmp_path / "data", workers=1)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(20)


@pytest.fixture
def page(tmp_path):
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            bypass_csp=True,  # lets the test evaluate its own checks; the page keeps its CSP
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


@pytest.mark.slow
def test_upload_generate_play(studio, page, real_data, tmp_path):
    page.goto(studio)
    assert page.title() == "talkingphoto studio"

    # A text file posing as a picture gets the server's readable refusal on the page.
    fake_picture = tmp_path / "notes.png"
    fake_picture.write_text("just some notes")
    page.set_input_files("#image-input", str(fake_picture))
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert error.inner_text() == "the picture must be a JPEG, PNG or WebP image; notes.png looks like text"

    page.set_input_files("#image-input", str(real_data / "images" / "grace_hopper.jpg"))
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('1 face found')")
    assert page.locator("#error").is_hidden()
    assert page.locator(".face.chosen").count() == 1
    page.set_input_files("#audio-input", str(real_data / "audio" / "goforward.wav"))
    page.check("input[value=vivid]")
    generate = page.locator("#generate")
    assert generate.is_enabled()
    generate.click()

    # Live progress arrives over server-sent events while it renders (a few seconds).
    page.wait_for_function("document.getElementById('progress').value > 0", timeout=20000)
    page.locator("#result").wait_for(state="visible", timeout=30000)
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=20000)
    duration = page.evaluate("document.getElementById('video').duration")
    assert 2.5 < duration < 3.3  # goforward.wav lasts 2.8 s
    page.evaluate("document.getElementById('video').play()")
    page.wait_for_function("document.getElementById('video').currentTime > 0.2", timeout=20000)
    assert page.get_attribute("#download", "href").endswith("/video?download=1")
    assert page.inner_text("#progress-text") == "Done."

    history = page.locator("#jobs li")
    history.first.wait_for()
    assert history.count() == 1
    assert "done · vivid" in history.first.inner_text()
    page.wait_for_function("document.querySelector('#jobs img').naturalWidth > 0")
    page.screenshot(path=str(tmp_path / "studio.png"), full_page=True)
    assert (tmp_path / "studio.png").stat().st_size > 10_000

    # Delete from the history: the list empties and the video is gone on the server.
    page.locator("#jobs li button", has_text="Delete").click()
    page.locator("#history-empty").wait_for(state="visible")
    assert page.request.get(f"{studio}/api/jobs").json() == []


@pytest.mark.slow
def test_no_face_found_then_mouth_points_by_hand(studio, page, real_data):
    page.goto(studio)
    page.set_input_files("#image-input", str(real_data / "images" / "chelsea.png"))  # a cat
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('No face was found')")
    assert "left corner of the mouth" in page.inner_text("#faces-note")
    page.click("#tab-text")
    page.fill("#text-input", "Meow, said the cat.")
    generate = page.locator("#generate")
    assert generate.is_disabled()  # the five points are not placed yet
    picture = page.locator("#picture")
    box = picture.bounding_box()
    # The cat's mouth in chelsea.png (451 x 300): corners, lips and chin, in picture pixels.
    for x, y in [(120, 190), (160, 190), (140, 185), (140, 198), (140, 215)]:
        page.mouse.click(box["x"] + x / 451 * box["width"], box["y"] + y / 300 * box["height"])
    assert page.locator("#marks .dot").count() == 5
    assert page.inner_text("#faces-note") == "All five points are placed: this mouth will move."
    generate.click()
    page.locator("#result").wait_for(state="visible", timeout=30000)
    jobs = page.request.get(f"{studio}/api/jobs").json()
    assert [job["status"] for job in jobs] == ["done"]
