"""Phone numbers, sources and their dates: the loader holds them to the pack's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pack.loader import load_pack
from bot.pack.provenance import is_trusted, typed_phone_numbers
from tests.conftest import MINI_PACK, MINI_SCHOOLS, write_pack
from tests.test_loader import TODAY, line_of, problems

# The loader tests' helpers: each problem as "file:line: message".
found = problems


@pytest.mark.parametrize(
    "answer",
    [
        "Call 800-354-0365 for help.",
        "Call (212) 416 0197 today.",
        "Call +1 800 566 7636.",
        "Appelez le 1.800.566.7636.",
        "اتصل بـ ⁨800-354-0365⁩",
        "اتصل بـ ٨٠٠-٣٥٤-٠٣٦٥",  # Arabic-Indic digits
        "ফোন করুন ৮০০-৩৫৪-০৩৬৫",  # Bengali digits
        "Call 311 and ask for ActionNYC.",
        "In danger, call 911.",
    ],
)
def test_a_typed_phone_number_is_an_error_with_its_line(tmp_path: Path, answer: str) -> None:
    schools = MINI_SCHOOLS.replace("Call {hotline} for help.", answer)
    root = write_pack(tmp_path, {"topics/schools.yaml": schools})
    errors = [p for p in found(root) if "typed into the text" in p]
    assert errors, found(root)
    assert errors[0].startswith(f"schools.yaml:{line_of(schools, 'answer: |')}:")
    assert load_pack(root, today=TODAY).pack is None


@pytest.mark.parametrize(
    "text",
    [
        "Call {hotline.phone} or {hotline}.",
        "The rule was proposed on 2025-11-19 (90 FR 52168).",
        "It applied in 2025-2026 and in 2019.",
        "Under 8 U.S.C. 1373 and Local Law 228 of 2017, $17.00 an hour.",
        'See <a href="https://example.org/article/895830897">the notice</a>.',
        "Form I-589 within one year; 9/11 memorial; A-number of 9 digits.",
        "Zip code 10007, 200+ languages, 3-K and Pre-K.",
    ],
)
def test_things_that_are_not_phone_numbers(text: str) -> None:
    assert typed_phone_numbers(text) == []


def test_a_contact_needs_a_source(tmp_path: Path) -> None:
    pack = MINI_PACK.replace(
        "    source: {title: Example hotline page, url: https://example.org/hotline, "
        "checked: 2026-11-01}\n",
        "",
    )
    root = write_pack(tmp_path, {"pack.yaml": pack})
    errors = [p for p in found(root) if "has no source" in p]
    assert errors == [
        f"pack.yaml:{line_of(pack, '  hotline:')}: contact 'hotline' has no "
        "source: add the official page that lists it"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("date: 2025-01-01", "date: 2026-11-02", "is later than its checked date 2026-11-01"),
        ("date: 2025-01-01", "date: 2027-01-01", "date 2027-01-01 is in the future"),
        ("checked: 2026-11-01", "checked: 2026-12-25", "checked date 2026-12-25 is in the future"),
        ("    checked: 2026-11-01\n", "", "required key is missing"),
    ],
)
def test_source_dates(tmp_path: Path, old: str, new: str, expected: str) -> None:
    schools = MINI_SCHOOLS.replace(old, new, 1)
    root = write_pack(tmp_path, {"topics/schools.yaml": schools})
    errors = [p for p in found(root) if expected in p]
    assert errors, found(root)
    assert errors[0].startswith("schools.yaml:")
    assert int(errors[0].split(":")[1]) >= line_of(schools, "sources:")


def test_a_source_date_is_optional(tmp_path: Path) -> None:
    schools = MINI_SCHOOLS.replace("    date: 2025-01-01\n", "", 1)
    root = write_pack(tmp_path, {"topics/schools.yaml": schools})
    assert found(root) == []


def test_an_untrusted_source_host_is_a_warning(tmp_path: Path) -> None:
    schools = MINI_SCHOOLS.replace(
        "url: https://example.org/source", "url: https://www.pressrelease-wire.com/x"
    )
    pack = MINI_PACK.replace(
        "url: https://example.org/hotline, checked", "url: https://blog.example.net/h, checked"
    )
    root = write_pack(tmp_path, {"topics/schools.yaml": schools, "pack.yaml": pack})
    warnings = [w for w in found(root, "warning") if "not in trusted_sources" in w]
    assert any(w.startswith("schools.yaml:") and "'pressrelease-wire.com'" in w for w in warnings)
    assert any(w.startswith("pack.yaml:") and "'blog.example.net'" in w for w in warnings)
    assert load_pack(root, today=TODAY).pack is not None


def test_trusted_hosts_match_whole_labels() -> None:
    trusted = ["nyc.gov", "ny.gov"]
    assert is_trusted("https://www.nyc.gov/site/x", trusted)
    assert is_trusted("https://portal.311.nyc.gov/article", trusted)
    assert is_trusted("https://dos.ny.gov/office", trusted)
    assert not is_trusted("https://fakenyc.gov/x", trusted)
    assert not is_trusted("https://nyc.gov.evil.example/x", trusted)


def test_the_footer_closes_every_answer_and_undated_sources_say_when_checked(
    tmp_path: Path,
) -> None:
    from bot.engine import Engine, Incoming

    pack = MINI_PACK + "footer: {en: General information only., es: Solo informacion general.}\n"
    root = write_pack(tmp_path, {"pack.yaml": pack})
    engine = Engine(root, Path(__file__).resolve().parent.parent / "locales")
    reply = engine.reply(Incoming(command="start", payload="about", chosen_language="en"))
    assert reply.topic == "about"
    assert "<i>General information only.</i>" in reply.text
    assert reply.text.index("General information only.") < reply.text.index("Sources")
    assert "(checked on" in reply.text and "2026-11-01" in reply.text
    dated = engine.reply(Incoming(command="start", payload="schools", chosen_language="es"))
    assert "Solo informacion general." in dated.text
    assert "2025-01-01" in dated.text and "consultada el" not in dated.text
