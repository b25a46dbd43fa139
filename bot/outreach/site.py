"""The static answers site: an index per language, a page per topic per
language, an about/privacy page, all from the content pack.

Each page is one self-contained HTML file: its style is inline, its QR codes
are inline SVG, it has no script and a Content-Security-Policy that forbids
loading anything, so it works from a USB stick or any static host. Pages are
written in a fixed order with no build time in them: rebuilding unchanged
content changes no byte, so a city can publish the folder with git.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import ui
from ..html import escape
from ..i18n import Catalogs
from ..languages import display_name
from ..pack.model import Pack, Topic
from .fonts import font_stack, latin_inserts, line_height
from .qr import qr_svg
from .views import (
    Localised,
    TopicView,
    direction,
    menu_topics,
    plain_title,
    shown,
    start_link,
    topic_view,
)

_PICTOGRAM = re.compile(r"^\W+")
ABOUT_PAGE = "about.html"
INDEX_PAGE = "index.html"
# Nothing may be fetched: no scripts, fonts, frames or connections; the style
# is inline and the QR codes are inline SVG. Links still open other sites.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font-size: 112.5%; -webkit-text-size-adjust: 100%; }
body { margin: 0; color: #111; background: #fff; font-family: var(--font);
  line-height: var(--lh); }
main, header, footer { max-width: 40rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: .75rem; }
nav ul, .langs ul { list-style: none; padding: 0; margin: 0; display: flex;
  flex-wrap: wrap; gap: .25rem 1rem; }
a { color: #0b4f9c; text-underline-offset: .15em; }
a:visited { color: #5b2a86; }
a:focus { outline: 3px solid #f0a500; outline-offset: 2px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 1rem 0 .75rem; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; }
ul { padding-inline-start: 1.25rem; }
li { margin: .3rem 0; }
.note { background: #fff4d6; border-inline-start: 4px solid #b07d00; padding: .5rem .75rem; }
.telegram { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: 1.5rem 0;
  padding: 1rem; border: 2px solid #1b6fb8; border-radius: .5rem; }
.telegram p { margin: .25rem 0; flex: 1 1 14rem; }
.open { font-weight: bold; font-size: 1.15rem; }
.qr { width: 11rem; height: 11rem; flex: none; }
.link { overflow-wrap: anywhere; font-size: .9rem; }
.footer-line, .reviewed { font-style: italic; }
.sources { font-size: .9rem; }
.topics a { font-size: 1.05rem; }
.urgent a { font-weight: bold; color: #a40000; }
footer { margin-top: 2.5rem; padding-bottom: 2rem; border-top: 1px solid #999;
  font-size: .9rem; color: #333; }
@media print {
  html { font-size: 11pt; }
  nav, .langs { display: none; }
  .telegram { break-inside: avoid; border-color: #000; }
  a { color: #000; }
  .sources a[href^="http"]::after { content: " <" attr(href) ">"; overflow-wrap: anywhere; }
}
"""


@dataclass(frozen=True)
class SiteOptions:
    username: str
    base_url: str | None = None  # where the site will be published, for canonical links


class _Site(Localised):
    def __init__(self, pack: Pack, catalogs: Catalogs, options: SiteOptions):
        super().__init__(pack, catalogs)
        self.options = options

    def label(self, language: str, msgid: str) -> str:
        """A button's text as a link: without its pictogram ("🌐 Language"),
        which a reader's system may lack a font for."""
        return shown(_PICTOGRAM.sub("", self.catalogs.text(language, msgid)), language)

    # -- the page frame ----------------------------------------------------
    def page(
        self,
        language: str,
        title: str,
        main: str,
        path: str,
        alternates: Iterable[tuple[str, str]] = (),
    ) -> str:
        """A whole page. `path` is where it is written, relative to the site root;
        `alternates` are (language, path) of the same page in other languages."""
        up = "../" * path.count("/")
        nav = (
            f'<nav aria-label="{plain_title(self.label(language, ui.MENU_BUTTON))}"><ul>'
            f'<li><a href="{INDEX_PAGE}">{self.label(language, ui.MENU_BUTTON)}</a></li>'
            f'<li><a href="{ABOUT_PAGE}">{self.t(language, ui.CMD_ABOUT)}</a></li>'
            f'<li><a href="{up}{INDEX_PAGE}">{self.label(language, ui.LANGUAGE_BUTTON)}</a></li>'
            "</ul></nav>"
            if path.count("/")
            else ""
        )
        links = [f'<meta http-equiv="Content-Security-Policy" content="{CSP}">']
        if self.options.base_url:
            base = self.options.base_url.rstrip("/")
            links.append(f'<link rel="canonical" href="{escape(f"{base}/{path}")}">')
            links.extend(
                f'<link rel="alternate" hreflang="{code}" href="{escape(f"{base}/{alt}")}">'
                for code, alt in alternates
            )
        style = (
            f":root {{ --font: {font_stack(language)}; --lh: {line_height(language)}; }}"
            + STYLE
            + latin_inserts(language)
        )
        footer = (
            f"<footer><p>{self.t(language, ui.SITE_PRIVACY)}</p>"
            f"<p>{self.t(language, ui.PRIVACY)}</p></footer>"
        )
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{language}" dir="{direction(language)}">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            + "\n".join(links)
            + f"\n<title>{plain_title(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            f"<header>{nav}</header>\n<main>\n{main}\n</main>\n{footer}\n</body>\n</html>\n"
        )

    def language_switcher(self, current: str, page: str) -> str:
        items = "".join(
            f'<li><a href="../{code}/{page}" lang="{code}" hreflang="{code}" '
            f'dir="{direction(code)}">{escape(display_name(code))}</a></li>'
            for code in self.pack.languages
            if code != current
        )
        label = self.label(current, ui.LANGUAGE_BUTTON)
        return f'<section class="langs"><h2>{label}</h2><ul>{items}</ul></section>'

    def telegram_box(self, language: str, link: str, open_text: str, scan_text: str) -> str:
        alt = self.catalogs.text(language, ui.QR_ALT, link=link)
        return (
            '<section class="telegram">'
            + qr_svg(link, alt)
            + f'<p><a class="open" href="{escape(link)}">{open_text}</a><br>{scan_text}<br>'
            f'<span class="link" dir="ltr">{escape(link)}</span></p></section>'
        )

    # -- pages -------------------------------------------------------------
    def topic_page(self, topic: Topic, language: str) -> str:
        view = topic_view(self.pack, self.catalogs, topic, language, self.options.username)
        parts = [f"<h1>{view.title}</h1>"]
        parts.extend(f'<p class="note">{n}</p>' for n in view.notes)
        if view.stale:
            default = self.pack.default_language
            read_in = self.t(language, ui.READ_IN, language=display_name(default, language))
            parts.append(f'<p><a href="../{default}/{topic.id}.html">{read_in}</a></p>')
        answer_lang = view.answer_language
        body_attrs = (
            f' lang="{answer_lang}" dir="{direction(answer_lang)}"'
            if answer_lang != language
            else ""
        )
        parts.append(f'<div class="answer"{body_attrs}>\n{view.body}\n</div>')
        if view.footer:
            parts.append(f'<p class="footer-line"{body_attrs}>{view.footer}</p>')
        parts.append(
            self.telegram_box(
                language,
                view.link,
                self.t(language, ui.OPEN_IN_BOT),
                self.t(language, ui.SCAN_ANSWER),
            )
        )
        parts.append(self.sources(view))
        if view.reviewed:
            parts.append(f'<p class="reviewed">{view.reviewed}</p>')
        parts.append(self.language_switcher(language, f"{topic.id}.html"))
        return self.page(
            language,
            view.title,
            "\n".join(parts),
            f"{language}/{topic.id}.html",
            [(code, f"{code}/{topic.id}.html") for code in self.pack.languages],
        )

    def sources(self, view: TopicView) -> str:
        heading = self.t(view.language, ui.SOURCES).rstrip(":： ")
        items = "".join(
            f'<li><a href="{escape(s.url)}">{s.title}</a> ({s.when})</li>' for s in view.sources
        )
        return f'<section class="sources"><h2>{heading}</h2><ul>{items}</ul></section>'

    def index_page(self, language: str) -> str:
        city = self.pack.city
        parts = [f"<h1>{self.t(language, ui.SHORT_DESCRIPTION, city=city)}</h1>"]
        parts.append(f"<p>{self.t(language, ui.WELCOME, city=city)}</p>")
        name = display_name(language, language)
        parts.append(
            self.telegram_box(
                language,
                start_link(self.options.username, language),
                self.t(language, ui.OPEN_IN_BOT),
                self.t(language, ui.SCAN_START, language=name),
            )
        )
        for category, topics in menu_topics(self.pack):
            if category is not None:
                title = shown(self.pack.category_title(category, language), language)
                parts.append(f"<h2>{title}</h2>")
            urgent = category is None and topics and topics[0].urgent
            marker = ' class="urgent"' if urgent else ""
            items = "".join(
                f'<li{marker}><a href="{t.id}.html">{shown(t.title(language), language)}</a></li>'
                for t in topics
            )
            parts.append(f'<ul class="topics">{items}</ul>')
        parts.append(self.language_switcher(language, INDEX_PAGE))
        return self.page(
            language,
            self.t(language, ui.SHORT_DESCRIPTION, city=city),
            "\n".join(parts),
            f"{language}/{INDEX_PAGE}",
            [(code, f"{code}/{INDEX_PAGE}") for code in self.pack.languages],
        )

    def about_page(self, language: str) -> str:
        parts = [
            f"<h1>{self.t(language, ui.CMD_ABOUT)}</h1>",
            f"<p>{self.t(language, ui.SITE_PRIVACY)}</p>",
        ]
        about = self.pack.topics.get(self.pack.about_topic) if self.pack.about_topic else None
        for topic in (about, self.pack.privacy):
            if topic is None:
                continue
            view = topic_view(self.pack, self.catalogs, topic, language, self.options.username)
            parts.append(f"<h2>{view.title}</h2>")
            parts.extend(f'<p class="note">{n}</p>' for n in view.notes)
            parts.append(f'<div class="answer">\n{view.body}\n</div>')
            if view.reviewed:
                parts.append(f'<p class="reviewed">{view.reviewed}</p>')
        parts.append(self.language_switcher(language, ABOUT_PAGE))
        return self.page(
            language,
            self.t(language, ui.CMD_ABOUT),
            "\n".join(parts),
            f"{language}/{ABOUT_PAGE}",
            [(code, f"{code}/{ABOUT_PAGE}") for code in self.pack.languages],
        )

    def root_page(self) -> str:
        """The site's front door: every language, each named in itself."""
        default = self.pack.default_language
        items = "".join(
            f'<li><a href="{code}/{INDEX_PAGE}" lang="{code}" hreflang="{code}" '
            f'dir="{direction(code)}">{escape(display_name(code))}</a></li>'
            for code in self.pack.languages
        )
        main = (
            f"<h1>{escape(self.pack.city)}</h1>\n"
            f'<section class="langs"><h2>{self.t(default, ui.CHOOSE_LANGUAGE)}</h2>'
            f"<ul>{items}</ul></section>"
        )
        return self.page(default, escape(self.pack.city), main, INDEX_PAGE)


def site_pages(pack: Pack, catalogs: Catalogs, options: SiteOptions) -> Iterable[tuple[str, str]]:
    """(relative path, HTML) of every page, in a fixed order."""
    site = _Site(pack, catalogs, options)
    yield INDEX_PAGE, site.root_page()
    for language in pack.languages:
        yield f"{language}/{INDEX_PAGE}", site.index_page(language)
        yield f"{language}/{ABOUT_PAGE}", site.about_page(language)
        for topic in pack.topics.values():
            yield f"{language}/{topic.id}.html", site.topic_page(topic, language)


def build_site(pack: Pack, catalogs: Catalogs, out: Path, options: SiteOptions) -> list[Path]:
    """Write the whole site under `out`; returns the files written.

    A file whose bytes would not change is left alone, so its modification
    time says when its page last changed.
    """
    written: list[Path] = []
    for relative, html in site_pages(pack, catalogs, options):
        path = out / relative
        data = html.encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written
