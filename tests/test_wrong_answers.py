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
