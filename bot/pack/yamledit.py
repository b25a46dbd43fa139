"""Small, format-preserving edits to topic files (comments and order kept)."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def set_translated_from(path: Path, versions: dict[str, str]) -> None:
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    langs = data["languages"]
    for code, version in versions.items():
        block = langs[code]
        if not isinstance(block, CommentedMap):
            continue
        if "translated_from" in block:
            block["translated_from"] = version
        else:
            # After `reviewed` when present: that is where editors expect it.
            keys = list(block.keys())
            pos = keys.index("reviewed") + 1 if "reviewed" in keys else 0
            block.insert(pos, "translated_from", version)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
