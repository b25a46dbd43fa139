"""'Who are you?' in every language: a message made only of the phrases of
the `about_the_bot` signal (conversation.yaml) gets the topic that lists it
under `answers_alone`, about this bot. Messages of our own."""

from __future__ import annotations

import pytest

from tests.conftest import Say

ASKED = [
    ("who are you guys?", "en"),
    ("hi, what is this bot", "en"),
    ("Hola, ¿quiénes son ustedes?", "es"),
    ("你们是谁？", "zh"),
    ("а вы кто?", "ru"),
    ("আপনারা কে?", "bn"),
    ("bonjou, kiyès nou ye?", "ht"),
    ("당신은 누구세요?", "ko"),
    ("انتم مين؟", "ar"),
    ("آپ لوگ کون ہیں؟", "ur"),
    ("Qui êtes-vous ?", "fr"),
    ("kim jesteście?", "pl"),
]


@pytest.mark.parametrize(("text", "lang"), ASKED)
def test_who_are_you_is_answered_with_the_bots_own_topic(
    nyc_say: Say, text: str, lang: str
) -> None:
    reply = nyc_say(text)
    assert reply.topic == "about-this-bot", (text, reply.kind, reply.choices)
    assert reply.language == lang


@pytest.mark.parametrize(
    "text",
    [
        # The same words inside another question: matched as ever.
        "who are you supposed to call when ICE comes to the door",
        "what is this letter from immigration court, they want me on monday",
        "что это за бумага от иммиграционного суда, мне надо идти в понедельник",
        "que es esto del ITIN, lo necesito para los impuestos",
    ],
)
def test_the_phrases_inside_a_longer_question_do_not_decide_it(nyc_say: Say, text: str) -> None:
    reply = nyc_say(text)
    assert reply.topic != "about-this-bot", (text, reply.topic)


def test_small_talk_and_thanks_stay_what_they_were(nyc_say: Say) -> None:
    assert nyc_say("are you a robot?").kind == "smalltalk"
    assert nyc_say("thank you so much").kind == "thanks"
