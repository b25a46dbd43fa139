"""Navigation state carried in button data and deep-link payloads.

Handlers keep no state: everything a button needs to produce the next reply is
in its data (at most 64 bytes, Telegram's limit), and a deep link carries a
topic or category plus an optional language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
_SEP = ":"


@dataclass(frozen=True)
class Action:
    # "topic", "category", "menu", "languages", "set_language", "share",
    # "vote" (feedback on an answer), "reasons" (open the "not helpful" reasons)
    kind: str
    target: str | None = None
    language: str | None = None
    answer_language: str | None = None
    # Feedback only: the choice this button makes, and the vote already given
    # on the same answer (carried by the edited keyboard, so that a second tap
    # changes the vote instead of adding one, with no one's id kept anywhere).
    choice: str | None = None
    previous: str | None = None


_KINDS = {
    "t": "topic",
    "c": "category",
    "m": "menu",
    "L": "languages",
    "l": "set_language",
    "s": "share",
    "v": "vote",
    "r": "reasons",
}
_CODES = {v: k for k, v in _KINDS.items()}

# Feedback choices, one letter each: "helpful", then the reasons an answer was not.
HELPFUL = "helpful"
REASONS = ("wrong_topic", "hard_to_understand", "out_of_date", "not_my_language", "unanswered")
CHOICES = (HELPFUL, *REASONS)
_CHOICE_CODES = dict(zip(CHOICES, "hwuolq", strict=True))
_CHOICE_NAMES = {v: k for k, v in _CHOICE_CODES.items()}
_FEEDBACK = ("vote", "reasons")


def _feedback_encode(action: Action) -> list[str]:
    if action.target is None or action.language is None:
        raise ValueError("feedback needs a topic and a language")
    parts = [_CODES[action.kind], action.target, action.language]
    if action.kind == "vote":
        parts.append(_CHOICE_CODES[action.choice or ""])
    if action.previous is not None:
        parts.append(_CHOICE_CODES[action.previous])
    return parts


def _feedback_decode(kind: str, rest: list[str]) -> Action | None:
    """`v:topic:lang:choice[:previous]`, `r:topic:lang[:previous]`."""
    wanted = 3 if kind == "vote" else 2
    if len(rest) not in (wanted, wanted + 1) or not all(rest):
        return None
    choice = _CHOICE_NAMES.get(rest[2]) if kind == "vote" else None
    if kind == "vote" and choice is None:
        return None
    previous = None
    if len(rest) == wanted + 1:
        previous = _CHOICE_NAMES.get(rest[wanted])
        if previous is None:
            return None
    return Action(kind, rest[0], rest[1], choice=choice, previous=previous)


def encode(action: Action) -> str:
    if action.kind in _FEEDBACK:
        return _checked(_SEP.join(_feedback_encode(action)))
    parts = [_CODES[action.kind]]
    if action.target is not None:
        parts.append(action.target)
    if action.language is not None:
        parts.append(action.language)
    if action.answer_language is not None and action.answer_language != action.language:
        parts.append(action.answer_language)
    return _checked(_SEP.join(parts))


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Action | None:
    """Parse button data; None for anything we did not make (old or forged)."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(_SEP)
    kind = _KINDS.get(parts[0])
    if kind is None:
        return None
    rest = parts[1:]
    if kind in _FEEDBACK:
        return _feedback_decode(kind, rest)
    if kind in ("menu", "languages"):
        return Action(kind, None, rest[0] if rest else None) if len(rest) <= 1 else None
    if kind == "set_language":
        return Action(kind, rest[0]) if len(rest) == 1 else None
    if not rest or len(rest) > 3:
        return None
    return Action(
        kind,
        rest[0],
        rest[1] if len(rest) > 1 else None,
        rest[2] if len(rest) > 2 else None,
    )


_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def payload_for(target: str, language: str | None = None, category: bool = False) -> str:
    """Deep-link payload: `topic-id`, `topic-id_es`, `c_category`, `c_category_es`."""
    payload = f"c_{target}" if category else target
    if language:
        payload = f"{payload}_{language}"
    if not _PAYLOAD.match(payload):
        raise ValueError(f"not a valid deep-link payload: {payload!r}")
    return payload


# The bot's username in links made without one: readable, and obviously to replace.
PLACEHOLDER_USERNAME = "YOUR_BOT"


def deep_link(bot_username: str, payload: str) -> str:
    """The t.me link that opens the bot with a /start payload."""
    return f"https://t.me/{bot_username}?start={payload}"


def parse_payload(payload: str | None, languages: tuple[str, ...]) -> Action | None:
    """Read a /start payload; None when it is not one of ours."""
    if not payload or not _PAYLOAD.match(payload):
        return None
    kind = "topic"
    if payload.startswith("c_"):
        kind, payload = "category", payload[2:]
    target, language = payload, None
    head, sep, tail = payload.rpartition("_")
    if sep and tail in languages:
        target, language = head, tail
    return Action(kind, target, language) if target else None
