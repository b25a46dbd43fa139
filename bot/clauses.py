"""Clauses of a run-on: a story dictated as one breathless sentence.

Voice-to-text writes no punctuation ("so i been working at this car wash
since march and the boss pays cash and now he says ... is there somebody we
can go to for the money"): the whole story is one "sentence", and its many
ordinary words dilute the question. People still mark where one thought
ends and the next begins, with the same few words in every story: "and
then", "but", "so", "because", and the openers of a question ("is there",
"can they", "what do I do"). A run-on is cut before those words, so each
clause can be read on its own and the one that asks can lead.

Like `shorthand`, this is the bot's knowledge of how people speak, apart
from any pack; it only cuts, it never decides a topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Words that open a new clause: discourse markers, then question openers.
# Latin and Cyrillic entries are matched as whole words, case folded; the
# others (Chinese, Korean, Arabic script, Bengali) as written.
MARKERS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "and then", "and now", "but", "so now", "because", "cause",
        "is there", "are there", "can they", "can he", "can she", "can i", "can we",
        "can my", "could they", "could i", "do i", "do they", "do we", "does he",
        "does she", "does it", "should i", "should we", "is it", "will they",
        "will it", "am i", "what do i", "what do we", "what should", "what can",
        "how do i", "how can", "how do we", "where can", "where do", "who can",
        "anyone know", "and if", "what if", "now he", "now she", "now they",
        "he said", "she said", "they said", "they told", "my question", "and also",
        "also can", "another question", "one more thing", "by the way",
    ),
    "es": (
        "y entonces", "y ahora", "pero", "porque", "entonces", "y luego",
        "pueden", "puedo", "puede", "podemos", "debo", "tengo que", "hay algún",
        "hay alguna", "hay algun", "es verdad", "qué hago", "que hago", "qué puedo",
        "dónde", "donde puedo", "cómo", "a quién", "alguien sabe", "me pueden",
        "será que", "es cierto", "y si", "qué hacemos", "que hacemos", "qué debo",
        "me dijeron", "dijo que", "y aparte", "y además", "y ademas", "y también",
        "otra cosa", "otra pregunta", "de paso", "por cierto",
    ),
    "fr": (
        "et puis", "et là", "mais", "parce que", "donc", "alors",
        "est-ce que", "est ce que", "est-ce qu", "est ce qu", "je peux", "on peut",
        "peuvent-ils", "ils peuvent", "je dois", "qu'est-ce que", "qu est ce que",
        "comment", "où", "il y a un", "y a-t-il", "c'est vrai", "je fais quoi", "et si",
        "il m'a dit", "on m'a dit", "et aussi", "autre question", "au fait", "et sinon",
    ),
    "pl": (
        "a potem", "i potem", "ale", "bo", "więc", "no i", "czy", "co mam",
        "co robić", "gdzie", "jak mam", "jak mogę", "kto", "mogę", "czy mogą",
        "muszę", "i teraz", "a teraz", "a jak", "i jak", "a co", "co jeśli", "i jeszcze",
        "a także", "przy okazji", "poza tym",
    ),
    "ru": (
        "а потом", "и потом", "но", "потому что", "так что", "и вот", "вот",
        "можно ли", "можно", "могут ли", "могу ли", "могут", "должен ли",
        "нужно ли", "что делать", "что мне", "куда", "где", "как мне", "кто",
        "и ещё", "и еще", "а если", "если", "а что", "что будет", "а также", "кстати",
        "ещё вопрос", "еще вопрос",
    ),
    "ht": (
        "epi", "men", "paske", "kounye a", "apre sa", "èske", "eske", "kisa",
        "ki sa", "kote", "kijan", "mwen ka", "yo ka", "m ka", "eske m", "e si", "epi tou",
        "e tou", "yon lòt kesyon", "anplis",
    ),
    "ar": (
        "بس", "لكن", "عشان", "لأن", "لان", "وبعدين", "بعدين", "هل", "ممكن",
        "ينفع", "هو ينفع", "اقدر", "أقدر", "شو", "كيف", "ازاي", "إزاي", "فين",
        "وين", "مين", "ايه", "إيه", "واش", "وكمان", "وأيضا", "وايضا",
        "بالمناسبة", "سؤال تاني", "سؤال آخر",
    ),
    "ur": (
        "لیکن", "مگر", "کیونکہ", "پھر", "اور دوسری بات", "اور اب", "کیا",
        "کیسے", "کہاں", "کون", "کیا کروں", "کیا میں", "اور ہاں", "اور یہ بھی",
        "اور ایک سوال", "ایک اور سوال", "ساتھ ہی",
    ),
    "bn": (
        "কিন্তু", "তাই", "কারণ", "তারপর", "এখন", "আর", "কিভাবে",
        "কীভাবে", "কোথায়", "কে", "পারব", "পারি", "আরেকটা",
        "আর একটা", "এছাড়া", "আর হ্যাঁ",
    ),
    "zh": (
        # Connectors only: question words (会不会, 可以) sit inside a clause.
        "然后", "但是", "可是", "所以", "因为", "还有", "我想问", "请问", "而且",
        "但係", "跟住", "仲有", "然後", "還有", "另外", "顺便", "對了", "对了",
    ),
    "ko": (
        "그런데", "근데", "그래서", "그리고", "하지만", "혹시", "어떻게", "어디",
        "누구", "진짜", "추가로", "하나 더", "또 하나",
    ),
}

# Words that open what someone else said ("he said he would call
# immigration on us"): such a clause is a piece of the story, never the
# resident's question. Each is a marker above too, so a clause opens with it.
REPORTED: Mapping[str, tuple[str, ...]] = {
    "en": ("he said", "she said", "they said", "they told"),
    "es": ("me dijeron", "dijo que"),
    "fr": ("il m'a dit", "on m'a dit"),
}

# A sentence shorter than this is read as it is (it has no story to cut).
RUNON_WORDS = 16
RUNON_CHARS = 40  # ...in Chinese or Korean characters
CLAUSE_WORDS = 4  # a clause shorter than this joins the one before it
CLAUSE_CHARS = 6

_UNSPACED = re.compile(r"[\u3400-\u9fff\uac00-\ud7a3]")
_SPACED_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]")
# Korean ends a spoken sentence with -요 or -다/-까 before the next word.
_KOREAN_END = re.compile(r"(?<=[\uac00-\ud7a3][요까])\s+|(?<=니다)\s+")
_HAN_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# Commas and dashes cut a run-on too (the sentence ends are already cut).
_COMMA = re.compile(r"\s*(?:(?<!\d),|,(?!\d)|[،、，—–])\s*|\s+-\s+")

_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(language: str) -> re.Pattern[str] | None:
    markers = MARKERS.get(language)
    if not markers:
        return None
    if language not in _PATTERNS:
        words = sorted(markers, key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        if _SPACED_SCRIPT.search(markers[0]):
            # A whole word, after a space: "so" in "also" or "soon" is not one.
            _PATTERNS[language] = re.compile(
                rf"(?<=\s)(?:{alternatives})(?![\w-]|['’](?!\w))", re.IGNORECASE
            )
        elif language in ("zh", "ko"):
            _PATTERNS[language] = re.compile(rf"(?:{alternatives})")
        else:
            # Arabic script and Bengali: a word of its own after a space
            # (Bengali vowel signs are marks, not \w: any letter or mark ends it).
            _PATTERNS[language] = re.compile(
                rf"(?<=\s)(?:{alternatives})(?![\w\u0980-\u09ff\u0600-\u06ff])"
            )
    return _PATTERNS[language]


def is_runon(sentence: str) -> bool:
    """A sentence long enough to be a whole story told without stops."""
    return (
        len(sentence.split()) >= RUNON_WORDS or len(_UNSPACED.findall(sentence)) >= RUNON_CHARS
    )


def spoken(sentence: str) -> bool:
    """A run-on as voice-to-text writes it: not even a comma."""
    return is_runon(sentence) and not _COMMA.search(sentence)


def reported(clause: str, language: str | None) -> bool:
    """A clause that opens with what someone else said."""
    folded = clause.casefold()
    return any(folded.startswith(w) for w in REPORTED.get(language or "", ()))


def _long_enough(clause: str) -> bool:
    return (
        len(clause.split()) >= CLAUSE_WORDS or len(_UNSPACED.findall(clause)) >= CLAUSE_CHARS
    )


def split(sentence: str, language: str | None) -> list[str]:
    """A run-on's clauses, first to last; any other sentence as it is.
    Every clause is long enough to say something; a short piece joins the
    clause before it (or the next one, at the start)."""
    if language is None or not is_runon(sentence):
        return [sentence]
    pieces: list[str] = []
    for chunk in _COMMA.split(sentence):
        if language == "ko":
            pieces.extend(_KOREAN_END.split(chunk))
        elif language == "zh":
            # Chinese writes no spaces between words: a space is a pause.
            pieces.extend(_HAN_GAP.split(chunk))
        else:
            pieces.append(chunk)
    pattern = _pattern(language) if language else None
    cuts: list[str] = []
    for piece in pieces:
        if pattern is None:
            cuts.append(piece)
            continue
        start = 0
        for found in pattern.finditer(piece):
            if found.start() > start:
                cuts.append(piece[start : found.start()])
                start = found.start()
        cuts.append(piece[start:])
    # A short piece opens the clause after it ("dónde" before "me pueden
    # ver..."); a short piece at the end closes the one before it.
    clauses: list[str] = []
    carried = ""
    for cut in cuts:
        cut = f"{carried} {cut.strip()}".strip()
        if _long_enough(cut):
            clauses.append(cut)
            carried = ""
        else:
            carried = cut
    if carried:
        if clauses:
            clauses[-1] = f"{clauses[-1]} {carried}"
        else:
            clauses.append(carried)
    return clauses or [sentence]
