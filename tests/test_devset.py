"""The quality bar on the labelled dev set (shared/eval/dev.jsonl)."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.evaluate import evaluate, read_jsonl
from tests.conftest import DEV_SET

# The translations issue's bar: 92% overall, 88% in every language, at most 3%
# wrong (the core issue asked for 90% / 80% / 4%).
OVERALL_RIGHT = 0.92
PER_LANGUAGE_RIGHT = 0.88
MAX_WRONG = 0.03


@pytest.fixture(scope="module")
def report(engine: Engine):  # type: ignore[no-untyped-def]
    if not DEV_SET.exists():
        pytest.skip("dev set not available")
    result = evaluate(engine, read_jsonl(DEV_SET))
    print("\n" + result.table())
    return result


def test_overall_right(report) -> None:  # type: ignore[no-untyped-def]
    assert report.overall.right_rate >= OVERALL_RIGHT, report.table()


def test_every_language(report) -> None:  # type: ignore[no-untyped-def]
    weak = {
        lang: t.right_rate
        for lang, t in report.by_language.items()
        if t.right_rate < PER_LANGUAGE_RIGHT
    }
    assert not weak, report.table()


def test_wrong_answers_are_rare(report) -> None:  # type: ignore[no-untyped-def]
    assert report.overall.wrong_rate <= MAX_WRONG, report.table()


def test_did_you_mean_usually_contains_the_label(report) -> None:  # type: ignore[no-untyped-def]
    t = report.overall
    if t.choices:
        assert t.label_in_choices / t.choices >= 0.6, report.table()
