"""Spelling slips put right for the word views, in the message's language."""

from __future__ import annotations

from bot.matching import Phrase
from bot.matching.slips import Slips
from tests.conftest import Say

PHRASES = [
    Phrase("court", "fr", "j ai une audience au tribunal de l immigration et pas d avocat"),
    Phrase("court", "es", "necesito un abogado para la corte de inmigracion"),
    Phrase("home", "en", "my landlord wants to evict me who reads my file"),
]


def test_a_slip_becomes_the_word_the_pack_uses_in_that_language() -> None:
    slips = Slips(PHRASES)
    # A letter changed, two swapped, an elision glued to its word.
    assert slips.correct("jai une audiance au tribunal dimmigration pas davocat") == (
        "jai une audience au tribunal immigration pas avocat"
    )
    assert slips.correct("nesecito un abogado") == "necesito un abogado"
    assert slips.correct("my landlord wants to evcit me") == "my landlord wants to evict me"


def test_what_is_no_slip_is_left_alone() -> None:
    slips = Slips(PHRASES)
    # Too short, too far from any word, or another form of a known word.
    assert slips.correct("my rnet is due") == "my rnet is due"
    assert slips.correct("my landlord wants pizza") == "my landlord wants pizza"
    assert slips.correct("who read my file") == "who read my file"
    assert slips.correct("who reads my file") == "who reads my file"
    # No word of any language known: nothing to correct towards.
    assert slips.correct("zzzz qqqq") == "zzzz qqqq"
    # A word the word view already knows by its stem stays as typed.
    stems = Slips(PHRASES, stems=["inmig"])
    assert stems.correct("corte de inmigrasion") == "corte de inmigrasion"


def test_a_slip_is_put_right_only_towards_the_message_language() -> None:
    slips = Slips(PHRASES)
    # "abogdo" is one letter from Spanish "abogado"; in an English message
    # there is no English word near it.
    assert slips.correct("my landlord has an abogdo") == "my landlord has an abogdo"
    assert slips.correct("necesito un abogdo") == "necesito un abogado"


def test_a_typed_court_question_is_answered(nyc_say: Say) -> None:
    # No lawyer for an immigration court date: the glued "dimmigration" and
    # "davocat" and the slipped "audiance" hid the hearing and the lawyer
    # from the word views, which leaned to agents at courthouses.
    reply = nyc_say("mon audiance au tribunal dimmigration cest bientot, je nai pas davocat")
    assert reply.topic == "deportation-defense"
