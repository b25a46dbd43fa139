"""Chat shorthand spelled out before matching: "pls where r the classes".

Residents type on phones the way they text: "u", "pls", "q", "xq", "stp".
The pack's phrasings spell those words out, so to the matcher a shorthand
word is a word no topic uses, and it counts against every topic's share of
the message (the coverage gate). Each language's common shorthand is
spelled out, only for the message's own language: "u" is "you" in English
and a word of its own in Polish ("u lekarza").

Spoken and loanword spellings are read the same way: Russian "грят",
"ктото" and English immigration words in Cyrillic ("айс", "лойер", "кейс",
"азил"); Polonia's "lojer", "ajsy", "dżob"; Kreyòl's many spellings of one
word ("kouman" for "kijan", "map" for "m ap", French "avocat" for "avoka").

Like `language_words`, this is the bot's knowledge of how people write,
apart from any pack. Numbers are never taken for words ("2 kids").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Russian question words that take -то and -нибудь ("кто-то", "где-нибудь").
_QUESTION_WORDS: tuple[str, ...] = ("кто", "что", "где", "как", "какой", "какая", "какое")
_QUESTION_WORDS += ("какие", "какую", "когда", "куда", "почему", "зачем", "чей", "чья", "чьи")
_QUESTION_WORDS += ("кого", "кому")


def _forms(stem: str, endings: tuple[str, ...], meaning: str) -> dict[str, str]:
    """A loanword's inflected forms ("айс", "айса", "айсу"), one meaning."""
    return {stem + ending: meaning for ending in endings}


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
        # English as Polonia says and spells it.
        **_forms("ajs", ("", "y", "u", "ie", "em"), "ICE"),
        **_forms("lojer", ("", "a", "em", "ze", "zy", "ow", "ów"), "prawnik"),
        **_forms("dżob", ("", "a", "u", "ie", "y"), "praca"),
        **_forms("dzob", ("", "a", "u", "ie", "y"), "praca"),
        **_forms("kejs", ("", "a", "u", "ie", "em"), "sprawa"),
        **_forms("grinkart", ("a", "y", "ę", "e", "ą"), "zielona karta"),
        **_forms("imigrejszyn", ("", "u", "ie"), "imigracja"),
        "sosziala": "social security",
        "soszial": "social security",
        "sołszal": "social security",
        "solszal": "social security",
        "sekjuriti": "security",
        "sekiuriti": "security",
    },
    "ru": {
        "пж": "пожалуйста",
        "плз": "пожалуйста",
        "пжл": "пожалуйста",
        "щас": "сейчас",
        "ща": "сейчас",
        "чё": "что",
        "че": "что",
        "чо": "что",
        "шо": "что",
        "ничо": "ничего",
        "ниче": "ничего",
        "спс": "спасибо",
        "тока": "только",
        "ваще": "вообще",
        "седня": "сегодня",
        "сёдня": "сегодня",
        "нада": "надо",
        "ето": "это",
        "грят": "говорят",
        "грит": "говорит",
        "мб": "может быть",
        "хз": "не знаю",
        "тыщ": "тысяч",
        "тыщи": "тысячи",
        "тыщу": "тысячу",
        # "ктото", "какаято": the hyphen of -то and -нибудь left out.
        **{
            f"{word}{particle}": f"{word} {particle}"
            for word in _QUESTION_WORDS
            for particle in ("то", "нибудь")
        },
        # English immigration words as they are said, in Cyrillic letters.
        **_forms("айс", ("", "а", "у", "е", "ом"), "ICE"),
        "ице": "ICE",
        **_forms("дитеншн", ("", "а", "е"), "задержания"),
        **_forms("детеншн", ("", "а", "е"), "задержания"),
        **_forms("кейс", ("", "а", "у", "е", "ом", "ы", "ов"), "дело"),
        **_forms("лойер", ("", "а", "у", "ом", "ы"), "адвокат"),
        **_forms("лоер", ("", "а", "у", "ом", "ы"), "адвокат"),
        **_forms("азил", ("", "а", "у", "ь", "е"), "убежище"),
        **_forms("гринкарт", ("а", "у", "ы", "е", "ой"), "грин карта"),
        "ворк пермит": "разрешение на работу",
        "ворк пермита": "разрешение на работу",
    },
    "ht": {
        # Kreyòl is written many ways: the pack's spelling of the same word.
        "kouman": "kijan",
        "koman": "kijan",
        "kòman": "kijan",
        "ki jan": "kijan",
        "oubyen": "oswa",
        "oubien": "oswa",
        "pap": "pa ap",
        "map": "m ap",
        "wap": "w ap",
        "yap": "y ap",
        "nap": "n ap",
        "kap": "k ap",
        "opital": "lopital",
        "hopital": "lopital",
        "hôpital": "lopital",
        "imigrasion": "imigrasyon",
        "imigration": "imigrasyon",
        "immigration": "imigrasyon",
        "enmigrasyon": "imigrasyon",
        "imigrasyonn": "imigrasyon",
        "avocat": "avoka",
        "avokat": "avoka",
        "lapolice": "lapolis",
        "ekol": "lekòl",
        "école": "lekòl",
        "ecole": "lekòl",
        "papiers": "papye",
        "papie": "papye",
        "travail": "travay",
        "tribunal": "tribinal",
        "docteur": "doktè",
        "otorizasyon": "pemi",
        "gren kat": "green card",
        "grin kat": "green card",
        "grinkat": "green card",
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
