"""A second city swaps the content folder and nothing else (examples/chicago)."""

from __future__ import annotations

import json
import re

import pytest

from bot import ui
from bot.engine import Engine, Incoming
from bot.languages import LanguageDetector
from tests.conftest import CHICAGO, PACKS
from tests.test_cli import run

# New York's own names: none may reach a Chicago resident.
NEW_YORK = re.compile(
    r"new york|\bnyc\b|idnyc|nueva york|nowy jork|nowym jorku|queens|brooklyn|bronx|manhattan|"
    r"actionnyc|moia|\b311\.nyc|nyc\.gov",
    re.IGNORECASE,
)


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_every_pack_passes_the_strict_check(pack: str) -> None:
    out = run("check", "--strict", "--content", str(PACKS[pack]))
    assert out.returncode == 0, out.stdout[-2000:]
    assert "0 error(s), 0 warning(s)" in out.stdout


def walk(engine: Engine) -> list[str]:
    """Every reply a resident can reach by buttons and commands, in every language."""
    texts: list[str] = []
    seen: set[str] = set()
    for lang in engine.brain.pack.languages:
        for command in ("start", "menu", "language", "help", "about", "privacy"):
            reply = engine.reply(Incoming(command=command, chosen_language=lang))
            texts.append(reply.text)
        texts.append(engine.reply(Incoming(text="qwzx vbnm plkj", chosen_language=lang)).text)
        queue = [f"m:{lang}"]
        while queue:
            data = queue.pop()
            if data in seen:
                continue
            seen.add(data)
            reply = engine.reply(Incoming(callback=data))
            texts.append(reply.text)
            for row in reply.buttons:
                for button in row:
                    texts.append(button.label)
                    if button.data:
                        queue.append(button.data)
        for msgid in (ui.DESCRIPTION, ui.SHORT_DESCRIPTION):
            texts.append(engine.brain.catalogs.text(lang, msgid, city=engine.brain.pack.city))
    return texts


def test_no_new_york_text_reaches_a_chicago_resident(chicago_engine: Engine) -> None:
    texts = walk(chicago_engine)
    assert len(texts) > 200
    leaks = [t[:120] for t in texts if NEW_YORK.search(t)]
    assert not leaks, leaks
    assert any("Chicago" in t for t in texts)


@pytest.mark.parametrize(
    "text",
    [
        "est-ce que je peux aller à l'hôpital sans papiers",
        "bonjour, j'ai besoin d'aide pour trouver un avocat",
        "mwen pa gen papye, eske mwen ka ale lopital",
        "kote mwen ka jwenn yon avoka gratis",
        "我老公被移民局抓走了怎么办",
        "هل يمكن لضباط الهجرة دخول المدرسة",
    ],
)
def test_a_language_chicago_does_not_offer_gets_the_offered_languages(
    chicago_engine: Engine, text: str
) -> None:
    reply = chicago_engine.reply(Incoming(text=text))
    assert reply.kind == "unsupported_language", (text, reply.kind, reply.topic)
    assert "Español" in reply.text and "Polski" in reply.text


def test_languages_follow_the_pack_not_new_york() -> None:
    """Any language subset: what is 'other' comes from the pack."""
    only_french = LanguageDetector(
        ["en", "fr"],
        {"en": ["can ice come to my school"], "fr": ["est-ce que la police peut entrer"]},
    )
    french = only_french.detect("est-ce que je peux aller à l'hôpital sans papiers")
    assert (french.language, french.supported) == ("fr", True)
    spanish = only_french.detect("puedo ir al hospital si no tengo papeles, necesito ayuda")
    assert (spanish.language, spanish.supported) == ("es", False)
    polish = only_french.detect("czy mogę iść do lekarza bez dokumentów, potrzebuję pomocy")
    assert (polish.language, polish.supported) == ("pl", False)


@pytest.mark.parametrize(("text", "language"), [("gracias", "es"), ("dziękuję", "pl")])
def test_a_one_word_thanks_is_answered_in_its_language(
    chicago_engine: Engine, text: str, language: str
) -> None:
    reply = chicago_engine.reply(Incoming(text=text))
    assert reply.language == language
    assert reply.kind == "thanks"


def test_ask_and_links_run_on_the_second_city() -> None:
    out = run("ask", "--json", "--content", str(CHICAGO), stdin="how do i get a citykey\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["topic"] == "city-id-card"
    links = run("links", "--content", str(CHICAGO), "--bot-username", "chicago_help_bot")
    assert links.returncode == 0, links.stderr
    assert "start=city-id-card_pl" in links.stdout
    assert not NEW_YORK.search(links.stdout)
