"""Exactly one answer per message through the faults real networks produce.

The real `safecity-bot run` against the fake Bot API with faults injected:
outages, answers that come back late, connections closed with no answer,
cut getUpdates bodies, a slow chat, kill -9 and SIGTERM with updates in
flight, and all of them at random rates under load.
"""

from __future__ import annotations

import collections
import json
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram
from harness import START_TIMEOUT, BotProcess, bot_env, copy_content, free_port

BASE = 7_900_000_000
# Five questions with five different answers: the reply says which was answered.
QUESTIONS = [
    ("can ice come to my kids school", "ice-at-schools"),
    ("free english classes near me", "english-classes"),
    ("can i file taxes with an itin", "taxes-itin"),
    ("my landlord changed the locks while i was at work", "housing-rights"),
    ("how do i get an idnyc card", "city-id-card"),
]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return copy_content(tmp_path_factory.mktemp("faults"))


def titles(content: tuple[Path, Path]) -> dict[str, str]:
    import yaml

    out = {}
    for _, topic in QUESTIONS:
        data = yaml.safe_load((content[0] / "topics" / f"{topic}.yaml").read_text("utf-8"))
        out[topic] = data["languages"]["en"]["title"]
    return out


def start(fake: FakeTelegram, workdir: Path, content: tuple[Path, Path], **env: str) -> BotProcess:
    args = ["--content", str(content[0]), "--locales", str(content[1])]
    settings = {"LOG_LEVEL": "INFO", "FLOOD_BURST": "50", **env}
    bot = BotProcess(workdir, bot_env(fake, **settings), args).start()
    bot.wait_log("running (", timeout=START_TIMEOUT)
    return bot


@pytest.fixture
def bot(fake: FakeTelegram, tmp_path: Path, content: tuple[Path, Path]) -> Iterator[BotProcess]:
    process = start(fake, tmp_path, content)
    try:
        yield process
    finally:
        if process.alive():
            process.stop()


def answers_to(fake: FakeTelegram, chat: int, after: int = 0) -> list[str]:
    return [c.params["text"] for c in fake.sent_to(chat, after)]


def wait_answers(fake: FakeTelegram, chats: dict[int, int], after: int, timeout: float) -> None:
    """Until every chat got at least its number of answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(answers_to(fake, c, after)) >= n for c, n in chats.items()):
            return
        time.sleep(0.2)
    short = {c: (len(answers_to(fake, c, after)), n) for c, n in chats.items()}
    short = {c: v for c, v in short.items() if v[0] < v[1]}
    raise AssertionError(f"{len(short)} chats short of answers: {list(short.items())[:5]}")


@pytest.mark.parametrize("seconds", [12, 60])
def test_a_reply_outlives_an_outage(bot: BotProcess, fake: FakeTelegram, seconds: int) -> None:
    chat, mark = BASE + seconds, fake.mark()
    fake.outage(seconds, status=502)
    started = time.monotonic()
    fake.message(chat, QUESTIONS[0][0])
    wait_answers(fake, {chat: 1}, mark, timeout=seconds + 60)
    assert time.monotonic() - started >= seconds
    time.sleep(1)
    assert len(answers_to(fake, chat, mark)) == 1


def test_an_answer_that_comes_back_late_is_not_sent_twice(
    bot: BotProcess, fake: FakeTelegram
) -> None:
    chat, mark = BASE + 2, fake.mark()
    fake.late_next(1, 8.0)  # done at once, answered after 8 s
    fake.message(chat, QUESTIONS[1][0])
    wait_answers(fake, {chat: 1}, mark, timeout=20)
    time.sleep(9)  # a client that gave up at 5 s would have sent it again by now
    assert len(answers_to(fake, chat, mark)) == 1


def test_a_closed_connection_and_a_cut_update_body_lose_nothing(
    bot: BotProcess, fake: FakeTelegram
) -> None:
    chat, mark = BASE + 3, fake.mark()
    fake.drop_next(1)
    fake.cut_next_updates(1)
    fake.message(chat, QUESTIONS[2][0])
    wait_answers(fake, {chat: 1}, mark, timeout=30)
    time.sleep(1)
    assert len(answers_to(fake, chat, mark)) == 1


def test_a_slow_chat_does_not_hold_up_another(bot: BotProcess, fake: FakeTelegram) -> None:
    slow, other = BASE + 4, BASE + 5
    fake.slow_chat(slow, 3.0)
    try:
        mark = fake.mark()
        fake.push_many([fake.message_update(slow, q) for q, _ in QUESTIONS * 3][:12])
        fake.wait_arrived("sendMessage", after=len(fake.arrivals) - 1)
        time.sleep(0.5)  # the slow chat's messages are all received and waiting
        asked = time.monotonic()
        fake.message(other, QUESTIONS[3][0])
        wait_answers(fake, {other: 1}, mark, timeout=10)
        assert time.monotonic() - asked < 2.0
    finally:
        fake.slow_chat(slow, 0)


def test_kill_9_with_questions_in_flight_loses_none(
    fake: FakeTelegram, tmp_path: Path, content: tuple[Path, Path]
) -> None:
    cache = tmp_path / "cache"
    env = {"SAFECITY_CACHE": str(cache), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    (tmp_path / "first").mkdir()
    bot = start(fake, tmp_path / "first", content, **env)
    chats = [BASE + 100 + i for i in range(10)]
    words = [f"zanzibarquux{i} can ice come to my kids school" for i in range(10)]
    fake.outage(6, status=502)  # every reply is being retried when the bot dies
    mark, arrived = fake.mark(), len(fake.arrivals)
    fake.push_many([fake.message_update(c, w) for c, w in zip(chats, words, strict=True)])
    fake.wait_arrived("sendMessage", count=8, after=arrived)
    bot.stop(signal.SIGKILL)
    (tmp_path / "second").mkdir()
    again = start(fake, tmp_path / "second", content, **env)
    try:
        wait_answers(fake, dict.fromkeys(chats, 1), mark, timeout=90)
    finally:
        again.stop()
    # Nothing under the cache, the temporary folder or the working folders
    # holds the questions.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"zanzibarquux" not in data, path


def test_sigterm_with_updates_queued_exits_in_time_and_a_restart_answers_them(
    fake: FakeTelegram, tmp_path: Path, content: tuple[Path, Path]
) -> None:
    grace = 3.0
    env = {"SHUTDOWN_GRACE": str(grace), "TELEGRAM_RATE_LIMIT": "0"}
    (tmp_path / "first").mkdir()
    bot = start(fake, tmp_path / "first", content, **env)
    chats = [BASE + 200 + i for i in range(200)]
    fake.slow_next(40, 1.0)
    mark, arrived = fake.mark(), len(fake.arrivals)
    fake.push_many(
        [fake.message_update(c, q) for q, _ in QUESTIONS for c in chats]
    )  # 1,000 updates
    fake.wait_arrived("sendMessage", count=4, after=arrived)
    stopped = time.monotonic()
    code = bot.stop(signal.SIGTERM, timeout=grace + 10)
    assert code == 0
    assert time.monotonic() - stopped <= grace + 2
    (tmp_path / "second").mkdir()
    again = start(fake, tmp_path / "second", content, **env)
    try:
        wait_answers(fake, dict.fromkeys(chats, len(QUESTIONS)), mark, timeout=180)
    finally:
        again.stop()


def test_1500_questions_under_random_faults_each_answered_once_in_order(
    bot: BotProcess, fake: FakeTelegram, content: tuple[Path, Path]
) -> None:
    names = titles(content)
    chats = [BASE + 1000 + i for i in range(300)]
    warm = BASE + 999
    warm_mark = fake.mark()
    fake.message(warm, QUESTIONS[0][0])  # the engine is warm before memory is read
    wait_answers(fake, {warm: 1}, warm_mark, 20)
    at_rest = rss(bot)
    mark = fake.mark()
    fake.chaos({"429": 0.10, "502": 0.10, "drop": 0.05, "late": 0.03})
    try:
        for q, _ in QUESTIONS:  # each chat asks its five questions in order
            fake.push_many([fake.message_update(c, q) for c in chats])
        wait_answers(fake, dict.fromkeys(chats, len(QUESTIONS)), mark, timeout=300)
    finally:
        fake.chaos(None)
    time.sleep(1)
    duplicates, out_of_order = 0, 0
    for chat in chats:
        got = answers_to(fake, chat, mark)
        duplicates += len(got) - len(QUESTIONS)
        order = [next(t for t, title in names.items() if title in text) for text in got]
        if order[: len(QUESTIONS)] != [t for _, t in QUESTIONS]:
            out_of_order += 1
    assert duplicates <= 1  # 0.1% of 1,500
    assert out_of_order == 0
    assert rss(bot) <= at_rest * 1.2, (rss(bot), at_rest)


def rss(bot: BotProcess) -> int:
    assert bot.proc is not None
    status = Path(f"/proc/{bot.proc.pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))


# -- webhook ---------------------------------------------------------------------
SECRET = "faults-Secret_token"


def post(port: int, body: bytes, secret: str, timeout: float = 30) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hook",
        data=body,
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0  # the server went away: Telegram would send it again


def test_webhook_answers_the_post_after_the_reply_and_503_while_stopping(
    fake: FakeTelegram, tmp_path: Path, content: tuple[Path, Path]
) -> None:
    port = free_port()
    env = {
        "WEBHOOK_URL": "https://bot.example.org/hook",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
        "TELEGRAM_RATE_LIMIT": "0",
        "SHUTDOWN_GRACE": "3",
    }
    bot = start(fake, tmp_path, content, **env)
    try:
        # A POST is answered only once its reply went out.
        chat, mark = BASE + 3000, fake.mark()
        fake.slow_next(1, 1.5)
        body = {"update_id": 900_001, **fake.message_update(chat, QUESTIONS[0][0])}
        assert post(port, json.dumps(body).encode(), SECRET) == 200
        assert len(answers_to(fake, chat, mark)) == 1
        # Telegram sending the same update again does not answer it twice.
        assert post(port, json.dumps(body).encode(), SECRET) == 200
        assert len(answers_to(fake, chat, mark)) == 1

        # 2,000 POSTs on 20 connections, one in ten with a wrong secret.
        statuses: collections.Counter[int] = collections.Counter()
        lock = threading.Lock()
        chats = [BASE + 3100 + i for i in range(200)]
        mark = fake.mark()

        def worker(n: int) -> None:
            for i in range(n, 2000, 20):
                chat = chats[i % len(chats)]
                wrong = i % 10 == 0
                body = {"update_id": 910_000 + i, **fake.message_update(chat, QUESTIONS[i % 5][0])}
                status = post(port, json.dumps(body).encode(), "wrong" if wrong else SECRET)
                with lock:
                    statuses[(status, wrong)] += 1  # type: ignore[index]

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert statuses[(403, True)] == 200  # type: ignore[index]
        assert statuses[(200, False)] == 1800  # type: ignore[index]
        sent = fake.calls_of("sendMessage", mark)
        assert len(sent) == 1800  # each good update answered exactly once

        # Stopping: new POSTs get 503 (Telegram sends them to the next process).
        fake.slow_chat(BASE + 3999, 5.0)
        slow_body = {"update_id": 990_001, **fake.message_update(BASE + 3999, "hello")}
        waiting = threading.Thread(target=post, args=(port, json.dumps(slow_body).encode(), SECRET))
        waiting.start()
        time.sleep(0.5)
        bot.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        time.sleep(0.3)
        late = {"update_id": 990_002, **fake.message_update(BASE + 3998, "hello")}
        assert post(port, json.dumps(late).encode(), SECRET) in (503, 0)
        assert bot.stop(timeout=10) == 0
        waiting.join(10)
    finally:
        fake.slow_chat(BASE + 3999, 0)
        if bot.alive():
            bot.stop()
