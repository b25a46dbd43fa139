"""Small derived files in the cache folder (settings.cache_dir()): JSON read
whole and written whole, under a hash of what they derive from.

A file that is missing or damaged reads as None (derive it again); one that
cannot be written is only a warning (the next start derives it again).
Writes go to a temporary file renamed into place, so a reader never sees
half a file, and the `keep` most recently used files of a kind are kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger(__name__)


def read_json(path: Path) -> Any | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    used(path)
    return data


def used(path: Path) -> None:
    """Mark a file read: pruning keeps the most recently used."""
    with contextlib.suppress(OSError):
        os.utime(path)


def write_json(path: Path, data: Any, keep: int) -> None:
    """`path` is named `<kind>-<hash>.json`; older files of that kind beyond
    the `keep` most recent are removed."""
    write(path, lambda fh: fh.write(json.dumps(data, ensure_ascii=False).encode()), keep)


def write(path: Path, fill: Callable[[BinaryIO], object], keep: int) -> None:
    """`fill` writes the file `<kind>-<hash>.<suffix>`, into a temporary file
    renamed into place; then older files of that kind and suffix beyond the
    `keep` most recent are removed (another process may be pruning too)."""
    kind = path.name.split("-", 1)[0]
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=path.suffix)
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        os.replace(tmp, path)
        tmp = None
        dated = []
        for old in path.parent.glob(f"{kind}-*{path.suffix}"):
            with contextlib.suppress(OSError):
                dated.append((old.stat().st_mtime, old))
        for _, old in sorted(dated, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError as exc:
        log.warning("%s cache not written (%s): %s", kind, path.parent, exc.strerror or exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
