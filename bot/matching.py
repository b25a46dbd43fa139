"""Matching a resident's message to a topic, or to nothing.

Two views of similarity, measured to complement each other (see
shared/research/matching.md and bench/):

* character n-gram TF-IDF (2-4-grams inside words, sublinear tf) with the
  cosine taken against every example phrasing, topic score = best phrasing:
  robust to typos, works in every script without a tokenizer;
* rapidfuzz's token_sort_ratio on the normalised strings, which rewards
  near-identical phrasings with words in another order.

A topic is answered only when its blended score is high *and* clearly ahead of
the next topic; close calls become "did you mean" choices; the rest is
declined. Greetings, thanks, small talk and out-of-scope questions are matched
as their own intents so they never fall into a topic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from .normalize import normalize

INTENT_PREFIX = "_"  # labels of conversation intents: "_greeting", "_thanks", ...


@dataclass(frozen=True)
class Settings:
    """Decision thresholds, tuned on the dev set and the external sets (bench/)."""

    tfidf_weight: float = 0.65
    answer_score: float = 0.50
    answer_margin: float = 0.06
    choice_score: float = 0.36
    choice_window: float = 0.10
    intent_score: float = 0.55
    keyword_bonus: float = 0.12
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


def _grams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in (2, 3, 4):
            for i in range(size - n + 1):
                grams[padded[i : i + n]] += 1
    return grams


class _TfIdf:
    """A sparse char n-gram TF-IDF index with numpy postings for fast scoring."""

    def __init__(self, texts: Sequence[str]):
        self.size = len(texts)
        docs = [_grams(t) for t in texts]
        df: Counter[str] = Counter()
        for grams in docs:
            df.update(grams.keys())
        self.idf = {g: math.log((1 + self.size) / (1 + n)) + 1.0 for g, n in df.items()}
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for doc_id, grams in enumerate(docs):
            weights = {g: (1 + math.log(tf)) * self.idf[g] for g, tf in grams.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for g, w in weights.items():
                ids, vals = postings.setdefault(g, ([], []))
                ids.append(doc_id)
                vals.append(w / norm)
        self.postings = {
            g: (np.asarray(ids, dtype=np.int32), np.asarray(vals, dtype=np.float32))
            for g, (ids, vals) in postings.items()
        }

    def scores(self, text: str) -> np.ndarray:
        grams = _grams(text)
        weights = {g: (1 + math.log(tf)) * self.idf[g] for g, tf in grams.items() if g in self.idf}
        out = np.zeros(self.size, dtype=np.float32)
        if not weights:
            return out
        # Unknown n-grams still count in the query's norm: a message that is
        # mostly unlike anything we know should not look like a perfect match.
        unknown = sum((1 + math.log(tf)) * 3.0 for g, tf in grams.items() if g not in self.idf)
        norm = math.sqrt(sum(w * w for w in weights.values()) + unknown * unknown / max(1, len(grams)))
        ids = []
        vals = []
        for g, w in weights.items():
            pid, pval = self.postings[g]
            ids.append(pid)
            vals.append(pval * (w / norm))
        np.add.at(out, np.concatenate(ids), np.concatenate(vals))
        return out


class Matcher:
    """Built once per content load; `match` is pure and thread-safe."""

    def __init__(
        self,
        phrases: Iterable[Phrase],
        keywords: Mapping[str, Iterable[str]] | None = None,
        signals: Mapping[str, Iterable[str]] | None = None,
        settings: Settings | None = None,
    ):
        self.settings = settings or Settings()
        unique: dict[tuple[str, str], Phrase] = {}
        for p in phrases:
            text = normalize(p.text)
            if text:
                unique.setdefault((text, p.label), Phrase(p.label, p.language, text))
        ordered = sorted(unique.values(), key=lambda p: p.label)
        self.phrases: tuple[Phrase, ...] = tuple(ordered)
        self.texts = [p.text for p in ordered]
        self.labels = sorted({p.label for p in ordered})
        self._label_pos = {label: i for i, label in enumerate(self.labels)}
        self.phrase_label = np.asarray([self._label_pos[p.label] for p in ordered], dtype=np.int32)
        self._starts = np.searchsorted(self.phrase_label, np.arange(len(self.labels)))
        self.index = _TfIdf(self.texts)
        self.keywords: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for label, words in (keywords or {}).items():
            for w in words:
                nw = normalize(w)
                if nw:
                    self.keywords.setdefault(label, []).append((nw, _word_pattern(nw)))
        self.signals = {
            name: [(n, _word_pattern(n)) for n in {normalize(p) for p in items} if n]
            for name, items in (signals or {}).items()
        }

    @property
    def topics(self) -> list[str]:
        return [label for label in self.labels if not label.startswith(INTENT_PREFIX)]

    def _label_scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        s = self.settings
        tfidf = self.index.scores(text)
        fuzzy = process.cdist(
            [text], self.texts, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1
        )[0].astype(np.float32) / 100.0
        blended = s.tfidf_weight * tfidf + (1 - s.tfidf_weight) * fuzzy
        per_label = np.maximum.reduceat(blended, self._starts) if len(blended) else blended
        return per_label, blended

    def match(self, text: str) -> Match:
        s = self.settings
        norm = normalize(text)
        if not norm or not self.labels:
            return Match(None, None, 0)
        per_label, blended = self._label_scores(norm)
        for label, kws in self.keywords.items():
            if label in self._label_pos and any(p.search(norm) for _, p in kws):
                per_label[self._label_pos[label]] += s.keyword_bonus
        order = np.argsort(-per_label)
        candidates = tuple(
            Candidate(self.labels[i], float(per_label[i])) for i in order[:5] if per_label[i] > 0
        )
        found = frozenset(
            name for name, pats in self.signals.items() if any(p.search(norm) for _, p in pats)
        )
        if not candidates:
            return Match(None, None, 0, signals=found)
        best_phrase = self.phrases[int(np.argmax(blended))]
        best = candidates[0]
        confidence = max(0, min(100, round(best.score * 100)))
        topics = [c for c in candidates if not c.label.startswith(INTENT_PREFIX)]
        if best.label.startswith(INTENT_PREFIX):
            if best.score >= s.intent_score or not topics or topics[0].score < s.choice_score:
                return Match(
                    None,
                    best.label[len(INTENT_PREFIX) :],
                    confidence,
                    candidates=candidates,
                    phrase_language=best_phrase.language,
                    signals=found,
                )
        if not topics:
            return Match(None, None, confidence, candidates=candidates, signals=found)
        top = topics[0]
        runner_up = next((c.score for c in candidates if c.label != top.label), 0.0)
        confidence = max(0, min(100, round(top.score * 100)))
        if top.score >= s.answer_score and top.score - runner_up >= s.answer_margin:
            return Match(
                top.label,
                None,
                confidence,
                candidates=candidates,
                phrase_language=best_phrase.language,
                signals=found,
            )
        if top.score >= s.choice_score:
            close = tuple(
                c.label for c in topics if top.score - c.score <= s.choice_window
            )[: s.max_choices]
            if len(close) == 1:
                close = tuple(c.label for c in topics[:2])
            return Match(
                None,
                None,
                confidence,
                choices=close,
                candidates=candidates,
                phrase_language=best_phrase.language,
                signals=found,
            )
        return Match(None, None, confidence, candidates=candidates, signals=found)


def _word_pattern(normalized: str) -> re.Pattern[str]:
    # Whole words for spaced scripts; plain substring for Chinese/Korean runs.
    if re.search(r"[\u4e00-\u9fff\uac00-\ud7a3]", normalized):
        return re.compile(re.escape(normalized))
    return re.compile(rf"(?<!\w){re.escape(normalized)}(?!\w)")
