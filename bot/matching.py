"""Matching a resident's message to a topic, or to nothing.

Views measured to complement each other (see shared/research/matching.md and
bench/), blended into one score per label:

* character n-gram TF-IDF (2-4-grams inside words, sublinear tf) with the
  cosine taken against every example phrasing, topic score = best phrasing
  plus the mean of its best few: robust to typos, works in every script
  without a tokenizer;
* rapidfuzz's ratio on word-sorted strings, which rewards near-identical
  phrasings with words in another order;
* word TF-IDF centroids per topic: which concepts a message combines;
* a linear SVM over the same words, trained on the pack's phrasings: which
  words tell neighbouring topics apart.

A topic is answered only when its blended score is high *and* clearly ahead of
the next topic; close calls become "did you mean" choices; the rest is
declined. Greetings, thanks, small talk and out-of-scope questions are matched
as their own intents so they never fall into a topic.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from .normalize import normalize, pack_normalize

log = logging.getLogger(__name__)

INTENT_PREFIX = "_"
_FUZZY_POOL = 400
_MAX_DF = 0.1  # n-grams in more phrasings than this are not gathered


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
    urgent_window: float = 0.08  # see Engine: urgent topics win close calls
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


# Character n-grams are identified by a 64-bit polynomial hash of their code
# points (seeded with n), so the whole corpus can be cut into n-grams with
# numpy in one pass. Collisions are negligible: ~10^5 distinct n-grams in 2^64.
_P = 0x100000001B3
_SEP = 0
_DOC = 1


def _corpus_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document id, n-gram code) for every char_wb 2-4-gram occurrence of every
    text, plus single Han/Hangul characters (often whole words: 学 school, 病
    ill), computed with numpy over one array of code points."""
    if not texts:
        return np.zeros(0, np.int32), np.zeros(0, np.uint64)
    # Every word padded with spaces (" a " \0 " b "), texts separated by \1:
    # an n-gram is valid when it crosses neither separator.
    word_gap = " \x00 "
    joined = "\x01".join(" " + word_gap.join(t.split()) + " " for t in texts) + "\x01"
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    del joined
    size = len(cps)
    docs = np.zeros(size, dtype=np.int32)
    np.cumsum(cps[:-1] == _DOC, out=docs[1:])
    seps = np.zeros(size + 1, dtype=np.int32)
    np.cumsum((cps == _SEP) | (cps == _DOC), out=seps[1:])
    # Occurrences are many (three or four per character of the pack): the
    # output is allocated once and filled n by n, in 32-bit ids where
    # 32 bits are enough, so that building stays within a few times its size.
    valid = {n: seps[n:] - seps[:-n] == 0 for n in (2, 3, 4)}
    unspaced = ((cps >= 0x3400) & (cps <= 0x9FFF)) | ((cps >= 0xAC00) & (cps <= 0xD7A3))
    total = sum(int(v.sum()) for v in valid.values()) + int(unspaced.sum())
    out_docs = np.empty(total, dtype=np.int32)
    out_codes = np.empty(total, dtype=np.uint64)
    at = 0
    for n in (2, 3, 4):
        starts = np.flatnonzero(valid.pop(n))
        h = out_codes[at : at + len(starts)]
        h[:] = n
        for k in range(n):
            h *= np.uint64(_P)
            h += cps[starts + k]
        out_docs[at : at + len(starts)] = docs[starts]
        at += len(starts)
    out_docs[at:] = docs[unspaced]
    out_codes[at:] = cps[unspaced]
    out_codes[at:] += np.uint64(_P)
    return out_docs, out_codes


def _sublinear_tfidf(
    occ_terms: np.ndarray, occ_docs: np.ndarray, n_terms: int, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """TF-IDF (sublinear tf, smoothed idf, unit rows) from term occurrences.

    Returns (term, document, weight) of every nonzero, term-major, plus each
    term's document frequency and idf. One sort of (term, document) keys
    gives the term frequencies and the term-major order at once.
    """
    keys, tfs = np.unique(occ_terms.astype(np.int64) * max(1, size) + occ_docs, return_counts=True)
    terms = (keys // max(1, size)).astype(np.int32)
    docs = (keys % max(1, size)).astype(np.int32)
    return (terms, docs, *_weigh(terms, docs, tfs, n_terms, size))


def _weigh(
    terms: np.ndarray, docs: np.ndarray, tfs: np.ndarray, n_terms: int, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-length sublinear TF-IDF weights of term-major (term, document, tf)
    nonzeros, plus each term's document frequency and idf."""
    df = np.bincount(terms, minlength=n_terms)
    idf = (np.log((1 + size) / (1 + df.astype(np.float32))) + 1.0).astype(np.float32)
    weights = (1 + np.log(tfs.astype(np.float32))) * idf[terms]
    norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=size))
    unit = (weights / np.maximum(norms[docs], 1e-9)).astype(np.float32)
    return unit, df, idf


class _TfIdf:
    """A sparse char n-gram TF-IDF index stored as CSR arrays (gram -> phrases)."""

    def __init__(self, texts: Sequence[str], cached: Mapping[str, np.ndarray] | None = None):
        """Built from `texts`, or taken from `cached` arrays of the same texts."""
        self.size = len(texts)
        self.max_postings = max(50, int(self.size * _MAX_DF))
        if cached is not None and self._take(cached):
            return
        # One stable sort of the occurrences by code gives the vocabulary,
        # and within each n-gram its documents in order (occurrences come
        # document by document): (n-gram, document) runs are the postings.
        occ_docs, occ_codes = _corpus_codes(texts)
        order = np.argsort(occ_codes, kind="stable")
        codes = occ_codes[order]
        del occ_codes
        docs = occ_docs[order]
        del occ_docs, order
        new_term = np.ones(len(codes), dtype=bool)
        np.not_equal(codes[1:], codes[:-1], out=new_term[1:])
        self.codes = codes[new_term]
        del codes
        term_of = np.cumsum(new_term, dtype=np.int32) - 1
        new_term[1:] |= docs[1:] != docs[:-1]  # now: a new (n-gram, document) pair
        starts = np.flatnonzero(new_term)
        del new_term
        tfs = np.diff(starts, append=len(docs))
        terms, self.post_docs = term_of[starts], docs[starts]
        del term_of, docs
        self.post_weights, df, self.idf = _weigh(
            terms, self.post_docs, tfs, len(self.codes), self.size
        )
        self.indptr = np.zeros(len(self.codes) + 1, dtype=np.int64)
        np.cumsum(df, out=self.indptr[1:])

    _ARRAYS = ("codes", "post_docs", "post_weights", "idf", "indptr")

    def arrays(self) -> dict[str, np.ndarray]:
        return {f"index_{name}": getattr(self, name) for name in self._ARRAYS}

    def _take(self, cached: Mapping[str, np.ndarray]) -> bool:
        found = [cached.get(f"index_{name}") for name in self._ARRAYS]
        if any(a is None for a in found):
            return False
        codes, docs, weights, idf, indptr = found
        assert codes is not None and docs is not None and weights is not None
        assert idf is not None and indptr is not None
        if not (
            idf.shape == codes.shape
            and indptr.shape == (len(codes) + 1,)
            and docs.shape == weights.shape == (int(indptr[-1]),)
            and (not len(docs) or int(docs.max()) < self.size)
        ):
            return False
        self.codes, self.post_docs, self.post_weights = codes, docs, weights
        self.idf, self.indptr = idf, indptr
        return True

    def _lookup(self, codes: np.ndarray) -> np.ndarray:
        """Vocabulary ids of codes; -1 where unknown."""
        arr = codes
        pos = np.searchsorted(self.codes, arr)
        pos[pos == len(self.codes)] = 0
        return np.where(self.codes[pos] == arr, pos, -1) if len(self.codes) else pos - 1

    def scores(self, text: str) -> np.ndarray:
        codes, counts = np.unique(_corpus_codes([text])[1], return_counts=True)
        if not len(codes):
            return np.zeros(self.size, dtype=np.float32)
        gram_ids = self._lookup(codes)
        tf = counts.astype(np.float32)
        known = gram_ids >= 0
        if not known.any():
            return np.zeros(self.size, dtype=np.float32)
        ids = gram_ids[known]
        q = (1 + np.log(tf[known])) * self.idf[ids]
        # Unknown n-grams still count in the query's norm: a message mostly
        # unlike anything we know must not look like a perfect match.
        unknown = float(np.sum(1 + np.log(tf[~known])))
        norm = math.sqrt(float(q @ q) + (unknown * 3.0) ** 2 / max(1, len(codes)))
        q /= norm
        # The most common n-grams (" de", "ing ", "的") touch thousands of
        # phrasings for a sliver of score each: they count in the norm above
        # but are not gathered, which keeps long messages fast.
        informative = self.indptr[ids + 1] - self.indptr[ids] <= self.max_postings
        ids, q = ids[informative], q[informative]
        starts, ends = self.indptr[ids], self.indptr[ids + 1]
        lengths = ends - starts
        idx = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(lengths.sum())
        contrib = self.post_weights[idx] * np.repeat(q, lengths)
        return np.bincount(self.post_docs[idx], weights=contrib, minlength=self.size).astype(
            np.float32
        )


def _word_tokens(text: str) -> list[str]:
    """Word tokens, cut to 5 characters as a cheap stemmer for inflected
    languages; Chinese and Korean runs become overlapping character pairs."""
    if text.isascii():
        return [word[:5] for word in text.split()]
    out: list[str] = []
    for word in text.split():
        if _UNSPACED.search(word):
            out += [word[i : i + 2] for i in range(max(1, len(word) - 1))]
        else:
            out.append(word[:5])
    return out


def _words(text: str) -> Counter[str]:
    return Counter(_word_tokens(text))


# A message's word row: known word ids and their weights (None: no known word).
Query = tuple[list[int], np.ndarray] | None


@dataclass(frozen=True)
class _WordFeatures:
    """Word TF-IDF rows of the phrasings (sublinear tf, unit length), kept as
    the (document, word, weight) triple of every nonzero, word-major."""

    vocab: dict[str, int]
    idf: np.ndarray
    docs: np.ndarray
    ids: np.ndarray
    unit: np.ndarray

    @classmethod
    def build(cls, texts: Sequence[str]) -> _WordFeatures:
        size = len(texts)
        tokens: list[str] = []
        lengths: list[int] = []
        for text in texts:
            words = _word_tokens(text)
            tokens += words
            lengths.append(len(words))
        vocab = {w: i for i, w in enumerate(dict.fromkeys(tokens))}
        occ_words = np.fromiter(map(vocab.__getitem__, tokens), np.int64, len(tokens))
        occ_docs = np.repeat(np.arange(size, dtype=np.int64), lengths)
        ids, docs, unit, _, idf = _sublinear_tfidf(occ_words, occ_docs, len(vocab), size)
        return cls(vocab, idf, docs, ids, unit)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "words_vocab": np.array(list(self.vocab), dtype=str),
            "words_idf": self.idf,
            "words_docs": self.docs,
            "words_ids": self.ids,
            "words_unit": self.unit,
        }

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray], size: int) -> _WordFeatures | None:
        """The features cached for the same texts (`size` of them), if sound."""
        names = ("words_vocab", "words_idf", "words_docs", "words_ids", "words_unit")
        if any(name not in data for name in names):
            return None
        words, idf, docs, ids, unit = (data[name] for name in names)
        if not (
            words.ndim == 1
            and idf.shape == words.shape
            and docs.shape == ids.shape == unit.shape
            and (not len(ids) or (int(ids.max()) < len(words) and int(docs.max()) < size))
        ):
            return None
        vocab = {w: i for i, w in enumerate(words.tolist())}
        if len(vocab) != len(words):
            return None
        return cls(vocab, idf, docs, ids, unit)

    def query(self, text: str) -> Query:
        """The message's row: known word ids and their weights. Unknown words
        count in the norm, so a message mostly unlike the pack scores low."""
        counted = _words(text)
        known = [(self.vocab[w], tf) for w, tf in counted.items() if w in self.vocab]
        if not known:
            return None
        ids = [i for i, _ in known]
        q = (1 + np.log(np.asarray([tf for _, tf in known], dtype=np.float32))) * self.idf[ids]
        total = math.sqrt(float(q @ q) + sum(1 for w in counted if w not in self.vocab))
        return ids, q / total


def _gather(
    indptr: np.ndarray, ids: np.ndarray | list[int], q: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the nonzeros of CSR rows `ids`, and each row's query
    weight repeated over its nonzeros."""
    rows = np.asarray(ids, dtype=np.int64)
    starts, ends = indptr[rows], indptr[rows + 1]
    lengths = ends - starts
    idx = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(lengths.sum())
    return idx, np.repeat(q, lengths)


class _WordCentroids:
    """Word-level TF-IDF centroids per label: a second, independent view.

    Character n-grams see spelling; whole words see which concepts a message
    combines, even when no single phrasing combines them the same way.

    A word has weight only in the labels whose phrasings use it, so the
    centroids are kept as sparse rows (word -> labels), not a dense
    vocabulary x labels matrix: memory grows with the phrasings, not with
    vocabulary times labels.
    """

    def __init__(self, features: _WordFeatures, labels: np.ndarray, n_labels: int):
        self.n_labels = n_labels
        size = max(1, n_labels)
        keys, inverse = np.unique(
            features.ids.astype(np.int64) * size + labels[features.docs], return_inverse=True
        )
        # float32 sums in occurrence order, as a dense matrix's np.add.at would.
        sums = np.zeros(len(keys), dtype=np.float32)
        np.add.at(sums, inverse, features.unit)
        self.cols = (keys % size).astype(np.int32)
        norms = np.sqrt(np.bincount(self.cols, weights=sums * sums, minlength=n_labels))
        self.vals = (sums / np.maximum(norms, 1e-9).astype(np.float32)[self.cols]).astype(
            np.float32
        )
        self.indptr = np.zeros(len(features.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // size, minlength=len(features.vocab)), out=self.indptr[1:])

    def scores(self, query: Query) -> np.ndarray:
        if query is None:
            return np.zeros(self.n_labels, dtype=np.float32)
        ids, q = query
        idx, weights = _gather(self.indptr, ids, q)
        return np.bincount(
            self.cols[idx], weights=self.vals[idx] * weights, minlength=self.n_labels
        ).astype(np.float32)


class _Weights:
    """A vocabulary x labels weight matrix, kept small.

    Trained one-vs-rest weights of a word are nearly the same for every label
    whose phrasings do not use it; they differ for the few labels that do,
    or that the word must be told apart from. So each word keeps one weight
    per block of `_BLOCK` labels (their median), and sparse rows (word ->
    labels) hold the weights that differ from it by more than `_PRUNE`.
    A decision moves by at most `_PRUNE` per unit of the message's word
    weights: far below anything a threshold sees.
    """

    def __init__(
        self,
        base: np.ndarray,
        indptr: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray,
        n_labels: int,
    ):
        self.base, self.indptr, self.cols, self.vals = base, indptr, cols, vals
        self.n_labels = n_labels

    @classmethod
    def zeros(cls, n_words: int, n_labels: int) -> _Weights:
        blocks = -(-n_labels // _BLOCK)
        return cls(
            np.zeros((n_words, blocks), dtype=np.float32),
            np.zeros(n_words + 1, dtype=np.int64),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.float32),
            n_labels,
        )

    @classmethod
    def compress(
        cls,
        blocks: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
        n_words: int,
        n_labels: int,
    ) -> _Weights:
        """From each block's (median per word, rows, labels, differences),
        each block's entries word-major: filled straight into place, block
        after block, so the labels of a word stay in ascending order."""
        base = np.zeros((n_words, len(blocks)), dtype=np.float32)
        counts = np.zeros(n_words, dtype=np.int64)
        for i, (median, rows, _, _) in enumerate(blocks):
            base[:, i] = median
            counts += np.bincount(rows, minlength=n_words)
        indptr = np.zeros(n_words + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        cols = np.empty(int(indptr[-1]), dtype=np.int32)
        vals = np.empty(int(indptr[-1]), dtype=np.float32)
        filled = indptr[:-1].copy()  # next free place in each word's row
        for _, rows, labels, diffs in blocks:
            per_word = np.bincount(rows, minlength=n_words)
            first = np.cumsum(per_word) - per_word  # each word's first entry in the block
            at = filled[rows] + (np.arange(len(rows)) - first[rows])
            cols[at], vals[at] = labels, diffs
            filled += per_word
        return cls(base, indptr, cols, vals, n_labels)

    @staticmethod
    def prune(
        first: int, dense: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One block's dense weights (words x its labels) as median + differences."""
        median = np.median(dense, axis=1).astype(np.float32)
        diff = dense - median[:, None]
        rows, cols = np.nonzero(np.abs(diff) > _PRUNE)
        return median, rows.astype(np.int32), (cols + first).astype(np.int32), diff[rows, cols]

    def decision(self, ids: list[int], q: np.ndarray) -> np.ndarray:
        """q @ W[ids]: the message's words' weights, for every label."""
        shared = np.repeat(q @ self.base[ids], _BLOCK)[: self.n_labels]
        idx, weights = _gather(self.indptr, ids, q)
        moved = np.bincount(
            self.cols[idx], weights=self.vals[idx] * weights, minlength=self.n_labels
        )
        return np.asarray(shared + moved, dtype=np.float32)

    def dense(self) -> np.ndarray:
        """The whole matrix (tests and tools; the matcher never builds it)."""
        out = np.repeat(self.base, _BLOCK, axis=1)[:, : self.n_labels].copy()
        rows = np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))
        out[rows, self.cols] += self.vals
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return {"base": self.base, "indptr": self.indptr, "cols": self.cols, "vals": self.vals}

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray], shape: tuple[int, int]) -> _Weights | None:
        n_words, n_labels = shape
        base, indptr = data["base"], data["indptr"]
        cols, vals = data["cols"], data["vals"]
        if (
            base.shape != (n_words, -(-n_labels // _BLOCK))
            or indptr.shape != (n_words + 1,)
            or cols.shape != vals.shape
            or int(indptr[-1]) != len(cols)
            or (len(cols) and int(cols.max()) >= n_labels)
        ):
            return None
        return cls(
            base.astype(np.float32),
            indptr.astype(np.int64),
            cols.astype(np.int32),
            vals.astype(np.float32),
            n_labels,
        )


class _LinearWords:
    """A linear SVM over the same word features, one label against the rest.

    Similarity views ask "which phrasing is this most like"; this one learns
    which words tell neighbouring topics apart ("IDNYC" in "will the city pass
    my data to ICE if I get an IDNYC"), from the pack's own phrasings.

    Training takes about half a second on the shipped pack, so the weights
    are kept in the matcher's cache (see `Matcher`) under a hash of
    everything they depend on: a restart with unchanged content loads them in
    milliseconds, and any edit (or a change to the trainer) trains afresh.
    """

    VERSION = 2  # bump when the features, the trainer or the stored form change

    def __init__(self, weights: _Weights, intercept: np.ndarray):
        self.weights = weights
        self.intercept = intercept

    @classmethod
    def train(
        cls, features: _WordFeatures, labels: np.ndarray, n_labels: int, c: float
    ) -> _LinearWords:
        shape = (len(features.vocab), n_labels)
        if len(np.unique(labels)) < 2:  # nothing to tell apart: every label scores 0
            return cls(_Weights.zeros(*shape), np.full(n_labels, -1.0, dtype=np.float32))
        return cls(*_train_svm(features, labels, shape, c))

    @classmethod
    def key(cls, c: float) -> tuple[object, ...]:
        return (
            cls.VERSION,
            c,
            _TELLING,
            _SVM_EPOCHS,
            _SVM_RATE,
            _ADAM_B1,
            _ADAM_B2,
            _BLOCK,
            _PRUNE,
            _NEGATIVES,
        )

    def arrays(self) -> dict[str, np.ndarray]:
        return {**self.weights.arrays(), "intercept": self.intercept}

    @classmethod
    def from_arrays(
        cls, data: Mapping[str, np.ndarray], shape: tuple[int, int]
    ) -> _LinearWords | None:
        weights = _Weights.from_arrays(data, shape)
        intercept = data["intercept"]
        if weights is None or intercept.shape != (shape[1],):
            return None
        return cls(weights, intercept.astype(np.float32))

    def scores(self, query: Query) -> np.ndarray:
        """Decision values mapped so the margin -1..1 becomes 0..1."""
        decision = self.intercept
        if query is not None:
            ids, q = query
            decision = self.weights.decision(ids, q) + self.intercept
        return np.asarray(np.clip((decision + 1) / 2, 0, None), dtype=np.float32)


def _train_svm(
    features: _WordFeatures, labels: np.ndarray, shape: tuple[int, int], c: float
) -> tuple[_Weights, np.ndarray]:
    """One-vs-rest L2-loss linear SVM (LinearSVC's objective: squared hinge
    times `c`, plus half the squared norm), fitted by mini-batch Adam.

    Written out in numpy because scikit-learn alone costs about 2 s and
    110 MB to import, more than the training itself; on the shipped pack
    this reaches the same accuracy as liblinear in about half a second.

    One-vs-rest labels do not interact (each has its own weights, bias and
    Adam state; every label sees the same batches), so labels are trained a
    block at a time: the optimiser's state is words x `_BLOCK`, whatever the
    number of labels, and each block is pruned (see `_Weights`) as soon as
    it is trained.

    In a big pack most phrasings are another block's: a block is trained on
    its own phrasings, every other phrasing that shares a telling word with
    them (in at most 1/`_TELLING` of the phrasings: the neighbours a topic
    must be told apart from), and `_NEGATIVES` times as many of the rest (an
    even random share, their loss weighted up to stand for all of them).
    A block whose phrasings are a third of the pack or more (every block of a
    city pack) trains on every phrasing.
    """
    n = int(labels.shape[0])
    n_words, n_labels = shape
    docs = features.docs
    order = np.argsort(docs, kind="stable")  # document-major nonzeros
    row_ids, row_vals = features.ids[order], features.unit[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=n), out=indptr[1:])
    everyone: list[_Batch] | None = None
    df = np.bincount(
        np.unique(docs.astype(np.int64) * n_words + features.ids) % n_words, minlength=n_words
    )
    sampler = np.random.default_rng(1)
    blocks = []
    bias = np.zeros(n_labels, dtype=np.float32)
    for first in range(0, n_labels, _BLOCK):
        width = min(_BLOCK, n_labels - first)
        mine = (labels >= first) & (labels < first + width)
        positives = int(mine.sum())
        keep = min(1.0, _NEGATIVES * positives / max(1, n - positives))
        if keep >= 1.0:  # a small pack: every row, the batches cut once
            if everyone is None:
                everyone = _cut_steps(np.arange(n), indptr, row_ids, row_vals)
            dense, bias[first : first + width] = _train_block(
                everyone, labels - first, n, n_words, width, c
            )
        else:
            # The block's phrasings; every other phrasing that shares a
            # telling word with them (the neighbours it must be told apart
            # from); and an even share of the rest, weighted up so that
            # they weigh what all of them would.
            near = _sharing(mine, docs, features.ids, df, n_words, n // _TELLING)
            easy = ~(mine | near)
            keep = min(1.0, _NEGATIVES * positives / max(1, int(easy.sum())))
            chosen = mine | near | (easy & (sampler.random(n) < keep))
            subset = np.flatnonzero(chosen)
            weight = np.where(easy[subset], 1.0 / keep, 1.0).astype(np.float32)
            steps = _cut_steps(subset, indptr, row_ids, row_vals)
            dense, bias[first : first + width] = _train_block(
                steps, labels[subset] - first, len(subset), n_words, width, c, weight
            )
        blocks.append(_Weights.prune(first, dense))
        del dense
    return _Weights.compress(blocks, n_words, n_labels), bias


def _sharing(
    mine: np.ndarray, docs: np.ndarray, ids: np.ndarray, df: np.ndarray, n_words: int, most: int
) -> np.ndarray:
    """The rows outside `mine` that use a word of `mine`'s rows found in at
    most `most` rows (common words tell nothing apart)."""
    used = np.zeros(n_words, dtype=bool)
    used[ids[mine[docs]]] = True
    used &= df <= max(1, most)
    near = np.bincount(docs, weights=used[ids], minlength=len(mine)) > 0
    return np.asarray(near & ~mine)


def _cut_steps(
    subset: np.ndarray, indptr: np.ndarray, row_ids: np.ndarray, row_vals: np.ndarray
) -> list[_Batch]:
    """The training steps over the rows `subset` (a batch's `rows` are places in it)."""
    n = len(subset)
    # About 25 steps an epoch and at least 125 in all, whatever the pack's size.
    batch = int(np.clip(n // 25, 16, 512))
    epochs = max(_SVM_EPOCHS, math.ceil(125 / math.ceil(n / batch)))
    # The batches: rows, their nonzeros' words and values, the words a batch
    # touches, and each nonzero's place among them.
    rng = np.random.default_rng(0)
    steps = []
    for _ in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch):
            rows = perm[start : start + batch]
            at = subset[rows]
            lengths = indptr[at + 1] - indptr[at]
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            nz = np.repeat(indptr[at] - offsets, lengths) + np.arange(lengths.sum())
            words = row_ids[nz]
            steps.append(_Batch.cut(rows, lengths, offsets, words, row_vals[nz]))
    return steps


@dataclass(frozen=True)
class _Batch:
    """One training step's rows and their nonzeros, cut once for every block."""

    rows: np.ndarray
    offsets: np.ndarray  # where each row's nonzeros start
    words: np.ndarray
    vals: np.ndarray
    touched: np.ndarray  # the distinct words
    once_at: np.ndarray  # words met once: their place in `touched`,
    once_rows: np.ndarray  # the row (within the batch) they are in,
    once_vals: np.ndarray  # and their value
    more_at: np.ndarray  # words met more often: their place in `touched`,
    more_starts: np.ndarray  # where their run starts among the following,
    more_rows: np.ndarray  # the rows of their nonzeros (grouped by word,
    more_vals: np.ndarray  # batch order within a word), and the values

    @classmethod
    def cut(
        cls,
        rows: np.ndarray,
        lengths: np.ndarray,
        offsets: np.ndarray,
        words: np.ndarray,
        vals: np.ndarray,
    ) -> _Batch:
        touched, inverse, counts = np.unique(words, return_inverse=True, return_counts=True)
        in_row = np.repeat(np.arange(len(rows)), lengths)
        once = counts[inverse] == 1
        order = np.flatnonzero(~once)
        order = order[np.argsort(inverse[order], kind="stable")]
        grouped = inverse[order]
        starts = np.flatnonzero(np.concatenate([[True], grouped[1:] != grouped[:-1]]))
        starts = starts[: len(grouped)]  # no word met twice: no run
        i32 = np.int32  # every index here is below 2^31: half the memory of int64
        return cls(
            rows.astype(i32),
            offsets.astype(i32),
            words.astype(i32),
            vals,
            touched.astype(i32),
            inverse[once].astype(i32),
            in_row[once].astype(i32),
            vals[once],
            grouped[starts].astype(i32),
            starts.astype(i32),
            in_row[order].astype(i32),
            vals[order],
        )


def _train_block(
    steps: Sequence[_Batch],
    labels: np.ndarray,
    n: int,
    n_words: int,
    n_labels: int,
    c: float,
    weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Labels 0..n_labels-1 of `labels` (others are negatives everywhere);
    each row's loss times its `weight`, if given."""
    total = float(weight.sum()) if weight is not None else float(n)
    target = -np.ones((n, n_labels), dtype=np.float32)
    mine = (labels >= 0) & (labels < n_labels)
    target[np.flatnonzero(mine), labels[mine]] = 1.0
    weights = np.zeros((n_words, n_labels), dtype=np.float32)
    m_w, v_w = np.zeros_like(weights), np.zeros_like(weights)
    bias = np.zeros(n_labels, dtype=np.float32)
    m_b, v_b = np.zeros_like(bias), np.zeros_like(bias)
    for step, b in enumerate(steps, 1):
        rows, touched = b.rows, b.touched
        decision = np.add.reduceat(b.vals[:, None] * weights[b.words], b.offsets, axis=0) + bias
        y = target[rows]
        grad_out = -2 * c * y * np.maximum(0, 1 - y * decision)
        if weight is not None:
            grad_out *= weight[rows][:, None]
        # Most words occur once in a batch: their gradient is one product.
        # The others are summed in float64, in the batch's order, as a
        # bincount over every nonzero would.
        grad_w = np.empty((len(touched), n_labels), dtype=np.float32)
        grad_w[b.once_at] = b.once_vals[:, None] * grad_out[b.once_rows]
        if len(b.more_rows):
            more = (b.more_vals[:, None] * grad_out[b.more_rows]).astype(np.float64)
            grad_w[b.more_at] = np.add.reduceat(more, b.more_starts, axis=0)
        # This batch's part of the regulariser.
        share = len(rows) / n if weight is None else float(weight[rows].sum()) / total
        current, m_t, v_t = weights[touched], m_w[touched], v_w[touched]
        grad_w += share * current
        grad_b = grad_out.sum(axis=0) + share * bias
        fix1, fix2 = 1 - _ADAM_B1**step, 1 - _ADAM_B2**step
        # In place, in the order of w -= rate * (m / fix1) / (sqrt(v / fix2) + 1e-8).
        m_t *= _ADAM_B1
        m_t += (1 - _ADAM_B1) * grad_w
        v_t *= _ADAM_B2
        square = (1 - _ADAM_B2) * grad_w
        square *= grad_w
        v_t += square
        move = m_t / fix1
        move *= _SVM_RATE
        root = v_t / fix2
        np.sqrt(root, out=root)
        root += 1e-8
        move /= root
        current -= move
        weights[touched], m_w[touched], v_w[touched] = current, m_t, v_t
        m_b = _ADAM_B1 * m_b + (1 - _ADAM_B1) * grad_b
        v_b = _ADAM_B2 * v_b + (1 - _ADAM_B2) * grad_b * grad_b
        bias -= _SVM_RATE * (m_b / fix1) / (np.sqrt(v_b / fix2) + 1e-8)
    return weights, bias


_CACHE_KEEP = 8  # derived arrays of this many recent packs (editors' versions, other cities)
_SVM_EPOCHS = 5
_SVM_RATE = 0.05
_ADAM_B1, _ADAM_B2 = 0.9, 0.999
_BLOCK = 64  # labels trained together, sharing one median weight per word
_TELLING = 100  # a word in at most 1/this of the phrasings tells topics apart
_NEGATIVES = 2  # a block of a big pack trains on its phrasings and this many times as many others
_PRUNE = 1e-4  # a weight this close to its block's median is stored as the median


def _prune(folder: Path) -> None:
    """Keep the most recently used arrays; another process may be pruning too."""
    dated = []
    for path in folder.glob("linear-*.npz"):
        with contextlib.suppress(OSError):
            dated.append((path.stat().st_mtime, path))
    for _, old in sorted(dated, reverse=True)[_CACHE_KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _load_arrays(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # missing or damaged: build again
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: pruning keeps the most recently used
    return arrays


def _store_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write-then-rename, so a reader never sees half a file; a cache that
    cannot be written only costs the next start its build time."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".linear-", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError as exc:
        log.warning("matcher cache not written (%s): %s", path.parent, exc.strerror or exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
        cached = _load_arrays(cache) if cache else None
        self.index = _TfIdf(self.texts, cached)
        features = _WordFeatures.from_arrays(cached, len(self.texts)) if cached else None
        self.word_features = features or _WordFeatures.build(self.texts)
        self.words = _WordCentroids(self.word_features, self.phrase_label, len(self.labels))
        self._label_vocab = self._label_words()
        idf = self.word_features.idf
        self._unknown_idf = float(idf.max()) if len(idf) else 1.0
        shape = (len(self.word_features.vocab), len(self.labels))
        linear = _LinearWords.from_arrays(cached, shape) if cached else None
        if linear is None:
            linear = _LinearWords.train(
                self.word_features, self.phrase_label, len(self.labels), self.settings.linear_c
            )
            if cache:
                arrays = {**self.index.arrays(), **self.word_features.arrays()}
                _store_arrays(cache, {**arrays, **linear.arrays()})
        self.linear = linear
        # token_sort_ratio is ratio over sorted tokens: sort the phrasings once.
        self.sorted_texts = [" ".join(sorted(t.split())) for t in self.texts]
        self.keywords = _PhraseIndex(
            {label: words for label, words in (keywords or {}).items() if label in self._label_pos}
        )
        self.signals = _PhraseIndex(signals or {})
        self.asides = _Phrases(asides)

    def _key(self) -> str:
        digest = hashlib.sha256(f"{_LinearWords.key(self.settings.linear_c)!r}\x1e".encode())
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
        if len(rest.split()) >= 2 or (rest and _UNSPACED.search(rest)):
            norm = rest
        per_label, blended = self._label_scores(norm)
        for label in self.keywords.find(norm):
            per_label[self._label_pos[label]] += s.keyword_bonus
        char_top = int(np.argmax(per_label))
        query = self.word_features.query(norm)
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
        if _UNSPACED.search(norm):
            return 1.0
        known, close = self._label_vocab[label]
        features = self.word_features
        words = []
        for word in set(_word_tokens(norm)):
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


@dataclass(frozen=True)
class Ranking:
    """Every label's score for one message, best first, before any decision."""

    candidates: tuple[Candidate, ...]
    agree: bool  # the character and word views pick the same best label
    phrase_language: str | None
    signals: frozenset[str]
    coverage: float = 1.0  # share of the message's words the best label knows


class _PhraseIndex:
    """Which named phrase lists occur in a normalised message: whole words in
    spaced scripts, plain substrings in Chinese and Korean (no word spaces).

    Phrases are indexed by first word (or first character), so one pass over
    the message's words and CJK characters finds every list that matches.
    """

    def __init__(self, named: Mapping[str, Iterable[str]]):
        self._by_word: dict[str, list[tuple[str, str]]] = {}
        self._by_char: dict[str, list[tuple[str, str]]] = {}
        for name, phrases in named.items():
            for phrase in {pack_normalize(p) for p in phrases} - {""}:
                if _UNSPACED.search(phrase):
                    self._by_char.setdefault(phrase[0], []).append((f"{phrase}", name))
                else:
                    self._by_word.setdefault(phrase.split()[0], []).append((f" {phrase} ", name))

    def find(self, normalized_text: str) -> set[str]:
        found: set[str] = set()
        padded = f" {normalized_text} "
        for word in set(normalized_text.split()):
            for phrase, name in self._by_word.get(word, ()):
                if name not in found and phrase in padded:
                    found.add(name)
        if self._by_char:
            for m in _UNSPACED.finditer(normalized_text):
                for phrase, name in self._by_char.get(m.group(), ()):
                    if name not in found and normalized_text.startswith(phrase, m.start()):
                        found.add(name)
        return found


class _Phrases:
    """Phrases set aside before matching (a volunteered status is not the question)."""

    def __init__(self, phrases: Iterable[str]):
        normalized = {pack_normalize(p) for p in phrases} - {""}
        # Longest first, so "i have no papers" goes before "no papers".
        self.phrases = sorted(normalized, key=len, reverse=True)
        self._rank = {p: i for i, p in enumerate(self.phrases)}
        # Hundreds of phrases: find the few present in one pass (each phrase
        # is its own named list), remove only those.
        self._index = _PhraseIndex({p: [p] for p in self.phrases})

    def remove(self, normalized_text: str) -> str:
        present = self._index.find(normalized_text)
        if not present:
            return normalized_text
        padded = f" {normalized_text} "
        for p in sorted(present, key=self._rank.__getitem__):
            if _UNSPACED.search(p):
                padded = padded.replace(p, " ")
            else:
                padded = padded.replace(f" {p} ", " ")
        return " ".join(padded.split())


_UNSPACED = re.compile(r"[\u3400-\u9fff\uac00-\ud7a3]")
