"""Text normalisation shared by matching and language detection.

One function for all eleven pack languages: residents drop accents in Latin
scripts, mix Arabic and Urdu letter forms, type Chinese without spaces and
Korean with irregular spacing, and repeat letters for emphasis.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

# Hard limit on what is examined: nobody's question is longer, and it bounds
# the work a 100 KB paste can cause.
MAX_CHARS = 1000

# Letters that NFD does not decompose but residents still type without marks;
# and Russian ё, which most people type as е ("все", "пошел") while the pack
# writes it either way: one word, not two (й stays: it is another letter).
_LATIN_EXTRA = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ё": "е"}
)

# Arabic-script letter variants folded so Arabic and Urdu spellings (and the
# hamza forms people skip) meet: the meaning never hinges on these.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ئ": "ی",
        "ۓ": "ے",
        "ك": "ک",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ـ": "",  # tatweel: decorative stretching
    }
)

_REPEATS = re.compile(r"(\w)\1{2,}")
# Not a word character, and not a combining mark (Bengali vowel signs are marks).
_NON_WORD = re.compile(
    r"(?:[^\w\u0300-\u036f\u0980-\u09ff\u0900-\u097f\u0600-\u06ff]|_"
    r"|[\u060c\u061b\u061f\u066a-\u066d\u06d4\u0964\u0965])+"
)
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\u1100-\u11ff"
# Where Han or Hangul meets another letter ("ICE来了" -> "ice 来了").
_SCRIPT_EDGE = re.compile(rf"(?<=[{_CJK}])(?=[^\s\d{_CJK}])|(?<=[^\s\d{_CJK}])(?=[{_CJK}])")
_HANGUL_GAP = re.compile(r"(?<=[\uac00-\ud7a3]) +(?=[\uac00-\ud7a3])")


# Combining marks after a Latin letter (accents) and Arabic-script harakat.
# Bengali vowel signs and Hangul jamo are marks too, but they carry the word,
# and Cyrillic й must stay й: so only these two groups are dropped.
_LATIN_MARKS = re.compile(r"(?<=[a-z\u00c0-\u024f\u1e00-\u1eff])[\u0300-\u036f]+")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")


def _fold_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed != text:
        text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", decomposed))
    if text and max(text) >= "\u0610":  # only Arabic script (and later blocks) can have harakat
        text = _ARABIC_MARKS.sub("", text)
    return text


def _digits(text: str) -> str:
    # Arabic-Indic, Bengali and other decimal digits become ASCII digits.
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


# Control and format characters (Unicode category C): C0/C1 controls, zero-width
# and bidi controls, BOM, lone surrogates, private use and interlinear marks.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ud800-\udfff\ue000-\uf8ff"
    "\ufeff\ufff9-\ufffb]"
)


def clean(text: str) -> str:
    """Remove what never carries meaning: control and format characters."""
    return _INVISIBLE.sub(" ", text[: MAX_CHARS * 4])


def normalize(text: str) -> str:
    """The matching form of a message: folded, spaced and trimmed."""
    text = unicodedata.normalize("NFKC", clean(text)[:MAX_CHARS]).casefold()
    if not text.isascii():
        text = text.translate(_LATIN_EXTRA).translate(_ARABIC_FOLD)
        text = _fold_marks(text)
        if _NON_ASCII_DIGIT.search(text):
            text = _digits(text)
    text = _REPEATS.sub(r"\1\1", text)
    text = _NON_WORD.sub(" ", text)
    if text and max(text) >= "\u1100":  # Hangul and Han live above U+1100
        text = _SCRIPT_EDGE.sub(" ", text)
        text = _HANGUL_GAP.sub("", text)
    return " ".join(text.split())


class CacheInfo(NamedTuple):
    currsize: int
    maxsize: int


class _PackNormalize:
    """`normalize`, remembered for the pack's own strings.

    The pack's phrasings are normalised several times while the pack is
    loaded and indexed, so those calls share this cache; and a restart with
    unchanged content fills it from the cache folder (`remember`, see
    bot/normalized.py) instead of normalising every phrasing again.
    Residents' messages never go through it: no text of theirs stays in
    memory once the reply is out. The oldest entries go first when full.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._found: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, text: str) -> str:
        found = self._found.get(text)
        if found is None:
            found = normalize(text)
            self._add(((text, found),))
        return found

    def remember(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Normal forms found before (by this same function)."""
        self._add(pairs)

    def _add(self, pairs: Iterable[tuple[str, str]]) -> None:
        with self._lock:
            for text, found in pairs:
                self._found.pop(text, None)  # re-inserted: the newest again
                while len(self._found) >= self.maxsize:
                    del self._found[next(iter(self._found))]
                self._found[text] = found

    def cache_info(self) -> CacheInfo:
        return CacheInfo(len(self._found), self.maxsize)

    def cache_clear(self) -> None:
        with self._lock:
            self._found.clear()


pack_normalize = _PackNormalize(maxsize=65536)
