"""Large temporaries go back to the operating system as soon as they are freed.

glibc serves a request above its mmap threshold with a fresh mapping, which
free() returns at once; but the threshold rises to the size of any such block
freed, so after the first large numpy temporary every later one comes from the
heap, and a content load leaves tens of MB of freed heap the process keeps
(the matcher's index build: about 40 MB on a large pack). A fixed threshold
keeps large blocks in mappings; the arrays of a reply stay well below it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
THRESHOLD = 1 << 20


@functools.cache
def fix_mmap_threshold() -> bool:
    """Once per process; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(_M_MMAP_THRESHOLD, THRESHOLD))
    if not done:
        log.debug("mallopt(M_MMAP_THRESHOLD) refused")
    return done


@functools.cache
def _trimmer() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def trim() -> bool:
    """Hand the heap's free pages back to the operating system.

    Small blocks (below the threshold above) come from the heap, and a
    build that makes many of them (the linear view's training: thousands of
    batch arrays) leaves tens of MB of free heap between the blocks still
    in use, which free() alone never returns. False where the C library is
    not glibc."""
    call = _trimmer()
    return bool(call(0)) if call is not None else False
