import io

from talkingphoto.cli._progress import ProgressBar


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_rate_and_eta_count_from_the_first_frame_not_from_start_up():
    clock, stream = Clock(), io.StringIO()
    bar = ProgressBar(stream=stream, clock=clock)
    clock.now += 30.0  # decoding and face detection before the first frame
    bar(1, 101)
    assert stream.getvalue().endswith("1/101 frames   1%   0.0/s ETA    ?s")
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
    with ProgressBar(stream=stream) as bar:
        bar(3, 10)
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\n") == 1
    finished = io.StringIO()
    with ProgressBar(stream=finished) as bar:
        bar(10, 10)
    assert finished.getvalue().count("\n") == 1  # a finished bar ends its line once
