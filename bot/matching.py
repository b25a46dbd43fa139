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
from array import array
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
    answer_score: float = 0.36
    answer_margin: float = 0.06
    choice_score: float = 0.36
    choice_window: float = 0.10
    keyword_bonus: float = 0.12
    support_weight: float = 0.3
    word_weight: float = 0.35
    agree_margin: float = 0.02
    agree_score: float = 0.30
    urgent_window: float = 0.08  # see Engine: urgent topics win close calls
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
        # Compact arrays, one document at a time: the whole corpus's n-grams
        # never sit in Python lists at once (peak memory stays low).
        vocab: dict[str, int] = {}
        doc_ids = array("i")
        gram_ids = array("i")
        tfs = array("f")
        for doc_id, text in enumerate(texts):
            counted = _grams(text)
            gram_ids.extend([vocab.setdefault(g, len(vocab)) for g in counted])
            tfs.extend(counted.values())
            doc_ids.extend([doc_id] * len(counted))
        self.vocab = vocab
        docs = np.frombuffer(doc_ids, dtype=np.int32)
        grams = np.frombuffer(gram_ids, dtype=np.int32)
        df = np.bincount(grams, minlength=len(vocab)).astype(np.float32)
        self.idf = (np.log((1 + self.size) / (1 + df)) + 1.0).astype(np.float32)
        weights = (1 + np.log(np.frombuffer(tfs, dtype=np.float32))) * self.idf[grams]
        norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=self.size))
        weights = (weights / np.maximum(norms[docs], 1e-9)).astype(np.float32)
        order = np.argsort(grams, kind="stable")
        self.post_docs = docs[order]
        self.post_weights = weights[order].astype(np.float32)
        self.indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(grams, minlength=len(vocab)), out=self.indptr[1:])

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


def _words(text: str) -> Counter[str]:
    """Word tokens, cut to 5 characters as a cheap stemmer for inflected
    languages; Chinese and Korean runs become overlapping character pairs."""
    out: list[str] = []
    for word in text.split():
        if _UNSPACED.search(word):
            out += [word[i : i + 2] for i in range(max(1, len(word) - 1))]
        else:
            out.append(word[:5])
    return Counter(out)


class _WordCentroids:
    """Word-level TF-IDF centroids per label: a second, independent view.

    Character n-grams see spelling; whole words see which concepts a message
    combines, even when no single phrasing combines them the same way.
    """

    def __init__(self, texts: Sequence[str], labels: np.ndarray, n_labels: int):
        counted = [_words(t) for t in texts]
        df: Counter[str] = Counter(w for c in counted for w in c)
        size = len(texts)
        self.vocab = {w: i for i, w in enumerate(df)}
        self.idf = np.asarray(
            [math.log((1 + size) / (1 + df[w])) + 1.0 for w in df], dtype=np.float32
        )
        matrix = np.zeros((len(self.vocab), n_labels), dtype=np.float32)
        for c, label in zip(counted, labels, strict=True):
            if not c:
                continue
            ids = [self.vocab[w] for w in c]
            weights = (1 + np.log(np.asarray(list(c.values()), dtype=np.float32))) * self.idf[ids]
            matrix[ids, label] += weights / max(float(np.linalg.norm(weights)), 1e-9)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=0), 1e-9)
        self.matrix = matrix

    def scores(self, text: str) -> np.ndarray:
        counted = _words(text)
        known = [(self.vocab[w], tf) for w, tf in counted.items() if w in self.vocab]
        if not known:
            return np.zeros(self.matrix.shape[1], dtype=np.float32)
        ids = [i for i, _ in known]
        q = (1 + np.log(np.asarray([tf for _, tf in known], dtype=np.float32))) * self.idf[ids]
        total = math.sqrt(float(q @ q) + sum(1 for w in counted if w not in self.vocab))
        return np.asarray((q / total) @ self.matrix[ids], dtype=np.float32)


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
        self.words = _WordCentroids(self.texts, self.phrase_label, len(self.labels))
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

    def rank(self, text: str) -> Ranking:
        """Score every label for a message; no decision yet."""
        s = self.settings
        norm = normalize(text)
        if not norm or not self.labels:
            return Ranking((), False, None, frozenset())
        found = frozenset(name for name, phrases in self.signals.items() if phrases.search(norm))
        for phrases in self.asides:
            rest = phrases.remove(norm)
            if len(rest.split()) >= 2 or (rest and _UNSPACED.search(rest)):
                norm = rest
        per_label, blended = self._label_scores(norm)
        for label, pattern in self.keywords.items():
            if pattern.search(norm):
                per_label[self._label_pos[label]] += s.keyword_bonus
        char_top = int(np.argmax(per_label))
        word_view = self.words.scores(norm)
        word_top = int(np.argmax(word_view)) if word_view.max() > 0 else -1
        per_label = per_label + s.word_weight * word_view
        order = np.argsort(-per_label)
        candidates = tuple(
            Candidate(self.labels[i], float(per_label[i])) for i in order[:5] if per_label[i] > 0
        )
        # Two views that agree on the same topic are evidence on their own.
        agree = bool(candidates) and char_top == word_top == int(order[0])
        language = self.phrases[int(np.argmax(blended))].language if len(blended) else None
        return Ranking(candidates, agree, language, found)

    def match(self, text: str) -> Match:
        return self.decide(self.rank(text))

    def decide(self, ranking: Ranking, settings: Settings | None = None) -> Match:
        s = settings or self.settings
        candidates, found = ranking.candidates, ranking.signals
        if not candidates:
            return Match(None, None, 0, signals=found)
        best = candidates[0]
        confidence = max(0, min(100, round(best.score * 100)))
        if best.label.startswith(INTENT_PREFIX):
            # Greetings, thanks, small talk and out-of-scope questions win
            # outright when they match best: never guess a topic behind them.
            return Match(
                None,
                best.label[len(INTENT_PREFIX) :] if best.score >= s.choice_score else None,
                confidence,
                candidates=candidates,
                phrase_language=ranking.phrase_language,
                signals=found,
            )
        topics = [c for c in candidates if not c.label.startswith(INTENT_PREFIX)]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        margin = best.score - runner_up
        # Alone, a view must be clearly ahead of the next topic.
        confident = best.score >= s.answer_score and margin >= s.answer_margin
        # Long Chinese or Korean messages score lower in absolute terms; two
        # independent views agreeing is evidence that does not depend on script.
        agreed = ranking.agree and best.score >= s.agree_score and margin >= s.agree_margin
        if confident or agreed:
            return Match(
                best.label,
                None,
                confidence,
                candidates=candidates,
                phrase_language=ranking.phrase_language,
                signals=found,
            )
        if best.score >= s.choice_score:
            close = tuple(c.label for c in topics if best.score - c.score <= s.choice_window)
            if len(close) < 2:
                close = tuple(c.label for c in topics[:2])
            return Match(
                None,
                None,
                confidence,
                choices=close[: s.max_choices],
                candidates=candidates,
                phrase_language=ranking.phrase_language,
                signals=found,
            )
        return Match(None, None, confidence, candidates=candidates, signals=found)


@dataclass(frozen=True)
class Ranking:
    """Every label's score for one message, best first, before any decision."""

    candidates: tuple[Candidate, ...]
    agree: bool  # the character and word views pick the same best label
    phrase_language: str | None
    signals: frozenset[str]


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
