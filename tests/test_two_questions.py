"""Two questions in one message, joined without punctuation or blended into a
third reading: the main one is answered (or offered first), never the other
one alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import story
from bot.engine import Engine, Incoming, _Turn
from bot.matching import Candidate, Match, Ranking
from tests.conftest import Say


@pytest.mark.parametrize(
    "text",
    [
        "where do i sign up for the idnyc card and also is there a free english class near me",
        "je voudrais savoir comment avoir la carte d'identité de la ville "
        "et aussi où trouver des cours d'anglais gratuits",
        "chcę wiedzieć jak dostać miejski dowód osobisty i jeszcze gdzie są darmowe lekcje "
        "angielskiego",
        "我想知道怎么申请市民卡，还有哪里有免费的英语课",
        # Arabic writes its "and" joined to the word: وكمان is "and also".
        "كيف أطلع بطاقة IDNYC وكمان وين في دروس انجليزي ببلاش",
    ],
)
def test_a_question_joined_by_and_also_is_offered_after_the_main_one(
    nyc_say: Say, nyc_engine: Engine, text: str
) -> None:
    reply = nyc_say(text)
    assert reply.topic == "city-id-card"
    first = reply.buttons[0][0]
    assert first.label.startswith("➕ ") and first.data is not None
    assert nyc_engine.reply(Incoming(callback=first.data)).topic == "english-classes"


def test_a_joined_second_question_never_wins_when_the_main_one_is_unclear(nyc_say: Say) -> None:
    # The main question alone is no confident match; the whole message leans
    # to the classes only because of the question joined after it.
    reply = nyc_say("시민 신분증은 어디서 신청해요 그리고 무료 영어 수업은 어디 있어요")
    assert reply.topic is None
    assert reply.choices[0] == "city-id-card"


def test_only_longer_openers_join_two_questions_inside_a_sentence() -> None:
    openers = story.Openers(["also", "and also", "y tambien", "还有", "그리고"])
    assert story.split_joined(["can I get the card and also where are classes"], openers) == [
        "can I get the card",
        "and also where are classes",
    ]
    # Accents as the resident types them; the cut is made in their words.
    assert story.split_joined(["dónde saco la tarjeta y también hay clases gratis"], openers) == [
        "dónde saco la tarjeta",
        "y también hay clases gratis",
    ]
    # A lone "also" belongs to the question it is in.
    assert story.split_joined(["can I also apply for the card"], openers) == [
        "can I also apply for the card"
    ]
    # Each half must say something: "and also" after two words is no cut.
    assert story.split_joined(["yes please and also where are classes"], openers) == [
        "yes please and also where are classes"
    ]
    # Chinese writes no spaces: 还有 joins only after a comma ("我还有" is "I still have").
    assert story.split_joined(["我还有绿卡吗还有别的办法"], openers) == ["我还有绿卡吗还有别的办法"]
    assert story.split_joined(["怎么申请市民卡，还有哪里有英语课"], openers) == [
        "怎么申请市民卡，",
        "还有哪里有英语课",
    ]
    two = story.main_and_other(["can I get the card and also where are free classes"], openers)
    assert two is not None and two.opened and two.main == "can I get the card"


def test_two_questions_blended_into_a_third_reading_answer_the_main_one(
    nyc_engine: Engine,
) -> None:
    # The clinic question and the church question together read as "agents
    # at hospitals", which neither asks: the main question is answered.
    main = "Can I see a doctor with no insurance?"
    other = "And also, can agents come into a church?"
    whole = Match(
        "ice-at-hospitals",
        None,
        66,
        candidates=(
            Candidate("ice-at-hospitals", 0.66),
            Candidate("ice-at-places-of-worship", 0.63),
            Candidate("health-care", 0.52),
        ),
    )
    turn = _Turn(nyc_engine.brain, Incoming(text=f"{main} {other}"))
    turn._parts = {
        main: Match(
            "health-care",
            None,
            77,
            candidates=(Candidate("health-care", 0.77), Candidate("ice-at-hospitals", 0.64)),
        ),
        other: Match(
            "ice-at-places-of-worship",
            None,
            74,
            candidates=(
                Candidate("ice-at-places-of-worship", 0.74),
                Candidate("ice-at-schools", 0.58),
            ),
        ),
    }
    two = story.TwoQuestions(main, [other], True)
    assert turn.main_question(two, whole).topic == "health-care"
    # After a story (the main question neither opens the message nor is
    # followed by "and also"), the whole message's reading stands.
    after_story = story.TwoQuestions(main, [other], False, False)
    assert turn.main_question(after_story, whole).topic == "ice-at-hospitals"


def test_a_story_is_answered_when_one_clear_sentence_agrees_with_its_clear_lead(
    nyc_engine: Engine,
) -> None:
    # No sentence is confident and the views disagree over the whole story,
    # but the whole puts one topic far ahead and a sentence both views give
    # to that topic puts it first too: two readings agree.
    text = "My mother is sick and has no insurance. She is scared. Where can she go?"
    whole = Match(
        None,
        None,
        34,
        candidates=(Candidate("health-care", 0.34), Candidate("ice-at-hospitals", 0.22)),
    )
    unclear = Match(None, None, 40, candidates=(Candidate("health-care", 0.45),))
    turn = _Turn(nyc_engine.brain, Incoming(text=text))
    turn._parts = {s: unclear for s in story.sentences(text)}
    clear = Ranking((Candidate("health-care", 0.45),), True, "en", frozenset())
    vague = Ranking((Candidate("health-care", 0.45),), False, "en", frozenset())
    split = Ranking(whole.candidates, False, "en", frozenset())
    turn._ranks = {s: vague for s in story.sentences(text)}
    assert turn.story_match(text, whole, split).topic is None
    turn._ranks["My mother is sick and has no insurance."] = clear
    assert turn.story_match(text, whole, split).topic == "health-care"
    # A lead under the bar stays unanswered, however clear the sentence.
    close = replace(whole, candidates=(Candidate("health-care", 0.34), Candidate("x", 0.30)))
    assert turn.story_match(text, close, split).topic is None


def test_a_chinese_question_far_ahead_on_one_topic_is_answered_below_the_bar(
    nyc_say: Say,
) -> None:
    # Character pairs keep Chinese scores low: the best topic is well under
    # the usual bar but far ahead of every other label.
    assert nyc_say("孩子刚从国内来，没有这边的证件，公立学校会收吗").topic == "school-enrollment"
    # Questions next door lead nowhere and stay declined.
    assert nyc_say("我想给老家的父母汇钱，哪家汇款公司手续费最便宜").topic is None
    assert nyc_say("한국 대학 졸업장을 미국에서 인정받으려면 어떻게 해야 하나요").topic is None


@pytest.mark.parametrize(
    ("text", "main", "other"),
    [
        (
            "quiero saber qué papeles me piden para inscribir a mi hijo en la escuela "
            "y dónde hay clases de inglés gratis para adultos en el bronx",
            "school-enrollment",
            "english-classes",
        ),
        (
            "আমার মেয়েকে স্কুলে ভর্তি করাতে কি কি কাগজ দিতে হয় আর বড়দের জন্য ফ্রি ইংরেজি ক্লাস কোথায় হয়",
            "school-enrollment",
            "english-classes",
        ),
        (
            "can i go to the clinic without insurance when my kid has a fever and if the "
            "landlord wont fix the heat can i call three one one without trouble",
            "health-care",
            "housing-rights",
        ),
        (
            "chcę wiedzieć gdzie mogę dostać darmowego prawnika od spraw imigracyjnych i czy "
            "szef może mi nie płacić za nadgodziny bo jestem bez papierów",
            "legal-help",
            "workers-rights",
        ),
        (
            "je voudrais savoir si je peux aller à la clinique sans assurance pour mon fils et "
            "si le propriétaire peut nous mettre dehors parce que le loyer est en retard",
            "health-care",
            "housing-rights",
        ),
    ],
)
def test_a_second_question_joined_by_a_plain_and_does_not_take_the_answer(
    nyc_say: Say, nyc_engine: Engine, text: str, main: str, other: str
) -> None:
    # One spoken sentence, two questions joined by "and": the second one's
    # words win the whole message, but the first one is the main question.
    reply = nyc_say(text)
    assert reply.topic == main
    first = reply.buttons[0][0]
    assert first.label.startswith("➕ ") and first.data is not None
    assert nyc_engine.reply(Incoming(callback=first.data)).topic == other


def test_joined_questions_answer_a_clear_main_one_and_offer_both_when_unclear(
    nyc_engine: Engine,
) -> None:
    main = "where do i register my son for school"
    joined = "and where are free english classes for adults"
    text = f"{main} {joined}"
    whole = Match(
        "english-classes",
        None,
        70,
        candidates=(Candidate("english-classes", 0.70), Candidate("school-enrollment", 0.62)),
    )
    turn = _Turn(nyc_engine.brain, Incoming(text=text))
    turn._parts = {
        main: Match(
            "school-enrollment", None, 90, candidates=(Candidate("school-enrollment", 0.9),)
        ),
        joined: Match(
            "english-classes", None, 95, candidates=(Candidate("english-classes", 0.95),)
        ),
    }
    clear = Ranking((Candidate("school-enrollment", 0.9),), True, "en", frozenset())
    turn._ranks = {main: clear}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(story, "in_clauses", lambda text, language: [main, joined])
        answered, also = turn.joined_questions(text, whole, "en")
        assert answered.topic == "school-enrollment"
        assert also is not None and also.id == "english-classes"
        # The character and word views disagree on the main question: both offered.
        turn._ranks = {main: replace(clear, agree=False)}
        offered, also = turn.joined_questions(text, whole, "en")
        assert offered.topic is None and also is None
        assert offered.choices == ("school-enrollment", "english-classes")
        # Not joined by "and" ("because ..."): a story's reason, not a second question.
        because = "because we need free english classes for adults"
        turn._parts[because] = turn._parts[joined]
        patch.setattr(story, "in_clauses", lambda text, language: [main, because])
        assert turn.joined_questions(text, whole, "en") == (whole, None)


def test_a_clause_is_joined_by_and_that_opens_it_or_ends_the_one_before() -> None:
    assert story.joined_by_and(["can i get the card", "and where are classes"], 1)
    assert story.joined_by_and(["qué papeles necesito y", "dónde hay clases"], 1)
    assert story.joined_by_and(["স্কুলে ভর্তি করাতে কি লাগে", "আর ক্লাস কোথায়"], 1)
    assert not story.joined_by_and(["my boss yells at me", "because i have no papers"], 1)


def test_a_story_never_answers_the_later_question_when_the_main_one_is_unclear(
    nyc_engine: Engine,
) -> None:
    # Read sentence by sentence, the story settles on what the "by the way"
    # question asks; the main question, unclear alone, leans elsewhere.
    main = "last year i was paid cash at the nail salon, can i file taxes with a number"
    other = "and also if the kids get food stamps is that a problem for a green card later"
    turn = _Turn(nyc_engine.brain, Incoming(text=f"{main} {other}"))
    unclear = Match(
        None,
        None,
        44,
        candidates=(Candidate("taxes-itin", 0.44), Candidate("workers-rights", 0.31)),
    )
    turn._parts = {
        main: unclear,
        other: Match("public-charge", None, 66, candidates=(Candidate("public-charge", 0.66),)),
    }
    two = story.TwoQuestions(main, [other], True)
    answered = Match(
        "public-charge",
        None,
        41,
        candidates=(Candidate("public-charge", 0.41), Candidate("taxes-itin", 0.37)),
    )
    assert turn.later_question_won(two, answered)
    offered = turn.main_unclear(turn._parts[main], answered)
    assert offered.topic is None
    assert offered.choices[:3] == ("taxes-itin", "workers-rights", "public-charge")
    # The main question leaning the same way: the answer stands.
    turn._parts[main] = replace(
        unclear, candidates=(Candidate("public-charge", 0.44), Candidate("taxes-itin", 0.31))
    )
    assert not turn.later_question_won(two, answered)
    # A confident main question is main_question's business, not this rule's.
    turn._parts[main] = replace(unclear, topic="taxes-itin")
    assert not turn.later_question_won(two, answered)


def test_is_there_still_a_way_in_chinese_is_no_second_question() -> None:
    # 还有 opens "and also"; 还有没有 asks "is there still...": one question.
    openers = story.Openers(["还有"])
    assert openers.opens("还有哪里有免费的英语课")
    assert not openers.opens("还有没有办法？")
    parts = ["我来了一年半了，想申请庇护？", "还有没有办法？"]
    assert story.main_and_other(parts, openers) == story.TwoQuestions(
        parts[0], parts[1:], False, True
    )
    assert story.split_joined(["我来了一年半了，还有没有办法"], openers) == [
        "我来了一年半了，还有没有办法"
    ]
