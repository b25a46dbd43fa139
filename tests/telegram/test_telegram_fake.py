"""The fake Bot API rejects what Telegram rejects, in the form PTB understands."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest
from fake_telegram import TOKEN, FakeTelegram
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest, NetworkError, RetryAfter


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as client:
        fake.chat(42)
        yield client


async def test_get_me(bot: Bot) -> None:
    assert bot.username == "safecity_test_bot"


async def test_text_over_4096_characters(bot: Bot) -> None:
    await bot.send_message(42, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(42, "x" * 4097)


async def test_malformed_html(bot: Bot) -> None:
    await bot.send_message(42, "<b>fine</b> &amp; ok", parse_mode="HTML")
    for bad in ("<b>open", "a < b", "<div>x</div>", "Tom & Jerry"):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(42, bad, parse_mode="HTML")


async def test_callback_data_over_64_bytes(bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])
    await bot.send_message(42, "hi", reply_markup=ok)
    long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(42, "hi", reply_markup=long)


async def test_more_than_50_inline_results(bot: Bot, fake: FakeTelegram) -> None:
    def results(n: int) -> list[InlineQueryResultArticle]:
        return [
            InlineQueryResultArticle(str(i), f"t{i}", InputTextMessageContent("x"))
            for i in range(n)
        ]

    await bot.answer_inline_query("q1", results(50))
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query("q2", results(51))


async def test_bad_command_names(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="es")
    for name in ("Start", "has-dash", "x" * 33):
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(name, "Start")])


async def test_unknown_chat_and_unknown_message(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hi")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("hi", chat_id=42, message_id=1)


async def test_injected_faults(
    bot: Bot, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22's future type for retry_after
    fake.fail_next(1, status=429, retry_after=3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(42, "hi")
    assert limited.value.retry_after == dt.timedelta(seconds=3)
    fake.fail_next(1, status=500)
    with pytest.raises(NetworkError):
        await bot.send_message(42, "hi")
    await bot.send_message(42, "hi")
    assert [c.status for c in fake.calls_of("sendMessage", ok=None)][-3:] == [429, 500, 200]


async def test_long_polling_honours_offset_and_timeout(bot: Bot, fake: FakeTelegram) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9
    first, second = fake.push_many([fake.message_update(42, "a"), fake.message_update(42, "b")])
    updates = await bot.get_updates(timeout=5)
    assert [u.update_id for u in updates] == [first, second]
    updates = await bot.get_updates(offset=second, timeout=0)
    assert [u.update_id for u in updates] == [second]
    assert await bot.get_updates(offset=second + 1, timeout=0) == ()


async def test_send_text_sends_what_send_message_sends(fake: FakeTelegram) -> None:
    """The bot's sends skip PTB's parsing of the answer (bot/telegram/delivery.py):
    Telegram must still get the same parameters, the bot's defaults included."""
    from telegram import LinkPreviewOptions, ReplyParameters
    from telegram.constants import ParseMode
    from telegram.ext import Defaults, ExtBot

    from bot.telegram.delivery import send_text

    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Menu", callback_data="m:en")]])
    quote = ReplyParameters(7, allow_sending_without_reply=True)
    fake.chat(42)
    async with ExtBot(TOKEN, base_url=fake.base_url, defaults=defaults) as client:
        mark = fake.mark()
        await client.send_message(42, "<b>hi</b>", reply_markup=keyboard, reply_parameters=quote)
        await send_text(client, 42, "<b>hi</b>", reply_markup=keyboard, reply_parameters=quote)
        await client.send_message(42, "plain")
        await send_text(client, 42, "plain")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await send_text(client, 42, "Tom & Jerry")  # errors come back as they did
    calls = fake.calls_of("sendMessage", mark)
    assert len(calls) == 4  # the bad one was refused
    assert calls[0].params["parse_mode"] == "HTML"
    assert calls[1].params == calls[0].params
    assert calls[3].params == calls[2].params


async def test_aiohttp_request_sends_what_httpx_sends(fake: FakeTelegram) -> None:
    """The bot's calls go out over aiohttp as one JSON body (bot/telegram/request.py):
    Telegram must read the same parameters as from PTB's own httpx form body."""
    from telegram import LinkPreviewOptions, ReplyParameters
    from telegram.constants import ParseMode
    from telegram.ext import Defaults, ExtBot
    from telegram.request import HTTPXRequest

    from bot.telegram.delivery import send_text
    from bot.telegram.request import AiohttpRequest

    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("القائمة", callback_data="m:ar")],
            [InlineKeyboardButton("Share", url="https://t.me/share/url?url=x&text=%D8%A7")],
        ]
    )
    quote = ReplyParameters(7, allow_sending_without_reply=True)
    text = "<b>هل يمكن</b> للمالك &amp; 房东 — «ça» 🙂\n\nLast reviewed 2026-12-01"
    fake.chat(42)
    params = []
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    for request in (HTTPXRequest(), AiohttpRequest()):
        async with ExtBot(
            TOKEN, base_url=fake.base_url, defaults=defaults, request=request
        ) as client:
            mark = fake.mark()
            await send_text(client, 42, text, reply_markup=keyboard, reply_parameters=quote)
            await client.send_message(42, "plain")
            sent = await client.send_message(42, "to edit")
            await client.edit_message_text("edited", chat_id=42, message_id=sent.message_id)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await client.answer_callback_query("cq1", text="ok")  # unknown to the fake
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await send_text(client, 42, "Tom & Jerry", reply_markup=keyboard)
            params.append(
                [
                    (c.method, {k: v for k, v in c.params.items() if k != "message_id"}, c.status)
                    for c in fake.calls_of(None, mark, ok=None)
                ]
            )
    assert params[0] == params[1]
    assert params[1][0][1]["text"] == text
    assert params[1][0][1]["reply_markup"] == keyboard.to_dict()


async def test_aiohttp_request_body_errors_and_timeouts() -> None:
    """Without files the body is PTB's own JSON payload, with files a multipart
    form; Telegram's errors come back as the same exceptions as through
    HTTPXRequest, and only an answer that did not come in time counts as a
    request that may have been done (delivery.py does not send it again)."""
    import asyncio
    import json

    from aiohttp import web
    from telegram import InputFile
    from telegram.error import TimedOut
    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    from bot.telegram.delivery import may_have_been_processed
    from bot.telegram.request import AiohttpRequest

    seen: list[tuple[str, str, bytes]] = []
    answers = iter(
        [
            (200, {"ok": True, "result": True}),
            (429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                   "parameters": {"retry_after": 3}}),
            (500, {"ok": False, "error_code": 500, "description": "Internal"}),
            (200, {"ok": True, "result": True}),
        ]
    )  # fmt: skip

    async def answer(request: web.Request) -> web.StreamResponse:
        seen.append((request.path, request.content_type, await request.read()))
        if request.path.endswith("/slow"):
            await asyncio.sleep(2)
        if request.path.endswith("/drop") and request.transport is not None:
            request.transport.close()  # no answer, as a kept-alive connection closed
            raise asyncio.CancelledError
        status, body = next(answers)
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}/botT"
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        data = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("text", "ساعدني 🙂"),
                RequestParameter.from_input(
                    "reply_markup",
                    InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="b")]]),
                ),
            ]
        )
        assert await request.post(f"{base}/sendMessage", data) is True
        assert seen[-1][1] == "application/json"
        assert json.loads(seen[-1][2]) == data.json_parameters
        with pytest.raises(RetryAfter):
            await request.post(f"{base}/sendMessage", data)
        with pytest.raises(NetworkError, match="Internal"):
            await request.post(f"{base}/sendMessage", data)
        with pytest.raises(TimedOut) as slow:
            await request.post(f"{base}/slow", data)
        assert may_have_been_processed(slow.value)
        with pytest.raises(NetworkError) as dropped:
            await request.post(f"{base}/drop", data)
        assert not may_have_been_processed(dropped.value)  # retried
        with_file = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input(
                    "document", InputFile(b"%PDF-1.4 flyer", filename="flyer.pdf")
                ),
            ]
        )
        assert await request.post(f"{base}/sendDocument", with_file) is True
        path, kind, body = seen[-1]
        assert path == "/botT/sendDocument"
        assert kind == "multipart/form-data"
        assert b'name="chat_id"' in body and b"%PDF-1.4 flyer" in body
        assert b'filename="flyer.pdf"' in body
    finally:
        await request.shutdown()
        await runner.cleanup()
    closed = AiohttpRequest(connect_timeout=1.0)
    await closed.initialize()
    try:
        with pytest.raises(NetworkError) as refused:  # nothing listens there any more
            await closed.post(f"{base}/sendMessage", data)
        assert not may_have_been_processed(refused.value)
    finally:
        await closed.shutdown()
