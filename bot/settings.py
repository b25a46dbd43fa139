"""Where things are, from flags, then environment variables, then defaults."""

from __future__ import annotations

import os
from pathlib import Path

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
