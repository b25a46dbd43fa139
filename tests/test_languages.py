"""Language detection for short chat messages."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.engine import Engine
from bot.languages import display_name, is_rtl, isolate, negotiate
from tests.conftest import SHARED


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("이민국이 학교에 올 수 있나요", "ko"),
        ("移民局可以进学校吗", "zh"),
        ("можно ли идти в больницу без документов", "ru"),
        ("আমার স্বামীকে আইস ধরে নিয়ে গেছে", "bn"),
        ("هل يمكن لضباط الهجرة دخول المدرسة", "ar"),
        ("کیا امیگریشن والے اسکول میں آ سکتے ہیں", "ur"),
        ("puedo ir al hospital si no tengo papeles", "es"),
        ("can immigration come to my kids school", "en"),
        ("est-ce que je peux aller à l'hôpital sans papiers", "fr"),
        ("czy mogę iść do lekarza bez dokumentów", "pl"),
        ("mwen pa gen papye eske mwen ka ale lopital", "ht"),
    ],
)
def test_clear_messages(engine: Engine, text: str, lang: str) -> None:
    d = engine.brain.detector.detect(text)
    assert d.language == lang
    assert d.clear
    assert d.supported


@pytest.mark.parametrize("text", ["ok", "idnyc", "ICE", "911", "🙏", ""])
def test_short_or_neutral_messages_are_not_clear(engine: Engine, text: str) -> None:
    assert not engine.brain.detector.detect(text).clear


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Xin chào, tôi cần giúp đỡ về giấy tờ", "vi"),
        ("eu não tenho documentos, posso ir ao hospital", "pt"),
        ("Можу я піти до лікарні без документів", "uk"),
        ("こんにちは、助けてください", "ja"),
        ("Γεια σας, χρειάζομαι βοήθεια", "el"),
    ],
)
def test_languages_the_pack_does_not_offer(engine: Engine, text: str, lang: str) -> None:
    d = engine.brain.detector.detect(text)
    assert d.language == lang
    assert not d.supported


def test_tatoeba_sentences_of_pack_languages(engine: Engine) -> None:
    """Short real sentences (Tatoeba) in pack languages are mostly detected right."""
    path = SHARED / "external" / "tatoeba_short_11lang.jsonl"
    if not path.exists():
        pytest.skip("shared external data not available")
    pack_langs = set(engine.brain.pack.languages)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    wrong_unsupported = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        lang = item["lang"]
        d = engine.brain.detector.detect(item["text"])
        if lang in pack_langs:
            totals[lang] += 1
            hits[lang] += d.language == lang
            wrong_unsupported += d.clear and not d.supported
    for lang, n in totals.items():
        assert hits[lang] / n >= 0.80, (lang, hits[lang], n)
    assert wrong_unsupported <= 0.02 * sum(totals.values())


def test_display_names_and_direction() -> None:
    assert display_name("es") == "Español"
    assert display_name("zh") == "中文"
    assert display_name("ht").startswith("Kreyòl")
    assert is_rtl("ar") and is_rtl("ur") and not is_rtl("ru")
    assert isolate("311", "ar") == "\u2068311\u2069"
    assert isolate("311", "en") == "311"


def test_negotiate_platform_codes() -> None:
    langs = ("en", "es", "zh", "pl")
    assert negotiate("es-MX", langs) == "es"
    assert negotiate("zh-hans", langs) == "zh"
    assert negotiate("de", langs) is None
    assert negotiate(None, langs) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [("mujhe vakeel chahiye muft mein", "ur"), ("ami school e bhorti korte chai", "bn")],
)
def test_romanised_urdu_and_bengali(engine: Engine, text: str, lang: str) -> None:
    d = engine.brain.detector.detect(text)
    assert (d.language, d.clear) == (lang, True)


def test_unknown_words_are_not_clear_english(engine: Engine) -> None:
    """Latin letters alone do not make a message English: the resident's chosen
    language must win over a guess from letter statistics."""
    from bot.engine import Incoming

    assert not engine.brain.detector.detect("zorbak plinth quastor vemmy").clear
    reply = engine.reply(Incoming(text="zorbak plinth quastor vemmy", chosen_language="ko"))
    assert reply.language == "ko"
