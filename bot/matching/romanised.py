"""The romanised view: a Latin-letter message against one language's phrasings, keyed.

"gde sdelat IDNYC" shares no character with "где сделать IDNYC"; keyed
(`bot/romanised.py`) both read "gde sdelat idnic". Per language that has a key
(Russian, Arabic, Chinese, Korean, Bengali, Urdu) the pack's phrasings are keyed and indexed
with the character view's n-gram TF-IDF; a Latin-letter message is keyed the
same way and scored against each. The view is only believed when the
message is clearly closer to one language's keyed phrasings than to any
phrasing of the pack's Latin-script languages (English, Spanish, French,
Polish, Haitian Creole): see `Matcher.rank`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..romanised import (
    ENGLISH_GRAMMAR,
    EVERYDAY_ROMAN,
    HINDI_ROMAN,
    LANGUAGES,
    key,
    syllables,
    words,
    written_as,
)
from .chars import CharIndex
from .model import Phrase
from .words import WordCentroids, WordFeatures

# How a message must look before the view is asked (see `romanised.written_as`):
# nearly every word pinyin or Revised Romanization syllables, Arabic letters
# written as digits, or Russian words once keyed; for Bengali and Urdu, half
# its words the language's own (`RomanisedView.indic`).
WRITTEN_AS = {"zh": 0.9, "ko": 0.9, "ar": 1.0, "ru": 0.75, "bn": 0.5, "ur": 0.5}
# ...and of all its words, English ones too, at least this share.
INDIC_OF_ALL = 0.3
MIN_WORDS = 3  # "hola", "bonjou", "TPS Ayiti" parse as syllables too
# Romanised Korean writes vowels and polite endings that English, Spanish,
# French and Creole syllables rarely do ("eotteoke", "eumsik", "haeyo").
_KOREAN = re.compile(r"eo|eu|\w\w\wyo\b")


@dataclass(frozen=True)
class Keyed:
    """One language's scores for a message: per phrasing of that language
    (`rows` into the matcher's phrasings), the keyed message and the keyed
    phrasings with their words sorted (for the fuzzy view)."""

    language: str
    rows: np.ndarray
    scores: np.ndarray
    query: str
    sorted_texts: list[str]
    word_scores: np.ndarray | None = None  # per label, for languages written in words


class RomanisedView:
    """Keyed n-gram indexes, one per language with a key."""

    def __init__(
        self,
        phrases: Sequence[Phrase],
        labels: np.ndarray,
        n_labels: int,
        cached: Mapping[str, np.ndarray] | None = None,
        latin_words: frozenset[str] = frozenset(),
    ):
        """`labels`: each phrasing's label position, of `n_labels`;
        `latin_words`: the words of the Latin-script languages' phrasings."""
        self.rows: dict[str, np.ndarray] = {}
        self.word_views: dict[str, tuple[WordFeatures, WordCentroids]] = {}
        self.indexes: dict[str, CharIndex] = {}
        self.sorted_texts: dict[str, list[str]] = {}
        self.words: dict[str, frozenset[str]] = {}
        self.latin_words = latin_words
        # Bengali's and Urdu's own Latin words: the pack's romanised examples'
        # and the everyday ones, less any a Latin-script language uses.
        self.own_words: dict[str, frozenset[str]] = {
            language: frozenset(
                w
                for p in phrases
                if p.language == language and p.text.isascii()
                for w in words(p.text)
            ).union(EVERYDAY_ROMAN[language])
            - latin_words
            for language in EVERYDAY_ROMAN
        }
        for language in LANGUAGES:
            rows = np.asarray(
                [i for i, p in enumerate(phrases) if p.language == language], dtype=np.int32
            )
            if not len(rows):
                continue
            prefix = f"roman_{language}_"
            mine = (
                {
                    "index_" + name[len(prefix) :]: array
                    for name, array in cached.items()
                    if name.startswith(prefix)
                }
                if cached
                else None
            )
            joined = mine.pop("index_texts", None) if mine else None
            if joined is not None and joined.shape == (1,):
                texts = str(joined[0]).split(_SEP)
            else:
                texts, mine = [key(phrases[i].text, language) for i in rows.tolist()], None
            if len(texts) != len(rows):
                texts, mine = [key(phrases[i].text, language) for i in rows.tolist()], None
            self.rows[language] = rows
            self.indexes[language] = CharIndex(texts, mine)
            self.sorted_texts[language] = [" ".join(sorted(t.split())) for t in texts]
            if language in _WORDED:
                # Keyed words (syllables for Chinese and Korean), as the word view
                # sees a message's own words (built at each start: milliseconds).
                features = WordFeatures.build([_worded(t, language) for t in texts])
                centroids = WordCentroids(features, labels[rows], n_labels)
                self.word_views[language] = (features, centroids)
            # The words of the native-script phrasings, keyed: "chto", "delat".
            self.words[language] = frozenset(
                w
                for i, t in zip(rows.tolist(), texts, strict=True)
                if not phrases[i].text.isascii()
                for w in t.split()
                if len(w) >= 3
            )

    def arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for language, index in self.indexes.items():
            prefix = f"roman_{language}_"
            for name, array in index.arrays().items():
                out[prefix + name[len("index_") :]] = array
            out[prefix + "texts"] = np.asarray([_SEP.join(self.sorted_texts[language])])
        return out

    def language(self, text: str) -> str | None:
        """The language a Latin-letter message is romanised from, if it
        looks like one: see WRITTEN_AS."""
        found = words(text)
        if len(found) < MIN_WORDS:
            return None
        indic = self.indic(found)
        for language in self.indexes:
            if language in EVERYDAY_ROMAN:
                if language != indic:
                    continue
                share = 1.0
            elif language == "ru":
                long = [w for w in found if w.isalpha() and len(w) >= 3]
                if len(long) < MIN_WORDS:
                    continue
                known = sum(key(w, "ru") in self.words["ru"] for w in long)
                share = known / len(long)
            elif language == "ko" and not _KOREAN.search(text.lower()):
                continue
            else:
                share = written_as(text, language, found)
            if share >= WRITTEN_AS[language]:
                return language
        return None

    def everyday(self, text: str) -> bool:
        """`language(text)` is Banglish or Roman Urdu (EVERYDAY_ROMAN), told
        without trying the other languages' keys when it cannot be: those
        are read only as `indic` says (speed: asked of most Latin messages)."""
        found = words(text)
        if len(found) < MIN_WORDS:
            return False
        indic = self.indic(found)
        if indic is None or indic not in self.indexes:
            return False
        return self.language(text) in EVERYDAY_ROMAN

    def indic(self, found: list[str]) -> str | None:
        """Banglish or Roman Urdu: the one of the two whose own words (or
        words keyed like its native phrasings' words) make at least half of
        a message's words that no Latin-script language uses ("amar asylum
        case er jonno free lawyer kivabe pabo"), with at least two of its own
        and more than the other has; not Hindi."""
        content = [w for w in found if w not in self.latin_words and w.isalpha()]
        if not content:
            return None
        shares = {}
        for language, own in self.own_words.items():
            native = self.words.get(language, frozenset())
            hits = sum(w in own or (len(w) >= 4 and key(w, language) in native) for w in content)
            shares[language] = hits / len(content), sum(w in own for w in content), hits
        if not shares:
            return None
        best = max(shares, key=lambda lang: shares[lang][1])
        share, telling, hits = shares[best]
        rivals = [t for lang, (_, t, _) in shares.items() if lang != best]
        if share < WRITTEN_AS[best] or telling < 2 or any(t >= telling for t in rivals):
            return None
        english = sum(w in ENGLISH_GRAMMAR for w in found)
        if hits < INDIC_OF_ALL * len(found) or (english >= 3 and 3 * english >= hits):
            return None  # English with a few words of Urdu: "bhai, ICE aaya tha at my shop..."
        if best == "ur" and any(w in HINDI_ROMAN for w in found):
            return None
        return best

    def score(self, text: str, language: str) -> Keyed:
        """A message's scores against one language's keyed phrasings."""
        query = key(text, language)
        scores = self.indexes[language].scores(query)
        word_scores = None
        if language in self.word_views:
            features, centroids = self.word_views[language]
            word_scores = centroids.scores(features.query(_worded(query, language)))
        return Keyed(
            language,
            self.rows[language],
            scores,
            " ".join(sorted(query.split())),
            self.sorted_texts[language],
            word_scores,
        )


_SEP = "\x1f"
# Keys with words: Russian, Arabic, Bengali and Urdu ones are written in words, Chinese and
# Korean ones are cut into syllables.
_WORDED = ("ru", "ar", "zh", "ko", "bn", "ur")


def _worded(keyed: str, language: str) -> str:
    if language in ("zh", "ko"):
        return " ".join(syllables(keyed.replace(" ", ""), language))
    return keyed
