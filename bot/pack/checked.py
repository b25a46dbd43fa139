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
import sys
from collections.abc import Iterable
from pathlib import Path

import babel

from .. import cachefile

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
    rows = cachefile.read_json(cache_dir / f"checks-{name}.json")
    if rows is None:
        return None
    try:
        return [(str(p), int(line), str(m), str(s)) for p, line, m, s in rows]
    except (TypeError, ValueError):
        return None  # not checked yet, or damaged: check again


def store(cache_dir: Path, name: str, found: Iterable[Found]) -> None:
    cachefile.write_json(cache_dir / f"checks-{name}.json", [list(row) for row in found], KEEP)
