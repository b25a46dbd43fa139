"""End to end, polling mode: the real `safecity-bot run` against the fake Bot API.

One bot process serves the whole module for each pack (New York, then
Chicago: nothing here may depend on one city), so tests run in file order and
each uses chat ids of its own. The last tests check the logs of everything
before them and shut the bot down.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_telegram import (
    BOT_USERNAME,
    RESIDENT_NAME,
    RESIDENT_USERNAME,
    TOKEN,
    Call,
    FakeTelegram,
)
from harness import (
    ROOT,
    START_TIMEOUT,
    BotProcess,
    bot_env,
    copy_content,
    keyboard,
    topic_block,
)

from bot import ui
from bot.i18n import load_catalogs

# Distinctive ids: easy to spot in a log if one ever leaked.
BASE = 7_700_000_000
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module", params=["nyc", "chicago"])
def pack_dir(request: pytest.FixtureRequest) -> Path:
    return {"nyc": ROOT / "content", "chicago": ROOT / "examples" / "chicago"}[request.param]


@pytest.fixture(scope="module")
def fake(pack_dir: Path) -> Iterator[FakeTelegram]:
    """A fresh fake Bot API for each pack: the tests count the calls it saw."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, pack_dir: Path) -> Path:
    return tmp_path_factory.mktemp(f"polling-{pack_dir.name}")


@pytest.fixture(scope="module")
def content(workdir: Path, pack_dir: Path) -> tuple[Path, Path]:
    return copy_content(workdir, pack_dir)


@pytest.fixture(scope="module")
def bot(fake: FakeTelegram, workdir: Path, content: tuple[Path, Path]) -> Iterator[BotProcess]:
    content_dir, locales_dir = content
    args = ["--content", str(content_dir), "--locales", str(locales_dir)]
    # A slow refill makes the flood test exact: no token comes back mid-burst.
    process = BotProcess(workdir, bot_env(fake, FLOOD_RATE="0.05"), args).start()
    try:
        process.wait_log("running (polling)", timeout=START_TIMEOUT)
        yield process
    finally:
        if process.alive():
            process.stop()


@pytest.fixture(scope="module")
def languages(content: tuple[Path, Path]) -> list[str]:
    pack = yaml.safe_load((content[0] / "pack.yaml").read_text(encoding="utf-8"))
    return list(pack["languages"])


def catalog_text(content: tuple[Path, Path], lang: str, msgid: str) -> str:
    catalogs, _ = load_catalogs(content[1], [lang])
    return catalogs.text(lang, msgid)


def reply_to(fake: FakeTelegram, chat_id: int, after: int, count: int = 1) -> list[Call]:
    return fake.wait_for(
        "sendMessage", lambda c: int(c.params["chat_id"]) == chat_id, after=after, count=count
    )


def say(fake: FakeTelegram, chat_id: int, text: str, **kw: Any) -> Call:
    mark = fake.mark()
    if text.startswith("/"):
        fake.command(chat_id, text, **kw)
    else:
        fake.message(chat_id, text, **kw)
    return reply_to(fake, chat_id, mark)[0]


def no_failed_calls(fake: FakeTelegram, after: int = 0) -> None:
    failed = [(c.method, c.status) for c in fake.calls_of(None, after, ok=False)]
    assert not failed, failed


# -- start-up ------------------------------------------------------------------
def test_profile_is_set_in_every_language(
    bot: BotProcess, fake: FakeTelegram, languages: list[str]
) -> None:
    wanted = len(languages) + 1  # plus the default, without a language code
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        calls = fake.wait_for(method, count=wanted, timeout=15)
        assert {c.params.get("language_code") for c in calls} == {None, *languages}
    commands = fake.calls_of("setMyCommands")
    names = {tuple(c["command"] for c in call.params["commands"]) for call in commands}
    assert names == {("start", "menu", "language", "help", "about", "privacy")}
    by_lang = {
        c.params.get("language_code"): c.params["description"]
        for c in fake.calls_of("setMyDescription")
    }
    assert by_lang["es"] != by_lang["en"]  # each language in its own words
    no_failed_calls(fake)


# -- residents -------------------------------------------------------------------
def test_start_shows_welcome_and_menu(bot: BotProcess, fake: FakeTelegram) -> None:
    call = say(fake, BASE + 1, "/start")
    buttons = keyboard(call)
    assert call.params["parse_mode"] == "HTML"
    assert buttons and all("callback_data" in b for b in buttons)
    assert any(b["callback_data"].startswith("c:") for b in buttons)


def test_privacy_notice_from_welcome_button_command_and_deep_link(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path], languages: list[str]
) -> None:
    notice = yaml.safe_load((content[0] / "privacy.yaml").read_text(encoding="utf-8"))
    for i, lang in enumerate(languages):
        chat = BASE + 900 + i
        title = notice["languages"][lang]["title"]
        welcome = say(fake, chat, "/start", language=lang)
        first_line = notice["languages"][lang]["answer"].strip().split("\n\n")[0]
        assert re.sub(r"<[^>]+>", "", first_line) in welcome.params["text"], lang
        button = keyboard(welcome)[0]
        mark = fake.mark()
        fake.press(chat, welcome.result["message_id"], button["callback_data"])
        assert title in reply_to(fake, chat, mark)[0].params["text"], lang
        assert title in say(fake, chat, "/privacy", language=lang).params["text"]
        assert title in say(fake, chat, f"/start privacy_{lang}").params["text"]
    no_failed_calls(fake)


def test_deep_link_opens_the_answer_in_that_language(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    title = topic_block(content[0], "ice-at-schools", "es")["title"]
    call = say(fake, BASE + 2, "/start ice-at-schools_es")
    assert title in call.params["text"]
    share = [b for b in keyboard(call) if "url" in b]
    assert len(share) == 1
    link = f"https://t.me/{BOT_USERNAME}?start=ice-at-schools_es"
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(share[0]["url"]).query)
    assert share[0]["url"].startswith("https://t.me/share/url?")
    assert query["url"] == [link]
    assert query["text"][0]  # the share text, in Spanish


def test_category_deep_link_lists_its_topics(bot: BotProcess, fake: FakeTelegram) -> None:
    call = say(fake, BASE + 4, "/start c_school_es")
    data = [b.get("callback_data", "") for b in keyboard(call)]
    assert "t:ice-at-schools:es" in data


def test_unknown_payload_gets_the_welcome(bot: BotProcess, fake: FakeTelegram) -> None:
    welcome = say(fake, BASE + 3, "/start")
    unknown = say(fake, BASE + 3, "/start no-such-topic_zz")
    assert unknown.params["text"] == welcome.params["text"]


@pytest.mark.parametrize("which", [0, 1, -1])
def test_free_text_in_three_languages(
    bot: BotProcess,
    fake: FakeTelegram,
    content: tuple[Path, Path],
    languages: list[str],
    which: int,
) -> None:
    lang = languages[which]  # the last: Polish in Chicago, Arabic (right to left) in New York
    block = topic_block(content[0], "ice-at-schools", lang)
    example = block["examples"][1]
    call = say(fake, BASE + 113 + which % 7, example, language="en")
    labels = " ".join(b["text"] for b in keyboard(call))
    assert block["title"] in call.params["text"] + labels
    if lang == "ar":  # right to left: the whole reply is in Arabic, not just the title
        menu_label = catalog_text(content, "ar", ui.MENU_BUTTON)
        assert ARABIC.search(call.params["text"])
        assert menu_label in labels


def test_buttons_answer_at_once_then_edit_or_send(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    chat = BASE + 20
    start = say(fake, chat, "/start")
    menu_id = start.result["message_id"]

    mark = fake.mark()
    query = fake.press(chat, menu_id, "c:school:en")
    answered = fake.wait_for("answerCallbackQuery", after=mark)[0]
    assert answered.params["callback_query_id"] == query
    edited = fake.wait_for("editMessageText", after=mark)[0]
    assert answered.seq < edited.seq  # the spinner stops before any work is shown
    assert int(edited.params["message_id"]) == menu_id  # the menu is replaced in place
    topic_buttons = [b for b in keyboard(edited) if b.get("callback_data", "").startswith("t:")]
    assert topic_buttons

    mark = fake.mark()
    fake.press(chat, menu_id, topic_buttons[0]["callback_data"])
    answered = fake.wait_for("answerCallbackQuery", after=mark)[0]
    sent = reply_to(fake, chat, mark)[0]
    assert answered.seq < sent.seq
    assert any("url" in b for b in keyboard(sent))  # an answer: a new message with Share

    # "Menu" under an answer keeps the answer and sends the menu below it.
    mark = fake.mark()
    fake.press(chat, sent.result["message_id"], "m:en")
    reply_to(fake, chat, mark)
    assert not fake.calls_of("editMessageText", mark)
    no_failed_calls(fake, mark)


def test_language_choice_is_remembered(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    chat = BASE + 30
    picker = say(fake, chat, "/language")
    codes = [b["callback_data"] for b in keyboard(picker)]
    assert "l:es" in codes
    mark = fake.mark()
    fake.press(chat, picker.result["message_id"], "l:es")
    fake.wait_for("editMessageText", after=mark)
    # Telegram says English, but the resident chose Spanish.
    menu = say(fake, chat, "/menu", language="en")
    assert catalog_text(content, "es", ui.CHOOSE_TOPIC) in menu.params["text"]
    assert catalog_text(content, "es", ui.CHOOSE_TOPIC) != catalog_text(
        content, "en", ui.CHOOSE_TOPIC
    )


def test_inline_mode_lists_answers(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    mark = fake.mark()
    fake.inline(BASE + 40, "school ice")
    call = fake.wait_for("answerInlineQuery", after=mark)[0]
    results = call.params["results"]
    assert 1 <= len(results) <= 10
    titles = [r["title"] for r in results]
    assert topic_block(content[0], "ice-at-schools", "en")["title"] in titles
    for result in results:
        (button,) = [b for row in result["reply_markup"]["inline_keyboard"] for b in row]
        assert button["url"] == f"https://t.me/{BOT_USERNAME}?start={result['id']}"
        assert result["input_message_content"]["message_text"]

    mark = fake.mark()
    fake.inline(BASE + 40, "la migra puede entrar a la escuela")
    call = fake.wait_for("answerInlineQuery", after=mark)[0]
    titles = [r["title"] for r in call.params["results"]]
    assert topic_block(content[0], "ice-at-schools", "es")["title"] in titles

    mark = fake.mark()
    fake.inline(BASE + 40, "")
    call = fake.wait_for("answerInlineQuery", after=mark)[0]
    pack = yaml.safe_load((content[0] / "pack.yaml").read_text(encoding="utf-8"))
    menu_topics = {t for cat in pack["menu"] for t in cat["topics"]}
    assert {r["id"].rsplit("_", 1)[0] for r in call.params["results"]} >= menu_topics
    assert len(call.params["results"]) <= 50


def test_sticker_and_contact_get_a_kind_reply(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    chat = BASE + 50
    mark = fake.mark()
    fake.sticker(chat, language="es")
    call = reply_to(fake, chat, mark)[0]
    assert catalog_text(content, "es", ui.NOT_TEXT) in call.params["text"]

    mark = fake.mark()
    fake.contact(chat, "+1 212 555 0199", language="es")
    call = reply_to(fake, chat, mark)[0]
    assert "555" not in call.params["text"]  # never echoed


def test_a_4000_character_message_is_answered(bot: BotProcess, fake: FakeTelegram) -> None:
    mark = fake.mark()
    text = ("my landlord keeps asking about my papers and I do not know what to do. " * 60)[:4000]
    call = say(fake, BASE + 60, text)
    assert call.status == 200
    no_failed_calls(fake, mark)


def test_edited_messages_are_ignored(bot: BotProcess, fake: FakeTelegram) -> None:
    chat = BASE + 70
    mark = fake.mark()
    fake.push(fake.message_update(chat, "can ice come to my kids school", edited=True))
    fake.command(chat, "/menu")
    reply_to(fake, chat, mark)
    time.sleep(0.5)
    assert len(fake.sent_to(chat, mark)) == 1  # only the menu


def test_groups_only_commands_and_messages_for_the_bot(bot: BotProcess, fake: FakeTelegram) -> None:
    group = -(BASE + 80)
    question = "can ice come to my kids school"
    mark = fake.mark()
    fake.message(group, question, kind="group")  # people talking among themselves
    fake.sticker(group, kind="group")
    mention = f"@{BOT_USERNAME} {question}"
    entity = {"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}
    fake.message(group, mention, kind="group", entities=[entity])
    first = reply_to(fake, group, mark)[0]
    assert first.params["reply_parameters"]["message_id"]  # quotes whom it answers

    mark = fake.mark()
    fake.message(group, question, kind="group", reply_to=first.result)
    reply_to(fake, group, mark)

    mark = fake.mark()
    fake.command(group, f"/menu@{BOT_USERNAME}", kind="group")
    reply_to(fake, group, mark)
    time.sleep(0.3)
    assert len(fake.sent_to(group)) == 3


def test_flooding_gets_one_slow_down_then_silence(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    chat = BASE + 90
    slow = catalog_text(content, "en", ui.SLOW_DOWN)
    mark = fake.mark()
    for _ in range(20):
        fake.command(chat, "/menu")
    fake.wait_for("sendMessage", lambda c: slow in c.params["text"], after=mark)
    time.sleep(1.0)
    sent = fake.sent_to(chat, mark)
    assert sum(slow in c.params["text"] for c in sent) == 1
    assert len(sent) == 8 + 1  # the burst, then the one slow-down; the rest dropped


def test_429_is_waited_out_and_retried(bot: BotProcess, fake: FakeTelegram) -> None:
    chat = BASE + 100
    mark = fake.mark()
    fake.fail_next(1, status=429, retry_after=1)
    fake.command(chat, "/menu")
    ok = reply_to(fake, chat, mark)[0]
    (limited,) = fake.calls_of("sendMessage", mark, ok=False)
    assert limited.status == 429
    assert ok.at - limited.at >= 1.0


def test_5xx_is_retried_with_backoff(bot: BotProcess, fake: FakeTelegram) -> None:
    chat = BASE + 110
    mark = fake.mark()
    fake.fail_next(2, status=500)
    fake.command(chat, "/help")
    reply_to(fake, chat, mark)
    failed = fake.calls_of("sendMessage", mark, ok=False)
    assert [c.status for c in failed] == [500, 500]
    assert bot.alive()


# -- content editors -------------------------------------------------------------
def _title_in_chat(fake: FakeTelegram, chat: int) -> str:
    return str(say(fake, chat, "/start ice-at-schools_en").params["text"])


def test_content_edit_goes_live(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    path = content[0] / "topics" / "ice-at-schools.yaml"
    original = path.read_text(encoding="utf-8")
    old_title = topic_block(content[0], "ice-at-schools", "en")["title"]
    offset = len(bot.logs())
    path.write_text(original.replace(old_title, "Agents at schools (edited)", 1), encoding="utf-8")
    bot.wait_log("reload (files changed): content loaded", timeout=30, after=offset)
    assert "Agents at schools (edited)" in _title_in_chat(fake, BASE + 120)


def test_broken_edit_keeps_last_good_content_and_fix_is_picked_up(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    path = content[0] / "topics" / "ice-at-schools.yaml"
    good = path.read_text(encoding="utf-8")
    offset = len(bot.logs())
    path.write_text(
        good.replace("languages:\n", "languages:\n  - [unclosed\n", 1), encoding="utf-8"
    )
    log = bot.wait_log("still serving the last good content", timeout=30, after=offset)
    assert re.search(r"ice-at-schools\.yaml:\d+: ", log), log[-2000:]
    assert "Agents at schools (edited)" in _title_in_chat(fake, BASE + 130)

    offset = len(bot.logs())
    path.write_text(
        good.replace("Agents at schools (edited)", "Agents at schools (fixed)"), encoding="utf-8"
    )
    bot.wait_log("reload (files changed): content loaded", timeout=30, after=offset)
    assert "Agents at schools (fixed)" in _title_in_chat(fake, BASE + 131)


def test_sighup_reloads(bot: BotProcess, fake: FakeTelegram) -> None:
    assert bot.proc is not None
    offset = len(bot.logs())
    bot.proc.send_signal(signal.SIGHUP)
    bot.wait_log("reload (SIGHUP): content loaded", timeout=30, after=offset)


def test_catalog_edit_goes_live_and_updates_the_profile(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    path = content[1] / "es" / "LC_MESSAGES" / "messages.po"
    po = path.read_text(encoding="utf-8")
    edited = re.sub(
        r'(msgid "How to use this bot"\nmsgstr ")[^"]*(")', r"\1Ayuda editada\2", po, count=1
    )
    assert edited != po
    mark = fake.mark()
    offset = len(bot.logs())
    path.write_text(edited, encoding="utf-8")
    bot.wait_log("reload (files changed): content loaded", timeout=30, after=offset)
    (call,) = fake.wait_for("setMyCommands", after=mark)  # only the language that changed
    assert call.params["language_code"] == "es"
    assert {"command": "help", "description": "Ayuda editada"} in call.params["commands"]


# -- privacy and shutdown (run last: they look at everything above) --------------
def test_logs_hold_no_message_text_names_ids_or_token(bot: BotProcess, fake: FakeTelegram) -> None:
    say(fake, BASE + 140, "my neighbour Zuleika was taken by ICE this morning, phone 212 555 0147")
    logs = bot.logs()
    assert "DEBUG" in logs  # the conversation really ran at DEBUG level
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    for text in fake.user_texts:
        if len(text) >= 12:
            assert text not in logs, text
    for word in (RESIDENT_NAME, RESIDENT_USERNAME, "Zuleika", "555 0147", str(BASE)[:7]):
        assert word.lower() not in logs.lower(), word
    # and the replies the bot sent are not logged either
    for call in fake.calls_of("sendMessage"):
        first_line = str(call.params["text"]).split("\n")[0]
        if len(first_line) >= 20:
            assert first_line not in logs


def test_sigterm_answers_what_was_received_and_exits_zero(
    bot: BotProcess, fake: FakeTelegram
) -> None:
    chat = BASE + 150
    # One chat's updates are answered in order: while the first reply is in
    # flight (the API is slow), the next two are received but still waiting.
    fake.slow_next(1, 1.5)
    arrived = len(fake.arrivals)
    mark = fake.mark()
    fake.push_many(
        [
            fake.message_update(chat, "can ice come to my kids school"),
            fake.command_update(chat, "/help"),
            fake.command_update(chat, "/menu"),
        ]
    )
    fake.wait_arrived("sendMessage", after=arrived)
    code = bot.stop(signal.SIGTERM)
    assert code == 0
    assert len(fake.sent_to(chat, mark)) == 3
    assert "stopped:" in bot.logs()
