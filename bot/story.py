"""Long messages: the sentence that carries the question, and a second question.

A resident's story ("we came two years ago, my husband works nights, the
landlord... can he throw us out") has many ordinary words around one
question, and over the whole message no topic clears the bar. Each sentence
is matched on its own; a sentence's confident topic is answered only when the
whole message also puts that topic first, and offered as a choice when the
whole only ranks it among its best few. Two independent readings must agree,
so a stray sentence cannot produce a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Sentence ends in the pack's scripts: Latin, CJK, Arabic, Urdu, Bengali.
_SENTENCE_END = re.compile(r"(?<=[.!?;。？！；؟۔।\n])\s*|\s*\n+\s*")
MIN_WORDS = 3  # a sentence shorter than this says too little on its own
STORY_WORDS = 12  # messages shorter than this are read whole
AGREE_WITHIN = 3  # the whole message must rank the sentence's topic this high
LEAD = 0.01  # ...and, to be answered, put it first by at least this (not a tie)


def sentences(text: str) -> Iterator[str]:
    """The message's sentences with enough words, last first: a story ends
    with its question more often than it starts with it."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    for part in reversed(parts):
        if len(part.split()) >= MIN_WORDS or not part.isascii():
            yield part


_QUESTION_MARK = re.compile("[?？؟]")


def is_question(sentence: str) -> bool:
    """A sentence that asks something: only a question mark says so in every script."""
    return bool(_QUESTION_MARK.search(sentence))
