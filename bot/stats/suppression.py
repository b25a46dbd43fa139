"""Small-cell suppression for the report, primary and complementary.

Every figure is a sum of base counts (topic x language x outcome over the
report's days): its *support*. A figure under K is hidden ("< K"). Hiding it
is not enough when other figures still shown add up to it: a total minus its
other parts, or a topic's reads minus its per-language reads. So:

1. An explicit total (a column total, "not helpful" as the sum of its
   reasons) minus its shown parts is what its hidden parts add up to. The
   total is hidden when that sum, with what a reader knows of each hidden
   part (0..K-1 for "< K", at least K for a withheld one), pins a non-zero
   part down: one hidden part alone, or 4 + 4 = 8 with K = 5.
2. Then, for the relations nobody wrote down: a hidden figure can be worked
   out from the shown ones exactly when its support vector lies in the span
   of theirs. While one does, the broadest shown figure that takes part in
   expressing it (a total before a cell) is hidden too, and the check runs
   again.

Ratios are shown only when every count they are made from is shown.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_TOLERANCE = 1e-8


@dataclass(frozen=True)
class Figure:
    key: str  # unique within a report
    value: int
    support: frozenset[Hashable]


@dataclass(frozen=True)
class Group:
    """`total` is the sum of `parts` (all figure keys)."""

    total: str
    parts: tuple[str, ...]


def suppress(figures: Sequence[Figure], k: int, groups: Iterable[Group] = ()) -> set[str]:
    """The keys of the figures to hide."""
    groups = list(groups)
    by_key = {f.key: f for f in figures}
    hidden = {f.key for f in figures if f.value < k}
    while True:
        _hide_totals(hidden, groups, by_key, k)
        extra = _recoverable(figures, hidden)
        if extra is None:
            return hidden
        hidden.add(extra)


def _hide_totals(hidden: set[str], groups: list[Group], by_key: dict[str, Figure], k: int) -> None:
    """Hide a shown total when what it leaves for its hidden parts pins one of
    them down: a reader knows each "< K" part lies in 0..K-1 and each
    withheld one is at least K (else it would read "< K")."""
    changed = True
    while changed:
        changed = False
        for group in groups:
            if group.total in hidden:
                continue
            secret = [by_key[p] for p in group.parts if p in hidden]
            left = by_key[group.total].value - sum(
                by_key[p].value for p in group.parts if p not in hidden
            )
            bounds = [(0.0, k - 1.0) if f.value < k else (float(k), math.inf) for f in secret]
            low, high = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
            for figure, (lo, hi) in zip(secret, bounds, strict=True):
                fewest = max(lo, left - (high - hi))
                most = min(hi, left - (low - lo))
                if figure.value > 0 and fewest >= most:
                    hidden.add(group.total)
                    changed = True
                    break


def _recoverable(figures: Sequence[Figure], hidden: set[str]) -> str | None:
    """A shown figure to hide because a hidden one (not zero: a zero tells
    that nobody did something, not who) can be computed exactly from the
    shown ones; None when none can."""
    secrets = sorted(f.key for f in figures if f.key in hidden and f.value > 0)
    if not secrets:
        return None
    # Base counts that belong to exactly the same figures move together:
    # merge them into one column (the linear relations stay the same).
    pattern: dict[Hashable, list[int]] = {}
    for i, figure in enumerate(figures):
        for base in figure.support:
            pattern.setdefault(base, []).append(i)
    columns = {v: c for c, v in enumerate(dict.fromkeys(tuple(v) for v in pattern.values()))}
    vectors = np.zeros((len(figures), len(columns)))
    for members in pattern.values():
        vectors[members, columns[tuple(members)]] = 1.0
    index = {f.key: i for i, f in enumerate(figures)}
    known = [i for i, f in enumerate(figures) if f.key not in hidden]
    shown = set(known)
    basis = _basis(vectors[known])
    for key in secrets:
        secret = vectors[index[key]]
        if not _in_span(secret, basis):
            continue
        # Shown figures that take part in some way of computing it.
        coefficients = np.linalg.lstsq(vectors[known].T, secret, rcond=None)[0]
        involved = [
            i for i, c in zip(known, coefficients, strict=True) if abs(c) > 1e-6 and i in shown
        ]
        # The broadest figure (a total rather than a cell) costs the reader
        # least; best of all one whose hiding is enough on its own.
        involved.sort(key=lambda i: (-len(figures[i].support), figures[i].value, figures[i].key))
        for i in involved:
            if not _in_span(secret, _basis(vectors[[j for j in known if j != i]])):
                return figures[i].key
        return figures[involved[0]].key
    return None


def _basis(rows: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the rows' span."""
    if rows.size == 0:
        return rows
    _, singular, vt = np.linalg.svd(rows, full_matrices=False)
    return vt[singular > _TOLERANCE * max(1.0, float(singular[0]))]


def _in_span(v: np.ndarray, basis: np.ndarray) -> bool:
    if basis.size == 0:
        return False
    residual = v - basis.T @ (basis @ v)
    return bool(np.linalg.norm(residual) < 1e-6)
