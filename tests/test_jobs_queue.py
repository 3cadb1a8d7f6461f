"""The persistent job store and its worker pool, driven by the fast fake renderer."""

import os
import shutil
import sqlite3
import threading
import time
import types

import pytest
from test_jobs_fakes import fake_render, slow_fake, write_png, write_wav

from talkingphoto.errors import OutputError
from talkingphoto.jobs import JobStore, WorkerPool, is_job_id


def _queue(store, *, text=None, image_bytes=None, seconds=0.5):
    job_id, folder = store.reserve()
    write_png(folder / "image.png")
    if image_bytes is not None:
        (folder / "image.png").write_bytes(image_bytes)
    spec = {"image": "image.png", "audio": None, "text": text, "options": {"mode": "standard"}}
    if text is None:
        write_wav(folder / "audio.wav", seconds=seconds)
        spec["audio"] = "audio.wav"
    store.submit(job_id, spec=spec, label="test")
    return job_id


def _wait(store, job_id, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = store.get(job_id)
        if predicate(record):
            return record
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} stuck at {store.get(job_id)}")


def _final(store, job_id):
    return _wait(store, job_id, lambda r: r.final)


def test_queued_job_survives_restart_and_runs(tmp_path):
    with JobStore(tmp_path) as store:
        job_id = _queue(store)
    with JobStore(tmp_path) as store, WorkerPool(store, renderer=fake_render):
        record = _final(store, job_id)
        assert record.status == "done", record.error
        assert record.progress == 1.0
        assert (store.folder(job_id) / "output.mp4").stat().st_size > 0


def test_job_running_at_crash_is_retried(tmp_path):
    with JobStore(tmp_path) as store:
        job_id = _queue(store)
        assert store.claim().id == job_id  # a worker took it, then the process died
    with JobStore(tmp_path) as store:
        record = store.get(job_id)
        assert record.status == "queued" and "interrupted" in record.error
        with WorkerPool(store, renderer=fake_render):
            record = _final(store, job_id)
    assert record.status == "done" and record.error is None and record.attempts == 2


def test_job_interrupted_too_often_fails_with_reason(tmp_path):
    with JobStore(tmp_path, max_attempts=2) as store:
        job_id = _queue(store)
        store.claim()
    for _ in range(2):
        with JobStore(tmp_path, max_attempts=2) as store:
            store.claim()
    with JobStore(tmp_path, max_attempts=2) as store:
        record = store.get(job_id)
    assert record.status == "failed"
    assert record.error == (
        "the server stopped or crashed while rendering this job (2 of 2 attempts); giving up"
    )


def test_graceful_stop_puts_running_job_back_without_counting(tmp_path):
    with JobStore(tmp_path) as store:
        job_id = _queue(store, seconds=3.0)
        pool = WorkerPool(store, renderer=slow_fake(0.05)).start()
        _wait(store, job_id, lambda r: r.status == "running")
        pool.stop()
        record = store.get(job_id)
        assert record.status == "queued" and record.attempts == 0
        assert sorted(os.listdir(store.folder(job_id))) == ["audio.wav", "image.png"]


def test_cancel_queued_job_never_runs(tmp_path):
    calls = []

    def renderer(job, **kw):
        calls.append(job)
        return fake_render(job, **kw)

    with JobStore(tmp_path) as store:
        job_id = _queue(store)
        pool = WorkerPool(store, renderer=renderer)
        assert pool.cancel(job_id)
        with pool:
            other = _queue(store)
            pool.notify()
            assert _final(store, other).status == "done"
        record = store.get(job_id)
    assert record.status == "cancelled" and record.error == "cancelled before it started"
    assert [job.image.parent.name for job in calls] == [other]


def test_cancel_running_job_stops_it_and_leaves_no_output(tmp_path):
    with JobStore(tmp_path) as store, WorkerPool(store, renderer=slow_fake(0.05)) as pool:
        job_id = _queue(store, seconds=5.0)
        _wait(store, job_id, lambda r: r.status == "running" and r.progress > 0)
        start = time.monotonic()
        assert pool.cancel(job_id)
        record = _final(store, job_id)
        assert time.monotonic() - start < 2.0
        assert record.status == "cancelled"
        assert 0 < record.progress < 1
        assert sorted(os.listdir(store.folder(job_id))) == ["audio.wav", "image.png"]
        assert not pool.cancel(job_id)  # already over


def test_delete_running_job_removes_record_and_files(tmp_path):
    with JobStore(tmp_path) as store, WorkerPool(store, renderer=slow_fake(0.05)) as pool:
        job_id = _queue(store, seconds=5.0)
        _wait(store, job_id, lambda r: r.status == "running")
        assert pool.delete(job_id)
        assert store.get(job_id) is None
        assert not store.folder(job_id).exists()
        assert not pool.delete(job_id)


def test_failed_render_keeps_the_one_line_reason(tmp_path):
    with JobStore(tmp_path) as store, WorkerPool(store, renderer=fake_render):
        job_id = _queue(store, image_bytes=b"GIF89a broken")
        record = _final(store, job_id)
    assert record.status == "failed"
    assert record.error == "cannot read image image.png"


def _noting(job, **kw):
    """fake_render returning a RenderResult-like answer with a note for the user."""
    return types.SimpleNamespace(output=fake_render(job, **kw), notes=("face 0's mouth looks covered",))


def test_a_finished_jobs_notes_are_kept(tmp_path):
    with JobStore(tmp_path) as store, WorkerPool(store, renderer=_noting):
        job_id = _queue(store)
        assert _final(store, job_id).notes == ("face 0's mouth looks covered",)
    with JobStore(tmp_path) as store:  # and read back after a restart
        assert store.get(job_id).notes == ("face 0's mouth looks covered",)


def test_a_job_folder_from_before_notes_opens(tmp_path):
    with JobStore(tmp_path) as store:
        job_id = _queue(store)
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        db.execute("ALTER TABLE jobs DROP COLUMN notes")
    with JobStore(tmp_path) as store, WorkerPool(store, renderer=_noting):
        record = _final(store, job_id)
    assert record.status == "done" and record.notes == ("face 0's mouth looks covered",)


def test_crashing_renderer_fails_the_job_but_not_the_worker(tmp_path):
    def renderer(job, **kw):
        if job.turns[0].text == "boom":
            raise RuntimeError("bug")
        return fake_render(job, **kw)

    with JobStore(tmp_path) as store, WorkerPool(store, renderer=renderer):
        bad = _queue(store, text="boom")
        assert _final(store, bad).error == "internal error: RuntimeError: bug"
        good = _queue(store, text="fine")
        assert _final(store, good).status == "done"


def test_two_workers_render_at_once(tmp_path):
    running = set()
    overlap = threading.Event()

    def renderer(job, **kw):
        running.add(job.image.parent.name)
        if len(running) == 2:
            overlap.set()
        overlap.wait(5)
        return fake_render(job, **kw)

    with JobStore(tmp_path) as store, WorkerPool(store, renderer=renderer, workers=2):
        ids = [_queue(store) for _ in range(2)]
        assert all(_final(store, job_id).status == "done" for job_id in ids)
    assert overlap.is_set()


def test_ids_are_unguessable(tmp_path):
    with JobStore(tmp_path) as store:
        ids = [store.reserve()[0] for _ in range(200)]
    assert len(set(ids)) == 200
    assert all(is_job_id(job_id) and len(job_id) == 22 for job_id in ids)
    # No shared prefix or counter: neighbours in sorted order agree on few leading characters.
    ordered = sorted(ids)
    shared = [len(os.path.commonprefix(pair)) for pair in zip(ordered, ordered[1:])]
    assert max(shared) <= 4
    assert not is_job_id("../../etc/passwd") and not is_job_id("1")


def test_unsubmitted_upload_is_swept_on_restart(tmp_path):
    with JobStore(tmp_path) as store:
        job_id, folder = store.reserve()
        write_png(folder / "image.png")
    with JobStore(tmp_path) as store:
        assert not folder.exists() and store.get(job_id) is None


def test_second_server_on_same_folder_is_refused(tmp_path):
    with JobStore(tmp_path):
        with pytest.raises(OutputError, match="in use by another talkingphoto server"):
            JobStore(tmp_path)
    shutil.rmtree(tmp_path / "jobs")
    JobStore(tmp_path).close()  # free again once the first one closed
