"""Questions next to the first 27 topics reach the four topics written for them.

Before those topics existed these messages got a decline or, worse, a confident
wrong answer (a landlord question answered about bosses, English classes
answered with legal help). Each new topic is also reachable from the menu, by
deep link and in inline mode.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine, Incoming
from bot.evaluate import evaluate
from tests.conftest import Say

NEW_TOPICS = ("immigration-case-help", "housing-rights", "english-classes", "taxes-itin")

CASES = [
    # immigration-case-help
    ("is there a deadline to apply for asylum? i came 11 months ago", "immigration-case-help"),
    ("how do i renew my daca", "immigration-case-help"),
    ("my work permit expires next month what do i do", "immigration-case-help"),
    ("can i travel to my country while my asylum case is pending", "immigration-case-help"),
    ("mi permiso de trabajo se vence, como lo renuevo", "immigration-case-help"),
    ("庇护申请有截止日期吗", "immigration-case-help"),
    # housing-rights
    (
        "my landlord says he will call immigration if i complain about no heat",
        "housing-rights",
    ),
    ("necesito ayuda para pagar la renta, me van a desalojar", "housing-rights"),
    ("the landlord changed the locks while i was at work", "housing-rights"),
    ("хозяин квартиры угрожает выселить меня без суда", "housing-rights"),
    # english-classes
    ("free english classes", "english-classes"),
    ("donde puedo aprender ingles gratis", "english-classes"),
    ("免费英语课在哪里", "english-classes"),
    ("kursy angielskiego za darmo w nowym jorku", "english-classes"),
    # taxes-itin
    ("can i file taxes without a social security number", "taxes-itin"),
    ("will the irs give my address to ice if i file my taxes", "taxes-itin"),
    ("como renovar mi itin para declarar impuestos", "taxes-itin"),
    ("le preparateur d impots a garde mon remboursement", "taxes-itin"),
]


@pytest.mark.parametrize(("text", "topic"), CASES)
def test_questions_next_door_reach_their_topic(say: Say, text: str, topic: str) -> None:
    reply = say(text)
    assert reply.topic == topic or (reply.topic is None and topic in reply.choices), (
        text,
        reply.topic,
        reply.choices,
    )


def test_neighbours_keep_their_own_questions(say: Say) -> None:
    assert say("my boss did not pay my wages").topic == "workers-rights"
    assert say("where can i find a free immigration lawyer").topic == "legal-help"
    assert say("will the city ask my immigration status at 311").topic == "city-asks-status"


def test_new_topics_from_menu_deep_links_and_inline(engine: Engine) -> None:
    from bot.callbacks import decode
    from bot.telegram.inline import menu_topics, search

    brain = engine.brain
    pack = brain.pack
    for topic_id in NEW_TOPICS:
        category = next(c for c in pack.menu if topic_id in c.topics)
        listing = engine.reply(Incoming(command="start", payload=f"c_{category.id}"))
        datas = [b.data for row in listing.buttons for b in row if b.data]
        opened = [engine.reply(Incoming(callback=d)).topic for d in datas if decode(d)]
        assert topic_id in opened, (topic_id, category.id)
        for lang in pack.languages:
            reply = engine.reply(
                Incoming(command="start", payload=f"{topic_id}_{lang}", chosen_language=lang)
            )
            assert reply.topic == topic_id and reply.language == lang
            _, found = search(brain, pack.topics[topic_id].title(lang), lang)
            assert topic_id in found, (topic_id, lang)
        assert topic_id in menu_topics(brain)


def test_evaluate_counts_accepted_alternatives_as_right(engine: Engine) -> None:
    items = [
        {"text": "where can i find a free immigration lawyer", "lang": "en", "topic": "x-none"},
        {
            "text": "where can i find a free immigration lawyer",
            "lang": "en",
            "topic": "x-none",
            "accept": ["legal-help"],
        },
    ]
    report = evaluate(engine, items)
    assert report.overall.right == 1 and report.overall.wrong == 1
