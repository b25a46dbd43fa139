"""How a topic's answer is written out: contacts expanded, sources and date added.

The loader uses the same rendering to check Telegram's limits, so what is
checked is exactly what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from babel.dates import format_date

from .. import ui
from ..html import escape
from ..i18n import Catalogs
from ..languages import isolate
from .model import Contact, LanguageBlock, PackFile, Source, TopicFile

NO_CATALOGS = Catalogs()  # English interface strings, straight from the code

PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)(?:\.([a-z]+))?\}")
CONTACT_PARTS = ("name", "phone", "url", "hours")

# Haitian Creole months: CLDR has no month names for ht, and "2026 M11 1" reads
# as noise to a resident.
_HT_MONTHS = [
    "janvye",
    "fevriye",
    "mas",
    "avril",
    "me",
    "jen",
    "jiyè",
    "out",
    "septanm",
    "oktòb",
    "novanm",
    "desanm",
]


# Days already written, per language: filled by bot/localized.py so that a
# start from the cache never loads Babel's locale data.
_DAYS: dict[tuple[date, str], str] = {}


def remember_days(rows: Iterable[tuple[date, str, str]]) -> None:
    """(day, language, as written) rows, as `format_day` would write them."""
    _DAYS.update(((day, language), text) for day, language, text in rows)


def format_day(day: date, language: str) -> str:
    known = _DAYS.get((day, language))
    if known is not None:
        return known
    if language == "ht":
        return f"{day.day} {_HT_MONTHS[day.month - 1]} {day.year}"
    try:
        return format_date(day, format="long", locale=language)
    except Exception:  # an unknown locale must never break an answer
        return day.isoformat()


def placeholders(text: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)]


# Where the sentence leading up to a placeholder starts.
_SENTENCE_START = re.compile(r"[.!?;\n•]\s|[。！？；۔।]")
_NAME_WORD = re.compile(r"[^\W\d_]{4,}")


def named_twice(
    text: str, contacts: Mapping[str, Contact], language: str, default: str
) -> list[str]:
    """Whole-contact placeholders ({x}, which print the contact's name) whose
    sentence already names that contact: "call the Family Support Hotline,
    {hotline}" shows the name twice; {hotline.phone} was meant."""
    found = []
    for m in PLACEHOLDER.finditer(text):
        key, part = m.group(1), m.group(2)
        contact = contacts.get(key)
        if part is not None or contact is None:
            continue
        before = text[: m.start()]
        starts = [s.end() for s in _SENTENCE_START.finditer(before)]
        sentence = before[starts[-1] if starts else 0 :]
        sentence = PLACEHOLDER.sub(" ", re.sub(r"<[^>]+>", " ", sentence)).casefold()
        core = contact.local_name(language, default).split("(")[0].casefold().strip()
        words = set(_NAME_WORD.findall(core))
        said = set(_NAME_WORD.findall(sentence))
        # A long name: two of its words; a short one ("NYC Care"): all of it.
        if (len(words) >= 2 and len(words & said) >= 2) or (core and core in sentence):
            found.append(key)
    return found


def _link(url: str, language: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
    return f'<a href="{escape(url)}">{isolate(escape(shown), language)}</a>'


def contact_html(contact: Contact, language: str, default: str, part: str | None = None) -> str:
    name = escape(contact.local_name(language, default))
    phone = isolate(escape(contact.phone), language) if contact.phone else ""
    if part == "name":
        return isolate(name, language) if name.isascii() else name
    if part == "phone":
        return phone
    if part == "url":
        return _link(contact.url, language) if contact.url else ""
    if part == "hours":
        hours = contact.local_hours(language, default)
        return escape(hours) if hours else ""
    pieces = [p for p in (phone, _link(contact.url, language) if contact.url else "") if p]
    shown_name = isolate(name, language) if name.isascii() else name
    return f"<b>{shown_name}</b>" + (": " + " · ".join(pieces) if pieces else "")


def expand(
    text: str,
    contacts: Mapping[str, Contact],
    language: str,
    default: str,
    on_missing: Callable[[str], None] | None = None,
) -> str:
    def sub(match: re.Match[str]) -> str:
        key, part = match.group(1), match.group(2)
        contact = contacts.get(key)
        if contact is None or (part is not None and part not in CONTACT_PARTS):
            if on_missing:
                on_missing(match.group(0))
            return match.group(0)
        return contact_html(contact, language, default, part)

    return PLACEHOLDER.sub(sub, text)


def _sources_html(sources: tuple[Source, ...], language: str, catalogs: Catalogs) -> str:
    label = catalogs.text(language, ui.SOURCES)
    items = [
        f'• <a href="{escape(src.url)}">{isolate(escape(src.title), language)}</a> '
        f"({source_when(src, language, catalogs)})"
        for src in sources
    ]
    return f"<i>{escape(label)}</i>\n" + "\n".join(items)


def source_when(src: Source, language: str, catalogs: Catalogs) -> str:
    """The date printed on the source; for an undated page, when it was checked."""
    if src.date is not None:
        return isolate(src.date.isoformat(), language)
    day = isolate(src.checked.isoformat(), language)
    return catalogs.html(language, ui.CHECKED_ON, date=day)


def answer_body(
    spec: PackFile,
    title: str,
    block: LanguageBlock,
    sources: tuple[Source, ...],
    answer_language: str,
    ui_language: str,
    catalogs: Catalogs = NO_CATALOGS,
    notes: tuple[str, ...] = (),
) -> str:
    """The full text of an answer as sent: title, notes, answer, sources, date."""
    body = expand(block.answer or "", spec.contacts, answer_language, spec.default_language)
    parts = [f"<b>{escape(title)}</b>"]
    parts.extend(f"<i>{escape(n)}</i>" for n in notes)
    parts.append(body.strip())
    footer = spec.footer_text(answer_language)
    if footer:
        parts.append(f"<i>{escape(footer)}</i>")
    parts.append(_sources_html(sources, ui_language, catalogs))
    if block.reviewed:
        day = format_day(block.reviewed, ui_language)
        reviewed = catalogs.text(ui_language, ui.LAST_REVIEWED, date=day)
        parts.append(f"<i>{escape(reviewed)}</i>")
    return "\n\n".join(parts)


def render_answer_text(spec: PackFile, topic: TopicFile, language: str) -> str:
    """The answer as the content checker measures it (worst case: with a note)."""
    block = topic.languages[language]
    note = "x" * 160  # room for a fallback or stale note and the status line
    return answer_body(
        spec, block.title or topic.id, block, topic.sources, language, language, notes=(note,)
    )
