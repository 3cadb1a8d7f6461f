import io

from talkingphoto.cli._progress import BatchProgress, ProgressBar


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_rate_and_eta_count_from_the_first_frame_not_from_start_up():
    clock, stream = Clock(), io.StringIO()
    bar = ProgressBar(stream=stream, clock=clock, live=True)
    clock.now += 30.0  # decoding and face detection before the first frame
    bar(1, 101)
    assert stream.getvalue().endswith("1/101 frames   0%   0.0/s ETA    ?s")  # rounded down
    clock.now += 2.0
    bar(51, 101)
    assert stream.getvalue().endswith("51/101 frames  50%  25.0/s ETA    2s")
    clock.now += 2.0
    bar(101, 101)
    assert stream.getvalue().endswith("101/101 frames 100%  25.0/s ETA    0s\n")


def test_disabled_bar_writes_nothing():
    stream = io.StringIO()
    ProgressBar(stream=stream, enabled=False)(5, 10)
    assert stream.getvalue() == ""


def test_a_bar_stopped_half_way_ends_its_line():
    stream = io.StringIO()
    with ProgressBar(stream=stream, live=True) as bar:
        bar(3, 10)
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\n") == 1
    finished = io.StringIO()
    with ProgressBar(stream=finished, live=True) as bar:
        bar(10, 10)
    assert finished.getvalue().count("\n") == 1  # a finished bar ends its line once


def test_a_log_gets_one_line_every_few_percent_and_no_carriage_returns():
    clock, stream = Clock(), io.StringIO()
    with ProgressBar(stream=stream, clock=clock) as bar:  # StringIO is no terminal
        for done in range(1, 1001):
            clock.now += 0.5  # slow enough that a terminal would be redrawn every frame
            bar(done, 1000)
    text = stream.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert len(lines) == 21  # 0%, 5%, ... 100%
    assert lines[1].startswith("[#") and " 50/1000 frames   5% " in lines[1]
    assert " 1000/1000 frames 100% " in lines[-1]


def test_batch_percent_never_runs_ahead_of_the_job_count():
    clock, stream = Clock(), io.StringIO()
    progress = BatchProgress(stream=stream, clock=clock, live=True)
    progress(0.998, 3, 4)  # the last job's frames are all done, but it has not finished yet
    assert stream.getvalue().startswith("\r[") and " 99% 3/4 jobs" in stream.getvalue()
    progress(1.0, 4, 4)
    assert stream.getvalue().endswith(" 100% 4/4 jobs    0.0s\n")
    assert "#" * 30 + "]" in stream.getvalue().splitlines()[-1]


def test_batch_in_a_log_writes_lines_at_percent_steps():
    stream = io.StringIO()
    progress = BatchProgress(stream=stream, clock=Clock())
    for k in range(101):
        progress(k / 100, k // 50, 2)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 21 and "\r" not in stream.getvalue()
    assert lines[10].startswith("[" + "#" * 15 + "-" * 15 + "]  50% 1/2 jobs")
