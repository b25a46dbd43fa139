"""Rule 1: the bot never asks a resident anything about themselves.

Every string the bot can show (answers, titles, category names, contact names,
interface strings, in every language) is scanned. Two independent checks:
no string contains a question mark of any script outside quoted speech (a
sentence a resident is told to say to an officer, "Am I free to go?", with its
translation in brackets), and no string anywhere contains a request for a
personal detail in any pack language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot import ui
from bot.engine import Engine
from bot.i18n import load_catalogs
from tests.conftest import LOCALES, PACKS, pack_engine


@pytest.fixture(scope="module", params=sorted(PACKS))
def engine(request: pytest.FixtureRequest) -> Engine:
    """Pack-independent: every test here runs on the New York and Chicago packs."""
    return pack_engine(request.param)


QUESTION_MARKS = re.compile("[?？؟⸮\u037e]")  # Latin, CJK, Arabic, reversed, Greek

# A question without its question mark starts a sentence; "you do not have to
# say what your status is" is advice, not a question.
_START = r"(?:^|[.!:\n]\s*|<b>)"

# Requests for personal details, per language (lowercase, accents as written).
ASKS: dict[str, list[str]] = {
    "en": [
        r"\b(tell|send|give|show) (me|us) your\b",
        _START + r"what(?:'s| is) your\b",
        r"\b(enter|type|write|share) your (name|address|status|phone|a-number|country|date)",
        r"\bare you (undocumented|a citizen|legal|illegal)",
        r"\bwhere do you live\b",
        r"\bwhere are you from\b",
        r"\bdo you have (papers|a green card|a visa)",
    ],
    "es": [
        r"\b(dígame|digame|dime|envíe|envie|escriba) (su|tu) "
        r"(nombre|dirección|direccion|estatus|teléfono|telefono|país|pais)",
        r"¿\s*cuál es (su|tu)\b",
        r"¿\s*cual es (su|tu)\b",
        r"¿\s*dónde vive",
        r"\bdónde vive usted",
        r"¿\s*de dónde es",
        r"\b(es usted|eres) (indocumentado|ciudadano)",
        r"\btiene (usted )?papeles\b",
    ],
    "fr": [
        r"\b(dites|donnez|envoyez|écrivez)[- ]moi votre\b",
        _START + r"quel est votre\b",
        r"\boù habitez",
        r"\bêtes[- ]vous (sans papiers|citoyen)",
        r"\bavez[- ]vous des papiers",
    ],
    "pl": [
        r"\b(podaj|podaj ?cie|napisz|wyślij) (swój|swoje|swoj)",
        _START + r"jaki jest (twój|pana|pani)",
        r"\bgdzie (mieszkasz|pan mieszka|pani mieszka)",
        r"\bczy (masz|ma pan|ma pani) (papiery|dokumenty)",
    ],
    "ht": [
        _START + r"ki (non|adrès|estati) ou\b",
        r"\bba m (non|adrès|estati) ou\b",
        r"\bèske ou gen papye\b",
        r"\bki kote ou rete\b",
    ],
    "ru": [
        r"\b(напишите|сообщите|укажите|назовите) (ваш|свой|своё|свое)",
        _START + r"какой у вас статус",
        r"\bгде вы живете",
        r"\bгде вы живёте",
        r"\bу вас есть документы",
    ],
    "zh": [
        r"请(告诉|提供|输入|发送)(我)?(您|你)的",
        r"(您|你)(的)?(身份|地址|名字|电话|国籍)是什么",
        r"(您|你)住在哪",
    ],
    "ko": [
        r"(주소|이름|신분|체류 ?자격|전화번호|국적)(을|를)? ?(알려|입력해|보내) ?주세요",
        r"어디(에)? 사세요",
    ],
    "ar": [
        r"(أخبرني|أرسل|اكتب|أدخل) (عنوانك|اسمك|وضعك|رقمك|جنسيتك)",
        _START + r"ما هو (وضعك|عنوانك|اسمك)",
        r"أين تسكن",
        r"هل لديك أوراق",
    ],
    "ur": [
        r"(اپنا|اپنی) (نام|پتہ|امیگریشن اسٹیٹس|فون نمبر) (بتائیں|لکھیں|بھیجیں)",
        r"آپ کہاں رہتے",
        r"کیا آپ کے پاس کاغذات",
    ],
    "bn": [r"আপনার (নাম|ঠিকানা|স্ট্যাটাস|ফোন নম্বর) (বলুন|লিখুন|পাঠান)", r"আপনি কোথায় থাকেন", r"আপনার কি কাগজ আছে"],
}
COMPILED = {lang: [re.compile(p, re.IGNORECASE) for p in pats] for lang, pats in ASKS.items()}


def violations(text: str) -> list[str]:
    shown = _strip_quoted_speech(_strip_urls(text))
    found = [f"question mark in {text[:80]!r}"] if QUESTION_MARKS.search(shown) else []
    for lang, patterns in COMPILED.items():
        for pattern in patterns:
            if pattern.search(text):
                found.append(f"{lang} request {pattern.pattern!r} in {text[:80]!r}")
    return found


# A short quoted sentence in Latin letters (what to say, in English), and the
# translation in brackets or quotes right after it.
_QUOTED_SPEECH = re.compile(
    r'["“]\u2068?[A-Za-z][^"”\n]{0,60}\u2069?["”]\s*(?:[(（«“„「][^)）»”“」\n]{0,60}[)）»”“」])?'
)


def _strip_quoted_speech(text: str) -> str:
    return _QUOTED_SPEECH.sub("", text)


def _strip_urls(text: str) -> str:
    # Query strings in links are not questions; neither are HTML entities.
    return re.sub(r"https?://\S+|&#?\w+;", "", text)


def shown_strings(engine: Engine) -> Iterator[tuple[str, str]]:
    pack = engine.brain.pack
    for topic in pack.translatable():
        for lang, block in topic.blocks.items():
            for field in ("title", "answer"):
                value = getattr(block, field)
                if value:
                    yield f"{topic.id}.{lang}.{field}", value
    for cat in pack.menu:
        for lang, title in cat.title.items():
            yield f"menu.{cat.id}.{lang}", title
        for source in topic.sources:
            yield f"{topic.id}.source", source.title
    for key, contact in pack.contacts.items():
        for part in ("name", "hours"):
            value = getattr(contact, part)
            for text in value.values() if isinstance(value, dict) else [value] if value else []:
                yield f"contact.{key}.{part}", text
    for lang, text in (pack.spec.footer or {}).items():
        yield f"footer.{lang}", text
    catalogs, _ = load_catalogs(LOCALES, pack.languages, ui.ALL)
    for lang in pack.languages:
        for msgid in ui.ALL:
            yield f"ui.{lang}.{msgid[:30]}", catalogs.text(lang, msgid)


def test_no_shown_string_asks_about_the_resident(engine: Engine) -> None:
    strings = list(shown_strings(engine))
    pack = engine.brain.pack
    # Every topic's title and answer in every language, and every UI string.
    assert len(strings) > len(pack.topics) * 2 * len(pack.languages) + len(ui.ALL) * len(
        pack.languages
    )
    problems = [f"{where}: {v}" for where, text in strings for v in violations(text)]
    assert not problems, "\n".join(problems[:30])


def test_rendered_replies_ask_nothing(engine: Engine) -> None:
    """Whole replies too (welcome, menus, declines), not only their parts."""
    from bot.engine import Incoming

    for lang in engine.brain.pack.languages:
        for incoming in (
            Incoming(command="start", chosen_language=lang),
            Incoming(command="help", chosen_language=lang),
            Incoming(command="privacy", chosen_language=lang),
            Incoming(command="language", chosen_language=lang),
            Incoming(text="asdfgh qwerty", chosen_language=lang),
            Incoming(non_text=True, chosen_language=lang),
        ):
            reply = engine.reply(incoming)
            texts = [reply.text] + [b.label for row in reply.buttons for b in row]
            for text in texts:
                assert not violations(text), (lang, incoming, violations(text))


def test_every_rendered_answer_asks_nothing(engine: Engine) -> None:
    """Each answer as sent: contacts expanded, footer, sources and buttons."""
    from bot.engine import Incoming

    pack = engine.brain.pack
    for lang in pack.languages:
        for topic_id in pack.topics:
            reply = engine.reply(
                Incoming(command="start", payload=f"{topic_id}_{lang}", chosen_language=lang)
            )
            assert reply.topic == topic_id, (topic_id, lang)
            texts = [reply.text] + [b.label for row in reply.buttons for b in row]
            for text in texts:
                assert not violations(text), (topic_id, lang, violations(text))


@pytest.mark.parametrize(
    "bad",
    [
        "Please tell me your immigration status.",
        "What is your address",
        "Dígame su dirección por favor",
        "¿Tiene papeles?",
        "请告诉我您的身份",
        "주소를 알려 주세요",
        "ما هو وضعك",
        "Quel est votre statut",
        "Podaj swój adres",
        "Ki adrès ou",
        "Укажите ваш статус",
        "আপনার ঠিকানা লিখুন",
        "اپنا پتہ بتائیں",
    ],
)
def test_the_scanner_catches_questions(bad: str) -> None:
    assert violations(bad)


def test_quoted_speech_is_not_a_question_to_the_resident() -> None:
    assert not violations('Ask: "Am I free to go?" If yes, walk away calmly.')
    assert not violations('Pregunte: "Am I free to go?" («¿Me puedo ir?»). Si le dicen que sí')
    assert not violations('用英语问："Am I free to go?"（我可以走了吗？）如果说可以')
    assert violations('Ask: "Am I free to go?" Are you undocumented?')
    assert violations("Were you born here?")
