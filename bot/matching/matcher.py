"""The matcher: every view's score blended per label, then a decision."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from ..normalize import normalize, pack_normalize
from .cache import load_arrays, store_arrays
from .chars import CharIndex
from .linear import LinearWords
from .model import INTENT_PREFIX, Candidate, Match, Phrase, Ranking, Settings
from .phrases import PhraseIndex, Phrases
from .slips import Slips
from .words import UNSPACED, WordCentroids, WordFeatures, word_tokens

_FUZZY_POOL = 400


class Matcher:
    """Built once per content load; `match` is pure and thread-safe."""

    def __init__(
        self,
        phrases: Iterable[Phrase],
        keywords: Mapping[str, Iterable[str]] | None = None,
        signals: Mapping[str, Iterable[str]] | None = None,
        settings: Settings | None = None,
        asides: Iterable[str] = (),
        cache_dir: Path | None = None,
    ):
        """`asides` are phrases that are not the question ("hello", "I have no
        papers", in "hello, I have no papers, can I get a city ID"): they are
        set aside before matching when enough of the message is left."""
        self.settings = settings or Settings()
        unique: dict[tuple[str, str], Phrase] = {}
        for p in phrases:
            text = pack_normalize(p.text)
            if text:
                unique.setdefault((text, p.label), Phrase(p.label, p.language, text))
        ordered = sorted(unique.values(), key=lambda p: p.label)
        self.phrases: tuple[Phrase, ...] = tuple(ordered)
        self.texts = [p.text for p in ordered]
        self.labels = sorted({p.label for p in ordered})
        self._label_pos = {label: i for i, label in enumerate(self.labels)}
        self.phrase_label = np.asarray([self._label_pos[p.label] for p in ordered], dtype=np.int32)
        self._starts = np.searchsorted(self.phrase_label, np.arange(len(self.labels)))
        # The n-gram index and the linear view's weights are derived from the
        # phrasings alone: kept in `cache_dir` under a hash of everything
        # they depend on, so a restart with unchanged content loads them.
        cache = None
        if cache_dir is not None:
            cache = cache_dir / f"linear-{self._key()}.npz"
        cached = load_arrays(cache) if cache else None
        self.index = CharIndex(self.texts, cached)
        features = WordFeatures.from_arrays(cached, len(self.texts)) if cached else None
        self.word_features = features or WordFeatures.build(self.texts)
        self.words = WordCentroids(self.word_features, self.phrase_label, len(self.labels))
        self._label_vocab = self._label_words()
        idf = self.word_features.idf
        self._unknown_idf = float(idf.max()) if len(idf) else 1.0
        shape = (len(self.word_features.vocab), len(self.labels))
        linear = LinearWords.from_arrays(cached, shape) if cached else None
        if linear is None:
            linear = LinearWords.train(
                self.word_features, self.phrase_label, len(self.labels), self.settings.linear_c
            )
            if cache:
                arrays = {**self.index.arrays(), **self.word_features.arrays()}
                store_arrays(cache, {**arrays, **linear.arrays()})
        self.linear = linear
        # token_sort_ratio is ratio over sorted tokens: sort the phrasings once.
        self.sorted_texts = [" ".join(sorted(t.split())) for t in self.texts]
        self.keywords = PhraseIndex(
            {label: words for label, words in (keywords or {}).items() if label in self._label_pos}
        )
        self.signals = PhraseIndex(signals or {})
        self.asides = Phrases(asides)
        self.slips = Slips(self.phrases, self.word_features.vocab)

    def _key(self) -> str:
        digest = hashlib.sha256(f"{LinearWords.key(self.settings.linear_c)!r}\x1e".encode())
        digest.update("\x1f".join(self.labels).encode())
        digest.update(b"\x1e")
        digest.update("\x1f".join(self.texts).encode())
        digest.update(np.ascontiguousarray(self.phrase_label, dtype=np.int32).tobytes())
        return digest.hexdigest()[:32]

    def _label_words(self) -> list[tuple[np.ndarray, list[str]]]:
        """Per label: the ids of the words its phrasings use (sorted, as an
        array: a set of Python ints costs ~20 times the memory), and those
        words (for spelling-slip lookups), from the word features built."""
        features = self.word_features
        words = list(features.vocab)
        size = max(1, len(words))
        pairs = np.unique(self.phrase_label[features.docs].astype(np.int64) * size + features.ids)
        ids = (pairs % size).astype(np.int32)
        bounds = np.searchsorted(pairs // size, np.arange(len(self.labels) + 1))
        out = []
        for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            own = ids[first:last]
            out.append((own, sorted(words[i] for i in own.tolist())))
        return out

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
                [query],
                [self.sorted_texts[i] for i in top.tolist()],
                scorer=fuzz.ratio,
                dtype=np.uint8,
            )[0]
            / 100.0
        )
        blended = s.tfidf_weight * tfidf + (1 - s.tfidf_weight) * fuzzy
        per_label = np.maximum.reduceat(blended, self._starts) if len(blended) else blended
        if s.support_weight:
            # A topic that several phrasings support beats one lucky phrasing:
            # blend in the mean of each label's best few phrasings.
            labels = self.phrase_label[top]
            order = np.lexsort((-blended[top], labels))  # by label, best first
            labels, scores = labels[order], blended[top][order]
            first = np.searchsorted(labels, labels)  # start of each label's run
            keep = np.arange(len(labels)) - first < s.support_k
            support = (
                np.bincount(labels[keep], weights=scores[keep], minlength=len(per_label)).astype(
                    np.float32
                )
                / s.support_k
            )
            per_label = (1 - s.support_weight) * per_label + s.support_weight * support
        return per_label, blended

    def rank(self, text: str) -> Ranking:
        """Score every label for a message; no decision yet."""
        s = self.settings
        norm = normalize(text)
        if not norm or not self.labels:
            return Ranking((), False, None, frozenset())
        found = frozenset(self.signals.find(norm))
        rest = self.asides.remove(norm)
        if len(rest.split()) >= 2 or (rest and UNSPACED.search(rest)):
            norm = rest
        per_label, blended = self._label_scores(norm)
        for label in self.keywords.find(norm):
            per_label[self._label_pos[label]] += s.keyword_bonus
        char_top = int(np.argmax(per_label))
        # Whole words see a slipped word as unknown: put it right for the word
        # and linear views (characters already see through it).
        query = self.word_features.query(self.slips.correct(norm))
        word_view = self.words.scores(query)
        word_top = int(np.argmax(word_view)) if word_view.max() > 0 else -1
        per_label = per_label + s.word_weight * word_view
        if s.linear_weight:
            per_label = per_label + s.linear_weight * self.linear.scores(query)
        order = np.argsort(-per_label)
        candidates = tuple(
            Candidate(self.labels[i], float(per_label[i])) for i in order[:5] if per_label[i] > 0
        )
        # Two views that agree on the same topic are evidence on their own.
        agree = bool(candidates) and char_top == word_top == int(order[0])
        language = self.phrases[int(np.argmax(blended))].language if len(blended) else None
        coverage = self._coverage(norm, int(order[0])) if candidates else 1.0
        return Ranking(candidates, agree, language, found, coverage)

    def _coverage(self, norm: str, label: int) -> float:
        """How much of the message the label's own phrasings account for,
        each word weighted by its IDF (a word no phrasing uses weighs most).

        "how do I cook rice" looks like "how do I get an IDNYC" to every
        view, yet most of its weight is on words no IDNYC phrasing has: a
        confident answer needs most of the message covered. Spelling slips
        count as covered when close to a word the label knows. Chinese and
        Korean are left out: their tokens are character pairs, too sparse
        to judge this way.
        """
        if UNSPACED.search(norm):
            return 1.0
        known, close = self._label_vocab[label]
        features = self.word_features
        words = []
        for word in set(word_tokens(norm)):
            pos = features.vocab.get(word)
            weight = float(features.idf[pos]) if pos is not None else self._unknown_idf
            at = int(known.searchsorted(pos)) if pos is not None else len(known)
            words.append((word, weight, at < len(known) and int(known[at]) == pos))
        slips = [word for word, _, hit in words if not hit and len(word) >= 4]
        near: set[str] = set()
        if slips and close:
            # Every possible slip against the label's words in one call
            # (rapidfuzz compares many short strings at once), rather than one
            # search of the whole vocabulary per word.
            scores = process.cdist(slips, close, scorer=fuzz.ratio, score_cutoff=80)
            found = np.asarray(scores).any(axis=1).astype(bool).tolist()
            near = {word for word, hit in zip(slips, list(found), strict=True) if hit}
        covered = total = 0.0
        for word, weight, hit in words:  # summed in the same order as ever
            total += weight
            if hit or word in near:
                covered += weight
        return covered / total if total else 1.0

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
        covered = ranking.coverage >= s.min_coverage
        if (confident or agreed) and covered:
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
