"""The matcher's largest arrays in their narrowest types, and a message's
postings summed a slice at a time: the same scores as before, to the bit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.matching import Matcher, Phrase, chars
from bot.matching.tfidf import narrowest

PHRASES = [
    Phrase("id", "en", "how do I get an IDNYC card"),
    Phrase("id", "en", "where can I apply for the city ID"),
    Phrase("id", "es", "donde saco la tarjeta IDNYC"),
    Phrase("lawyer", "en", "I need a free immigration lawyer"),
    Phrase("lawyer", "es", "necesito un abogado de inmigracion gratis"),
    Phrase("lawyer", "ru", "мне нужен бесплатный адвокат по иммиграции"),
    Phrase("school", "en", "can my child go to public school without papers"),
    Phrase("school", "es", "mi hijo puede ir a la escuela sin papeles"),
    Phrase("school", "ru", "может ли мой ребенок ходить в школу без документов"),
]


def _all_at_once(index: chars.CharIndex, text: str) -> np.ndarray:
    """The scores as one bincount over every gathered posting (the form
    before the slices), from the index's own arrays."""
    codes, counts = np.unique(chars._corpus_codes([text])[1], return_counts=True)
    ids = index._lookup(codes)
    tf = counts.astype(np.float32)
    known = ids >= 0
    q = (1 + np.log(tf[known])) * index.idf[ids[known]]
    unknown = float(np.sum(1 + np.log(tf[~known])))
    q /= math.sqrt(float(q @ q) + (unknown * 3.0) ** 2 / max(1, len(codes)))
    ids = ids[known]
    kept = index.indptr[ids + 1] - index.indptr[ids] <= index.max_postings
    ids, q = ids[kept], q[kept]
    docs = np.concatenate([index.post_docs[index.indptr[i] : index.indptr[i + 1]] for i in ids])
    weights = np.concatenate(
        [index.post_weights[index.indptr[i] : index.indptr[i + 1]] for i in ids]
    )
    contrib = weights * np.repeat(q, index.indptr[ids + 1] - index.indptr[ids])
    return np.bincount(docs.astype(np.int64), weights=contrib, minlength=index.size).astype(
        np.float32
    )


@pytest.mark.parametrize("slice_size", [1, 7, 1 << 15])
def test_postings_summed_in_slices_score_as_all_at_once(
    monkeypatch: pytest.MonkeyPatch, slice_size: int
) -> None:
    monkeypatch.setattr(chars, "_GATHER", slice_size)
    index = chars.CharIndex([p.text.lower() for p in PHRASES])
    for text in (
        "how do i get idnyc",
        "necesito abogado gratis para la escuela de mi hijo sin papeles",
        "адвокат школа",
    ):
        slices = index.scores(text)
        assert slices.any()
        assert np.array_equal(slices, _all_at_once(index, text))


def test_phrasing_and_label_numbers_take_16_bits_in_a_city_pack() -> None:
    m = Matcher(PHRASES)
    assert m.index.post_docs.dtype == np.uint16
    assert m.linear.weights.cols.dtype == np.uint16
    assert m.romanised is not None
    assert m.romanised.indexes["ru"].post_docs.dtype == np.uint16
    # ...and 32 beyond 65,536 of them.
    assert narrowest(1 << 16) is np.uint16
    assert narrowest((1 << 16) + 1) is np.int32


def test_an_index_cached_with_32_bit_phrasing_numbers_is_taken(tmp_path) -> None:  # type: ignore[no-untyped-def]
    texts = [p.text.lower() for p in PHRASES]
    built = chars.CharIndex(texts)
    arrays = built.arrays()
    arrays["index_post_docs"] = arrays["index_post_docs"].astype(np.int32)
    taken = chars.CharIndex(texts, arrays)
    assert taken.post_docs.dtype == np.uint16
    assert np.array_equal(taken.scores("free lawyer"), built.scores("free lawyer"))
