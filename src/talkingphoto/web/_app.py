"""The studio: a FastAPI app with one page, a JSON API and a persistent render queue."""

import asyncio
import base64
import io
import json
import re
import shutil
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import AudioError, MissingDependencyError, ParameterError, TalkingPhotoError
from ..jobs import OUTPUT_NAME, JobStore, WorkerPool
from ..media import IMAGE_FORMATS
from ..units import ANALYSIS_SR
from ._admission import QueueLimit, small_json
from ._guard import TOKEN_COOKIE, Guard
from ._uploads import UploadLimits, describe_content, sniff_audio, sniff_image

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
THUMBNAIL = "thumbnail.jpg"
_THUMBNAIL_SIZE = 240
# Options a request may set besides mode/face/voice; limits like max_audio_seconds stay the server's.
_CLIENT_OPTIONS = ("fps", "seed", "face_at", "mouth_cover", "max_size", "rate", "pitch", "crf")
_CLIENT_OPTIONS += ("motion", "blink_rate", "gaze", "expression", "expression_strength", "mouth")
_MAX_SCRIPT_CHARS = 100_000
_MAX_POINTS_CHARS = 4096
_EVENT_INTERVAL = 0.2  # seconds between progress checks of one event stream
_KEEPALIVE = 15.0  # seconds between comments that keep idle event streams open
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class JobCreated(BaseModel):
    id: str = Field(description="Job id: 22 random url-safe characters (128 bits)")
    status: str


class JobView(BaseModel):
    id: str
    status: str = Field(description="queued, running, done, failed or cancelled")
    progress: float = Field(description="0..1, share of frames rendered")
    error: str | None = Field(description="Why it failed or was cancelled (one line)")
    notes: list[str] = Field(description="Notices of a finished render (a mouth that looks covered, clicked eyes that will not blink), one line each")
    label: str = Field(description="The uploaded file names, for display")
    mode: str
    created: float = Field(description="Unix time")
    started: float | None
    finished: float | None
    attempts: int
    video: str | None = Field(description="Where the finished MP4 is, once status is done")
    thumbnail: str


class FaceView(BaseModel):
    index: int = Field(description="What 'face' selects, counted left to right")
    box: list = Field(description="[x, y, w, h] in picture pixels")
    confidence: float
    detector: str
    style: str
    mouth_covered: bool = Field(description="The mouth looks covered (a mask, a scarf): it stays shut unless mouth_cover says open")
    doubtful: bool = Field(
        description="Probably no face the mesh understands (an animal, a monster, a thing): the mouth may move in the"
        " wrong place; give points to place it"
    )
    speaks_by_default: bool = Field(description="The face that speaks when no 'face' is given")


class InspectView(BaseModel):
    width: int
    height: int
    faces: list[FaceView]
    overlay: str = Field(description="The picture with every face's mesh and number drawn, as a JPEG data URL")


def create_app(
    *, data_dir, workers: int = 1, token: str | None = None, renderer=None, limits=None, max_queued: int = 100
) -> FastAPI:
    """The studio app, serving jobs kept under ``data_dir``.

    Parameters
    ----------
    data_dir : path-like
        Where the job database and every job's inputs and output live; a restart with the
        same folder picks up where the last server stopped.
    workers : int
        Renders run at once (each keeps about one core busy).
    token : str, optional
        Access token every request must carry. Without one, only this machine is served.
    renderer : callable, optional
        ``renderer(job, *, progress, cancel)``, default ``pipeline.render_job``; tests pass a fake.
    limits : UploadLimits, optional
    max_queued : int
        Jobs that may wait in the queue; more are refused with 429 until some have started.
    """
    limits = limits or UploadLimits()
    data_dir = Path(data_dir)
    state = {}

    @asynccontextmanager
    async def lifespan(app):
        store = JobStore(data_dir)
        pool = WorkerPool(store, renderer=renderer, workers=workers).start()
        state.update(store=store, pool=pool, queue=QueueLimit(lambda: store.count("queued"), max_queued=max_queued))
        try:
            yield
        finally:
            await run_in_threadpool(pool.stop)
            store.close()

    app = FastAPI(
        title="talkingphoto studio",
        summary="Make a still picture talk: upload a picture and speech, get a lip-synced MP4.",
        version=_version(),
        lifespan=lifespan,
        # The stock viewers load their scripts from a CDN; the studio serves its own page.
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(Guard, token=token, max_body=limits.request_bytes)

    @app.exception_handler(TalkingPhotoError)
    async def talkingphoto_error(request, exc):
        status = 503 if isinstance(exc, MissingDependencyError) else 422
        return JSONResponse({"detail": _public(str(exc), data_dir)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request, exc):
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        return JSONResponse({"detail": "; ".join(problems)}, status_code=422)

    def record_or_404(job_id: str):
        record = state["store"].get(job_id)
        if record is None:
            raise HTTPException(404, f"no job {job_id!r}: it never existed or was deleted")
        return record

    # -- the page -----------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def page(request: Request):
        if "token" in request.query_params:
            # The guard has checked it: keep it in a cookie and drop it from the address bar.
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(
                TOKEN_COOKIE, request.query_params["token"], httponly=True, samesite="strict"
            )
            return response
        return FileResponse(STATIC / "index.html", headers=_PAGE_HEADERS)

    @app.get("/docs", include_in_schema=False)
    def api_reference():
        return FileResponse(STATIC / "docs.html", headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- jobs ---------------------------------------------------------------------------------

    @app.post("/api/jobs", status_code=201, response_model=JobCreated, summary="Queue a render")
    def create_job(
        image: UploadFile | None = File(None, description=f"The picture: {IMAGE_FORMATS} (not with script)"),
        audio: UploadFile | None = File(None, description="Speech or song (wav, mp3, m4a, ogg, opus, flac, webm)"),
        text: str | None = Form(None, description="Text to read aloud instead of audio"),
        voice: str | None = Form(None, description="Voice for text (see GET /api/voices)"),
        mode: str | None = Form(None, description="standard (mouth only), vivid (+ eyes, brows, head) or master (+ body, moving camera); default standard, or the script's"),
        face: int | None = Form(None, ge=0, description="Speaker, counted left to right (see POST /api/inspect)"),
        points: str | None = Form(
            None,
            description='Manual rig, JSON {"mouth_left": [x, y], "mouth_right": [x, y], "upper_lip": [x, y],'
            ' "lower_lip": [x, y], "chin": [x, y]} in picture pixels, for faces no detector finds',
        ),
        options: str | None = Form(None, description=f"JSON object of further options: {', '.join(_CLIENT_OPTIONS)}"),
        script: str | None = Form(
            None,
            description="A conversation instead of image/audio/text: the YAML or JSON the dialogue command reads;"
            " send every file it names (picture, recordings, points) as a 'files' part with that file name",
        ),
        files: list[UploadFile] = File([], description="The files a script names, matched by file name"),
    ):
        if audio is not None and not audio.filename and not audio.size:
            audio = None  # an empty file field, as browsers send for "no file chosen"
        text = text if text and text.strip() else None
        store = state["store"]
        with state["queue"].admit():
            job_id, folder = store.reserve()
            try:
                spec, label = _accept_request(
                    folder,
                    limits=limits,
                    image=image,
                    audio=audio,
                    text=text,
                    voice=voice or None,
                    mode=mode,
                    face=face,
                    points=points,
                    options=options,
                    script=script,
                    files=files,
                )
                store.submit(job_id, spec=spec, label=label)
            except BaseException:
                store.discard(job_id)
                raise
        state["pool"].notify()
        return {"id": job_id, "status": "queued"}

    @app.get("/api/jobs", response_model=list[JobView], summary="Past and current jobs, newest first")
    def list_jobs(limit: int = 50):
        return [_view(record, data_dir) for record in state["store"].list(limit=min(max(limit, 1), 500))]

    @app.get("/api/jobs/{job_id}", response_model=JobView, summary="One job's status and progress")
    def get_job(job_id: str):
        return _view(record_or_404(job_id), data_dir)

    @app.get(
        "/api/jobs/{job_id}/events",
        summary="Live status as server-sent events",
        description="A `text/event-stream` of JobView JSON objects, one whenever the status or progress "
        "changes; the stream ends when the job is done, failed or cancelled.",
        response_class=StreamingResponse,
    )
    async def job_events(job_id: str, request: Request):
        record_or_404(job_id)
        return StreamingResponse(
            _events(state["store"], job_id, request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.get(
        "/api/jobs/{job_id}/video",
        summary="The finished MP4",
        response_class=FileResponse,
        responses={409: {"description": "The job has not finished successfully"}},
    )
    def get_video(job_id: str, download: bool = False):
        record = record_or_404(job_id)
        if record.status != "done":
            raise HTTPException(409, f"job {job_id} has no video: it is {record.status}")
        return FileResponse(
            state["store"].folder(job_id) / OUTPUT_NAME,
            media_type="video/mp4",
            filename=f"talkingphoto-{job_id[:8]}.mp4",
            content_disposition_type="attachment" if download else "inline",
        )

    @app.get("/api/jobs/{job_id}/thumbnail", summary="A small JPEG of the job's picture", response_class=FileResponse)
    def get_thumbnail(job_id: str):
        record_or_404(job_id)
        return FileResponse(state["store"].folder(job_id) / THUMBNAIL, media_type="image/jpeg")

    # Files answer HEAD like GET (headers, no body): players and link checkers probe with it.
    app.add_api_route("/api/jobs/{job_id}/video", get_video, methods=["HEAD"], include_in_schema=False)
    app.add_api_route("/api/jobs/{job_id}/thumbnail", get_thumbnail, methods=["HEAD"], include_in_schema=False)

    @app.post("/api/jobs/{job_id}/cancel", response_model=JobView, summary="Stop a queued or running job")
    def cancel_job(job_id: str):
        record = record_or_404(job_id)
        if record.final:
            raise HTTPException(409, f"job {job_id} is already {record.status}")
        state["pool"].cancel(job_id)
        return _view(record_or_404(job_id), data_dir)

    @app.delete("/api/jobs/{job_id}", status_code=204, summary="Cancel if needed, then delete a job and its files")
    def delete_job(job_id: str):
        record_or_404(job_id)
        state["pool"].delete(job_id)
        return Response(status_code=204)

    # -- helpers for the page -----------------------------------------------------------------

    @app.get("/api/voices", summary="Built-in voices for text")
    def voices(lang: str | None = None):
        from ..voice import list_voices

        return [_voice_view(voice) for voice in list_voices(lang=lang)]

    @app.post("/api/inspect", response_model=InspectView, summary="Find the characters in a picture")
    def inspect(image: UploadFile = File(description=f"The picture: {IMAGE_FORMATS}")):
        from ..characters import DETECT_SIDE, choose_face, doubtful_faces, draw_overlay, find_faces
        from ..media import load_picture
        from ..render._mouth_reading import looks_covered

        data = _read_image_upload(image, limits=limits)
        # Faces are found at the size a render looks for them; boxes go back in picture pixels.
        picture = load_picture(data, reduce_to=DETECT_SIDE)
        del data
        found = find_faces(picture.image)
        covered = [looks_covered(picture.image, f) for f in found]
        doubtful = doubtful_faces(picture.image, found)
        faces = found if picture.scale == 1 else [f.scaled(1 / picture.scale) for f in found]
        width, height = picture.source_size
        speaker = choose_face(faces).index if faces else None
        return {
            "width": width,
            "height": height,
            "faces": [
                {
                    "index": f.index,
                    "box": list(f.box),
                    "confidence": f.confidence,
                    "detector": f.detector,
                    "style": f.style,
                    "mouth_covered": shut,
                    "doubtful": f.index in doubtful,
                    "speaks_by_default": f.index == speaker,
                }
                for f, shut in zip(faces, covered)
            ],
            "overlay": _jpeg_data_url(draw_overlay(picture.image, found)),
        }

    @app.get("/api/config", summary="Modes and upload limits, for the page")
    def config():
        from ..job import MODES

        return {
            "modes": list(MODES),
            "limits": {
                "image_bytes": limits.image_bytes,
                "audio_bytes": limits.audio_bytes,
                "text_chars": limits.text_chars,
                "audio_seconds": limits.audio_seconds,
            },
        }

    return app


def _version() -> str:
    from .. import __version__

    return __version__


def _public(message: str, data_dir: Path) -> str:
    """``message`` without the server's own folders: "<data dir>/jobs/<id>/image.jpg" ->
    "image.jpg" (error messages name the files they could not read)."""
    for root in {str(data_dir / "jobs"), str(data_dir.resolve() / "jobs")}:
        message = re.sub(re.escape(root) + r"[/\\][A-Za-z0-9_-]+[/\\]", "", message)
    return message


def _view(record, data_dir: Path) -> dict:
    return {
        "id": record.id,
        "status": record.status,
        "progress": record.progress,
        "error": None if record.error is None else _public(record.error, data_dir),
        "notes": list(record.notes),
        "label": record.label,
        "mode": (record.spec.get("options") or {}).get("mode", "standard"),
        "created": record.created,
        "started": record.started,
        "finished": record.finished,
        "attempts": record.attempts,
        "video": f"/api/jobs/{record.id}/video" if record.status == "done" else None,
        "thumbnail": f"/api/jobs/{record.id}/thumbnail",
    }


def _voice_view(voice) -> dict:
    return {
        "name": voice.name,
        "language": voice.language,
        "engine": voice.engine,
        "gender": voice.gender,
        "sample_rate": voice.sample_rate,
        "title": getattr(voice, "title", ""),
    }


async def _events(store, job_id: str, request: Request):
    """Yield a JobView as an SSE ``data:`` line whenever it changes, until the job is over."""
    last, quiet_since = None, time.monotonic()
    while True:
        record = store.get(job_id)
        if record is None:
            yield 'event: deleted\ndata: {"status": "deleted"}\n\n'
            return
        view = json.dumps(_view(record, store.data_dir))
        if view != last:
            yield f"data: {view}\n\n"
            last, quiet_since = view, time.monotonic()
        elif time.monotonic() - quiet_since > _KEEPALIVE:
            yield ": still working\n\n"
            quiet_since = time.monotonic()
        if record.final or await request.is_disconnected():
            return
        await asyncio.sleep(_EVENT_INTERVAL)


# -- accepting an upload ----------------------------------------------------------------------


def _size_of(upload: UploadFile) -> int:
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _read_image_upload(upload: UploadFile, *, limits) -> bytes:
    size = _size_of(upload)
    if size > limits.image_bytes:
        raise HTTPException(413, f"the picture is {_mb(size)}; the limit is {_mb(limits.image_bytes)}")
    data = upload.file.read()
    if sniff_image(data[:16]) is None:
        raise HTTPException(
            415, f"the picture must be a {IMAGE_FORMATS} image; {_name(upload)} looks like {describe_content(data[:64])}"
        )
    return data


def _accept_request(folder: Path, *, limits, image, audio, text, voice, mode, face, points, options, script, files):
    """A conversation (``script`` and its ``files``) or a single speaker's job, checked and
    written into ``folder``; returns ``(spec, label)``."""
    if script is None:
        if image is None:
            raise ParameterError("give a picture (image), or a conversation (script and its files)")
        return _accept(folder, limits=limits, image=image, audio=audio, text=text, voice=voice, mode=mode or "standard",
                       face=face, points=points, options=options)  # fmt: skip
    given = [name for name, value in (("image", image), ("audio", audio), ("text", text), ("voice", voice),
                                      ("face", face), ("points", points)) if value]  # fmt: skip
    if given:
        raise ParameterError(f"a conversation takes its picture, speech and speakers from the script; drop {', '.join(given)}")
    return _accept_script(folder, limits=limits, script=script, files=files, mode=mode, options=options)


def _accept(folder: Path, *, limits, image, audio, text, voice, mode, face, points, options) -> tuple:
    """Check every input of a single speaker's job and write it into ``folder``; returns
    ``(spec, label)``.

    Raises HTTPException (413 too large, 415 wrong kind of file) or TalkingPhotoError (422:
    the content is broken or an option is wrong), each with a message for the page.
    """
    from ..job import Job

    if audio is not None and text is not None:
        raise ParameterError("give a recording or a text to read, not both")
    if audio is None and text is None:
        raise ParameterError("give a recording (audio) or a text to read")
    data = _read_image_upload(image, limits=limits)
    image_name, shape = _store_image(data, folder)
    label = _name(image)
    chosen = {**_client_options(options), "mode": mode, "face": face, "voice": voice}
    if audio is not None:
        audio_name = _store_audio(audio, folder, stem="audio", limits=limits)
        label += f" + {_name(audio)}"
    else:
        audio_name = None
        _check_text(text, limits=limits)
        label += f' + "{_shorten(text, 40)}"'
    if points:
        _write_points(points, folder / "points.json", image_shape=shape)
        chosen["points"] = "points.json"
    # Build the job now so a bad option is refused here, by the same rules as the CLI.
    job = Job.single(image_name, OUTPUT_NAME, audio=audio_name, text=text, **_server_limits(chosen, limits))
    _check_voices(job)
    return job.to_dict(), _shorten(label, 120)


def _accept_script(folder: Path, *, limits, script: str, files: list, mode, options) -> tuple:
    """Check a conversation (a dialogue script and the files it names) and write it into
    ``folder``; returns ``(spec, label)``. Errors name the turn they were found in."""
    from ..dialogue import parse_script, read_script, script_job

    if len(script) > _MAX_SCRIPT_CHARS:
        raise HTTPException(413, f"the script has {len(script)} characters; the limit is {_MAX_SCRIPT_CHARS}")
    uploads = {}
    for upload in files:
        name = Path(upload.filename or "").name
        if not name:
            raise ParameterError("every 'files' part needs a file name: the script refers to files by name")
        uploads[name] = upload
    stored, counts = {}, {"image": 0, "audio": 0, "points": 0}
    shape = None

    def resolve(kind: str, name: str, where: str) -> Path:
        nonlocal shape
        key = (kind, Path(name).name)
        if key not in stored:
            upload = uploads.get(key[1])
            if upload is None:
                sent = ", ".join(sorted(uploads)) or "none"
                raise ParameterError(f"{where}: no file named {key[1]!r} was sent (files sent: {sent})")
            counts[kind] += 1
            if kind == "image":
                stored[key], shape = _store_image(_read_image_upload(upload, limits=limits), folder)
            elif kind == "audio":
                try:
                    stored[key] = _store_audio(upload, folder, stem=f"audio{counts[kind]}", limits=limits)
                except AudioError as exc:
                    raise AudioError(f"{where}: {exc}") from exc
            else:
                text = upload.file.read(_MAX_POINTS_CHARS + 1).decode("utf-8", errors="replace")
                stored[key] = f"points{counts[kind]}.json"
                _write_points(text, folder / stored[key], image_shape=shape)
        return Path(stored[key])

    image, turns, script_mode = parse_script(read_script(script, name="script"), name="script", resolve=resolve)
    for number, turn in enumerate(turns, start=1):
        if turn.text is not None:
            try:
                _check_text(turn.text, limits=limits)
            except HTTPException as exc:
                raise HTTPException(exc.status_code, f"turn {number}: {exc.detail}") from None
    chosen = _server_limits(_client_options(options), limits)
    job = script_job(image, turns, output=OUTPUT_NAME, mode=mode or script_mode, **chosen)
    _check_voices(job)
    n = len(job.speeches)
    return job.to_dict(), _shorten(f"conversation: {len(uploads)} files, {n} turn{'s' if n > 1 else ''}", 120)


def _server_limits(chosen: dict, limits) -> dict:
    """The client's options with the server's limits, which a request may not raise."""
    return {**chosen, "max_audio_seconds": limits.audio_seconds, "max_text_chars": limits.text_chars}


def _store_image(data: bytes, folder: Path) -> tuple:
    """Write a checked picture upload into ``folder`` with its thumbnail; returns its file
    name and the shape of its pixels (upright, as the render sees them)."""
    from ..media import load_picture

    name = "image" + sniff_image(data[:16])
    (folder / name).write_bytes(data)
    # Decoded only as large as the thumbnail needs (which also proves the file decodes).
    picture = load_picture(folder / name, reduce_to=2 * _THUMBNAIL_SIZE)
    _write_thumbnail(picture.image, folder / THUMBNAIL)
    width, height = picture.source_size
    return name, (height, width, 3)


def _store_audio(upload: UploadFile, folder: Path, *, stem: str, limits) -> str:
    """Check a recording upload (size, kind, decodes, duration), write it into ``folder``
    as ``stem`` + its kind's suffix; returns the file name."""
    from ..media import load_audio

    size = _size_of(upload)
    if size > limits.audio_bytes:
        raise HTTPException(413, f"the audio {_name(upload)} is {_mb(size)}; the limit is {_mb(limits.audio_bytes)}")
    head = upload.file.read(64)
    suffix = sniff_audio(head)
    if suffix is None:
        raise HTTPException(
            415,
            f"the audio must be a recording (wav, mp3, m4a, ogg, opus, flac, webm); "
            f"{_name(upload)} looks like {describe_content(head)}",
        )
    upload.file.seek(0)
    name = stem + suffix
    with open(folder / name, "wb") as out:
        shutil.copyfileobj(upload.file, out)
    try:
        load_audio(folder / name, sr=ANALYSIS_SR, mono=True, max_seconds=limits.audio_seconds)
    except AudioError as exc:
        # The message names the stored copy; the client knows the file by its own name.
        raise AudioError(str(exc).replace(name, _name(upload))) from exc
    return name


def _check_text(text: str, *, limits) -> None:
    if len(text) > limits.text_chars:
        raise HTTPException(413, f"the text has {len(text)} characters; the limit is {limits.text_chars}")


def _check_voices(job) -> None:
    """Every voice a text turn asks for exists (the worker would fail on it later)."""
    from ..voice import find_voice

    for turn in job.speeches:
        if turn.text is not None and turn.voice.voice is not None:
            find_voice(turn.voice.voice)


def _client_options(text: str | None) -> dict:
    if not text:
        return {}
    chosen = small_json(text, name="options")
    if not isinstance(chosen, dict):
        raise ParameterError("options must be a JSON object such as {\"fps\": 25}")
    unknown = sorted(set(chosen) - set(_CLIENT_OPTIONS))
    if unknown:
        raise ParameterError(f"unknown option(s) {', '.join(unknown)}; allowed: {', '.join(_CLIENT_OPTIONS)}")
    return chosen


def _write_points(text: str, path: Path, *, image_shape) -> None:
    from ..characters import validate_points

    chosen = small_json(text, name="points")
    validate_points(chosen, image_shape=image_shape, source="points")
    path.write_text(json.dumps(chosen))


def _write_thumbnail(pixels, path: Path) -> None:
    from PIL import Image

    picture = Image.fromarray(pixels)
    picture.thumbnail((_THUMBNAIL_SIZE, _THUMBNAIL_SIZE))
    picture.save(path, "JPEG", quality=85)


def _jpeg_data_url(pixels) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _name(upload: UploadFile) -> str:
    """The client's file name, for messages and labels only (never a path here)."""
    return _shorten(Path(upload.filename or "the upload").name, 60) or "the upload"


def _shorten(text: str, n: int) -> str:
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"
