"""`safecity-bot report`: what editors should fix, from the topic counts.

Per language: typed messages answered, "did you mean", declined, and the
decline rate (where coverage is missing). Per topic: answers shown, helpful
ratio, the reasons for "not helpful". A work list: answers read in a language
whose translation is stale, missing or overdue for review, most read first;
and the topics residents found least helpful. Every figure under K is shown
as "< K" and the figures that would give it away are withheld (suppression.py).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from .. import settings
from ..callbacks import REASONS
from ..pack.loader import load_pack
from ..pack.model import Pack, Topic
from .outcomes import (
    ANSWERED,
    DECLINED,
    DID_YOU_MEAN,
    NO_TOPIC,
    SHOWN,
    UNSUPPORTED,
    URGENT,
    vote_outcome,
)
from .store import DB_NAME, Row, Store
from .suppression import Figure, Group, suppress

WITHHELD = "x"  # a figure hidden so that a small one cannot be worked out
WORST = 10  # topics listed as least helpful
Base = tuple[str, str, str]  # topic, language, outcome


@dataclass
class Cell:
    text: str  # as printed: "12", "< 5", "x", "37%", or a name
    value: float | None = None  # for bars: shown counts and ratios only


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    bar_column: int | None = None  # the column drawn as bars in HTML
    labels: int = 1  # leading columns that name the row


@dataclass
class Report:
    since: str
    until: str
    min_count: int
    tables: list[Table]
    withheld: int  # figures withheld beyond the small ones


class _Figures:
    """Figures as they are declared, then printed once suppression is known."""

    def __init__(self, counts: Counter[Base], topics: list[str], languages: list[str]) -> None:
        self.counts = counts
        self.topics = topics
        self.languages = languages
        self.figures: dict[str, Figure] = {}
        self.groups: list[Group] = []
        self.hidden: set[str] = set()
        self.k = 0

    def add(self, key: str, support: Iterable[Base]) -> str:
        bases = frozenset(support)
        value = sum(self.counts.get(b, 0) for b in bases)
        self.figures[key] = Figure(key, value, bases)
        return key

    def total(self, key: str, parts: list[str]) -> str:
        support: set[Base] = set()
        for part in parts:
            support.update(self.figures[part].support)  # type: ignore[arg-type]
        self.add(key, support)
        self.groups.append(Group(key, tuple(parts)))
        return key

    def settle(self, k: int) -> None:
        self.k = k
        self.hidden = suppress(list(self.figures.values()), k, self.groups)

    def value(self, key: str) -> int:
        return self.figures[key].value

    def shown(self, key: str) -> bool:
        return key not in self.hidden

    def cell(self, key: str) -> Cell:
        value = self.figures[key].value
        if value < self.k:
            return Cell(f"< {self.k}")
        if key in self.hidden:
            return Cell(WITHHELD)
        return Cell(str(value), float(value))

    def ratio(self, numerator: str, parts: list[str]) -> Cell:
        """numerator / sum(parts), only when every one of them is shown."""
        if not all(self.shown(k) for k in [numerator, *parts]):
            return Cell(WITHHELD)
        whole = sum(self.value(p) for p in parts)
        if whole == 0:
            return Cell("-")
        share = self.value(numerator) / whole
        return Cell(f"{share:.0%}", share)


def _reads(topic: str, language: str) -> list[Base]:
    return [(topic, language, o) for o in SHOWN]


def build(
    rows: Iterable[Row],
    pack: Pack,
    min_count: int,
    since: str = "",
    until: str = "",
    today: date | None = None,
) -> Report:
    counts: Counter[Base] = Counter()
    days: set[str] = set()
    for row in rows:
        counts[(row.topic, row.language, row.outcome)] += row.n
        days.add(row.day)
    since = since or min(days, default="")
    until = until or max(days, default="")
    languages = list(dict.fromkeys([*pack.languages, *(lang for _, lang, _ in counts)]))
    known = [t.id for t in pack.translatable()]
    topics = list(dict.fromkeys([*known, *(t for t, _, _ in counts if t != NO_TOPIC)]))
    f = _Figures(counts, topics, languages)

    # Per language: typed messages only (answers opened from buttons are reads, not questions).
    typed: dict[str, Callable[[str], list[Base]]] = {
        "answered": lambda lang: [(t, lang, o) for t in topics for o in (ANSWERED, URGENT)],
        "did you mean": lambda lang: [(NO_TOPIC, lang, DID_YOU_MEAN)],
        "declined": lambda lang: [(NO_TOPIC, lang, DECLINED)],
    }
    for name, support in typed.items():
        parts = [f.add(f"lang:{lang}:{name}", support(lang)) for lang in languages]
        f.total(f"lang:all:{name}", parts)
    f.add("unsupported", [(NO_TOPIC, lang, UNSUPPORTED) for lang in languages])

    # Per topic: shown, helpful, not helpful by reason.
    for topic in topics:
        f.add(f"topic:{topic}:shown", [b for lang in languages for b in _reads(topic, lang)])
        f.add(f"topic:{topic}:helpful", [(topic, lang, "helpful") for lang in languages])
        reasons = [
            f.add(
                f"topic:{topic}:{reason}",
                [(topic, lang, vote_outcome(reason)) for lang in languages],
            )
            for reason in REASONS
        ]
        f.total(f"topic:{topic}:not helpful", reasons)

    # Work list: answers read in a language whose text needs work.
    today = today or date.today()
    needs_work: list[tuple[str, str, str]] = []
    for topic in topics:
        found = pack.find(topic)
        for lang in languages:
            reads = sum(counts.get(b, 0) for b in _reads(topic, lang))
            why = _needs_work(pack, found, lang, today) if found else ""
            if reads and why:
                needs_work.append((topic, lang, why))
                f.add(f"reads:{topic}:{lang}", _reads(topic, lang))

    f.settle(min_count)
    tables = [
        _language_table(f, languages),
        _topic_table(f, pack, topics),
        _work_table(f, pack, needs_work),
        _worst_table(f, pack, topics),
    ]
    primary = sum(1 for fig in f.figures.values() if fig.value < min_count)
    return Report(since, until, min_count, tables, len(f.hidden) - primary)


def _needs_work(pack: Pack, topic: Topic, language: str, today: date) -> str:
    block = topic.blocks.get(language)
    if block is None or not block.answer:
        return "missing (shown in " + pack.default_language + ")"
    reasons = []
    if topic.is_stale(language):
        reasons.append("stale translation")
    if block.reviewed is not None:
        age = (today - block.reviewed).days
        if age > pack.spec.review.max_age_days:
            reasons.append(f"review overdue ({age} days)")
    return ", ".join(reasons)


def _order(f: _Figures, key: Callable[[str], str], items: list[str]) -> list[str]:
    """Most first among the figures shown; hidden ones after, by name, so that
    their order says nothing about their size."""
    return sorted(
        items,
        key=lambda item: (
            not f.shown(key(item)),
            -f.value(key(item)) if f.shown(key(item)) else 0,
            item,
        ),
    )


def _language_table(f: _Figures, languages: list[str]) -> Table:
    table = Table(
        "Messages per language",
        ["language", "answered", "did you mean", "declined", "decline rate"],
        note="Typed messages only. A high decline rate means questions the content does "
        "not cover yet in that language.",
        bar_column=4,
    )
    for lang in [*languages, "all"]:
        keys = [f"lang:{lang}:{c}" for c in ("answered", "did you mean", "declined")]
        table.rows.append(
            [
                Cell(lang),
                *(f.cell(k) for k in keys),
                f.ratio(keys[2], keys),
            ]
        )
    table.rows.append([Cell("not offered"), f.cell("unsupported"), Cell(""), Cell(""), Cell("")])
    return table


def _title(pack: Pack, topic: str) -> str:
    found = pack.find(topic)
    return f"{found.title(pack.default_language)} ({topic})" if found else topic


def _topic_table(f: _Figures, pack: Pack, topics: list[str]) -> Table:
    reasons = [r.replace("_", " ") for r in REASONS]
    table = Table(
        "Answers per topic",
        ["topic", "shown", "helpful", "not helpful", "helpful ratio", *reasons],
        note="Shown: typed questions answered and answers opened from buttons or links.",
        bar_column=1,
    )
    for topic in _order(f, lambda t: f"topic:{t}:shown", topics):
        k = f"topic:{topic}:"
        table.rows.append(
            [
                Cell(_title(pack, topic)),
                f.cell(k + "shown"),
                f.cell(k + "helpful"),
                f.cell(k + "not helpful"),
                f.ratio(k + "helpful", [k + "helpful", k + "not helpful"]),
                *(f.cell(k + r) for r in REASONS),
            ]
        )
    return table


def _work_table(f: _Figures, pack: Pack, needs_work: list[tuple[str, str, str]]) -> Table:
    table = Table(
        "Work list: answers read in a language whose text needs work",
        ["topic", "language", "reads", "why"],
        note="Most read first. Stale: the English changed after this translation was made.",
        bar_column=2,
        labels=2,
    )
    why = {(t, lang): w for t, lang, w in needs_work}
    keys = [f"reads:{t}:{lang}" for t, lang, _ in needs_work]
    for key in _order(f, lambda k: k, keys):
        _, topic, lang = key.split(":")
        table.rows.append(
            [Cell(_title(pack, topic)), Cell(lang), f.cell(key), Cell(why[(topic, lang)])]
        )
    return table


def _worst_table(f: _Figures, pack: Pack, topics: list[str]) -> Table:
    table = Table(
        "Least helpful topics",
        ["topic", "helpful ratio", "votes"],
        note="Only topics whose votes can be shown.",
        bar_column=1,
    )
    rated = []
    for topic in topics:
        k = f"topic:{topic}:"
        ratio = f.ratio(k + "helpful", [k + "helpful", k + "not helpful"])
        if ratio.value is not None:
            rated.append((ratio.value, topic, ratio))
    for _, topic, ratio in sorted(rated)[:WORST]:
        k = f"topic:{topic}:"
        votes = f.value(k + "helpful") + f.value(k + "not helpful")
        table.rows.append([Cell(_title(pack, topic)), ratio, Cell(str(votes), float(votes))])
    return table


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .formats import render

    if args.min_count < 1:
        err.write("safecity-bot report: --min-count must be at least 1\n")
        return 2
    for flag in (args.since, args.until):
        if flag is not None:
            try:
                date.fromisoformat(flag)
            except ValueError:
                err.write(f"safecity-bot report: not a date (YYYY-MM-DD): {flag}\n")
                return 2
    path = settings.data_dir(args.data) / DB_NAME
    if not path.exists():
        err.write(f"safecity-bot report: no counts yet at {path}\n")
        return 1
    loaded = load_pack(settings.content_dir(args.content))
    if loaded.pack is None:
        for problem in loaded.errors:
            err.write(f"{problem}\n")
        return 1
    store = Store(path, readonly=True)
    try:
        rows = list(store.rows(args.since, args.until))
    finally:
        store.close()
    report = build(rows, loaded.pack, args.min_count, args.since or "", args.until or "")
    text = render(report, args.format)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0
