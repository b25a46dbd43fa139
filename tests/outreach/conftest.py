"""Shared pieces of the outreach tests: the shipped pack and catalogs, the
site built once per session, and a real headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import ui
from bot.i18n import Catalogs, load_catalogs
from bot.outreach.site import SiteOptions, build_site
from bot.pack.loader import load_pack
from bot.pack.model import Pack
from tests.conftest import CONTENT, LOCALES

USERNAME = "NYCHelpBot"
BASE_URL = "https://help.example.org/nyc/"
CHROMIUM = "/usr/bin/chromium"
# A browser that talks to nobody but the test: no updates, sync, QUIC or
# background requests, and a fresh profile each run.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETUP_HINT = "install the system packages: sudo python3 tasks.py setup-system"


@pytest.fixture(scope="session")
def shipped() -> tuple[Pack, Catalogs]:
    result = load_pack(CONTENT)
    assert result.pack is not None
    catalogs, problems = load_catalogs(LOCALES, result.pack.languages, ui.ALL)
    assert not problems
    return result.pack, catalogs


@pytest.fixture(scope="session")
def site_dir(shipped: tuple[Pack, Catalogs], tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack, catalogs = shipped
    out = tmp_path_factory.mktemp("site")
    build_site(pack, catalogs, out, SiteOptions(USERNAME, BASE_URL))
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Debian's Chromium, driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API runs an event loop in this thread
    while it is open, and the asyncio tests that follow need the thread free."""
    if not Path(CHROMIUM).is_file() or shutil.which("chromium") is None:
        pytest.fail(f"{CHROMIUM} is missing: {SETUP_HINT}")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 412, "height": 915},  # a common phone
            device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()
