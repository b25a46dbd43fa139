"""The Telegram adapter's parts on their own: settings, memory, flood control,
rendering, log privacy, retries, ordering, and the `links`/`health` commands."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import TOKEN, FakeTelegram
from harness import ROOT, START_TIMEOUT, BotProcess, bot_env, copy_content, free_port
from telegram.error import BadRequest, NetworkError

from bot.html import validate, visible_length
from bot.i18n import Catalogs
from bot.replies import Button, Reply
from bot.telegram import config
from bot.telegram.delivery import PerChatOrder, with_backoff
from bot.telegram.flood import FloodGuard, Verdict
from bot.telegram.logs import PrivacyFilter, RedactingFormatter
from bot.telegram.memory import LanguageMemory
from bot.telegram.render import outgoing, share_url
from tests.conftest import write_pack


# -- settings --------------------------------------------------------------------
@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "   ",
        "123456",
        "abc:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        "123456:short",
        "bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        "123456:ABC DEF1234ghIkl-zyx57W2v1u123ew11",
        '"123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"',
    ],
)
def test_missing_or_malformed_token_is_refused_without_echoing_it(token: str | None) -> None:
    env = {} if token is None else {"TELEGRAM_BOT_TOKEN": token}
    with pytest.raises(config.ConfigError) as err:
        config.load(env)
    if token and token.strip():
        assert token.strip() not in str(err.value)
        assert "ABC-DEF" not in str(err.value)


def test_good_settings() -> None:
    settings = config.load(
        {"TELEGRAM_BOT_TOKEN": f" {TOKEN}\n", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot"}
    )
    assert settings.token == TOKEN
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.webhook is None
    assert TOKEN not in repr(settings)


def test_webhook_needs_listen_port_and_a_valid_secret() -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/tg"}
    with pytest.raises(config.ConfigError, match="WEBHOOK_LISTEN, WEBHOOK_PORT, WEBHOOK_SECRET"):
        config.load(base)
    full = {**base, "WEBHOOK_LISTEN": "0.0.0.0", "WEBHOOK_PORT": "8443", "WEBHOOK_SECRET": "a b"}
    with pytest.raises(config.ConfigError, match="WEBHOOK_SECRET"):
        config.load(full)
    webhook = config.load({**full, "WEBHOOK_SECRET": "s3cret_-ok"}).webhook
    assert webhook is not None and webhook.path == "/tg" and webhook.port == 8443
    assert "s3cret_-ok" not in repr(webhook)  # the secret lets anyone post updates


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [{}, {"TELEGRAM_BOT_TOKEN": "123456:not a token at all, really-secret-part"}],
    ids=["missing", "malformed"],
)
def test_run_exits_2_with_one_line(env: dict[str, str]) -> None:
    result = _run_cli("run", env=env)
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "really-secret-part" not in result.stdout + result.stderr


# -- language memory and flood control -------------------------------------------
def test_language_memory_is_bounded_and_expires() -> None:
    now = [0.0]
    memory = LanguageMemory(size=2, ttl=10, clock=lambda: now[0])
    memory.remember(1, "es")
    memory.remember(2, "ar")
    assert memory.get(1) == "es"  # 1 is now the most recently used
    memory.remember(3, "zh")  # evicts 2
    assert memory.get(2) is None and memory.get(1) == "es" and memory.get(3) == "zh"
    now[0] = 11
    assert memory.get(1) is None and len(memory) == 1
    assert all(not isinstance(k, int) and k != b"1" for k in memory._table)  # ids are hashed


def test_flood_guard_one_slow_down_then_drop_then_recovers() -> None:
    now = [0.0]
    guard = FloodGuard(burst=3, rate=1.0, size=10, clock=lambda: now[0])
    verdicts = [guard.check(7) for _ in range(6)]
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.SLOW_DOWN] + [Verdict.DROP] * 2
    assert guard.check(8) is Verdict.ANSWER  # other chats are not affected
    now[0] = 1.5
    assert guard.check(7) is Verdict.ANSWER
    for chat in range(100):
        guard.check(chat)
    assert len(guard) <= 10


def test_flood_guard_keeps_no_chat_ids_and_forgets_calm_chats() -> None:
    now = [0.0]
    guard = FloodGuard(burst=3, rate=1.0, clock=lambda: now[0])
    for chat in (123456789, 987654321):
        guard.check(chat)
    assert len(guard) == 2
    assert all(isinstance(k, bytes) and b"123456789" not in k for k in guard._buckets)
    now[0] = 3.5  # both buckets are full again: the same as never heard from
    assert guard.check(555) is Verdict.ANSWER
    assert len(guard) == 1


# -- rendering ---------------------------------------------------------------------
def test_long_replies_are_split_with_the_keyboard_on_the_last_part() -> None:
    paragraph = "<b>Know your rights</b> " + "word &amp; more " * 120
    text = "\n\n".join([paragraph] * 8)  # about 15,000 characters
    buttons = ((Button("Menu", "m:en"), Button("📤 Share", share="ice-at-schools_en")),)
    out = outgoing(Reply(text, "en", buttons), "safecity_bot", Catalogs({}))
    assert len(out.parts) > 1
    for part in out.parts:
        assert visible_length(part) <= 4096
        assert validate(part) == []
    assert out.keyboard is not None
    share = out.keyboard.inline_keyboard[0][1]
    assert share.url is not None and "ice-at-schools_en" in share.url


def test_over_long_callback_data_is_left_out_not_sent() -> None:
    buttons = ((Button("ok", "m:en"), Button("too long", "t:" + "x" * 70)),)
    out = outgoing(Reply("hi", "en", buttons), "safecity_bot", Catalogs({}))
    assert out.keyboard is not None
    assert [b.text for row in out.keyboard.inline_keyboard for b in row] == ["ok"]


def test_keyboards_are_made_once_per_content_load() -> None:
    from bot.telegram.render import Keyboards

    keyboards = Keyboards()
    buttons = ((Button("Menu", "m:en"), Button("📤 Share", share="ice-at-schools_en")),)
    catalogs = Catalogs({})
    first = outgoing(Reply("hi", "en", buttons), "safecity_bot", catalogs, keyboards)
    again = outgoing(Reply("other text", "en", buttons), "safecity_bot", catalogs, keyboards)
    assert first.keyboard is not None and again.keyboard is first.keyboard
    spanish = outgoing(Reply("hola", "es", buttons), "safecity_bot", catalogs, keyboards)
    assert spanish.keyboard is not first.keyboard  # the Share text is in the reply's language
    reloaded = outgoing(Reply("hi", "en", buttons), "safecity_bot", Catalogs({}), keyboards)
    assert reloaded.keyboard is not first.keyboard  # new catalogs: made again
    assert reloaded.keyboard == first.keyboard
    assert outgoing(Reply("hi", "en"), "safecity_bot", catalogs, keyboards).keyboard is None


def test_share_url_carries_the_deep_link() -> None:
    url = share_url("safecity_bot", "ice-at-schools_ar", "Forward & share")
    assert url == (
        "https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fsafecity_bot%3Fstart%3D"
        "ice-at-schools_ar&text=Forward%20%26%20share"
    )


# -- log privacy -------------------------------------------------------------------
def _record(name: str, level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_privacy_filter_drops_library_bodies_and_keeps_events() -> None:
    keep = PrivacyFilter().filter
    assert not keep(
        _record("telegram.ext.ExtBot", logging.DEBUG, "Calling `%s` with `%s`", "x", {})
    )
    assert not keep(_record("telegram.ext.Application", logging.DEBUG, "Processing update %s", 1))
    assert keep(_record("telegram.ext.Application", logging.DEBUG, "Application started"))
    assert not keep(_record("httpx", logging.INFO, "HTTP Request: POST %s", "url"))
    assert keep(_record("telegram.ext.Updater", logging.ERROR, "Error %s", "x"))
    assert keep(_record("bot.telegram", logging.DEBUG, "our own %s", "event"))


def test_formatter_redacts_the_token_everywhere() -> None:
    formatter = RedactingFormatter([TOKEN], "%(message)s")
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", (TOKEN,), sys.exc_info()
        )
    text = formatter.format(record)
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    assert "<redacted>" in text


# -- delivery ----------------------------------------------------------------------
async def test_backoff_retries_network_errors_but_not_bad_requests() -> None:
    calls = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise NetworkError("Bad Gateway (502)")
        return "ok"

    assert await with_backoff(flaky, "sendMessage", 5, 0.01, 0.02) == "ok"
    assert len(calls) == 3

    async def bad() -> str:
        calls.append(1)
        raise BadRequest("message is too long")

    calls.clear()
    with pytest.raises(BadRequest):
        await with_backoff(bad, "sendMessage", 5, 0.01, 0.02)
    assert len(calls) == 1


async def test_a_send_that_may_have_arrived_is_not_repeated() -> None:
    import httpx
    from telegram.error import TimedOut

    calls: list[str] = []

    def lost(kind: type[Exception]) -> Callable[[str], Coroutine[Any, Any, str]]:
        async def call(what: str) -> str:
            calls.append(what)
            try:
                raise kind("no answer")
            except Exception as cause:
                raise TimedOut() from cause

        return call

    # The request went out and no answer came back: sending again could duplicate.
    calls.clear()
    with pytest.raises(NetworkError):
        await with_backoff(lambda: lost(httpx.ReadTimeout)("s"), "sendMessage", 5, 0.01, 0.02)
    assert len(calls) == 1
    # The connection never opened, or closed with no answer: nothing was done,
    # so it is retried.
    for kind in (httpx.ConnectTimeout, httpx.RemoteProtocolError):
        calls.clear()
        with pytest.raises(NetworkError):
            await with_backoff(lambda k=kind: lost(k)("s"), "sendMessage", 0.2, 0.01, 0.02)
        assert len(calls) > 2, kind
    # Answering a button twice is harmless: retried even after a lost answer.
    calls.clear()
    with pytest.raises(NetworkError):
        await with_backoff(
            lambda: lost(httpx.ReadTimeout)("a"), "answerCallbackQuery", 0.2, 0.01, 0.02
        )
    assert len(calls) > 2


async def test_a_waiting_chat_holds_no_global_slot() -> None:
    from telegram import Chat, Message, Update

    processor = PerChatOrder(2)  # two slots in all
    release = asyncio.Event()
    done: list[int] = []
    finished: list[int] = []
    processor.on_done = lambda u: finished.append(u.update_id)  # type: ignore[attr-defined]

    def update(uid: int, chat_id: int) -> Update:
        return Update(uid, message=Message(uid, None, Chat(chat_id, "private")))  # type: ignore[arg-type]

    async def handle(uid: int, slow: bool = False) -> None:
        if slow:
            await release.wait()
        done.append(uid)

    # Chat 7's first message is stuck (a slow send); five more wait behind it.
    chat7 = [asyncio.create_task(processor.process_update(update(1, 7), handle(1, slow=True)))]
    await asyncio.sleep(0.01)
    chat7 += [
        asyncio.create_task(processor.process_update(update(i, 7), handle(i))) for i in range(2, 7)
    ]
    await asyncio.sleep(0.01)
    # Another chat's message is answered at once: chat 7's waiting messages
    # do not sit on the second slot.
    await asyncio.wait_for(processor.process_update(update(10, 8), handle(10)), 1.0)
    assert done == [10]
    release.set()
    await asyncio.gather(*chat7)
    assert done == [10, 1, 2, 3, 4, 5, 6]
    assert sorted(finished) == [1, 2, 3, 4, 5, 6, 10]


async def test_updates_are_ordered_within_a_chat_and_concurrent_across_chats() -> None:
    from telegram import Chat, Message, Update

    order: list[str] = []
    processor = PerChatOrder(8)

    def update(chat_id: int) -> Update:
        chat = Chat(chat_id, "private")
        return Update(1, message=Message(1, None, chat))  # type: ignore[arg-type]

    async def work(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        order.append(name)

    await asyncio.gather(
        processor.process_update(update(1), work("a1", 0.05)),
        processor.process_update(update(1), work("a2", 0.0)),
        processor.process_update(update(2), work("b1", 0.0)),
    )
    assert order.index("a1") < order.index("a2")  # same chat: in order
    assert order[0] == "b1"  # another chat did not wait
    assert not processor._locks


# -- commands ----------------------------------------------------------------------
def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from bot.cli import main

    code = main(args)
    return code, capsys.readouterr().out


def test_links_lists_every_topic_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = str(write_pack(tmp_path / "content"))
    locales = str(ROOT / "locales")
    monkeypatch.setenv("BOT_USERNAME", "nyc_help_bot")
    code, out = _cli(["links", "--content", pack, "--locales", locales], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["id"], r["language"]) for r in rows if r["kind"] == "topic"} == {
        (t, lang) for t in ("schools", "about") for lang in ("en", "es")
    }
    schools_es = next(r for r in rows if r["id"] == "schools" and r["language"] == "es")
    assert schools_es["title"] == "Agentes en las escuelas"
    assert schools_es["link"] == "https://t.me/nyc_help_bot?start=schools_es"
    categories = [r for r in rows if r["kind"] == "category"]
    assert {(r["id"], r["language"]) for r in categories} == {
        ("main", "en"),
        ("main", "es"),
    }
    assert next(r for r in categories if r["language"] == "es")["link"] == (
        "https://t.me/nyc_help_bot?start=c_main_es"
    )

    args = ["links", "--content", pack, "--locales", locales, "--bot-username", "@other_bot"]
    code, out = _cli([*args, "--format", "md"], capsys)
    row = "| topic | `schools` | es | Agentes en las escuelas | https://t.me/other_bot?start=schools_es"
    assert code == 0 and row in out


def test_links_without_a_username_warn_and_show_the_placeholder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    pack = str(write_pack(tmp_path / "content"))
    monkeypatch.delenv("BOT_USERNAME", raising=False)
    code = main(["links", "--content", pack, "--locales", str(ROOT / "locales")])
    captured = capsys.readouterr()
    assert code == 0
    assert "https://t.me/YOUR_BOT?start=schools_es" in captured.out
    assert "warning: no bot username" in captured.err and "BOT_USERNAME" in captured.err

    monkeypatch.setenv("BOT_USERNAME", "nyc_help_bot")
    main(["links", "--content", pack, "--locales", str(ROOT / "locales")])
    assert capsys.readouterr().err == ""


def test_health_probe(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBHOOK_URL", raising=False)
    assert _cli(["health"], capsys)[0] == 0  # polling: the process running is the signal
    monkeypatch.setenv("WEBHOOK_URL", "https://x.example/tg")
    monkeypatch.setenv("WEBHOOK_LISTEN", "127.0.0.1")
    monkeypatch.setenv("WEBHOOK_PORT", "9")  # nothing listens there
    assert _cli(["health"], capsys)[0] == 1


def test_unreachable_api_is_retried_and_sigterm_still_exits_zero(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "content")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{free_port()}/bot",  # nothing listens
        LOG_LEVEL="INFO",
    )
    args = ["--content", str(pack), "--locales", str(ROOT / "locales")]
    bot = BotProcess(tmp_path, env, args).start()
    try:
        bot.wait_log("retry 2 in", timeout=60)
    finally:
        code = bot.stop(timeout=10)
    assert code == 0
    assert TOKEN not in bot.logs()


async def test_429s_beyond_the_rate_limiters_own_retries_are_waited_out() -> None:
    from telegram.error import RetryAfter

    calls: list[int] = []

    async def limited() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RetryAfter(0)  # type: ignore[arg-type]
        return "ok"

    assert await with_backoff(limited, "sendMessage", 5, 0.01, 0.02) == "ok"
    assert len(calls) == 3


async def test_the_poller_does_not_fetch_again_while_its_backlog_is_full() -> None:
    """Under load the updates received and not answered are fetched again by
    every getUpdates (the offset cannot pass them): with a full backlog the
    poller waits for it to fall below the mark instead of polling per reply."""
    from bot.telegram.ledger import Ledger
    from bot.telegram.polling import Poller

    ledger = Ledger()
    calls: list[int | None] = []
    backlog = [{"update_id": i, "message": None} for i in range(1, 5)]

    class CountingBot:
        async def do_api_request(self, endpoint: str, **kwargs: Any) -> list[dict[str, Any]]:
            calls.append(kwargs["api_kwargs"].get("offset"))
            await asyncio.sleep(0)
            return backlog  # the same unconfirmed updates, as Telegram sends them

    queue: asyncio.Queue[Any] = asyncio.Queue()
    poller = Poller(CountingBot(), queue, ledger, 0, [], lambda code: None, backlog=4)  # type: ignore[arg-type]
    for update in backlog:
        ledger.receive(update["update_id"])  # received earlier, all in flight
    poller.start()
    await asyncio.sleep(0.1)
    assert calls == []  # four in flight, backlog mark four: no poll
    ledger.finish(1)  # below the mark: it polls, from the oldest in flight
    for _ in range(200):
        if calls:
            break
        await asyncio.sleep(0.01)
    assert calls[:1] == [2]
    await poller.stop()
    assert queue.empty()  # nothing already received is queued twice


async def test_the_poller_stops_when_a_reply_finishes_as_it_is_stopped() -> None:
    """Under load the poller waits for replies to finish; a stop that comes as
    one finishes must still stop it (Python 3.11's wait_for could swallow that
    cancellation, and shutdown then hung)."""
    from bot.telegram.ledger import Ledger
    from bot.telegram.polling import Poller

    class IdleBot:
        async def do_api_request(self, endpoint: str, **kwargs: Any) -> list[dict[str, Any]]:
            await asyncio.sleep(0.01)
            return []

    for _ in range(20):
        ledger = Ledger()
        for update_id in range(1, 6):
            ledger.receive(update_id)
        poller = Poller(IdleBot(), asyncio.Queue(), ledger, 0, [], lambda code: None, backlog=2)  # type: ignore[arg-type]
        poller.start()
        await asyncio.sleep(0.01)  # waiting for the backlog to fall
        ledger.finish(1)  # the wait ends on the loop's next turn...
        stopping = asyncio.create_task(poller.stop())  # ...as the stop cancels it
        done, _ = await asyncio.wait({stopping}, timeout=3)
        if stopping not in done:  # leave nothing running behind the failure
            poller._stopping = True
            stopping.cancel()
        assert stopping in done, "the poller did not stop"


def test_telegram_certificate_is_checked_against_httpx_s_authorities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aiohttp transport trusts what httpx (PTB's default) trusted:
    certifi's bundle, or SSL_CERT_FILE when set; never an unchecked certificate."""
    import ssl

    import certifi

    from bot.telegram.request import tls_context

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    bundle = Path(certifi.where()).read_text("ascii")
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == bundle.count("BEGIN CERTIFICATE")
    one = bundle[bundle.index("-----BEGIN CERTIFICATE") :]
    one = one[: one.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    (tmp_path / "one.pem").write_text(one + "\n", "ascii")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "one.pem"))
    assert tls_context().cert_store_stats()["x509_ca"] == 1


def test_a_stop_past_the_grace_closes_its_connections_and_logs_no_error(tmp_path: Path) -> None:
    """Updates still unanswered when SHUTDOWN_GRACE runs out are left to
    Telegram (sent again to the next process); the process still exits 0
    at once, with its Bot API connections closed: no error in its log."""
    content = copy_content(tmp_path / "content")
    args = ["--content", str(content[0]), "--locales", str(content[1])]
    env = {"LOG_LEVEL": "INFO", "FLOOD_BURST": "50", "SHUTDOWN_GRACE": "1"}
    with FakeTelegram() as fake:
        bot = BotProcess(tmp_path, bot_env(fake, **env), args).start()
        bot.wait_log("running (", timeout=START_TIMEOUT)
        fake.slow_next(40, 1.0)
        arrived = len(fake.arrivals)
        question = "can ice come to my kids school"
        fake.push_many([fake.message_update(7_700_000_000 + i, question) for i in range(60)])
        fake.wait_arrived("sendMessage", count=4, after=arrived)
        started = time.monotonic()
        assert bot.stop(signal.SIGTERM, timeout=15) == 0
        assert time.monotonic() - started < 5
    logs = bot.logs()
    assert "updates unanswered; Telegram will send them again" in logs
    assert " ERROR " not in logs and "Unclosed" not in logs
