"""Per-chat flood control: one gentle "slow down", then silence until it calms.

A token bucket per chat: a burst of `burst` messages is answered at once, then
one more every `1 / rate` seconds. The first message over the limit gets the
SLOW_DOWN reply; the rest are dropped without any reply (each reply would cost
us against Telegram's own limits and help nobody). Buckets live in memory in
a bounded LRU table: a forgotten chat simply starts with a full bucket.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


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
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()
        self.dropped = 0  # a count for the logs, nothing else

    def check(self, chat_id: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[chat_id] = bucket
            while len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(chat_id)
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
