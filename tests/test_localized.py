"""Review dates and language names are formatted once per pack and kept in
the cache, so a start from the cache never loads Babel's locale data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import babel.localedata
import pytest
from babel.dates import format_date

from bot import languages, localized
from bot.pack import answers
from bot.pack.loader import load_pack

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(autouse=True)
def _fresh_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "_DAYS", {})
    monkeypatch.setattr(languages, "_NAMES", {})
    languages.display_name.cache_clear()


def _pack():  # type: ignore[no-untyped-def]
    pack = load_pack(CONTENT).pack
    assert pack is not None
    return pack


def test_a_start_from_the_cache_writes_dates_and_names_without_babel(tmp_path: Path) -> None:
    pack = _pack()
    assert localized.prepare(pack, tmp_path) is False  # formatted with Babel, then stored
    assert not babel.localedata._cache  # and Babel's own copy let go
    formatted = dict(answers._DAYS)
    named = dict(languages._NAMES)
    answers._DAYS.clear()
    languages._NAMES.clear()
    languages.display_name.cache_clear()
    assert localized.prepare(pack, tmp_path) is True
    assert formatted == answers._DAYS and named == languages._NAMES
    day = next(b.reviewed for t in pack.topics.values() for b in t.blocks.values() if b.reviewed)
    assert answers.format_day(day, "es") == format_date(day, format="long", locale="es")
    babel.localedata.clear_caches()
    for code in pack.languages:
        answers.format_day(day, code)
        languages.display_name(code)
        languages.display_name("en", code)
    assert not babel.localedata._cache  # nothing needed Babel's locale data


def test_the_tables_hold_what_babel_writes(tmp_path: Path) -> None:
    pack = _pack()
    localized.prepare(pack, tmp_path)
    for (day, code), text in answers._DAYS.items():
        if code != "ht":  # Haitian Creole months are the bot's own
            assert text == format_date(day, format="long", locale=code)
    assert languages._NAMES[("es", None)] == "Español"
    assert languages._NAMES[("en", "es")] == "inglés"


def test_a_date_not_in_the_tables_is_still_written_by_babel(tmp_path: Path) -> None:
    localized.prepare(_pack(), tmp_path)
    other = date(2001, 2, 3)
    assert answers.format_day(other, "fr") == "3 février 2001"


def test_another_review_date_or_language_is_another_cache_entry(tmp_path: Path) -> None:
    days, codes = [date(2026, 1, 2), date(2026, 3, 4)], ["en", "es"]
    first = localized._path(days, codes, tmp_path)
    assert localized._path(list(days), list(codes), tmp_path) == first
    assert localized._path([date(2026, 1, 2), date(2026, 3, 5)], codes, tmp_path) != first
    assert localized._path(days, ["en", "fr"], tmp_path) != first


def test_a_damaged_cache_file_is_formatted_again(tmp_path: Path) -> None:
    pack = _pack()
    localized.prepare(pack, tmp_path)
    (stored,) = tmp_path.glob("localized-*.json")
    stored.write_text('{"days": [["2026-01-01", "fr"]], "names": []}', encoding="utf-8")
    assert localized.prepare(pack, tmp_path) is False
