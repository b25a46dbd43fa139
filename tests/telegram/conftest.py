"""Fixtures for the Telegram tests: the fake Bot API, one per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import FakeTelegram


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
