"""`translations export`: one language's translatable content as a gettext PO file.

Translators work in Poedit, Weblate or Crowdin, which all speak PO; the
comments carry what they need to judge a text (its sources, when the English
was last reviewed) and stale translations come out fuzzy, which those tools
show as "needs work".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from . import yamlsource
from .model import Pack, Topic
from .pofields import Target, po_text, stored_text, targets

PROJECT = "safecity-bot"
VERSION = "content"

_TITLE_NOTE = "Plain text (a heading and a button label): no HTML."
_ANSWER_NOTE = (
    "Telegram HTML: keep the tags and the {contact} placeholders as they are; "
    "a blank line separates paragraphs."
)
_CATEGORY_NOTE = "A menu category button: plain text, short."


class ExportError(Exception):
    """The export cannot be made (unknown language, or the source language)."""


def _topic_comments(topic: Topic, target: Target, language: str) -> list[str]:
    source = topic.blocks[topic.default_language]
    notes = [_TITLE_NOTE if target.field == "title" else _ANSWER_NOTE]
    notes += [
        f"Source: {s.title} {s.url} ({(s.date or s.checked).isoformat()})" for s in topic.sources
    ]
    if source.reviewed:
        notes.append(f"{topic.default_language} text reviewed {source.reviewed.isoformat()}")
    if topic.is_stale(language, unrecorded=True):
        made_from = topic.blocks[language].translated_from or "an unrecorded version"
        notes.append(
            f"Fuzzy: translated from {made_from}; the {topic.default_language} text is now "
            f"{topic.source_version()}. Check it against the text above, then clear the flag."
        )
    return notes


def build_catalog(pack: Pack, content: Path, language: str) -> Catalog:
    """The PO catalog for one language: msgid in the default language, msgstr in `language`."""
    if language not in pack.languages:
        raise ExportError(f"{language!r} is not a pack language ({', '.join(pack.languages)})")
    default = pack.default_language
    if language == default:
        raise ExportError(f"{language!r} is the source language: there is nothing to translate")
    catalog = Catalog(
        locale=language,
        project=PROJECT,
        version=VERSION,
        header_comment=(
            f"# {pack.city} content pack: {language} translations.\n"
            "# Made by `safecity-bot translations export`; bring it back with\n"
            "# `safecity-bot translations import`. Do not edit msgctxt or msgid."
        ),
        creation_date=datetime.now(UTC),
        language_team=language,
        charset="utf-8",
        fuzzy=False,
    )
    folder = content.name
    pack_doc = yamlsource.load(content / "pack.yaml")
    docs: dict[str, yamlsource.Located] = {}
    for target in targets(pack):
        msgid = po_text(stored_text(pack, target, default))
        if not msgid:
            continue  # the loader forbids this; a PO entry with an empty msgid is the header
        msgstr = po_text(stored_text(pack, target, language))
        if target.kind == "category":
            index = next(i for i, c in enumerate(pack.menu) if c.id == target.id)
            where = (f"{folder}/pack.yaml", pack_doc.line(("menu", index, "title", default)))
            comments, stale = [_CATEGORY_NOTE], False
        else:
            topic = pack.find(target.id)
            assert topic is not None  # targets() lists only what exists
            relative = pack.relative_file(target.id)
            if target.id not in docs:
                docs[target.id] = yamlsource.load(content / relative)
            line = docs[target.id].line(("languages", default, target.field))
            where = (f"{folder}/{relative}", line)
            comments, stale = (
                _topic_comments(topic, target, language),
                topic.is_stale(language, unrecorded=True),
            )
        message = catalog.add(
            msgid,
            msgstr,
            locations=[where],
            flags={"fuzzy"} if stale and msgstr else (),
            auto_comments=comments,
            context=target.context,
        )
        # Babel guesses python-format from any "%"; these texts are never %-formatted,
        # and a false flag makes translation tools demand a "% o" in "50% off".
        # python-brace-format stays: {contact} placeholders are exactly that.
        message.flags.discard("python-format")
    return catalog


def export(pack: Pack, content: Path, language: str, out_dir: Path) -> tuple[Path, Catalog]:
    """Write <out_dir>/<language>.po; returns its path and the catalog written."""
    catalog = build_catalog(pack, content, language)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{language}.po"
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=False, include_previous=False)
    return path, catalog
