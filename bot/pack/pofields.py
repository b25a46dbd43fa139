"""What a content PO file holds: one entry per translatable field, keyed by msgctxt.

msgctxt names the field ("<topic-id>:title", "<topic-id>:answer",
"category:<id>:title") and stays stable while texts change; msgid is the
default-language text, so an import can tell whether a translation was made
from the text that is current now. Examples and keywords are written per
language, not translated, so they are not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Pack

Kind = Literal["topic", "category"]
FieldName = Literal["title", "answer"]


@dataclass(frozen=True)
class Target:
    """One translatable field: a topic's title or answer, or a menu category's title."""

    kind: Kind
    id: str
    field: FieldName

    @property
    def context(self) -> str:
        if self.kind == "category":
            return f"category:{self.id}:{self.field}"
        return f"{self.id}:{self.field}"


def parse_context(context: str | None) -> Target | None:
    """The field a msgctxt names, or None when it is not one we write."""
    parts = (context or "").split(":")
    if len(parts) == 3 and parts[0] == "category" and parts[2] == "title":
        return Target("category", parts[1], "title")
    if len(parts) == 2 and parts[1] in ("title", "answer"):
        return Target("topic", parts[0], "title" if parts[1] == "title" else "answer")
    return None


def targets(pack: Pack) -> list[Target]:
    """Every translatable field, in the order the PO file lists them."""
    out: list[Target] = []
    ids = sorted(pack.topics) + ([pack.privacy.id] if pack.privacy else [])
    for tid in ids:
        out += [Target("topic", tid, "title"), Target("topic", tid, "answer")]
    out += [Target("category", c.id, "title") for c in pack.menu]
    return out


def exists(pack: Pack, target: Target) -> bool:
    if target.kind == "category":
        return pack.category(target.id) is not None
    return pack.find(target.id) is not None


def stored_text(pack: Pack, target: Target, language: str) -> str | None:
    """The field's text in one language as the pack stores it (None when absent)."""
    if target.kind == "category":
        category = pack.category(target.id)
        return category.title.get(language) if category else None
    topic = pack.find(target.id)
    block = topic.blocks.get(language) if topic else None
    if block is None:
        return None
    return block.title if target.field == "title" else block.answer


def po_text(value: str | None) -> str:
    """A stored text as a PO string: without the newline that ends a `|` block scalar.

    PO tools insist that msgid and msgstr agree on a trailing newline; leaving
    it out means a translator never has to type one.
    """
    return (value or "").rstrip("\n")
