"""Causes of confident wrong answers found on the held-out sets, each fixed
in general and tested here on questions of our own."""

from __future__ import annotations

import pytest

from bot.engine import CLAIM_WINDOW, Engine, Incoming, _Turn
from bot.matching import INTENT_PREFIX, Candidate, Match, Ranking
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


# A topic that claims a message's signal (benefit words: public charge; a
# filed asylum case: one's own case; jail: ICE holds) is close behind an
# answer that neither claims nor shares it: the answer was read off another
# part of the story ("afraid to go to the hospital", "my boss pays me
# badly"), so the resident chooses between the two.
CLAIMED_ELSEWHERE = [
    (
        "Mi esposa está embarazada y tiene miedo de ir al hospital porque le dijeron que si "
        "da a luz con Medicaid no le van a dar la residencia después. ¿Es cierto?",
        "ice-at-hospitals",
        "public-charge",
    ),
    (
        "Ma femme est enceinte, elle a peur d'aller à l'hôpital parce qu'on lui a dit "
        "qu'accoucher avec Medicaid va bloquer sa carte verte plus tard. C'est vrai ?",
        "ice-at-hospitals",
        "public-charge",
    ),
    (
        "J'ai fait ma demande d'asile il y a huit mois et je ne peux toujours pas travailler. "
        "Mon patron me paie mal au noir. Quand est-ce que je peux demander à travailler "
        "légalement ?",
        "workers-rights",
        "immigration-case-help",
    ),
    (
        "ruguo jingcha zhua wo, jianyu hui tongzhi yimin ju ma",
        "police-and-ice",
        "detainers",
    ),
    (
        "Manejo un taxi. Ayer un pasajero me insultó y me escupió, y se fue sin pagar. No "
        "llamé a la policía porque tengo TPS. ¿Puedo denunciarlo sin perder mi estatus?",
        "police-and-ice",
        "hate-crimes",
    ),
]


@pytest.mark.parametrize(("text", "read", "claimant"), CLAIMED_ELSEWHERE)
def test_a_signal_another_topic_claims_turns_the_answer_into_choices(
    nyc_say: Say, text: str, read: str, claimant: str
) -> None:
    reply = nyc_say(text)
    assert reply.topic is None, reply.topic
    assert {read, claimant} <= set(reply.choices), reply.choices


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # Health care shares the benefit words; the claimant answers its own.
        ("Can I get Medicaid for my kids if I have no papers?", "health-care"),
        # Another reading of the story (its clauses) settles it first: the
        # claim only weighs on the answer finally given.
        (
            "I drive a cab in Queens. Last night a passenger called me a terrorist and spat "
            "on me, then ran off without paying. I did not call the police because I have "
            "TPS. Can I report it without losing my status?",
            "hate-crimes",
        ),
        (
            "If the police arrest me for something small and I end up in jail, will the jail "
            "call ICE on me?",
            "detainers",
        ),
        (
            "I have a hearing in immigration court next month and no lawyer, what happens "
            "if I don't go?",
            "deportation-defense",
        ),
    ],
)
def test_a_topic_that_claims_or_shares_the_signal_is_answered(
    nyc_say: Say, text: str, topic: str
) -> None:
    assert nyc_say(text).topic == topic


def test_every_claimed_signal_turns_a_close_answer_that_lacks_it_into_choices(
    nyc_engine: Engine,
) -> None:
    # The rule, on the pack's own tables: for each topic's claimed signal,
    # an answer that neither claims nor shares it gives way when the
    # claimant is close behind; not when it is far behind, nor when the
    # answer shares the signal.
    brain = nyc_engine.brain
    turn = _Turn(brain, Incoming(text="-"))
    topics = brain.pack.topics
    claims = [(t.id, s) for t in topics.values() for s in sorted(t.claims_signals)]
    assert {s for _, s in claims} >= {
        "benefits",
        "own_case",
        "court_case",
        "jail",
        "fraud_offer",
        "hate",
    }
    for claimant, signal in claims:
        sharers = {t.id for t in topics.values() if signal in t.shares_signals}
        other = next(t for t in sorted(topics) if t not in sharers)
        for behind, expected in ((0.1, claimant), (CLAIM_WINDOW + 0.05, None)):
            match = Match(
                other,
                None,
                70,
                candidates=(Candidate(other, 0.7), Candidate(claimant, 0.7 - behind)),
                signals=frozenset({signal}),
            )
            assert turn.claimed_elsewhere(match, None) == expected, (claimant, signal, behind)
        for sharer in sharers - {claimant}:
            match = Match(
                sharer,
                None,
                70,
                candidates=(Candidate(sharer, 0.7), Candidate(claimant, 0.65)),
                signals=frozenset({signal}),
            )
            assert turn.claimed_elsewhere(match, None) is None, (sharer, signal)


def test_only_the_main_question_claims(nyc_say: Say) -> None:
    # The food stamps are the second question's: offered as a button, they
    # do not turn the main question's answer into choices.
    reply = nyc_say(
        "Can I file my taxes with an ITIN, where is free help? And one more thing, will my "
        "kids getting food stamps hurt my green card later?"
    )
    assert reply.topic == "taxes-itin", (reply.topic, reply.choices)
    data = [b.data for row in reply.buttons for b in row if b.data]
    assert f"t:public-charge:{reply.language}" in data, data


def test_a_clause_ending_with_another_thing_opens_the_next_question(nyc_say: Say) -> None:
    # Spoken with no stops, the run-on is cut before "est-ce que", leaving
    # "et autre chose" at the end of the clause before: it still opens the
    # question after it, which is offered as a button.
    reply = nyc_say(
        "j'ai rendez-vous au tribunal de la famille pour mon divorce en avril est ce que la "
        "police de l'immigration peut m'arrêter là bas et autre chose est ce que les bons "
        "alimentaires de ma fille posent problème pour ma carte verte"
    )
    assert reply.topic == "ice-at-courthouses", (reply.topic, reply.choices)
    data = [b.data for row in reply.buttons for b in row if b.data]
    assert "t:public-charge:fr" in data, data


# Two questions whose readings are given (the matcher's ranking of each part
# stands in for the matcher): the rules that combine them are what is tested.
OUTSIDE = INTENT_PREFIX + "out_of_scope"


def _ranked(*labels: tuple[str, float], agree: bool = False) -> Ranking:
    return Ranking(
        tuple(Candidate(label, score) for label, score in labels), agree, "zh", frozenset()
    )


def _say_ranked(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, rankings: dict[str, Ranking], text: str
) -> str | None:
    empty = Ranking((), False, None, frozenset())
    monkeypatch.setattr(engine.brain.matcher, "rank", lambda t: rankings.get(t, empty))
    return engine.reply(Incoming(text=text)).topic


def test_a_later_question_out_of_scope_vouches_for_no_main_topic(
    nyc_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole message reads best as out of scope (the later question's
    # words); the main question alone reads as legal help, which the whole
    # does not rank: the later question pulled toward no topic, so nothing
    # says the main one's reading is what was asked.
    main, other = "没身份能办那个吗？", "店里说一定要号码？"
    rankings = {
        main + other: _ranked((OUTSIDE, 0.35), ("drivers-license", 0.26), ("health-care", 0.21)),
        main: _ranked(("legal-help", 0.9), ("rights-in-public", 0.3), (OUTSIDE, 0.2), agree=True),
        other: _ranked((OUTSIDE, 0.42), ("drivers-license", 0.36)),
    }
    assert _say_ranked(nyc_engine, monkeypatch, rankings, main + other) is None


def test_a_chinese_lead_of_the_later_question_is_not_the_answer(
    nyc_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Chinese message's whole reading leads with legal help below the usual
    # bar (the lead rule for unspaced scripts), but only the later question
    # is about it: the main one leans elsewhere.
    main, other = "我想给家里人办那个手续去哪里办？", "要不要找律师？"
    rankings = {
        main + other: _ranked(("legal-help", 0.43), (OUTSIDE, 0.27), ("city-id-card", 0.22)),
        main: _ranked(("city-id-card", 0.28), (OUTSIDE, 0.24), ("legal-help", 0.18)),
        other: _ranked(("legal-help", 0.73), ("about-this-bot", 0.4), agree=True),
    }
    assert _say_ranked(nyc_engine, monkeypatch, rankings, main + other) is None


def test_a_polish_second_matter_is_the_second_question(nyc_say: Say) -> None:
    # "a druga sprawa" (and the second matter) opens the second question of
    # a spoken run-on: the first is answered, the English classes offered.
    reply = nyc_say(
        "jak zapisać syna do szkoły publicznej jakie dokumenty trzeba mieć a druga sprawa "
        "czy są gdzieś darmowe kursy angielskiego dla żony"
    )
    assert reply.topic == "school-enrollment", (reply.topic, reply.choices)
    data = [b.data for row in reply.buttons for b in row if b.data]
    assert "t:english-classes:pl" in data, data


def test_anything_other_than_is_not_a_second_question(nyc_say: Say) -> None:
    # "autre chose que" (anything other than) is part of the question, not
    # "and another thing": only "et autre chose" opens a second question.
    reply = nyc_say(
        "Est-ce que je dois apporter autre chose que mon passeport pour faire la carte IDNYC"
    )
    assert reply.topic == "city-id-card", (reply.topic, reply.choices)


def test_a_main_question_too_short_to_say_what_it_asks_does_not_override(
    nyc_say: Say,
) -> None:
    # "who did this?" alone reads as "who made this bot?"; after it, the car
    # window and the police are what the message is about, and the whole
    # message does not even shortlist the bot's own topic.
    reply = nyc_say(
        "who did this? they smashed my car window last night, should i call the police"
    )
    assert reply.topic != "about-this-bot", (reply.topic, reply.choices)
    assert reply.topic == "police-and-ice", (reply.topic, reply.choices)
