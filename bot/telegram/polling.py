"""Long polling that confirms an update to Telegram only after it is answered.

python-telegram-bot's Updater asks for the next batch with an offset past the
last one as soon as that batch is queued, which confirms it to Telegram before
any reply went out; a crash then loses those updates for good. This poller
asks with the ledger's offset instead: past every answered update, never past
one still in flight. Updates it has already received come back while an older
one is still being answered; the ledger tells them apart from new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

from .ledger import Ledger

log = logging.getLogger(__name__)

# While an update is in flight, getUpdates answers at once with the updates
# already received; waiting this long (or until one finishes) between such
# calls keeps the poller from spinning and new messages from waiting long.
BUSY_WAIT = 0.25
# Under load, while this many updates are received and not yet answered,
# polling again only fetches them again (up to 100, as JSON, each time one
# finishes): measured, that was two getUpdates per update answered, and the
# parsing on both ends took CPU from the replies. A new message would queue
# behind those anyway, so it is fetched when the backlog falls below this
# (or after BUSY_WAIT). Below it, polling is as before.
BACKLOG = 32


class Poller:
    def __init__(
        self,
        bot: Bot,
        queue: asyncio.Queue[Any],
        ledger: Ledger,
        timeout: int,
        allowed_updates: Sequence[str],
        on_fatal: Callable[[int], None],
        backlog: int = BACKLOG,
    ) -> None:
        self.bot = bot
        self.queue = queue
        self.ledger = ledger
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self.on_fatal = on_fatal
        self.backlog = backlog
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="poller")

    async def stop(self) -> None:
        """Stop fetching: a long poll in progress is abandoned (it confirms nothing)."""
        self._stopping = True  # ends the loop even if a cancellation is lost
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def confirm(self) -> None:
        """Tell Telegram about every update answered so far, at shutdown."""
        offset = self.ledger.offset()
        if offset is None:
            return
        try:
            await self.bot.get_updates(
                offset=offset, timeout=0, limit=1, allowed_updates=self.allowed_updates
            )
        except TelegramError as exc:
            # Not fatal: the unconfirmed updates are sent again and answered twice.
            log.warning("could not confirm answered updates at shutdown (%s)", type(exc).__name__)

    async def _loop(self) -> None:
        delay = 1.0
        while not self._stopping:
            if len(self.ledger) >= self.backlog:
                await self.ledger.wait_below(self.backlog, BUSY_WAIT)
            try:
                updates = await self._fetch()
            except InvalidToken:
                log.error("the Bot API rejected the token while polling")
                self.on_fatal(2)
                return
            except TelegramError as exc:
                # Conflict: another process polls with this token (or a webhook
                # is set); a cut or garbled answer is a TelegramError too.
                log.warning("polling failed (%s); retrying in %.0fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            fresh = [u for u in updates if self.ledger.is_new(u["update_id"])]
            for data in fresh:
                update = Update.de_json(data, self.bot)
                self.ledger.receive(update.update_id)
                await self.queue.put(update)
            if updates and not fresh:
                await self.ledger.wait_change(BUSY_WAIT)

    async def _fetch(self) -> list[dict[str, Any]]:
        """The next getUpdates answer, as JSON: while an update is in flight
        the same updates come back call after call (up to 100 at a time), and
        only the new ones are worth making Update objects of (under load,
        parsing the others cost more than answering)."""
        kwargs: dict[str, Any] = {"timeout": self.timeout, "allowed_updates": self.allowed_updates}
        offset = self.ledger.offset()
        if offset is not None:
            kwargs["offset"] = offset
        result = await self.bot.do_api_request(
            "getUpdates", api_kwargs=kwargs, read_timeout=self.timeout + 10
        )
        return list(result) if isinstance(result, list) else []


def update_id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None
