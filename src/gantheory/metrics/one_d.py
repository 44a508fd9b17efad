"""Exact metrics in one dimension (E2, Liu et al. 2017): W1, MMD, moment gaps, Jensen–Shannon.

In 1-D, W1(μ, ν) = ∫ |F_μ(x) − F_ν(x)| dx = ∫₀¹ |F_μ⁻¹(u) − F_ν⁻¹(u)| du, so no transport problem needs
solving: between two weighted point sets it is a sum over the merged atoms, and between a point set and
a Gaussian mixture it is a sum of closed-form integrals of the mixture's CDF (`wasserstein1_to_mixture`),
exact to rounding. Population quantities of a `GaussianMixture1D` target (raw moments, kernel means,
ReLU-feature means) are closed forms too, so a generator's distance to the *target itself*, not to a
sample of it, is measured; sampling noise enters only through the explicit `sampling_floor_w1`.
POT (`metrics.transport.wasserstein1`) is the independent cross-check used by the tests.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

__all__ = [
    "GaussianMixture1D",
    "gauss_hermite_measure",
    "gaussian_quadrature",
    "hermite_feature_means",
    "hermite_features",
    "jensen_shannon",
    "mmd_to_mixture",
    "moment_gaps",
    "polynomial_ipm",
    "sampling_floor_w1",
    "wasserstein1_1d",
    "wasserstein1_to_mixture",
]
SQRT_2PI = math.sqrt(2.0 * math.pi)


def _npdf(z):
    return np.exp(-0.5 * np.square(z)) / SQRT_2PI


def _points(x, name: str, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """(atoms, weights) as float64 1-D arrays: `x` is (n,) or (n, 1); weights default to uniform."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sample, shape (n,) or (n, 1), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite values ({int((~np.isfinite(arr)).sum())} of {arr.size})")
    if weights is None:
        return arr, np.full(arr.size, 1.0 / arr.size)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != arr.shape or np.any(w < 0) or not math.isclose(w.sum(), 1.0, rel_tol=1e-9):
        raise ValueError(f"weights of {name} must be {arr.shape} non-negative numbers summing to 1")
    return arr, w


class GaussianMixture1D:
    """Σ_c π_c N(μ_c, σ_c²): the E2 targets, with every population quantity E2 needs in closed form."""

    def __init__(self, weights, means, sds):
        self.weights, self.means, self.sds = (np.asarray(v, dtype=np.float64).ravel() for v in (weights, means, sds))
        n = self.weights.size
        if n == 0 or self.means.size != n or self.sds.size != n:
            raise ValueError("a mixture needs equally many (>= 1) weights, means and sds")
        if np.any(self.weights < 0) or not math.isclose(self.weights.sum(), 1.0, rel_tol=1e-9):
            raise ValueError(f"mixture weights must be non-negative and sum to 1, got {self.weights.tolist()}")
        if np.any(self.sds <= 0):
            raise ValueError(f"mixture sds must be > 0, got {self.sds.tolist()}")

    @classmethod
    def from_spec(cls, spec: dict, name: str = "target") -> GaussianMixture1D:
        missing = {"weights", "means", "sds"} - set(spec)
        if missing:
            raise ValueError(f"{name} needs keys weights, means and sds; missing {sorted(missing)}")
        return cls(spec["weights"], spec["means"], spec["sds"])

    # --- distribution ------------------------------------------------------------------------
    def _z(self, x):
        return (np.asarray(x, np.float64)[..., None] - self.means) / self.sds

    def cdf(self, x):
        return ndtr(self._z(x)) @ self.weights

    def pdf(self, x):
        return (_npdf(self._z(x)) / self.sds) @ self.weights

    def integrated_cdf(self, x):
        """G(x) = ∫_{−∞}^x F(t) dt = Σ π_c [(x − μ_c) Φ(z_c) + σ_c φ(z_c)]."""
        z = self._z(x)
        return (z * self.sds * ndtr(z) + self.sds * _npdf(z)) @ self.weights

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        component = rng.choice(self.weights.size, size=n, p=self.weights)
        return self.means[component] + self.sds[component] * rng.standard_normal(n)

    @property
    def mean(self) -> float:
        return float(self.raw_moment(1))

    @property
    def sd(self) -> float:
        return float(math.sqrt(self.raw_moment(2) - self.raw_moment(1) ** 2))

    # --- population expectations ------------------------------------------------------------------
    def raw_moment(self, j: int) -> float:
        """E X^j; per component E(μ + σZ)^j = Σ_i C(j, i) μ^{j−i} σ^i E Z^i with E Z^i = (i−1)!! for even i."""
        total = 0.0
        for pi, mu, sigma in zip(self.weights, self.means, self.sds, strict=True):
            total += pi * sum(
                math.comb(j, i) * mu ** (j - i) * sigma**i * _double_factorial(i - 1) for i in range(0, j + 1, 2)
            )
        return float(total)

    def moment_sd(self, j: int) -> float:
        """sd of X^j under the target: the scale of the E2.2 criterion |Δm_j| < 0.1·sd_j."""
        return float(math.sqrt(max(self.raw_moment(2 * j) - self.raw_moment(j) ** 2, 0.0)))

    def kernel_mean(self, x, bandwidth: float):
        """E k(x, Y) for the Gaussian kernel k(x, y) = exp(−(x − y)²/(2h²))."""
        var = bandwidth**2 + self.sds**2
        diff = np.asarray(x, np.float64)[..., None] - self.means
        return (bandwidth / np.sqrt(var) * np.exp(-0.5 * diff**2 / var)) @ self.weights

    def kernel_self(self, bandwidth: float) -> float:
        """E k(Y, Y') for independent Y, Y' from the mixture."""
        var = bandwidth**2 + self.sds[:, None] ** 2 + self.sds[None, :] ** 2
        diff = self.means[:, None] - self.means[None, :]
        return float(self.weights @ (bandwidth / np.sqrt(var) * np.exp(-0.5 * diff**2 / var)) @ self.weights)

    def median_pairwise_distance(self) -> float:
        """Population median of |Y − Y'| (the MMD median heuristic without sampling): Y − Y' is the mixture
        of N(μ_i − μ_j, σ_i² + σ_j²) with weights π_i π_j; P(|D| ≤ m) = 1/2 is solved by bisection."""
        diff = GaussianMixture1D(
            np.outer(self.weights, self.weights).ravel(),
            np.subtract.outer(self.means, self.means).ravel(),
            np.sqrt(np.add.outer(self.sds**2, self.sds**2)).ravel(),
        )
        lo, hi = 0.0, float(np.max(np.abs(diff.means) + 10.0 * diff.sds))
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if diff.cdf(mid) - diff.cdf(-mid) < 0.5 else (lo, mid)
        return 0.5 * (lo + hi)

    def relu_mean(self, a, b):
        """E relu(aY + b) (elementwise over a, b): with aY + b ~ N(m, s²), it is m Φ(m/s) + s φ(m/s)."""
        a, b = np.asarray(a, np.float64)[..., None], np.asarray(b, np.float64)[..., None]
        m, s = a * self.means + b, np.maximum(np.abs(a) * self.sds, 1e-300)
        return (m * ndtr(m / s) + s * _npdf(m / s)) @ self.weights


def _double_factorial(n: int) -> int:
    return 1 if n <= 0 else n * _double_factorial(n - 2)


def gauss_hermite_measure(q: int) -> tuple[np.ndarray, np.ndarray]:
    """The q-point Gauss–Hermite rule for N(0, 1) as a probability measure: E_GH p = E_N(0,1) p for every
    polynomial p of degree ≤ 2q − 1 (Gaussian quadrature), so the two agree in moments 1..2q−1."""
    if q < 1:
        raise ValueError(f"a Gauss–Hermite rule needs q >= 1 points, got {q}")
    nodes, weights = np.polynomial.hermite_e.hermegauss(q)
    return nodes, weights / weights.sum()


def gaussian_quadrature(target: GaussianMixture1D, q: int) -> tuple[np.ndarray, np.ndarray]:
    """The target's q-point Gaussian quadrature (nodes, weights) from its exact moments (Golub–Welsch 1969):
    it matches the target's moments 1..2q−1. The Hankel matrix of moments 0..2q of z = (X − mean)/sd is
    factored M = RᵀR (Cholesky); R gives the three-term recurrence of the orthogonal polynomials, whose
    Jacobi matrix has the nodes as eigenvalues and weight_i = (first entry of eigenvector i)². Standardising
    first keeps M well conditioned for the q ≤ 8 used here; q ≥ 1 and a target with ≥ q support points
    (any Gaussian mixture) keep M positive definite."""
    if q < 1:
        raise ValueError(f"a Gaussian quadrature needs q >= 1 points, got {q}")
    loc, scale = target.mean, target.sd
    standard = GaussianMixture1D(target.weights, (target.means - loc) / scale, target.sds / scale)
    moments = np.array([standard.raw_moment(i) for i in range(2 * q + 1)])
    hankel = moments[np.add.outer(np.arange(q + 1), np.arange(q + 1))]
    r = np.linalg.cholesky(hankel).T  # upper triangular, hankel = rᵀ r
    ratio = np.diag(r, 1) / np.diag(r)[:-1]  # r[j, j+1] / r[j, j], j = 0..q−1
    alpha = ratio - np.concatenate([[0.0], ratio[:-1]])
    beta = np.diag(r)[1:q] / np.diag(r)[: q - 1]
    nodes, vectors = np.linalg.eigh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
    weights = vectors[0] ** 2
    return loc + scale * nodes, weights / weights.sum()


def _hermite_norms(degree: int) -> np.ndarray:
    """√(j!), j = 1..degree, in float64 (21! and up overflow int64: the paper profile's degrees reach 24)."""
    return np.sqrt([float(math.factorial(j)) for j in range(1, degree + 1)])


def hermite_features(x, degree: int, loc: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """(n, degree): h_j(z) = He_j(z)/√(j!) of z = (x − loc)/scale, j = 1..degree — orthonormal under N(loc, scale²),
    and spanning the same space as the monomials x, …, x^degree (the E2 polynomial family's features)."""
    z = (np.asarray(x, np.float64).reshape(-1) - loc) / scale
    return np.polynomial.hermite_e.hermevander(z, degree)[:, 1:] / _hermite_norms(degree)


def hermite_feature_means(target: GaussianMixture1D, degree: int, loc: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """E_target h_j((X − loc)/scale), j = 1..degree, exactly: He_j in monomials times the standardised
    mixture's raw moments."""
    standard = GaussianMixture1D(target.weights, (target.means - loc) / scale, target.sds / scale)
    moments = np.array([standard.raw_moment(i) for i in range(degree + 1)])
    values = [np.polynomial.hermite_e.herme2poly([0] * j + [1]) @ moments[: j + 1] for j in range(1, degree + 1)]
    return np.array(values) / _hermite_norms(degree)


def polynomial_ipm(x, target: GaussianMixture1D, degree: int, loc=0.0, scale=1.0, weights=None) -> float:
    """sup over degree-≤k polynomials f = c·h with ‖c‖₂ ≤ 1 of E_x f − E_target f = ‖E_x h − E_target h‖₂
    (Cauchy–Schwarz): zero exactly when the moments 1..k agree."""
    x, w = _points(x, "x", weights)
    gap = w @ hermite_features(x, degree, loc, scale) - hermite_feature_means(target, degree, loc, scale)
    return float(np.linalg.norm(gap))


# --- distances -------------------------------------------------------------------------------------


def wasserstein1_1d(x, y, x_weights=None, y_weights=None) -> float:
    """Exact W1 between two weighted point sets: ∫ |F_x − F_y| over the merged sorted atoms."""
    x, wx = _points(x, "x", x_weights)
    y, wy = _points(y, "y", y_weights)
    atoms = np.concatenate([x, y])
    signed = np.concatenate([wx, -wy])
    order = np.argsort(atoms, kind="stable")
    atoms, gap = atoms[order], np.cumsum(signed[order])[:-1]
    return float(np.sum(np.abs(gap) * np.diff(atoms)))


def wasserstein1_to_mixture(x, target: GaussianMixture1D, weights=None) -> float:
    """Exact W1 between a weighted point set and a Gaussian mixture: ∫ |F_n − F| dx in closed form.

    Left of the first atom ∫F = G(x₀); right of the last ∫(1 − F) = G(x) − x + E X evaluated at x_{n−1};
    between atoms F_n is a constant c and ∫|c − F| splits at the crossing F(r) = c (found by bisection).
    """
    x, w = _points(x, "x", weights)
    order = np.argsort(x, kind="stable")
    x, level = x[order], np.cumsum(w[order])
    g = target.integrated_cdf
    total = g(x[0]) + (g(x[-1]) - x[-1] + target.mean)
    if x.size > 1:
        lo, hi, c = x[:-1], x[1:], level[:-1]
        r = _crossing(target, lo, hi, c)
        below = c * (r - lo) - (g(r) - g(lo))  # F < c on [lo, r]
        above = (g(hi) - g(r)) - c * (hi - r)  # F > c on [r, hi]
        total += np.sum(below + above)
    return float(total)


def _crossing(target: GaussianMixture1D, lo, hi, level, iterations: int = 64):
    """The point r in [lo, hi] where the (increasing) mixture CDF crosses `level`, clipped to the interval."""
    a, b = lo.copy(), hi.copy()
    for _ in range(iterations):
        mid = 0.5 * (a + b)
        left = target.cdf(mid) < level
        a, b = np.where(left, mid, a), np.where(left, b, mid)
    return 0.5 * (a + b)


def mmd_to_mixture(x, target: GaussianMixture1D, bandwidth: float, weights=None) -> float:
    """Population MMD between a weighted point set (the measure itself: particles, a quadrature rule) and
    the target, Gaussian kernel of bandwidth h: MMD² = Σ w w' k(x, x') − 2 Σ w E k(x, Y) + E k(Y, Y')."""
    x, w = _points(x, "x", weights)
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be > 0, got {bandwidth}")
    gram = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / bandwidth**2)
    mmd2 = w @ gram @ w - 2.0 * w @ target.kernel_mean(x, bandwidth) + target.kernel_self(bandwidth)
    return float(math.sqrt(max(mmd2, 0.0)))


def moment_gaps(x, target: GaussianMixture1D, orders, weights=None) -> np.ndarray:
    """Raw-moment differences E_x X^j − E_target X^j for each order j."""
    x, w = _points(x, "x", weights)
    return np.array([w @ x**j - target.raw_moment(j) for j in orders])


def jensen_shannon(p_atoms, p_weights, q_atoms, q_weights) -> float:
    """JS divergence (natural log, so at most log 2) between two discrete measures; atoms are matched
    exactly. It is defined here because both measures live on countable sets; for measures with disjoint
    supports it is log 2 however close the atoms are (the E2.5 point)."""
    p, wp = _points(p_atoms, "p_atoms", p_weights)
    q, wq = _points(q_atoms, "q_atoms", q_weights)
    support = np.union1d(p, q)
    pm = np.bincount(np.searchsorted(support, p), wp, support.size)
    qm = np.bincount(np.searchsorted(support, q), wq, support.size)
    mid = 0.5 * (pm + qm)

    def kl(a):
        hit = a > 0
        return float(np.sum(a[hit] * np.log(a[hit] / mid[hit])))

    return 0.5 * kl(pm) + 0.5 * kl(qm)


def sampling_floor_w1(target: GaussianMixture1D, n: int, repeats: int, rng: np.random.Generator):
    """(median, all values) of the exact W1 between the target and `repeats` i.i.d. samples of size n:
    what a perfect generator of n points scores, the yardstick of E2.2–E2.4."""
    if n < 1 or repeats < 1:
        raise ValueError(f"the W1 sampling floor needs n >= 1 and repeats >= 1, got n={n}, repeats={repeats}")
    values = np.array([wasserstein1_to_mixture(target.sample(n, rng), target) for _ in range(repeats)])
    return float(np.median(values)), values
