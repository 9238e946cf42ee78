"""Give a worker's memory back between documents (peak RSS per worker, issue 3).

Two things keep memory after a document is done: the OCR networks' intermediate
buffers (OpenVINO keeps those of the largest input seen) and glibc's heap, which
keeps freed blocks for reuse instead of returning them to the system. Neither
changes what is read; both are given back here once per document, in the worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache
from typing import Any

log = logging.getLogger("marriage_archive.ingest")


@cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


def trim_heap() -> bool:
    """Return the heap's free memory to the system; True when glibc did it."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))


def release_engine_memory(*engines: object) -> None:
    """Drop each engine's intermediate buffers (engines without any: nothing), then
    trim the heap. Models stay loaded; later readings are unchanged."""
    for engine in engines:
        release = getattr(engine, "release_memory", None)
        if release is not None:
            release()
    trim_heap()
