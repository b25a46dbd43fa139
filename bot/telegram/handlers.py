"""Update -> Incoming -> engine -> Bot API calls. Nothing here decides what to say.

Handlers are registered in `register`; the order matters only in that known
commands come before the catch-all for unknown ones. Each handler:

1. decides whether the update is for us (groups: only commands and messages
   that mention the bot or reply to it; edited messages never);
2. applies flood control per chat;
3. builds an `Incoming` with the resident's remembered language;
4. sends or edits the engine's reply.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from .. import errors, ui
from ..engine import COMMANDS, Engine, Incoming, fallback_language
from ..html import escape
from ..replies import Reply
from ..stats import Recorder
from .delivery import send_text
from .flood import FloodGuard, Verdict
from .inline import InlineAnswers
from .memory import LanguageMemory
from .render import Keyboards, Outgoing, button_rows, outgoing, replace_feedback

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

# Only new messages: an edit of an old question must not trigger a second answer.
NEW_MESSAGE = filters.UpdateType.MESSAGE
# What Telegram is asked to deliver at all (polling and webhook alike).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
# Replies that replace the screen a button was on (menus, lists) rather than
# adding a message; answers are always sent anew so they stay in the chat.
_NAVIGATION_KINDS = frozenset(
    {"menu", "category", "languages", "language_set", "choices", "stale_button", "welcome", "help"}
)


class Shell:
    """The Telegram side of the conversation, shared by all handlers."""

    def __init__(
        self,
        engine: Engine,
        memory: LanguageMemory,
        flood: FloodGuard,
        stats: Recorder | None = None,
    ) -> None:
        self.engine = engine
        self.memory = memory
        self.flood = flood
        self.stats = stats  # topic counts: sees the Incoming and the Reply, never the Update
        self.inline = InlineAnswers(engine, memory)
        self.counts: Counter[str] = Counter()  # kinds of updates answered, for the logs
        self.keyboards = Keyboards()

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        group_or_private = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
        app.add_handler(
            CommandHandler(list(COMMANDS), self.on_command, filters=NEW_MESSAGE & group_or_private)
        )
        app.add_handler(
            MessageHandler(
                NEW_MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE, self.on_unknown_command
            )
        )
        app.add_handler(
            MessageHandler(
                NEW_MESSAGE & filters.TEXT & ~filters.COMMAND & group_or_private, self.on_text
            )
        )
        app.add_handler(
            MessageHandler(
                NEW_MESSAGE & ~filters.TEXT & filters.ATTACHMENT & group_or_private,
                self.on_non_text,
            )
        )
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(InlineQueryHandler(self.inline.on_inline_query))
        app.add_error_handler(self.on_error)

    # -- building Incoming -------------------------------------------------
    def _incoming(self, update: Update, **fields: Any) -> Incoming:
        user = update.effective_user
        return Incoming(
            chosen_language=self.memory.get(user.id if user else None),
            platform_language=user.language_code if user else None,
            **fields,
        )

    def _answer(self, update: Update, incoming: Incoming) -> Reply:
        reply = self.engine.reply(incoming)
        if reply.set_language:
            user = update.effective_user
            self.memory.remember(user.id if user else None, reply.set_language)
        self.counts[reply.kind] += 1
        if self.stats is not None:
            self.stats.record(incoming, reply)
        return reply

    async def _admit(self, bot: Bot, update: Update, chat: Chat) -> bool:
        """Flood control: True to answer; sends the one "slow down" when due."""
        verdict = self.flood.check(chat.id)
        if verdict is Verdict.ANSWER:
            return True
        if verdict is Verdict.SLOW_DOWN:
            await bot.send_message(chat.id, escape(self._ui_text(update, ui.SLOW_DOWN)))
        return False

    def _ui_text(self, update: object, msgid: str) -> str:
        """An interface string in the resident's language (chosen, else Telegram's)."""
        brain = self.engine.brain
        incoming = self._incoming(update) if isinstance(update, Update) else Incoming()
        return brain.catalogs.text(fallback_language(brain.pack, incoming), msgid)

    # -- messages ----------------------------------------------------------
    async def on_command(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not message.text:
            return
        name = message.text.split()[0][1:].split("@")[0].lower()
        if name not in COMMANDS:
            return
        payload = context.args[0] if name == "start" and context.args else None
        if not await self._admit(context.bot, update, chat):
            return
        reply = self._answer(update, self._incoming(update, command=name, payload=payload))
        await self.send(context.bot, chat, reply, message)

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None or not await self._admit(context.bot, update, chat):
            return
        reply = self._answer(update, self._incoming(update, command="menu"))
        await self.send(context.bot, chat, reply, update.effective_message)

    async def on_text(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        text = message.text
        if chat.type != ChatType.PRIVATE:
            addressed = addressed_text(message, context.bot)
            if addressed is None:
                return  # group chatter between people: not for us
            text = addressed
        if not await self._admit(context.bot, update, chat):
            return
        reply = self._answer(update, self._incoming(update, text=text))
        await self.send(context.bot, chat, reply, message)

    async def on_non_text(self, update: Update, context: Context) -> None:
        # Stickers, photos, voice, locations, contacts...: never read, stored or echoed.
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        if chat.type != ChatType.PRIVATE and not replies_to_bot(message, context.bot):
            return
        if not await self._admit(context.bot, update, chat):
            return
        reply = self._answer(update, self._incoming(update, non_text=True))
        await self.send(context.bot, chat, reply, message)

    # -- buttons -----------------------------------------------------------
    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()  # at once, so the button stops spinning whatever follows
        except TelegramError as exc:  # too old, or already answered: still reply
            log.info("could not answer a button press (%s)", type(exc).__name__)
        message = query.message
        if message is None:  # a button on an inline-mode message: no chat to write to
            return
        chat = message.chat
        if not await self._admit(context.bot, update, chat):
            return
        reply = self._answer(update, self._incoming(update, callback=query.data or ""))
        if reply.feedback_rows is not None:
            edited = await self._edit_feedback(context.bot, query, reply)
            if edited and reply.kind == "feedback_reasons":
                return  # the reasons replace the answer's feedback row: nothing to send
        out = outgoing(reply, context.bot.username, self.engine.brain.catalogs, self.keyboards)
        if _should_edit(reply, query, out) and await self._edit(query, out):
            return
        await self._send(context.bot, chat, out, None)

    async def _edit_feedback(self, bot: Bot, query: CallbackQuery, reply: Reply) -> bool:
        """Put the feedback reply's rows in place of the tapped answer's feedback
        row, so the answer's next tap carries the vote it replaces."""
        message = query.message
        if not isinstance(message, Message) or message.reply_markup is None:
            return False
        rows = button_rows(
            reply.feedback_rows or (), reply.language, bot.username, self.engine.brain.catalogs
        )
        markup = replace_feedback(message.reply_markup, rows)
        if markup is None:
            return False
        try:
            await query.edit_message_reply_markup(reply_markup=markup)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("could not edit an answer's feedback row (%s)", exc)
            return False
        return True

    async def _edit(self, query: CallbackQuery, out: Outgoing) -> bool:
        try:
            await query.edit_message_text(out.parts[0], reply_markup=out.keyboard)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True  # the same screen again: nothing to do
            log.info("could not edit a message, sending instead (%s)", exc)
            return False
        return True

    # -- sending -----------------------------------------------------------
    async def send(self, bot: Bot, chat: Chat, reply: Reply, message: Message | None) -> None:
        out = outgoing(reply, bot.username, self.engine.brain.catalogs, self.keyboards)
        # In groups, quote the message answered so everyone sees whom it is for.
        quote = message if message is not None and chat.type != ChatType.PRIVATE else None
        await self._send(bot, chat, out, quote)

    async def _send(self, bot: Bot, chat: Chat, out: Outgoing, quote: Message | None) -> None:
        last = len(out.parts) - 1
        for i, part in enumerate(out.parts):
            reply_parameters = None
            if quote is not None and i == 0:
                reply_parameters = ReplyParameters(
                    quote.message_id, allow_sending_without_reply=True
                )
            await send_text(
                bot,
                chat.id,
                part,
                reply_markup=out.keyboard if i == last else None,
                reply_parameters=reply_parameters,
            )

    # -- errors ------------------------------------------------------------
    async def on_error(self, update: object, context: Context) -> None:
        error = context.error
        # Telegram's own description; for our bugs, no exception message.
        if isinstance(error, TelegramError):
            log.error("update failed: %s: %s", type(error).__name__, str(error)[:200])
        else:
            log.error("update failed: %s", errors.describe(error))
        self.counts["error"] += 1
        if isinstance(error, NetworkError | Forbidden) and not isinstance(error, BadRequest):
            return  # retries already failed, or the resident blocked the bot
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                text = escape(self._ui_text(update, ui.ERROR))
                await context.bot.send_message(update.effective_chat.id, text)
            except TelegramError:
                pass


def _should_edit(reply: Reply, query: CallbackQuery, out: Outgoing) -> bool:
    """Edit the pressed message when it is a menu and the new reply is one too."""
    message = query.message
    if message is None or not message.is_accessible or not isinstance(message, Message):
        return False
    if reply.kind not in _NAVIGATION_KINDS or len(out.parts) != 1:
        return False
    return not _is_answer(message)


def _is_answer(message: Message) -> bool:
    # Answers carry a Share (URL) button; menus never do. An answer is kept.
    markup = message.reply_markup
    return markup is not None and any(b.url for row in markup.inline_keyboard for b in row)


def _mentions(message: Message, username: str) -> list[MessageEntity]:
    target = f"@{username}".lower()
    return [
        entity
        for entity, text in message.parse_entities([MessageEntity.MENTION]).items()
        if text.lower() == target
    ]


def replies_to_bot(message: Message, bot: Bot) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def addressed_text(message: Message, bot: Bot) -> str | None:
    """The text meant for the bot in a group (mention removed), or None."""
    text = message.text or ""
    mentions = _mentions(message, bot.username)
    if mentions:
        # Remove our @mention(s); offsets are UTF-16, so go through the entities' text.
        for entity in sorted(mentions, key=lambda e: e.offset, reverse=True):
            utf16 = text.encode("utf-16-le")
            start, end = entity.offset * 2, (entity.offset + entity.length) * 2
            text = (utf16[:start] + utf16[end:]).decode("utf-16-le")
        return text.strip()
    if replies_to_bot(message, bot):
        return text
    return None
