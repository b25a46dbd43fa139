"""Settings for `safecity-bot run`, read from the environment and checked up front.

A misconfiguration is reported in one line and exits with code 2 before any
content is loaded, so a container restart loop says at once what is wrong.
The token itself is never part of any message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BASE_URL_ENV = "TELEGRAM_API_BASE_URL"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"

# <bot id>:<secret>. The secret is 35 characters today; allow some slack so a
# future format or a test server's token still passes, but catch the usual
# mistakes (quotes, spaces, a pasted "bot" prefix, an empty value).
_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{20,128}$")
# Telegram's rule for the secret-token header (1-256 of these characters).
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
HEALTH_PATH = "/healthz"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it, never its value."""


@dataclass(frozen=True)
class Webhook:
    url: str  # the public URL Telegram posts to (behind a reverse proxy)
    listen: str
    port: int
    secret: str = field(repr=False)  # lets anyone who has it post updates
    path: str  # the path part of `url`, which the local server serves


@dataclass(frozen=True)
class Settings:
    token: str
    base_url: str
    base_file_url: str
    webhook: Webhook | None
    # Overall messages per second across chats (AIORateLimiter); Telegram's
    # global limit is about 30/s. Raised only by the benchmark.
    rate_limit: float = 30.0
    reload_interval: float = 1.5  # seconds between content polls; 0 turns watching off
    flood_burst: int = 8  # messages a chat may send at once...
    flood_rate: float = 1.0  # ...then this many per second
    # Updates in flight at once, across chats (within a chat they are taken in
    # order). Telegram's ~30 messages/s at 100-200 ms a round trip need 3-6;
    # more only costs CPU: httpcore scans every pooled connection per request.
    concurrent_updates: int = 8
    # Seconds a stop (SIGTERM) may take: under Docker's default 10 s kill. What
    # is not answered by then is left unconfirmed for Telegram to send again.
    shutdown_grace: float = 8.0

    def __repr__(self) -> str:  # keep the token out of any accidental repr
        mode = "webhook" if self.webhook else "polling"
        return f"Settings(base_url={self.base_url!r}, mode={mode})"


def check_token(raw: str | None) -> str:
    if raw is None or not raw.strip():
        raise ConfigError(f"{TOKEN_ENV} is not set (get a token from @BotFather)")
    token = raw.strip()
    if not _TOKEN.match(token):
        raise ConfigError(
            f"{TOKEN_ENV} is malformed: expected <digits>:<secret> as @BotFather gives it"
        )
    return token


def file_url_for(base_url: str) -> str:
    """The file-download base that goes with an API base (…/bot -> …/file/bot)."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    return base_url.rstrip("/") + "/file/bot"


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def webhook(env: Mapping[str, str]) -> Webhook | None:
    """Webhook mode's settings; None in polling mode (no WEBHOOK_URL)."""
    url = env.get("WEBHOOK_URL", "").strip()
    if not url:
        return None
    missing = [n for n in ("WEBHOOK_LISTEN", "WEBHOOK_PORT", "WEBHOOK_SECRET") if not env.get(n)]
    if missing:
        raise ConfigError(f"WEBHOOK_URL is set, so {', '.join(missing)} must be set too")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConfigError("WEBHOOK_URL must be an https:// URL")
    try:
        port = int(env["WEBHOOK_PORT"])
    except ValueError:
        raise ConfigError("WEBHOOK_PORT must be a port number") from None
    if not 0 < port < 65536:
        raise ConfigError("WEBHOOK_PORT must be a port number")
    secret = env["WEBHOOK_SECRET"]
    if not _SECRET.match(secret):
        raise ConfigError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    path = parts.path.rstrip("/") or "/"
    if path == HEALTH_PATH:
        raise ConfigError(f"WEBHOOK_URL must not use the health path {HEALTH_PATH}")
    return Webhook(url, env["WEBHOOK_LISTEN"], port, secret, path)


def load(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    token = check_token(env.get(TOKEN_ENV))
    base_url = env.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
    if not urlsplit(base_url).scheme.startswith("http"):
        raise ConfigError(f"{BASE_URL_ENV} must be an http(s) URL such as {DEFAULT_BASE_URL}")
    return Settings(
        token=token,
        base_url=base_url,
        base_file_url=file_url_for(base_url),
        webhook=webhook(env),
        rate_limit=_number(env, "TELEGRAM_RATE_LIMIT", 30.0),
        reload_interval=_number(env, "RELOAD_INTERVAL", 1.5),
        flood_burst=max(1, int(_number(env, "FLOOD_BURST", 8))),
        flood_rate=_number(env, "FLOOD_RATE", 1.0),
        concurrent_updates=max(1, int(_number(env, "CONCURRENT_UPDATES", 8))),
        shutdown_grace=max(0.0, _number(env, "SHUTDOWN_GRACE", 8.0)),
    )
