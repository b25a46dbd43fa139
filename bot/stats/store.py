"""The counts database: SQLite (stdlib), WAL mode, one table of counts.

Rows are (day, topic, language, outcome) -> n, nothing else. Writes add to
what is there (UPSERT), inside one short IMMEDIATE transaction per batch, so
two bot processes on the same file both count correctly; a busy timeout
makes one wait for the other instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "stats.sqlite3"
BUSY_TIMEOUT_MS = 10_000

Key = tuple[str, str, str, str]  # day (YYYY-MM-DD, UTC), topic, language, outcome

# Each entry moves the schema one version up; never edit a shipped one, add another.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE counts (
        day TEXT NOT NULL CHECK (length(day) = 10),
        topic TEXT NOT NULL,
        language TEXT NOT NULL,
        outcome TEXT NOT NULL,
        n INTEGER NOT NULL CHECK (n >= 0),
        PRIMARY KEY (day, topic, language, outcome)
    ) WITHOUT ROWID
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_ADD = """
INSERT INTO counts (day, topic, language, outcome, n) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (day, topic, language, outcome) DO UPDATE SET n = n + excluded.n
"""
# A changed vote takes one back; never below zero (a forged button cannot
# drive a count negative), and never a row for it alone.
_TAKE = """
UPDATE counts SET n = max(0, n + ?)
WHERE day = ? AND topic = ? AND language = ? AND outcome = ?
"""


class SchemaError(Exception):
    """The file was written by a newer version of the bot."""


@dataclass(frozen=True)
class Row:
    day: str
    topic: str
    language: str
    outcome: str
    n: int


class Store:
    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # The flush thread writes, the shutdown path may close: one
            # connection, used under the recorder's lock.
            self.db = sqlite3.connect(
                path, isolation_level=None, timeout=10, check_same_thread=False
            )
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            self.db.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a committed batch survives the process being
            # killed; only a power loss can take the last batch back.
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        else:
            version = self.version()
            if version > SCHEMA_VERSION:
                raise SchemaError(
                    f"{path}: schema version {version}, this bot knows {SCHEMA_VERSION}"
                )

    def _check(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: schema version {version}; this bot knows up to {SCHEMA_VERSION}"
            )

    def version(self) -> int:
        exists = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not exists:
            return 0
        row = self.db.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION; safe when two processes start at once."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            version = self.version()
            self._check(version)
            for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
                self.db.execute(sql)
                self.db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def add(self, counts: Mapping[Key, int]) -> None:
        """Add a batch of counts (negative: votes taken back) in one transaction."""
        adds = [(*key, n) for key, n in counts.items() if n > 0]
        takes = [(n, *key) for key, n in counts.items() if n < 0]
        if not adds and not takes:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(_ADD, adds)
            self.db.executemany(_TAKE, takes)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def rows(self, since: str | None = None, until: str | None = None) -> Iterable[Row]:
        """Counts between two days (inclusive, YYYY-MM-DD), zero rows left out."""
        sql = "SELECT day, topic, language, outcome, n FROM counts WHERE n > 0"
        params: list[str] = []
        if since:
            sql += " AND day >= ?"
            params.append(since)
        if until:
            sql += " AND day <= ?"
            params.append(until)
        for day, topic, language, outcome, n in self.db.execute(sql, params):
            yield Row(day, topic, language, outcome, int(n))

    def close(self) -> None:
        self.db.close()
