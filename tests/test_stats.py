"""The topic counts: what a reply counts as, the database, the recorder, STATS=off."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot import settings
from bot.engine import Engine, Incoming
from bot.stats import DB_NAME, Recorder, Store, open_recorder, outcomes
from bot.stats.recorder import today
from bot.stats.store import SCHEMA_VERSION, SchemaError
from tests.conftest import ROOT, Say
from tests.test_cli import run


def counts(path: Path) -> Counter[tuple[str, str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT topic, language, outcome, n FROM counts WHERE n > 0")
        return Counter({(t, lang, o): n for t, lang, o, n in rows})


def test_what_each_reply_counts_as(say: Say, engine: Engine) -> None:
    def counted(**kw: object) -> list[tuple[str, str, str, int]]:
        incoming = Incoming(**kw)  # type: ignore[arg-type]
        return outcomes(incoming, engine.reply(incoming))

    assert counted(text="can ice come to my kids school") == [
        ("ice-at-schools", "en", "answered", 1)
    ]
    assert counted(callback="t:ice-at-schools:es") == [("ice-at-schools", "es", "opened", 1)]
    assert counted(command="start", payload="ice-at-schools_ko") == [
        ("ice-at-schools", "ko", "opened", 1)
    ]
    assert counted(text="how do I cook rice") == [("-", "en", "declined", 1)]
    assert counted(text="ice") == [("-", "en", "did_you_mean", 1)]
    assert counted(text="Tôi cần giúp đỡ về nhà ở của tôi") == [
        ("-", "en", "unsupported_language", 1)
    ]
    for nothing in (
        {"command": "start"},
        {"command": "menu"},
        {"text": "hello"},
        {"non_text": True},
    ):
        assert counted(**nothing) == [], nothing


def test_urgent_answers_to_typed_messages_are_counted_as_urgent(engine: Engine) -> None:
    for text in (
        "ICE is outside my door right now",
        "immigration agents are at the hospital right now",
    ):
        incoming = Incoming(text=text)
        reply = engine.reply(incoming)
        assert reply.urgent
        assert outcomes(incoming, reply) == [("emergency-raid", "en", "urgent", 1)]
    opened = Incoming(callback="t:emergency-raid:en")
    assert outcomes(opened, engine.reply(opened)) == [("emergency-raid", "en", "opened", 1)]


def test_schema_is_versioned_and_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    Store(path).close()
    Store(path).close()  # opening again migrates nothing
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [
            (v,) for v in range(1, SCHEMA_VERSION + 1)
        ]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    with pytest.raises(SchemaError):
        Store(path)
    with pytest.raises(SchemaError):
        Store(path, readonly=True)


def test_counts_add_up_and_a_vote_taken_back_never_goes_below_zero(tmp_path: Path) -> None:
    store = Store(tmp_path / DB_NAME)
    key = ("2026-12-01", "ice-at-schools", "es", "helpful")
    store.add({key: 3})
    store.add({key: 2, ("2026-12-01", "-", "es", "declined"): 1})
    store.add({key: -1})
    store.add({key: -10, ("2026-12-01", "legal-help", "es", "helpful"): -1})
    rows = {(r.day, r.topic, r.language, r.outcome): r.n for r in store.rows()}
    store.close()
    # A take-back with nothing to take creates no row.
    assert rows == {("2026-12-01", "-", "es", "declined"): 1}
    later = Store(tmp_path / DB_NAME)
    later.add({("2026-12-02", "-", "es", "declined"): 1})
    assert [r.day for r in later.rows(since="2026-12-02")] == ["2026-12-02"]
    assert [r.day for r in later.rows(until="2026-12-01")] == ["2026-12-01"]
    later.close()


ADDER = """
import sys
from pathlib import Path
from bot.stats.store import Store
store = Store(Path(sys.argv[1]))
for i in range(300):
    store.add({("2026-12-01", "ice-at-schools", "en", "answered"): 1,
               ("2026-12-01", "-", sys.argv[2], "declined"): 1})
store.close()
"""


def test_two_processes_on_one_file_both_count(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    procs = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(path), lang], cwd=ROOT)
        for lang in ("en", "es", "fr")
    ]
    assert [p.wait(120) for p in procs] == [0, 0, 0]
    got = counts(path)
    assert got[("ice-at-schools", "en", "answered")] == 900
    assert got[("-", "es", "declined")] == 300
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_recorder_writes_in_the_background_and_at_close(tmp_path: Path, say: Say) -> None:
    recorder = Recorder(tmp_path / DB_NAME, interval=0.05)
    incoming = Incoming(text="can ice come to my kids school")
    recorder.record(incoming, say(incoming.text))
    deadline = 200
    while not counts(tmp_path / DB_NAME) and deadline:
        deadline -= 1
        threading_sleep(0.05)
    assert counts(tmp_path / DB_NAME) == {("ice-at-schools", "en", "answered"): 1}
    slow = Recorder(tmp_path / DB_NAME, interval=3600)  # a second recorder on the same file
    for _ in range(4):
        slow.record(incoming, say(incoming.text))
    slow.close()  # shutdown writes what is pending
    recorder.close()
    assert counts(tmp_path / DB_NAME) == {("ice-at-schools", "en", "answered"): 5}
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("SELECT DISTINCT day FROM counts").fetchall() == [(today(),)]


def threading_sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def test_stats_off_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATS", "off")
    assert open_recorder(tmp_path / "data") is None
    assert not (tmp_path / "data").exists()
    monkeypatch.setenv("STATS", "on")
    recorder = open_recorder(tmp_path / "data", interval=60)
    assert recorder is not None
    recorder.close()
    assert (tmp_path / "data" / DB_NAME).exists()


def test_default_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SAFECITY_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert settings.data_dir() == tmp_path / "safecity-bot"
    monkeypatch.setenv("SAFECITY_DATA", str(tmp_path / "x"))
    assert settings.data_dir() == tmp_path / "x"


def test_ask_and_chat_count_only_with_stats(tmp_path: Path) -> None:
    env = {"SAFECITY_DATA": str(tmp_path), "STATS": "on"}
    question = "can ice come to my kids school\nhow do I cook rice\n"
    assert run("ask", stdin=question, env=env).returncode == 0
    assert run("chat", stdin=question, env=env).returncode == 0
    assert not os.listdir(tmp_path)
    assert run("ask", "--stats", stdin=question, env=env).returncode == 0
    assert run("chat", "--stats", stdin=question, env=env).returncode == 0
    assert counts(tmp_path / DB_NAME) == {
        ("ice-at-schools", "en", "answered"): 2,
        ("-", "en", "declined"): 2,
    }
    off = run("ask", "--stats", stdin=question, env={**env, "STATS": "off"})
    assert off.returncode == 0
    assert sum(counts(tmp_path / DB_NAME).values()) == 4
