"""Where things are, from flags, then environment variables, then defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

_REPO = Path(__file__).resolve().parent.parent

CONTENT_ENV = "SAFECITY_CONTENT"
LOCALES_ENV = "SAFECITY_LOCALES"


def _default(name: str) -> Path:
    for candidate in (_REPO / name, Path.cwd() / name):
        if candidate.is_dir():
            return candidate
    return _REPO / name


def content_dir(flag: str | None = None) -> Path:
    return Path(flag or os.environ.get(CONTENT_ENV) or _default("content"))


def locales_dir(flag: str | None = None) -> Path:
    return Path(flag or os.environ.get(LOCALES_ENV) or _default("locales"))


CACHE_ENV = "SAFECITY_CACHE"


def cache_dir() -> Path:
    """Where derived data (the matcher's trained weights) is kept between
    starts. Safe to delete; never holds anything about residents."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "safecity-bot"


CALIBRATE_ENV = "SAFECITY_CALIBRATE"


def calibrate_now() -> bool:
    """For the Telegram bot: SAFECITY_CALIBRATE=now makes a start wait for the
    thresholds to be measured on a new pack (bot/calibration.py); by default
    it serves at once behind stricter ones and measures in the background."""
    return os.environ.get(CALIBRATE_ENV, "background").strip().lower() == "now"


DATA_ENV = "SAFECITY_DATA"
STATS_ENV = "STATS"
STATS_FLUSH_ENV = "STATS_FLUSH"


def data_dir(flag: str | None = None) -> Path:
    """Where the topic counts are kept (the one file the bot writes that is
    not derived from the content). Holds no ids and no text."""
    configured = flag or os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "safecity-bot"


def stats_enabled() -> bool:
    """STATS=off (or 0, no, false) turns counting off: no file is created."""
    return os.environ.get(STATS_ENV, "on").strip().lower() not in {"off", "0", "no", "false"}


def stats_flush_seconds() -> float:
    """Seconds between writes of the in-memory counts (a crash loses at most these)."""
    try:
        return max(0.05, float(os.environ.get(STATS_FLUSH_ENV, "5")))
    except ValueError:
        return 5.0


USERNAME_ENV = "BOT_USERNAME"


def bot_username(flag: str | None = None) -> str | None:
    """The bot's @username (without @) for printed links, or None when unset."""
    name = (flag or os.environ.get(USERNAME_ENV) or "").strip().lstrip("@")
    return name or None


def link_username(flag: str | None, warnings: TextIO) -> str:
    """The username for links a person will print or share; without one, a
    warning (every link would lead nowhere) and the placeholder."""
    from .callbacks import PLACEHOLDER_USERNAME

    name = bot_username(flag)
    if name:
        return name
    warnings.write(
        f"warning: no bot username (--bot-username or {USERNAME_ENV}): the links say "
        f"{PLACEHOLDER_USERNAME} and will not open your bot\n"
    )
    return PLACEHOLDER_USERNAME
