"""Small, format-preserving edits to content files (comments, order and quoting kept)."""

from __future__ import annotations

import io
import os
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


# Where a new key goes in a language block: the order content/README.md shows.
BLOCK_ORDER = ("title", "reviewed", "translated_from", "answer", "examples", "keywords")


def _position(keys: Sequence[str], key: str, order: Sequence[str]) -> int:
    """Index for a new key: after every existing key that comes before it in order."""
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(key, len(order))
    pos = 0
    for i, existing in enumerate(keys):
        if rank.get(existing, len(order)) <= mine:
            pos = i + 1
    return pos


def _styled(old: object, value: object, block: bool) -> object:
    """The new value in the old value's scalar style, so quoting stays as editors wrote it."""
    if not isinstance(value, str):
        return value
    if block:  # answers are `|` block scalars: that is how editors read and diff them
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    if isinstance(old, ScalarString) and not isinstance(old, LiteralScalarString):
        return type(old)(value)
    return value


def _common_style(values: Sequence[object]) -> object:
    """One of the values in their most common scalar style (None when there are none)."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    kind = Counter(type(v) for v in present).most_common(1)[0][0]
    return next(v for v in present if type(v) is kind)


def _put(mapping: CommentedMap, key: str, value: object, order: Sequence[str]) -> None:
    if key in mapping:
        mapping[key] = value
    else:
        mapping.insert(_position(list(mapping), key, order), key, value)


def replace_file(path: Path, text: str) -> None:
    """Write aside, then rename: the live bot's watcher (which skips
    dot-files) never reads a half-written content file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    shutil.copymode(path, tmp)
    os.replace(tmp, path)


def _dump(yaml: YAML, data: object) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def edit_language_blocks(
    text: str, edits: Mapping[str, Mapping[str, object]], languages: Sequence[str]
) -> str:
    """A topic file's text with languages.<code>'s fields set for each code in
    `edits` (a block is created where missing, in the pack's language order)."""
    yaml = _yaml()
    data = yaml.load(text)
    langs = data["languages"]
    for code, fields in edits.items():
        block = langs.get(code)
        if not isinstance(block, CommentedMap):
            block = CommentedMap()
            _put(langs, code, block, languages)
        for key, value in fields.items():
            # A new key copies the quoting of the same key in the other
            # languages: the file stays uniform.
            others = [b.get(key) for c, b in langs.items() if c != code and isinstance(b, Mapping)]
            like = block[key] if key in block else _common_style(others)
            _put(block, key, _styled(like, value, key == "answer"), BLOCK_ORDER)
    return _dump(yaml, data)


def set_category_titles(
    text: str, code: str, titles: Mapping[str, str], languages: Sequence[str]
) -> str:
    """pack.yaml's text with menu[].title.<code> set for the given category ids."""
    yaml = _yaml()
    data = yaml.load(text)
    for category in data["menu"]:
        if category["id"] not in titles:
            continue
        local = category["title"]
        like = local[code] if code in local else _common_style(list(local.values()))
        _put(local, code, _styled(like, titles[category["id"]], False), languages)
    return _dump(yaml, data)
