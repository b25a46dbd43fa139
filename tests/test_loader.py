"""The loader reports every kind of content error with its file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.pack.loader import load_pack
from tests.conftest import MINI_ABOUT, MINI_PACK, MINI_SCHOOLS, write_pack

TODAY = date(2026, 11, 28)


def problems(root: Path, severity: str = "error") -> list[str]:
    result = load_pack(root, today=TODAY)
    return [
        f"{Path(p.path).name}:{p.line}: {p.message}"
        for p in result.problems
        if p.severity == severity
    ]


def line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_the_mini_pack_loads(tmp_path: Path) -> None:
    result = load_pack(write_pack(tmp_path), today=TODAY)
    assert result.pack is not None, result.problems
    assert not result.errors
    assert set(result.pack.topics) == {"schools", "about"}


@pytest.mark.parametrize(
    ("file", "old", "new", "expected", "needle"),
    [
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [nowhere]",
            "unknown related topic 'nowhere'",
            "related:",
        ),
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [about]\nneeds_signals: [enforcment]",
            "unknown signal 'enforcment'",
            "needs_signals:",
        ),
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [about]\nanswers_several: [place_school, place_nowhere]",
            "unknown signal 'place_school'",
            "answers_several:",
        ),
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [about]\nclaims_signals: [benefit]",
            "unknown signal 'benefit'",
            "claims_signals:",
        ),
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [about]\nshares_signals: [jial]",
            "unknown signal 'jial'",
            "shares_signals:",
        ),
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [about]\nanswers_alone: [who_asks]",
            "unknown signal 'who_asks'",
            "answers_alone:",
        ),
        (
            "pack.yaml",
            "topics: [schools, about]",
            "topics: [schools, about, ghost]",
            "unknown topic id 'ghost'",
            "topics: [schools",
        ),
        (
            "topics/schools.yaml",
            "  es:\n    title: Agentes",
            "  xx:\n    title: Agentes",
            "unknown language code 'xx'",
            "  xx:",
        ),
        (
            "pack.yaml",
            "languages: [en, es]",
            "languages: [en, es, qq]",
            "unknown language code 'qq'",
            "languages:",
        ),
        (
            "topics/schools.yaml",
            "Call {hotline} for help.",
            "Call {nobody} for help.",
            "unknown contact {nobody}",
            "answer: |",
        ),
        (
            "topics/schools.yaml",
            "<b>Schools do not",
            "<p>Schools do not",
            "tag <p> is not supported by Telegram",
            "answer: |",
        ),
        (
            "topics/schools.yaml",
            "Call {hotline} for help.",
            "Call {hotline} & friends.",
            "bare '&'",
            "answer: |",
        ),
        (
            "topics/schools.yaml",
            "date: 2025-01-01",
            "date: 2025-13-01",
            "bad value '2025-13-01'",
            "date:",
        ),
        (
            "topics/schools.yaml",
            "    reviewed: 2026-11-01\n    answer: |\n      <b>Schools",
            "    reviewed: 2026-1-1\n    answer: |\n      <b>Schools",
            "reviewed",
            "reviewed: 2026-1-1",
        ),
        (
            "topics/schools.yaml",
            "id: schools",
            "id: school",
            "must match the file name",
            "id: school",
        ),
        (
            "topics/schools.yaml",
            "related: [about]",
            "related: [about]\ncolour: red",
            "unknown key",
            "colour: red",
        ),
        ("topics/schools.yaml", "related: [about]", "related: [about\n", "YAML syntax", None),
    ],
)
def test_each_error_is_reported_with_its_line(
    tmp_path: Path, file: str, old: str, new: str, expected: str, needle: str | None
) -> None:
    original = {"pack.yaml": MINI_PACK, "topics/schools.yaml": MINI_SCHOOLS}[file]
    assert old in original
    text = original.replace(old, new)
    root = write_pack(tmp_path, {file: text})
    found = problems(root)
    matching = [p for p in found if expected in p]
    assert matching, found
    assert all(p.startswith(Path(file).name + ":") for p in matching)
    if needle:
        want = line_of(text, needle)
        assert any(p.split(":")[1] == str(want) for p in matching), (matching, want)
    assert load_pack(root, today=TODAY).pack is None


def test_missing_default_language_answer_is_an_error(tmp_path: Path) -> None:
    text = MINI_ABOUT.replace("  en:\n", "  es:\n")
    root = write_pack(tmp_path, {"topics/about.yaml": text})
    assert any("no 'en' answer" in p for p in problems(root))


def test_answer_over_telegram_limit_is_an_error(tmp_path: Path) -> None:
    long = "    answer: " + "word " * 900 + "\n"
    text = MINI_ABOUT.replace(
        "    answer: This bot gives general information, not legal advice.\n", long
    )
    root = write_pack(tmp_path, {"topics/about.yaml": text})
    found = problems(root)
    assert any("Telegram allows 4096" in p and p.startswith("about.yaml:") for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    schools = MINI_SCHOOLS.replace("related: [about]", "related: [nowhere]").replace(
        "{hotline}", "{nobody}"
    )
    pack = MINI_PACK.replace("topics: [schools, about]", "topics: [schools, about, ghost]")
    root = write_pack(tmp_path, {"topics/schools.yaml": schools, "pack.yaml": pack})
    found = problems(root)
    assert any("nowhere" in p for p in found)
    assert any("{nobody}" in p for p in found)
    assert any("ghost" in p for p in found)


def test_warnings_missing_translation_duplicates_and_old_reviews(tmp_path: Path) -> None:
    about = MINI_ABOUT.replace("reviewed: 2026-11-01", "reviewed: 2025-01-01").replace(
        "examples: [who made this bot",
        "examples: [can ice come to my kids school, who made this bot",
    )
    root = write_pack(tmp_path, {"topics/about.yaml": about})
    warnings = problems(root, "warning")
    assert any("no 'es' translation yet" in w and w.startswith("about.yaml") for w in warnings)
    dup = [w for w in warnings if "is also under" in w]
    assert dup and "schools.yaml:" in dup[0], warnings
    assert any("days ago" in w and "180" in w for w in warnings), warnings
    assert load_pack(root, today=TODAY).pack is not None  # warnings do not block loading


def test_stale_translation_is_a_warning_after_the_source_changes(tmp_path: Path) -> None:
    from bot.pack.model import source_version

    title = "Agents at schools"
    answer = (
        "<b>Schools do not let agents in without a judge's warrant.</b>\n\n"
        "Call {hotline} for help.\n"
    )
    version = source_version(title, answer)
    schools = MINI_SCHOOLS.replace(
        "    title: Agentes en las escuelas\n",
        f"    title: Agentes en las escuelas\n    translated_from: {version}\n",
    )
    root = write_pack(tmp_path, {"topics/schools.yaml": schools})
    assert not [w for w in problems(root, "warning") if "stale" in w]
    edited = schools.replace("Call {hotline} for help.", "Call {hotline} today.")
    root = write_pack(tmp_path, {"topics/schools.yaml": edited})
    stale = [w for w in problems(root, "warning") if "stale" in w]
    assert stale and "'es'" in stale[0]


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    root = write_pack(tmp_path)
    (root / "topics" / "about.yaml").write_bytes(b"\xff\xfe\x00bad")
    found = problems(root)
    assert any(p.startswith("about.yaml:1: not UTF-8") for p in found), found
    (root / "topics" / "about.yaml").write_text("", encoding="utf-8")
    assert any("empty" in p for p in problems(root))


@pytest.mark.parametrize(
    ("sentence", "warned"),
    [
        ("Call the Test Hotline, {hotline}.", True),
        ("Llame a la línea Test Hotline: {hotline}", True),
        ("Call the Test Hotline at {hotline.phone}.", False),
        ("For help, call {hotline}.", False),
        ("The hotline is free. Call {hotline}.", False),  # one word of two, another sentence
    ],
)
def test_a_contact_named_twice_is_a_warning(tmp_path: Path, sentence: str, warned: bool) -> None:
    """{hotline} prints the contact's name: a sentence that already gives it
    wants {hotline.phone}."""
    schools = MINI_SCHOOLS.replace("Call {hotline} for help.", sentence)
    assert sentence in schools
    root = write_pack(tmp_path, {"topics/schools.yaml": schools})
    found = [w for w in problems(root, "warning") if "prints the contact's name" in w]
    assert bool(found) == warned, found
    if warned:
        assert found[0].startswith("schools.yaml:") and "{hotline.phone}" in found[0]


# -- the checks of unchanged content are remembered (bot/pack/checked.py) ----


def test_unchanged_content_is_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.pack import loader

    about = MINI_ABOUT.replace("reviewed: 2026-11-01", "reviewed: 2025-01-01")
    root = write_pack(tmp_path / "pack", {"topics/about.yaml": about})
    cache = tmp_path / "cache"
    first = load_pack(root, today=TODAY, cache_dir=cache)
    assert first.pack is not None and first.warnings  # something to remember
    assert first.problems == load_pack(root, today=TODAY).problems  # the same as uncached

    def checked_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("unchanged content must not be checked again")

    monkeypatch.setattr(loader, "_check", checked_again)
    second = load_pack(root, today=TODAY, cache_dir=cache)
    assert second.problems == first.problems
    assert second.pack is not None and set(second.pack.topics) == {"schools", "about"}


@pytest.mark.parametrize("change", ["content", "day", "damaged"])
def test_changed_content_or_day_is_checked_again(tmp_path: Path, change: str) -> None:
    root = write_pack(tmp_path / "pack")
    cache = tmp_path / "cache"
    first = load_pack(root, today=TODAY, cache_dir=cache)
    assert not first.errors and not [p for p in first.warnings if "days ago" in p.message]
    today = TODAY
    if change == "content":  # an unknown topic in the menu: only the checks see it
        pack = (root / "pack.yaml").read_text("utf-8")
        (root / "pack.yaml").write_text(pack.replace("[schools", "[ghost, schools"), "utf-8")
    elif change == "day":  # a review grows old
        today = date(2027, 12, 1)
    else:
        for path in cache.glob("checks-*.json"):
            path.write_text("[[1, 2", "utf-8")
    again = load_pack(root, today=today, cache_dir=cache)
    assert again.problems == load_pack(root, today=today).problems
    if change == "content":
        assert any("ghost" in p.message for p in again.errors) and again.pack is None
    elif change == "day":
        assert any("days ago" in p.message for p in again.warnings)
    else:
        assert again.problems == first.problems
