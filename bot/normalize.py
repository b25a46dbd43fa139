"""Text normalisation shared by matching and language detection.

One function for all eleven pack languages: residents drop accents in Latin
scripts, mix Arabic and Urdu letter forms, type Chinese without spaces and
Korean with irregular spacing, and repeat letters for emphasis.
"""

from __future__ import annotations

import re
import unicodedata

# Hard limit on what is examined: nobody's question is longer, and it bounds
# the work a 100 KB paste can cause.
MAX_CHARS = 1000

# Letters that NFD does not decompose but residents still type without marks.
_LATIN_EXTRA = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i"})

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
_NON_WORD = re.compile(r"[\W_]+")
_HANGUL_GAP = re.compile(r"(?<=[\uac00-\ud7a3]) +(?=[\uac00-\ud7a3])")


def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def _fold_marks(text: str) -> str:
    """Drop combining marks after Latin letters and Arabic-script harakat.

    Bengali vowel signs and Hangul jamo are marks too, but they carry the word,
    so only marks whose base letter is Latin or Arabic are dropped.
    """
    out: list[str] = []
    base_is_foldable = False
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if base_is_foldable:
                continue
        else:
            base_is_foldable = _is_latin(ch) or "\u0600" <= ch <= "\u06ff"
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _digits(text: str) -> str:
    # Arabic-Indic, Bengali and other decimal digits become ASCII digits.
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


def clean(text: str) -> str:
    """Remove what never carries meaning: control and format characters."""
    text = text[: MAX_CHARS * 4]
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text
    )


def normalize(text: str) -> str:
    """The matching form of a message: folded, spaced and trimmed."""
    text = unicodedata.normalize("NFKC", clean(text)[:MAX_CHARS]).casefold()
    text = text.translate(_LATIN_EXTRA).translate(_ARABIC_FOLD)
    text = _fold_marks(text)
    text = _digits(text)
    text = _REPEATS.sub(r"\1\1", text)
    text = _NON_WORD.sub(" ", text)
    text = _split_scripts(text)
    text = _HANGUL_GAP.sub("", text)
    return " ".join(text.split())


def _script_class(ch: str) -> str:
    if ch.isdigit():
        return "digit"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "han"
    if "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff":
        return "hangul"
    if ch.isascii():
        return "latin"
    return "other"


def _split_scripts(text: str) -> str:
    """Put a space where Han or Hangul meets Latin ("ICE来了" -> "ice 来了")."""
    out: list[str] = []
    prev = ""
    for ch in text:
        if ch == " ":
            prev = ""
            out.append(ch)
            continue
        cls = _script_class(ch)
        if prev and cls != prev and {cls, prev} & {"han", "hangul"} and "digit" not in {cls, prev}:
            out.append(" ")
        out.append(ch)
        prev = cls
    return "".join(out)


def is_meaningful(text: str) -> bool:
    """True when a message has at least one letter or digit after normalisation."""
    return bool(normalize(text))
