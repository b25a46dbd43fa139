"""Reply -> what Telegram is sent: message parts and an inline keyboard.

The engine already writes Telegram HTML with every inserted string escaped;
here the text is split at paragraph boundaries to fit 4096 characters, and
buttons become callback buttons (data <= 64 bytes) or, for "Share", a URL
button that opens Telegram's share sheet with the answer's deep link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from .. import ui
from ..callbacks import MAX_CALLBACK_BYTES, decode, deep_link
from ..html import MAX_MESSAGE, split
from ..i18n import Catalogs
from ..languages import display_name
from ..replies import Button, Reply

log = logging.getLogger(__name__)


def share_url(bot_username: str, payload: str, text: str) -> str:
    """Telegram's share sheet: the resident picks a chat and forwards the link."""
    link = deep_link(bot_username, payload)
    return f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(text, safe='')}"


@dataclass(frozen=True)
class Outgoing:
    parts: tuple[str, ...]  # HTML texts, each within Telegram's limit
    keyboard: InlineKeyboardMarkup | None  # goes on the last part


def keyboard(reply: Reply, bot_username: str, catalogs: Catalogs) -> InlineKeyboardMarkup | None:
    rows = button_rows(reply.buttons, reply.language, bot_username, catalogs)
    return InlineKeyboardMarkup(rows) if rows else None


def button_rows(
    buttons: tuple[tuple[Button, ...], ...], language: str, bot_username: str, catalogs: Catalogs
) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    for row in buttons:
        made = (_button(button, language, bot_username, catalogs) for button in row)
        out = [b for b in made if b]
        if out:
            rows.append(out)
    return rows


def is_feedback(button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    if not isinstance(data, str):
        return False
    action = decode(data)
    return action is not None and action.kind in ("vote", "reasons")


def replace_feedback(
    markup: InlineKeyboardMarkup, rows: list[list[InlineKeyboardButton]]
) -> InlineKeyboardMarkup | None:
    """The answer's keyboard with its feedback rows replaced by `rows`, every
    other button (related topics, Share, menu) kept where it was; None when
    the keyboard has no feedback row."""
    kept: list[list[InlineKeyboardButton]] = []
    placed = False
    for row in markup.inline_keyboard:
        if any(is_feedback(b) for b in row):
            if not placed:
                kept.extend(rows)
                placed = True
            continue
        kept.append(list(row))
    return InlineKeyboardMarkup(kept) if placed else None


def _button(
    button: Button, language: str, bot_username: str, catalogs: Catalogs
) -> InlineKeyboardButton | None:
    if button.share:
        text = catalogs.text(language, ui.SHARE_TEXT, language=display_name(language))
        return InlineKeyboardButton(button.label, url=share_url(bot_username, button.share, text))
    if button.data:
        if len(button.data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            # Telegram would reject the whole message (BUTTON_DATA_INVALID):
            # better one missing button than no answer at all.
            log.error(
                "a button's callback data is over %d bytes; button left out", MAX_CALLBACK_BYTES
            )
            return None
        return InlineKeyboardButton(button.label, callback_data=button.data)
    return None


class Keyboards:
    """Inline keyboards made once per content load, not once per reply.

    Most replies carry the same few keyboards (a topic's answer, the menu);
    building one is a hundred-odd microseconds of PTB objects, on the event
    loop, for every update. Keys are the reply's buttons (labels and data
    from the pack and catalogs, never a resident's words) and language.
    """

    LIMIT = 4096  # distinct keyboards kept; past it the cache starts again

    def __init__(self) -> None:
        self._catalogs: Catalogs | None = None
        self._made: dict[tuple[object, ...], InlineKeyboardMarkup | None] = {}

    def get(
        self, reply: Reply, bot_username: str, catalogs: Catalogs
    ) -> InlineKeyboardMarkup | None:
        if catalogs is not self._catalogs:  # a reload: new labels, maybe new buttons
            self._catalogs, self._made = catalogs, {}
        key = (reply.buttons, reply.language, bot_username)
        if key not in self._made:
            if len(self._made) >= self.LIMIT:
                self._made = {}
            self._made[key] = keyboard(reply, bot_username, catalogs)
        return self._made[key]


def outgoing(
    reply: Reply, bot_username: str, catalogs: Catalogs, keyboards: Keyboards | None = None
) -> Outgoing:
    # Most replies are short: the raw text's UTF-16 length bounds the visible
    # length Telegram counts (tags and entities only shrink), so skip the parse.
    if len(reply.text.encode("utf-16-le")) // 2 <= MAX_MESSAGE:
        parts: tuple[str, ...] = (reply.text,)
    else:
        parts = tuple(p for p in split(reply.text, MAX_MESSAGE) if p.strip()) or (reply.text,)
    if keyboards is not None:
        return Outgoing(parts, keyboards.get(reply, bot_username, catalogs))
    return Outgoing(parts, keyboard(reply, bot_username, catalogs))
