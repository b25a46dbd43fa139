"""The editors' report: its figures, its formats, and small-cell suppression.

The suppression tests are built on one idea: a small figure is safe when the
report would read exactly the same had it been another small number. So each
test makes two sets of counts that differ only in one cell under K (3 and 1)
and asserts the two reports are identical, in every format, and that "3"
is printed nowhere for that cell.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.stats import DB_NAME, Store
from bot.stats.formats import render
from bot.stats.report import Report, build
from bot.stats.store import Row
from bot.stats.suppression import Figure, Group, suppress
from tests.test_cli import run

Counts = Mapping[tuple[str, str, str], int]
LANGS = ("en", "es", "zh", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl")
FAR_FUTURE = date(2031, 1, 1)  # every review overdue: every read pair is on the work list


def rows(counts: Counts, day: str = "2026-12-01") -> list[Row]:
    return [Row(day, t, lang, o, n) for (t, lang, o), n in counts.items()]


def report(engine: Engine, counts: Counts, k: int = 5, today: date | None = None) -> Report:
    return build(rows(counts), engine.brain.pack, k, today=today)


def busy(**extra: int) -> dict[tuple[str, str, str], int]:
    """Plenty in every language, so that only the cells a test sets are small."""
    counts = {}
    for i, lang in enumerate(LANGS):
        counts[("ice-at-schools", lang, "answered")] = 40 + i
        counts[("legal-help", lang, "opened")] = 20 + i
        counts[("-", lang, "did_you_mean")] = 10 + i
        counts[("-", lang, "declined")] = 12 + i
        counts[("ice-at-schools", lang, "helpful")] = 9 + i
        counts[("ice-at-schools", lang, "not_helpful_wrong_topic")] = 7 + i
    return counts


def cells(r: Report) -> dict[tuple[str, str, str], str]:
    """Every printed cell, through the CSV format."""
    out = csv.DictReader(io.StringIO(render(r, "csv")))
    return {(c["section"], c["row"], c["column"]): c["value"] for c in out}


def assert_same_report(a: Report, b: Report) -> None:
    for fmt in ("md", "csv", "html"):
        assert render(a, fmt) == render(b, fmt), fmt


def test_per_language_figures_and_decline_rate(engine: Engine) -> None:
    got = cells(report(engine, busy()))
    section = "Messages per language"
    assert got[(section, "es", "answered")] == "41"
    assert got[(section, "es", "did you mean")] == "11"
    assert got[(section, "es", "declined")] == "13"
    assert got[(section, "es", "decline rate")] == f"{13 / (41 + 11 + 13):.0%}"
    assert got[(section, "all", "declined")] == str(sum(12 + i for i in range(11)))
    topics = "Answers per topic"
    name = "Immigration agents at schools (ice-at-schools)"
    assert got[(topics, name, "shown")] == str(sum(40 + i for i in range(11)))
    helpful, wrong = sum(9 + i for i in range(11)), sum(7 + i for i in range(11))
    assert got[(topics, name, "helpful ratio")] == f"{helpful / (helpful + wrong):.0%}"
    assert got[(topics, name, "wrong topic")] == str(wrong)


def test_a_small_language_cell_is_hidden_and_so_is_its_column_total(engine: Engine) -> None:
    three = busy()
    three[("-", "pl", "declined")] = 3
    one = {**three, ("-", "pl", "declined"): 1}
    a, b = report(engine, three), report(engine, one)
    assert_same_report(a, b)
    got = cells(a)
    assert got[("Messages per language", "pl", "declined")] == "< 5"
    assert got[("Messages per language", "all", "declined")] == "x"
    assert got[("Messages per language", "pl", "decline rate")] == "x"
    assert got[("Messages per language", "es", "declined")] == "13"  # the rest stays


def test_a_small_reason_hides_the_not_helpful_total_and_the_ratio(engine: Engine) -> None:
    three = busy()
    for lang in LANGS:
        three[("legal-help", lang, "helpful")] = 6
    three[("legal-help", "es", "not_helpful_out_of_date")] = 3
    one = {**three, ("legal-help", "es", "not_helpful_out_of_date"): 1}
    a = report(engine, three)
    assert_same_report(a, report(engine, one))
    name = "Free immigration legal help (legal-help)"
    got = cells(a)
    section = "Answers per topic"
    assert got[(section, name, "out of date")] == "< 5"
    assert got[(section, name, "not helpful")] == "< 5"
    assert got[(section, name, "helpful")] == "66"
    assert got[(section, name, "helpful ratio")] == "x"
    assert name not in render(a, "md").split("## Least helpful topics")[1]


def test_a_small_read_on_the_work_list_is_not_given_away_by_the_topics_total(
    engine: Engine,
) -> None:
    """The topic's "shown" is the sum of its reads per language, all on the work
    list when every review is overdue: one of them hidden, the total must go."""
    three = busy()
    three[("legal-help", "ko", "opened")] = 3
    one = {**three, ("legal-help", "ko", "opened"): 1}
    a = report(engine, three, today=FAR_FUTURE)
    assert_same_report(a, report(engine, one, today=FAR_FUTURE))
    got = cells(a)
    name = "Free immigration legal help (legal-help)"
    work = "Work list: answers read in a language whose text needs work"
    reads = {r: v for (t, r, c), v in got.items() if t == work and c == "reads"}
    assert reads[f"{name} / ko"] == "< 5"
    assert sum(r.startswith(name) for r in reads) == 11  # every language on the list
    assert got[("Answers per topic", name, "shown")] == "x"


def test_a_cell_of_3_never_appears_as_3_anywhere(engine: Engine) -> None:
    three = busy()
    three[("-", "ht", "did_you_mean")] = 3  # a cell of the language table
    three[("detainers", "ur", "answered")] = 3  # a topic read 3 times, in one language
    three[("detainers", "ur", "helpful")] = 3
    a = report(engine, three, today=FAR_FUTURE)
    # The language table's cell feeds only figures that are hidden: the
    # report reads the same whether it is 3 or 1.
    assert_same_report(
        a, report(engine, {**three, ("-", "ht", "did_you_mean"): 1}, today=FAR_FUTURE)
    )
    for fmt in ("md", "csv", "html"):
        text = render(a, fmt)
        assert not re.search(r"(?<![\d.])3(?![\d%])", strip_labels(text)), fmt
    got = cells(a)
    assert (
        got[("Answers per topic", "ICE holds (detainers) after an arrest (detainers)", "helpful")]
        == "< 5"
    )


def strip_labels(text: str) -> str:
    # Titles, dates and the legend may hold digits of their own.
    text = re.sub(r"\(\d+ withheld\)", "", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}|review overdue \(\d+ days\)|< \d+", "", text)
    return re.sub(r'width="\d+"|height="\d+"|#[0-9a-f]{6}|\d+(\.\d+)?(em|px)', "", text)


def test_complementary_suppression_breaks_every_subtraction() -> None:
    def f(key: str, value: int, *bases: int) -> Figure:
        return Figure(key, value, frozenset(bases))

    # A 2 x 2 table with row and column totals: one small cell, and the least
    # withheld that keeps it from being worked out.
    figures = [
        f("a", 3, 1),
        f("b", 10, 2),
        f("c", 20, 3),
        f("d", 7, 4),
        f("r1", 13, 1, 2),
        f("r2", 27, 3, 4),
        f("c1", 23, 1, 3),
        f("c2", 17, 2, 4),
    ]
    assert suppress(figures, 5) == {"a", "r1", "c1"}
    figures.append(f("all", 50, 1, 2, 3, 4))
    hidden = suppress(figures, 5)
    assert {"a", "all"} <= hidden
    # An explicit total goes with any of its parts.
    assert suppress(
        [f("p", 3, 1), f("q", 9, 2), f("t", 12, 1, 2)], 5, [Group("t", ("p", "q"))]
    ) == {
        "p",
        "t",
    }
    # Two small parts: neither is given away by a shown total of them ("< 5" twice, total 8).
    hidden = suppress([f("p", 4, 1), f("q", 4, 2), f("t", 8, 1, 2)], 5, [Group("t", ("p", "q"))])
    assert hidden == {"p", "q", "t"}
    # Three "< 5" adding up to 3: any of them could hold it, so the total stays.
    parts = [f("p", 3, 1), f("q", 0, 2), f("r", 0, 3), f("s", 20, 4)]
    group = Group("t", ("p", "q", "r", "s"))
    assert suppress([*parts, f("t", 23, 1, 2, 3, 4)], 5, [group]) == {"p", "q", "r"}
    # A withheld part is at least K: 3 + a withheld 5 = 8 pins both down.
    parts = [f("p", 3, 1), f("w", 5, 2), f("s", 20, 3), f("w2", 5, 2, 9)]
    hidden = suppress([*parts, f("t", 28, 1, 2, 3)], 5, [Group("t", ("p", "w", "s"))])
    assert "t" in hidden or "w" not in hidden


def test_html_is_one_self_contained_file(engine: Engine) -> None:
    page = render(report(engine, busy(), today=FAR_FUTURE), "html")
    assert page.startswith("<!doctype html>")
    assert "<svg" in page and "<rect" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_report_command(tmp_path: Path) -> None:
    store = Store(tmp_path / DB_NAME)
    store.add({("2026-11-30", "ice-at-schools", "es", "answered"): 7})
    store.add({("2026-12-01", "ice-at-schools", "es", "answered"): 3})
    store.close()
    env = {"SAFECITY_DATA": str(tmp_path)}
    out = run("report", "--format", "csv", env=env)
    assert out.returncode == 0, out.stderr
    assert "Messages per language,es,answered,10" in out.stdout
    out = run("report", "--format", "csv", "--since", "2026-12-01", env=env)
    assert "Messages per language,es,answered,< 5" in out.stdout
    out = run("report", "--until", "2026-11-30", "--min-count", "8", env=env)
    assert "| es | < 8 |" in out.stdout
    page = tmp_path / "report.html"
    assert run("report", "--format", "html", "--out", str(page), env=env).returncode == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert run("report", "--since", "yesterday", env=env).returncode == 2
    empty = run("report", env={"SAFECITY_DATA": str(tmp_path / "none")})
    assert empty.returncode == 1 and "no counts yet" in empty.stderr
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("k", [1, 5, 10])
def test_no_figure_under_k_is_printed(engine: Engine, k: int) -> None:
    counts = busy()
    counts[("-", "pl", "declined")] = 2
    r = report(engine, counts, k=k)
    for (_, _, column), value in cells(r).items():
        if value.isdigit():
            assert int(value) >= k, (column, value)


# -- an independent check, exact arithmetic ---------------------------------------
def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination over the rationals (no floating point)."""
    matrix = [r[:] for r in rows]
    rank, width = 0, len(matrix[0]) if matrix else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                factor = matrix[i][col] / matrix[rank][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=12), min_size=3, max_size=3),
        min_size=2,
        max_size=4,
    )
)
def test_no_hidden_cell_of_a_table_with_totals_can_be_computed(table: list[list[int]]) -> None:
    """Random tables with row, column and grand totals: no hidden non-zero
    figure is a combination of printed ones (checked exactly), and no printed
    total pins a hidden part down by the bounds a reader knows."""
    k = 5
    figures: list[Figure] = []
    groups: list[Group] = []
    cols = len(table[0])
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            figures.append(Figure(f"{r},{c}", value, frozenset({(r, c)})))
    for r, row in enumerate(table):
        parts = tuple(f"{r},{c}" for c in range(cols))
        figures.append(Figure(f"row{r}", sum(row), frozenset((r, c) for c in range(cols))))
        groups.append(Group(f"row{r}", parts))
    for c in range(cols):
        parts = tuple(f"{r},{c}" for r in range(len(table)))
        total = sum(row[c] for row in table)
        figures.append(Figure(f"col{c}", total, frozenset((r, c) for r in range(len(table)))))
        groups.append(Group(f"col{c}", parts))
    everything = frozenset((r, c) for r in range(len(table)) for c in range(cols))
    figures.append(Figure("all", sum(map(sum, table)), everything))
    hidden = suppress(figures, k, groups)
    assert all(f.key in hidden for f in figures if f.value < k)
    bases = sorted(everything)

    def vector(f: Figure) -> list[Fraction]:
        return [Fraction(1 if b in f.support else 0) for b in bases]

    shown = [vector(f) for f in figures if f.key not in hidden]
    base_rank = _rank(shown) if shown else 0
    for f in figures:
        if f.key in hidden and f.value > 0:
            assert _rank([*shown, vector(f)]) > base_rank, (f.key, table, sorted(hidden))
    by_key = {f.key: f for f in figures}
    for group in groups:
        if group.total in hidden:
            continue
        secret = [by_key[p] for p in group.parts if p in hidden]
        left = by_key[group.total].value - sum(
            by_key[p].value for p in group.parts if p not in hidden
        )
        # Every way of filling the hidden parts within what a reader knows:
        # each non-zero hidden part must be able to take two values.
        ranges = [range(k) if f.value < k else range(k, left + 1) for f in secret]
        seen: dict[str, set[int]] = {f.key: set() for f in secret}
        for combo in itertools.product(*ranges):
            if sum(combo) == left:
                for f, v in zip(secret, combo, strict=True):
                    seen[f.key].add(v)
        for f in secret:
            if f.value > 0:
                assert len(seen[f.key]) > 1, (f.key, group.total, table)
