"""Many renders from one manifest, resumable: a finished output is never rendered twice."""

import csv
import hashlib
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..errors import Cancelled, ParameterError, TalkingPhotoError
from ._render import default_renderer, render_atomically, render_notes

__all__ = ["BatchItem", "BatchResult", "read_manifest", "run_batch"]

log = logging.getLogger(__name__)

_MAX_PROBLEMS = 5  # problems named in one manifest error message



@dataclass(frozen=True)
class BatchItem:
    """One manifest entry: ``line`` is its line number in the manifest file (1-based)."""

    line: int
    job: object  # pipeline.Job with absolute paths


@dataclass(frozen=True)
class BatchResult:
    """How one item ended: ``status`` is ``done``, ``skipped`` (output already there),
    ``failed`` (``error`` says why) or ``cancelled``; ``notes`` are the render's notices
    for its user (a mouth that looks covered, clicked eyes that will not blink), one line each."""

    item: BatchItem
    status: str
    seconds: float = 0.0
    error: str | None = None
    notes: tuple = ()


def read_manifest(path, *, out_dir) -> list:
    """Read a ``.jsonl`` or ``.csv`` manifest into jobs writing into ``out_dir``.

    Each entry has ``image`` and either ``audio`` or ``text`` (usually with ``voice``), or a
    dialogue ``script`` instead of all three; optionally ``out`` (a file name inside
    ``out_dir``) and any job option by its flat name (``mode``, ``face``, ``fps``, ...; see
    ``talkingphoto.job.OPTION_NAMES``). Paths are relative to the manifest's folder.
    Every problem that can be seen without rendering (missing files, unknown columns, two
    entries writing the same output) is found up front and reported together, so a long
    batch does not stop halfway on a typo.

    Returns
    -------
    list of BatchItem
    """
    path = Path(path)
    out_dir = Path(out_dir)
    if not path.is_file():
        raise ParameterError(f"manifest {path} not found")
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        entries = _read_jsonl(path)
    elif suffix == ".csv":
        entries = _read_csv(path)
    else:
        raise ParameterError(f"manifest {path} must end in .jsonl or .csv, got {suffix or 'no suffix'!r}")
    if not entries:
        raise ParameterError(f"manifest {path} has no entries")
    items, problems, outputs = [], [], {}
    for line, entry in entries:
        try:
            item = _item(entry, line=line, base=path.parent, out_dir=out_dir)
        except (TalkingPhotoError, ValueError, TypeError) as exc:
            problems.append(f"line {line}: {exc}")
            continue
        first = outputs.setdefault(item.job.output, line)
        if first != line:
            problems.append(f"line {line}: writes {item.job.output.name} like line {first}; give it its own 'out'")
        items.append(item)
    if problems:
        more = f" (and {len(problems) - _MAX_PROBLEMS} more)" if len(problems) > _MAX_PROBLEMS else ""
        raise ParameterError(f"manifest {path}: " + "; ".join(problems[:_MAX_PROBLEMS]) + more)
    return items


def _read_jsonl(path: Path) -> list:
    entries = []
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            entry = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"manifest {path}: line {line} is not JSON ({exc.msg})") from exc
        if not isinstance(entry, dict):
            raise ParameterError(f"manifest {path}: line {line} must be a JSON object")
        entries.append((line, entry))
    return entries


def _read_csv(path: Path) -> list:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "image" not in reader.fieldnames:
            raise ParameterError(f"manifest {path}: the first row must name the columns, including 'image'")
        entries = []
        for row in reader:
            if None in row:
                raise ParameterError(f"manifest {path}: line {reader.line_num} has more cells than columns")
            cells = {key.strip(): value.strip() for key, value in row.items() if value and value.strip()}
            if cells:
                entries.append((reader.line_num, cells))
    return entries


def _item(entry: dict, *, line: int, base: Path, out_dir: Path) -> BatchItem:
    from ..dialogue import load_script
    from ..job import OPTION_NAMES, Job, read_options

    entry = {key: value for key, value in entry.items() if value is not None and value != ""}
    unknown = sorted(set(entry) - {"image", "audio", "text", "script", "out"} - set(OPTION_NAMES))
    if unknown:
        raise ParameterError(f"unknown column(s) {', '.join(unknown)}")
    options = read_options({key: entry[key] for key in OPTION_NAMES if key in entry}, text=True)
    if "points" in options:
        options["points"] = _input_path(options["points"], base=base, name="points")
    if "script" in entry:
        given = sorted({"image", "audio", "text"} & set(entry))
        if given:
            raise ParameterError(f"a line with 'script' takes its picture and speech from the script; drop {', '.join(given)}")
        script = _input_path(entry["script"], base=base, name="script")
        name = _output_name(entry["out"]) if "out" in entry else _default_name(script, None, None, options)
        job = load_script(script, output=out_dir / name, **options)
        for path in job.inputs():
            if not path.is_file():
                raise ParameterError(f"{path.name!r}, named in {script.name}, not found (paths are relative to the script)")
        return BatchItem(line=line, job=job)
    if "image" not in entry:
        raise ParameterError("'image' (or 'script') is missing")
    image = _input_path(entry["image"], base=base, name="image")
    audio = _input_path(entry["audio"], base=base, name="audio") if "audio" in entry else None
    text = str(entry["text"]) if "text" in entry else None
    name = _output_name(entry["out"]) if "out" in entry else _default_name(image, audio, text, options)
    return BatchItem(line=line, job=Job.single(image, out_dir / name, audio=audio, text=text, **options))


def _input_path(value, *, base: Path, name: str) -> Path:
    path = (base / Path(str(value)).expanduser()).resolve()
    if not path.is_file():
        raise ParameterError(f"{name} {value!r} not found (paths are relative to the manifest)")
    return path


def _output_name(value) -> str:
    name = str(value)
    if Path(name).name != name or name in ("", ".", "..") or name.startswith("."):
        raise ParameterError(f"'out' must be a plain file name inside --out-dir, got {name!r}")
    return name if Path(name).suffix else f"{name}.mp4"


def _default_name(source: Path, audio, text, options: dict) -> str:
    """``<image>_<audio>[_<mode>][_motion<S>][_face<N>][_mouth<COVER>].mp4``
    (``<script>[_<mode>]...`` for a dialogue); text is named by voice and a short hash. The
    motion strength and mouth cover are named when not the default, so lines comparing
    them do not share a file."""
    parts = [source.stem]
    if audio is not None:
        parts.append(audio.stem)
    elif text is not None:
        digest = hashlib.sha1(f"{options.get('voice')}\n{text}".encode()).hexdigest()[:8]
        parts.append(f"{options.get('voice') or 'voice'}-{digest}")
    if options.get("mode", "standard") != "standard":
        parts.append(str(options["mode"]))
    if options.get("motion", 1.0) != 1.0:
        parts.append(f"motion{options['motion']:g}")
    if options.get("face") is not None:
        parts.append(f"face{options['face']}")
    if options.get("mouth_cover", "auto") != "auto":
        parts.append(f"mouth{options['mouth_cover']}")
    return "_".join(parts) + ".mp4"


def run_batch(items, *, workers: int = 1, renderer=None, on_progress=None, cancel=None) -> list:
    """Render every item whose output does not exist yet, ``workers`` at a time.

    Parameters
    ----------
    items : list of BatchItem
    renderer : callable, optional
        Contract of ``pipeline.render_job``; defaults to it.
    on_progress : callable, optional
        ``on_progress(fraction, finished, total)``, fraction 0..1 over the whole batch, called
        from worker threads.
    cancel : threading.Event, optional
        Set it to stop: running renders are cancelled, the rest is not started.

    Returns
    -------
    list of BatchResult, in manifest order. Failures are results, not exceptions, so one bad
    job never stops the others.
    """
    if workers < 1:
        raise ParameterError(f"workers must be at least 1, got {workers}")
    renderer = renderer or default_renderer()
    cancel = cancel or threading.Event()
    results = [None] * len(items)
    fractions = [0.0] * len(items)
    lock = threading.Lock()
    todo = []
    for index, item in enumerate(items):
        if item.job.output.exists():
            results[index] = BatchResult(item, "skipped")
            fractions[index] = 1.0
        else:
            todo.append(index)

    def report():
        if on_progress is not None:
            with lock:
                finished = sum(result is not None for result in results)
                on_progress(sum(fractions) / max(len(items), 1), finished, len(items))

    def render(index):
        item = items[index]
        if cancel.is_set():
            return BatchResult(item, "cancelled")

        def progress(done, total):
            if total > 0:
                fractions[index] = done / total
                report()

        start = time.monotonic()
        try:
            result = render_atomically(renderer, item.job, progress=progress, cancel=cancel)
        except Cancelled:
            return BatchResult(item, "cancelled", time.monotonic() - start)
        except TalkingPhotoError as exc:
            return BatchResult(item, "failed", time.monotonic() - start, str(exc))
        except Exception as exc:  # one broken job must not stop the batch
            log.exception("line %d crashed", item.line)
            return BatchResult(item, "failed", time.monotonic() - start, f"internal error: {type(exc).__name__}: {exc}")
        return BatchResult(item, "done", time.monotonic() - start, notes=render_notes(result))

    report()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="talkingphoto-batch") as pool:
        futures = {pool.submit(render, index): index for index in todo}
        try:
            for future in as_completed(futures):
                index = futures[future]
                with lock:
                    results[index] = future.result()
                    fractions[index] = 1.0
                report()
        except BaseException:
            cancel.set()  # Ctrl-C: stop the renders in flight before the pool waits for them
            raise
    return results
