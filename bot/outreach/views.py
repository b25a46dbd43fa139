"""What a web page or a flyer shows for one topic in one language.

Built from the same pieces the bot's answers are (contacts expanded, sources
with their dates, the review date, the stale-translation note), then turned
from Telegram's HTML subset into web HTML: paragraphs, lists and line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import ui
from ..bidi import FSI, PDI, isolate_runs
from ..callbacks import deep_link, payload_for
from ..html import escape, visible_text
from ..i18n import Catalogs
from ..languages import display_name, is_rtl
from ..pack.answers import expand, format_day, placeholders, source_when
from ..pack.model import Category, Contact, Pack, Topic


@dataclass(frozen=True)
class ContactView:
    name: str  # HTML
    phone: str | None
    url: str | None
    hours: str | None  # HTML


@dataclass(frozen=True)
class SourceView:
    title: str  # HTML
    url: str
    when: str  # HTML: the source's date, or when it was checked


@dataclass(frozen=True)
class TopicView:
    """One topic in one page language; every text field is safe HTML."""

    id: str
    language: str  # the page's language
    answer_language: str  # the answer's (the pack default while a translation is missing)
    title: str
    notes: tuple[str, ...]
    body: str
    footer: str | None
    sources: tuple[SourceView, ...]
    reviewed: str | None
    contacts: tuple[ContactView, ...]
    link: str  # the Telegram deep link
    stale: bool  # a newer version exists in the default language


def direction(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


def shown(text: str, language: str) -> str:
    """Escape a plain string for a page, with the bot's isolation of
    left-to-right runs (numbers, Latin names) inside right-to-left text."""
    html = escape(text)
    return as_bdi(isolate_runs(html)) if is_rtl(language) else html


class Localised:
    """What the site and flyer writers share: the pack, the catalogs, and
    interface strings ready for a page in a language."""

    def __init__(self, pack: Pack, catalogs: Catalogs):
        self.pack = pack
        self.catalogs = catalogs

    def t(self, language: str, msgid: str, /, **values: object) -> str:
        return shown(self.catalogs.text(language, msgid, **values), language)


_ISOLATE = re.compile(f"{FSI}([^{FSI}{PDI}]*){PDI}")


def as_bdi(html: str) -> str:
    """The bot's isolates (FSI ... PDI, which Telegram honours) as <bdi> elements.

    Both mean the same to a browser, but a layout engine that breaks lines
    before it reorders them (WeasyPrint) loses a character isolate at a line
    break: the second half of "(free legal help)" would come out as "legal
    help(". An element keeps its direction on every line.
    """
    return _ISOLATE.sub(r'<bdi dir="ltr">\1</bdi>', html)


def plain_title(html: str) -> str:
    """A page's <title>: no markup, escaped again."""
    return escape(visible_text(html))


def topic_link(username: str, topic_id: str, language: str) -> str:
    return deep_link(username, payload_for(topic_id, language))


def start_link(username: str, language: str) -> str:
    """Opens the bot with its welcome and menu in a language."""
    return deep_link(username, language)


def topic_view(
    pack: Pack, catalogs: Catalogs, topic: Topic, language: str, username: str
) -> TopicView:
    shown_language = topic.answer_language(language)
    block = topic.blocks[shown_language]
    default = pack.default_language
    notes: list[str] = []
    if shown_language != language:
        notes.append(
            catalogs.text(
                language,
                ui.FALLBACK_NOTE,
                language=display_name(language, language),
                fallback=display_name(shown_language, language),
            )
        )
    stale = topic.is_stale(shown_language)
    if stale:
        notes.append(
            catalogs.text(language, ui.STALE_NOTE, fallback=display_name(default, language))
        )
    body = expand(block.answer or "", pack.contacts, shown_language, default)
    footer = pack.spec.footer_text(shown_language)
    reviewed = None
    if block.reviewed:
        day = format_day(block.reviewed, language)
        reviewed = shown(catalogs.text(language, ui.LAST_REVIEWED, date=day), language)
    return TopicView(
        id=topic.id,
        language=language,
        answer_language=shown_language,
        title=shown(topic.title(language), language),
        notes=tuple(shown(n, language) for n in notes),
        body=web_html(body, shown_language),
        footer=shown(footer, shown_language) if footer else None,
        sources=tuple(
            SourceView(shown(s.title, language), s.url, source_when(s, language, catalogs))
            for s in topic.sources
        ),
        reviewed=reviewed,
        contacts=tuple(
            contact_view(pack.contacts[key], shown_language, default)
            for key in named_contacts(block.answer or "")
            if key in pack.contacts
        ),
        link=topic_link(username, topic.id, language),
        stale=stale,
    )


def named_contacts(answer: str) -> list[str]:
    """The contacts an answer names, in the order it first names them."""
    return list(dict.fromkeys(key for key, _part in placeholders(answer)))


def contact_view(contact: Contact, language: str, default: str) -> ContactView:
    hours = contact.local_hours(language, default)
    return ContactView(
        name=shown(contact.local_name(language, default), language),
        phone=contact.phone,
        url=contact.url,
        hours=shown(hours, language) if hours else None,
    )


def menu_topics(pack: Pack) -> list[tuple[Category | None, list[Topic]]]:
    """The menu as a resident sees it: urgent topics first, then each category.

    Topics in no category are listed last, so every topic has a page and a
    place in the index.
    """
    listed: set[str] = set()
    groups: list[tuple[Category | None, list[Topic]]] = []
    if pack.urgent_topics:
        groups.append((None, list(pack.urgent_topics)))
        listed.update(t.id for t in pack.urgent_topics)
    for category in pack.menu:
        topics = [pack.topics[t] for t in category.topics if t in pack.topics]
        listed.update(t.id for t in topics)
        groups.append((category, topics))
    rest = [t for t in pack.topics.values() if t.id not in listed]
    if rest:
        groups.append((None, rest))
    return groups


_BULLET = re.compile(r"^\s*[•\-–]\s+")


def web_html(telegram_html: str, language: str) -> str:
    """Telegram HTML (blank lines between paragraphs, "• " items, line breaks)
    as web HTML: <p>, <ul><li> and <br>. Inline tags pass through: the loader
    already checked them against Telegram's subset, which is valid HTML."""
    text = as_bdi(isolate_runs(telegram_html)) if is_rtl(language) else telegram_html
    out: list[str] = []
    for para in text.strip().split("\n\n"):
        lines: list[str] = []
        items: list[str] = []
        for line in para.split("\n"):
            if _BULLET.match(line):
                if lines:
                    out.append(f"<p>{'<br>'.join(lines)}</p>")
                    lines = []
                items.append(_BULLET.sub("", line, count=1))
                continue
            if items:
                out.append(_list(items))
                items = []
            if line.strip():
                lines.append(line.strip())
        if lines:
            out.append(f"<p>{'<br>'.join(lines)}</p>")
        if items:
            out.append(_list(items))
    return "\n".join(out)


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
