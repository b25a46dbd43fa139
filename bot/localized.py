"""Babel's words for one pack (its review dates and language names), kept
between starts.

Babel's locale data for a pack's eleven languages is about 12 MB once loaded,
yet replies use only a few hundred of its strings: each topic's review date
and each language's name, in each of the pack's languages. They are formatted
once per pack and kept in the cache folder under a hash of what they depend
on (the dates, the languages, Babel's version), then put back into
`format_day`'s and `display_name`'s tables, so a start from the cache never
loads the locale data. A string not in the tables (another date) is still
formatted by Babel, as before. After formatting, Babel's own caches are
cleared: the process does not keep 12 MB for strings it already has.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import babel
import babel.localedata

from . import cachefile, languages
from .pack import answers
from .pack.model import Pack

VERSION = 1
KEEP = 8  # the strings of this many recent versions of the content

Days = list[tuple[str, str, str]]  # ISO day, language, as written
Names = list[tuple[str, str, str]]  # language, in which language ("" = its own), name


def _needed(pack: Pack) -> tuple[list[date], list[str]]:
    days = {
        block.reviewed
        for topic in pack.topics.values()
        for block in topic.blocks.values()
        if block.reviewed is not None
    }
    return sorted(days), list(pack.languages)


def _path(days: list[date], codes: list[str], cache_dir: Path) -> Path:
    digest = hashlib.sha256(f"{VERSION}\x1f{babel.__version__}\x1e".encode())
    digest.update("\x1f".join(codes).encode() + b"\x1e")
    digest.update("\x1f".join(d.isoformat() for d in days).encode())
    return cache_dir / f"localized-{digest.hexdigest()[:32]}.json"


def _format(days: list[date], codes: list[str]) -> tuple[Days, Names]:
    written = [(d.isoformat(), c, answers.format_day(d, c)) for d in days for c in codes]
    names = [(c, "", languages.display_name(c)) for c in codes]
    names += [(c, within, languages.display_name(c, within)) for c in codes for within in codes]
    return written, names


def _read(path: Path) -> tuple[Days, Names] | None:
    found = cachefile.read_json(path)
    if not isinstance(found, dict):
        return None
    rows = found.get("days"), found.get("names")
    if not all(
        isinstance(table, list)
        and all(
            isinstance(row, list) and len(row) == 3 and all(isinstance(s, str) for s in row)
            for row in table
        )
        for table in rows
    ):
        return None
    days, names = rows
    assert isinstance(days, list) and isinstance(names, list)
    return [(a, b, c) for a, b, c in days], [(a, b, c) for a, b, c in names]


def prepare(pack: Pack, cache_dir: Path | None) -> bool:
    """Fill the tables for `pack`, from the cache when it has them (True),
    else with Babel (then stored, and Babel's caches cleared)."""
    days, codes = _needed(pack)
    path = _path(days, codes, cache_dir) if cache_dir is not None else None
    found = _read(path) if path is not None else None
    if found is None:
        written, names = _format(days, codes)
        if path is not None:
            cachefile.write_json(path, {"days": written, "names": names}, KEEP)
        babel.localedata.clear_caches()
    else:
        written, names = found
    answers.remember_days((date.fromisoformat(d), c, text) for d, c, text in written)
    languages.remember_names((c, within or None, name) for c, within, name in names)
    return found is not None
