"""Spelling slips: a message word the pack does not know, put right.

Residents type on phones: letters dropped, doubled or swapped, accents left
out, French elisions glued ("dimmigration", "davocat"). The character view
shrugs most of that off; the word and linear views see an unknown word and
lose the concept. A word the pack does not know, of four letters or more, is
replaced by the closest word the pack's phrasings in the message's language
use, when it is close enough to be a slip rather than another word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .model import Phrase
from .words import UNSPACED, word_token

MIN_LETTERS = 4  # shorter words are too easily another word one letter away
# Edits allowed (a letter dropped, added, changed, or two swapped): one in a
# short word, two from LONG_WORD letters ("nesecito" for "necesito").
LONG_WORD = 8
# Latin and Cyrillic letters only: an Arabic-script word's letters carry its
# prefixes ("و", "and") and a Bengali word's vowel signs are letters too, so
# one edit there is often another word, not a slip.
_ALPHABET = re.compile(r"[a-z\u0430-\u044f\u0451]+")


class Slips:
    """Each pack language's words, to put a message's slips right."""

    def __init__(self, phrases: Iterable[Phrase], stems: Iterable[str] = ()):
        """`stems`: the word view's vocabulary (words cut to five letters),
        which already knows "inmigrasion" as "inmig"."""
        by_language: dict[str, set[str]] = {}
        for phrase in phrases:
            words = by_language.setdefault(phrase.language, set())
            words.update(w for w in phrase.text.split() if not UNSPACED.search(w))
        self._known = {language: frozenset(words) for language, words in by_language.items()}
        # Candidates for a correction: whole words long enough to be slipped on.
        self._choices = {
            language: sorted(
                w for w in words if len(w) >= MIN_LETTERS - 1 and _ALPHABET.fullmatch(w)
            )
            for language, words in by_language.items()
        }
        self._stems = frozenset(stems)

    def correct(self, norm: str) -> str:
        """The message (in its matching form) with its slips put right, in
        the language whose words it uses most; unchanged when it has none."""
        tokens = norm.split()
        unknown = [
            i
            for i, w in enumerate(tokens)
            if len(w) >= MIN_LETTERS
            and _ALPHABET.fullmatch(w) is not None
            and word_token(w) not in self._stems
        ]
        if not unknown:
            return norm
        language = self._language(tokens)
        if language is None:
            return norm
        choices = self._choices[language]
        if not choices:
            return norm
        slips = [tokens[i] for i in unknown]
        distances = process.cdist(slips, choices, scorer=OSA.distance, score_cutoff=2)
        for i, row in zip(unknown, distances, strict=True):
            allowed = 2 if len(tokens[i]) >= LONG_WORD else 1
            best = int(np.argmin(row))
            word, near = tokens[i], choices[best]
            # An ending added or dropped ("reads", "read") is another form
            # of a word, not a slip: the word view's stems see those.
            if row[best] <= allowed and not (word.startswith(near) or near.startswith(word)):
                tokens[i] = near
        return " ".join(tokens)

    def _language(self, tokens: list[str]) -> str | None:
        counts = {
            language: sum(1 for w in tokens if w in words)
            for language, words in self._known.items()
        }
        best = max(counts, key=counts.__getitem__, default=None)
        return best if best is not None and counts[best] > 0 else None
