"""Arabic words under clitics count as the words a topic knows (bot/matching/arabic.py)."""

from __future__ import annotations

from bot.engine import Engine
from bot.matching import arabic
from bot.normalize import normalize


def _keys(text: str) -> frozenset[str]:
    return arabic.keys(normalize(text))


def test_a_word_and_its_clitic_forms_share_a_key() -> None:
    bare = _keys("البوليس")
    for dressed in ("عالبوليس", "وبالبوليس", "للبوليس"):
        assert bare & _keys(dressed), dressed
    assert _keys("حجاب") & _keys("حجابها")
    assert _keys("يصرخ") & _keys("بيصرخ")


def test_unrelated_words_share_no_key() -> None:
    assert not _keys("المدرسة") & _keys("المستشفى")
    assert not _keys("الشرطة") & _keys("الضرائب")


def test_only_arabic_script_words_have_keys() -> None:
    assert not arabic.keys("police")
    assert not arabic.keys(normalize("في"))  # too short to carry a clitic


def test_urdu_is_left_alone() -> None:
    assert arabic.URDU_LETTERS.search(normalize("بیٹے کو ہسپتال کا کارڈ ملا ہے"))
    assert not arabic.URDU_LETTERS.search(normalize("مرتي خايفة تروح عالبوليس"))


def test_a_dialect_story_is_covered_by_its_topic(engine: Engine) -> None:
    # Levantine, written for this test: "and to the police", "her", "they
    # are scaring" are the clitic forms of words the topic's phrasings use.
    story = (
        "جارنا كل ما يشوف مرتي بالحجاب بيصرخ عليها ارجعي لبلدك، وامبارح "
        "شد حجابها قدام الولاد، وهي خايفة تروح عالبوليس لانو ما معنا اوراق"
    )
    matcher = engine.brain.matcher
    label = matcher.labels.index("hate-crimes")
    norm = normalize(story)
    with_clitics = matcher._coverage(norm, label)
    kept = matcher._arabic_keys
    matcher._arabic_keys = [frozenset()] * len(matcher.labels)
    try:
        bare = matcher._coverage(norm, label)
    finally:
        matcher._arabic_keys = kept
    assert with_clitics > bare
