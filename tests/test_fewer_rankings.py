"""A long message's sentences are ranked only when their ranking can change
the reply: `Matcher.rules_out` proves, without a ranking, that a sentence
cannot be answered with a topic (its words are not covered by the topic's
phrasings), and the engine's story logic skips the ranking then. Speed only:
every reply is the one a ranking of every sentence gives. Every message here
was written for this file."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Incoming
from bot.matching import Matcher, Phrase

# Pieces of stories, each about something or nothing: some a topic's own
# words, most the everyday words around a question.
SENTENCES = (
    "my husband drives a cab at night and sleeps all day",
    "we came from Guatemala four years ago with the two kids",
    "can I get a free lawyer for my deportation case",
    "the landlord wants us out because we complained about the heat",
    "a man took two thousand dollars to fix my papers and then vanished",
    "is it true that ICE can come inside the school to take children",
    "my boss has not paid me for three weeks of work at the restaurant",
    "how do I sign up my daughter for kindergarten",
    "mi esposo trabaja de noche y los niños van a la escuela",
    "puedo sacar la licencia de manejar sin seguro social",
    "mon voisin dit que la police travaille avec l'immigration",
    "моя соседка говорит что в больнице спрашивают документы",
    "我们住在皇后区，孩子上小学",
    "아이를 학교에 등록하려면 어떤 서류가 필요해요",
    "hello thank you so much",
)


def test_a_topic_ruled_out_is_never_the_answer(engine: Engine) -> None:
    matcher = engine.brain.matcher
    ruled = kept = 0
    for sentence in SENTENCES:
        answered = matcher.match(sentence).topic
        for topic in matcher.topics:
            if matcher.rules_out(sentence, [topic]):
                assert topic != answered, (sentence, topic)
                ruled += 1
            else:
                kept += 1
        if answered is not None:
            assert not matcher.rules_out(sentence, [answered])
            # Ruled out together only when each is: one topic not ruled out keeps the set.
            assert not matcher.rules_out(sentence, [*matcher.topics])
    # The proof saves work: on average a topic or more per sentence is ruled out.
    assert ruled > len(SENTENCES) and kept


def test_a_message_with_no_words_is_answered_with_no_topic(engine: Engine) -> None:
    assert engine.brain.matcher.rules_out("?!", ["legal-help"])


# A pack with no romanised phrasing: only the romanised view reads these,
# with no coverage gate, so their topic cannot be ruled out by their words.
_NATIVE = {
    "wages": {
        "en": ["my boss does not pay my wages", "i was not paid for my work"],
        "ru": ["начальник не платит мне деньги", "мне не дали зарплату за месяц"],
    },
    "doctor": {
        "en": ["where can i see a doctor without insurance", "clinic with no insurance"],
        "ru": ["где найти доктора без страховки", "можно к врачу без страховки"],
    },
}


def test_a_romanised_message_is_never_ruled_out() -> None:
    matcher = Matcher(
        Phrase(label, lang, text)
        for label, per_lang in _NATIVE.items()
        for lang, texts in per_lang.items()
        for text in texts
    )
    text = "nachalnik ne platit mne dengi uzhe mesyac"
    ranking = matcher.rank(text)
    assert ranking.romanised == "ru"
    assert matcher.decide(ranking).topic == "wages"
    assert not matcher.rules_out(text, ["wages"])


STORIES = (
    # Two questions, the second one about another topic.
    "Good evening. My cousin has been here since 2019 and works in construction in the Bronx. "
    "Where can he find a free immigration lawyer? Also, can his boss refuse to pay overtime?",
    # A run-on with no stops.
    "so my mom went to the clinic last week and the lady at the desk asked for her papers "
    "and now she is scared to go back and she has diabetes so what can we do about the doctor",
    # A story whose question comes last.
    "We live in Queens. My son is nine and we have no papers. The school asked for an address. "
    "Can the school tell immigration about us?",
    # Spanish, joined with "y".
    "Mi hermano trabaja en una fábrica en Brooklyn y el patrón no le paga las horas extra "
    "y además quiere saber dónde sacar el IDNYC para su esposa",
    # A story told in short sentences, its question last.
    "Mi primo vende frutas en la calle. Ayer llegaron unos agentes en un carro negro. "
    "Nadie sabía quiénes eran. Se llevaron a un señor. "
    "Qué derechos tenemos si nos paran en la calle?",
    "I came here in 2018 with my wife. We rent a small room in Corona from a family from Ecuador. "
    "I work in a kitchen, she cleans offices at night. Our baby was born at Elmhurst. Last week "
    "a man at the bodega said the city shares everything with immigration. Is that true for the "
    "baby's health insurance?",
    "我丈夫昨天早上出门上班，在路上被移民局的人带走了，现在我不知道他被关在哪里，我应该怎么找他",
)


@pytest.mark.parametrize("story", STORIES)
def test_a_story_gets_the_reply_every_ranking_gives(
    engine: Engine, story: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rankings: list[int] = []

    def count() -> int:
        calls = [0]
        rank = Matcher.rank

        def counted(self: Matcher, text: str) -> object:
            calls[0] += 1
            return rank(self, text)

        with monkeypatch.context() as patch:
            patch.setattr(Matcher, "rank", counted)
            replies.append(engine.reply(Incoming(text=story)))
        return calls[0]

    replies: list[object] = []
    rankings.append(count())
    with monkeypatch.context() as patch:
        # Every sentence ranked, as before the proof.
        patch.setattr(Matcher, "rules_out", lambda self, text, labels: False)
        rankings.append(count())
    assert replies[0] == replies[1]
    assert rankings[0] <= rankings[1]


def test_the_proof_saves_rankings_over_the_stories(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = [0]
    rank = Matcher.rank

    def counted(self: Matcher, text: str) -> object:
        calls[0] += 1
        return rank(self, text)

    monkeypatch.setattr(Matcher, "rank", counted)
    for story in STORIES:
        engine.reply(Incoming(text=story))
    with_proof = calls[0]
    calls[0] = 0
    monkeypatch.setattr(Matcher, "rules_out", lambda self, text, labels: False)
    for story in STORIES:
        engine.reply(Incoming(text=story))
    assert with_proof < calls[0]
