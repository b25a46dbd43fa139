"""Getting replies out reliably: rate limits, retries and per-chat ordering.

- `RetryingRateLimiter`: PTB's AIORateLimiter (Telegram's global and per-group
  limits; a 429's `retry_after` is waited out and the call retried) plus
  retries with exponential backoff for network errors and 5xx answers, which
  PTB raises as NetworkError. BadRequest is a NetworkError subclass in PTB but
  would fail the same way again, so it is not retried. A timed-out send may
  in rare cases have been delivered; a duplicate answer is the lesser harm.
- `PerChatOrder`: updates are processed concurrently across chats (a slow
  network call for one resident does not hold up the others) but one at a
  time within a chat, so a resident's replies arrive in the order asked.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)
T = TypeVar("T")


class RetryingRateLimiter(AIORateLimiter):
    def __init__(
        self,
        overall_max_rate: float = 30,
        max_retries: int = 3,
        # 0.5 + 1 + 2 + 4 s: under ten seconds in all, so a reply being retried
        # still finishes within Docker's default stop timeout.
        attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 4.0,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        return await with_backoff(
            lambda: super(RetryingRateLimiter, self).process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            ),
            endpoint,
            self.attempts,
            self.base_delay,
            self.max_delay,
        )


async def with_backoff(
    call: Callable[[], Awaitable[T]],
    what: str,
    attempts: int,
    base_delay: float,
    max_delay: float,
) -> T:
    delay = base_delay
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as exc:
            if attempt == attempts:
                log.error(
                    "Bot API %s failed %d times (%s); giving up", what, attempts, type(exc).__name__
                )
                raise
            pause = delay * (0.8 + 0.4 * random.random())  # jitter: no retry storms
            log.warning(
                "Bot API %s failed (%s: %s); retry %d/%d in %.1fs",
                what,
                type(exc).__name__,
                str(exc)[:120],  # "Internal Server Error (500)", "ConnectError: ..."
                attempt,
                attempts - 1,
                pause,
            )
            await asyncio.sleep(pause)
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        # chat id -> (lock, how many updates hold or wait for it); entries go
        # when the count drops to zero, so the table stays small.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock_now, users_now = self._locks[key]
            if users_now <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock_now, users_now - 1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
