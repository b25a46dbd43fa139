"""Webhook mode: a small tornado server that takes Telegram's POSTs.

Our own server instead of PTB's `run_webhook`, for two reasons: container
probes need a health endpoint, and shutdown must stop taking updates before
the application finishes the ones it has. Tornado is already installed by
python-telegram-bot's `webhooks` extra.

Routes:
- POST <path of WEBHOOK_URL>: the secret-token header must match
  WEBHOOK_SECRET (constant-time compare), else 403 and the body is not even
  parsed. A good update is queued, and the POST is answered 200 only once
  the update is answered: a 200 confirms it to Telegram, so a crash before
  then means Telegram sends it again. While stopping, new POSTs get 503 (sent
  again to the next process). A redelivery of an update in flight waits for
  the same reply; one already answered gets 200 at once.
- GET/HEAD /healthz: 200 while the bot is running, 503 while it stops.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from .config import HEALTH_PATH, Webhook
from .ledger import Ledger

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # an update is a few kilobytes; refuse anything huge

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class _State:
    def __init__(self) -> None:
        self.accepting = False


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(
        self, ptb_app: AnyApplication, secret: str, state: _State, ledger: Ledger
    ) -> None:
        self.ptb_app = ptb_app
        self.secret = secret.encode()
        self.state = state
        self.ledger = ledger

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook request without the right secret token: refused (403)")
            self.set_status(403)
            return
        if not self.state.accepting:
            self.set_status(503)  # Telegram retries later, after the restart
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            update = Update.de_json(data, self.ptb_app.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook request with a body that is not an update: refused (400)")
            self.set_status(400)
            return
        queued = self.ledger.is_tracked(update.update_id)
        done = self.ledger.receive(update.update_id)
        if done is not None:
            if not queued:
                await self.ptb_app.update_queue.put(update)
            await done.wait()
        self.set_status(200)

    def check_xsrf_cookie(self) -> None:  # an API endpoint, not a form
        pass


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, state: _State) -> None:
        self.state = state

    def get(self) -> None:
        self.set_status(200 if self.state.accepting else 503)
        self.set_header("Content-Type", "text/plain")
        self.finish("ok\n" if self.state.accepting else "stopping\n")

    def head(self) -> None:
        self.set_status(200 if self.state.accepting else 503)


class WebhookServer:
    def __init__(self, application: AnyApplication, webhook: Webhook, ledger: Ledger) -> None:
        self.webhook = webhook
        self.state = _State()
        path = re.escape(webhook.path.rstrip("/")) + "/?"
        self._app = tornado.web.Application(
            [
                (re.escape(HEALTH_PATH), _HealthHandler, {"state": self.state}),
                (
                    path,
                    _UpdateHandler,
                    {
                        "ptb_app": application,
                        "secret": webhook.secret,
                        "state": self.state,
                        "ledger": ledger,
                    },
                ),
            ],
            log_function=_quiet_access_log,
        )
        self._server: HTTPServer | None = None

    def start(self) -> None:
        self._server = HTTPServer(self._app, max_body_size=MAX_BODY, xheaders=True)
        self._server.listen(self.webhook.port, address=self.webhook.listen)
        self.state.accepting = True
        log.info("webhook server listening on %s:%d", self.webhook.listen, self.webhook.port)

    def refuse_new(self) -> None:
        """New POSTs get 503 from now on; those in flight still get their answer."""
        self.state.accepting = False

    async def stop(self) -> None:
        """Close the server: a POST still waiting is cut, so Telegram sends it again."""
        self.state.accepting = False
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


def _quiet_access_log(handler: tornado.web.RequestHandler) -> None:
    # Tornado's access log names client addresses; we keep only server errors.
    if handler.get_status() >= 500 and handler.get_status() != 503:
        log.error("webhook server error %d", handler.get_status())
