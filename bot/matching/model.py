"""What the matcher hands back: settings, candidates, a ranking and a verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

INTENT_PREFIX = "_"


@dataclass(frozen=True)
class Settings:
    """Decision thresholds, tuned on the dev set and the external sets (bench/)."""

    tfidf_weight: float = 0.65
    # The linear view adds up to ~0.15 to a clear topic; thresholds sit that
    # much above the similarity-only ones (0.36 / 0.30).
    answer_score: float = 0.51
    answer_margin: float = 0.06
    choice_score: float = 0.51
    choice_window: float = 0.10
    keyword_bonus: float = 0.08
    support_weight: float = 0.45
    word_weight: float = 0.35
    agree_margin: float = 0.02
    agree_score: float = 0.45
    min_coverage: float = 0.6  # see Matcher._coverage
    # ...and this much when every view ranks the best label above the next,
    # the linear view by `views_lead` (Ranking.lead): see Matcher.decide.
    led_coverage: float = 0.45
    views_lead: float = 0.45
    # A topic is answered only clear of the out-of-scope reading, by twice
    # the margin a choice between two topics needs: see Matcher.decide.
    out_of_scope_margin: float = 0.12
    urgent_window: float = 0.08  # see Engine: urgent topics win close calls
    # A romanised message is scored by the keyed view in place of the
    # character views, and its words are nobody's vocabulary (the word and
    # linear views add little): the bars sit this much lower for it
    # (bench/romanised.py, measured on the pack without its romanised examples).
    romanised_answer: float = 0.10
    romanised_choice: float = 0.12
    linear_weight: float = 0.3
    linear_c: float = 1.0
    support_k: int = 3
    max_choices: int = 3


@dataclass(frozen=True)
class Candidate:
    label: str
    score: float


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one message."""

    topic: str | None  # the topic to answer, if confident
    intent: str | None  # a conversation intent ("greeting", "thanks", ...) instead
    confidence: int  # 0-100
    choices: tuple[str, ...] = ()  # topics to offer when it is a close call
    candidates: tuple[Candidate, ...] = ()  # best labels, best first (runner-ups)
    phrase_language: str | None = None  # language of the phrasing that matched best
    signals: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Phrase:
    label: str
    language: str
    text: str


@dataclass(frozen=True)
class Ranking:
    """Every label's score for one message, best first, before any decision."""

    candidates: tuple[Candidate, ...]
    agree: bool  # the character and word views pick the same best label
    phrase_language: str | None
    signals: frozenset[str]
    # The share of the message's words the best label knows, measured only
    # when asked: a decision needs it only for a confident best label, and
    # the measure is a good part of a long message's cost (speed only).
    measure_coverage: Callable[[], float] | None = field(default=None, compare=False, repr=False)
    romanised: str | None = None  # the language a romanised message was read in
    # The same share with the words no phrasing of the pack uses counted as
    # covered (asked only of a clear reading below the usual coverage).
    measure_unknown_covered: Callable[[], float] | None = field(
        default=None, compare=False, repr=False
    )
    words: int = 0  # the message's words (as matched: asides set aside)
    # The linear view's lead of the best label over the next one, when the
    # character and word views rank the two in the same order (else 0): see
    # Matcher.decide.
    lead: float = 0.0

    @cached_property
    def coverage(self) -> float:
        return self.measure_coverage() if self.measure_coverage is not None else 1.0

    @cached_property
    def unknown_covered(self) -> float:
        if self.measure_unknown_covered is None:
            return self.coverage
        return self.measure_unknown_covered()
