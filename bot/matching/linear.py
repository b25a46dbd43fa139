"""The linear view: a one-vs-rest SVM over the word rows, trained on the
pack's phrasings, with its weights kept small (a median per block of labels
plus the weights that differ from it)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .tfidf import gather, narrowest
from .words import Query, WordFeatures


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
            np.zeros(0, dtype=narrowest(n_labels)),
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
        cols = np.empty(int(indptr[-1]), dtype=narrowest(n_labels))
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
        idx, weights = gather(self.indptr, ids, q)
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
        # Taken as they are when already of these types (no second copy at start).
        return cls(
            base.astype(np.float32, copy=False),
            indptr.astype(np.int64, copy=False),
            cols.astype(narrowest(n_labels), copy=False),
            vals.astype(np.float32, copy=False),
            n_labels,
        )


class LinearWords:
    """A linear SVM over the same word features, one label against the rest.

    Similarity views ask "which phrasing is this most like"; this one learns
    which words tell neighbouring topics apart ("IDNYC" in "will the city pass
    my data to ICE if I get an IDNYC"), from the pack's own phrasings.

    Training takes about half a second on the shipped pack, so the weights
    are kept in the matcher's cache (see `Matcher`) under a hash of
    everything they depend on: a restart with unchanged content loads them in
    milliseconds, and any edit (or a change to the trainer) trains afresh.
    """

    VERSION = 3  # bump when the features, the trainer or the stored form change

    def __init__(self, weights: _Weights, intercept: np.ndarray):
        self.weights = weights
        self.intercept = intercept

    @classmethod
    def train(
        cls, features: WordFeatures, labels: np.ndarray, n_labels: int, c: float
    ) -> LinearWords:
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
    ) -> LinearWords | None:
        weights = _Weights.from_arrays(data, shape)
        intercept = data["intercept"]
        if weights is None or intercept.shape != (shape[1],):
            return None
        return cls(weights, intercept.astype(np.float32, copy=False))

    def scores(self, query: Query) -> np.ndarray:
        """Decision values mapped so the margin -1..1 becomes 0..1."""
        decision = self.intercept
        if query is not None:
            ids, q = query
            decision = self.weights.decision(ids, q) + self.intercept
        return np.asarray(np.clip((decision + 1) / 2, 0, None), dtype=np.float32)


def _train_svm(
    features: WordFeatures, labels: np.ndarray, shape: tuple[int, int], c: float
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
        if keep >= 1.0:  # a small pack: every row
            steps = _cut_steps(np.arange(n), indptr, row_ids, row_vals)
            dense, bias[first : first + width] = _train_block(
                steps, labels - first, n, n_words, width, c
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
) -> Iterator[_Batch]:
    """The training steps over the rows `subset` (a batch's `rows` are places in it),
    cut as they are trained: all of a big block's steps at once would be
    tens of MB at the peak of a start, for nothing (the same seed cuts the
    same steps every time)."""
    n = len(subset)
    # About 25 steps an epoch and at least 125 in all, whatever the pack's size.
    batch = int(np.clip(n // 25, 16, 512))
    epochs = max(_SVM_EPOCHS, math.ceil(125 / math.ceil(n / batch)))
    # The batches: rows, their nonzeros' words and values, the words a batch
    # touches, and each nonzero's place among them.
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch):
            rows = perm[start : start + batch]
            at = subset[rows]
            lengths = indptr[at + 1] - indptr[at]
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            nz = np.repeat(indptr[at] - offsets, lengths) + np.arange(lengths.sum())
            words = row_ids[nz]
            yield _Batch.cut(rows, lengths, offsets, words, row_vals[nz])


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
    steps: Iterable[_Batch],
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


_SVM_EPOCHS = 5
_SVM_RATE = 0.05
_ADAM_B1, _ADAM_B2 = 0.9, 0.999
_BLOCK = 64  # labels trained together, sharing one median weight per word
_TELLING = 100  # a word in at most 1/this of the phrasings tells topics apart
_NEGATIVES = 2  # a block of a big pack trains on its phrasings and this many times as many others
_PRUNE = 1e-4  # a weight this close to its block's median is stored as the median
