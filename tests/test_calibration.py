"""Thresholds measured on each pack (bot/calibration.py): raised only where a
pack is riskier than the one they were tuned on, and cached."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot import calibration
from bot.engine import Engine, Incoming, build_brain
from bot.matching import Settings
from tests.conftest import CHICAGO, LOCALES, ROOT

# The targets of the second-city issue, on messages the pack never saw.
CHICAGO_RIGHT = 0.85
CHICAGO_OFF_TOPIC_WRONG = 0.03


def test_new_york_thresholds_are_the_shipped_ones(engine: Engine) -> None:
    """The pack the thresholds were tuned on is not re-tuned: no loss there."""
    assert engine.brain.calibration.answer_raise == 0
    assert engine.brain.calibration.choice_raise == 0
    assert engine.brain.matcher.settings == Settings()
    assert engine.brain.calibration.held_out >= 100


def test_chicago_meets_the_targets_on_unseen_messages(chicago_engine: Engine) -> None:
    rows = [
        json.loads(line)
        for line in (ROOT / "bench" / "heldout" / "chicago.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    on = [r for r in rows if r["topic"]]
    off = [r for r in rows if not r["topic"]]
    right = sum(chicago_engine.reply(Incoming(text=r["text"])).topic == r["topic"] for r in on)
    wrong = sum(chicago_engine.reply(Incoming(text=r["text"])).topic is not None for r in off)
    assert len(on) >= 45 and len(off) >= 15
    assert right / len(on) >= CHICAGO_RIGHT
    assert wrong / len(off) <= CHICAGO_OFF_TOPIC_WRONG


@pytest.fixture
def thin_pack(tmp_path: Path) -> Path:
    """Chicago without its out-of-scope questions and small talk: off-topic
    questions now have nothing to match but topics."""
    pack = tmp_path / "thin"
    shutil.copytree(CHICAGO, pack)
    conversation = yaml.safe_load((pack / "conversation.yaml").read_text("utf-8"))
    for intent in ("out_of_scope", "smalltalk"):
        del conversation["intents"][intent]
    (pack / "conversation.yaml").write_text(yaml.safe_dump(conversation, allow_unicode=True))
    return pack


def test_a_riskier_pack_gets_higher_thresholds(thin_pack: Path, tmp_path: Path) -> None:
    brain, _ = build_brain(thin_pack, LOCALES, cache_dir=tmp_path / "cache")
    assert brain is not None
    measured = brain.calibration
    assert measured.answer_raise + measured.choice_raise > 0
    assert measured.off_topic > 0  # the bot's own generic questions stand in for the pack's
    tuned = brain.matcher.settings
    shipped = Settings()
    assert tuned.answer_score >= shipped.answer_score
    assert tuned.choice_score >= shipped.choice_score
    assert tuned.choice_score + tuned.answer_score > shipped.choice_score + shipped.answer_score


def test_thresholds_are_cached_with_the_weights(
    thin_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first, _ = build_brain(thin_pack, LOCALES, cache_dir=cache)
    assert first is not None
    assert len(list(cache.glob("calibration-*.json"))) == 1

    def measured_again(*args: object, **kwargs: object) -> calibration.Calibration:
        raise AssertionError("unchanged content must not be measured again")

    monkeypatch.setattr(calibration, "calibrate", measured_again)
    second, _ = build_brain(thin_pack, LOCALES, cache_dir=cache)
    assert second is not None
    assert second.calibration == first.calibration
    assert second.matcher.settings == first.matcher.settings


def test_a_damaged_cache_is_measured_again(thin_pack: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, _ = build_brain(thin_pack, LOCALES, cache_dir=cache)
    for path in cache.glob("calibration-*.json"):
        path.write_text("{not json", encoding="utf-8")
    second, _ = build_brain(thin_pack, LOCALES, cache_dir=cache)
    assert first is not None and second is not None
    assert second.calibration == first.calibration


def test_new_references_measure_again(
    thin_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A result cached against other references is not reused: when New York's
    rates are measured again, every pack's thresholds follow."""
    cache = tmp_path / "cache"
    build_brain(thin_pack, LOCALES, cache_dir=cache)
    measured = []
    real = calibration.calibrate

    def counted(*args: object, **kwargs: object) -> calibration.Calibration:
        measured.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(calibration, "calibrate", counted)
    monkeypatch.setattr(calibration, "REFERENCE_UNSEEN", calibration.REFERENCE_UNSEEN - 0.05)
    build_brain(thin_pack, LOCALES, cache_dir=cache)
    assert measured == [1]
