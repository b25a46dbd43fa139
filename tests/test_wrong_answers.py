"""Causes of confident wrong answers found on the held-out sets, each fixed
in general and tested here on questions of our own."""

from __future__ import annotations

import pytest

from tests.conftest import Say

# Two clear questions after a little story: the whole message read as the
# second one (its words outnumber the first's). The first is the main one.
TWO_CLEAR_QUESTIONS = [
    (
        "We live in the Bronx since the summer. How can I get the IDNYC card? My boss has "
        "not paid me for three weeks, who can help me get my wages?",
        "city-id-card",
        "workers-rights",
    ),
    (
        "Llegamos de Honduras hace un mes. ¿Qué necesito para inscribir a mi hijo en la "
        "escuela pública? Mi esposa quiere aprender inglés, ¿hay clases gratis?",
        "school-enrollment",
        "english-classes",
    ),
    (
        "Je suis arrivé de Guinée l'an dernier. Comment inscrire mon fils à l'école "
        "publique ? Ma femme veut apprendre l'anglais, où trouver des cours gratuits ?",
        "school-enrollment",
        "english-classes",
    ),
]


@pytest.mark.parametrize(("text", "main", "other"), TWO_CLEAR_QUESTIONS)
def test_the_first_of_two_clear_questions_is_answered_the_other_offered(
    nyc_say: Say, text: str, main: str, other: str
) -> None:
    reply = nyc_say(text)
    assert reply.topic == main, (reply.topic, reply.choices)
    data = [b.data for row in reply.buttons for b in row if b.data]
    assert f"t:{other}:{reply.language}" in data, data


# A volunteered status in Maghrebi or Levantine Arabic, in Latin letters or
# Arabic script, was not known as one: its words ("papers") pulled the
# question toward legal help. Set aside, the question is answered, with the
# one line that the bot never needs anyone's status.
@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("salam, fin n9ra l'anglais fabor f new york, ana ma3andich lwra9", "english-classes"),
        ("wach n9der nsjel wldi f lmdrasa? ma3andich lwra9", "school-enrollment"),
        ("فين نقرا الانجليزية بلاش؟ ماعنديش لوراق", "english-classes"),
    ],
)
def test_a_status_said_in_dialect_is_set_aside(nyc_say: Say, text: str, topic: str) -> None:
    reply = nyc_say(text)
    assert reply.topic == topic, (reply.topic, reply.choices)
    assert reply.language == "ar" and reply.notes, reply.notes


def test_a_story_read_as_well_out_of_scope_is_not_answered(nyc_say: Say) -> None:
    # One sentence ("is that something immigration handles or a city office?")
    # reads as a topic, but the whole message reads about as well out of
    # scope: a story's topic must be clear of that reading, as any other is.
    reply = nyc_say(
        "I worked as an accountant in Lagos for twelve years. How can I get my degree "
        "recognised in New York? Is that something immigration handles or a city office?"
    )
    assert reply.topic is None, reply.topic
