"""Hypergraphs of Goldreich's PRG: which ordered 5-subset of the seed each output reads.

`random_hypergraph` draws every subset independently (the textbook construction). At n ≤ 32 it
leaves output pairs and triples whose products have non-zero mean, which critics find. The
`clean_hypergraph` builder draws the same way but rejects any subset that would create a correlated
output pair or triple with the outputs accepted so far (checked exactly, incrementally, from the
predicate's Fourier expansion), so its outputs are 3-wise uncorrelated by construction.
"""

from __future__ import annotations

import numpy as np

from gantheory.prg.correlations import output_characters
from gantheory.prg.predicates import ARITY, Predicate


def _draw_subset(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(n, size=ARITY, replace=False)


def _check_sizes(n: int, m: int) -> None:
    if n < ARITY:
        raise ValueError(f"seed length n must be >= {ARITY} (the predicate's arity), got {n}")
    if m < 1:
        raise ValueError(f"output length m must be >= 1, got {m}")


def random_hypergraph(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """(m, 5) int array: output i reads seed bits S_i, a uniformly random ordered 5-subset."""
    _check_sizes(n, m)
    return np.stack([_draw_subset(n, rng) for _ in range(m)]).astype(np.int64)


class _CleanState:
    """Characters of accepted outputs, and of accepted pairs' products, indexed by seed mask."""

    def __init__(self):
        self.chars: list[dict[int, float]] = []
        self.by_mask: dict[int, list[tuple[int, float]]] = {}
        self.pair_by_mask: dict[int, dict[tuple, float]] = {}  # mask → {(i, j): Σ ĉ_i(A) ĉ_j(B) over A⊕B = mask}

    def creates_correlation(self, new: dict[int, float]) -> bool:
        if new.get(0, 0.0) != 0.0:
            return True  # a biased output is correlated with the constant (and pairs with other biased ones)
        pair_sum: dict[int, float] = {}
        triple_sum: dict[tuple, float] = {}
        for mask, coef in new.items():
            for i, c in self.by_mask.get(mask, ()):
                pair_sum[i] = pair_sum.get(i, 0.0) + c * coef
            for pair, w in self.pair_by_mask.get(mask, {}).items():
                triple_sum[pair] = triple_sum.get(pair, 0.0) + w * coef
        return any(v != 0.0 for v in pair_sum.values()) or any(v != 0.0 for v in triple_sum.values())

    def accept(self, new: dict[int, float]) -> None:
        k = len(self.chars)
        for i, old in enumerate(self.chars):
            pair = (i, k)
            for a, ca in old.items():
                for b, cb in new.items():
                    bucket = self.pair_by_mask.setdefault(a ^ b, {})
                    bucket[pair] = bucket.get(pair, 0.0) + ca * cb
        for mask, coef in new.items():
            self.by_mask.setdefault(mask, []).append((k, coef))
        self.chars.append(new)


def clean_hypergraph(n: int, m: int, predicate: Predicate, rng: np.random.Generator, max_draws: int) -> np.ndarray:
    """Greedy: draw random ordered 5-subsets, keep one only if no output pair or triple becomes correlated.

    Raises ValueError if `max_draws` candidates do not give m outputs (the sizes cannot be made clean)."""
    _check_sizes(n, m)
    state, rows = _CleanState(), []
    for _ in range(max_draws):
        subset = _draw_subset(n, rng)
        chars = output_characters(subset[None, :], predicate)[0]
        if state.creates_correlation(chars):
            continue
        state.accept(chars)
        rows.append(subset)
        if len(rows) == m:
            return np.stack(rows).astype(np.int64)
    raise ValueError(
        f"no clean hypergraph for n={n}, m={m}, predicate {predicate.name!r}: only {len(rows)} outputs "
        f"without a correlated pair or triple after {max_draws} candidate subsets (raise max_draws or lower m)"
    )
