"""Romanised writing: keys, telling a romanised message, and matching it to native phrasings.

The messages here were written for these tests: none is in the content or a
held-out set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.matching import Matcher, Phrase
from bot.matching import romanised as romanised_view
from bot.romanised import EVERYDAY_ROMAN, key, syllables, written_as
from tests.conftest import Say

# -- keys: native script and the ways residents write it meet ----------------


@pytest.mark.parametrize(
    ("native", "latin", "language"),
    [
        ("хозяин квартиры", "hozyain kvartiry", "ru"),
        ("хозяин квартиры", "khozjain kvartiri", "ru"),
        ("бесплатная юридическая помощь", "besplatnaya yuridicheskaja pomoshch", "ru"),
        ("полиция", "politsiya", "ru"),
        ("полиция", "policija", "ru"),
        ("щит", "schit", "ru"),
        ("محامي", "mo7ami", "ar"),
        ("محكمة", "ma7kama", "ar"),
        ("أخي", "a5i", "ar"),
        ("عندي", "3andi", "ar"),
        ("مستشفى", "mostashfa", "ar"),
        ("律师", "lvshi", "zh"),
        ("律师", "lǜshī", "zh"),
        ("移民局", "yi min ju", "zh"),
        ("移民局", "yiminju", "zh"),
        ("驾照", "jia4zhao4", "zh"),
        ("변호사", "byeonhosa", "ko"),
        ("병원", "byongwon", "ko"),
        ("학교", "hakkyo", "ko"),
        ("집에 왔어요", "jibe wasseoyo", "ko"),
        ("무료 영어 수업", "muryo yongo sueop", "ko"),
        ("কিভাবে পাবো", "kivabe pabo", "bn"),
        ("কিভাবে পাবো", "kibhabe pabo", "bn"),
        ("কাগজ ছাড়া", "kagoj chara", "bn"),
        ("কাগজ ছাড়া", "kagoz chhara", "bn"),
        ("পুলিশ ডাকবে", "police dakbe", "bn"),
        ("ধরে নিয়ে গেছে", "dhore niye geche", "bn"),
        ("বাড়িওয়ালা", "bariwala", "bn"),
        ("উকিল লাগবে", "ukil lagbe", "bn"),
        ("وکیل", "wakeel", "ur"),
        ("وکیل", "vakil", "ur"),
        ("مجھے ڈر لگتا ہے", "mujhe dar lagta hai", "ur"),
        ("ضروری", "zaroori", "ur"),
        ("ضروری", "zaruri", "ur"),
        ("پہلے", "pehle", "ur"),
        ("مفت", "muft", "ur"),
        ("قانونی مدد", "qanooni madad", "ur"),
        ("قانونی مدد", "kanuni madad", "ur"),
        ("ICE والے گھر آئے", "ICE wale ghar aaye", "ur"),
    ],
)
def test_native_and_romanised_spellings_share_a_key(native: str, latin: str, language: str) -> None:
    assert key(native, language)
    assert key(native, language) == key(latin, language)


@pytest.mark.parametrize(
    ("one", "other", "language"),
    [
        ("суд", "сад", "ru"),
        ("محامي", "مدرسة", "ar"),
        ("律师", "医生", "zh"),
        ("학교", "병원", "ko"),
        ("আদালত", "হাসপাতাল", "bn"),
        ("বেতন", "বাড়ি", "bn"),
        ("عدالت", "ہسپتال", "ur"),
        ("تنخواہ", "گھر", "ur"),
    ],
)
def test_different_words_keep_different_keys(one: str, other: str, language: str) -> None:
    assert key(one, language) != key(other, language)


def test_a_language_without_a_key_gives_none() -> None:
    assert key("necesito un abogado", "es") == ""


def test_latin_names_in_a_native_phrasing_are_keyed_like_the_message() -> None:
    assert key("ICE пришли домой", "ru") == key("ICE prishli domoj", "ru")
    assert key("ICE가 집에 왔어요", "ko") == key("ICE ga jibe wasseoyo", "ko")
    assert key("ICE এসেছে", "bn") == key("ICE eseche", "bn")
    assert "ice" in key("ICE-এর ভয়", "bn").split()


@pytest.mark.parametrize(
    ("dialect", "standard"),
    [
        ("3ayez", "أريد"),
        ("biddi", "أريد"),
        ("عايز", "أريد"),
        ("fein", "أين"),
        ("wein", "أين"),
        ("elshoghl", "العمل"),
        ("الشغل", "العمل"),
        ("awra2", "أوراق"),
        ("bbalash", "مجاني"),
        ("sbitar", "مستشفى"),
        ("lflous", "المال"),
        ("anglais", "انجليزي"),
    ],
)
def test_arabizi_dialect_words_are_read_as_the_standard_word(dialect: str, standard: str) -> None:
    assert key(dialect, "ar") == key(standard, "ar")


def test_little_words_of_bengali_and_urdu_leave_no_key() -> None:
    # "ki", "hai", "kya", "e" meet every phrasing; they say nothing of a topic.
    assert key("ki hai kya e", "ur") == ""
    assert key("কি হয়", "bn") == ""


# -- how a message is written ------------------------------------------------


def test_pinyin_and_revised_romanization_are_recognised() -> None:
    assert written_as("laoban bu gei wo gongzi", "zh") == 1.0
    assert written_as("sajangi wolgeubeul an jwoyo", "ko") == 1.0
    assert written_as("where can i find a lawyer", "zh") < 0.5
    assert written_as("where can i find a lawyer", "ko") < 0.5


def test_arabizi_digits_but_not_numbers_with_their_units() -> None:
    assert written_as("wein ala2i mo7ami", "ar") == 1.0
    assert written_as("meet me at 5pm on 37th street", "ar") == 0.0
    assert written_as("me cobro 3mil por los papeles", "ar") == 0.0
    assert written_as("my w2 and i94 and mp3 player", "ar") == 0.0
    assert written_as("need help zorblaxian4567", "ar") == 0.0


# -- matching a romanised message to native phrasings ------------------------

# A pack with no romanised phrasing at all: only the view can bridge the scripts.
_NATIVE = {
    "wages": {
        "en": ["my boss does not pay my wages", "i was not paid for my work"],
        "ru": ["работодатель не платит зарплату", "мне не заплатили за работу"],
        "ar": ["صاحب العمل لا يدفع راتبي", "لم يدفعوا لي أجري"],
        "zh": ["老板不给我工资", "老板欠我工资怎么办"],
        "ko": ["사장님이 월급을 안 줘요", "일한 돈을 못 받았어요"],
        "bn": ["মালিক বেতন দিচ্ছে না", "কাজের টাকা পাইনি"],
        "ur": ["مالک تنخواہ نہیں دے رہا", "کام کے پیسے نہیں ملے"],
    },
    "doctor": {
        "en": ["where can i see a doctor without insurance", "hospital with no insurance"],
        "ru": ["где найти врача без страховки", "можно ли в больницу без страховки"],
        "ar": ["أين أجد طبيب بدون تأمين", "هل يمكن الذهاب إلى المستشفى بدون تأمين"],
        "zh": ["没有保险可以看医生吗", "没有保险去医院"],
        "ko": ["보험 없이 병원에 갈 수 있어요", "보험 없이 의사를 볼 수 있나요"],
        "bn": ["বীমা ছাড়া ডাক্তার দেখানো যাবে", "ইন্সুরেন্স ছাড়া হাসপাতালে চিকিৎসা"],
        "ur": ["بیمہ کے بغیر ڈاکٹر کو دکھا سکتے ہیں", "انشورنس کے بغیر ہسپتال میں علاج"],
    },
    "school": {
        "en": ["how do i enroll my child in school", "school registration for my kid"],
        "ru": ["как записать ребенка в школу", "какие документы нужны для школы"],
        "ar": ["كيف أسجل ابني في المدرسة", "ما الأوراق المطلوبة للمدرسة"],
        "zh": ["孩子怎么报名上学", "上学需要什么文件"],
        "ko": ["아이 학교 등록은 어떻게 해요", "학교 등록에 무슨 서류가 필요해요"],
        "bn": ["বাচ্চাকে স্কুলে কিভাবে ভর্তি করবো", "স্কুলে ভর্তির জন্য কি কাগজ লাগে"],
        "ur": ["بچے کو اسکول میں داخل کیسے کرائیں", "اسکول میں داخلے کے لیے کون سے کاغذات چاہئیں"],
    },
}


@pytest.fixture(scope="module")
def native_matcher() -> Matcher:
    return Matcher(
        Phrase(label, lang, text)
        for label, per_lang in _NATIVE.items()
        for lang, texts in per_lang.items()
        for text in texts
    )


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("rabotodatel ne platit mne zarplatu", "ru", "wages"),
        ("gde mne najti vracha bez strahovki", "ru", "doctor"),
        ("sa7eb el 3amal ma byedfa3 ratbi", "ar", "wages"),
        ("wein ala2i tabib bidoon ta2min", "ar", "doctor"),
        ("fein a3alej 3and doktor bala ta2min", "ar", "doctor"),
        ("3ayez asaggel ebni fel madrasa", "ar", "school"),
        ("laoban bu gei wo gongzi", "zh", "wages"),
        ("mei you baoxian keyi kan yisheng ma", "zh", "doctor"),
        ("sajangnimi wolgeubeul an jwoyo", "ko", "wages"),
        ("ai hakgyo deungnok eotteoke haeyo", "ko", "school"),
        ("boheom eopsi uisa bol su innayo", "ko", "doctor"),
        ("sajang wolgeup an jwoyo", "ko", "wages"),
        ("amar malik beton dicche na ki korbo", "bn", "wages"),
        ("bima chara daktar dekhano jabe ki", "bn", "doctor"),
        ("baccha ke school e kivabe vorti korbo", "bn", "school"),
        ("malik tankhwa nahi de raha kya karun", "ur", "wages"),
        ("beema ke baghair doctor ko dikha sakte hain kya", "ur", "doctor"),
        ("bache ko school mein dakhil kaise karayen", "ur", "school"),
    ],
)
def test_a_romanised_message_finds_the_native_phrasings(
    native_matcher: Matcher, text: str, language: str, label: str
) -> None:
    ranking = native_matcher.rank(text)
    assert ranking.romanised == language
    assert ranking.candidates[0].label == label, ranking.candidates


@pytest.mark.parametrize(
    "text",
    [
        "my boss does not pay my wages",
        "where can i see a doctor without insurance",
        "mi jefe no me paga el salario",
        "mon patron ne me paie pas",
        "czy moge isc do lekarza bez ubezpieczenia",
        "patwon an pa peye m",
        "en mayo yo no cobre nada",
        "my boss does not pay my wages ref4567",
        "can my kid go to school here",
        "the police came to my house what can i do",
        "mi hijo no puede ir a la escuela sin papeles",
        "tengo miedo de ir al hospital sin seguro",
        # English with a few Urdu words is read as English: that is what its writer reads.
        "bhai my boss has not paid me, what can we do about it, kya karun",
        # Hindi in Latin letters is not Roman Urdu: an answer in Urdu script would not be read.
        "kripya mujhe nishulk doctor ki jaankari chahiye",
    ],
)
def test_latin_languages_are_not_read_as_romanised(native_matcher: Matcher, text: str) -> None:
    assert native_matcher.rank(text).romanised is None


# -- the shipped pack: answered in the native language -----------------------


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("muryo yeongeo susup eodiseo deureul su isseoyo", "ko", "english-classes"),
        ("sajangi wolgeubeul an jwoyo eotteoke haeyo", "ko", "workers-rights"),
        ("nali keyi zhao dao mianfei de lvshi", "zh", "legal-help"),
        ("idnyc kard kivabe pabo", "bn", "city-id-card"),
        ("amar malik tin mash dhore beton dey nai, kothay nalish korbo", "bn", "workers-rights"),
        (
            "bachon ko school mein dakhil karwane ke liye kya kaghzaat chahiye",
            "ur",
            "school-enrollment",
        ),
        ("malik ne do mahine se tankhwah nahi di, kahan shikayat karun", "ur", "workers-rights"),
    ],
)
def test_romanised_messages_are_answered_in_the_native_language(
    nyc_say: Say, text: str, language: str, topic: str
) -> None:
    reply = nyc_say(text)
    assert (reply.topic, reply.language) == (topic, language), (reply.topic, reply.language)


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("where can I take free english classes", "en", "english-classes"),
        ("necesito un abogado gratis de inmigracion", "es", "legal-help"),
        ("mi jefe no me paga desde hace tres semanas", "es", "workers-rights"),
        ("una notaria me cobro 3mil por mi asilo y no hizo nada", "es", "notario-fraud"),
        ("I need a free immigration lawyer tx7a2", "en", "legal-help"),
        ("my boss has not paid me for two months, where can I complain", "en", "workers-rights"),
        ("can I get a city ID card without a passport", "en", "city-id-card"),
        ("mi jefe no me paga, donde me quejo", "es", "workers-rights"),
    ],
)
def test_english_and_spanish_are_untouched(
    nyc_say: Say, text: str, language: str, topic: str
) -> None:
    reply = nyc_say(text)
    assert (reply.topic, reply.language) == (topic, language), (reply.topic, reply.language)


def test_the_keyed_phrasings_come_from_the_cache_on_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phrases = [
        Phrase(label, lang, text)
        for label, per_lang in _NATIVE.items()
        for lang, texts in per_lang.items()
        for text in texts
    ]
    first = Matcher(phrases, cache_dir=tmp_path)
    expected = first.rank("laoban bu gei wo gongzi")

    def no_keying(text: str, language: str) -> str:
        raise AssertionError("keyed again instead of loaded")

    monkeypatch.setattr(romanised_view, "key", no_keying)
    second = Matcher(phrases, cache_dir=tmp_path)
    monkeypatch.undo()
    assert second.rank("laoban bu gei wo gongzi") == expected
    assert expected.romanised == "zh"


def test_chinese_and_korean_keys_are_cut_into_the_same_syllables() -> None:
    assert syllables(key("移民局的人", "zh")) == ["yi", "min", "ju", "de", "ren"]
    assert syllables(key("yiminju de ren", "zh")) == ["yi", "min", "ju", "de", "ren"]
    assert syllables(key("집에 왔어요", "ko"), "ko") == syllables(key("jibe wasseoyo", "ko"), "ko")


@pytest.mark.parametrize(
    "text",
    [
        "kripya mujhe nishulk vakil ki jaankari dijiye",
        "mujhe ek vakil chahiye, kya aap sahayata kar sakte hain",
    ],
)
def test_hindi_in_latin_letters_is_not_answered_in_urdu_script(nyc_say: Say, text: str) -> None:
    reply = nyc_say(text)
    assert reply.language == "en", reply.language


def test_roman_urdu_is_still_urdu(nyc_say: Say) -> None:
    # The same request with Urdu's own words ("madad", not "sahayata").
    assert nyc_say("mujhe ek vakil chahiye, kya aap madad kar sakte hain").language == "ur"


@pytest.mark.parametrize(
    "text",
    [
        # Questions next door naming a protected place: the keyed native
        # phrasings' one-word "hospital" and "prayer" must not answer them.
        "hospital e visiting hour koto ta theke koto ta",
        "masjid mein juma ki namaz kitne baje hoti hai",
    ],
)
def test_banglish_and_roman_urdu_questions_next_door_get_no_topic(nyc_say: Say, text: str) -> None:
    assert nyc_say(text).topic is None


# Most Latin messages are mostly words of the Latin-script languages: of the
# romanised languages only Banglish and Roman Urdu are read then, and the view
# tells them without trying every other language's keys (speed). Its answer
# must be the full reading's.
@pytest.mark.parametrize(
    "text",
    [
        "amar chele ke school e bhorti korate ki ki kagoj lagbe bolen",
        "ami kaj kori kintu malik taka dicche na ekhon ki korbo",
        "mere bete ko school mein dakhla kaise milega kagaz nahi hai",
        "mujhe free lawyer chahiye mera case court mein hai",
        "gde mne sdelat IDNYC kartu dlya syna",
        "ana 3ayez a3raf el ICE momken tedkhol el beit",
        "where can my son get a free english class near queens",
        "necesito un abogado gratis para mi esposo detenido",
        "mera beta school jata hai kya ICE wahan aa sakti hai",
        "ok",
    ],
)
def test_banglish_and_roman_urdu_are_told_as_the_full_reading_tells_them(
    nyc_engine: Engine, text: str
) -> None:
    view = nyc_engine.brain.matcher.romanised
    assert view is not None
    assert view.everyday(text) == (view.language(text) in EVERYDAY_ROMAN)


def test_the_short_reading_tells_both_ways(nyc_engine: Engine) -> None:
    view = nyc_engine.brain.matcher.romanised
    assert view is not None
    assert view.everyday("ami kaj kori kintu malik taka dicche na ekhon ki korbo")
    assert not view.everyday("where can my son get a free english class near queens")
