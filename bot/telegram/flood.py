"""Per-chat flood control: one gentle "slow down", then silence until it calms.

A token bucket per chat: a burst of `burst` messages is answered at once, then
one more every `1 / rate` seconds. The first message over the limit gets the
SLOW_DOWN reply; the rest are dropped without any reply (each reply would cost
us against Telegram's own limits and help nobody). Buckets live in memory in
a bounded table keyed by a keyed hash of the chat id (never the id itself),
and a bucket that has filled up again is forgotten: it would be the same as a
new one, so the table only knows chats heard from in the last few seconds.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from .memory import pseudonym


class Verdict(Enum):
    ANSWER = "answer"
    SLOW_DOWN = "slow_down"
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class FloodGuard:
    def __init__(
        self,
        burst: int = 8,
        rate: float = 1.0,
        size: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.rate = rate
        self.size = size
        self._clock = clock
        self._buckets: OrderedDict[bytes, _Bucket] = OrderedDict()
        self._key = os.urandom(16)
        self._refill = burst / rate if rate > 0 else float("inf")
        self.dropped = 0  # a count for the logs, nothing else

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, chat_id: int) -> Verdict:
        now = self._clock()
        self._forget_refilled(now)
        key = pseudonym(chat_id, self._key)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[key] = bucket
            while len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.ANSWER
        self.dropped += 1
        if not bucket.warned:
            bucket.warned = True
            return Verdict.SLOW_DOWN
        return Verdict.DROP

    def _forget_refilled(self, now: float) -> None:
        # Least recently heard first: stop at the first chat still refilling.
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.stamp < self._refill:
                break
            self._buckets.popitem(last=False)
