"""Topic counts through the real `safecity-bot run` against the fake Bot API.

One bot serves the module's first tests: feedback taps edit the answer's
keyboard in place, then 10,000 messages and 2,000 feedback taps from
distinctive residents; after a SIGTERM the counts are exact and no file under
the data folder holds a word, an id or a name. Then a second bot is killed
with SIGKILL mid-load: its database opens cleanly and holds what was flushed.
"""

from __future__ import annotations

import signal
import sqlite3
import struct
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import RESIDENT_USERNAME, Call, FakeTelegram
from harness import START_TIMEOUT, BotProcess, bot_env, keyboard

from bot.callbacks import decode
from bot.engine import Engine, Incoming
from bot.stats import DB_NAME, OUTCOMES
from bot.stats.outcomes import outcomes, vote_outcome

# Distinctive ids (over 2**32, so 8-byte integers on disk if they were kept),
# a name and a username no count could contain.
BASE = 9_871_234_560_000
NAME = "Quillon Vashtibrook"
MARKER = "zorblaxian"
QUESTIONS = [
    "can ice come to my kids school",
    "la migra puede entrar a la escuela de mi hijo",
    "هل تقدر ICE تدخل مدرسة ابني",
    "I need a free immigration lawyer",
    "do I have to open the door to ICE",
    "my boss did not pay me",
    "how do I get an IDNYC card",
    "que hago si detienen a mi esposo",
    "мне нужен бесплатный адвокат",
    "how do I cook rice",
    "Tôi cần giúp đỡ về nhà ở của tôi",
    "ice",
]
MESSAGES = 10_000
USERS = 2_000  # five messages each: inside the flood limit set below
Key = tuple[str, str, str]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    """Not strict: the HTML of the same few answers is checked elsewhere, and
    checking it 10,000 times here would only slow the fake that shares the
    bot's two cores."""
    with FakeTelegram(strict=False) as server:
        yield server


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stats")


@pytest.fixture(scope="module")
def data(workdir: Path) -> Path:
    return workdir / "data"


def stats_env(fake: FakeTelegram, data: Path, flush: str) -> dict[str, str]:
    return bot_env(
        fake,
        SAFECITY_DATA=str(data),
        STATS_FLUSH=flush,
        TELEGRAM_RATE_LIMIT="0",
        FLOOD_BURST="50",
        LOG_LEVEL="WARNING",
        RELOAD_INTERVAL="0",
    )


@pytest.fixture(scope="module")
def bot(fake: FakeTelegram, workdir: Path, data: Path) -> Iterator[BotProcess]:
    process = BotProcess(workdir, stats_env(fake, data, "1"), []).start()
    try:
        fake.wait_for("getUpdates", timeout=START_TIMEOUT)
        yield process
    finally:
        if process.alive():
            process.stop()


def text_of(i: int) -> str:
    return f"{QUESTIONS[i % len(QUESTIONS)]} {MARKER}{i}"


def user_of(i: int) -> int:
    return BASE + i % USERS


def wait_count(
    fake: FakeTelegram, method: str, after: int, count: int, timeout: float
) -> list[Call]:
    """Like wait_for, polling: cheap with tens of thousands of calls recorded."""
    deadline = time.monotonic() + timeout
    while True:
        calls = fake.calls_of(method, after)
        if len(calls) >= count or time.monotonic() > deadline:
            assert len(calls) >= count, f"{len(calls)}/{count} {method}"
            return calls
        time.sleep(0.25)


def feedback_buttons(call_or_message: Any) -> dict[str, str]:
    """The answer's feedback buttons by what they do: helpful, reasons, or a reason."""
    markup = call_or_message.get("reply_markup") or {}
    found = {}
    for row in markup.get("inline_keyboard", []):
        for b in row:
            action = decode(b.get("callback_data", ""))
            if action and action.kind == "vote":
                found[action.choice or ""] = b["callback_data"]
            elif action and action.kind == "reasons":
                found["reasons"] = b["callback_data"]
    return found


def db_counts(path: Path) -> Counter[Key]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT topic, language, outcome, n FROM counts").fetchall()
    counts: Counter[Key] = Counter()
    for topic, language, outcome, n in rows:
        counts[(topic, language, outcome)] += n
    return +counts


# -- feedback in Telegram ----------------------------------------------------------
def test_a_second_tap_changes_the_vote_and_the_answer_keeps_its_buttons(
    bot: BotProcess, fake: FakeTelegram
) -> None:
    chat = BASE - 1
    mark = fake.mark()
    fake.message(chat, "can ice come to my kids school", name=NAME)
    answer = fake.wait_for("sendMessage", after=mark)[0]
    mid = answer.result["message_id"]
    before = keyboard(answer)
    assert any("url" in b for b in before)  # Share
    buttons = feedback_buttons(answer.params)
    # Helpful: the keyboard is edited in place, a thanks comes with the related topics.
    mark = fake.mark()
    fake.press(chat, mid, buttons["helpful"])
    edit = fake.wait_for("editMessageReplyMarkup", after=mark)[0]
    thanks = fake.wait_for("sendMessage", after=mark)[0]
    assert int(edit.params["message_id"]) == mid
    after = keyboard(edit)
    assert len(after) == len(before)
    assert [b.get("url") for b in after] == [b.get("url") for b in before]
    assert any(b["text"].startswith("✓ 👍") for b in after)
    assert keyboard(thanks)[0]["callback_data"].startswith("t:")  # a related topic
    # Not helpful, on the same answer: the reasons replace the feedback row, nothing sent.
    now = feedback_buttons(fake.bot_message(chat, mid))
    mark = fake.mark()
    fake.press(chat, mid, now["reasons"])
    reasons = fake.wait_for("editMessageReplyMarkup", after=mark)[0]
    assert not fake.calls_of("sendMessage", mark)
    assert any("url" in b for b in keyboard(reasons))
    picked = feedback_buttons(fake.bot_message(chat, mid))
    assert set(picked) == {
        "wrong_topic",
        "hard_to_understand",
        "out_of_date",
        "not_my_language",
        "unanswered",
    }
    mark = fake.mark()
    fake.press(chat, mid, picked["out_of_date"])
    fake.wait_for("sendMessage", after=mark)
    final = feedback_buttons(fake.bot_message(chat, mid))
    assert decode(final["helpful"]).previous == "out_of_date"  # type: ignore[union-attr]


# -- 10,000 messages and 2,000 taps --------------------------------------------------
@pytest.fixture(scope="module")
def expected(engine: Engine) -> dict[str, list[tuple[str, str, str, int]]]:
    """Each question's counts, from the engine in this process (the marker's
    digits do not change a reply)."""
    return {
        q: outcomes(inc, engine.reply(inc))
        for q in QUESTIONS
        for inc in [Incoming(text=f"{q} {MARKER}123", platform_language="en")]
    }


def test_10000_messages_and_2000_taps_are_counted_exactly_and_keep_nothing_else(
    bot: BotProcess,
    fake: FakeTelegram,
    data: Path,
    expected: dict[str, list[tuple[str, str, str, int]]],
) -> None:
    started = time.monotonic()
    want: Counter[Key] = Counter()
    # The first test's taps: helpful, then changed to out of date.
    want[("ice-at-schools", "en", "answered")] += 1
    want[("ice-at-schools", "en", vote_outcome("out_of_date"))] += 1

    mark = fake.mark()
    for start in range(0, MESSAGES, 500):
        chunk = range(start, min(MESSAGES, start + 500))
        fake.push_many([fake.message_update(user_of(i), text_of(i), name=NAME) for i in chunk])
    sent = wait_count(fake, "sendMessage", mark, MESSAGES, timeout=400)
    for i in range(MESSAGES):
        for topic, lang, outcome, n in expected[QUESTIONS[i % len(QUESTIONS)]]:
            want[(topic, lang, outcome)] += n
    loaded = time.monotonic()

    # Answers with feedback buttons, one per chat (a chat's answers differ in topic).
    answers: dict[int, Call] = {}
    for call in sent:
        if "helpful" in feedback_buttons(call.params):
            answers.setdefault(int(call.params["chat_id"]), call)
    picked = list(answers.items())[:1000]
    assert len(picked) == 1000

    def press(chat: int, data_: str) -> None:
        fake.press(chat, answers[chat].result["message_id"], data_, user_id=chat)

    def current(chat: int) -> dict[str, str]:
        return feedback_buttons(fake.bot_message(chat, answers[chat].result["message_id"]))

    def topic_lang(chat: int) -> tuple[str, str]:
        action = decode(feedback_buttons(answers[chat].params)["helpful"])
        assert action is not None and action.target and action.language
        return action.target, action.language

    reasons = ["wrong_topic", "hard_to_understand", "out_of_date", "not_my_language", "unanswered"]
    # Wave 1: 600 helpful, 400 open the reasons (1,000 taps).
    mark = fake.mark()
    for n, (chat, _) in enumerate(picked):
        press(chat, current(chat)["helpful" if n < 600 else "reasons"])
    wait_count(fake, "editMessageReplyMarkup", mark, 1000, timeout=120)
    # Wave 2: 400 pick a reason; 200 of the helpful ones open the reasons (600 taps).
    mark = fake.mark()
    for n, (chat, _) in enumerate(picked[600:]):
        press(chat, current(chat)[reasons[n % 5]])
        want[(*topic_lang(chat), vote_outcome(reasons[n % 5]))] += 1
    for chat, _ in picked[:200]:
        press(chat, current(chat)["reasons"])
    wait_count(fake, "editMessageReplyMarkup", mark, 600, timeout=120)
    # Wave 3: those 200 change helpful to hard to understand; 200 tap helpful again (400 taps).
    mark = fake.mark()
    for chat, _ in picked[:200]:
        press(chat, current(chat)["hard_to_understand"])
        want[(*topic_lang(chat), vote_outcome("hard_to_understand"))] += 1
    for chat, _ in picked[200:400]:
        press(chat, current(chat)["helpful"])
    for chat, _ in picked[200:600]:
        want[(*topic_lang(chat), "helpful")] += 1
    wait_count(fake, "answerCallbackQuery", mark, 400, timeout=120)
    wait_count(fake, "sendMessage", mark, 400, timeout=120)  # a thanks for each vote

    assert bot.stop() == 0  # SIGTERM: the shutdown path writes what is pending
    db = data / DB_NAME
    got = db_counts(db)
    assert got == +want
    tapped = time.monotonic()

    # Bounded: days x topics (and "none") x languages x outcomes.
    with sqlite3.connect(db) as conn:
        rows, days = conn.execute("SELECT count(*), count(DISTINCT day) FROM counts").fetchone()
    assert rows <= days * (31 + 2) * 11 * len(OUTCOMES)

    # Nothing under the data folder (the database, its WAL and SHM, anything
    # else) holds a message's words, an id, a name or a username.
    secrets = [MARKER.encode(), NAME.encode(), RESIDENT_USERNAME.encode(), b"Quillon"]
    secrets += [q.encode() for q in QUESTIONS if len(q) > 8]
    ids = {user_of(i) for i in range(MESSAGES)} | {BASE - 1}
    for user in ids:
        secrets.append(str(user).encode())
        secrets.append(struct.pack(">q", user))  # SQLite's 8-byte integers
        secrets.append(struct.pack("<q", user))
        secrets.append(struct.pack(">q", user)[2:])  # its 6-byte integers
    files = [p for p in data.rglob("*") if p.is_file()]
    assert files
    for path in files:
        blob = path.read_bytes()
        leaked = [s for s in secrets if s in blob]
        assert not leaked, (path, leaked[:3])
    print(
        f"\n{MESSAGES} messages answered in {loaded - started:.1f}s; "
        f"2000 taps and shutdown in {tapped - loaded:.1f}s; {rows} rows"
    )


# -- kill -9 ----------------------------------------------------------------------
def test_kill_9_mid_load_leaves_a_clean_database_with_every_flushed_count(
    fake: FakeTelegram, workdir: Path
) -> None:
    data = workdir / "killed"
    (workdir / "second").mkdir()
    bot = BotProcess(workdir / "second", stats_env(fake, data, "0.2"), []).start()
    try:
        fake.wait_for("getUpdates", after=fake.mark(), timeout=START_TIMEOUT)
        chats = [BASE + 50_000 + i for i in range(100)]
        mark = fake.mark()
        fake.push_many([fake.message_update(c, "can ice come to my kids school") for c in chats])
        wait_count(fake, "sendMessage", mark, 100, timeout=60)
        db = data / DB_NAME
        deadline = time.monotonic() + 20
        while db_counts(db).get(("ice-at-schools", "en", "answered"), 0) < 100:
            assert time.monotonic() < deadline, "the first batch was never written"
            time.sleep(0.1)
        # Mid-load: the kill comes while answers are going out and counts pending.
        mark = fake.mark()
        fake.push_many(
            [fake.message_update(BASE + 60_000 + i, "my boss did not pay me") for i in range(400)]
        )
        wait_count(fake, "sendMessage", mark, 100, timeout=60)
        bot.stop(signal.SIGKILL)
    finally:
        if bot.alive():
            bot.stop(signal.SIGKILL)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    got = db_counts(db)
    assert got[("ice-at-schools", "en", "answered")] == 100
    assert 0 <= got[("workers-rights", "en", "answered")] <= 400
