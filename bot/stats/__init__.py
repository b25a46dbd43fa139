"""Counts of topics, never of people: what residents read, per day, topic,
language and outcome, and the editors' report built from them.

Nothing here sees a user id, a chat id or a message's text: counting takes
only the engine's Reply (its kind, topic and language) and whether the
resident typed or tapped.
"""

from __future__ import annotations

from .outcomes import OUTCOMES, outcomes
from .recorder import Recorder, open_recorder
from .store import DB_NAME, Store

__all__ = ["DB_NAME", "OUTCOMES", "Recorder", "Store", "open_recorder", "outcomes"]
