"""Arabic words under clitics count as the words a topic knows (bot/matching/arabic.py)."""

from __future__ import annotations

from bot.matching import Matcher, Phrase, arabic
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


def test_a_word_under_clitics_counts_as_covered() -> None:
    # A pack of its own: "police" and "daughter" bare in the topic's
    # phrasings; the message has them under clitics ("and to the police",
    # "and her daughter"), too far in spelling for the slip check.
    matcher = Matcher(
        [
            Phrase("hate", "ar", "كيف ابلغ الشرطة عن واحد ضرب بنتي"),
            Phrase("hate", "ar", "هل ابلغ بدون اوراق"),
            Phrase("school", "ar", "كيف اسجل ابني في المدرسة"),
            Phrase("school", "ar", "المدرسة تطلب اوراق"),
        ],
        romanised=False,
    )
    label = matcher.labels.index("hate")
    message = normalize("وللشرطة وبنتها")
    with_clitics = matcher._coverage(message, label)
    matcher._arabic_keys = [frozenset()] * len(matcher.labels)
    assert matcher._coverage(message, label) < with_clitics == 1.0
