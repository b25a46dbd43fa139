"""Stories dictated as one breathless run-on: cut into clauses at each
language's discourse markers and question openers, so the clause that asks
can lead, and clauses that disagree with the whole get choices, never a
wrong answer. Every message here was written for this file."""

from __future__ import annotations

import pytest

from bot import clauses, story
from bot.engine import Engine, Incoming, _Turn
from bot.matching import Candidate, Match, Ranking
from tests.conftest import Say

CAR_WASH_LIKE = (
    "so i been washing dishes at this diner in queens since the spring and the boss pays cash "
    "and now he owes me three weeks and when i ask he laughs "
    "is there somebody who can get my money back"
)


def test_a_run_on_is_cut_before_its_markers_and_question_openers() -> None:
    assert clauses.split(CAR_WASH_LIKE, "en") == [
        "so i been washing dishes at this diner in queens since the spring and the boss pays cash",
        "and now he owes me three weeks and when i ask he laughs",
        "is there somebody who can get my money back",
    ]


def test_a_short_sentence_or_an_unknown_language_is_not_cut() -> None:
    assert clauses.split("can i get the card and then go to school", "en") == [
        "can i get the card and then go to school"
    ]
    assert clauses.split(CAR_WASH_LIKE, None) == [CAR_WASH_LIKE]


def test_markers_are_whole_words_and_numbers_keep_their_commas() -> None:
    # "but" inside "butcher" cuts nothing; "$2,500" is one number.
    text = (
        "my friend from the butcher shop paid $2,500 to a man who stopped answering and "
        "the office he had in the bronx is closed now for good who can we tell"
    )
    assert clauses.split(text, "en") == [
        "my friend from the butcher shop paid $2,500 to a man who stopped answering and "
        "the office he had in the bronx is closed now for good",
        "who can we tell",
    ]


def test_each_script_has_its_own_clause_ends() -> None:
    # Chinese dictation leaves a space at each pause.
    zh = (
        "我在法拉盛的餐馆做了一年多 老板两个月没发工资 我去问他他就说要叫移民局 "
        "我可以去哪里要回工资"
    )
    assert clauses.split(zh, "zh") == [
        "我在法拉盛的餐馆做了一年多",
        "老板两个月没发工资",
        "我去问他他就说要叫移民局",
        "我可以去哪里要回工资",
    ]
    # Korean ends a spoken sentence with -요.
    ko = (
        "저는 식당에서 일 년 동안 일했어요 사장님이 두 달째 월급을 안 줘요 "
        "제 돈을 받을 수 있는 방법이 있나요"
    )
    assert clauses.split(ko, "ko") == [
        "저는 식당에서 일 년 동안 일했어요",
        "사장님이 두 달째 월급을 안 줘요",
        "제 돈을 받을 수 있는 방법이 있나요",
    ]
    # French elides "que" before a vowel: "est-ce qu'il" opens a question too.
    fr = (
        "je garde des enfants à Brooklyn depuis deux ans et mon patron ne me paie plus "
        "est-ce qu'il a le droit de faire ça"
    )
    assert clauses.split(fr, "fr")[-1] == "est-ce qu'il a le droit de faire ça"


def test_a_short_piece_joins_the_clause_after_it() -> None:
    es = (
        "vivo con mi hija en el bronx hace un año y ya se me acabaron las pastillas "
        "dónde me pueden ver sin cobrarme mucho"
    )
    # "dónde" and "me pueden" are both markers: one clause, not a lone word.
    assert clauses.split(es, "es")[-1] == "dónde me pueden ver sin cobrarme mucho"


def test_spoken_means_not_even_a_comma() -> None:
    assert clauses.spoken(CAR_WASH_LIKE)
    assert not clauses.spoken(CAR_WASH_LIKE.replace(" and now", ", and now"))
    assert not clauses.spoken("where do i get the card")


def test_what_someone_else_said_is_reported() -> None:
    assert clauses.reported("he said he would call immigration on us", "en")
    assert clauses.reported("me dijeron que no tenía derecho", "es")
    assert not clauses.reported("can he call immigration on us", "en")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "so i work in a kitchen in astoria since last year and the owner has not paid my "
            "wages for five weeks now and every friday he says next week and when my friend "
            "asked he said he will call immigration on us we have a baby is there anyone who "
            "can help us get the money",
            "workers-rights",
        ),
        (
            "buenas noches vivo en un cuarto en corona con mis dos hijos y el dueño de la casa "
            "quiere sacarnos para rentarlo más caro y dice que si no nos vamos llama a "
            "inmigración y ahora qué hago puede hacer eso",
            "housing-rights",
        ),
        (
            "dzień dobry mieszkam z córką na Bushwick i wczoraj rano ktoś pukał mocno do drzwi "
            "i krzyczał że to policja imigracyjna nie otworzyłam czy muszę im otworzyć jak "
            "przyjdą znowu",
            "rights-at-home",
        ),
        (
            "привет я живу в Бруклине второй год и вчера к соседям приходили какие-то люди в "
            "форме стучали в дверь и спрашивали документы я одна дома с детьми должна ли я "
            "открывать им дверь если они придут ко мне",
            "rights-at-home",
        ),
        (
            "bonjour je voulais savoir parce que mon mari a été arrêté hier soir par la police "
            "pour un feu rouge et il est toujours au poste et on dit que l'immigration peut "
            "venir le chercher là-bas est-ce que la prison va le donner à l'immigration",
            "detainers",
        ),
        (
            "저희 아버지가 어제 출근하다가 이민국 사람들한테 잡혀갔어요 어디로 데려갔는지 "
            "아무도 몰라요 전화도 안 받아요 어떻게 찾을 수 있나요",
            "family-member-detained",
        ),
        (
            "我在法拉盛一家餐馆做了半年 老板已经两个月没发工资了 我去问他 "
            "他说再问就叫移民局来抓我 我可以去哪里要回我的工资",
            "workers-rights",
        ),
        (
            "আমি একটা রেস্টুরেন্টে কাজ করি দুই মাস ধরে মালিক বেতন দেয় না চাইলে বলে "
            "ইমিগ্রেশনে খবর দেবে আমি কি আমার টাকা আদায় করতে পারব",
            "workers-rights",
        ),
        (
            "میرا بھائی کل صبح کام پر جا رہا تھا کہ امیگریشن والوں نے اسے پکڑ لیا ہمیں نہیں پتا "
            "کہاں لے گئے فون بھی بند ہے ہم اسے کیسے ڈھونڈیں",
            "family-member-detained",
        ),
    ],
)
def test_run_on_stories_are_answered(nyc_say: Say, text: str, topic: str) -> None:
    assert nyc_say(text).topic == topic


def test_a_second_question_in_a_spoken_run_on_is_offered(nyc_engine: Engine) -> None:
    # No punctuation at all; "y aparte" ("and besides") opens the second question.
    text = (
        "oiga quiero sacar la tarjeta de identificación de la ciudad para mí y mi esposo qué "
        "documentos piden y aparte mi hijo necesita clases de inglés gratis dónde hay"
    )
    reply = nyc_engine.reply(Incoming(text=text))
    assert reply.topic == "city-id-card"
    first = reply.buttons[0][0]
    assert first.label.startswith("➕ ") and first.data is not None
    assert nyc_engine.reply(Incoming(callback=first.data)).topic == "english-classes"


def test_an_opener_after_and_opens_a_second_question() -> None:
    openers = story.Openers(["aparte", "also"])
    assert openers.opens("y aparte mi hijo necesita clases")
    assert openers.opens("and also where are the classes")
    # Only "and" may come before it: "it also costs money" opens nothing.
    assert not openers.opens("it also costs money")


def test_a_boss_s_reported_threat_never_answers_a_story(nyc_say: Say) -> None:
    # "he said he would call immigration on us" reads as a landlord's threat
    # on its own; the story is about unpaid wages.
    text = (
        "yeah so i been at this laundromat in flatbush two years and the boss pays cash and he "
        "skipped the last four weeks saying next week next week and now when my wife asked he "
        "said he would call immigration on us and we got three kids man who can we go to for "
        "the money without trouble"
    )
    assert nyc_say(text).topic != "housing-rights"


def _confident(topic: str, score: float) -> Match:
    return Match(topic, None, round(score * 100), candidates=(Candidate(topic, score),))


def _unsure(*ranked: tuple[str, float]) -> Match:
    return Match(None, None, 40, candidates=tuple(Candidate(t, s) for t, s in ranked))


def test_a_run_on_whose_clauses_disagree_with_a_confident_whole_gets_choices(
    nyc_engine: Engine,
) -> None:
    # The whole story blends into housing; one clause is confidently about
    # wages and none puts housing first: the resident chooses.
    turn = _Turn(nyc_engine.brain, Incoming(text=CAR_WASH_LIKE))
    parts = clauses.split(CAR_WASH_LIKE, "en")
    turn._parts = {
        parts[0]: _confident("workers-rights", 0.6),
        parts[1]: _unsure(("family-member-detained", 0.45)),
        parts[2]: _unsure(("legal-help", 0.42)),
    }
    turn._ranks = {
        p: Ranking(m.candidates, False, "en", frozenset()) for p, m in turn._parts.items()
    }
    assert turn.runon_doubt(CAR_WASH_LIKE, "housing-rights", "en") == (
        "housing-rights",
        "workers-rights",
    )
    # A clause that puts the whole's topic first backs it: no doubt.
    turn._ranks[parts[2]] = Ranking((Candidate("housing-rights", 0.42),), False, "en", frozenset())
    assert turn.runon_doubt(CAR_WASH_LIKE, "housing-rights", "en") == ()
    # A written message (commas) is its writer's sentences: not doubted.
    written = CAR_WASH_LIKE.replace(" and now", ", and now")
    assert turn.runon_doubt(written, "housing-rights", "en") == ()


def test_clauses_settle_a_run_on_only_when_none_reads_otherwise(nyc_engine: Engine) -> None:
    turn = _Turn(nyc_engine.brain, Incoming(text=CAR_WASH_LIKE))
    parts = clauses.split(CAR_WASH_LIKE, "en")
    whole = _unsure(("workers-rights", 0.44), ("housing-rights", 0.43))
    turn._parts = {
        parts[0]: _unsure(("workers-rights", 0.45)),
        parts[1]: _unsure(("family-member-detained", 0.45)),
        parts[2]: _confident("workers-rights", 0.7),
    }
    turn._ranks = {
        p: Ranking(m.candidates, False, "en", frozenset()) for p, m in turn._parts.items()
    }
    # The last clause, where the story asks, is confident of the whole's first topic.
    assert turn.clauses_agree(parts, whole) == "workers-rights"
    # ...but not when another clause is confident of something else.
    turn._parts[parts[1]] = _confident("family-member-detained", 0.7)
    assert turn.clauses_agree(parts, whole) is None


def test_two_spoken_questions_with_no_reading_offer_the_main_one_s_choices(
    nyc_say: Say,
) -> None:
    # Neither the whole message nor its story settles a topic: the main
    # question's own close calls are offered, never a bare decline.
    reply = nyc_say(
        "мой отец болеет и боится идти в больницу потому что там могут позвать иммиграцию "
        "можно ли ему туда идти спокойно и ещё если он возьмёт бесплатную страховку это потом "
        "не помешает с грин картой"
    )
    assert reply.topic is None
    assert reply.choices[0] == "ice-at-hospitals"
