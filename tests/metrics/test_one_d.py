"""Exact 1-D metrics: closed forms against hand-derived values, POT, quadrature and large samples."""

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import norm

from gantheory.metrics import one_d
from gantheory.metrics.mmd import mmd2_unbiased
from gantheory.metrics.one_d import GaussianMixture1D
from gantheory.metrics.transport import wasserstein1

NORMAL = GaussianMixture1D([1.0], [0.0], [1.0])
BIMODAL = GaussianMixture1D([0.5, 0.5], [-2.0, 2.0], [0.5, 0.5])


def test_mixture_raw_moments_match_the_gaussian_formulas():
    assert [NORMAL.raw_moment(j) for j in range(1, 9)] == [0, 1, 0, 3, 0, 15, 0, 105]
    mu, s = 2.0, 0.5  # E X^4 = mu^4 + 6 mu^2 s^2 + 3 s^4 for each (symmetric) component
    assert BIMODAL.raw_moment(4) == pytest.approx(mu**4 + 6 * mu**2 * s**2 + 3 * s**4)
    assert BIMODAL.sd == pytest.approx(math.sqrt(4.25))
    assert NORMAL.moment_sd(2) == pytest.approx(math.sqrt(2.0))  # Var Z^2 = 3 - 1


@pytest.mark.parametrize("q", [1, 2, 3, 5, 8, 12])  # 12: paper's largest (21! overflows int64)
def test_gauss_hermite_measure_matches_normal_moments_to_degree_2q_minus_1(q):
    nodes, weights = one_d.gauss_hermite_measure(q)
    assert weights.sum() == pytest.approx(1.0, abs=1e-15)
    gaps = one_d.moment_gaps(nodes, NORMAL, range(1, 2 * q + 1), weights)
    scale = np.array([NORMAL.moment_sd(j) for j in range(1, 2 * q + 1)])
    assert np.all(np.abs(gaps[:-1]) / scale[:-1] < 1e-12)
    assert gaps[-1] == pytest.approx(-math.factorial(q), rel=1e-9)  # E x^2q misses He_q²'s q!
    assert one_d.polynomial_ipm(nodes, NORMAL, 2 * q - 1, weights=weights) < 1e-12
    # degree 2q: He_q vanishes on the nodes, so the rule misses E He_q² = q!, i.e. E h_2q by q!/√((2q)!)
    expected = math.factorial(q) / math.sqrt(math.factorial(2 * q))
    assert one_d.polynomial_ipm(nodes, NORMAL, 2 * q, weights=weights) == pytest.approx(expected, rel=1e-9)


def test_polynomial_ipm_is_the_norm_of_hermite_feature_gaps():
    c = 0.7  # a point mass at c vs N(0, 1): E h1 = c, E h2 = (c^2 - 1)/sqrt(2), both 0 under N(0, 1)
    assert one_d.polynomial_ipm([c], NORMAL, 1) == pytest.approx(c)
    assert one_d.polynomial_ipm([c], NORMAL, 2) == pytest.approx(math.hypot(c, (c * c - 1) / math.sqrt(2)))
    # standardised with the target's own mean and sd: invariant under shifting and scaling both sides
    x = np.random.default_rng(0).normal(size=50)
    shifted = GaussianMixture1D([1.0], [3.0], [2.0])
    assert one_d.polynomial_ipm(x, NORMAL, 4) == pytest.approx(one_d.polynomial_ipm(3 + 2 * x, shifted, 4, 3.0, 2.0))


def test_w1_between_point_sets_agrees_with_pot():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=300), rng.standard_t(3, size=170) + 0.4
    assert one_d.wasserstein1_1d(x, y) == pytest.approx(wasserstein1(x[:, None], y[:, None]), abs=1e-10)
    # weights: 1/4 and 3/4 on two atoms equal the atoms repeated once and three times
    weighted = one_d.wasserstein1_1d([0.0, 2.0], y, x_weights=[0.25, 0.75])
    assert weighted == pytest.approx(wasserstein1(np.array([[0.0], [2.0], [2.0], [2.0]]), y[:, None]), abs=1e-10)


def test_w1_to_a_mixture_is_exact():
    for c in (-1.3, 0.0, 0.4, 2.5):  # W1(δ_c, N(0,1)) = E|Z − c| = 2φ(c) + c(2Φ(c) − 1)
        expected = 2 * norm.pdf(c) + c * (2 * norm.cdf(c) - 1)
        assert one_d.wasserstein1_to_mixture([c], NORMAL) == pytest.approx(expected, abs=1e-12)
    x = np.random.default_rng(2).normal(size=40)  # the quantile formula ∫|Q_n(u) − Q(u)| du on a fine grid
    u = (np.arange(40_000) + 0.5) / 40_000
    lo, hi = np.full_like(u, -10.0), np.full_like(u, 10.0)
    for _ in range(60):  # Q(u) of the mixture by bisection
        mid = 0.5 * (lo + hi)
        below = BIMODAL.cdf(mid) < u
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    quantile_w1 = np.mean(np.abs(np.sort(x)[(u * len(x)).astype(int)] - 0.5 * (lo + hi)))
    assert one_d.wasserstein1_to_mixture(x, BIMODAL) == pytest.approx(quantile_w1, abs=1e-4)


def test_w1_to_a_mixture_approaches_w1_to_a_large_sample():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=200)
    big = BIMODAL.sample(400_000, rng)
    assert one_d.wasserstein1_to_mixture(x, BIMODAL) == pytest.approx(one_d.wasserstein1_1d(x, big), abs=5e-3)


def test_population_kernel_means_and_mmd():
    h = 0.8
    k_mean = integrate.quad(lambda y: math.exp(-((0.3 - y) ** 2) / (2 * h * h)) * BIMODAL.pdf(y), -10, 10)[0]
    assert BIMODAL.kernel_mean(0.3, h) == pytest.approx(k_mean, rel=1e-8)
    rng = np.random.default_rng(4)
    a, b = BIMODAL.sample(3000, rng), BIMODAL.sample(3000, rng)
    assert BIMODAL.kernel_self(h) == pytest.approx(np.exp(-((a - b) ** 2) / (2 * h * h)).mean(), abs=0.02)
    x = rng.normal(size=400)  # population MMD of the point set vs a Monte Carlo estimate with a big sample
    estimate = math.sqrt(max(mmd2_unbiased(x[:, None], BIMODAL.sample(2000, rng)[:, None], h), 0.0))
    exact = one_d.mmd_to_mixture(x, BIMODAL, h)
    assert exact == pytest.approx(estimate, abs=0.03) and exact > 0.2
    assert one_d.mmd_to_mixture(BIMODAL.sample(2000, rng), BIMODAL, h) < 0.04


def test_median_pairwise_distance_and_relu_means():
    assert NORMAL.median_pairwise_distance() == pytest.approx(math.sqrt(2) * norm.ppf(0.75), abs=1e-12)
    a, b = -0.7, 0.4
    quad = integrate.quad(lambda y: max(a * y + b, 0.0) * BIMODAL.pdf(y), -10, 10, points=[b / -a])[0]
    assert BIMODAL.relu_mean(a, b) == pytest.approx(quad, rel=1e-8)


def test_jensen_shannon_of_discrete_measures():
    assert one_d.jensen_shannon([0.0], [1.0], [0.0], [1.0]) == 0.0
    assert one_d.jensen_shannon([1e-9], [1.0], [0.0], [1.0]) == pytest.approx(math.log(2), abs=1e-15)
    expected = 0.5 * (0.5 * math.log(2 / 3) + 0.5 * math.log(2)) + 0.5 * math.log(4 / 3)
    assert one_d.jensen_shannon([0.0, 1.0], [0.5, 0.5], [0.0], [1.0]) == pytest.approx(expected)


def test_sampling_floor_is_reproducible_and_shrinks_with_n():
    small, values = one_d.sampling_floor_w1(NORMAL, 100, 20, np.random.default_rng(5))
    again, _ = one_d.sampling_floor_w1(NORMAL, 100, 20, np.random.default_rng(5))
    large, _ = one_d.sampling_floor_w1(NORMAL, 1000, 20, np.random.default_rng(5))
    assert small == again and len(values) == 20
    assert 0.02 < large < small < 0.2


def test_bad_inputs_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="1-D sample"):
        one_d.wasserstein1_1d(np.zeros((3, 2)), [0.0])
    with pytest.raises(ValueError, match="non-finite"):
        one_d.wasserstein1_to_mixture([0.0, np.nan], NORMAL)
    with pytest.raises(ValueError, match="summing to 1"):
        one_d.wasserstein1_1d([0.0, 1.0], [0.0], x_weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="sum to 1"):
        GaussianMixture1D([0.5, 0.4], [0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="missing"):
        GaussianMixture1D.from_spec({"weights": [1.0], "means": [0.0]})
    with pytest.raises(ValueError, match="q >= 1"):
        one_d.gauss_hermite_measure(0)


@pytest.mark.parametrize("q", [1, 2, 3, 4, 8])
def test_gaussian_quadrature_is_gauss_hermite_on_the_normal_and_matches_a_mixtures_moments(q):
    """Golub–Welsch from exact moments: on N(0, 1) the Gauss–Hermite rule; on a bimodal mixture (and a
    shifted, scaled one) moments 1..2q−1 agree to rounding and moment 2q does not."""
    nodes, weights = one_d.gaussian_quadrature(GaussianMixture1D([1.0], [0.0], [1.0]), q)
    expected_nodes, expected_weights = one_d.gauss_hermite_measure(q)
    np.testing.assert_allclose(nodes, expected_nodes, atol=1e-12)
    np.testing.assert_allclose(weights, expected_weights, atol=1e-12)
    for target in (
        GaussianMixture1D([0.5, 0.5], [-2.0, 2.0], [0.5, 0.5]),
        GaussianMixture1D([0.3, 0.7], [1.0, 4.0], [0.4, 1.5]),
    ):
        nodes, weights = one_d.gaussian_quadrature(target, q)
        assert weights.min() > 0 and weights.sum() == pytest.approx(1.0)
        for j in range(1, 2 * q):
            assert weights @ nodes**j == pytest.approx(target.raw_moment(j), rel=1e-9, abs=1e-9)
        assert abs(weights @ nodes ** (2 * q) - target.raw_moment(2 * q)) > 1e-6 * target.raw_moment(2 * q)
    with pytest.raises(ValueError, match="q >= 1"):
        one_d.gaussian_quadrature(GaussianMixture1D([1.0], [0.0], [1.0]), 0)
