"""Russian, Polish and Kreyòl as residents type them: case endings, ё written
as е, spoken and loanword spellings. The messages are our own."""

from __future__ import annotations

import pytest

from bot.matching.words import WordFeatures, word_token, word_tokens
from bot.normalize import normalize
from bot.shorthand import spell_out
from tests.conftest import Say


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


@pytest.mark.parametrize(
    ("language", "written", "read"),
    [
        ("ru", "ктото стучит, грят айс", "кто то стучит, говорят ICE"),
        ("ru", "какаято бумага из кейса", "какая то бумага из дело"),
        ("ru", "нужен ворк пермит", "нужен разрешение на работу"),
        ("pl", "ajsy zabrały lojera", "ICE zabrały prawnik"),
        ("ht", "kouman map jwenn yon avocat", "kijan m ap jwenn yon avoka"),
        ("ht", "Mwen pè ale opital", "Mwen pè ale lopital"),
    ],
)
def test_spoken_and_loanword_spellings_read_as_the_pack_writes_them(
    language: str, written: str, read: str
) -> None:
    assert spell_out(written, language) == read


def test_spellings_stay_in_their_own_language() -> None:
    # "map" is an English word, "pap" and "kejs" are nothing outside Kreyòl
    # and Polish: each table is read only for its own language.
    assert spell_out("where is the map", "en") == "where is the map"
    assert spell_out("kejs", "ru") == "kejs"
    # Inside a longer word nothing is read: "айсберг" is not ICE.
    assert spell_out("айсберг", "ru") == "айсберг"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("где найти бесплатного лойера", "legal-help"),
        ("подал на азил как узнать статус кейса", "immigration-case-help"),
        ("czy mogę dostać grinkartę przez męża", "immigration-case-help"),
        ("kouman m ka jwenn yon avocat gratis", "legal-help"),
    ],
)
def test_loanwords_and_variants_are_answered(nyc_say: Say, text: str, topic: str) -> None:
    assert nyc_say(text).topic == topic


@pytest.mark.parametrize(
    "text",
    [
        "где купить билет на лойера концерт",
        "сколько стоит айс кофе в нью йорке",
        "gdzie kupić tani bilet lotniczy do Polski",
        "kouman pou m fè yon gato pou fèt pitit mwen",
    ],
)
def test_their_neighbours_are_not_answered(nyc_say: Say, text: str) -> None:
    assert nyc_say(text).topic is None


@pytest.mark.parametrize(
    "text",
    [
        # French and English borrowed whole, in a Kreyòl sentence.
        "Le propriétaire di m li pral rele imigrasyon",
        "My kids get WIC and SNAP, eske sa ap bloke green card mwen pita?",
        "Landlord mwen di li pral rele ICE sou mwen, what can I do, m pa konnen kisa pou m fè",
    ],
)
def test_kreyol_with_borrowed_words_is_answered_in_kreyol(nyc_say: Say, text: str) -> None:
    assert nyc_say(text).language == "ht"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # One borrowed word does not make a message another language's.
        ("my abogado said to wait, is that right", "en"),
        ("I take my pitit to school every day, can ICE come there", "en"),
        ("est-ce que je peux aller à l'hôpital sans papiers", "fr"),
        ("Mi jefe no me paga, what can I do", "en"),
    ],
)
def test_a_borrowed_word_does_not_change_the_language(
    nyc_say: Say, text: str, language: str
) -> None:
    assert nyc_say(text).language == language
