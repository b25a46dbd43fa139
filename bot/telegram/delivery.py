"""Getting replies out reliably: rate limits, retries and per-chat ordering.

- `RetryingRateLimiter`: PTB's AIORateLimiter (Telegram's global and per-group
  limits; a 429's `retry_after` is waited out and the call retried) plus
  retries with exponential backoff, for a bounded total time (minutes, so a
  reply outlives a Bot API outage), for errors where the request is known not
  to have been processed: a connection that never opened or was closed with
  no answer, a connection pool timeout, a 5xx answer. A send whose answer
  timed out (after SEND_TIMEOUT, long enough for a slow but working API) may
  have been done and is not sent again: that is how residents got answers
  twice. BadRequest would fail
  the same way again and is never retried.
- `PerChatOrder`: updates are processed concurrently across chats (a slow
  network call for one resident does not hold up the others) but one at a
  time within a chat, so a resident's replies arrive in the order asked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, BaseUpdateProcessor
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)
T = TypeVar("T")

# `send_text` calls sendMessage through do_api_request on purpose (see there).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)


async def send_text(
    bot: Bot,
    chat_id: int,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    reply_parameters: ReplyParameters | None = None,
) -> None:
    """`bot.send_message`, without reading Telegram's answer into a Message.

    python-telegram-bot makes a Message of every sendMessage answer, the
    reply's keyboard included: about a third of a millisecond per update, on
    the event loop, for an object no handler reads. do_api_request sends the
    same parameters through the same path (the bot's defaults, HTML and no
    link preview; the rate limiter and retries below; the same errors) and
    leaves the answer as JSON.
    """
    params: dict[str, Any] = {"chat_id": chat_id, "text": text}
    defaults = getattr(bot, "defaults", None)  # an ExtBot's, as send_message uses them
    if defaults is not None:
        params["parse_mode"] = defaults.parse_mode
        params["link_preview_options"] = defaults.link_preview_options
        params["disable_notification"] = defaults.disable_notification
        params["protect_content"] = defaults.protect_content
    params["reply_markup"] = markup_json(reply_markup) if reply_markup is not None else None
    params["reply_parameters"] = reply_parameters
    await bot.do_api_request("sendMessage", api_kwargs=params)  # None values are left out


# Keyboards are made once per content load (render.Keyboards) and sent with
# every answer: each one's JSON is kept too, the very string PTB would make of
# it (RequestParameter: json.dumps(to_dict()); a string parameter is sent as
# it is). Keyed by the object, which the entry holds so its id stays its own.
_MARKUPS: dict[int, tuple[InlineKeyboardMarkup, str]] = {}
_MARKUPS_KEPT = 4096


def markup_json(markup: InlineKeyboardMarkup) -> str:
    kept = _MARKUPS.get(id(markup))
    if kept is not None and kept[0] is markup:
        return kept[1]
    if len(_MARKUPS) >= _MARKUPS_KEPT:
        _MARKUPS.clear()
    text = json.dumps(markup.to_dict())
    _MARKUPS[id(markup)] = (markup, text)
    return text


class RetryingRateLimiter(AIORateLimiter):
    """Why a 429 pauses every chat: Telegram's 429 does not say whether it was
    the bot's overall limit (about 30 messages a second) or one chat's (about
    one a second) that was hit. Our own overall limiter keeps under the first,
    so a 429 usually means one chat; but when it is the overall limit, going on
    with other chats makes Telegram lengthen the ban for all of them. The pause
    is the retry_after Telegram asked for (seconds), and replies to a chat in
    flood control are already dropped by FloodGuard before they are sent, so
    the shared pause is rare and short; PTB's AIORateLimiter behaviour is kept.
    """

    def __init__(
        self,
        overall_max_rate: float = 30,
        max_retries: int = 3,
        # Retries stop after `budget` seconds in all: long enough to ride out
        # a Bot API outage of a minute or two, short of leaving a resident
        # waiting for ever. Shutdown does not wait for it (see SHUTDOWN_GRACE):
        # what is unanswered then is left for Telegram to send again.
        budget: float = 180.0,
        base_delay: float = 0.5,
        max_delay: float = 10.0,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.budget = budget
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.given_up = 0  # a count for the logs

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        try:
            return await with_backoff(
                lambda: super(RetryingRateLimiter, self).process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                ),
                endpoint,
                self.budget,
                self.base_delay,
                self.max_delay,
            )
        except (NetworkError, RetryAfter):
            self.given_up += 1
            raise


# Methods that create something on each call: repeating one whose request may
# have been processed shows the resident the same message twice.
_NOT_REPEATABLE = ("send", "forward", "copy")


def may_have_been_processed(exc: NetworkError) -> bool:
    """The request was taken and its answer did not come in time: Telegram may
    have done it. A connection closed with no answer at all is not counted: in
    practice that is a kept-alive connection the server had already closed,
    and the request was never read. The bot's own transport (request.py) is
    aiohttp; httpx's is PTB's default, kept for a Bot built without it."""
    return isinstance(exc.__cause__, aiohttp.SocketTimeoutError | httpx.ReadTimeout)


async def with_backoff(
    call: Callable[[], Awaitable[T]],
    what: str,
    budget: float,
    base_delay: float,
    max_delay: float,
) -> T:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    delay = base_delay
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except BadRequest:
            raise
        except RetryAfter as exc:
            # AIORateLimiter already waited out a few 429s in a row; more of
            # them are still "not done", so the reply waits on, within budget.
            pause = _seconds(exc.retry_after)
            if loop.time() + pause > deadline:
                log.error("Bot API %s still rate-limited after %.0fs; giving up", what, budget)
                raise
            log.warning("Bot API %s rate-limited again; retry %d in %.1fs", what, attempt, pause)
            await asyncio.sleep(pause)
        except NetworkError as exc:
            if what.startswith(_NOT_REPEATABLE) and may_have_been_processed(exc):
                log.warning(
                    "Bot API %s got no answer (%s); not repeated, it may have arrived",
                    what,
                    type(exc.__cause__).__name__,
                )
                raise
            pause = delay * (0.8 + 0.4 * random.random())  # jitter: no retry storms
            if loop.time() + pause > deadline:
                log.error(
                    "Bot API %s failed %d times in %.0fs (%s); giving up",
                    what,
                    attempt,
                    budget,
                    type(exc).__name__,
                )
                raise
            log.warning(
                "Bot API %s failed (%s: %s); retry %d in %.1fs",
                what,
                type(exc).__name__,
                str(exc)[:120],  # "Internal Server Error (500)", "ConnectError: ..."
                attempt,
                pause,
            )
            await asyncio.sleep(pause)
            delay = min(delay * 2, max_delay)


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    """One chat's updates in order; different chats side by side.

    A chat's turn is waited for *before* one of the global slots is taken, so
    a chat with many slow messages queues behind itself, not in front of
    everyone else. `on_done` hears of every update once it is finished (its
    reply sent or given up), whatever happened to it.
    """

    # PTB takes its own slot before handing us an update; ours is the real
    # limit, taken only once the chat's turn has come.
    _WAITING_ROOM = 100_000

    def __init__(
        self,
        max_concurrent_updates: int = 64,
        on_done: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(self._WAITING_ROOM)
        self.slots = asyncio.Semaphore(max_concurrent_updates)
        self.on_done = on_done
        # chat id -> (lock, how many updates hold or wait for it); entries go
        # when the count drops to zero, so the table stays small.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            key = _chat_key(update)
            if key is None:
                async with self.slots:
                    await coroutine
                return
            lock, users = self._locks.get(key, (None, 0))
            if lock is None:
                lock = asyncio.Lock()
            self._locks[key] = (lock, users + 1)
            try:
                async with lock, self.slots:
                    await coroutine
            finally:
                lock_now, users_now = self._locks[key]
                if users_now <= 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock_now, users_now - 1)
        finally:
            if self.on_done is not None:
                self.on_done(update)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
