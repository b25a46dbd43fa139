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
