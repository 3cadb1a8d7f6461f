"""The studio page in a real headless Chromium: upload, find the face, generate, watch, play;
and a conversation of turns between two faces.

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

CHELSEA_MOUTH = [(230, 265), (330, 262), (282, 258), (278, 287), (280, 298)]  # corners, lips, chin
CHELSEA_EYES = [(172, 113), (317, 137)]  # the eye on the picture's left first


def _chelsea(page, real_data):
    """Drop chelsea.png (a cat: no face found) on the studio; returns click(x, y), which
    clicks the picture at (x, y) in chelsea.png's pixels (451 x 300), wherever the page is
    scrolled."""
    page.set_input_files("#image-input", str(real_data / "images" / "chelsea.png"))
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('No face was found')")

    def click(x, y):
        picture = page.locator("#picture")
        picture.scroll_into_view_if_needed()
        box = picture.bounding_box()
        page.mouse.click(box["x"] + x / 451 * box["width"], box["y"] + y / 300 * box["height"])

    return click


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
    assert error.inner_text() == "the picture must be a JPEG, PNG, WebP, BMP, TIFF or GIF image; notes.png looks like text"

    page.set_input_files("#image-input", str(real_data / "images" / "grace_hopper.jpg"))
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('1 face found')")
    assert page.locator("#error").is_hidden()
    assert page.locator(".face.chosen").count() == 1
    page.set_input_files("#audio-input", str(real_data / "audio" / "goforward.wav"))
    assert page.locator("#motion-strength").is_disabled()  # standard mode moves no head
    page.check("input[value=vivid]")
    page.select_option("#expression-select", "happy")  # sent as the job's options
    page.click("#motion-box summary")
    page.eval_on_selector("#motion-strength", "el => { el.value = '1.5'; el.dispatchEvent(new Event('input')); }")
    assert page.inner_text("#motion-value") == "1.5"
    page.select_option("#gaze", "camera")
    # What the page sends as options: only what differs from the defaults.
    assert page.evaluate("JSON.stringify(motionOptions('vivid'))") == '{"motion":1.5,"gaze":"camera"}'
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
def test_no_face_found_then_mouth_and_eye_points_by_hand(studio, page, real_data):
    page.goto(studio)
    click = _chelsea(page, real_data)
    assert "left corner of the mouth" in page.inner_text("#faces-note")
    page.click("#tab-text")
    page.fill("#text-input", "Meow, said the cat.")
    page.check("input[name=mode][value=vivid]")
    generate = page.locator("#generate")
    assert generate.is_disabled()  # the five points are not placed yet
    # The cat's mouth: corners, lips and chin. It can be rendered now, or the eyes clicked too.
    for x, y in CHELSEA_MOUTH:
        click(x, y)
    assert page.locator("#marks .dot").count() == 5 and generate.is_enabled()
    assert page.inner_text("#faces-note") == (
        "All five points are placed: this mouth will move. To make the eyes blink too (vivid and master), "
        "click the centre of the eye on the picture's left, then the other one."
    )
    click(*CHELSEA_EYES[0])  # one eye alone is not enough to blink: the other one is asked for
    assert generate.is_disabled()
    assert page.inner_text("#faces-note") == "Now click the centre of the other eye (7 of 7), or start the points again."
    click(*CHELSEA_EYES[1])
    click(400, 60)  # an eighth click places nothing
    assert page.locator("#marks .dot").count() == 7 and generate.is_enabled()
    assert page.inner_text("#faces-note") == (
        "All seven points are placed: the mouth will move and the eyes blink (vivid and master)."
    )
    sent = page.evaluate("JSON.parse(singleForm().get('points'))")
    assert len(sent) == 7  # clicks land within a screen pixel (about 1 picture pixel) of their aim
    assert max(abs(a - b) for a, b in zip(sent["left_eye"] + sent["right_eye"], sum(CHELSEA_EYES, ()))) < 1.5
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the longer note wraps
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    generate.click()
    page.locator("#result").wait_for(state="visible", timeout=90000)
    assert page.inner_text("#progress-text") == "Done."  # no "eyes will not blink" note: both eyes were found
    jobs = page.request.get(f"{studio}/api/jobs").json()
    assert [(job["status"], job["mode"], job["notes"]) for job in jobs] == [("done", "vivid", [])]

    page.click("#reset-points")  # starts again from the mouth's first point
    assert page.locator("#marks .dot").count() == 0 and generate.is_disabled()
    assert "left corner of the mouth (1 of 5)" in page.inner_text("#faces-note")


def _pair_picture(real_data, path: Path) -> Path:
    """Grace Hopper and the Wesnoth mage side by side, small (712 x 384) so the render is quick."""
    import cv2
    import numpy as np

    from talkingphoto.media import load_image

    grace = load_image(real_data / "images" / "grace_hopper.jpg")
    mage = load_image(real_data / "images" / "wesnoth_mage_female.png")
    grace = cv2.resize(grace, (328, 384), interpolation=cv2.INTER_AREA)
    mage = cv2.resize(mage, (384, 384), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(path), cv2.cvtColor(np.hstack([grace, mage]), cv2.COLOR_RGB2BGR))
    return path


@pytest.mark.slow
def test_a_conversation_between_two_faces(studio, page, real_data, tmp_path):
    from talkingphoto.voice import speak

    page.goto(studio)
    page.click("#kind-talk")
    page.set_input_files("#image-input", str(_pair_picture(real_data, tmp_path / "pair.png")))
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('2 faces found')")
    generate = page.locator("#generate")
    assert generate.is_disabled()  # no turn yet
    speakers = page.locator("#speakers button")
    assert speakers.all_inner_texts() == ["Face 0", "Face 1"]

    # Face 0, clicked on the picture, says a recording; then the next speaker is face 1.
    page.locator("#marks .face").nth(0).click()
    assert speakers.nth(0).get_attribute("aria-pressed") == "true"
    page.set_input_files("#audio-input", str(real_data / "audio" / "goforward.wav"))
    assert speakers.nth(1).get_attribute("aria-pressed") == "true"
    page.fill("#pause-seconds", "0.5")
    page.click("#add-pause")
    page.click("#tab-text")
    page.fill("#text-input", "Who goes there?")
    page.select_option("#voice-select", "en_US-joe-medium")
    generate.click()  # a typed text that is not a turn yet is not dropped silently
    assert page.inner_text("#error") == "The text you typed is not a turn yet: press Add turn, or clear it."
    page.click("#add-text")

    # A broken recording for face 0: the server's refusal names its turn, also once moved
    # up with the keyboard (which stays on the moved turn); then it is removed.
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    page.click("#tab-audio")
    page.set_input_files("#audio-input", str(broken))
    generate.click()
    error = page.locator("#error")
    page.wait_for_function("document.getElementById('error').textContent.includes('broken.wav')")
    assert error.inner_text().startswith("script, turn 4: broken.wav is not an audio or video file")
    page.focus("[aria-label='Move turn 4 up']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move turn 3 up"
    generate.click()
    page.wait_for_function("document.getElementById('error').textContent.startsWith('script, turn 3: broken.wav')")
    page.click("[aria-label='Remove turn 3']")
    assert error.is_hidden()  # it named a turn that is gone
    assert page.locator("#turns li .what").all_text_contents() == [
        "Face 0: goforward.wav",
        "pause 0.5 s",
        "Face 1: “Who goes there?” · en_US-joe-medium",
    ]
    # A turn's own expression goes into its line of the script; "—" leaves the job's.
    page.select_option("[aria-label='Expression of turn 3']", "surprised")
    script = page.evaluate("JSON.parse(conversationForm().get('script'))")
    assert [turn.get("expression") for turn in script["turns"]] == [None, None, "surprised"]
    assert page.locator("[aria-label='Expression of turn 2']").count() == 0  # a pause has none
    page.screenshot(path=str(tmp_path / "editor.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "editor-phone.png"), full_page=True)
    assert (tmp_path / "editor.png").stat().st_size > 10_000 and (tmp_path / "editor-phone.png").stat().st_size > 10_000
    page.set_viewport_size({"width": 1280, "height": 900})

    generate.click()
    page.locator("#result").wait_for(state="visible", timeout=90000)
    assert error.is_hidden()
    page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=20000)
    spoken = speak("Who goes there?", voice="en_US-joe-medium")
    expected = 2.8 + 0.5 + len(spoken.y) / spoken.sr  # goforward.wav lasts 2.8 s
    assert abs(page.evaluate("document.getElementById('video').duration") - expected) < 0.25
    page.evaluate("document.getElementById('video').play()")
    page.wait_for_function("document.getElementById('video').currentTime > 0.2", timeout=20000)
    history = page.locator("#jobs li")
    history.first.wait_for()
    assert history.count() == 1
    assert "conversation: 2 files, 2 turns" in history.first.inner_text()  # the recording was sent once
    assert "done · standard" in history.first.inner_text()


@pytest.mark.slow
def test_a_conversation_speaker_from_mouth_points_by_hand(studio, page, real_data):
    page.goto(studio)
    click = _chelsea(page, real_data)
    # Three points in the single-speaker flow, the last two after switching: they carry over.
    for x, y in CHELSEA_MOUTH[:3]:
        click(x, y)
    page.click("#kind-talk")
    assert page.inner_text("#speakers") == "nobody yet: place mouth points by hand on the picture"
    for x, y in CHELSEA_MOUTH[3:]:
        click(x, y)
    speaker = page.locator("#speakers button")
    assert speaker.all_inner_texts() == ["Hand-placed 1"] and speaker.get_attribute("aria-pressed") == "true"
    assert page.locator("#marks .dot").count() == 5  # drawn in the speaker's colour
    page.click("#tab-text")
    page.fill("#text-input", "Meow.")
    page.click("#add-text")
    page.click("#add-pause")
    assert page.locator("#turns li .what").all_text_contents() == ["Hand-placed 1: “Meow.”", "pause 0.5 s"]
    page.click("#generate")
    page.locator("#result").wait_for(state="visible", timeout=60000)
    (job,) = page.request.get(f"{studio}/api/jobs").json()
    assert job["status"] == "done" and job["label"] == "conversation: 2 files, 1 turn"  # the picture and the points


@pytest.mark.slow
def test_a_conversation_speaker_placed_by_hand_gets_its_eyes(studio, page, real_data):
    page.goto(studio)
    page.click("#kind-talk")
    click = _chelsea(page, real_data)
    page.check("input[name=mode][value=vivid]")

    def sent_rig():  # the points the script would send for the hand-placed speaker
        return page.evaluate(
            "conversationForm().getAll('files').find((f) => f.name === 'hand1.json').text().then(JSON.parse)"
        )

    # The mouth makes the speaker at once (a user who wants no eyes is done); the eyes are offered.
    for x, y in CHELSEA_MOUTH:
        click(x, y)
    speakers = page.locator("#speakers button")
    assert speakers.all_inner_texts() == ["Hand-placed 1"] and speakers.get_attribute("aria-pressed") == "true"
    assert page.inner_text("#faces-note") == (
        "No face was found. Choose a speaker below, or place mouth points by hand for another one. "
        "Hand-placed 1's mouth is placed. To make its eyes blink too (vivid and master), "
        "click the centre of its eye on the picture's left, then the other one."
    )
    page.click("#tab-text")
    page.fill("#text-input", "Meow.")
    click(*CHELSEA_EYES[0])  # one eye alone cannot blink: it waits for the other one...
    assert page.locator("#marks .dot").count() == 6
    assert page.inner_text("#faces-note").endswith(
        "Now click the centre of Hand-placed 1's other eye (7 of 7); "
        "choosing a speaker, adding a turn or generating drops this lone eye."
    )
    page.click("#add-text")  # ...and adding a turn drops it: the speaker stays its mouth
    assert page.locator("#marks .dot").count() == 5 and len(sent_rig()) == 5
    assert page.inner_text("#faces-note").endswith("click the centre of its eye on the picture's left, then the other one.")

    # Both eyes, clicked after the turn, go to the same speaker, not to a new one.
    click(*CHELSEA_EYES[0])
    click(*CHELSEA_EYES[1])
    click(400, 60)  # an eighth click places nothing
    assert speakers.all_inner_texts() == ["Hand-placed 1"] and page.locator("#marks .dot").count() == 7
    assert page.inner_text("#faces-note").endswith(
        "Hand-placed 1's mouth and eyes are placed: the eyes blink in vivid and master."
    )
    sent = sent_rig()
    assert len(sent) == 7  # clicks land within a screen pixel (about 1 picture pixel) of their aim
    assert max(abs(a - b) for a, b in zip(sent["left_eye"] + sent["right_eye"], sum(CHELSEA_EYES, ()))) < 1.5
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the longer note wraps
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("#generate")
    page.locator("#result").wait_for(state="visible", timeout=90000)
    assert page.inner_text("#progress-text") == "Done."  # no "eyes will not blink" note: both eyes were found
    jobs = page.request.get(f"{studio}/api/jobs").json()
    assert [(job["status"], job["mode"], job["notes"]) for job in jobs] == [("done", "vivid", [])]


@pytest.mark.slow
def test_a_lone_eye_carried_into_a_conversation_waits_for_the_other(studio, page, real_data):
    page.goto(studio)
    click = _chelsea(page, real_data)
    # The mouth and one eye in the single-speaker flow, then a conversation: the speaker is
    # its mouth, and the lone eye waits for the other one instead of making a one-eyed rig.
    for x, y in CHELSEA_MOUTH + CHELSEA_EYES[:1]:
        click(x, y)
    page.click("#kind-talk")
    assert page.locator("#speakers button").all_inner_texts() == ["Hand-placed 1"]
    assert page.locator("#marks .dot").count() == 6
    assert page.inner_text("#faces-note").endswith(
        "Now click the centre of Hand-placed 1's other eye (7 of 7); "
        "choosing a speaker, adding a turn or generating drops this lone eye."
    )
    assert page.evaluate("Object.keys(state.rigs[0]).length") == 5
    click(*CHELSEA_EYES[1])
    assert page.evaluate("Object.keys(state.rigs[0]).sort()") == [
        "chin", "left_eye", "lower_lip", "mouth_left", "mouth_right", "right_eye", "upper_lip"
    ]


@pytest.mark.slow
def test_a_covered_mouth_is_said_when_the_picture_is_dropped(studio, page, real_data):
    page.goto(studio)
    page.set_input_files("#image-input", str(real_data / "images" / "wesnoth_assassin_female.png"))  # a cloth mask
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('1 face found')")
    assert page.inner_text("#faces-note") == (
        '1 face found: it will speak. Face 0: the mouth looks covered and stays shut (set Mouth to "opens" if it shows).'
    )


@pytest.mark.slow
def test_a_song_with_its_music_is_sent_for_the_voice_alone(studio, page, real_data):
    page.goto(studio)
    page.set_input_files("#image-input", str(real_data / "images" / "grace_hopper.jpg"))
    page.wait_for_function("document.getElementById('faces-note').textContent.startsWith('1 face found')")
    page.set_input_files("#audio-input", str(real_data / "audio" / "goforward.wav"))
    assert page.evaluate("JSON.stringify(jobOptions('standard'))") == "{}"
    page.select_option("#music-select", "model")
    assert page.evaluate("JSON.stringify(jobOptions('standard'))") == '{"mouth":"model"}'
    page.select_option("#music-select", "music")
    assert page.evaluate("JSON.stringify(jobOptions('standard'))") == '{"mouth":"music"}'
    page.click("#generate")
    page.locator("#result").wait_for(state="visible", timeout=30000)
    job = page.request.get(f"{studio}/api/jobs").json()[0]
    assert job["status"] == "done" and job["error"] is None
