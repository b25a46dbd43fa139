"""The matcher on a small, hand-made bank: typos, scripts, declines, intents."""

from __future__ import annotations

import pytest

from bot.matching import Matcher, Phrase

BANK = {
    "schools": [
        "can ice come to my kids school",
        "immigration agents at school",
        "la migra puede entrar a la escuela",
        "移民局可以进学校吗",
    ],
    "hospital": [
        "is it safe to go to the hospital",
        "can ice arrest me at the emergency room",
        "puedo ir al hospital sin papeles",
        "병원에 가도 안전한가요",
    ],
    "lawyer": [
        "where can i find a free immigration lawyer",
        "free legal help for immigrants",
        "necesito un abogado gratis",
        "محامي هجرة مجاني",
    ],
    "_greeting": ["hi", "hello", "hola", "good morning", "你好"],
    "_out_of_scope": ["what is the weather tomorrow", "tell me a joke", "best pizza in brooklyn"],
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    phrases = [Phrase(label, "xx", text) for label, texts in BANK.items() for text in texts]
    return Matcher(
        phrases,
        keywords={"lawyer": ["abogado", "lawyer"]},
        signals={"status_disclosure": ["no papers", "sin papeles"], "urgent_now": ["right now"]},
        asides=["no papers", "sin papeles"],
    )


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("can ICE come to my kid's school?", "schools"),
        ("can ise come to my kids skool", "schools"),  # typos
        ("LA MIGRA puede entrar a la ESCUELA", "schools"),
        ("la migra puede entrar a la escuéla", "schools"),  # stray accent
        ("移民局 可以进 学校吗", "schools"),  # spacing in Chinese
        ("병원에 가도 안전 한가요", "hospital"),  # Korean spacing
        ("i have no papers, is it safe to go to the hospital", "hospital"),
        ("necesito abogado gratis por favor", "lawyer"),
    ],
)
def test_answers(matcher: Matcher, text: str, topic: str) -> None:
    m = matcher.match(text)
    assert m.topic == topic, (text, m)
    assert 0 < m.confidence <= 100
    assert m.candidates[0].label == topic


def test_greeting_is_an_intent_not_a_topic(matcher: Matcher) -> None:
    for text in ("hi", "hello!!", "holaaa", "你好"):
        m = matcher.match(text)
        assert m.topic is None and m.intent == "greeting", text


def test_out_of_scope_declines(matcher: Matcher) -> None:
    m = matcher.match("tell me a joke please")
    assert m.topic is None and not m.choices


def test_nonsense_declines(matcher: Matcher) -> None:
    for text in ("qwxzv plmk", "🙏🙏", "", "   ", "12345"):
        m = matcher.match(text)
        assert m.topic is None and not m.choices, text


def test_close_call_offers_choices(matcher: Matcher) -> None:
    m = matcher.match("ice school hospital")
    assert m.topic is None
    assert set(m.choices) >= {"schools", "hospital"}


def test_signals_are_reported(matcher: Matcher) -> None:
    assert "status_disclosure" in matcher.match("sin papeles, necesito abogado").signals
    assert "urgent_now" in matcher.match("ice at school right now").signals
    assert not matcher.match("ice at school").signals


def test_runner_ups_are_ordered(matcher: Matcher) -> None:
    m = matcher.match("is it safe to go to the hospital")
    scores = [c.score for c in m.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(m.candidates) > 1


def test_phrase_language_is_reported() -> None:
    matcher = Matcher([Phrase("t", "es", "necesito un abogado"), Phrase("u", "en", "weather")])
    assert matcher.match("necesito un abogado").phrase_language == "es"


def test_empty_bank_declines() -> None:
    assert Matcher([]).match("anything").topic is None
