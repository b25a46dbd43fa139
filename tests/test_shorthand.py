"""Chat shorthand spelled out in the message's own language."""

from __future__ import annotations

from bot.shorthand import spell_out
from tests.conftest import Say


def test_shorthand_is_spelled_out_in_its_own_language() -> None:
    assert spell_out("pls where r u?", "en") == "please where are you?"
    assert spell_out("Q hago, xq me pide papeles", "es") == "que hago, porque me pide papeles"
    assert spell_out("jsp quoi faire stp", "fr") == "je ne sais pas quoi faire s'il te plaît"
    # "u" is a Polish word ("at the doctor's"), not "you".
    assert spell_out("idę u lekarza", "pl") == "idę u lekarza"
    # Inside other words, abbreviations, numbers and slashes stay as written.
    assert spell_out("U.S. citizen with 2 kids", "en") == "U.S. citizen with 2 kids"
    assert spell_out("run turn", "en") == "run turn"
    assert spell_out("w/o papers", "en") == "without papers"
    # No language, or one without a table: unchanged.
    assert spell_out("pls", None) == "pls"
    assert spell_out("pls", "ko") == "pls"


def test_a_texted_question_is_answered_like_a_spelled_out_one(nyc_say: Say) -> None:
    # The shorthand words were words no topic uses, and pulled the message
    # under the share of known words a confident answer needs.
    assert nyc_say("pls where r free english classes 4 adults").topic == "english-classes"
    assert nyc_say("how do i get idnyc pls help").topic == "city-id-card"
