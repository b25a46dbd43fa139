"""The word view: word TF-IDF rows of the phrasings, and centroids per label.

Character n-grams see spelling; whole words see which concepts a message
combines. The same word rows feed the linear view (`linear.py`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .tfidf import gather, sublinear_tfidf

CUT = 5  # letters a word token keeps

# Russian case and number endings taken off a Cyrillic word before the cut
# when at least four letters stay. The cut alone keeps the ending of a short
# word: "школа", "школу", "школе" and "грин карта", "грин карту" were
# different words to the word and linear views. (Three-letter stems, "суд",
# "суда", were measured too: they merged words a topic tells apart and cost
# a wrong answer.) Cyrillic is only Russian in the pack; folded text has е for ё.
_RUSSIAN_ENDING = re.compile(
    r"(?<=[а-я]{4})(?:ями|ами|ого|его|ому|ему|ыми|ими|ах|ях|ом|ем|ой|ей|ый|ий|ая|яя"
    r"|ое|ее|ую|юю|ые|ие|ов|ев|ам|ям|[аяоеуюыи])$"
)
_CYRILLIC = re.compile(r"[а-я]")


def word_token(word: str) -> str:
    """One word's token (not for Chinese or Korean runs): cut to five
    letters, a cheap stemmer for inflected languages, after a Russian
    word's ending is taken off."""
    if _CYRILLIC.match(word):
        word = _RUSSIAN_ENDING.sub("", word, count=1)
    return word[:CUT]


def word_tokens(text: str) -> list[str]:
    """Word tokens (`word_token`); Chinese and Korean runs become
    overlapping character pairs."""
    if text.isascii():
        return [word[:CUT] for word in text.split()]
    out: list[str] = []
    for word in text.split():
        if UNSPACED.search(word):
            out += [word[i : i + 2] for i in range(max(1, len(word) - 1))]
        else:
            out.append(word_token(word))
    return out


def _words(text: str) -> Counter[str]:
    return Counter(word_tokens(text))


# A message's word row: known word ids and their weights (None: no known word).
Query = tuple[list[int], np.ndarray] | None


@dataclass(frozen=True)
class WordFeatures:
    """Word TF-IDF rows of the phrasings (sublinear tf, unit length), kept as
    the (document, word, weight) triple of every nonzero, word-major."""

    vocab: dict[str, int]
    idf: np.ndarray
    docs: np.ndarray
    ids: np.ndarray
    unit: np.ndarray

    @classmethod
    def build(cls, texts: Sequence[str]) -> WordFeatures:
        size = len(texts)
        tokens: list[str] = []
        lengths: list[int] = []
        for text in texts:
            words = word_tokens(text)
            tokens += words
            lengths.append(len(words))
        vocab = {w: i for i, w in enumerate(dict.fromkeys(tokens))}
        occ_words = np.fromiter(map(vocab.__getitem__, tokens), np.int64, len(tokens))
        occ_docs = np.repeat(np.arange(size, dtype=np.int64), lengths)
        ids, docs, unit, _, idf = sublinear_tfidf(occ_words, occ_docs, len(vocab), size)
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
    def from_arrays(cls, data: Mapping[str, np.ndarray], size: int) -> WordFeatures | None:
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


class WordCentroids:
    """Word-level TF-IDF centroids per label: a second, independent view.

    Character n-grams see spelling; whole words see which concepts a message
    combines, even when no single phrasing combines them the same way.

    A word has weight only in the labels whose phrasings use it, so the
    centroids are kept as sparse rows (word -> labels), not a dense
    vocabulary x labels matrix: memory grows with the phrasings, not with
    vocabulary times labels.
    """

    def __init__(self, features: WordFeatures, labels: np.ndarray, n_labels: int):
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
        idx, weights = gather(self.indptr, ids, q)
        return np.bincount(
            self.cols[idx], weights=self.vals[idx] * weights, minlength=self.n_labels
        ).astype(np.float32)


UNSPACED = re.compile(r"[\u3400-\u9fff\uac00-\ud7a3]")
