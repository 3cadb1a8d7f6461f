"""The render keeps the BLAS libraries on one thread, and gives back their setting after."""

import numpy as np
import scipy.linalg  # noqa: F401 (loads scipy's own BLAS, as the head rig does)
from threadpoolctl import threadpool_info

from talkingphoto._threads import one_blas_thread


def _blas_threads() -> list:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_blas_thread_inside_and_the_old_setting_after():
    before = _blas_threads()
    assert before  # numpy's OpenBLAS at least
    with one_blas_thread():
        assert _blas_threads() == [1] * len(before)
        a = np.arange(16.0).reshape(4, 4)
        np.testing.assert_allclose(a @ np.eye(4), a)  # BLAS still works on the one thread
    assert _blas_threads() == before


def test_overlapping_renders_keep_one_thread_until_the_last_ends():
    before = _blas_threads()
    first, second = one_blas_thread(), one_blas_thread()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert _blas_threads() == [1] * len(before)  # the second render is still going
    second.__exit__(None, None, None)
    assert _blas_threads() == before
