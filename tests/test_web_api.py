"""The studio's JSON API through FastAPI's test client, with the fast fake renderer."""

import io
import json
import threading
import time
import types

import pytest
from PIL import Image
from test_jobs_fakes import fake_render, slow_fake, write_png, write_wav

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from talkingphoto.errors import Cancelled  # noqa: E402
from talkingphoto.web import UploadLimits, create_app  # noqa: E402

LOCAL = {"base_url": "http://127.0.0.1:8000", "client": ("127.0.0.1", 50123)}


@pytest.fixture
def inputs(tmp_path):
    return {
        "image": write_png(tmp_path / "face.png").read_bytes(),
        "audio": write_wav(tmp_path / "voice.wav", seconds=0.5).read_bytes(),
    }


def _studio(tmp_path, renderer=fake_render, **kw):
    return TestClient(create_app(data_dir=tmp_path / "data", workers=1, renderer=renderer, **kw), **LOCAL)


def _post(client, inputs, *, image=None, audio=None, **fields):
    files = {"image": ("face.png", image if image is not None else inputs["image"], "image/png")}
    if audio is not False:
        files["audio"] = ("voice.wav", audio if audio is not None else inputs["audio"], "audio/wav")
    return client.post("/api/jobs", files=files, data=fields)


def _wait(client, job_id, *, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_upload_render_and_download(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = _post(client, inputs, mode="vivid")
        assert response.status_code == 201, response.text
        job_id = response.json()["id"]
        job = _wait(client, job_id)
        assert job["status"] == "done" and job["progress"] == 1.0 and job["error"] is None
        assert job["mode"] == "vivid" and job["label"] == "face.png + voice.wav"
        video = client.get(job["video"])
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
        assert video.content[4:8] == b"ftyp"
        assert "inline" in video.headers["content-disposition"]
        download = client.get(job["video"], params={"download": 1})
        assert download.headers["content-disposition"].startswith("attachment")
        # HEAD answers like GET, without the body (link checkers, players probing the size).
        for url in (job["video"], job["thumbnail"]):
            got, head = client.get(url), client.head(url)
            assert head.status_code == 200 and head.content == b""
            for name in ("content-type", "content-length", "etag"):
                assert head.headers[name] == got.headers[name]
        thumbnail = client.get(job["thumbnail"])
        assert thumbnail.headers["content-type"] == "image/jpeg" and thumbnail.content[:3] == b"\xff\xd8\xff"
        assert [j["id"] for j in client.get("/api/jobs").json()] == [job_id]


def test_text_job_with_unknown_voice_is_refused(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = _post(client, inputs, audio=False, text="hello there", voice="qqq-nobody")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("unknown voice 'qqq-nobody'")


def test_text_job_runs(tmp_path, inputs):
    with _studio(tmp_path) as client:
        voice = client.get("/api/voices").json()[0]["name"]
        response = _post(client, inputs, audio=False, text="hello there", voice=voice)
        assert response.status_code == 201, response.text
        assert _wait(client, response.json()["id"])["status"] == "done"


def test_voices_list_their_fields(tmp_path):
    with _studio(tmp_path) as client:
        voices = client.get("/api/voices").json()
    assert voices and {"name", "language", "engine", "gender", "sample_rate"} <= set(voices[0])
    assert any(v["engine"] == "espeak-ng" for v in voices)


def test_oversized_picture_is_413_with_sizes(tmp_path, inputs):
    with _studio(tmp_path, limits=UploadLimits(image_bytes=1000)) as client:
        response = _post(client, inputs)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("the picture is 0.0 MB; the limit is 0.0 MB")


def test_oversized_request_is_413_before_reading(tmp_path, inputs):
    limits = UploadLimits(image_bytes=2000, audio_bytes=2000)
    with _studio(tmp_path, limits=limits) as client:
        response = _post(client, inputs, audio=bytes(limits.request_bytes))
    assert response.status_code == 413
    assert response.json()["detail"] == "the upload is too large: at most 1 MB per request"
    assert list((tmp_path / "data" / "jobs").iterdir()) == []


def test_text_posing_as_picture_is_415(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = _post(client, inputs, image=b"hello, I am not a picture")
    assert response.status_code == 415
    assert response.json()["detail"] == (
        "the picture must be a JPEG, PNG, WebP, BMP, TIFF or GIF image; face.png looks like text"
    )


def test_picture_posing_as_audio_is_415(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = _post(client, inputs, audio=inputs["image"])
    assert response.status_code == 415
    assert "voice.wav looks like a picture" in response.json()["detail"]


def test_broken_picture_is_422_and_leaves_nothing(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = _post(client, inputs, image=inputs["image"][:80])
        assert response.status_code == 422
        assert "image" in response.json()["detail"].lower()
        assert "jobs" not in response.json()["detail"] and str(tmp_path) not in response.json()["detail"]
        assert client.get("/api/jobs").json() == []
    assert list((tmp_path / "data" / "jobs").iterdir()) == []


def test_broken_audio_is_422(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = _post(client, inputs, audio=b"RIFF\x00\x00\x00\x00WAVEjunk")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("voice.wav is not an audio or video file")  # the client's name


def test_missing_speech_and_bad_fields_are_422_in_words(tmp_path, inputs):
    with _studio(tmp_path) as client:
        assert _post(client, inputs, audio=False).json()["detail"] == "give a recording (audio) or a text to read"
        response = _post(client, inputs, face="left")
        assert response.status_code == 422
        assert response.json()["detail"].startswith("face: ")
        response = _post(client, inputs, mode="dramatic")
        assert response.status_code == 422 and "mode must be one of" in response.json()["detail"]
        response = _post(client, inputs, options=json.dumps({"max_audio_seconds": 99999}))
        assert response.status_code == 422 and "unknown option(s) max_audio_seconds" in response.json()["detail"]
        for options, message in (
            ({"fps": "abc"}, "fps must be a number, got 'abc'"),
            ({"crf": "20"}, "crf must be a whole number, got '20'"),
            ({"face_at": 5}, "face_at must be two numbers"),
            ({"face_at": [1, 2, 3]}, "face_at must be two numbers"),
            ({"seed": "x"}, "seed must be a whole number"),
        ):
            response = _post(client, inputs, options=json.dumps(options))
            assert response.status_code == 422 and message in response.json()["detail"], options


def test_a_finished_jobs_notes_are_shown(tmp_path, inputs):
    def noting(job, **kw):
        return types.SimpleNamespace(output=fake_render(job, **kw), notes=("face 0's mouth looks covered",))

    with _studio(tmp_path, renderer=noting) as client:
        response = _post(client, inputs)
        assert response.status_code == 201, response.text
        job = _wait(client, response.json()["id"])
        assert job["status"] == "done" and job["notes"] == ["face 0's mouth looks covered"]
        assert client.get("/api/jobs").json()[0]["notes"] == ["face 0's mouth looks covered"]


def test_motion_controls_reach_the_render_and_are_checked(tmp_path, inputs):
    seen = []

    def renderer(job, **kw):
        seen.append(job)
        return fake_render(job, **kw)

    with _studio(tmp_path, renderer=renderer) as client:
        options = {"motion": 1.5, "blink_rate": 12, "gaze": "camera", "mouth_cover": "covered"}
        response = _post(client, inputs, mode="vivid", options=json.dumps(options))
        assert response.status_code == 201, response.text
        assert _wait(client, response.json()["id"])["status"] == "done"
        response = _post(client, inputs, mode="vivid", options=json.dumps({"motion": 3}))
        assert response.status_code == 422 and "motion must be between 0" in response.json()["detail"]
        response = _post(client, inputs, mode="standard", options=json.dumps({"gaze": "camera"}))
        assert response.status_code == 422 and "use it with --mode vivid or master" in response.json()["detail"]
    (rendered,) = seen
    assert (rendered.motion.motion, rendered.motion.blink_rate, rendered.motion.gaze) == (1.5, 12, "camera")
    assert rendered.turns[0].speaker.mouth_cover == "covered"


def test_deep_or_huge_json_fields_are_422_not_500(tmp_path, inputs):
    deep = "[" * 2000 + "]" * 2000  # short, but past the parser's recursion limit
    with _studio(tmp_path) as client:
        for field in ("options", "points"):
            response = _post(client, inputs, **{field: deep})
            assert response.status_code == 422, (field, response.text)
            assert response.json()["detail"].startswith(f"{field} nests too deeply")
            response = _post(client, inputs, **{field: json.dumps({"fps": 25, "pad": "x" * 10000})})
            assert response.status_code == 422 and "too long" in response.json()["detail"], field
        # Brackets inside strings are text, not nesting.
        response = _post(client, inputs, options=json.dumps({"fps": "[[[[[[[["}))
        assert response.status_code == 422 and "fps must be a number" in response.json()["detail"]
    assert list((tmp_path / "data" / "jobs").iterdir()) == []


def test_a_full_queue_refuses_new_jobs_with_429(tmp_path, inputs):
    hold = threading.Event()

    def held(job, *, progress=None, cancel=None):
        hold.wait(30)
        return fake_render(job, progress=progress, cancel=cancel)

    with _studio(tmp_path, renderer=held, max_queued=2) as client:
        first = _post(client, inputs).json()["id"]
        deadline = time.monotonic() + 10
        while client.get(f"/api/jobs/{first}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        waiting = [_post(client, inputs) for _ in range(2)]  # the one running does not count
        assert [r.status_code for r in waiting] == [201, 201]
        refused = _post(client, inputs)
        assert refused.status_code == 429 and refused.headers["retry-after"]
        assert refused.json()["detail"] == "the queue is full (2 jobs waiting): try again when some have finished"
        hold.set()
        assert all(_wait(client, r.json()["id"])["status"] == "done" for r in waiting)
        assert _post(client, inputs).status_code == 201
    assert len(list((tmp_path / "data" / "jobs").iterdir())) == 4  # the refused one left nothing


def test_manual_points_are_stored_for_the_renderer(tmp_path, inputs):
    seen = []

    def renderer(job, **kw):
        seen.append(json.loads(open(job.turns[0].speaker.points).read()))
        return fake_render(job, **kw)

    points = {"mouth_left": [20, 30], "mouth_right": [40, 30], "upper_lip": [30, 27], "lower_lip": [30, 34], "chin": [30, 44]}
    with _studio(tmp_path, renderer=renderer) as client:
        response = _post(client, inputs, points=json.dumps(points))
        assert response.status_code == 201, response.text
        assert _wait(client, response.json()["id"])["status"] == "done"
        outside = dict(points, chin=[30, 4000])
        refused = _post(client, inputs, points=json.dumps(outside))
    assert seen == [points]
    assert refused.status_code == 422 and "chin" in refused.json()["detail"]


def test_unknown_and_malformed_ids_are_404(tmp_path):
    with _studio(tmp_path) as client:
        for job_id in ("AAAAAAAAAAAAAAAAAAAAAA", "nope", "..%2F..%2Fjobs.sqlite3"):
            for method, path in (("get", ""), ("get", "/video"), ("get", "/thumbnail"), ("delete", ""), ("post", "/cancel")):
                response = getattr(client, method)(f"/api/jobs/{job_id}{path}")
                assert response.status_code == 404, (method, path, response.text)
        assert "never existed or was deleted" in client.get("/api/jobs/AAAAAAAAAAAAAAAAAAAAAA").json()["detail"]


def test_video_of_unfinished_job_is_409(tmp_path, inputs):
    with _studio(tmp_path, renderer=slow_fake(0.05)) as client:
        job_id = _post(client, inputs).json()["id"]
        response = client.get(f"/api/jobs/{job_id}/video")
        assert response.status_code == 409 and response.json()["detail"].startswith(f"job {job_id} has no video")
        client.delete(f"/api/jobs/{job_id}")


def _stepped_fake(steps: int, seen: list):
    """A renderer that reports progress k/steps and holds there until the test has seen it in the
    event stream (``seen[k]`` set), so the stream shows every step whatever the machine's load."""

    def render(job, *, progress=None, cancel=None):
        deadline = time.monotonic() + 30
        for k in range(1, steps):
            # The pool writes progress at most every 0.2 s: repeat until this step got through.
            while not seen[k].wait(0.05):
                if cancel.is_set() or time.monotonic() > deadline:
                    raise Cancelled("the test stopped watching")
                progress(k, steps)
        return fake_render(job, cancel=cancel)

    return render


def test_progress_streams_as_server_sent_events(tmp_path, inputs):
    steps = 4
    seen = [threading.Event() for _ in range(steps)]
    with _studio(tmp_path, renderer=_stepped_fake(steps, seen)) as client:
        job_id = _post(client, inputs).json()["id"]
        events = []
        with client.stream("GET", f"/api/jobs/{job_id}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    if events[-1]["status"] == "running" and 0 < events[-1]["progress"] < 1:
                        seen[round(events[-1]["progress"] * steps)].set()
    statuses = [event["status"] for event in events]
    progress = [event["progress"] for event in events if event["status"] == "running" and event["progress"] > 0]
    assert statuses[-1] == "done" and events[-1]["progress"] == 1.0
    assert progress == [k / steps for k in range(1, steps)]


def test_cancel_then_delete(tmp_path, inputs):
    with _studio(tmp_path, renderer=slow_fake(0.05)) as client:
        job_id = _post(client, inputs, audio=write_wav(tmp_path / "long.wav", seconds=5).read_bytes()).json()["id"]
        assert client.post(f"/api/jobs/{job_id}/cancel").status_code == 200
        job = _wait(client, job_id)
        assert job["status"] == "cancelled" and job["video"] is None
        again = client.post(f"/api/jobs/{job_id}/cancel")
        assert again.status_code == 409 and again.json()["detail"] == f"job {job_id} is already cancelled"
        assert client.delete(f"/api/jobs/{job_id}").status_code == 204
        assert client.get(f"/api/jobs/{job_id}").status_code == 404
    assert list((tmp_path / "data" / "jobs").iterdir()) == []


def test_restart_mid_queue_loses_nothing(tmp_path, inputs):
    with _studio(tmp_path, renderer=slow_fake(0.2)) as client:
        ids = [_post(client, inputs).json()["id"] for _ in range(3)]
        deadline = time.monotonic() + 10
        while client.get(f"/api/jobs/{ids[0]}").json()["status"] != "running" and time.monotonic() < deadline:
            time.sleep(0.02)
    with _studio(tmp_path) as client:
        jobs = [_wait(client, job_id) for job_id in ids]
    assert [job["status"] for job in jobs] == ["done"] * 3


def test_token_is_required_and_can_live_in_a_cookie(tmp_path, inputs):
    app = create_app(data_dir=tmp_path / "data", workers=1, renderer=fake_render, token="s3cret-token")
    with TestClient(app, base_url="http://studio.example:8000", client=("192.0.2.7", 40000)) as client:
        refused = client.get("/api/jobs")
        assert refused.status_code == 401 and "access token" in refused.json()["detail"]
        assert client.get("/api/jobs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/jobs", headers={"Authorization": "Bearer s3cret-token"}).json() == []
        page = client.get("/", params={"token": "s3cret-token"})
        assert page.status_code == 200 and "talkingphoto studio" in page.text
        assert client.get("/api/jobs").status_code == 200  # the cookie set by the redirect


def test_without_token_only_this_computer_is_served(tmp_path):
    app = create_app(data_dir=tmp_path / "data", workers=1, renderer=fake_render)
    with TestClient(app, base_url="http://127.0.0.1:8000", client=("192.0.2.7", 40000)) as client:
        response = client.get("/api/jobs")
        assert response.status_code == 403 and "--token" in response.json()["detail"]
    with TestClient(app, base_url="http://rebound.example:8000", client=("127.0.0.1", 40000)) as client:
        assert client.get("/api/jobs").status_code == 403  # DNS rebinding: local socket, foreign name
    with TestClient(app, base_url="http://127.attacker.example:8000", client=("127.0.0.1", 40000)) as client:
        assert client.get("/api/jobs").status_code == 403  # a name that only starts like an address


def test_loopback_means_address_literals_and_localhost():
    from talkingphoto.web import is_loopback

    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("127.evil.example", "127.0.0.1.nip.io", "0.0.0.0", "10.0.0.1", ""))


def test_cross_site_posts_are_refused(tmp_path, inputs):
    with _studio(tmp_path) as client:
        response = client.post(
            "/api/jobs",
            files={"image": ("face.png", inputs["image"]), "audio": ("voice.wav", inputs["audio"])},
            headers={"Origin": "http://evil.example"},
        )
        assert response.status_code == 403
        assert client.get("/api/jobs").json() == []


def test_page_and_openapi_are_served(tmp_path):
    with _studio(tmp_path) as client:
        page = client.get("/")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert client.get("/static/app.js").status_code == 200
        paths = client.get("/openapi.json").json()["paths"]
        assert {"/api/jobs", "/api/jobs/{job_id}", "/api/jobs/{job_id}/video", "/api/voices", "/api/inspect"} <= set(paths)
        assert "delete" in paths["/api/jobs/{job_id}"]
        assert "API reference" in client.get("/docs").text


def test_inspect_says_which_face_may_be_none(tmp_path, monkeypatch):
    # The studio says so when the picture is dropped, before a mouth moves on a monster's armour.
    from conftest import synthetic_face

    image, face = synthetic_face()  # the template's outline on a texture: the mesh finds no face there
    picture = io.BytesIO()
    Image.fromarray(image).save(picture, format="PNG")
    monkeypatch.setattr("talkingphoto.characters.find_faces", lambda image: [face])  # the chain's find
    with _studio(tmp_path) as client:
        found = client.post("/api/inspect", files={"image": ("thing.png", picture.getvalue())}).json()
    assert [seen["doubtful"] for seen in found["faces"]] == [True]


def test_inspect_finds_the_face_and_refuses_non_pictures(tmp_path, real_data):
    with _studio(tmp_path) as client:
        photo = (real_data / "images" / "grace_hopper.jpg").read_bytes()
        found = client.post("/api/inspect", files={"image": ("hopper.jpg", photo)}).json()
        assert (found["width"], found["height"]) == (512, 600)
        assert len(found["faces"]) == 1 and found["faces"][0]["index"] == 0
        assert found["faces"][0]["mouth_covered"] is False and found["faces"][0]["doubtful"] is False
        assert found["faces"][0]["speaks_by_default"] is True
        masked = (real_data / "images" / "wesnoth_assassin_female.png").read_bytes()
        found = client.post("/api/inspect", files={"image": ("mask.png", masked)}).json()
        assert [face["mouth_covered"] for face in found["faces"]] == [True]
        assert found["overlay"].startswith("data:image/jpeg;base64,")
        refused = client.post("/api/inspect", files={"image": ("x.png", io.BytesIO(b"%PDF-1.4 ..."))})
    assert refused.status_code == 415 and "looks like a PDF document" in refused.json()["detail"]


@pytest.mark.parametrize("kind", ["BMP", "TIFF", "GIF"])
def test_the_studio_takes_every_picture_format_the_renderer_reads(tmp_path, real_data, kind):
    picture = io.BytesIO()
    Image.open(real_data / "images" / "grace_hopper.jpg").save(picture, format=kind)
    with _studio(tmp_path) as client:
        found = client.post("/api/inspect", files={"image": (f"hopper.{kind.lower()}", picture.getvalue())})
    assert found.status_code == 200, found.text
    assert (found.json()["width"], found.json()["height"]) == (512, 600)
    assert len(found.json()["faces"]) == 1


def _post_script(client, script, files, **fields):
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files.items()]
    return client.post("/api/jobs", files=parts, data={"script": script, **fields})


def test_a_conversation_is_one_job_with_its_files(tmp_path, inputs):
    seen = []

    def renderer(job, **kw):
        seen.append(job)
        return fake_render(job, **kw)

    points = {"mouth_left": [20, 30], "mouth_right": [40, 30], "upper_lip": [30, 27], "lower_lip": [30, 34], "chin": [30, 44]}
    script = (
        "image: pair.png\nmode: vivid\ncharacters: {cat: {points: cat.json}}\n"
        "turns:\n  - {face: 0, audio: clips/hello.wav}\n  - {pause: 0.3}\n"
        "  - {face: cat, text: Meow}\n  - {face: 1, audio: hello.wav}\n"
    )
    files = {"pair.png": inputs["image"], "hello.wav": inputs["audio"], "cat.json": json.dumps(points).encode()}
    with _studio(tmp_path, renderer=renderer) as client:
        response = _post_script(client, script, files, options=json.dumps({"fps": 12, "mouth_cover": "open"}))
        assert response.status_code == 201, response.text
        job = _wait(client, response.json()["id"])
        assert job["status"] == "done" and job["mode"] == "vivid" and job["label"].startswith("conversation")
        assert client.get(job["thumbnail"]).content[:3] == b"\xff\xd8\xff"
    (rendered,) = seen
    assert [t.is_pause for t in rendered.turns] == [False, True, False, False]
    assert rendered.turns[0].audio == rendered.turns[3].audio  # one file named twice is stored once
    assert json.loads(rendered.turns[2].speaker.points.read_text()) == points
    assert rendered.encode.fps == 12
    assert {t.speaker.mouth_cover for t in rendered.speeches} == {"open"}  # the form's mouth choice


def test_a_broken_recording_in_a_conversation_is_422_naming_its_turn_and_file(tmp_path, inputs):
    script = "image: pair.png\nturns: [{face: 0, audio: hello.wav}, {pause: 0.2}, {face: 0, audio: mine.wav}]"
    files = {"pair.png": inputs["image"], "hello.wav": inputs["audio"], "mine.wav": b"RIFF\x00\x00\x00\x00WAVEjunk"}
    with _studio(tmp_path) as client:
        response = _post_script(client, script, files)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("script, turn 3: mine.wav is not an audio or video file"), response.text


@pytest.mark.parametrize(
    ("script", "fields", "message"),
    [
        ("image: pair.png\nturns: [{face: 0, audio: gone.wav}]", {}, "script, turn 1: no file named 'gone.wav' was sent"),
        ("image: pair.png\nturns: [{face: 0}]", {}, "script, turn 1: give either 'audio: FILE'"),
        ("image: nope.png\nturns: [{face: 0, text: hi}]", {}, "no file named 'nope.png'"),
        ("image: pair.png\nturns: [{face: 0, text: hi, voice: qqq-nobody}]", {}, "unknown voice 'qqq-nobody'"),
        ("image: pair.png\nturns: [{face: 0, audio: hello.wav}]", {"options": '{"rate": 100}'}, "set per turn"),
        ("image: pair.png\nturns: [{face: 0, audio: hello.wav}]", {"text": "hi"}, "from the script; drop text"),
        ("image: pair.png\nturns: [}", {}, "not valid YAML/JSON"),
    ],
)
def test_a_broken_conversation_is_422_naming_the_turn(tmp_path, inputs, script, fields, message):
    files = {"pair.png": inputs["image"], "hello.wav": inputs["audio"]}
    with _studio(tmp_path) as client:
        response = _post_script(client, script, files, **fields)
        assert client.get("/api/jobs").json() == []
    assert response.status_code == 422 and message in response.json()["detail"], response.text
