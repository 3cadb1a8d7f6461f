"""Giving freed memory back to the system (glibc's allocator; elsewhere these do nothing)."""

import ctypes
import functools

__all__ = ["release_free_memory", "limit_malloc_arenas"]

_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's <malloc.h>


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(None)  # this process's own symbols
        libc.malloc_trim, libc.mallopt  # noqa: B018 (both must exist: glibc)
    except (OSError, AttributeError):
        return None  # another C library (musl, macOS, Windows): nothing to ask
    return libc


def release_free_memory() -> None:
    """Ask the C allocator to hand freed memory back to the system (glibc ``malloc_trim``).

    glibc keeps large freed blocks (a decoded picture, a render's buffers) for reuse, so a
    server that once handled a 7000 px picture would otherwise stay that large while idle.
    Cheap (a few ms); call it after big work.
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def limit_malloc_arenas(n: int = 2) -> bool:
    """Let the threads of this process share ``n`` malloc arenas (glibc's default is 8 per core).

    Each arena keeps its own freed memory, fragmented between the long-lived allocations of
    whichever threads used it: a server whose worker, encoder and request threads each had
    their own kept 130-180 MB more after a big job than with two shared ones (measured by
    bench/bench_memory.py), and ``malloc_trim`` could not get it back. Call it at start-up,
    before the threads exist (arenas made earlier stay). Returns True when it took effect.
    """
    libc = _libc()
    return libc is not None and libc.mallopt(_M_ARENA_MAX, n) == 1
