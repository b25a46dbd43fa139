"""Long messages: the sentence that carries the question, and a second question.

A resident's story ("we came two years ago, my husband works nights, the
landlord... can he throw us out") has many ordinary words around one
question, and over the whole message no topic clears the bar. Each sentence
is matched on its own; a sentence's confident topic is answered only when the
whole message also puts that topic first, and offered as a choice when the
whole only ranks it among its best few. Two independent readings must agree,
so a stray sentence cannot produce a wrong answer.

Two questions in one message ("can my boss pay me less? by the way, where are
free English classes?"): the first is the main one, the other is offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from . import clauses
from .normalize import normalize, pack_normalize

# Sentence ends in the pack's scripts: Latin, CJK, Arabic, Urdu, Bengali.
_SENTENCE_END = re.compile(r"(?<=[.!?;。？！；؟۔।\n])\s*|\s*\n+\s*")
MIN_WORDS = 3  # a sentence shorter than this says too little on its own
STORY_WORDS = 12  # messages shorter than this are read whole
# Chinese and Korean write no spaces between words (the matcher's form even
# joins Korean words): count their characters instead, about 2.5 a word.
STORY_CHARS = 30
_UNSPACED_CHAR = re.compile(r"[\u3400-\u9fff\uac00-\ud7a3]")
_ARABIC_AND = re.compile(r"و[\u0621-\u06ff]{3,}")  # "and ..." joined to its word
AGREE_WITHIN = 3  # the whole message must rank the sentence's topic this high
LEAD = 0.01  # ...and, to be answered, put it first by at least this (not a tie)
# A story scores low everywhere (its ordinary words match nothing), so the
# usual bar is out of reach; what stays telling is that the character and the
# word views pick the same topic and it stands clearly ahead of the next one.
VIEWS_AGREE_SCORE = 0.30
VIEWS_AGREE_LEAD = 0.10
# ...or, when the views disagree over the whole story, one of its sentences
# on which they agree puts the same topic first, at least this high.
SENTENCE_AGREES_SCORE = 0.40
# A run-on's clauses settle its topic only when the whole message puts it
# first at least this high.
CLAUSES_AGREE_SCORE = 0.35


# Chinese and Korean score lower than other languages (their tokens are
# character pairs): a message of UNSPACED_CHARS characters or more whose best
# topic scores UNSPACED_LEAD_SCORE and leads every other label, intents
# included, by UNSPACED_LEAD is answered below the usual bar.
UNSPACED_LEAD_SCORE = 0.40
UNSPACED_LEAD = 0.12
UNSPACED_CHARS = 8


def unspaced_enough(text: str) -> bool:
    """A Chinese or Korean message long enough to be read by its lead."""
    return len(_UNSPACED_CHAR.findall(text)) >= UNSPACED_CHARS


def is_long(text: str, words: int) -> bool:
    """A message long enough to be a story rather than a question."""
    return words >= STORY_WORDS or len(_UNSPACED_CHAR.findall(text)) >= STORY_CHARS


QUESTION_WORDS = 5  # a question sentence this long says what it is about
QUESTION_CHARS = 8  # ...in Chinese or Korean characters


def says_enough(sentence: str) -> bool:
    """A question sentence long enough to tell what it asks about."""
    return (
        len(sentence.split()) >= QUESTION_WORDS
        or len(_UNSPACED_CHAR.findall(sentence)) >= QUESTION_CHARS
    )


def in_order(text: str) -> list[str]:
    """Every sentence of the message, first to last."""
    return [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]


def in_clauses(text: str, language: str | None, spoken: bool = False) -> list[str]:
    """Every sentence of the message, first to last, a run-on cut into its
    clauses (`clauses.split`); with `spoken`, only a run-on without even a
    comma (a written sentence's commas and words are its writer's choice)."""
    return [
        c
        for part in in_order(text)
        for c in (clauses.split(part, language) if clauses.spoken(part) or not spoken else [part])
    ]


def sentences(text: str, language: str | None = None) -> Iterator[str]:
    """The message's sentences with enough words, last first: a story ends
    with its question more often than it starts with it. With the message's
    `language`, a run-on told without stops is cut into its clauses."""
    for part in reversed(in_clauses(text, language)):
        if len(part.split()) >= MIN_WORDS or not part.isascii():
            yield part


_QUESTION_MARK = re.compile("[?？؟]")


def is_question(sentence: str) -> bool:
    """A sentence that asks something: only a question mark says so in every script."""
    return bool(_QUESTION_MARK.search(sentence))


# "And" in the pack's Latin and Cyrillic languages, before an opener ("y aparte").
AND_WORDS = frozenset({"and", "y", "e", "et", "i", "a", "и", "а", "epi", "ak"})


# "And" that opens a clause in the pack's other scripts (Arabic joins its
# "and" to the word, and is left out: "و" starts too many other words).
_AND_UNSPACED = ("还有", "而且", "그리고")
AND_OPENERS = AND_WORDS | {"আর", "اور"}


def joined_by_and(parts: list[str], k: int) -> bool:
    """The clause `parts[k]` follows the one before it with "and", which
    opens it or ends the clause before ("...what papers do I need and |
    where are free English classes", cut before "where"): in a run-on, how
    a second question is joined to the first."""
    clause = parts[k].strip()
    first = clause.split(maxsplit=1)[0].casefold() if clause else ""
    if first in AND_OPENERS or clause.startswith(_AND_UNSPACED):
        return True
    before = parts[k - 1].strip() if k > 0 else ""
    last = before.rsplit(maxsplit=1)[-1].casefold() if before else ""
    return k > 0 and (last in AND_OPENERS or before.endswith(_AND_UNSPACED))


# "还有没有" is "is there still...", not "and also": a question of its own.
_NOT_OPENING = ("还有没有", "還有沒有")


class Openers:
    """Words that open a second question ("by the way", "顺便问一下"): the
    pack's `another_question` signal, matched at a sentence's start; the
    longer ones ("and also", "y también", 还有, 그리고) also join a second
    question to the first inside one sentence, with no punctuation."""

    def __init__(self, phrases: Iterable[str]):
        self._phrases = tuple(sorted({pack_normalize(p) for p in phrases} - {""}))
        self._unspaced_starts = tuple(p for p in self._phrases if _UNSPACED_CHAR.search(p))
        self._spaced_starts = tuple(p + " " for p in self._phrases if not _UNSPACED_CHAR.search(p))
        # Inside a sentence only a phrase of two words or more (or a Chinese
        # or Korean one, or an Arabic one written with its "and", وكمان)
        # says "and another thing": a lone "also" or "además" belongs to the
        # question it sits in ("can I also apply").
        self._joiners = tuple(
            p
            for p in self._phrases
            if len(p.split()) >= 2 or _UNSPACED_CHAR.search(p) or _ARABIC_AND.fullmatch(p)
        )

    def opens(self, sentence: str) -> bool:
        norm = normalize(sentence)  # a resident's words: never into the pack cache
        first, _, rest = norm.partition(" ")
        if first in AND_WORDS and rest and self._opens(rest):
            return True  # "y aparte", "and btw": the phrase after "and"
        return self._opens(norm)

    def _opens(self, norm: str) -> bool:
        if norm.startswith(_NOT_OPENING):
            return False
        # A Chinese or Korean phrase opens the sentence; any other is its first
        # whole words (the sentence is the phrase, or goes on after a space).
        # One str.startswith over a tuple: each long message asks this of
        # every sentence.
        return norm.startswith(self._unspaced_starts) or (norm + " ").startswith(
            self._spaced_starts
        )

    def closes(self, clause: str) -> bool:
        """A run-on's clause that ends with the words opening the next
        question ("...can they arrest me there and another thing | is it a
        problem that..."), cut before the question word: what opens the
        clause after it. Only a phrase that joins inside a sentence."""
        norm = normalize(clause)  # a resident's words: never into the pack cache
        return any(
            norm.endswith(phrase)
            and (_UNSPACED_CHAR.search(phrase) or norm[: -len(phrase)].endswith(" "))
            for phrase in self._joiners
        )

    def joined(self, sentence: str) -> tuple[str, str] | None:
        """A sentence that joins a second question to the first with "and
        also" and no punctuation, cut before the joining words; both halves
        must say something."""
        norm = normalize(sentence)  # a resident's words: never into the pack cache
        if not any(phrase in norm for phrase in self._joiners):
            return None
        folded = _fold_in_place(sentence)
        for phrase in self._joiners:
            # After a space or a comma; a Latin phrase is a whole word too.
            end = "" if _UNSPACED_CHAR.search(phrase) else r"(?=\s|$)"
            for found in re.finditer(rf"(?<=\s){re.escape(phrase)}{end}", folded):
                if folded.startswith(_NOT_OPENING, found.start()):
                    continue
                before, after = sentence[: found.start()], sentence[found.start() :]
                if _says_something(before) and _says_something(after[len(phrase) :]):
                    return before.strip(" ,;:-"), after.strip()
        return None


JOINED_WORDS = 3  # each half of a joined sentence has this many words
JOINED_CHARS = 4  # ...or Chinese or Korean characters


def _says_something(clause: str) -> bool:
    return (
        len(clause.split()) >= JOINED_WORDS or len(_UNSPACED_CHAR.findall(clause)) >= JOINED_CHARS
    )


def _fold_in_place(text: str) -> str:
    """Each character's matching form on its own, one character for one
    (what is not a letter or digit becomes a space), so a phrase found in it
    is found at the same place in the message."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character's matching form (a character, not a resident's words)."""
    folded = normalize(char)
    return folded if len(folded) == 1 else char if folded else " "


def split_joined(parts: list[str], openers: Openers) -> list[str]:
    """The message's sentences, each one that joins two questions with "and
    also" cut in two."""
    out: list[str] = []
    for part in parts:
        cut = openers.joined(part)
        while cut is not None:
            out.append(cut[0])
            part = cut[1]
            cut = openers.joined(part)
        out.append(part)
    return out


class TwoQuestions(NamedTuple):
    main: str  # the main question (with what comes before it)
    others: list[str]  # the sentences after it that ask something else
    opened: bool  # a later question opened with "by the way"
    leads: bool = False  # the message opens with the main question, no story before it


def main_and_other(parts: list[str], openers: Openers) -> TwoQuestions | None:
    """A message asking two things: its main question and the others. The
    main one comes first; a later question either opens with "by the way"
    (then the main one before it need not be phrased as a question) or is one
    of two sentences with a question mark (the last sentence may lack its
    mark when an earlier one has one)."""
    parts = split_joined(parts, openers)
    parts = [p for p in parts if len(p.split()) >= MIN_WORDS or not p.isascii()]
    for k, part in enumerate(parts[1:], start=1):
        # The last question may lack its mark, as people type it (or say
        # it: a spoken run-on's question goes on in the clauses after it).
        last = not any(is_question(p) for p in parts[k + 1 :])
        opened = openers.opens(part) or openers.closes(parts[k - 1])
        if (is_question(part) or last) and opened:
            return TwoQuestions(" ".join(parts[:k]), parts[k:], True)
    asked = [p for p in parts if is_question(p)]
    if asked and parts[-1] not in asked:
        # "where do I get the ID card? and can my landlord raise the rent":
        # the last question mark is the one people drop.
        asked.append(parts[-1])
    if len(asked) >= 2:
        return TwoQuestions(asked[0], asked[1:], False, asked[0] == parts[0])
    return None
