"""The checks of unchanged content, remembered between loads.

Every load parses the content's files (the pack is built from them), then
checks what parsing cannot see: references, translations, answer lengths,
review dates. The checks are about half of a start with cached weights, and
their outcome depends only on the files' text, the day (a review date's age),
the folder the bot runs from (problems name files relative to it) and the
bot's own code. Under a hash of all of these, the problems found are kept in
the cache folder as JSON, so a restart or a reload of unchanged content skips
the checks and reports the same problems.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import babel

log = logging.getLogger(__name__)

VERSION = 1
KEEP = 8  # the checks of this many recent versions of the content
_BOT = Path(__file__).resolve().parent.parent

Found = tuple[str, int, str, str]  # path, line, message, severity


@functools.cache
def _code() -> bytes:
    """The bot's source (the checks and everything they call), and the
    versions of what they use: any change means checking again."""
    digest = hashlib.sha256(f"{VERSION}\x1f{sys.version}\x1f{babel.__version__}".encode())
    for path in sorted(_BOT.rglob("*.py")):
        digest.update(str(path.relative_to(_BOT)).encode() + b"\x1f")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.digest()


def key(texts: Iterable[bytes], context: Iterable[str]) -> str:
    """The hash of the files' texts (in load order) and the `context` (the
    day, the folders) the checks ran in."""
    digest = hashlib.sha256(_code())
    digest.update("\x1f".join(context).encode() + b"\x1e")
    for text in texts:
        digest.update(text)
        digest.update(b"\x1e")
    return digest.hexdigest()[:32]


def load(cache_dir: Path, name: str) -> list[Found] | None:
    path = cache_dir / f"checks-{name}.json"
    try:
        rows = json.loads(path.read_text("utf-8"))
        found = [(str(p), int(line), str(m), str(s)) for p, line, m, s in rows]
    except (OSError, ValueError, TypeError):
        return None  # not checked yet, or damaged: check again
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: pruning keeps the most recently used
    return found


def store(cache_dir: Path, name: str, found: Iterable[Found]) -> None:
    """Write-then-rename; a cache that cannot be written only costs the next
    load its checking time."""
    tmp: str | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".checks-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([list(row) for row in found], fh, ensure_ascii=False)
        os.replace(tmp, cache_dir / f"checks-{name}.json")
        tmp = None
        dated = []
        for old in cache_dir.glob("checks-*.json"):
            with contextlib.suppress(OSError):
                dated.append((old.stat().st_mtime, old))
        for _, old in sorted(dated, reverse=True)[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError as exc:
        log.warning("content checks not cached (%s): %s", cache_dir, exc.strerror or exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
