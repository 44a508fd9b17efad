"""Exact low-order correlations of a local PRG's outputs, from the predicate's Fourier expansion.

Output i is P(x restricted to S_i) = Σ_A P̂(A) χ_{S_i(A)}(x) with χ_G(x) = Π_{j∈G} x_j for a uniform seed
x ∈ {±1}^n. Characters are orthonormal, so E[P_i P_j] = Σ_G ĉ_i(G) ĉ_j(G) and
E[P_i P_j P_k] = Σ_{A,B} ĉ_i(A) ĉ_j(B) ĉ_k(A ⊕ B): sums of products of dyadic rationals, exact in float64.
A product of ≤ 3 outputs with non-zero mean is what a low-degree test (a critic) can see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gantheory.prg.predicates import Predicate


def output_characters(hypergraph: np.ndarray, predicate: Predicate) -> list[dict[int, float]]:
    """For each output, its non-zero Fourier coefficients {global seed mask: coefficient}."""
    hypergraph = np.asarray(hypergraph)
    if hypergraph.ndim != 2 or hypergraph.shape[1] < 1:
        raise ValueError(f"hypergraph must be an (m, arity) integer array, got shape {hypergraph.shape}")
    chars = []
    for subset in hypergraph.tolist():
        out = {}
        for local, coef in predicate.fourier.items():
            mask = 0
            for position, variable in enumerate(subset):
                if local >> position & 1:
                    mask |= 1 << int(variable)
            out[mask] = out.get(mask, 0.0) + coef
        chars.append({k: v for k, v in out.items() if v != 0.0})
    return chars


@dataclass(frozen=True)
class Correlations:
    """Products of 1, 2 or 3 distinct outputs whose mean is non-zero, with those means."""

    singles: dict[int, float]
    pairs: dict[tuple[int, int], float]
    triples: dict[tuple[int, int, int], float]

    def counts(self) -> dict[str, int]:
        return {"biased_outputs": len(self.singles), "pairs": len(self.pairs), "triples": len(self.triples)}


def _flatten(chars: list[dict[int, float]]):
    owner = np.array([i for i, c in enumerate(chars) for _ in c], dtype=np.int64)
    masks = np.array([mask for c in chars for mask in c], dtype=np.int64)
    coefs = np.array([v for c in chars for v in c.values()], dtype=np.float64)
    return owner, masks, coefs


def low_order_correlations(hypergraph: np.ndarray, predicate: Predicate) -> Correlations:
    """Every product of ≤ 3 distinct outputs with non-zero mean (vectorised over all pairs)."""
    chars = output_characters(hypergraph, predicate)
    m = len(chars)
    singles = {i: c[0] for i, c in enumerate(chars) if c.get(0, 0.0) != 0.0}
    owner, masks, coefs = _flatten(chars)
    order = np.argsort(masks, kind="stable")
    owner, masks, coefs = owner[order], masks[order], coefs[order]
    # pairs: outputs sharing a character
    pair_sum: dict[tuple[int, int], float] = {}
    starts = np.flatnonzero(np.r_[True, masks[1:] != masks[:-1]])
    ends = np.r_[starts[1:], len(masks)]
    for s, e in zip(starts, ends, strict=True):
        if e - s < 2:
            continue
        a, b = np.triu_indices(e - s, 1)
        for i, j, w in zip(owner[s + a], owner[s + b], coefs[s + a] * coefs[s + b], strict=True):
            key = (int(min(i, j)), int(max(i, j)))
            pair_sum[key] = pair_sum.get(key, 0.0) + float(w)
    pairs = {k: v for k, v in sorted(pair_sum.items()) if v != 0.0}
    triples = _triples(owner, masks, coefs, m, starts, ends)
    return Correlations(singles, pairs, triples)


def _triples(owner, masks, coefs, m, starts, ends) -> dict[tuple[int, int, int], float]:
    """Σ ĉ_i(A) ĉ_j(B) ĉ_k(A⊕B) over i < j < k: every (A, B) of a pair, then k with character A⊕B."""
    if m < 3:
        return {}
    idx_i, idx_j = np.nonzero(owner[:, None] < owner[None, :])  # character pairs of distinct outputs i < j
    xor = masks[idx_i] ^ masks[idx_j]
    weight = coefs[idx_i] * coefs[idx_j]
    group_masks = masks[starts]
    where = np.searchsorted(group_masks, xor)
    found = (where < len(group_masks)) & (group_masks[np.minimum(where, len(group_masks) - 1)] == xor)
    keys, values = [], []
    for row in np.flatnonzero(found):
        g = where[row]
        ks = owner[starts[g] : ends[g]]
        cs = coefs[starts[g] : ends[g]]
        j = owner[idx_j[row]]
        keep = ks > j
        if keep.any():
            i = owner[idx_i[row]]
            keys.append((i * m + j) * m + ks[keep])
            values.append(weight[row] * cs[keep])
    if not keys:
        return {}
    keys, values = np.concatenate(keys), np.concatenate(values)
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=values)
    return {
        (int(k // (m * m)), int(k // m % m), int(k % m)): float(v)
        for k, v in zip(unique, sums, strict=True)
        if v != 0.0
    }
