"""Chat shorthand spelled out before matching: "pls where r the classes".

Residents type on phones the way they text: "u", "pls", "q", "xq", "stp".
The pack's phrasings spell those words out, so to the matcher a shorthand
word is a word no topic uses, and it counts against every topic's share of
the message (the coverage gate). Each language's common shorthand is
spelled out, only for the message's own language: "u" is "you" in English
and a word of its own in Polish ("u lekarza").

Like `language_words`, this is the bot's knowledge of how people write,
apart from any pack. Numbers are never taken for words ("2 kids").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SHORTHAND: Mapping[str, Mapping[str, str]] = {
    "en": {
        "u": "you",
        "ur": "your",
        "r": "are",
        "pls": "please",
        "plz": "please",
        "thx": "thanks",
        "ty": "thank you",
        "w/o": "without",
        "b4": "before",
        "ppl": "people",
        "abt": "about",
        "bc": "because",
        "cuz": "because",
        "coz": "because",
        "idk": "i do not know",
        "wat": "what",
        "wht": "what",
        "hw": "how",
        "whr": "where",
        "govt": "government",
    },
    "es": {
        "q": "que",
        "k": "que",
        "xq": "porque",
        "pq": "porque",
        "porq": "porque",
        "x": "por",
        "d": "de",
        "tb": "también",
        "tmb": "también",
        "dnd": "donde",
        "cmo": "como",
        "xfa": "por favor",
        "porfa": "por favor",
        "pa": "para",
        "toy": "estoy",
    },
    "fr": {
        "stp": "s'il te plaît",
        "svp": "s'il vous plaît",
        "pk": "pourquoi",
        "pq": "pourquoi",
        "bcp": "beaucoup",
        "qd": "quand",
        "jsp": "je ne sais pas",
        "tjr": "toujours",
        "jpeux": "je peux",
        "chui": "je suis",
        "pr": "pour",
        "ds": "dans",
    },
    "pl": {
        "nwm": "nie wiem",
        "pls": "proszę",
        "plz": "proszę",
        "pzdr": "pozdrawiam",
        "dzk": "dziękuję",
    },
    "ru": {
        "пж": "пожалуйста",
        "плз": "пожалуйста",
        "пжл": "пожалуйста",
        "щас": "сейчас",
        "чё": "что",
        "че": "что",
        "спс": "спасибо",
    },
}

_PATTERNS: dict[str, tuple[re.Pattern[str], Mapping[str, str]]] = {}


def _pattern(language: str) -> tuple[re.Pattern[str], Mapping[str, str]] | None:
    table = SHORTHAND.get(language)
    if not table:
        return None
    if language not in _PATTERNS:
        words = sorted(table, key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        pattern = re.compile(rf"(?<![\w/'’.])(?:{alternatives})(?![\w/'’]|\.\w)", re.IGNORECASE)
        _PATTERNS[language] = (pattern, {w.casefold(): table[w] for w in words})
    return _PATTERNS[language]


def spell_out(text: str, language: str | None) -> str:
    """The message with its language's chat shorthand spelled out."""
    found = _pattern(language) if language else None
    if found is None:
        return text
    pattern, table = found
    return pattern.sub(lambda m: table[m.group(0).casefold()], text)
