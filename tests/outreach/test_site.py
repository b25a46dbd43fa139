"""The static answers site, built from the shipped pack and opened the way a
person opens it: in a real headless Chromium, from files, on a phone-sized
screen. Every page is also checked as a file (links, no script, stable bytes)."""

from __future__ import annotations

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import zxingcpp
from PIL import Image

from bot.i18n import Catalogs
from bot.outreach.site import SiteOptions, build_site
from bot.pack.model import Pack
from tests.outreach.conftest import BASE_URL, USERNAME

RTL = {"ar", "ur"}


def decoded(png: bytes) -> set[str]:
    return {r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))}


def open_page(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """The page, every URL it requested, and every console error (a blocked
    request shows there as a Content-Security-Policy violation)."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, requests, errors


def check_links_resolve(page: Any, site: Path) -> int:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    internal = [h for h in hrefs if h.startswith("file://")]
    for href in internal:
        target = Path(unquote(urlsplit(href).path))
        assert target.is_file(), f"{page.url}: broken link {href}"
        assert site in target.parents, f"{page.url}: link outside the site {href}"
    external = [h for h in hrefs if not h.startswith("file://")]
    assert all(h.startswith(("https://", "http://")) for h in external), external
    return len(internal)


def test_index_and_a_topic_page_per_language_in_chromium(
    browser: Any, site_dir: Path, shipped: tuple[Pack, Catalogs], tmp_path: Path
) -> None:
    pack, _ = shipped
    topics = list(pack.topics)
    for i, lang in enumerate(pack.languages):
        topic = "ice-at-schools" if lang == "zh" else topics[(i * 7) % len(topics)]
        pages = [
            (site_dir / lang / "index.html", f"https://t.me/{USERNAME}?start={lang}"),
            (
                site_dir / lang / f"{topic}.html",
                f"https://t.me/{USERNAME}?start={topic}_{lang}",
            ),
        ]
        for path, link in pages:
            page, requests, errors = open_page(browser, path)
            where = f"{lang}/{path.name}"
            assert page.evaluate("document.documentElement.lang") == lang, where
            expected_dir = "rtl" if lang in RTL else "ltr"
            assert page.evaluate("document.documentElement.dir") == expected_dir, where
            assert page.locator("script").count() == 0, where
            assert page.locator("h1").count() == 1, where
            # The QR code has a text alternative naming its link.
            assert link in page.locator("svg[role=img] title").first.text_content(), where
            assert check_links_resolve(page, site_dir) >= 3, where
            # Nothing but the page itself was requested, and nothing was blocked.
            assert requests == [path.as_uri()], (where, requests)
            assert not errors, (where, errors)
            shot = page.screenshot(full_page=True)
            assert link in decoded(shot), (where, decoded(shot))
            page.close()


def test_the_language_switcher_keeps_the_topic(browser: Any, site_dir: Path) -> None:
    page, _, _ = open_page(browser, site_dir / "es" / "ice-at-schools.html")
    page.locator('.langs a[lang="bn"]').click()
    page.wait_for_load_state()
    assert page.url.endswith("/bn/ice-at-schools.html")
    assert page.evaluate("document.documentElement.lang") == "bn"
    page.close()


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.html_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "html":
            self.html_attrs = dict(attrs)
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def test_every_page_links_only_to_pages_that_exist_and_runs_no_script(
    site_dir: Path, shipped: tuple[Pack, Catalogs]
) -> None:
    pack, _ = shipped
    pages = sorted(site_dir.rglob("*.html"))
    # The front door, then per language: the index, the about page and every topic.
    assert len(pages) == 1 + len(pack.languages) * (2 + len(pack.topics))
    for path in pages:
        text = path.read_text(encoding="utf-8")
        parser = _Page()
        parser.feed(text)
        assert "script" not in parser.tags and "iframe" not in parser.tags, path
        assert "Content-Security-Policy" in text and "default-src 'none'" in text, path
        assert not re.search(r"""(src|srcset)=["']?(https?:)?//""", text), path
        assert "@import" not in text and "url(" not in text, path
        for href in parser.hrefs:
            if href.startswith(("https://", "http://")):
                continue
            target = (path.parent / href.split("#")[0]).resolve()
            assert target.is_file(), f"{path}: broken link {href}"
        if path.parent != site_dir:
            lang = path.parent.name
            assert parser.html_attrs.get("lang") == lang, path
            assert parser.html_attrs.get("dir") == ("rtl" if lang in RTL else "ltr"), path


def test_topic_pages_carry_sources_dates_link_and_the_privacy_note(
    site_dir: Path, shipped: tuple[Pack, Catalogs]
) -> None:
    from bot import ui

    pack, catalogs = shipped
    topic = pack.topics["ice-at-schools"]
    for lang in ("es", "ar", "bn"):
        text = (site_dir / lang / "ice-at-schools.html").read_text(encoding="utf-8")
        assert f"https://t.me/{USERNAME}?start=ice-at-schools_{lang}" in text
        for source in topic.sources:
            assert f'href="{source.url}"' in text
        reviewed = catalogs.text(lang, ui.LAST_REVIEWED, date="").strip(" :")
        assert reviewed.split()[0] in text
        privacy = catalogs.text(lang, ui.SITE_PRIVACY)
        assert privacy.split(" ")[0] in text and "JavaScript" in text
        assert f'<link rel="canonical" href="{BASE_URL}{lang}/ice-at-schools.html">' in text
    # Right-to-left pages isolate left-to-right runs, as the bot does.
    assert '<bdi dir="ltr">' in (site_dir / "ar" / "ice-at-schools.html").read_text("utf-8")


def test_a_stale_translation_says_so_and_links_the_newer_text(
    shipped: tuple[Pack, Catalogs], tmp_path: Path
) -> None:
    from bot import ui
    from bot.outreach.site import site_pages
    from bot.pack.loader import load_pack
    from tests.conftest import CONTENT

    shutil.copytree(CONTENT, tmp_path / "content")
    topic_file = tmp_path / "content" / "topics" / "ice-at-schools.yaml"
    text = topic_file.read_text(encoding="utf-8")
    recorded = re.search(r"^  es:\n(?:    .*\n)*?    translated_from: (\w+)", text, re.M)
    assert recorded is not None
    # The Spanish text was translated from an older English version.
    topic_file.write_text(
        text.replace(f"translated_from: {recorded.group(1)}", "translated_from: aaaaaaaaaa", 1),
        encoding="utf-8",
    )
    result = load_pack(tmp_path / "content")
    assert result.pack is not None and result.pack.topics["ice-at-schools"].is_stale("es")
    _, catalogs = shipped
    pages = dict(site_pages(result.pack, catalogs, SiteOptions(USERNAME)))
    page = pages["es/ice-at-schools.html"]
    assert catalogs.text("es", ui.STALE_NOTE, fallback="inglés") in page
    assert 'href="../en/ice-at-schools.html"' in page
    assert catalogs.text("es", ui.STALE_NOTE, fallback="inglés") not in pages["es/legal-help.html"]


def test_rebuilding_unchanged_content_changes_no_byte(
    shipped: tuple[Pack, Catalogs], site_dir: Path, tmp_path: Path
) -> None:
    pack, catalogs = shipped
    build_site(pack, catalogs, tmp_path, SiteOptions(USERNAME, BASE_URL))
    first = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.html")}
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.html")}
    build_site(pack, catalogs, tmp_path, SiteOptions(USERNAME, BASE_URL))
    again = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.html")}
    assert first == again
    assert mtimes == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.html")}
    # The session's own build, made earlier in another folder, is byte-identical too.
    assert first == {p.relative_to(site_dir): p.read_bytes() for p in site_dir.rglob("*.html")}
