"""Hidden temporary files: a killed process's are swept by the next write to the same output,
a living writer's never are."""

import signal
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

from talkingphoto._atomic import atomic_output, hold_temporary, let_go, remove_held, sweep_leftovers
from talkingphoto.jobs import JobStore
from talkingphoto.media import VideoWriter

LEFTOVERS = [
    ".x.1a2b3c4d.partial.mp4",  # the encoder's, an atomic render's
    "..x.1a2b3c4d.partial.5e6f7a8b.partial.mp4",  # the encoder's inside an atomic render
    ".x.mp4.1a2b3c4d.probe",  # the writability probe's
]


def test_sweep_removes_only_abandoned_temporaries_of_that_output(tmp_path):
    keep = ["x.mp4", ".x.mp4.notes", ".xy.1a2b3c4d.partial.mp4", ".y.1a2b3c4d.partial.mp4", ".x.1a2b3c4d.partial.wav", "speech.wav"]
    for name in LEFTOVERS + keep:
        (tmp_path / name).write_bytes(b"data")
    held = tmp_path / ".x.99999999.partial.mp4"
    hold_temporary(held)  # a render still writing
    try:
        removed = sweep_leftovers(tmp_path / "x.mp4")
        assert sorted(p.name for p in removed) == sorted(LEFTOVERS)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep + [held.name])
    finally:
        let_go(held)
    assert [p.name for p in sweep_leftovers(tmp_path / "x.mp4")] == [held.name]  # its writer died


def test_a_killed_writers_temporary_is_swept_by_the_next_write(tmp_path):
    out = tmp_path / "x.mp4"
    script = textwrap.dedent(
        f"""
        import sys, time, numpy as np
        from talkingphoto.media import VideoWriter
        writer = VideoWriter({str(out)!r}, width=64, height=48, fps=25)
        writer.write(np.zeros((48, 64, 3), np.uint8))
        print("writing", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        (left,) = tmp_path.glob(".x.*.partial.mp4")
        with VideoWriter(out, width=64, height=48, fps=25) as writer:  # the writer is alive: kept
            writer.write(np.zeros((48, 64, 3), np.uint8))
        assert left.exists()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    with VideoWriter(out, width=64, height=48, fps=25) as writer:  # killed: swept
        writer.write(np.zeros((48, 64, 3), np.uint8))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.mp4"]


def test_a_living_writer_survives_a_second_writer_to_the_same_output(tmp_path):
    out = tmp_path / "x.mp4"
    first = VideoWriter(out, width=64, height=48, fps=25)
    first.write(np.zeros((48, 64, 3), np.uint8))
    with VideoWriter(out, width=64, height=48, fps=25) as second:
        second.write(np.zeros((48, 64, 3), np.uint8))
    first.write(np.zeros((48, 64, 3), np.uint8))
    first.close()  # its temporary was still there to rename
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.mp4"]


def test_small_atomic_outputs_sweep_their_leftovers_too(tmp_path):
    (tmp_path / ".cues.1a2b3c4d.partial.tsv").write_bytes(b"half")
    with atomic_output(tmp_path / "cues.tsv") as handle:
        handle.write(b"0.00\tX\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cues.tsv"]


def test_a_job_that_failed_for_good_keeps_no_partial_files(tmp_path):
    with JobStore(tmp_path, max_attempts=1) as store:
        job_id, folder = store.reserve()
        (folder / "image.png").write_bytes(b"x")
        store.submit(job_id, spec={"image": "image.png", "audio": None, "text": "hi", "options": {}})
        store.claim()  # a worker started it, then the server was killed mid-render:
        for name in (".output.1a2b3c4d.partial.mp4", "..output.1a2b3c4d.partial.5e6f7a8b.partial.mp4"):
            (folder / name).write_bytes(b"half a video")
    with JobStore(tmp_path, max_attempts=1) as store:
        assert store.get(job_id).status == "failed"  # no attempts left: it will never run again
        assert sorted(p.name for p in store.folder(job_id).iterdir()) == ["image.png"]


def test_a_writer_interrupted_while_starting_leaves_no_file(tmp_path, monkeypatch):
    from talkingphoto.media import _writer

    def interrupted(**kwargs):
        raise KeyboardInterrupt  # Ctrl-C after the encoder opened, before the writer was returned

    monkeypatch.setattr(_writer, "threading", types.SimpleNamespace(Thread=interrupted))
    with pytest.raises(KeyboardInterrupt):
        VideoWriter(tmp_path / "x.mp4", width=64, height=48, fps=25)
    assert list(tmp_path.iterdir()) == []


def test_remove_held_removes_this_process_temporaries_and_nothing_else(tmp_path):
    clash = tmp_path / ".x.1a2b3c4d.partial.mp4"
    clash.write_bytes(b"another writer's")
    with pytest.raises(FileExistsError):
        hold_temporary(clash)
    ours = tmp_path / ".x.99999999.partial.mp4"
    hold_temporary(ours)
    remove_held()
    assert [p.name for p in tmp_path.iterdir()] == [clash.name]
