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

INTENT_PREFIX = "_"
_FUZZY_POOL = 400  # labels of conversation intents: "_greeting", "_thanks", ...


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
    support_weight: float = 0.3
    centroid_weight: float = 0.0
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


def _grams(text: str) -> Counter[str]:
    """Character 2-4-grams inside space-padded words (scikit-learn's char_wb)."""
    out: list[str] = []
    for word in text.split():
        p = f" {word} "
        size = len(p)
        out += [p[i : i + 2] for i in range(size - 1)]
        out += [p[i : i + 3] for i in range(size - 2)]
        out += [p[i : i + 4] for i in range(size - 3)]
        if _UNSPACED.search(word):
            # One Han character is often a whole word (学 school, 病 ill).
            out += [ch for ch in word if _UNSPACED.match(ch)]
    return Counter(out)


class _TfIdf:
    """A sparse char n-gram TF-IDF index stored as CSR arrays (gram -> phrases)."""

    def __init__(self, texts: Sequence[str]):
        self.size = len(texts)
        counted = [_grams(t) for t in texts]
        all_grams = [g for c in counted for g in c]
        vocab = {g: i for i, g in enumerate(dict.fromkeys(all_grams))}
        gram_ids = list(map(vocab.__getitem__, all_grams))
        tfs = [tf for c in counted for tf in c.values()]
        doc_ids = np.repeat(np.arange(len(counted), dtype=np.int32), [len(c) for c in counted])
        self.vocab = vocab
        docs = doc_ids
        grams = np.asarray(gram_ids, dtype=np.int32)
        df = np.bincount(grams, minlength=len(vocab)).astype(np.float32)
        self.idf = (np.log((1 + self.size) / (1 + df)) + 1.0).astype(np.float32)
        weights = (1 + np.log(np.asarray(tfs, dtype=np.float32))) * self.idf[grams]
        norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=self.size))
        weights = (weights / np.maximum(norms[docs], 1e-9)).astype(np.float32)
        order = np.argsort(grams, kind="stable")
        self.post_docs = docs[order]
        self.post_weights = weights[order].astype(np.float32)
        self.indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(grams, minlength=len(vocab)), out=self.indptr[1:])

    def centroids(self, doc_label: np.ndarray, n_labels: int) -> np.ndarray:
        """Per-label centroid of its phrasings (gram x label, columns unit length)."""
        matrix = np.zeros((len(self.vocab), n_labels), dtype=np.float32)
        gram_of = np.repeat(np.arange(len(self.vocab)), np.diff(self.indptr))
        np.add.at(matrix, (gram_of, doc_label[self.post_docs]), self.post_weights)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=0), 1e-9)
        return matrix

    def query(self, text: str) -> tuple[list[int], np.ndarray]:
        """The query's known gram ids and their normalised weights."""
        grams = _grams(text)
        known = [(self.vocab[g], tf) for g, tf in grams.items() if g in self.vocab]
        if not known:
            return [], np.zeros(0, dtype=np.float32)
        ids = [gid for gid, _ in known]
        q = (1 + np.log(np.asarray([tf for _, tf in known], dtype=np.float32))) * self.idf[ids]
        unknown = sum(1 + math.log(tf) for g, tf in grams.items() if g not in self.vocab)
        norm = math.sqrt(float(q @ q) + (unknown * 3.0) ** 2 / max(1, len(grams)))
        return ids, q / norm

    def scores(self, text: str) -> np.ndarray:
        grams = _grams(text)
        known = [(self.vocab[g], tf) for g, tf in grams.items() if g in self.vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        ids = [gid for gid, _ in known]
        q = (1 + np.log(np.asarray([tf for _, tf in known], dtype=np.float32))) * self.idf[ids]
        # Unknown n-grams still count in the query's norm: a message mostly
        # unlike anything we know must not look like a perfect match.
        unknown = sum(1 + math.log(tf) for g, tf in grams.items() if g not in self.vocab)
        norm = math.sqrt(float(q @ q) + (unknown * 3.0) ** 2 / max(1, len(grams)))
        q /= norm
        starts, ends = self.indptr[ids], self.indptr[np.asarray(ids) + 1]
        lengths = ends - starts
        idx = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(lengths.sum())
        contrib = self.post_weights[idx] * np.repeat(q, lengths)
        return np.bincount(self.post_docs[idx], weights=contrib, minlength=self.size).astype(
            np.float32
        )


class Matcher:
    """Built once per content load; `match` is pure and thread-safe."""

    def __init__(
        self,
        phrases: Iterable[Phrase],
        keywords: Mapping[str, Iterable[str]] | None = None,
        signals: Mapping[str, Iterable[str]] | None = None,
        settings: Settings | None = None,
        asides: Iterable[str] = (),
    ):
        """`asides` names signals that are not the question ("I have no papers,
        can I get a city ID"): their words are set aside before matching."""
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
        self.centroids = self.index.centroids(self.phrase_label, len(self.labels))
        # token_sort_ratio is ratio over sorted tokens: sort the phrasings once.
        self.sorted_texts = [" ".join(sorted(t.split())) for t in self.texts]
        self.keywords = {
            label: found
            for label, words in (keywords or {}).items()
            if (found := _Phrases(words)) and label in self._label_pos
        }
        self.signals = {
            name: found for name, items in (signals or {}).items() if (found := _Phrases(items))
        }
        self.asides = tuple(self.signals[n] for n in asides if n in self.signals)

    @property
    def topics(self) -> list[str]:
        return [label for label in self.labels if not label.startswith(INTENT_PREFIX)]

    def _label_scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        s = self.settings
        tfidf = self.index.scores(text)
        # The fuzzy view only re-scores phrasings the n-grams already found.
        top = np.argpartition(-tfidf, min(_FUZZY_POOL, len(tfidf) - 1))[:_FUZZY_POOL]
        query = " ".join(sorted(text.split()))
        fuzzy = np.zeros_like(tfidf)
        fuzzy[top] = (
            process.cdist(
                [query], [self.sorted_texts[i] for i in top], scorer=fuzz.ratio, dtype=np.uint8
            )[0]
            / 100.0
        )
        blended = s.tfidf_weight * tfidf + (1 - s.tfidf_weight) * fuzzy
        per_label = np.maximum.reduceat(blended, self._starts) if len(blended) else blended
        if s.centroid_weight:
            ids, q = self.index.query(text)
            centroid = q @ self.centroids[ids] if ids else np.zeros_like(per_label)
            per_label = (1 - s.centroid_weight) * per_label + s.centroid_weight * centroid
        if s.support_weight:
            # A topic that several phrasings support beats one lucky phrasing:
            # blend in the mean of each label's best few phrasings.
            pool = top[np.argsort(-blended[top])]
            best: dict[int, list[float]] = {}
            for i in pool:
                got = best.setdefault(int(self.phrase_label[i]), [])
                if len(got) < s.support_k:
                    got.append(float(blended[i]))
            support = np.zeros_like(per_label)
            for label, scores in best.items():
                scores += [0.0] * (s.support_k - len(scores))
                support[label] = sum(scores) / s.support_k
            per_label = (1 - s.support_weight) * per_label + s.support_weight * support
        return per_label, blended

    def match(self, text: str) -> Match:
        s = self.settings
        norm = normalize(text)
        if not norm or not self.labels:
            return Match(None, None, 0)
        found = frozenset(name for name, phrases in self.signals.items() if phrases.search(norm))
        for phrases in self.asides:
            rest = phrases.remove(norm)
            if len(rest.split()) >= 2 or (rest and _UNSPACED.search(rest)):
                norm = rest
        per_label, blended = self._label_scores(norm)
        for label, pattern in self.keywords.items():
            if pattern.search(norm):
                per_label[self._label_pos[label]] += s.keyword_bonus
        order = np.argsort(-per_label)
        candidates = tuple(
            Candidate(self.labels[i], float(per_label[i])) for i in order[:5] if per_label[i] > 0
        )
        if not candidates:
            return Match(None, None, 0, signals=found)
        best_phrase = self.phrases[int(np.argmax(blended))]
        best = candidates[0]
        confidence = max(0, min(100, round(best.score * 100)))
        topics = [c for c in candidates if not c.label.startswith(INTENT_PREFIX)]
        if best.label.startswith(INTENT_PREFIX):
            # Greetings, thanks, small talk and out-of-scope questions win
            # outright when they match best: never guess a topic behind them.
            return Match(
                None,
                best.label[len(INTENT_PREFIX) :] if best.score >= s.choice_score else None,
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
            close = tuple(c.label for c in topics if top.score - c.score <= s.choice_window)[
                : s.max_choices
            ]
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


class _Phrases:
    """Finds any of a list of phrases in a normalised message: whole words in
    spaced scripts, plain substrings in Chinese and Korean (no word spaces)."""

    def __init__(self, phrases: Iterable[str]):
        normalized = {normalize(p) for p in phrases} - {""}
        self.unspaced = tuple(p for p in normalized if _UNSPACED.search(p))
        self.spaced = tuple(f" {p} " for p in normalized if not _UNSPACED.search(p))

    def __bool__(self) -> bool:
        return bool(self.unspaced or self.spaced)

    def remove(self, normalized_text: str) -> str:
        padded = f" {normalized_text} "
        for p in self.spaced:
            padded = padded.replace(p, " ")
        for p in self.unspaced:
            padded = padded.replace(p, " ")
        return " ".join(padded.split())

    def search(self, normalized_text: str) -> bool:
        padded = f" {normalized_text} "
        return any(p in padded for p in self.spaced) or any(
            p in normalized_text for p in self.unspaced
        )


_UNSPACED = re.compile(r"[\u3400-\u9fff\uac00-\ud7a3]")
