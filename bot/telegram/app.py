"""`safecity-bot run`: wire settings, engine and python-telegram-bot together and run.

The lifecycle is ours rather than PTB's `run_polling`/`run_webhook`, so that
polling and webhook mode share one shutdown path: on SIGTERM or SIGINT we stop
taking new updates, answer what fits in SHUTDOWN_GRACE seconds, confirm to
Telegram only what was answered (the rest is sent again to the next process),
and exit 0. SIGHUP reloads the content. Updates are confirmed only once
answered (see ledger.py): at least once, in order within a chat.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from .. import settings as paths
from ..engine import ContentError, Engine
from ..stats import open_recorder
from . import config, logs
from .delivery import PerChatOrder, RetryingRateLimiter
from .flood import FloodGuard
from .handlers import ALLOWED_UPDATES, Shell
from .ledger import Ledger
from .memory import LanguageMemory
from .polling import BACKLOG, Poller
from .profile import ProfilePublisher
from .reload import ContentWatcher, Snapshot, log_report, snapshot
from .request import AiohttpRequest
from .webhook import WebhookServer

log = logging.getLogger("bot.telegram")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
POLL_TIMEOUT = 25  # seconds of long polling: one request per 25 s when idle
# Telegram answers a send in well under a second; a slow answer is still an
# answer, and giving up on it early is what made resend duplicates.
SEND_TIMEOUT = 30.0


def build_application(
    settings: config.Settings, shell: Shell, ledger: Ledger | None = None
) -> AnyApplication:
    def done(update: object) -> None:
        if ledger is not None and isinstance(update, Update):
            ledger.finish(update.update_id)

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(RetryingRateLimiter(overall_max_rate=settings.rate_limit or 1e9))
        .concurrent_updates(PerChatOrder(settings.concurrent_updates, on_done=done))
        # Calls go out over aiohttp as JSON (see request.py for why).
        .request(
            AiohttpRequest(
                # One connection per update in flight, plus room for profile and reload calls.
                connection_pool_size=settings.concurrent_updates + 4,
                pool_timeout=10.0,  # wait for a free connection rather than fail the reply
                read_timeout=SEND_TIMEOUT,
                write_timeout=SEND_TIMEOUT,
            )
        )
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        # Our own poller (polling.py) or webhook server feeds the update queue.
        .updater(None)
    )
    application: AnyApplication = builder.build()
    shell.register(application)
    return application


class Runner:
    def __init__(
        self, settings: config.Settings, engine: Engine, seen: Snapshot | None = None
    ) -> None:
        self.settings = settings
        flood = FloodGuard(burst=settings.flood_burst, rate=settings.flood_rate)
        self.stats = open_recorder()
        self.shell = Shell(engine, LanguageMemory(), flood, self.stats)
        self.ledger = Ledger()
        self.application = build_application(settings, self.shell, self.ledger)
        limiter = self.application.bot.rate_limiter
        assert isinstance(limiter, RetryingRateLimiter)
        self.limiter = limiter
        self.publisher = ProfilePublisher(engine)
        self.watcher = ContentWatcher(
            engine, settings.reload_interval, self._after_reload, seen=seen
        )
        self.stop = asyncio.Event()
        self.exit_code = 0

    async def _after_reload(self) -> None:
        await self.publisher.publish(self.application.bot)

    def _request_stop(self, code: int = 0) -> None:
        if not self.stop.is_set():
            self.exit_code = code
            self.stop.set()

    async def main(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._request_stop)
        loop.add_signal_handler(signal.SIGHUP, self.watcher.trigger)
        if not await self._initialize():
            return self.exit_code
        server: WebhookServer | None = None
        poller: Poller | None = None
        app = self.application
        try:
            await app.start()
            if self.settings.webhook is not None:
                server = WebhookServer(app, self.settings.webhook, self.ledger)
                await self._set_webhook()
                server.start()
            else:
                await app.bot.delete_webhook()  # getUpdates fails while one is set
                poller = Poller(
                    app.bot,
                    app.update_queue,
                    self.ledger,
                    POLL_TIMEOUT,
                    ALLOWED_UPDATES,
                    self._request_stop,
                    # Enough received work to keep every slot busy.
                    backlog=max(BACKLOG, 2 * self.settings.concurrent_updates),
                )
                poller.start()
            mode = "webhook" if server else "polling"
            log.info("running (%s) as @%s", mode, app.bot.username)
            self.watcher.start()
            app.create_task(self.publisher.publish(app.bot), name="profile")
            await self.stop.wait()
        except InvalidToken:
            log.error("the Bot API rejected the token")
            self.exit_code = 2
        except TelegramError as exc:
            log.error("could not start: %s %s", type(exc).__name__, exc)
            self.exit_code = 1
        finally:
            try:
                await self._shut_down(server, poller)
            finally:
                if self.stats is not None:
                    # Last, after every answer that will be given: their counts too.
                    await asyncio.to_thread(self.stats.close)
            answered = sum(v for k, v in self.shell.counts.items() if k != "error")
            log.info(
                "stopped: %d replies, %d inline answers, %d errors, "
                "%d dropped by flood control, %d sends given up, %d reloads",
                answered,
                self.shell.inline.answered,
                self.shell.counts["error"],
                self.shell.flood.dropped,
                self.limiter.given_up,
                self.watcher.reloads,
            )
        return self.exit_code

    async def _shut_down(self, server: WebhookServer | None, poller: Poller | None) -> None:
        """Stop taking updates, answer what fits in the grace time, confirm only that."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.shutdown_grace
        log.info("stopping: answering the %d updates in flight", len(self.ledger))
        if server is not None:
            server.refuse_new()  # 503: Telegram sends them to the next process
        if poller is not None:
            await poller.stop()
        drained = await self.ledger.drain(max(0.0, deadline - loop.time()))
        if poller is not None:
            await poller.confirm()
        await self.watcher.stop()
        if server is not None:
            await server.stop()
        app = self.application
        if not drained:
            # Unconfirmed: Telegram sends these again to the next process.
            log.warning(
                "stopped with %d updates unanswered; Telegram will send them again",
                len(self.ledger),
            )
            # Their sends end with the process: cancelled here (asyncio.run would
            # next) rather than failing one by one, then the connections closed,
            # which aiohttp otherwise reports as errors at exit.
            await _cancel_the_rest()
            await app.bot.shutdown()
            return
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _initialize(self) -> bool:
        """getMe until it works (the API may be briefly unreachable at boot).

        A stop signal ends the wait at once, even in the middle of a retry.
        """
        delay = 1.0
        while not self.stop.is_set():
            init = asyncio.create_task(self.application.initialize())
            stopped = asyncio.create_task(self.stop.wait())
            await asyncio.wait({init, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not init.done():
                init.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await init
                return False
            try:
                init.result()
                return True
            except InvalidToken:
                log.error("the Bot API rejected the token")
                self.exit_code = 2
                return False
            except NetworkError as exc:
                log.warning(
                    "Bot API unreachable at start-up (%s); retrying in %.0fs",
                    type(exc).__name__,
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), delay)
                delay = min(delay * 2, 30.0)
        return False

    async def _set_webhook(self) -> None:
        webhook = self.settings.webhook
        assert webhook is not None
        await self.application.bot.set_webhook(
            url=webhook.url,
            secret_token=webhook.secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=40,
        )


async def _cancel_the_rest() -> None:
    """Cancel every task but this one; wait for them at most a second (past the grace)."""
    others = asyncio.all_tasks() - {asyncio.current_task()}
    for task in others:
        task.cancel()
    if others:
        await asyncio.wait(others, timeout=1.0)


def _exit_now(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run(args: argparse.Namespace) -> int:
    try:
        settings = config.load()
    except config.ConfigError as exc:
        sys.stderr.write(f"safecity-bot run: {exc}\n")
        return 2
    logs.install([settings.token, settings.webhook.secret if settings.webhook else ""])
    # Until the event loop takes over the signals: a stop during the content
    # load is a clean exit too (nothing has been received yet).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_now)
    content, locales = paths.content_dir(args.content), paths.locales_dir(args.locales)
    seen = snapshot(content, locales)  # before loading: edits during the load count
    try:
        # Serves at once on new content; the thresholds are measured meanwhile.
        engine = Engine(content, locales, calibrate_now=paths.calibrate_now())
    except ContentError as exc:
        sys.stderr.write(f"{exc}\n")
        sys.stderr.write("safecity-bot run: the content has errors; fix them and start again\n")
        return 1
    log_report(engine.last_report, "start-up")
    return asyncio.run(Runner(settings, engine, seen).main())
