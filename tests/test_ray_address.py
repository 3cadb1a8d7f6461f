"""A Ray address nobody answers at (kept apart from the tests that start a local Ray in
this process: once connected, an address is ignored)."""

import socket
import time

import pytest

from talkingphoto.errors import ParameterError
from talkingphoto.jobs import run_batch_on_ray

pytest.importorskip("ray")


def test_an_address_nobody_answers_at_fails_at_once():
    with socket.socket() as probe:  # a free port on this machine, closed again: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ParameterError, match=f"cannot reach a Ray cluster at '127.0.0.1:{port}'"):
        run_batch_on_ray([], address=f"127.0.0.1:{port}")
    assert time.monotonic() - start < 10
