"""The matcher's derived arrays on disk, under a hash of what they derive from.

A restart with unchanged content loads the n-gram index, the word rows and
the linear weights in milliseconds instead of building them again.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .. import cachefile

CACHE_KEEP = 8  # derived arrays of this many recent packs (editors' versions, other cities)


def load_arrays(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # missing or damaged: build again
    cachefile.used(path)
    return arrays


def store_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """A reader never sees half a file; a cache that cannot be written only
    costs the next start its build time (`cachefile.write`)."""
    cachefile.write(path, lambda fh: np.savez(fh, **arrays), CACHE_KEEP)  # type: ignore[arg-type]
