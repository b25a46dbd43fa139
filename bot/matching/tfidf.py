"""Sparse TF-IDF arithmetic shared by the character and word views."""

from __future__ import annotations

import numpy as np


def sublinear_tfidf(
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
    return (terms, docs, *weigh(terms, docs, tfs, n_terms, size))


def weigh(
    terms: np.ndarray, docs: np.ndarray, tfs: np.ndarray, n_terms: int, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-length sublinear TF-IDF weights of term-major (term, document, tf)
    nonzeros, plus each term's document frequency and idf."""
    df = np.bincount(terms, minlength=n_terms)
    idf = (np.log((1 + size) / (1 + df.astype(np.float32))) + 1.0).astype(np.float32)
    weights = (1 + np.log(tfs.astype(np.float32))) * idf[terms]
    norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=size))
    np.maximum(norms, 1e-9, out=norms)
    # Divided in float64 and rounded to float32 a slice at a time: the whole
    # pack at once would be three float64 temporaries of every nonzero (a
    # large pack's character index: the peak of its build).
    unit = np.empty(len(weights), dtype=np.float32)
    for start in range(0, len(weights), _SLICE):
        part = slice(start, start + _SLICE)
        unit[part] = weights[part] / norms[docs[part]]
    return unit, df, idf


_SLICE = 1 << 18


def narrowest(size: int) -> type[np.unsignedinteger] | type[np.signedinteger]:
    """The narrowest type for numbers below `size` (phrasings, labels): 16
    bits up to 65,536 of them (every city pack), half the memory of the
    largest arrays a matcher keeps (postings, weights' labels). numpy widens
    them to intp to index or count, so the scores are the same to the bit."""
    return np.uint16 if size <= 1 << 16 else np.int32


def gather(
    indptr: np.ndarray, ids: np.ndarray | list[int], q: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the nonzeros of CSR rows `ids`, and each row's query
    weight repeated over its nonzeros."""
    rows = np.asarray(ids, dtype=np.int64)
    starts, ends = indptr[rows], indptr[rows + 1]
    lengths = ends - starts
    idx = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(lengths.sum())
    return idx, np.repeat(q, lengths)
