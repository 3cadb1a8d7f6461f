"""Keeping the BLAS libraries' own threads out of a render.

numpy and scipy each bring an OpenBLAS that starts a thread per core and, after each call,
keeps them spinning for more. The engine's linear algebra is small (a Delaunay
interpolation and per-node gradients when a head is rigged, the mouth model's layers, the
per-triangle affines of each frame) and runs beside other work (the encoder, the stage,
other processes): on 2 cores the spinning threads only take turns away from it. Measured on
the project's 2-core machine while busy (load 8-10), building a 1080p master scene for 20 s
of speech took 6.1 s (median of 5, whole process) with one BLAS thread and 16.8 s without,
4.1 s of CPU instead of 11.2; rigging a face alone, 0.7-0.8 s instead of 1.7-13 s.
"""

import contextlib
import threading

__all__ = ["one_blas_thread"]

_lock = threading.Lock()
_holders = 0  # blocks inside one_blas_thread now, in any thread
_limits = None  # threadpoolctl's handle while any is


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with every loaded BLAS library on one thread.

    The setting is the process's, so renders that overlap in one process (the studio, batch
    threads) share it: the first block to start sets it, the last to end gives the libraries
    back their own.
    """
    global _holders, _limits
    from threadpoolctl import threadpool_limits

    with _lock:
        if _holders == 0:
            _limits = threadpool_limits(limits=1, user_api="blas")
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                _limits.restore_original_limits()
                _limits = None
