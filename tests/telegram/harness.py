"""Helpers to run the real `safecity-bot run` as a subprocess against the fake Bot API."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # fake_telegram lives in tests/
    sys.path.insert(0, str(TESTS))

from fake_telegram import FakeTelegram  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0  # content load on a busy two-core machine


class BotProcess:
    """`python -m bot run` with its output in a file (a pipe could fill and block it)."""

    def __init__(self, workdir: Path, env: dict[str, str], args: list[str]) -> None:
        self.log_path = workdir / "bot.log"
        self.env = env
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BotProcess:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_log(self, needle: str, timeout: float = 20.0, after: int = 0) -> str:
        """Wait until `needle` shows in the log after offset `after`; returns the new log text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.logs()[after:]
            if needle in text:
                return text
            if not self.alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} not in the bot's log:\n{self.logs()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise
        self._log.close()
        return code


def bot_env(fake: FakeTelegram, **extra: str) -> dict[str, str]:
    """The tests' bot: DEBUG logs (so the privacy checks see everything) and a
    quick content watcher."""
    return fake.bot_env(**{"LOG_LEVEL": "DEBUG", "RELOAD_INTERVAL": "0.3", **extra})


def copy_content(dest: Path, pack: Path = ROOT / "content") -> tuple[Path, Path]:
    """A private copy of a pack (default content/) and locales/, safe to edit
    while others edit the real ones."""
    content, locales = dest / "content", dest / "locales"
    shutil.copytree(pack, content)
    shutil.copytree(ROOT / "locales", locales)
    return content, locales


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def topic_block(content: Path, topic: str, lang: str) -> dict[str, Any]:
    data = yaml.safe_load((content / "topics" / f"{topic}.yaml").read_text(encoding="utf-8"))
    return dict(data["languages"][lang])


def keyboard(call: Any) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]
