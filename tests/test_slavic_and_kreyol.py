"""Russian, Polish and Kreyòl as residents type them: case endings, ё written
as е, spoken and loanword spellings. The messages are our own."""

from __future__ import annotations

import pytest

from bot.matching.words import WordFeatures, word_token, word_tokens
from bot.normalize import normalize


@pytest.mark.parametrize(
    "forms",
    [
        ("школа", "школу", "школе", "школы", "школой"),
        ("карта", "карту", "карты", "картой"),
        ("права", "прав", "правах"),
        ("задержали", "задержал", "задержан"),
    ],
)
def test_russian_case_endings_are_one_word(forms: tuple[str, ...]) -> None:
    assert len({word_token(form) for form in forms}) == 1


def test_short_russian_words_and_other_scripts_keep_their_letters() -> None:
    # Under four letters of stem nothing is cut: "суд" and "сад" stay apart
    # from what their endings would merge them with, and so do pronouns.
    assert word_tokens("мой они кто суд суда") == ["мой", "они", "кто", "суд", "суда"]
    # Latin words only lose what the cut takes: Polish endings are not Russian.
    assert word_tokens("szkoly szkola") == ["szkol", "szkol"]
    assert word_tokens("ice lawyer") == ["ice", "lawye"]


def test_a_case_ending_the_pack_never_wrote_is_a_word_the_word_view_knows() -> None:
    features = WordFeatures.build([normalize("Где получить грин карту?")])
    query = features.query(normalize("грин карта нужна"))
    assert query is not None
    ids, _ = query
    assert len(ids) == 2  # "грин" and "карта" (as "карту"), not only "грин"
