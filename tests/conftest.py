"""Shared fixtures: the shipped engine, a `say` helper, and tiny packs on disk."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine import Engine, Incoming
from bot.replies import Reply

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CHICAGO = ROOT / "examples" / "chicago"  # the second city: proves a pack swaps cleanly
LOCALES = ROOT / "locales"
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "eval" / "dev.jsonl"

# The matcher's trained weights go to a cache of this run's own (subprocesses
# inherit it), not to the developer's ~/.cache.
os.environ.setdefault("SAFECITY_CACHE", tempfile.mkdtemp(prefix="safecity-test-cache-"))
# Tests see the measured thresholds from the first reply (a deployed bot
# serves behind stricter ones while measuring: tests/test_calibration.py).
os.environ.setdefault("SAFECITY_CALIBRATE", "now")
# The Telegram tests' bots count topics as a deployed bot does: into a data
# folder of this run's own, never the developer's.
os.environ.setdefault("SAFECITY_DATA", tempfile.mkdtemp(prefix="safecity-test-data-"))


@pytest.fixture(scope="session")
def engine() -> Engine:
    return pack_engine("nyc")


@pytest.fixture(scope="session")
def chicago_engine() -> Engine:
    return pack_engine("chicago")


# The packs the pack-independent tests run on: a module whose tests must hold
# for any city overrides `engine` with `@pytest.fixture(params=PACKS)` and
# `return pack_engine(request.param)` (the `say` fixture follows it).
PACKS = {"nyc": CONTENT, "chicago": CHICAGO}
_ENGINES: dict[str, Engine] = {}


def pack_engine(name: str) -> Engine:
    """One engine per pack for the whole run."""
    if name not in _ENGINES:
        _ENGINES[name] = Engine(PACKS[name], LOCALES)
    return _ENGINES[name]


Say = Callable[..., Reply]


@pytest.fixture
def say(engine: Engine) -> Say:
    """Send one message (or command/button) to the engine and get the reply."""
    return sayer(engine)


@pytest.fixture(scope="session")
def nyc_engine() -> Engine:
    """The New York pack, for tests of its own facts in a module whose
    `engine` runs on every pack."""
    return pack_engine("nyc")


@pytest.fixture
def nyc_say(nyc_engine: Engine) -> Say:
    return sayer(nyc_engine)


def sayer(engine: Engine) -> Say:
    """A function that sends one message (or command/button) to the engine."""

    def _say(
        text: str | None = None,
        *,
        lang: str | None = None,
        platform: str | None = None,
        command: str | None = None,
        payload: str | None = None,
        button: str | None = None,
        non_text: bool = False,
    ) -> Reply:
        return engine.reply(
            Incoming(
                text=text,
                command=command,
                payload=payload,
                callback=button,
                non_text=non_text,
                chosen_language=lang,
                platform_language=platform,
            )
        )

    return _say


MINI_PACK = """\
city: Testville
default_language: en
languages: [en, es]
about_topic: about
review:
  max_age_days: 180
contacts:
  hotline:
    name: Test Hotline
    phone: 1-800-000-0000
    url: https://example.org/hotline
    source: {title: Example hotline page, url: https://example.org/hotline, checked: 2026-11-01}
trusted_sources: [example.org]
help_contact: hotline
menu:
  - id: main
    title: {en: Main, es: Principal}
    topics: [schools, about]
"""

MINI_SCHOOLS = """\
id: schools
related: [about]
sources:
  - title: Example source
    url: https://example.org/source
    date: 2025-01-01
    checked: 2026-11-01
languages:
  en:
    title: Agents at schools
    reviewed: 2026-11-01
    answer: |
      <b>Schools do not let agents in without a judge's warrant.</b>

      Call {hotline} for help.
    examples: [can ice come to my kids school, immigration agents at school, school safe from ice]
  es:
    title: Agentes en las escuelas
    reviewed: 2026-11-01
    answer: |
      <b>Las escuelas no dejan entrar a los agentes sin orden judicial.</b>

      Llame a {hotline}.
    examples: [la migra puede entrar a la escuela, agentes de inmigracion en la escuela]
"""

MINI_ABOUT = """\
id: about
sources:
  - title: Example source
    url: https://example.org/about
    checked: 2026-11-01
languages:
  en:
    title: About this bot
    reviewed: 2026-11-01
    answer: This bot gives general information, not legal advice.
    examples: [who made this bot, what do you store about me, is this bot private]
"""


MINI_PRIVACY = """\
id: privacy
sources:
  - title: Example privacy policy
    url: https://example.org/privacy
    date: 2024-09-01
    checked: 2026-11-01
languages:
  en:
    title: Your privacy
    reviewed: 2026-11-01
    answer: |
      <b>This bot keeps nothing you write.</b>

      Telegram keeps your chats. Call {hotline} for advice.
  es:
    title: Su privacidad
    reviewed: 2026-11-01
    answer: |
      <b>Este bot no guarda nada de lo que escribe.</b>

      Telegram guarda sus chats. Llame a {hotline}.
"""


def write_pack(root: Path, files: dict[str, str] | None = None) -> Path:
    """A small valid pack; `files` replaces or adds files by relative path."""
    base = {
        "pack.yaml": MINI_PACK,
        "topics/schools.yaml": MINI_SCHOOLS,
        "topics/about.yaml": MINI_ABOUT,
        "privacy.yaml": MINI_PRIVACY,
    }
    base.update(files or {})
    for rel, text in base.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:  # type: ignore[comparison-overlap]
            continue
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
