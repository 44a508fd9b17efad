"""E2's exact computations (no training): the Gauss–Hermite counterexample (E2.1), the Dirac sequence of
the JS-vs-W1 topology claim (E2.5), and the W1 sampling floors that E2.2–E2.4 are read against.

Gauss–Hermite: the q-point rule integrates every polynomial of degree ≤ 2q − 1 exactly against N(0, 1), so
as a probability measure it shares N(0, 1)'s moments 1..2q−1 and the degree-(2q−1) polynomial divergence
between them is 0 — yet it is a discrete measure, at positive W1 and MMD from N(0, 1) (Liu et al. 2017 §3:
a restricted family's divergence does not separate distributions).
Dirac sequence: ν_n = δ_{1/n} → δ₀ weakly and W1(ν_n, δ₀) = 1/n, but the supports stay disjoint, so
JS(ν_n, δ₀) = log 2 for every n: JS is strict yet induces a topology too strong to see this convergence.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gantheory.metrics.one_d import (
    GaussianMixture1D,
    gauss_hermite_measure,
    jensen_shannon,
    mmd_to_mixture,
    moment_gaps,
    polynomial_ipm,
    sampling_floor_w1,
    wasserstein1_1d,
    wasserstein1_to_mixture,
)
from gantheory.seeding import derive_seed

STANDARD_NORMAL = GaussianMixture1D([1.0], [0.0], [1.0])


def gauss_hermite_table(points: list[int], bandwidth_factor: float) -> pd.DataFrame:
    """Per q: the degree-(2q−1) polynomial divergence, the largest moment gap up to 2q−1 and the first
    unmatched moment's gap, W1, MMD (bandwidth: the median heuristic × factor, as in training) and JS."""
    h = bandwidth_factor * STANDARD_NORMAL.median_pairwise_distance()
    rows = []
    for q in points:
        nodes, weights = gauss_hermite_measure(q)
        degree = 2 * q - 1
        gaps = moment_gaps(nodes, STANDARD_NORMAL, range(1, degree + 2), weights)
        rows.append(
            {
                "q": q,
                "matched degree 2q-1": degree,
                "polynomial divergence (degree 2q-1)": polynomial_ipm(nodes, STANDARD_NORMAL, degree, weights=weights),
                "max |moment gap| up to 2q-1": float(np.max(np.abs(gaps[:-1]))),
                "moment gap at 2q": float(gaps[-1]),
                "W1": wasserstein1_to_mixture(nodes, STANDARD_NORMAL, weights),
                "MMD": mmd_to_mixture(nodes, STANDARD_NORMAL, h, weights),
                "MMD bandwidth": h,
                "JS": math.log(2.0),  # a discrete measure and a density are mutually singular
            }
        )
    return pd.DataFrame(rows)


def dirac_sequence(n_max: int) -> pd.DataFrame:
    """W1(δ_{1/n}, δ₀) and JS(δ_{1/n}, δ₀) for n = 1..n_max, computed (not written down)."""
    if n_max < 1:
        raise ValueError(f"e2.exact.dirac_max must be >= 1, got {n_max}")
    n = np.arange(1, n_max + 1)
    w1 = np.array([wasserstein1_1d([1.0 / k], [0.0]) for k in n])
    js = np.array([jensen_shannon([1.0 / k], [1.0], [0.0], [1.0]) for k in n])
    # the deviations are kept in full precision: the CSV writes 10 significant digits
    return pd.DataFrame(
        {"n": n, "W1": w1, "1/n": 1.0 / n, "JS": js, "W1 - 1/n": w1 - 1.0 / n, "JS - log 2": js - math.log(2.0)}
    )


def sampling_floors(targets: dict[str, GaussianMixture1D], n: int, repeats: int, seed: int) -> pd.DataFrame:
    """Per target: median (and 5–95% range) of the exact W1 between the target and i.i.d. samples of size n."""
    rows = []
    for name, target in targets.items():
        median, values = sampling_floor_w1(
            target, n, repeats, np.random.default_rng(derive_seed(seed, "e2", "floor", name))
        )
        low, high = np.quantile(values, [0.05, 0.95])
        rows.append({"target": name, "n": n, "repeats": repeats, "floor": median, "q05": low, "q95": high})
    return pd.DataFrame(rows)
