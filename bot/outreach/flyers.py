"""Printable flyers (one topic, one language, one page) and posters (every
topic of the menu in one language), as PDF through WeasyPrint.

WeasyPrint lays text out with Pango and HarfBuzz, so Arabic and Urdu are
joined and right-to-left, Bengali conjuncts form and CJK breaks lines
correctly; the fonts it uses are embedded (subset) in the PDF. A flyer is tried
at a size that its length suggests and set smaller until it fits one page;
one that does not fit at the smallest readable size is reported by topic and
language, never cut.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import ui
from ..bidi import FSI, PDI
from ..html import escape, visible_text
from ..i18n import Catalogs
from ..languages import display_name
from ..pack.model import Pack, Topic
from .fonts import font_stack, heading_line_height, latin_inserts, line_height
from .qr import qr_svg
from .views import (
    Localised,
    TopicView,
    direction,
    menu_topics,
    plain_title,
    shown,
    start_link,
    topic_link,
    topic_view,
)

PAPERS = {"letter": "letter", "a4": "A4"}
# Layouts tried, roomiest first: (compact?, body size in pt). Compact puts the
# answer in three columns, the contacts inside them and a smaller QR code in a
# strip below. 7.5 pt is about the smallest a flyer handed out in a waiting
# room can still be read at.
FLYER_STEPS = (
    (False, 12.5),
    (False, 11.5),
    (False, 10.5),
    (False, 10.0),
    (False, 9.5),
    (False, 9.0),
    (True, 10.0),
    (True, 9.5),
    (True, 9.0),
    (True, 8.5),
    (True, 8.0),
    (True, 7.5),
)
# Poster cells, roomiest first: (QR side in mm, title size in pt, columns).
POSTER_SIZES = (
    (27.0, 9.0, 6),
    (24.0, 8.5, 6),
    (21.0, 8.0, 6),
    (21.0, 8.0, 7),
    (18.0, 7.5, 7),
)


class FlyerOverflow(Exception):
    """Flyers or posters that do not fit their page, each named."""

    def __init__(self, misfits: Sequence[tuple[str, str]], paper: str):
        self.misfits = tuple(misfits)
        self.paper = paper
        names = "; ".join(f"topic {topic!r} in language {lang!r}" for topic, lang in misfits)
        super().__init__(
            f"does not fit on one {paper} page even at the smallest type, so it was not "
            f"written (shorten the answer): {names}"
        )


@dataclass(frozen=True)
class FlyerOptions:
    username: str
    base_url: str | None = None  # the site's address: a second QR to the answer's page
    paper: str = "letter"
    # Overrides the page size (a CSS `size` value), for a custom paper.
    page_size: str | None = None

    @property
    def size(self) -> str:
        return self.page_size or PAPERS[self.paper]


FLYER_STYLE = """
@page { size: %(size)s; margin: 11mm 12mm 10mm; }
* { box-sizing: border-box; }
html { font-family: %(font)s; line-height: %(lh)s; color: #000; font-size: %(fs)spt; }
body { margin: 0; }
.city { font-size: .85em; color: #333; margin: 0 0 1mm; border-bottom: 1.2pt solid #000;
  padding-bottom: 1mm; }
h1 { font-size: 2.1em; line-height: %(hlh)s; margin: 1mm 0 3mm; }
.note { border-inline-start: 2.5pt solid #000; padding-inline-start: 2mm; font-style: italic; }
.answer { columns: 2; column-gap: 7mm; column-fill: balance; }
.answer p { margin: 0 0 .55em; }
.answer ul { margin: 0 0 .55em; padding-inline-start: 1.1em; }
.answer li { margin: 0 0 .2em; }
a { color: #000; text-decoration: none; }
.footer-line { font-weight: bold; margin: 2mm 0; }
.bottom { width: 100%%; border-collapse: collapse; break-inside: avoid; margin-top: 2mm; }
.bottom td { vertical-align: top; border: 1.2pt solid #000; padding: 3mm; }
.scan { width: 66mm; text-align: center; }
.qr { width: 56mm; height: 56mm; display: block; margin: 0 auto 1mm; }
.qr-small { width: 26mm; height: 26mm; display: block; margin: 2mm auto 1mm; }
.link { font-size: .72em; overflow-wrap: anywhere; }
.contacts h2 { font-size: 1.15em; margin: 0 0 1.5mm; }
.contacts p { margin: 0 0 1.8mm; }
.name { font-weight: bold; }
.name[dir=ltr] { text-align: right; }
.small { font-size: .78em; color: #222; }
.sources { margin: 2mm 0 0; columns: 2; column-gap: 6mm; }
.source { break-inside: avoid; overflow-wrap: anywhere; }
"""

COMPACT_STYLE = """
@page { margin: 8mm 9mm 7mm; }
h1 { font-size: 1.8em; margin: .5mm 0 2mm; }
html { line-height: %(lh)s; }
.answer { columns: 3; column-gap: 5mm; }
.answer .contacts { margin-top: 1mm; border-top: .8pt solid #000; padding-top: 1mm; }
.answer .contacts h2 { font-size: 1.05em; margin: 0 0 1mm; }
.answer .contacts p { margin: 0 0 1.2mm; }
.bottom td { vertical-align: middle; padding: 2mm; }
.bottom td.qrcell { width: 44mm; }
.bottom td.qrcell-small { width: 27mm; }
.qr { width: 40mm; height: 40mm; margin: 0; }
.qr-small { width: 23mm; height: 23mm; margin: 0; }
"""

POSTER_STYLE = """
@page { size: %(size)s; margin: 10mm; }
* { box-sizing: border-box; }
html { font-family: %(font)s; line-height: %(lh)s; color: #000; font-size: 10pt; }
body { margin: 0; }
.head { width: 100%%; border-collapse: collapse; margin-bottom: 3mm; }
.head td { vertical-align: middle; padding: 0 2mm; }
h1 { font-size: 20pt; line-height: %(hlh)s; margin: 0 0 2mm; }
.start { width: 38mm; text-align: center; font-weight: bold; font-size: 9pt; }
.start .qr { width: 34mm; height: 34mm; display: block; margin: 0 auto 1mm; }
.grid { width: 100%%; border-collapse: collapse; table-layout: fixed; }
.grid td { border: .8pt solid #000; padding: 1.5mm; text-align: center; vertical-align: top;
  font-size: %(title)spt; line-height: %(hlh)s; }
.grid .qr { width: %(qr)smm; height: %(qr)smm; display: block; margin: 0 auto 1mm; }
.urgent { font-weight: bold; }
.small { font-size: 8pt; color: #222; }
"""


def _page(language: str, title: str, style: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction(language)}">\n<head>'
        f'<meta charset="utf-8"><title>{plain_title(title)}</title>'
        f"<style>{style}{latin_inserts(language)}</style></head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _weight(view: TopicView) -> float:
    """How much room the text takes, in Latin-character equivalents."""
    text = visible_text(view.body)
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)  # CJK and Hangul: full-width
    # Sources are set small, in two columns: about half their length.
    sources = sum(len(visible_text(s.title)) + 30 for s in view.sources) / 2
    return len(text) + wide * 1.1 + 140 * len(view.contacts) + sources


# Where to start by the text's weight: measured on the shipped pack, the step
# that fits is usually the first whose threshold the weight is under.
_STEP_THRESHOLDS = (700, 1000, 1300, 1500, 2000, 2080, 2900, 3300, 3700, 4100, 4500)


def _first_step(view: TopicView) -> int:
    # Taller lines (Nastaliq) hold less text per page.
    weight = _weight(view) * float(line_height(view.answer_language)) / 1.5
    return min(sum(1 for t in _STEP_THRESHOLDS if weight >= t), len(FLYER_STEPS) - 1)


class _Writer(Localised):
    def __init__(self, pack: Pack, catalogs: Catalogs, options: FlyerOptions):
        super().__init__(pack, catalogs)
        self.options = options

    def qr(self, language: str, link: str, css_class: str = "qr") -> str:
        return qr_svg(link, self.catalogs.text(language, ui.QR_ALT, link=link), css_class)

    # -- one flyer ---------------------------------------------------------
    def flyer_html(self, topic: Topic, language: str, size: float, compact: bool = False) -> str:
        view = topic_view(self.pack, self.catalogs, topic, language, self.options.username)
        return self._flyer_html(view, size, compact)

    def _flyer_html(self, view: TopicView, size: float, compact: bool) -> str:
        language = view.language
        answer_attrs = (
            f' lang="{view.answer_language}" dir="{direction(view.answer_language)}"'
            if view.answer_language != language
            else ""
        )
        city = self.t(language, ui.SHORT_DESCRIPTION, city=self.pack.city)
        link = f'<div class="link" dir="ltr">{escape(view.link)}</div>'
        scan_text = f"<b>{self.t(language, ui.SCAN_ANSWER)}</b>"
        page = (
            f"{self.options.base_url.rstrip('/')}/{language}/{view.id}.html"
            if self.options.base_url
            else None
        )
        contacts = self._contacts(view)
        contacts_block = (
            f'<div class="contacts"{answer_attrs}><h2>{self.t(language, ui.CONTACTS)}</h2>'
            f"{contacts}</div>"
            if contacts
            else ""
        )
        if compact:
            cells = [
                f'<td class="qrcell">{self.qr(language, view.link)}</td><td>{scan_text}{link}</td>'
            ]
            if page:
                cells.append(
                    f'<td class="qrcell-small">{self.qr(language, page, "qr-small")}</td>'
                    f'<td class="small">{self.t(language, ui.READ_ONLINE)}'
                    f'<div class="link" dir="ltr">{escape(page)}</div></td>'
                )
            bottom = f'<table class="bottom"><tr>{"".join(cells)}</tr></table>'
            in_columns = contacts_block
        else:
            scan = [self.qr(language, view.link), scan_text, link]
            if page:
                scan.append(self.qr(language, page, "qr-small"))
                scan.append(f'<div class="small">{self.t(language, ui.READ_ONLINE)}</div>')
                scan.append(f'<div class="link" dir="ltr">{escape(page)}</div>')
            contacts_cell = f'<td class="contacts">{contacts_block}</td>' if contacts else ""
            bottom = (
                '<table class="bottom"><tr>'
                f'<td class="scan">{"".join(scan)}</td>{contacts_cell}</tr></table>'
            )
            in_columns = ""
        sources_label = self.t(language, ui.SOURCES)
        # One block per source, so that in right-to-left text a wrapped source
        # keeps its own order instead of mixing with its neighbours.
        sources = "".join(
            f'<div class="source">{s.title}'
            + ("" if compact else f' <span dir="ltr">({escape(_short_url(s.url))})</span>')
            + f" ({s.when})</div>"
            for s in view.sources
        )
        footer = f'<p class="footer-line"{answer_attrs}>{view.footer}</p>' if view.footer else ""
        body = "\n".join(
            [
                f'<p class="city">{city}</p>',
                f"<h1>{view.title}</h1>",
                *(f'<p class="note">{n}</p>' for n in view.notes),
                f'<div class="answer"{answer_attrs}>\n{view.body}\n{in_columns}</div>',
                footer,
                bottom,
                f'<div class="small sources"><b>{sources_label}</b>{sources}</div>',
                f'<p class="small"><b>{view.reviewed}</b></p>' if view.reviewed else "",
            ]
        )
        values = {
            "size": self.options.size,
            "font": font_stack(language),
            "lh": line_height(language, compact),
            "hlh": heading_line_height(language),
            "fs": f"{size:g}",
        }
        style = FLYER_STYLE % values + (COMPACT_STYLE % values if compact else "")
        return _page(language, view.title, style, body)

    def _contacts(self, view: TopicView) -> str:
        # A Latin name inside a right-to-left cell is laid out as its own
        # left-to-right block: wrapped inside the cell's lines, its parentheses
        # and words would be reordered line by line.
        rtl = direction(view.answer_language) == "rtl"

        def name(contact_name: str) -> str:
            plain = visible_text(contact_name).replace(FSI, "").replace(PDI, "")
            if rtl and plain.isascii():
                return f'<div class="name" dir="ltr">{contact_name}</div>'
            return f'<div class="name">{contact_name}</div>'

        return "".join(
            f"<p>{name(c.name)}"
            + (f'<b dir="ltr">{escape(c.phone)}</b>' if c.phone else "")
            + (
                f'<br><span class="link" dir="ltr">{escape(_short_url(c.url))}</span>'
                if c.url
                else ""
            )
            + (f'<br><span class="small">{c.hours}</span>' if c.hours else "")
            + "</p>"
            for c in view.contacts
        )

    def flyer(self, topic: Topic, language: str) -> bytes | None:
        """The flyer's PDF at the roomiest layout that fits one page; None when
        even the most compact does not.

        From the step its length suggests, a misfit skips one step ahead; when
        that fits, the skipped (roomier) step is tried too. Most flyers take
        one or two renders.
        """
        view = topic_view(self.pack, self.catalogs, topic, language, self.options.username)

        def render(step: int) -> bytes | None:
            compact, size = FLYER_STEPS[step]
            return _one_page_pdf(self._flyer_html(view, size, compact))

        step = _first_step(view)
        failed = step - 1
        while step < len(FLYER_STEPS):
            pdf = render(step)
            if pdf is not None:
                if step - failed > 1:  # a roomier step was skipped: try it
                    roomier = render(step - 1)
                    return roomier if roomier is not None else pdf
                return pdf
            failed = step
            step = min(step + 2, len(FLYER_STEPS) - 1) if step + 1 < len(FLYER_STEPS) else step + 1
        return None

    # -- one poster --------------------------------------------------------
    def poster_html(self, language: str, qr_mm: float, title_pt: float, columns: int) -> str:
        seen: set[str] = set()
        topics: list[Topic] = []
        for _category, group in menu_topics(self.pack):
            for topic in group:
                if topic.id not in seen:
                    seen.add(topic.id)
                    topics.append(topic)
        cells = [
            f'<td class="{"urgent" if t.urgent else ""}">'
            + self.qr(language, topic_link(self.options.username, t.id, language))
            + f"{shown(t.title(language), language)}</td>"
            for t in topics
        ]
        while len(cells) % columns:
            cells.append("<td></td>")
        rows = "".join(
            "<tr>" + "".join(cells[i : i + columns]) + "</tr>"
            for i in range(0, len(cells), columns)
        )
        name = display_name(language, language)
        start = start_link(self.options.username, language)
        city = self.pack.city
        heading = self.t(language, ui.SHORT_DESCRIPTION, city=city)
        body = (
            '<table class="head"><tr><td>'
            f"<h1>{heading}</h1>"
            f"<p><b>{self.t(language, ui.SCAN_POSTER)}</b></p>"
            f'<p class="small">{self.t(language, ui.PRIVACY)}</p></td>'
            f'<td class="start">{self.qr(language, start)}'
            f"{self.t(language, ui.SCAN_START, language=name)}</td></tr></table>"
            f'<table class="grid">{rows}</table>'
        )
        footer = self.pack.spec.footer_text(language)
        if footer:
            body += f'<p class="small"><b>{shown(footer, language)}</b></p>'
        style = POSTER_STYLE % {
            "size": self.options.size,
            "font": font_stack(language),
            "lh": line_height(language),
            "hlh": heading_line_height(language),
            "qr": f"{qr_mm:g}",
            "title": f"{title_pt:g}",
        }
        return _page(language, heading, style, body)

    def poster(self, language: str) -> bytes | None:
        for qr_mm, title_pt, columns in POSTER_SIZES:
            pdf = _one_page_pdf(self.poster_html(language, qr_mm, title_pt, columns))
            if pdf is not None:
                return pdf
        return None


def _short_url(url: str) -> str:
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
    url = url.removeprefix("www.")
    return url.rstrip("/")


def _one_page_pdf(html: str) -> bytes | None:
    from weasyprint import HTML

    document = HTML(string=html).render()
    if len(document.pages) != 1:
        return None
    # The file identifier is derived from the input, not random: the same
    # content gives the same bytes.
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf: bytes = document.write_pdf(pdf_identifier=identifier)
    return pdf


# -- building many ---------------------------------------------------------
# Set before the worker processes fork, read in them: a Pack holds read-only
# mapping proxies, which cannot be pickled to a worker.
_JOB: _Writer | None = None


def _render(task: tuple[str, str | None, str]) -> tuple[str, str | None, bool]:
    """Render one flyer (topic id) or poster (None) to `path`; False: did not fit."""
    language, topic_id, path = task
    writer = _JOB
    assert writer is not None
    pdf = (
        writer.flyer(writer.pack.topics[topic_id], language)
        if topic_id
        else writer.poster(language)
    )
    if pdf is None:
        return language, topic_id, False
    target = Path(path)
    if not target.is_file() or target.read_bytes() != pdf:
        target.write_bytes(pdf)
    return language, topic_id, True


def flyer_path(out: Path, language: str, topic_id: str | None) -> Path:
    name = f"{topic_id}-{language}.pdf" if topic_id else f"poster-{language}.pdf"
    return out / language / name


def build_flyers(
    pack: Pack,
    catalogs: Catalogs,
    out: Path,
    options: FlyerOptions,
    languages: Iterable[str] | None = None,
    topics: Iterable[str] | None = None,
    posters: bool = True,
    jobs: int | None = None,
) -> list[Path]:
    """Write flyers (and posters) under out/<lang>/; returns the files written.

    Raises FlyerOverflow naming every flyer that did not fit, after writing
    all the others.
    """
    global _JOB
    langs = [code for code in pack.languages if languages is None or code in set(languages)]
    wanted = None if topics is None else set(topics)
    ids = [t for t in pack.topics if wanted is None or t in wanted]
    tasks: list[tuple[str, str | None, str]] = []
    for language in langs:
        (out / language).mkdir(parents=True, exist_ok=True)
        if posters:
            tasks.append((language, None, str(flyer_path(out, language, None))))
        tasks.extend((language, t, str(flyer_path(out, language, t))) for t in ids)
    _JOB = _Writer(pack, catalogs, options)
    try:
        results = _run(tasks, jobs)
    finally:
        _JOB = None
    misfits = [(topic or "poster", lang) for lang, topic, fits in results if not fits]
    if misfits:
        raise FlyerOverflow(misfits, options.paper if not options.page_size else options.size)
    return [Path(path) for _lang, _topic, path in tasks]


def _run(
    tasks: list[tuple[str, str | None, str]], jobs: int | None
) -> list[tuple[str, str | None, bool]]:
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_render(task) for task in tasks]
    context: Any = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_render, tasks, chunksize=4))
