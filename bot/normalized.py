"""The pack's own strings in normal form, kept between starts.

Normalising every phrasing (NFKC, folding, a dozen regular expressions) is
the largest part of a restart with unchanged content once the matcher's
arrays come from the cache. The normal forms of a pack's strings are kept in
the cache folder under a hash of the strings and of the normalising code, and
put back into `pack_normalize`'s cache before the pack is indexed. Only the
pack's own strings are kept: never a resident's message.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from . import cachefile
from . import normalize as _normalize
from .normalize import pack_normalize

KEEP = 8  # the normal forms of this many recent versions of the content
_SOURCE = Path(_normalize.__file__)


@functools.cache
def _code() -> bytes:
    """The normalising code, and the Unicode tables (Python's version)."""
    try:
        source = _SOURCE.read_bytes()
    except OSError:
        source = b""
    return hashlib.sha256(source + sys.version.encode()).digest()


def _path(texts: Sequence[str], cache_dir: Path) -> Path:
    digest = hashlib.sha256(_code())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\x1e")
    return cache_dir / f"normalized-{digest.hexdigest()[:32]}.json"


def recall(texts: Sequence[str], cache_dir: Path | None) -> bool:
    """Put the stored normal forms of `texts` into `pack_normalize`'s cache;
    False when there are none (then `keep` them once they are known)."""
    if cache_dir is None:
        return False
    found = cachefile.read_json(_path(texts, cache_dir))
    if not isinstance(found, list) or len(found) != len(texts):
        return False
    if not all(isinstance(text, str) for text in found):
        return False
    pack_normalize.remember(zip(texts, found, strict=True))
    return True


def keep(texts: Sequence[str], cache_dir: Path | None) -> None:
    if cache_dir is not None:
        forms = [pack_normalize(text) for text in texts]
        cachefile.write_json(_path(texts, cache_dir), forms, KEEP)
