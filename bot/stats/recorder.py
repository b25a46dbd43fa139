"""Counting without slowing a reply: an in-memory counter, written to the
store by a background thread every few seconds and once more at shutdown."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from .. import errors, settings
from ..engine import Incoming
from ..replies import Reply
from .outcomes import outcomes
from .store import DB_NAME, Key, Store

log = logging.getLogger(__name__)


def today() -> str:
    """Days are UTC days, so processes in different time zones agree."""
    return datetime.now(UTC).date().isoformat()


class Recorder:
    def __init__(self, path: Path, interval: float = 5.0) -> None:
        self.store = Store(path)
        self.interval = interval
        self.flushes = 0
        self._pending: Counter[Key] = Counter()
        self._lock = threading.Lock()  # the pending counter
        self._write = threading.Lock()  # the store's connection
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stats-flush", daemon=True)
        self._thread.start()

    def record(self, incoming: Incoming, reply: Reply) -> None:
        """Count one reply (a dict update under a lock: never waits on the disk)."""
        counts = outcomes(incoming, reply)
        if not counts:
            return
        day = today()
        with self._lock:
            for topic, language, outcome, delta in counts:
                self._pending[(day, topic, language, outcome)] += delta

    def flush(self) -> None:
        with self._write:
            with self._lock:
                batch, self._pending = self._pending, Counter()
            batch = Counter({k: n for k, n in batch.items() if n})
            if not batch:
                return
            try:
                self.store.add(batch)
                self.flushes += 1
            except Exception as exc:  # a locked or full disk: keep the counts for next time
                log.error("could not write the topic counts: %s", errors.describe(exc))
                with self._lock:
                    self._pending.update(batch)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        """Stop the thread, write what is pending, close the file."""
        self._stop.set()
        self._thread.join()
        self.flush()
        with self._write:
            self.store.close()


def open_recorder(data_dir: Path | None = None, interval: float | None = None) -> Recorder | None:
    """The recorder for this process, or None when STATS=off (then no file is made)
    or the data folder cannot be written (then the bot runs on, uncounted)."""
    if not settings.stats_enabled():
        return None
    folder = data_dir if data_dir is not None else settings.data_dir()
    try:
        return Recorder(
            folder / DB_NAME,
            interval if interval is not None else settings.stats_flush_seconds(),
        )
    except Exception as exc:
        log.error("topic counts are off: cannot open %s (%s)", folder, errors.describe(exc))
        return None
