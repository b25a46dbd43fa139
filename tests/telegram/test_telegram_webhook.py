"""End to end, webhook mode: real updates POSTed to the running bot."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from fake_telegram import TOKEN, FakeTelegram
from harness import START_TIMEOUT, BotProcess, bot_env, copy_content, free_port

SECRET = "s3cret-Token_for_tests"
PUBLIC_URL = "https://bot.example.org/telegram/hook"
BASE = 7_800_000_000


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot(
    fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory, port: int
) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("webhook")
    content, locales = copy_content(workdir)
    env = bot_env(
        fake,
        WEBHOOK_URL=PUBLIC_URL,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
    )
    process = BotProcess(workdir, env, ["--content", str(content), "--locales", str(locales)])
    process.start()
    try:
        process.wait_log("running (webhook)", timeout=START_TIMEOUT)
        yield process
    finally:
        if process.alive():
            process.stop()


def post(port: int, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram/hook", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def update(fake: FakeTelegram, chat_id: int, text: str, update_id: int, **kw: Any) -> bytes:
    body = {"update_id": update_id, **fake.message_update(chat_id, text, **kw)}
    if text.startswith("/"):
        body["message"]["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
        ]
    return json.dumps(body).encode()


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_is_registered_with_the_secret(bot: BotProcess, fake: FakeTelegram) -> None:
    (call,) = fake.calls_of("setWebhook")
    assert call.params["url"] == PUBLIC_URL
    assert call.params["secret_token"] == SECRET
    assert set(call.params["allowed_updates"]) == {"message", "callback_query", "inline_query"}
    assert not fake.calls_of("getUpdates")  # no polling in webhook mode


def test_health_endpoint(bot: BotProcess, port: int) -> None:
    assert health(port) == 200


def test_update_with_the_right_secret_is_answered(
    bot: BotProcess, fake: FakeTelegram, port: int
) -> None:
    chat = BASE + 1
    mark = fake.mark()
    assert post(port, update(fake, chat, "/start", 1), SECRET) == 200
    fake.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == chat, after=mark)


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x", ""])
def test_wrong_or_missing_secret_is_refused_and_not_processed(
    bot: BotProcess, fake: FakeTelegram, port: int, secret: str | None
) -> None:
    chat = BASE + 10
    mark = fake.mark()
    assert post(port, update(fake, chat, "/start", 10), secret) == 403
    time.sleep(0.5)
    assert not fake.sent_to(chat, mark)


def test_edited_message_and_garbage_are_not_answered(
    bot: BotProcess, fake: FakeTelegram, port: int
) -> None:
    chat = BASE + 20
    mark = fake.mark()
    edited = json.dumps(
        {"update_id": 20, **fake.message_update(chat, "can ice come to my school", edited=True)}
    ).encode()
    assert post(port, edited, SECRET) == 200
    assert post(port, b"{not json", SECRET) == 400
    time.sleep(0.5)
    assert not fake.sent_to(chat, mark)


def test_sigint_answers_received_updates_and_exits_zero(
    bot: BotProcess, fake: FakeTelegram, port: int
) -> None:
    chat = BASE + 30
    fake.slow_next(1, 1.0)  # the reply is still in flight when SIGTERM comes
    mark = fake.mark()
    assert post(port, update(fake, chat, "can ice come to my kids school", 30), SECRET) == 200
    time.sleep(0.2)
    assert bot.stop(signal.SIGINT) == 0  # Ctrl-C: the same clean path as SIGTERM
    assert len(fake.sent_to(chat, mark)) == 1
    logs = bot.logs()
    assert TOKEN not in logs and SECRET not in logs
