"""Logging that carries operational events only.

Residents' messages, names, usernames, phone numbers and user ids must never
reach a log. Our own code logs counts and events only; the libraries are the
risk: PTB logs whole request bodies and updates at DEBUG, httpx logs every
request URL (which contains the token) at INFO, and exception texts can quote
URLs. So, on every root handler:

- `PrivacyFilter` drops library DEBUG records that interpolate arguments (the
  ones that can carry bodies: "Calling Bot API endpoint ... with parameters",
  "Processing update ...", "Webhook received data ..."), keeping the constant
  lifecycle messages, and silences httpx/httpcore below WARNING;
- `RedactingFormatter` replaces the token in the final text, tracebacks
  included, as a last line of defence.
"""

from __future__ import annotations

import logging

# Loggers whose records may quote Bot API traffic.
_LIBRARIES = ("telegram", "httpx", "httpcore", "tornado", "hpack", "aiohttp", "asyncio")
_QUIET = ("httpx", "httpcore")  # request lines with the token in the URL, at INFO


def _from_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in _LIBRARIES)


class PrivacyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _from_library(record.name):
            return True
        if any(record.name == q or record.name.startswith(q + ".") for q in _QUIET):
            return record.levelno >= logging.WARNING
        if record.levelno <= logging.DEBUG:
            return not record.args  # constant messages cannot carry a body
        return True


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes every secret it was given."""

    def __init__(self, secrets: list[str], fmt: str | None = None) -> None:
        super().__init__(fmt)
        # The secret half of a token alone is also sensitive.
        self._secrets = sorted(
            {s for s in secrets if s} | {s.split(":", 1)[-1] for s in secrets if s},
            key=len,
            reverse=True,
        )

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "<redacted>")
        return text


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def install(secrets: list[str]) -> None:
    """Put the filter and the redacting formatter on every root handler."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format=FORMAT)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)  # PTB's warnings go through the same redaction
    for handler in root.handlers:
        handler.addFilter(PrivacyFilter())
        handler.setFormatter(RedactingFormatter(secrets, FORMAT))
