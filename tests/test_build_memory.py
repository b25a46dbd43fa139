"""What a build lets go of once it is done with it: pypinyin's tables after
the pack's Chinese phrasings are keyed."""

from __future__ import annotations

import sys

from bot.matching import Matcher, Phrase
from bot.romanised import key, release_pinyin


def test_pypinyin_is_let_go_once_the_chinese_phrasings_are_keyed() -> None:
    release_pinyin()
    phrases = [
        Phrase("bank", "zh", "我想在银行开账户"),
        Phrase("bank", "en", "open a bank account"),
        Phrase("id", "zh", "怎么办市民卡"),
        Phrase("id", "en", "how do I get an IDNYC"),
    ]
    m = Matcher(phrases)
    assert m.romanised is not None and "zh" in m.romanised.indexes  # keyed with pypinyin...
    assert not any(name.split(".")[0] == "pypinyin" for name in sys.modules)  # ...then let go
    # A romanised message is keyed without it, and finds the Chinese phrasing.
    assert m.match("zenme ban shimin ka").candidates[0].label == "id"
    assert "pypinyin" not in sys.modules


def test_keys_are_the_same_after_pypinyin_is_imported_again() -> None:
    first = key("银行", "zh")
    assert release_pinyin() is True
    assert key("银行", "zh") == first == "yinhang"  # the phrase reading, not "yinxing"
    assert release_pinyin() is True
    assert release_pinyin() is False  # nothing left to let go
