"""A fake Telegram Bot API on loopback, for offline end-to-end tests and the benchmark.

It speaks the real HTTP protocol python-telegram-bot uses (POST
/bot<TOKEN>/<method>, form-encoded, multipart or JSON bodies; answers
{"ok": true, "result": ...} or {"ok": false, "error_code": N, "description": ...}
with HTTP status N) and rejects what Telegram would reject: messages over 4096
characters, malformed HTML, callback data over 64 bytes, more than 50 inline
results, bad command names, unknown chats, unknown messages to edit (text or keyboard).

It runs its aiohttp server in a thread of its own, so tests stay plain
synchronous functions: push updates with `message`, `command`, `press`,
`inline`, `sticker`, `contact` (or build them and `push_many` at once); wait
for the bot's calls with `wait_for` (answered) or `wait_arrived` (in flight);
inject faults with `fail_next` (429 with retry_after, 5xx) and `slow_next`,
and the faults real networks produce: `outage` (every call fails for a while),
`late_next` (done, but answered late: a client that gives up and sends again
makes a duplicate), `drop_next` (the connection closes with no answer and
nothing done), `cut_next_updates` (a getUpdates body cut short), `slow_chat`
(every send to one chat is slow) and `chaos` (random faults at given rates).
getUpdates long-polls (offset, timeout, limit, allowed_updates) as Telegram's
does. Every call is recorded (method, params, status, result).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.html import validate, visible_length

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
BOT_ID = 123456
BOT_USERNAME = "safecity_test_bot"
# A name and username no log line could contain by accident.
RESIDENT_NAME = "Zuleika Quennell"
RESIDENT_USERNAME = "zuleika_q_private"

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
# Fields that are strings on the wire even when they look like JSON ("123", "true").
_STRING_FIELDS = {
    "text",
    "description",
    "short_description",
    "url",
    "secret_token",
    "callback_query_id",
    "inline_query_id",
    "language_code",
    "parse_mode",
    "query",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float
    result: Any = None
    seq: int = 0


@dataclass
class Fault:
    status: int  # 200: answer normally, only late
    retry_after: int | None
    methods: frozenset[str] | None
    delay: float = 0.0


@dataclass
class _Chat:
    info: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class FakeTelegram:
    def __init__(
        self,
        token: str = TOKEN,
        username: str = BOT_USERNAME,
        bot_id: int = BOT_ID,
        strict: bool = True,
    ):
        self.token = token
        self.strict = strict  # False: skip HTML validation (the benchmark measures the bot)
        self.username = username
        self.bot_id = bot_id
        self.port = 0
        self.calls: list[Call] = []
        self.arrivals: list[Call] = []  # requests as they come in (status 0)
        self._cond = threading.Condition()
        self._seq = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._allowed: list[str] | None = None
        self._chats: dict[int, _Chat] = {}
        self._open_queries: set[str] = set()  # callback queries not yet answered
        self._faults: list[Fault] = []
        self._outages: list[tuple[float, float, frozenset[str], int]] = []  # start, end, methods
        self._late: list[tuple[float, frozenset[str]]] = []
        self._drops: list[frozenset[str]] = []
        self._cut_updates = 0
        self._slow_chats: dict[int, float] = {}
        self._chaos: tuple[dict[str, float], frozenset[str], random.Random] | None = None
        self.webhook: dict[str, Any] = {}
        self.user_texts: list[str] = []  # everything residents "typed": for log checks
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._state_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def bot_env(self, **extra: str) -> dict[str, str]:
        """The environment for a bot process that talks to this fake: our token
        and base URL, no webhook or Telegram settings inherited, and no proxy
        between it and loopback."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TELEGRAM_"))}
        for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
            env.pop(proxy, None)
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=self.base_url,
            PYTHONUNBUFFERED="1",
            NO_PROXY="127.0.0.1,localhost",
        )
        env.update(extra)
        return env

    def start(self) -> FakeTelegram:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._new_update = asyncio.Event()
            app = web.Application(client_max_size=8 << 20)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            server = site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            loop.run_forever()
            # Open long polls would hold a graceful cleanup for a minute: cut them.
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                loop.run_until_complete(asyncio.wait_for(self._runner.cleanup(), 2))
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- faults --------------------------------------------------------------
    def fail_next(
        self,
        count: int,
        status: int = 500,
        retry_after: int | None = None,
        methods: Iterable[str] | None = ("sendMessage",),
    ) -> None:
        """Answer the next `count` calls (of `methods`; None: all but getUpdates) with an error."""
        chosen = frozenset(methods) if methods is not None else None
        with self._state_lock:
            self._faults.extend(Fault(status, retry_after, chosen) for _ in range(count))

    def slow_next(
        self, count: int, seconds: float, methods: Iterable[str] | None = ("sendMessage",)
    ) -> None:
        """Answer the next `count` calls normally but only after `seconds`."""
        chosen = frozenset(methods) if methods is not None else None
        with self._state_lock:
            self._faults.extend(Fault(200, None, chosen, seconds) for _ in range(count))

    def outage(
        self, seconds: float, status: int = 502, methods: Iterable[str] = ("sendMessage",)
    ) -> None:
        """Every call of `methods` fails with `status` for the next `seconds`."""
        now = time.monotonic()
        with self._state_lock:
            self._outages.append((now, now + seconds, frozenset(methods), status))

    def late_next(
        self, count: int, seconds: float, methods: Iterable[str] = ("sendMessage",)
    ) -> None:
        """Do the next `count` calls at once but answer them only after `seconds`."""
        with self._state_lock:
            self._late.extend((seconds, frozenset(methods)) for _ in range(count))

    def drop_next(self, count: int, methods: Iterable[str] = ("sendMessage",)) -> None:
        """Close the connection of the next `count` calls without doing or answering them."""
        with self._state_lock:
            self._drops.extend(frozenset(methods) for _ in range(count))

    def cut_next_updates(self, count: int) -> None:
        """Cut the body of the next `count` non-empty getUpdates answers short."""
        with self._state_lock:
            self._cut_updates += count

    def slow_chat(self, chat_id: int, seconds: float) -> None:
        """Every send to this chat takes `seconds` before it is done (0: back to normal)."""
        with self._state_lock:
            if seconds:
                self._slow_chats[chat_id] = seconds
            else:
                self._slow_chats.pop(chat_id, None)

    def chaos(
        self,
        rates: dict[str, float] | None,
        methods: Iterable[str] = ("sendMessage",),
        seed: int = 7,
    ) -> None:
        """Random faults: rates of "429", "502", "drop" and "late" (3 s), or None to stop."""
        with self._state_lock:
            self._chaos = (rates, frozenset(methods), random.Random(seed)) if rates else None

    def _network_fault(self, method: str, params: dict[str, Any]) -> str | None:
        """Which network-level fault this call meets: drop, late, 429, 5xx, or None."""
        now = time.monotonic()
        with self._state_lock:
            for start, end, methods, status in self._outages:
                if start <= now < end and method in methods:
                    return str(status)
            for i, methods in enumerate(self._drops):
                if method in methods:
                    del self._drops[i]
                    return "drop"
            if any(method in methods for _, methods in self._late):
                return "late"
            if self._chaos is not None:
                rates, methods, rng = self._chaos
                if method in methods:
                    roll = rng.random()
                    for kind in ("429", "502", "drop", "late"):
                        roll -= rates.get(kind, 0.0)
                        if roll < 0:
                            return kind if kind != "late" else "chaos-late"
        return None

    def _take_late(self, method: str) -> float:
        with self._state_lock:
            for i, (seconds, methods) in enumerate(self._late):
                if method in methods:
                    del self._late[i]
                    return seconds
        return 0.0

    def _take_fault(self, method: str) -> Fault | None:
        with self._state_lock:
            for i, fault in enumerate(self._faults):
                applies = method in fault.methods if fault.methods else method != "getUpdates"
                if applies:
                    return self._faults.pop(i)
        return None

    # -- assertions ------------------------------------------------------------
    def mark(self) -> int:
        """A point in the call record: pass it as `after` to look only at later calls."""
        with self._cond:
            return self.calls[-1].seq if self.calls else 0

    def calls_of(
        self, method: str | None = None, after: int = 0, ok: bool | None = True
    ) -> list[Call]:
        with self._cond:
            return [
                c
                for c in self.calls
                if c.seq > after
                and (method is None or c.method == method)
                and (ok is None or (c.status == 200) == ok)
            ]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        after: int = 0,
        ok: bool | None = True,
        count: int = 1,
    ) -> list[Call]:
        """Block until `count` matching calls were made; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c
                    for c in self.calls
                    if c.seq > after
                    and c.method == method
                    and (ok is None or (c.status == 200) == ok)
                    and (predicate is None or predicate(c))
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.status) for c in self.calls if c.seq > after][-20:]
                    raise TimeoutError(f"no {count} x {method} within {timeout}s; saw {seen}")
                self._cond.wait(left)

    def wait_arrived(
        self, method: str, count: int = 1, after: int = 0, timeout: float = 10.0
    ) -> list[Call]:
        """Block until `count` requests of `method` arrived (answered or not) since `after`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.arrivals[after:] if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {count} x {method} arrived within {timeout}s")
                self._cond.wait(left)

    def sent_to(self, chat_id: int, after: int = 0) -> list[Call]:
        return [
            c for c in self.calls_of("sendMessage", after) if int(c.params["chat_id"]) == chat_id
        ]

    # -- updates -----------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        return self.push_many([update])[0]

    def push_many(self, updates: list[dict[str, Any]]) -> list[int]:
        """Queue updates together: one getUpdates call can return them all."""
        numbered = [{"update_id": next(self._update_ids), **u} for u in updates]

        def add() -> None:
            self._updates.extend(numbered)
            assert self._new_update is not None
            self._new_update.set()

        assert self._loop is not None
        self._loop.call_soon_threadsafe(add)
        return [u["update_id"] for u in numbered]

    @staticmethod
    def user(
        user_id: int, language: str | None = "en", name: str = RESIDENT_NAME
    ) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": name,
            "username": RESIDENT_USERNAME,
        }
        if language:
            user["language_code"] = language
        return user

    def chat(self, chat_id: int, kind: str = "private") -> dict[str, Any]:
        info: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind != "private":
            info["title"] = "Neighbours"
        with self._state_lock:
            self._chats.setdefault(chat_id, _Chat(info))
        return info

    def message_update(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        language: str | None = "en",
        user_id: int | None = None,
        kind: str = "private",
        name: str = RESIDENT_NAME,
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
        edited: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, kind),
            "from": self.user(user_id or chat_id, language, name),
            **extra,
        }
        if text is not None:
            message["text"] = text
            self.user_texts.append(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if edited:
            message["edit_date"] = int(time.time())
            return {"edited_message": message}
        return {"message": message}

    def message(self, chat_id: int, text: str, **kw: Any) -> int:
        return self.push(self.message_update(chat_id, text, **kw))

    def command_update(self, chat_id: int, text: str, **kw: Any) -> dict[str, Any]:
        """A command as Telegram sends it: with its bot_command entity."""
        first = text.split()[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(first.encode("utf-16-le")) // 2}
        return self.message_update(chat_id, text, entities=[entity], **kw)

    def command(self, chat_id: int, text: str, **kw: Any) -> int:
        return self.push(self.command_update(chat_id, text, **kw))

    def sticker(self, chat_id: int, **kw: Any) -> int:
        sticker = {
            "file_id": "CAACAgIAAxkBAAEB",
            "file_unique_id": "AgADAQADAQ",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.push(self.message_update(chat_id, None, sticker=sticker, **kw))

    def contact(self, chat_id: int, phone: str, **kw: Any) -> int:
        contact = {"phone_number": phone, "first_name": "Somebody"}
        self.user_texts.append(phone)
        return self.push(self.message_update(chat_id, None, contact=contact, **kw))

    def bot_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        with self._state_lock:
            return dict(self._chats[chat_id].messages[message_id])

    def press(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        language: str | None = "en",
        user_id: int | None = None,
    ) -> str:
        """A button press on a message the bot sent; returns the callback query id."""
        query_id = f"cq{next(self._query_ids)}"
        with self._state_lock:
            self._open_queries.add(query_id)
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id or chat_id, language),
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                    "message": self.bot_message(chat_id, message_id),
                }
            }
        )
        return query_id

    def inline(self, user_id: int, query: str, language: str | None = "en") -> str:
        query_id = f"iq{next(self._query_ids)}"
        self.user_texts.append(query)
        self.push(
            {
                "inline_query": {
                    "id": query_id,
                    "from": self.user(user_id, language),
                    "query": query,
                    "offset": "",
                }
            }
        )
        return query_id

    # -- HTTP ----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path
        if not path.startswith("/bot") or "/" not in path[4:]:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        token, method = path[4:].split("/", 1)
        if token != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params = await _params(request)
        with self._cond:  # arrivals, before any answer: "is this request in flight?"
            self.arrivals.append(
                Call(method, params, 0, time.monotonic(), seq=len(self.arrivals) + 1)
            )
            self._cond.notify_all()
        network = self._network_fault(method, params)
        if network == "drop":
            # The connection closes before anything is done: the client sees
            # no answer, and nothing was sent.
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        late = (
            self._take_late(method)
            if network == "late"
            else 3.0
            if network == "chaos-late"
            else 0.0
        )
        fault = self._take_fault(method)
        if network in ("429", "502", "500", "503", "504") and fault is None:
            status_code = int(network)
            fault = Fault(status_code, 1 if status_code == 429 else None, None)
        status, body, result = 200, None, None
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
            fault = None
        chat = params.get("chat_id")
        slow = self._slow_chats.get(int(chat)) if method == "sendMessage" and chat else None
        if slow:
            await asyncio.sleep(slow)
        if fault is not None:
            status = fault.status
            body = {"ok": False, "error_code": fault.status}
            if fault.status == 429:
                body["description"] = f"Too Many Requests: retry after {fault.retry_after or 1}"
                body["parameters"] = {"retry_after": fault.retry_after or 1}
            else:
                body["description"] = "Internal Server Error"
        else:
            try:
                handler = getattr(self, f"_api_{method}", None)
                if handler is None:
                    raise ApiError(404, "Not Found: method not found")
                result = await handler(params)
                body = {"ok": True, "result": result}
            except ApiError as exc:
                status = exc.status
                body = {"ok": False, "error_code": exc.status, "description": exc.description}
                if exc.parameters:
                    body["parameters"] = exc.parameters
        self._record(Call(method, params, status, time.monotonic(), result))
        if late:
            await asyncio.sleep(late)  # done and recorded; only the answer is late
        if method == "getUpdates" and result:
            with self._state_lock:
                cut = self._cut_updates > 0
                self._cut_updates -= cut
            if cut:
                text = json.dumps(body)
                return web.Response(text=text[: len(text) // 2], content_type="application/json")
        return web.json_response(body, status=status)

    def _record(self, call: Call) -> None:
        with self._cond:
            call.seq = next(self._seq)
            self.calls.append(call)
            self._cond.notify_all()

    # -- methods -------------------------------------------------------------------
    async def _api_getMe(self, p: dict[str, Any]) -> Any:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "SafeCity",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _api_getUpdates(self, p: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        limit = int(p.get("limit") or 100)
        if "allowed_updates" in p:
            self._allowed = list(p["allowed_updates"]) or None
        assert self._new_update is not None
        deadline = time.monotonic() + timeout
        while True:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            ready = [u for u in self._updates if self._wanted(u)][:limit]
            left = deadline - time.monotonic()
            if ready or left <= 0:
                return ready
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), left)

    def _wanted(self, update: dict[str, Any]) -> bool:
        if not self._allowed:
            return True
        kind = next(k for k in update if k != "update_id")
        return kind in self._allowed

    def _message(self, chat_id: int, text: str, markup: Any, message_id: int | None = None) -> Any:
        chat = self._chats[chat_id]
        message: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.info,
            "from": {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": "SafeCity",
                "username": self.username,
            },
            "text": text,
        }
        if message_id:
            message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        chat.messages[message["message_id"]] = message
        return message

    def _known_chat(self, p: dict[str, Any]) -> int:
        try:
            chat_id = int(p["chat_id"])
        except (KeyError, TypeError, ValueError):
            raise _bad("chat_id is empty") from None
        if chat_id not in self._chats:
            raise _bad("chat not found")
        return chat_id

    async def _api_sendMessage(self, p: dict[str, Any]) -> Any:
        chat_id = self._known_chat(p)
        text = str(p.get("text", ""))
        markup = p.get("reply_markup")
        if self.strict:
            _check_text(text, p.get("parse_mode"))
            _check_markup(markup)
        return self._message(chat_id, text, markup)

    async def _api_editMessageText(self, p: dict[str, Any]) -> Any:
        chat_id = self._known_chat(p)
        message_id = int(p.get("message_id") or 0)
        old = self._chats[chat_id].messages.get(message_id)
        if old is None:
            raise _bad("message to edit not found")
        text = str(p.get("text", ""))
        _check_text(text, p.get("parse_mode"))
        markup = p.get("reply_markup")
        _check_markup(markup)
        if old.get("text") == text and old.get("reply_markup") == markup:
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        return self._message(chat_id, text, markup, message_id)

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        chat_id = self._known_chat(p)
        message_id = int(p.get("message_id") or 0)
        old = self._chats[chat_id].messages.get(message_id)
        if old is None:
            raise _bad("message to edit not found")
        markup = p.get("reply_markup")
        _check_markup(markup)
        if old.get("reply_markup") == markup:
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        return self._message(chat_id, str(old.get("text", "")), markup, message_id)

    async def _api_answerCallbackQuery(self, p: dict[str, Any]) -> Any:
        query_id = str(p.get("callback_query_id"))
        with self._state_lock:
            if query_id not in self._open_queries:
                raise _bad("query is too old and response timeout expired or query ID is invalid")
            self._open_queries.discard(query_id)
        if len(str(p.get("text", ""))) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        return True

    async def _api_answerInlineQuery(self, p: dict[str, Any]) -> Any:
        results = p.get("results")
        if not isinstance(results, list):
            raise _bad("results is not an array")
        if len(results) > 50:
            raise _bad("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids):
            raise _bad("RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise _bad("RESULT_ID_INVALID")
            if not result.get("title"):
                raise _bad("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            _check_text(str(content.get("message_text", "")), content.get("parse_mode"))
            _check_markup(result.get("reply_markup"))
        return True

    async def _api_setMyCommands(self, p: dict[str, Any]) -> Any:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands are invalid")
        for command in commands:
            if not _COMMAND.match(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        _check_language_code(p)
        return True

    async def _api_setMyDescription(self, p: dict[str, Any]) -> Any:
        if len(str(p.get("description", ""))) > 512:
            raise _bad("BOT_DESCRIPTION_INVALID")
        _check_language_code(p)
        return True

    async def _api_setMyShortDescription(self, p: dict[str, Any]) -> Any:
        if len(str(p.get("short_description", ""))) > 120:
            raise _bad("BOT_SHORT_DESCRIPTION_INVALID")
        _check_language_code(p)
        return True

    async def _api_deleteWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = {}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_setWebhook(self, p: dict[str, Any]) -> Any:
        url = str(p.get("url", ""))
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("bad webhook: secret token contains unallowed characters")
        self.webhook = {"url": url, **{k: v for k, v in p.items() if k != "url"}}
        return True

    async def _api_getWebhookInfo(self, p: dict[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _api_sendChatAction(self, p: dict[str, Any]) -> Any:
        self._known_chat(p)
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    raw: Any
    if request.content_type == "application/json":
        # As the Bot API reads a JSON body: a member that is a string is the
        # field's text, exactly as a form field would carry it ("123", or a
        # keyboard's JSON); any other member is the value itself.
        data = await request.json()
        raw = data if isinstance(data, dict) else {}
    elif request.method == "GET":
        raw = request.query
    else:
        raw = await request.post()
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            params[key] = value  # an uploaded file, or a JSON member that is not text
        elif key in _STRING_FIELDS:
            params[key] = value
        else:
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
    return params


def _check_text(text: str, parse_mode: Any) -> None:
    if not text.strip():
        raise _bad("message text is empty")
    if parse_mode == "HTML":
        errors = validate(text)
        if errors:
            raise _bad(f"can't parse entities: {errors[0]}")
        length = visible_length(text)
    else:
        length = len(text.encode("utf-16-le")) // 2
    if length > 4096:
        raise _bad("message is too long")


def _check_markup(markup: Any) -> None:
    if not markup:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if rows is None:
        return
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise _bad("BUTTON_TEXT_INVALID")
            kinds = [k for k in ("callback_data", "url", "switch_inline_query") if k in button]
            if len(kinds) != 1:
                raise _bad("BUTTON_TYPE_INVALID")
            if "callback_data" in button:
                data = str(button["callback_data"]).encode()
                if not 1 <= len(data) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button and not re.match(r"^(https?|tg)://\S+$", str(button["url"])):
                raise _bad("BUTTON_URL_INVALID")


def _check_language_code(p: dict[str, Any]) -> None:
    code = p.get("language_code")
    if code not in (None, "") and not _LANGUAGE_CODE.match(str(code)):
        raise _bad("invalid language code")
