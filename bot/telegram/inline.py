"""Inline mode for outreach workers: `@bot <words>` in any chat lists answers.

Each result sends the answer's text (its first 4096-character part) into the
chat, with a button that opens the bot on that topic in that language. Titles
are in the query's language when the words say which; otherwise in the
worker's chosen or Telegram language. An empty query lists the menu's topics.
"""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import ContextTypes

from .. import ui
from ..callbacks import deep_link, payload_for
from ..engine import Brain, Engine, Incoming, fallback_language
from ..html import split, visible_text
from ..matching import INTENT_PREFIX
from ..normalize import normalize
from .memory import LanguageMemory

MAX_MATCHES = 10  # what a worker can scan while typing
MAX_RESULTS = 50  # Telegram's limit per answer
CACHE_SECONDS = 30  # short: content changes go live without a restart
# Looser than the engine's choice threshold: a worker types partial words
# and picks from a list, so a weaker match is still worth showing.
MIN_SCORE = 0.22


class InlineAnswers:
    def __init__(self, engine: Engine, memory: LanguageMemory) -> None:
        self.engine = engine
        self.memory = memory
        self.answered = 0  # a count for the logs

    async def on_inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        brain = self.engine.brain  # one version of the content for the whole answer
        words = query.query.strip()[:256]
        user = query.from_user
        resident = Incoming(
            chosen_language=self.memory.get(user.id), platform_language=user.language_code
        )
        fallback = fallback_language(brain.pack, resident)
        if words:
            lang, topics = search(brain, words, fallback)
            topics = topics[:MAX_MATCHES]
        else:
            lang, topics = fallback, menu_topics(brain)
        results = [article(brain, t, lang, context.bot.username) for t in topics[:MAX_RESULTS]]
        await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)
        self.answered += 1


def menu_topics(brain: Brain) -> list[str]:
    seen: dict[str, None] = {t.id: None for t in brain.pack.urgent_topics}
    for category in brain.pack.menu:
        for tid in category.topics:
            if tid in brain.pack.topics:
                seen.setdefault(tid, None)
    return list(seen)


def search(brain: Brain, words: str, fallback: str) -> tuple[str, list[str]]:
    """The language of the query and the topics that match it, best first."""
    languages = brain.pack.languages
    detection = brain.detector.detect(words)
    match = brain.matcher.match(words)
    if detection.clear and detection.language in languages:
        lang = str(detection.language)
    elif match.phrase_language in languages and match.candidates:
        lang = str(match.phrase_language)
    else:
        lang = fallback
    found: dict[str, None] = {}
    if match.topic:
        found[match.topic] = None
    found.update(dict.fromkeys(match.choices))
    for cand in match.candidates:
        if not cand.label.startswith(INTENT_PREFIX) and cand.score >= MIN_SCORE:
            found.setdefault(cand.label, None)
    # Titles that contain what was typed so far ("scho" finds "School...").
    needle = normalize(words)
    if needle:
        for topic in brain.pack.topics.values():
            if needle in normalize(topic.title(lang)):
                found.setdefault(topic.id, None)
    return lang, [t for t in found if t in brain.pack.topics]


def article(brain: Brain, topic_id: str, lang: str, bot_username: str) -> InlineQueryResultArticle:
    topic = brain.pack.topics[topic_id]
    reply = brain.writer.answer(topic, lang)
    first = split(reply.text)[0]
    paragraphs = visible_text(first).split("\n\n")
    description = paragraphs[1].strip()[:120] if len(paragraphs) > 1 else ""
    payload = payload_for(topic_id, lang)
    button = InlineKeyboardButton(
        brain.catalogs.text(lang, ui.OPEN_IN_BOT), url=deep_link(bot_username, payload)
    )
    kwargs: dict[str, Any] = {"description": description} if description else {}
    return InlineQueryResultArticle(
        id=payload,  # unique per topic and language, <= 64 bytes
        title=topic.title(lang),
        input_message_content=InputTextMessageContent(first),
        reply_markup=InlineKeyboardMarkup([[button]]),
        **kwargs,
    )
