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

__all__ = ["one_blas_thread"]


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with every loaded BLAS library on the calling thread alone.

    The setting is the process's: concurrent renders in one process (the studio, batch
    threads) all want the same, and the last block to end restores what was there before.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
