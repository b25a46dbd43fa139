"""Bot API calls sent as one JSON body instead of a form-encoded one.

python-telegram-bot sends every call as application/x-www-form-urlencoded:
httpx quotes the body byte by byte in Python (urllib's quote_plus), and an
answer in Arabic, Chinese or Bengali is a few kilobytes of bytes to quote.
Profiled under bench/telegram_bench.py that was the adapter's largest single
cost per free-text reply. The Bot API takes the same parameters as a JSON
object, and python-telegram-bot builds that body itself
(`RequestData.json_payload`: each parameter as the very string the form would
carry, encoded by the json module in C). Calls with files keep PTB's own
multipart path.
"""

from __future__ import annotations

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

_JSON = {"Content-Type": "application/json"}


class JsonRequest(HTTPXRequest):
    """HTTPXRequest whose calls without files go out as JSON; timeouts,
    errors and connection pool exactly as HTTPXRequest's (the same code)."""

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
        if request_data is None or request_data.contains_files:
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )  # fmt: skip
        client = self._client
        if client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        defaults = client.timeout
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, defaults.connect),
            read=_given(read_timeout, defaults.read),
            write=_given(write_timeout, defaults.write),
            pool=_given(pool_timeout, defaults.pool),
        )
        try:
            res = await client.request(
                method=method,
                url=url,
                headers={"User-Agent": self.USER_AGENT, **_JSON},
                timeout=timeout,
                content=request_data.json_payload,
            )
        except httpx.TimeoutException as err:
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(
                    message=(
                        "Pool timeout: All connections in the connection pool are occupied. "
                        "Request was *not* sent to Telegram. Consider adjusting the connection "
                        "pool size or the pool timeout."
                    )
                ) from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            # As HTTPXRequest: the class name says what failed when the message is empty.
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return res.status_code, res.content


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value
