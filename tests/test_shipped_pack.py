"""The shipped New York City pack: complete, valid, and independent of the dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.engine import Engine, Incoming
from bot.html import validate, visible_length
from bot.normalize import normalize
from bot.pack.loader import MIN_EXAMPLES, load_pack
from tests.conftest import CHICAGO, CONTENT, DEV_SET, SHARED

NYC_LANGUAGES = ("en", "es", "zh", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl")


def spec_ids() -> list[str]:
    path = SHARED / "spec" / "topics.yaml"
    if not path.exists():
        pytest.skip("shared spec not available")
    return [t["id"] for t in yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]]


def test_pack_loads_without_errors() -> None:
    result = load_pack(CONTENT)
    assert not result.errors, "\n".join(map(str, result.errors))
    assert result.pack is not None


def test_all_spec_topics_exist(engine: Engine) -> None:
    assert set(spec_ids()) <= set(engine.brain.pack.topics)


def test_nyc_language_access_languages(engine: Engine) -> None:
    assert engine.brain.pack.languages == NYC_LANGUAGES


def test_every_answer_in_every_language(engine: Engine) -> None:
    for topic in engine.brain.pack.topics.values():
        for lang in NYC_LANGUAGES:
            block = topic.blocks.get(lang)
            assert block and block.answer and block.title and block.reviewed, (topic.id, lang)
            assert not topic.is_stale(lang), (topic.id, lang)
            if lang != "en":
                assert block.translated_from == topic.source_version(), (topic.id, lang)
        assert topic.sources


def test_every_category_titled_in_every_language(engine: Engine) -> None:
    for category in engine.brain.pack.menu:
        assert set(category.title) == set(NYC_LANGUAGES), category.id


def test_enough_example_questions_in_every_language(engine: Engine) -> None:
    for topic in engine.brain.pack.topics.values():
        for lang in NYC_LANGUAGES:
            block = topic.blocks.get(lang)
            assert block is not None and len(block.examples) >= MIN_EXAMPLES, (topic.id, lang)


@pytest.mark.parametrize("content", [CONTENT, CHICAGO], ids=["nyc", "chicago"])
def test_no_example_question_copies_the_dev_set_or_the_held_out_messages(content: Path) -> None:
    sets = [DEV_SET] if DEV_SET.exists() else []
    sets += sorted((CONTENT.parent / "bench" / "heldout").glob("*.jsonl"))
    assert CONTENT.parent / "bench" / "heldout" / "chicago.jsonl" in sets
    assert sets
    # A one-to-three-word line ("hola", "free lawyer", kind "short") is a
    # keyword every pack should list, not a sentence to copy.
    rows = [
        json.loads(line)
        for path in sets
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    dev = {normalize(row["text"]) for row in rows if row.get("kind") != "short"}
    dev.discard("")
    result = load_pack(content)
    assert result.pack is not None
    copied = [
        (topic.id, lang, example)
        for topic in result.pack.topics.values()
        for lang, block in topic.blocks.items()
        for example in block.examples
        if normalize(example) in dev
    ]
    for intent, per_lang in result.pack.conversation.intents.items():
        copied += [
            (intent, lang, ex)
            for lang, exs in per_lang.items()
            for ex in exs
            if normalize(ex) in dev
        ]
    assert not copied, copied


def test_every_answer_renders_within_limits_in_every_language(engine: Engine) -> None:
    for topic in engine.brain.pack.topics.values():
        for lang in engine.brain.pack.languages:
            reply = engine.reply(Incoming(callback=f"t:{topic.id}:{lang}"))
            assert reply.topic == topic.id
            assert not validate(reply.text), (topic.id, lang)
            assert visible_length(reply.text) <= 4096, (topic.id, lang)
            assert "{" not in reply.text, (topic.id, lang, "unexpanded placeholder")


def test_right_to_left_replies_isolate_left_to_right_runs(engine: Engine) -> None:
    """Phone numbers, URLs and Latin names inside Arabic and Urdu read as units."""
    from bot.bidi import unisolated_runs
    from bot.html import visible_text

    for lang in ("ar", "ur"):
        for topic in engine.brain.pack.topics.values():
            reply = engine.reply(Incoming(callback=f"t:{topic.id}:{lang}"))
            assert not unisolated_runs(visible_text(reply.text)), (lang, topic.id)
            for row in reply.buttons:
                for button in row:
                    assert not unisolated_runs(button.label), (lang, button.label)


def test_isolation_helpers() -> None:
    from bot.bidi import FSI, PDI, isolate_runs, unisolated_runs

    text = "اتصل بـ 1-800-566-7636 أو {nyc311} (الأمر 41) <b>NYC Care</b> سنة 2025"
    assert unisolated_runs(text) == ["1-800-566-7636", "NYC Care"]
    fixed = isolate_runs(text)
    assert f"{FSI}1-800-566-7636{PDI}" in fixed and f"<b>{FSI}NYC Care{PDI}</b>" in fixed
    assert "(الأمر 41)" in fixed and "{nyc311}" in fixed
    assert not unisolated_runs(fixed)
