"""`translations import`: a translated PO file back into the content YAML.

Every entry is checked before anything is written, and nothing is written when
one fails: a translator's file must never leave the pack half-imported or
unloadable. Files with no change are not rewritten at all, so importing an
unedited export changes no byte.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError

from .. import html
from ..i18n import read_catalog
from . import yamledit
from .answers import placeholders, render_answer_text
from .model import LanguageBlock, Pack, TopicFile
from .pofields import Target, exists, parse_context, po_text, stored_text

Report = Callable[[int, str], None]


@dataclass
class ImportResult:
    language: str | None = None
    errors: list[str] = field(default_factory=list)  # "FILE.po:LINE: message"
    fuzzy: list[str] = field(default_factory=list)  # "FILE.po:LINE: msgctxt", not imported
    updated: int = 0
    unchanged: int = 0
    untranslated: int = 0
    stamped: int = 0  # translations whose translated_from moved to the current source
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    target: Target
    text: str
    line: int


def normalize(text: str, target: Target) -> str:
    """The form a translation is compared and stored in.

    Titles are one-line labels. Trailing spaces are invisible in Telegram, and
    editors strip them on save, which would make file and translation disagree.
    """
    text = text.replace("\r\n", "\n")
    if target.field == "title":
        return text.strip()
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def _shown(found: set[tuple[str, str | None]]) -> str:
    return ", ".join(sorted("{" + n + (f".{part}" if part else "") + "}" for n, part in found))


def check_text(source: str, text: str, target: Target) -> list[str]:
    """Why a translation cannot go into the pack; empty when it can."""
    problems: list[str] = []
    want, got = set(placeholders(source)), set(placeholders(text))
    missing, extra = want - got, got - want
    if missing or extra:
        said = [f"missing {_shown(missing)}"] if missing else []
        said += [f"not in the source {_shown(extra)}"] if extra else []
        problems.append("placeholders must match the source: " + "; ".join(said))
    controls = sorted({c for c in text if unicodedata.category(c) == "Cc"} - {"\n", "\t"})
    if controls:  # they would also force the YAML out of its `|` block style
        shown = ", ".join(f"U+{ord(c):04X}" for c in controls)
        problems.append(f"control characters are not allowed: {shown}")
    if target.field == "title":
        if "<" in text or "&" in text:
            problems.append("titles are plain text: no HTML or entities")
        if "\n" in text:
            problems.append("a title is a single line")
    else:
        problems += [f"{p} (Telegram would reject it)" for p in html.validate(text)]
    return problems


def _read(path: Path, report: Report) -> Catalog | None:
    try:
        return read_catalog(path)
    except PoFileError as exc:
        report(exc.lineno + 1, f"not a valid PO file: {str(exc).rsplit(' on ', 1)[0]}")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        report(1, f"cannot read: {exc}")
    return None


def _language_problem(pack: Pack, language: str) -> str | None:
    if language not in pack.languages:
        return f"language {language!r} is not in the pack ({', '.join(pack.languages)})"
    if language == pack.default_language:
        return f"{language!r} is the source language: its text is edited in the YAML"
    return None


def _entry(
    pack: Pack,
    message: Message,
    seen: dict[str, int],
    result: ImportResult,
    report: Report,
    skip: Report,
) -> _Entry | None:
    """The entry to import from one PO message, or None (reported or skipped)."""
    line = message.lineno or 1
    if message.pluralizable or not isinstance(message.string, str):
        report(line, "plural entries are not allowed: content texts have no plural forms")
        return None
    target = parse_context(message.context)
    if target is None:
        report(
            line,
            f"unknown msgctxt {message.context!r} (expected <topic-id>:title, "
            "<topic-id>:answer or category:<id>:title)",
        )
        return None
    if not exists(pack, target):
        report(line, f"unknown {target.kind} {target.id!r} in msgctxt {target.context!r}")
        return None
    if target.context in seen:
        report(line, f"msgctxt {target.context!r} is already at line {seen[target.context]}")
        return None
    seen[target.context] = line
    if message.fuzzy:
        skip(line, target.context)
        return None
    if not message.string:
        result.untranslated += 1
        return None
    source = po_text(stored_text(pack, target, pack.default_language))
    if not isinstance(message.id, str) or po_text(message.id) != source:
        report(
            line,
            f"msgid is not the current {pack.default_language!r} text of {target.context} "
            "(stale or unknown source): export again and redo this entry",
        )
        return None
    text = normalize(message.string, target)
    problems = check_text(source, text, target)
    for problem in problems:
        report(line, problem)
    return None if problems else _Entry(target, text, line)


def _check_lengths(
    pack: Pack, language: str, entries: list[_Entry], today: date, report: Report
) -> None:
    """Measure each imported answer as sent (title, sources, date), as the loader does."""
    by_topic: dict[str, dict[str, _Entry]] = defaultdict(dict)
    for e in entries:
        if e.target.kind == "topic":
            by_topic[e.target.id][e.target.field] = e
    for tid, fields in by_topic.items():
        topic = pack.find(tid)
        if topic is None:
            continue
        old = topic.blocks.get(language)
        title = fields["title"].text if "title" in fields else (old.title if old else None)
        answer = fields["answer"].text if "answer" in fields else (old.answer if old else None)
        if not answer:
            continue
        block = LanguageBlock(title=title, answer=answer, reviewed=today)
        spec = TopicFile(id=tid, sources=topic.sources, languages={language: block})
        length = html.visible_length(render_answer_text(pack.spec, spec, language))
        if length > html.MAX_MESSAGE:
            where = fields.get("answer") or fields["title"]
            report(
                where.line,
                f"the answer is {length} characters with its title and sources; "
                f"Telegram allows {html.MAX_MESSAGE}",
            )


def _plan(
    pack: Pack, language: str, entries: list[_Entry], today: date, result: ImportResult
) -> tuple[dict[str, dict[str, object]], dict[str, str]]:
    """The YAML edits: fields per topic id, and category titles by category id."""
    topics: dict[str, dict[str, object]] = defaultdict(dict)
    confirmed: dict[str, set[str]] = defaultdict(set)
    categories: dict[str, str] = {}
    for e in entries:
        old = normalize(stored_text(pack, e.target, language) or "", e.target)
        if e.text == old:
            result.unchanged += 1
        else:
            result.updated += 1
        if e.target.kind == "category":
            if e.text != old:
                categories[e.target.id] = e.text
            continue
        confirmed[e.target.id].add(e.target.field)
        if e.text != old:
            topics[e.target.id][e.target.field] = e.text
            if e.target.field == "answer":
                topics[e.target.id]["reviewed"] = today
    for tid, fields in confirmed.items():
        topic = pack.find(tid)
        if topic is None:
            continue
        block = topic.blocks.get(language)
        # translated_from covers title and answer together: it moves only when
        # both were confirmed here, so a half still marked fuzzy stays stale.
        if fields == {"title", "answer"} and (
            block is None or block.translated_from != topic.source_version()
        ):
            topics[tid]["translated_from"] = topic.source_version()
            result.stamped += 1
    return dict(topics), categories


def import_po(
    po_path: Path, pack: Pack, content: Path, language: str | None, today: date
) -> ImportResult:
    """Validate a PO file against the pack, then write its translations (all or nothing)."""
    result = ImportResult()

    def report(line: int, message: str) -> None:
        result.errors.append(f"{po_path}:{line}: {message}")

    def skip(line: int, context: str) -> None:
        result.fuzzy.append(f"{po_path}:{line}: {context}")

    catalog = _read(po_path, report)
    if catalog is None:
        return result
    language = language or catalog.locale_identifier
    if not language:
        report(1, "the PO header has no Language: pass --lang")
        return result
    problem = _language_problem(pack, language)
    if problem:
        report(1, problem)
        return result
    result.language = language
    seen: dict[str, int] = {}
    entries = [e for m in catalog if m.id and (e := _entry(pack, m, seen, result, report, skip))]
    _check_lengths(pack, language, entries, today, report)
    if result.errors:
        return result
    topics, categories = _plan(pack, language, entries, today, result)
    changes: list[tuple[Path, str]] = []
    for tid, fields in topics.items():
        path = content / pack.relative_file(tid)
        text = path.read_text(encoding="utf-8")
        edited = yamledit.edit_language_blocks(text, {language: fields}, pack.languages)
        changes.append((path, edited))
    if categories:
        path = content / "pack.yaml"
        text = path.read_text(encoding="utf-8")
        titles = yamledit.set_category_titles(text, language, categories, pack.languages)
        changes.append((path, titles))
    for path, text in changes:  # every edit is built before the first file is touched
        yamledit.replace_file(path, text)
        result.written.append(path)
    return result
