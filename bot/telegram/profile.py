"""The bot's profile in every pack language: command list, description, short description.

Telegram shows these per the user's app language (`language_code`), so each
pack language gets its own, plus a default (no language code) in the pack's
default language. They are sent again after a reload only when the text
changed, so a content edit does not cost dozens of API calls.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.constants import BotCommandLimit, BotDescriptionLimit
from telegram.error import TelegramError

from .. import ui
from ..engine import COMMANDS, Engine

log = logging.getLogger(__name__)

_COMMAND_TEXT = {
    "start": ui.CMD_START,
    "menu": ui.CMD_MENU,
    "language": ui.CMD_LANGUAGE,
    "help": ui.CMD_HELP,
    "about": ui.CMD_ABOUT,
    "privacy": ui.CMD_PRIVACY,
}

Profile = tuple[tuple[tuple[str, str], ...], str, str]  # commands, description, short


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def profile_for(engine: Engine, language: str) -> Profile:
    brain = engine.brain
    t = brain.catalogs.text
    commands = tuple(
        (name, _clip(t(language, _COMMAND_TEXT[name]), BotCommandLimit.MAX_DESCRIPTION))
        for name in COMMANDS
    )
    city = brain.pack.city
    return (
        commands,
        _clip(t(language, ui.DESCRIPTION, city=city), BotDescriptionLimit.MAX_DESCRIPTION_LENGTH),
        _clip(
            t(language, ui.SHORT_DESCRIPTION, city=city),
            BotDescriptionLimit.MAX_SHORT_DESCRIPTION_LENGTH,
        ),
    )


class ProfilePublisher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sent: dict[str | None, Profile] = {}

    async def publish(self, bot: Bot) -> int:
        """Send what changed; returns how many languages were updated."""
        pack = self.engine.brain.pack
        wanted: dict[str | None, Profile] = {None: profile_for(self.engine, pack.default_language)}
        for language in pack.languages:
            wanted[language] = profile_for(self.engine, language)
        updated = 0
        for code, profile in wanted.items():
            if self._sent.get(code) == profile:
                continue
            try:
                await _send(bot, code, profile)
            except TelegramError as exc:
                log.warning("could not set the bot profile for %s: %s", code or "default", exc)
                continue
            self._sent[code] = profile
            updated += 1
        if updated:
            log.info("bot profile set for %d languages", updated)
        return updated


async def _send(bot: Bot, code: str | None, profile: Profile) -> None:
    commands, description, short = profile
    await bot.set_my_commands(
        [BotCommand(name, text) for name, text in commands], language_code=code
    )
    await bot.set_my_description(description, language_code=code)
    await bot.set_my_short_description(short, language_code=code)
