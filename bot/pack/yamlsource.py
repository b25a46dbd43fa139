"""YAML that remembers where each value came from.

Editors fix problems by line number, so every value's line is kept in a map
keyed by its path (("languages", "en", "answer") -> 12).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

# libyaml's parser is ~10x faster; the pure-Python one is the same API.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Located:
    """A parsed YAML document plus the line of every value in it."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    digest: bytes = b""  # of the text read: the same digest, the same document

    def line(self, key: PathKey) -> int:
        """The line of the value at key, or of its nearest parent that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


def load(path: Path) -> Located:
    """Parse one YAML file; syntax errors become located errors, never exceptions."""
    doc = Located(path, None)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        doc.errors.append((1, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return doc
    except OSError as exc:
        doc.errors.append((1, f"cannot read: {exc.strerror}"))
        return doc
    doc.digest = hashlib.sha256(text.encode("utf-8")).digest()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.errors.append((1, "the file is empty"))
            return doc
        doc.data = _build(loader, node, (), doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        doc.errors.append((line, f"YAML syntax: {exc.problem or exc.context}"))
    except yaml.YAMLError as exc:
        doc.errors.append((1, f"YAML: {exc}"))
    finally:
        loader.dispose()
    return doc


def _build(
    loader: Any, node: yaml.Node, key: PathKey, doc: Located, line: int | None = None
) -> Any:
    # A mapping entry is reported at its key's line: that is where editors look.
    doc.lines[key] = line or node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for k_node, v_node in node.value:
            k = k_node.value if isinstance(k_node, yaml.ScalarNode) else str(k_node)
            k = str(k)
            if k in out:
                doc.errors.append((k_node.start_mark.line + 1, f"duplicate key {k!r}"))
            out[k] = _build(loader, v_node, (*key, k), doc, k_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*key, i), doc) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError) as exc:
        doc.errors.append((node.start_mark.line + 1, f"bad value {node.value!r}: {exc}"))
        return node.value
