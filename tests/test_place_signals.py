"""Topics about a place (agents at hospitals, schools, places of worship,
courts; sensitive locations) answer only a message that carries a sign of
why the place matters to us: agents, police, papers, fear, safety...

Residents ask about the same places for everyday reasons (visiting hours,
prayer times, the school calendar); those questions named the place and got
the agents-at-that-place answer. The questions here are our own, written for
these tests.
"""

from __future__ import annotations

import pytest

from bot.matching.phrases import PhraseIndex
from bot.normalize import normalize
from bot.pack.loader import load_pack
from tests.conftest import CONTENT, Say

PLACE_TOPICS = (
    "ice-at-hospitals",
    "ice-at-places-of-worship",
    "ice-at-schools",
    "ice-at-courthouses",
    "sensitive-locations",
)

# Everyday questions about a place: no topic (a decline, or choices).
NOT_OURS = [
    "what time does the emergency room at elmhurst open",
    "visiting hours at lincoln hospital",
    "how do I get a copy of my medical records from the hospital",
    "is the mosque on 96th street open for eid prayer",
    "what time is school pickup for kindergarten",
    "where is the queens family court building",
    "how do i volunteer at a homeless shelter",
    "horario de visitas en el hospital de brooklyn",
    "法拉盛的教堂星期天几点做礼拜",
    "часы посещения в больнице кони-айленд",
    "মসজিদে জুমার নামাজ কয়টায়",
    "a ki lè mès la ap kòmanse nan legliz la dimanch",
    "교회 주일 예배 몇 시에 시작해요",
    "متى تبدأ صلاة الجمعة في المسجد",
    "مسجد میں جمعہ کی نماز کتنے بجے ہے",
    "ہسپتال میں ملاقات کا وقت کیا ہے",
    "masjid mein juma ki namaz kab hai",
    "salat el jom3a fel masjid emta",
    "mawa3id el ziyara fel mostashfa emta",
    "o której jest msza w kościele w niedzielę",
    "quelles sont les heures de visite à l'hôpital",
]

# The same places, with a sign of why: the place's topic is answered.
OURS = [
    ("can ICE come into the hospital emergency room", "ice-at-hospitals"),
    ("is it safe to go to church on sunday", "ice-at-places-of-worship"),
    ("can immigration agents arrest people at the mosque", "ice-at-places-of-worship"),
    ("will the school let ICE take my child", "ice-at-schools"),
    ("I am afraid to go to my court date because of ICE", "ice-at-courthouses"),
    ("can I take my son to the hospital if I have no papers", "ice-at-hospitals"),
    ("¿puede entrar la migra a la escuela de mis hijos?", "ice-at-schools"),
    ("¿me pueden arrestar en la corte de inmigración?", "ice-at-courthouses"),
    ("移民局可以进医院抓人吗", "ice-at-hospitals"),
    ("может ли ICE прийти в церковь", "ice-at-places-of-worship"),
    ("безопасно ли идти в больницу без документов", "ice-at-hospitals"),
    ("ICE কি মসজিদে ঢুকতে পারে", "ice-at-places-of-worship"),
    ("èske ICE ka antre nan lopital la", "ice-at-hospitals"),
    ("이민국이 학교에 들어올 수 있나요", "ice-at-schools"),
    ("هل يمكن لعملاء الهجرة دخول المسجد", "ice-at-places-of-worship"),
    ("کیا امیگریشن والے ہسپتال میں آ سکتے ہیں", "ice-at-hospitals"),
    ("est-ce que l'ICE peut entrer dans une école", "ice-at-schools"),
    ("czy ICE może wejść do kościoła", "ice-at-places-of-worship"),
    ("momken el ICE yod5ol el masjid", "ice-at-places-of-worship"),
    ("school e police dhukte pare? bhoy lagche", "ice-at-schools"),
]


@pytest.mark.parametrize("text", NOT_OURS)
def test_a_place_named_for_an_everyday_reason_gets_no_topic(say: Say, text: str) -> None:
    reply = say(text)
    assert reply.topic is None, (text, reply.topic)


@pytest.mark.parametrize(("text", "topic"), OURS)
def test_the_place_with_a_sign_of_why_keeps_its_topic(say: Say, text: str, topic: str) -> None:
    assert say(text).topic == topic, text


def test_a_frightened_question_with_no_sign_still_finds_the_place(say: Say) -> None:
    # No word says why, yet it may be fear: the resident is offered the
    # place's topic first, and health care beside it; never a dead end.
    for text in ("can I take my son to the hospital", "puedo llevar a mi hijo al hospital"):
        reply = say(text)
        assert reply.topic is None and reply.choices[:1] == ("ice-at-hospitals",), text
        assert "health-care" in reply.choices, text


def test_only_the_place_topics_need_a_sign() -> None:
    pack = load_pack(CONTENT).pack
    assert pack is not None
    gated = {t.id for t in pack.topics.values() if t.needs_signals}
    assert gated == set(PLACE_TOPICS)


def test_the_place_topics_own_examples_carry_the_sign() -> None:
    """The word table is complete enough for the pack's own phrasings: almost
    every example of a place topic is found to carry one of its signals (the
    few left are bare place questions, "I have court for a ticket")."""
    pack = load_pack(CONTENT).pack
    assert pack is not None
    signals = PhraseIndex(
        {n: [p for ps in per.values() for p in ps] for n, per in pack.conversation.signals.items()}
    )
    total = missing = 0
    for topic in pack.topics.values():
        if not topic.needs_signals:
            continue
        for block in topic.blocks.values():
            for example in block.examples:
                total += 1
                missing += not signals.find(normalize(example)) & topic.needs_signals
    assert total > 1000
    assert missing / total < 0.01, (missing, total)


def test_a_stem_finds_every_ending_and_only_at_a_word_start() -> None:
    index = PhraseIndex({"enforcement": ["deport*", "депорт*", "la migra"], "other": ["abc"]})
    assert index.find("they deported my uncle") == {"enforcement"}
    assert index.find("deportation defense") == {"enforcement"}
    assert index.find("его депортировали") == {"enforcement"}
    assert index.find("the airport departures board") == set()
    assert index.find("redeport") == set()  # a stem starts a word
    assert index.find("abcd") == set()  # a plain phrase is a whole word
    assert index.find("abc") == {"other"}


def test_a_short_stem_is_a_plain_word() -> None:
    # Two letters and a star would match half a language: read as the word.
    index = PhraseIndex({"x": ["de*"]})
    assert index.find("deport") == set()
    assert index.find("de") == {"x"}


def test_every_stem_in_the_pack_is_one_word() -> None:
    # "protected area*" would be read as the words "protected area" (a stem
    # is one word): a star elsewhere is a slip in the table.
    pack = load_pack(CONTENT).pack
    assert pack is not None
    for name, per_language in pack.conversation.signals.items():
        for language, phrases in per_language.items():
            for phrase in phrases:
                star = phrase.strip().endswith("*")
                assert not star or len(phrase.split()) == 1, (name, language, phrase)
                assert "*" not in phrase.strip().rstrip("*"), (name, language, phrase)


# Several places named together ask about them together: the topic that
# answers several (sensitive locations), not the first place's own topic.
SEVERAL_PLACES = [
    "are schools and hospitals still safe from immigration",
    "¿la migra puede entrar a escuelas, iglesias y hospitales?",
    "移民局现在能去学校、医院和教堂抓人吗",
    "может ли ICE арестовать в школе или в больнице",
    "ICE কি স্কুল, হাসপাতাল বা মসজিদে ধরতে পারে",
    "èske ICE ka arete moun nan lekòl, lopital oswa legliz",
    "کیا امیگریشن والے اسکول، ہسپتال یا مسجد سے گرفتار کر سکتے ہیں",
    "czy ICE może aresztować w szkole, szpitalu albo kościele",
]


@pytest.mark.parametrize("text", SEVERAL_PLACES)
def test_several_places_named_together_get_the_topic_about_them_all(say: Say, text: str) -> None:
    reply = say(text)
    assert reply.topic == "sensitive-locations", (text, reply.topic, reply.choices)


def test_several_places_with_no_sign_of_why_get_no_topic(say: Say) -> None:
    assert say("what time do schools and hospitals close on christmas eve").topic is None
