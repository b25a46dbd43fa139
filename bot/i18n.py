"""Interface strings from gettext catalogs (locales/<lang>/LC_MESSAGES/messages.po).

The .po files are read directly, so a translator's edit shows up on the next
reload without a compile step; `pybabel compile` still works for tooling that
wants .mo files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

from .html import escape

DOMAIN = "messages"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogProblem:
    path: str
    line: int
    message: str
    fatal: bool = False  # the whole catalog is unreadable, not just one entry

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Catalogs:
    """Loaded, immutable translations: language -> msgid -> msgstr."""

    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def text(self, language: str, msgid: str, /, **values: object) -> str:
        table = self.messages.get(language, {})
        template = table.get(msgid) or msgid
        if not values:
            return template
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not break the reply: use the English text.
            log.warning("catalog %s: placeholder mismatch in one entry", language)
            return msgid.format(**values)

    def html(self, language: str, msgid: str, /, **markup: str) -> str:
        """The string escaped for Telegram HTML, with `markup` (already HTML:
        a link, a contact) put in its placeholders unescaped."""
        marks = {name: f"\x00{i}\x00" for i, name in enumerate(markup)}
        text = escape(self.text(language, msgid, **marks))
        for name, mark in marks.items():
            text = text.replace(mark, markup[name])
        return text


def catalog_path(root: Path, language: str) -> Path:
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


def load_catalogs(
    root: Path | str, languages: Iterable[str], required: Iterable[str] = ()
) -> tuple[Catalogs, list[CatalogProblem]]:
    """Read every language's catalog; report missing, fuzzy and broken entries."""
    root = Path(root)
    required = list(required)
    messages: dict[str, Mapping[str, str]] = {}
    problems: list[CatalogProblem] = []
    for language in languages:
        path = catalog_path(root, language)
        if not path.is_file():
            if language != "en":
                problems.append(CatalogProblem(str(path), 1, "catalog is missing"))
            continue
        try:
            catalog = read_catalog(path)
        except (PoFileError, OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(CatalogProblem(str(path), 1, f"cannot parse: {exc}", fatal=True))
            continue
        table: dict[str, str] = {}
        flagged: set[str] = set()  # this file's entries already reported
        for message in catalog:
            if not message.id or not isinstance(message.id, str):
                continue
            line = message.lineno or 1
            msgstr = message.string if isinstance(message.string, str) else ""
            if message.fuzzy:
                problems.append(
                    CatalogProblem(str(path), line, f"fuzzy entry: {message.id[:40]!r}")
                )
                flagged.add(message.id)
                continue
            if not msgstr:
                flagged.add(message.id)
                if language != "en":
                    problems.append(
                        CatalogProblem(str(path), line, f"untranslated: {message.id[:40]!r}")
                    )
                continue
            for error in _placeholder_errors(message.id, msgstr):
                problems.append(CatalogProblem(str(path), line, error))
            table[message.id] = msgstr
        for msgid in required:
            if msgid not in table and msgid not in flagged and language != "en":
                problems.append(CatalogProblem(str(path), 1, f"missing entry: {msgid[:40]!r}"))
        messages[language] = MappingProxyType(table)
    return Catalogs(MappingProxyType(messages)), problems


def _placeholder_errors(msgid: str, msgstr: str) -> list[str]:
    import string

    def names(text: str) -> set[str] | None:
        try:
            return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError:
            return None

    want, got = names(msgid), names(msgstr)
    if got is None:
        return [f"broken braces in translation of {msgid[:40]!r}"]
    if want is not None and want != got:
        return [f"placeholders {sorted(got)} should be {sorted(want)} in {msgid[:40]!r}"]
    return []
