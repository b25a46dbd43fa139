"""The forms an Arabic-script word may stand for once its clitics are off.

Arabic writes "and", "the", "with", "to", the dialects' present and future
markers and the pronoun endings onto the word itself: "وعالبوليس" is "and to
the police", "حجابها" is "her scarf". Word tokens keep a word's first five
letters, so every clitic in front makes a word the pack never saw, and a
dialect story ("مرتي ... خايفة تروح عالبوليس") looked mostly unknown to the
coverage gate although its topic's phrasings use nearly every stem. These
forms are used only to ask "does the topic know this word", never as features.
"""

from __future__ import annotations

import re

# Letters after `normalize` (kaf and yeh folded to their Persian forms).
ARABIC_WORD = re.compile(r"^[\u0621-\u064a\u0671-\u06d3]{4,}$")

# Letters only Urdu writes (after `normalize`): its words take none of
# these clitics, and "کو" or "بیٹے" read as Arabic would be misread.
URDU_LETTERS = re.compile(r"[\u0679\u0688\u0691\u06ba\u06d2\u06d3\u06be\u06af\u0686\u067e\u0698]")

# Conjunctions first, then up to two of article, preposition ("ع" is the
# dialects' "on/to") or verb prefix (present ب, future ه/ح, Maghrebi ک, the
# persons' ی ت ن), longest first.
_CONJUNCTIONS = ("و", "ف")
_ARTICLES = ("بال", "وال", "فال", "کال", "عال", "لل", "ال")
_PREFIXES = (*_ARTICLES, "ب", "ل", "ع", "ه", "ح", "ک", "ی", "ت", "ن")
# Pronoun and plural endings (them, her, us, you, my, his; plurals).
_SUFFIXES = ("هم", "ها", "نا", "کم", "ین", "ون", "وا", "ات", "ی", "ه", "ک")
_MIN_STEM = 3
KEY = 5  # the letters word tokens keep (see words.word_tokens)


def _strip(forms: set[str], affixes: tuple[str, ...], front: bool) -> set[str]:
    out = set(forms)
    for form in forms:
        for affix in affixes:
            rest = len(form) - len(affix)
            if rest >= _MIN_STEM and (form.startswith(affix) if front else form.endswith(affix)):
                out.add(form[len(affix) :] if front else form[:rest])
    return out


def keys(word: str) -> frozenset[str]:
    """The word's first letters with its clitics on and off: two words
    share a key when they may be the same word under different clitics.
    Empty for words that are not Arabic script or too short to carry any.
    Not cached: it is asked of a resident's words too, which no cache may
    keep (the pack's words are keyed once, in the matcher)."""
    if not ARABIC_WORD.match(word):
        return frozenset()
    forms = _strip({word}, _CONJUNCTIONS, front=True)
    forms = _strip(_strip(forms, _PREFIXES, front=True), _PREFIXES, front=True)
    forms = _strip(forms, _SUFFIXES, front=False)
    return frozenset(form[:KEY] for form in forms)
