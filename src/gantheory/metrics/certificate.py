"""Certified lower bounds on W1(PRG generator, target) (docs/claims.md#e1, E1.2).

The generator's signs take at most 2^n patterns E ⊂ {±1}^m; the targets put their mass evenly on
all 2^m sign patterns. A target point must travel at least to the nearest emittable pattern:
- `cube` (x = t + σw, t uniform on {±1}^m): W1 ≥ E_t min_{s∈E} ‖t − s‖ − 2σ·E‖w‖ (triangle inequality
  through the noiseless cube), with ‖t − s‖ = 2·sqrt(Hamming(t, s)).
- `gauss` (x ~ N(0, I_m); the generator's output s ⊙ |g| lies in the closed orthants of E):
  W1 ≥ E_y dist(y, ∪_{s∈E} orthant(s)), with dist² = Σ_{i: y_i s_i < 0} y_i² = (‖y‖² − Σ_i y_i|y_i| s_i)/2.
Counting bound (any n): D = Hamming(sign(y), E) has P(D < r) ≤ |E|·V(m, r−1)/2^m (V = Hamming-ball
volume), so E ℓ(D) ≥ Σ_r (ℓ(r) − ℓ(r−1))·(1 − 2^n V(m, r−1)/2^m)⁺ for any increasing ℓ below the
distance: ℓ(r) = 2√r (cube); for gauss, the D flipped coordinates cost at least the D smallest |y_i|,
and D is independent of |y| (sign symmetry), so ℓ(r) = r^{-1/2} Σ_{i≤r} E|y|_(i) (Cauchy–Schwarz), with
the half-normal order-statistic means computed by quadrature. Exact enumeration (n ≤ 16) evaluates
the nearest-pattern distance on target samples by one matrix product against all 2^n patterns.
Per-pattern χ² union bound (`gauss`, tighter): for one fixed s, the flipped set J = {i: y_i s_i < 0} is a
uniform random subset independent of |y| (sign symmetry), so d_s² = Σ_{i∈J} y_i² is χ² with Bin(m, ½)
degrees of freedom: P(d_s ≤ t) = F(t) = Σ_j C(m, j) 2^{-m} P(χ²_j ≤ t²). Then P(min_s d_s ≤ t) ≤ 2^n F(t)
and W1 ≥ E min_s d_s ≥ ∫₀^∞ (1 − 2^n F(t))⁺ dt. It uses the exact law of each pattern's distance where
the counting bound uses a lower envelope of it; on `cube` the same argument gives the counting bound
itself (‖t − s‖ = 2√H, H ~ Bin(m, ½)). `certified_bound` takes the larger of the two (both are bounds).
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

TARGETS = ("gauss", "cube")


def _check(m: int, target: str) -> None:
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; expected one of {list(TARGETS)}")
    if m < 1:
        raise ValueError(f"dimension m must be >= 1, got {m}")


def chi_mean(m: int) -> float:
    """E‖w‖ for w ~ N(0, I_m): sqrt(2)·Γ((m+1)/2)/Γ(m/2)."""
    return math.sqrt(2.0) * math.exp(math.lgamma((m + 1) / 2) - math.lgamma(m / 2))


def far_probabilities(log2_patterns: int, m: int) -> np.ndarray:
    """p[r−1] = lower bound on P(D ≥ r), r = 1..m, for D = Hamming distance from a uniform point to a set
    of ≤ 2^log2_patterns points: 1 − 2^log2_patterns·V(m, r−1)/2^m, clipped at 0 (exact rationals)."""
    volume, out = 0, []
    for r in range(1, m + 1):
        volume += math.comb(m, r - 1)
        out.append(max(0.0, float(1 - Fraction(volume * 2**log2_patterns, 2**m))))
    return np.array(out)


@lru_cache(maxsize=16)
def _order_means(m: int) -> tuple[float, ...]:
    return tuple(halfnormal_order_means_uncached(m))


def halfnormal_order_means(m: int) -> np.ndarray:
    """E|y|_(i), i = 1..m: the i-th smallest of m half-normal values (cached: one quadrature per m)."""
    return np.array(_order_means(m))


def halfnormal_order_means_uncached(m: int) -> np.ndarray:
    """E|y|_(i) = ∫ P(Bin(m, F(t)) ≤ i − 1) dt, F the half-normal CDF, by vector quadrature."""
    from scipy import integrate, special, stats

    ranks = np.arange(m)

    def tail(t):
        return stats.binom.cdf(ranks, m, special.erf(t / math.sqrt(2.0)))

    upper = 9.0 + math.sqrt(2.0 * math.log(m + 1.0))  # P(max |y| > upper) < 1e-18
    values, _ = integrate.quad_vec(tail, 0.0, upper, epsabs=1e-13, epsrel=1e-11)
    return values


def counting_bound(n: int, m: int, target: str, noise: float = 0.1) -> float:
    """Certified W1 lower bound from counting ≤ 2^n emittable patterns (see the module docstring)."""
    _check(m, target)
    far = far_probabilities(n, m)
    r = np.arange(1, m + 1)
    if target == "cube":
        ell = 2.0 * np.sqrt(r)
    else:
        ell = np.cumsum(halfnormal_order_means(m)) / np.sqrt(r)
    increments = np.diff(np.concatenate([[0.0], np.maximum.accumulate(ell)]))
    bound = float(np.sum(increments * far))
    if target == "cube":
        bound -= 2.0 * noise * chi_mean(m)
    return max(0.0, bound)


def chi2_union_bound(n: int, m: int) -> float:
    """∫₀^∞ (1 − 2^n F(t))⁺ dt with F(t) = Σ_j C(m, j) 2^{-m} P(χ²_j ≤ t²): the per-pattern union bound on
    W1 between ≤ 2^n closed orthants and N(0, I_m) (module docstring). Computed in logs (2^n can be 2^64)."""
    _check(m, "gauss")
    from scipy import integrate, optimize, special, stats

    j = np.arange(1, m + 1)
    log_weights = np.array([math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1) for k in range(m + 1)])
    log_weights += n * math.log(2.0) - m * math.log(2.0)

    def log_union(t: float) -> float:  # log(2^n F(t))
        terms = (
            np.concatenate([[log_weights[0]], log_weights[1:] + stats.chi2.logcdf(t * t, j)])
            if t > 0
            else log_weights[:1]
        )
        return float(special.logsumexp(terms))

    if log_union(0.0) >= 0.0:  # as many patterns as sign patterns: nothing is certified
        return 0.0
    upper = math.sqrt(stats.chi2.isf(1e-17, m))  # F(upper) > 1 − 1e-17: the integrand is ~0 beyond it
    if log_union(upper) < 0.0:  # n = 0: 2^n F stays below 1, the integrand only vanishes at infinity
        value, _ = integrate.quad(lambda t: -math.expm1(log_union(t)), 0.0, upper, epsabs=1e-12, limit=200)
        return float(value)
    crossing = optimize.brentq(log_union, 0.0, upper, xtol=1e-12)
    value, _ = integrate.quad(lambda t: -math.expm1(log_union(t)), 0.0, crossing, epsabs=1e-12, limit=200)
    return float(value)


def certified_bound(n: int, m: int, target: str, noise: float = 0.1) -> float:
    """The larger of the counting bound and, on `gauss`, the per-pattern χ² union bound."""
    counting = counting_bound(n, m, target, noise)
    return max(counting, chi2_union_bound(n, m)) if target == "gauss" else counting


def nearest_pattern_distances(points: np.ndarray, patterns: np.ndarray, target: str, chunk: int = 128) -> np.ndarray:
    """Per point, the distance to the nearest emittable pattern: to its orthant (`gauss`, points y) or to
    the pattern itself (`cube`, points t ∈ {±1}^m). One (chunk, m) × (m, |E|) product per chunk."""
    points = np.asarray(points, dtype=np.float64)
    s = np.asarray(patterns, dtype=np.float64)
    if points.ndim != 2 or s.ndim != 2 or points.shape[1] != s.shape[1]:
        raise ValueError(f"points (N, m) and patterns (P, m) must share m, got {points.shape} and {s.shape}")
    _check(points.shape[1], target)
    weights = points * np.abs(points) if target == "gauss" else points
    best = np.concatenate([np.max(weights[i : i + chunk] @ s.T, axis=1) for i in range(0, len(points), chunk)])
    if target == "gauss":
        return np.sqrt(np.maximum(0.0, (np.sum(points**2, axis=1) - best) / 2.0))
    return 2.0 * np.sqrt(np.maximum(0.0, (points.shape[1] - best) / 2.0))


def enumeration_bound(patterns: np.ndarray, target: str, samples: int, rng: np.random.Generator, noise: float = 0.1):
    """Monte-Carlo estimate (mean, standard error) of the exact nearest-pattern lower bound on W1."""
    m = patterns.shape[1]
    _check(m, target)
    if target == "gauss":
        points = rng.standard_normal((samples, m))
    else:
        points = rng.choice([-1.0, 1.0], size=(samples, m))
    d = nearest_pattern_distances(points, patterns, target)
    shift = 2.0 * noise * chi_mean(m) if target == "cube" else 0.0
    return float(d.mean() - shift), float(d.std(ddof=1) / math.sqrt(samples))


def target_scale(m: int, target: str, noise: float = 0.1) -> float:
    """E‖x‖ under the target: χ_m mean (`gauss`); noise·E[non-central χ_m, λ = m/noise²] (`cube`)."""
    _check(m, target)
    if target == "gauss":
        return chi_mean(m)
    from scipy import integrate, stats

    lam = m / noise**2
    dist = stats.ncx2(m, lam)
    lo, hi = dist.ppf(1e-14), dist.ppf(1 - 1e-14)
    value, _ = integrate.quad(lambda x: math.sqrt(x) * dist.pdf(x), lo, hi, limit=200)
    return noise * value
