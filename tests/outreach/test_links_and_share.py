"""The small gaps around deep links: the terminal chat's Share prints the
whole t.me link, and a language on its own opens the bot's welcome in it (the
posters' and index pages' "start" code)."""

from __future__ import annotations

import io

from bot.engine import Engine, Incoming
from bot.terminal import chat


def test_terminal_share_prints_the_full_t_me_link(engine: Engine) -> None:
    reply = engine.reply(Incoming(command="start", payload="ice-at-schools_es"))
    buttons = [b for row in reply.buttons for b in row]
    number = next(i for i, b in enumerate(buttons, 1) if b.share)
    lines = f"/start ice-at-schools_es\n{number}\n"

    out = io.StringIO()
    chat(engine, "es", io.StringIO(lines), out, None)
    assert "https://t.me/YOUR_BOT?start=ice-at-schools_es\n" in out.getvalue()

    out = io.StringIO()
    chat(engine, "es", io.StringIO(lines), out, "@nyc_help_bot")
    assert "https://t.me/nyc_help_bot?start=ice-at-schools_es\n" in out.getvalue()


def test_a_language_payload_opens_the_welcome_in_that_language(engine: Engine) -> None:
    for lang in ("bn", "ar", "es"):
        reply = engine.reply(Incoming(command="start", payload=lang))
        assert reply.kind == "welcome" and reply.language == lang
    # A topic payload still opens the topic.
    assert engine.reply(Incoming(command="start", payload="ice-at-schools_bn")).topic == (
        "ice-at-schools"
    )
