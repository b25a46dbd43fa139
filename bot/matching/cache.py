"""The matcher's derived arrays on disk, under a hash of what they derive from.

A restart with unchanged content loads the n-gram index, the word rows and
the linear weights in milliseconds instead of building them again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


CACHE_KEEP = 8  # derived arrays of this many recent packs (editors' versions, other cities)


def _prune(folder: Path) -> None:
    """Keep the most recently used arrays; another process may be pruning too."""
    dated = []
    for path in folder.glob("linear-*.npz"):
        with contextlib.suppress(OSError):
            dated.append((path.stat().st_mtime, path))
    for _, old in sorted(dated, reverse=True)[CACHE_KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def load_arrays(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # missing or damaged: build again
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: pruning keeps the most recently used
    return arrays


def store_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write-then-rename, so a reader never sees half a file; a cache that
    cannot be written only costs the next start its build time."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".linear-", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError as exc:
        log.warning("matcher cache not written (%s): %s", path.parent, exc.strerror or exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
