"""Bot API calls over aiohttp, each sent as one JSON body.

python-telegram-bot's own transport is httpx. Profiled under
bench/telegram_bench.py, httpx and httpcore took more of the bot's CPU per
free-text update than the matcher did: httpcore's connection pool walks every
connection in Python several times per request, and its anyio streams add
layers per read and write. On loopback, one JSON POST costs about 0.7 ms of
client CPU through httpx alone and 1.4 ms with 16 in flight, against 0.1-0.25 ms
through aiohttp (C parser, a plain asyncio protocol). That difference is most
of what the adapter spends per update beyond the engine, so the bot sends
through aiohttp; the bare PTB echo bot in the bench keeps httpx.

The body is PTB's own JSON payload (`RequestData.json_payload`: each
parameter as the very string a form would carry, encoded by the json module
in C) rather than a form body httpx would quote byte by byte in Python; the
Bot API reads both the same. Calls with files go out as multipart forms.

Errors come back as PTB's: Telegram's answers (429 RetryAfter, 5xx, 400 ...)
are turned into exceptions by BaseRequest from the status and body returned
here; no connection, a pool or connect timeout, or a connection closed before
an answer are NetworkError/TimedOut with the aiohttp exception as the cause.
A request written in full whose answer did not come within the read timeout
raises TimedOut caused by `aiohttp.SocketTimeoutError`: Telegram may have
done it, and delivery.py does not send it again. aiohttp has no write
timeout: a Bot API body (at most a few kilobytes of text) goes straight into
the socket's send buffer, and the read timeout starts once it is written.
Proxies come from the environment (HTTPS_PROXY, NO_PROXY ...), and the
certificates Telegram's is checked against are httpx's: SSL_CERT_FILE or
SSL_CERT_DIR when set, else certifi's bundle (not the system's store).
"""

from __future__ import annotations

import os
import ssl

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = "application/json"


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp session: kept-alive connections, at most
    `connection_pool_size` of them open; timeouts as HTTPXRequest's."""

    __slots__ = ("_connect", "_pool", "_read", "_session", "_size", "_write")

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._size = max(1, connection_pool_size)
        self._read = read_timeout
        self._write = write_timeout  # kept for PTB's accounting; see the module's note
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._size, ssl=tls_context()),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
                headers={"User-Agent": self.USER_AGENT},
                trust_env=True,  # proxy settings from the environment, as httpx reads them
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` covers waiting for a pooled connection and opening one.
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=_given(read_timeout, self._read),
        )
        body: bytes | aiohttp.FormData | None = None
        headers = None
        if request_data is not None:
            if request_data.contains_files:
                body = _form(request_data)
            else:
                body, headers = request_data.json_payload, {"Content-Type": _JSON}
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut(
                "Pool or connect timeout: the request was *not* sent to Telegram."
            ) from err
        except aiohttp.SocketTimeoutError as err:
            raise TimedOut from err  # sent, and no answer in time: it may have been done
        except aiohttp.ClientError as err:
            # The class name says what failed when the message is empty.
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _form(request_data: RequestData) -> aiohttp.FormData:
    """A multipart body as HTTPXRequest sends it: the parameters as their JSON
    strings, then each file with its name and type."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def tls_context() -> ssl.SSLContext:
    """Telegram's certificate checked as httpx (PTB's default transport) checks it."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value
