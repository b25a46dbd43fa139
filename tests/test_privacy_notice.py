"""The privacy notice: one line on the welcome, the notice one tap away, kept fresh."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot.callbacks import decode
from bot.cli import main
from bot.engine import Engine, Incoming
from bot.html import visible_length
from bot.pack.loader import load_pack
from tests.conftest import LOCALES, MINI_PRIVACY, write_pack

TODAY = date(2026, 11, 28)


def _first_line(engine: Engine, lang: str) -> str:
    notice = engine.brain.pack.privacy
    assert notice is not None
    block = notice.blocks[notice.answer_language(lang)]
    return (block.answer or "").strip().split("\n\n")[0]


def test_shipped_notice_in_every_language_one_tap_from_the_welcome(engine: Engine) -> None:
    pack = engine.brain.pack
    assert pack.privacy is not None
    for lang in pack.languages:
        assert lang in pack.privacy.blocks and pack.privacy.blocks[lang].answer, lang
        assert not pack.privacy.is_stale(lang), lang
        welcome = engine.reply(Incoming(command="start", chosen_language=lang))
        assert _first_line(engine, lang) in welcome.text
        privacy_button = welcome.buttons[0][0]
        assert privacy_button.data is not None
        action = decode(privacy_button.data)
        assert action is not None and action.target == "privacy"
        opened = [
            engine.reply(Incoming(callback=privacy_button.data, chosen_language=lang)),
            engine.reply(Incoming(command="privacy", chosen_language=lang)),
            engine.reply(Incoming(command="start", payload=f"privacy_{lang}")),
        ]
        for reply in opened:
            assert reply.topic == "privacy" and reply.language == lang, (lang, reply.kind)
            assert visible_length(reply.text) <= 4096
            assert "telegram.org" in reply.text
    assert engine.reply(Incoming(command="start", payload="privacy")).topic == "privacy"


def test_the_notice_is_never_matched_or_listed(engine: Engine) -> None:
    pack = engine.brain.pack
    assert "privacy" not in pack.topics
    assert all("privacy" not in c.topics for c in pack.menu)
    assert engine.reply(Incoming(text="privacy")).topic != "privacy"


def test_check_fails_without_a_notice(tmp_path: Path) -> None:
    root = write_pack(tmp_path)
    (root / "privacy.yaml").unlink()
    result = load_pack(root, today=TODAY)
    assert result.pack is None
    assert any("no privacy notice" in p.message for p in result.errors)


def test_check_fails_when_the_notice_is_older_than_the_policy(tmp_path: Path) -> None:
    old = MINI_PRIVACY.replace("reviewed: 2026-11-01", "reviewed: 2025-01-01")
    root = write_pack(tmp_path, {"privacy.yaml": old})
    result = load_pack(root, today=TODAY)
    assert result.pack is None
    errors = [p for p in result.errors if "days ago" in p.message]
    assert errors and all(Path(p.path).name == "privacy.yaml" for p in errors)


def test_a_topic_cannot_take_the_notice_id(tmp_path: Path) -> None:
    from tests.conftest import MINI_ABOUT

    root = write_pack(
        tmp_path, {"topics/privacy.yaml": MINI_ABOUT.replace("id: about", "id: privacy")}
    )
    result = load_pack(root, today=TODAY)
    assert any("privacy notice's id" in p.message for p in result.errors)


def test_stale_notice_translation_shows_the_note_and_read_in_english(tmp_path: Path) -> None:
    from bot.pack.model import source_version

    en_answer = (
        "<b>This bot keeps nothing you write.</b>\n\nTelegram keeps your chats. "
        "Call {hotline} for advice.\n"
    )
    version = source_version("Your privacy", en_answer)
    stamped = MINI_PRIVACY.replace(
        "    title: Su privacidad\n", f"    title: Su privacidad\n    translated_from: {version}\n"
    )
    root = write_pack(tmp_path, {"privacy.yaml": stamped})
    fresh = Engine(root, LOCALES).reply(Incoming(command="privacy", chosen_language="es"))
    assert not fresh.notes
    edited = stamped.replace("Call {hotline} for advice.", "Call {hotline} today.")
    root = write_pack(tmp_path, {"privacy.yaml": edited})
    engine = Engine(root, LOCALES)
    reply = engine.reply(Incoming(command="privacy", chosen_language="es"))
    assert reply.notes, reply.text
    read_in = reply.buttons[0][0]
    assert read_in.data is not None
    english = engine.reply(Incoming(callback=read_in.data, chosen_language="es"))
    assert english.topic == "privacy" and "Call" in english.text


def test_po_round_trip_carries_the_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_pack(tmp_path / "content")
    out = tmp_path / "po"
    code = main(
        ["translations", "export", "--content", str(root), "--lang", "es", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    po_file = out / "es.po"
    with po_file.open("rb") as fh:
        catalog = read_po(fh)
    entry = next(m for m in catalog if m.context == "privacy:answer")
    assert isinstance(entry.string, str) and "Telegram guarda sus chats" in entry.string
    assert any("privacy.yaml" in loc[0] for loc in entry.locations)
    entry.string = entry.string.replace("guarda sus chats", "conserva sus chats")
    for message in catalog:  # the translator confirms both fields (unstamped: fuzzy)
        if message.context and message.context.startswith("privacy:"):
            message.flags.discard("fuzzy")
    with po_file.open("wb") as fh:
        write_po(fh, catalog)
    code = main(["translations", "import", "--content", str(root), str(po_file)])
    assert code == 0, capsys.readouterr().err
    text = (root / "privacy.yaml").read_text(encoding="utf-8")
    assert "Telegram conserva sus chats" in text
    pack = load_pack(root).pack
    assert pack is not None and pack.privacy is not None
    assert not pack.privacy.is_stale("es", unrecorded=True)
