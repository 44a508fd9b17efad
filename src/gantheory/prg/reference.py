"""Exact NumPy reference of the PRG-seeded generator (docs/claims.md#e1).

z ~ N(0, I_{n+m}); seed x = sign(z_{1:n}); signs s = G0(x) with s_i = P(x restricted to S_i);
output s ⊙ |z_{n+1:n+m}| for the `gauss` target, s + noise·z_{n+1:n+m} for the `cube` target.
"""

from __future__ import annotations

import numpy as np

from gantheory.prg.predicates import Predicate

TARGETS = ("gauss", "cube")


def check_target(target: str) -> None:
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; expected one of {list(TARGETS)}")


def seed_signs(z_seed: np.ndarray) -> np.ndarray:
    """sign(z) in {±1} (z = 0, a probability-zero event, maps to +1)."""
    return np.where(np.asarray(z_seed) >= 0, 1, -1).astype(np.int8)


def prg_signs(seed: np.ndarray, hypergraph: np.ndarray, predicate: Predicate) -> np.ndarray:
    """G0: (N, n) ±1 seeds → (N, m) ±1 outputs, output i = P(seed[:, S_i])."""
    seed = np.asarray(seed)
    hypergraph = np.asarray(hypergraph)
    if hypergraph.size and hypergraph.max() >= seed.shape[-1]:
        raise ValueError(f"hypergraph reads seed bit {hypergraph.max()} but the seed has n={seed.shape[-1]} bits")
    return predicate(seed[..., hypergraph])


def generator_output(z: np.ndarray, hypergraph, predicate: Predicate, n: int, target: str, noise: float) -> np.ndarray:
    """The generator's output for Gaussian inputs z of shape (N, n + m)."""
    check_target(target)
    m = len(hypergraph)
    z = np.asarray(z, dtype=np.float64)
    if z.shape[-1] != n + m:
        raise ValueError(f"generator input must have n + m = {n + m} columns, got {z.shape[-1]}")
    signs = prg_signs(seed_signs(z[:, :n]), hypergraph, predicate).astype(np.float64)
    g = z[:, n:]
    return signs * np.abs(g) if target == "gauss" else signs + noise * g


def target_sample(rng: np.random.Generator, size: int, m: int, target: str, noise: float) -> np.ndarray:
    """`gauss` = N(0, I_m); `cube` = uniform on {±1}^m smoothed by N(0, noise²·I_m)."""
    check_target(target)
    if target == "gauss":
        return rng.standard_normal((size, m))
    return rng.choice([-1.0, 1.0], size=(size, m)) + noise * rng.standard_normal((size, m))


def emittable_patterns(n: int, hypergraph, predicate: Predicate, max_bits: int = 20) -> np.ndarray:
    """Every distinct sign pattern G0 emits, by enumerating all 2^n seeds ((≤ 2^n, m) int8, sorted)."""
    if n > max_bits:
        raise ValueError(f"enumerating 2^{n} seeds is too much (n must be <= {max_bits})")
    codes = np.arange(2**n, dtype=np.int64)
    seeds = np.where((codes[:, None] >> np.arange(n)) & 1, -1, 1).astype(np.int8)
    return np.unique(prg_signs(seeds, hypergraph, predicate), axis=0)
