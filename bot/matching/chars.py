"""The character view: n-gram TF-IDF against every example phrasing.

Character 2-4-grams inside words (sublinear tf): robust to typos, and it
works in every script without a tokenizer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .tfidf import narrowest, weigh

_MAX_DF = 0.1  # n-grams in more phrasings than this are not gathered
_GATHER = 1 << 15  # postings summed at a time (see CharIndex.scores)

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


class CharIndex:
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
        occ_docs, codes = _corpus_codes(texts)
        docs = occ_docs[np.argsort(codes, kind="stable")]
        del occ_docs
        # The codes sorted in place: equal codes are alike, so any order of
        # them is the stable one (and no second copy of the largest array).
        codes.sort()
        new_term = np.ones(len(codes), dtype=bool)
        np.not_equal(codes[1:], codes[:-1], out=new_term[1:])
        self.codes = codes[new_term]
        del codes
        term_of = np.cumsum(new_term, dtype=np.int32) - 1
        new_term[1:] |= docs[1:] != docs[:-1]  # now: a new (n-gram, document) pair
        starts = np.flatnonzero(new_term)
        del new_term
        tfs = np.diff(starts, append=len(docs))
        terms, self.post_docs = term_of[starts], docs[starts].astype(narrowest(self.size))
        del term_of, docs, starts
        self.post_weights, df, self.idf = weigh(
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
        # (A cache written before the 16-bit phrasing numbers is still good.)
        docs = docs.astype(narrowest(self.size), copy=False)
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
        # Each n-gram's postings are one slice: joined as slices, they take a
        # quarter less time than through an index array built for them (a
        # long message gathers ~140,000). Same values, same order.
        spans = list(zip(starts.tolist(), ends.tolist(), strict=True))
        if not spans:
            return np.zeros(self.size, dtype=np.float32)
        # Summed about 32,000 postings at a time, each phrasing's in the
        # order one bincount over all of them adds them (float64 from zero:
        # the same scores to the bit). All at once, a long message's 200,000
        # postings and their float64 and intp copies were 6 MB, the peak of
        # the bot's memory after its start.
        total = np.zeros(self.size, dtype=np.float64)
        lengths = (ends - starts).tolist()
        first = count = 0
        for last in range(1, len(spans) + 1):
            count += lengths[last - 1]
            if count < _GATHER and last < len(spans):
                continue
            part = spans[first:last]
            weights = np.concatenate([self.post_weights[a:b] for a, b in part])
            docs = np.concatenate([self.post_docs[a:b] for a, b in part]).astype(np.intp)
            contrib = weights * np.repeat(q[first:last], lengths[first:last])
            np.add.at(total, docs, contrib.astype(np.float64))
            first, count = last, 0
        return total.astype(np.float32)
