"""Which updates are answered, so Telegram is told only about those.

Telegram keeps an update until the bot confirms it: in polling, by asking for
updates from an offset past it; in webhook mode, by answering the POST with
200. Confirming on receipt (what python-telegram-bot's own updater does) loses
every update that was fetched but not yet answered when the process dies. The
ledger holds update ids only (never their content) from the moment they are
received until their reply is out, and tells

- the poller the offset it may confirm: past every update that is done, but
  not past the oldest one still in flight;
- the webhook handler when its update is done, so the POST is answered then.

After a crash Telegram sends again whatever was not confirmed, so nothing
received is lost and nothing is written to disk to achieve it. What a crash
can duplicate: updates answered after the oldest one still in flight, which
were done but not yet confirmable.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict


class Ledger:
    # Recently finished ids, so a webhook redelivery of an update already
    # answered is confirmed without answering twice. Ids only; bounded.
    REMEMBERED = 10_000

    def __init__(self) -> None:
        self.highest = -1  # the newest update id ever received
        self._inflight: dict[int, asyncio.Event] = {}
        self._finished: OrderedDict[int, None] = OrderedDict()
        self._changed = asyncio.Event()
        self.finished_total = 0  # counts for the logs

    def __len__(self) -> int:
        return len(self._inflight)

    # -- receiving --------------------------------------------------------
    def is_new(self, update_id: int) -> bool:
        """Polling: an update past every one received before.

        Ids already received come back from getUpdates while an older update
        is still in flight (the offset cannot move past it): they are either
        in flight or done, and must not be answered again.
        """
        return update_id > self.highest

    def receive(self, update_id: int) -> asyncio.Event | None:
        """Start tracking an update; None when it is already done (a redelivery).

        The returned event is set when the update is done. Receiving an id
        that is in flight returns the same event: it is not queued twice.
        """
        if update_id in self._finished:
            return None
        event = self._inflight.get(update_id)
        if event is None:
            event = self._inflight[update_id] = asyncio.Event()
            self.highest = max(self.highest, update_id)
        return event

    def is_tracked(self, update_id: int) -> bool:
        return update_id in self._inflight

    # -- finishing --------------------------------------------------------
    def finish(self, update_id: int) -> None:
        event = self._inflight.pop(update_id, None)
        if event is None:
            return
        event.set()
        self.finished_total += 1
        self._finished[update_id] = None
        while len(self._finished) > self.REMEMBERED:
            self._finished.popitem(last=False)
        self._changed.set()

    # -- confirming -------------------------------------------------------
    def offset(self) -> int | None:
        """The getUpdates offset that confirms every done update before the
        oldest one in flight (None before anything was received)."""
        if self._inflight:
            return min(self._inflight)
        return self.highest + 1 if self.highest >= 0 else None

    async def wait_change(self, timeout: float) -> None:
        """Until some update finishes, or `timeout` seconds."""
        self._changed.clear()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow
        # a cancellation that arrives as the event is set, and the poller,
        # which waits here after every reply under load, then never stops.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._changed.wait()

    async def wait_below(self, count: int, timeout: float) -> None:
        """Until fewer than `count` updates are in flight, or `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self._inflight) >= count:
            left = deadline - loop.time()
            if left <= 0:
                return
            await self.wait_change(left)

    async def drain(self, timeout: float) -> bool:
        """Wait until nothing is in flight; False when time ran out first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._inflight:
            left = deadline - loop.time()
            if left <= 0:
                return False
            await self.wait_change(left)
        return True
