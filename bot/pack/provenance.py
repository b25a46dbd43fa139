"""Where an answer's facts come from: sources, their dates and hosts, and contacts.

Residents act on the phone numbers and the sources an answer shows, so these
checks hold them to a higher bar than prose: every number lives in one place
(a contact with its own source), a source says when it was published apart from
when someone checked it, and the hosts shown come from a list the pack trusts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from .model import PackFile, Source

# A run of digits with the separators people write phone numbers with.
_NUMBER_RUN = re.compile(r"\+?\d[\d \u00a0().\-]{4,}\d")
# Three-digit service numbers (311, 911, 211...) standing alone.
_SERVICE_NUMBER = re.compile(r"(?<![\d.,/-])\b[2-9]11\b(?![\d/-]|[.,]\d)")
# Dates and year ranges ("2025-11-19", "2025-2026") are not phone numbers.
_DATE_LIKE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|(19|20)\d{2} ?[-–] ?(19|20)\d{2})\b")
_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{[a-z0-9_]+(?:\.[a-z]+)?\}")
MIN_PHONE_DIGITS = 7


def _ascii_digits(text: str) -> str:
    """Arabic-Indic, Bengali and other decimal digits as 0-9, so a number typed
    in any script is seen."""
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )


def typed_phone_numbers(answer: str) -> list[str]:
    """Phone numbers written into answer text instead of a {contact} placeholder.

    Link targets and placeholders are left out; ISO dates are not numbers.
    """
    text = _ascii_digits(_PLACEHOLDER.sub(" ", _TAG.sub(" ", answer)))
    text = _DATE_LIKE.sub(" ", text)
    found = []
    for match in _NUMBER_RUN.finditer(text):
        run = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in run)
        if digits >= MIN_PHONE_DIGITS:
            found.append(run)
    found.extend(m.group(0) for m in _SERVICE_NUMBER.finditer(text))
    return found


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def is_trusted(url: str, trusted: Iterable[str]) -> bool:
    name = host(url)
    return any(name == d or name.endswith("." + d) for d in (t.lower() for t in trusted))


def source_problems(source: Source, today: date) -> list[str]:
    """What is wrong with a source's dates, in words an editor can act on."""
    problems = []
    if source.checked > today:
        problems.append(f"checked date {source.checked} is in the future")
    if source.date is not None:
        if source.date > today:
            problems.append(f"date {source.date} is in the future")
        elif source.date > source.checked:
            problems.append(
                f"date {source.date} is later than its checked date {source.checked}: "
                "a source cannot be checked before it was published"
            )
    return problems


def untrusted_host_message(url: str, spec: PackFile) -> str | None:
    if not spec.trusted_sources or is_trusted(url, spec.trusted_sources):
        return None
    return (
        f"source host {host(url)!r} is not in trusted_sources (pack.yaml): "
        "residents should see official or primary sources"
    )
