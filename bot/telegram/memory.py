"""The only thing the bot remembers about a resident: the language they chose.

In memory only, bounded (least recently used entries go first) and with an
expiry, so the table can neither grow without limit nor keep a choice forever.
Keys are keyed hashes of the Telegram user id with a per-process random key,
so even a memory dump does not list who talked to the bot.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_SIZE = 100_000  # about 10 MB at most
DEFAULT_TTL = 30 * 24 * 3600.0  # a month: long enough to feel remembered


def pseudonym(user_id: int, key: bytes) -> bytes:
    return hashlib.blake2b(str(user_id).encode(), key=key, digest_size=16).digest()


class LanguageMemory:
    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self.ttl = ttl
        self._clock = clock
        self._key = os.urandom(32)
        self._table: OrderedDict[bytes, tuple[str, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._table)

    def get(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        key = pseudonym(user_id, self._key)
        entry = self._table.get(key)
        if entry is None:
            return None
        language, expires = entry
        if expires <= self._clock():
            del self._table[key]
            return None
        self._table.move_to_end(key)
        return language

    def remember(self, user_id: int | None, language: str) -> None:
        if user_id is None:
            return
        key = pseudonym(user_id, self._key)
        self._table[key] = (language, self._clock() + self.ttl)
        self._table.move_to_end(key)
        while len(self._table) > self.size:
            self._table.popitem(last=False)
