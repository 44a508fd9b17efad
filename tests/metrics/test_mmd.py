"""Gaussian-kernel MMD: the unbiased estimator against a closed form, floors, bandwidths, bad input."""

import numpy as np
import pytest

from gantheory.metrics.mmd import MMDToReference, gaussian_kernel, median_bandwidth, mmd, mmd2_unbiased, sampling_floor


def exact_mmd2_unit_gaussians(shift: float, bandwidth: float) -> float:
    """MMD² between N(0, 1) and N(shift, 1) in 1-D: E k over a difference N(m, 2) is c·exp(−m²/(2(σ²+2)))."""
    c = np.sqrt(bandwidth**2 / (bandwidth**2 + 2.0))
    return 2.0 * c * (1.0 - np.exp(-(shift**2) / (2.0 * (bandwidth**2 + 2.0))))


def test_unbiased_estimate_matches_the_closed_form():
    rng = np.random.default_rng(0)
    draws = [mmd2_unbiased(rng.normal(size=(800, 1)), rng.normal(size=(800, 1)) + 1.0, 1.0) for _ in range(12)]
    exact = exact_mmd2_unit_gaussians(1.0, 1.0)
    assert abs(np.mean(draws) - exact) < 3 * np.std(draws, ddof=1) / np.sqrt(len(draws))
    x, y = rng.normal(size=(800, 1)), rng.normal(size=(800, 1)) + 1.0
    assert mmd(x, y, 1.0) == pytest.approx(np.sqrt(max(mmd2_unbiased(x, y, 1.0), 0.0)))


def test_unbiased_estimate_is_centred_at_zero_for_equal_distributions():
    rng = np.random.default_rng(1)
    values = [mmd2_unbiased(rng.normal(size=(200, 3)), rng.normal(size=(200, 3)), 1.5) for _ in range(40)]
    assert min(values) < 0 < max(values)  # unbiased: negative values happen
    assert abs(np.mean(values)) < 3 * np.std(values) / np.sqrt(len(values))


def test_estimator_equals_the_u_statistic_by_hand():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(4, 2))
    k = lambda a, b: np.exp(-np.sum((a - b) ** 2) / (2 * 0.7**2))  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(5) for j in range(5) if i != j) / 20
    yy = sum(k(y[i], y[j]) for i in range(4) for j in range(4) if i != j) / 12
    xy = sum(k(a, b) for a in x for b in y) / 20
    assert mmd2_unbiased(x, y, 0.7) == pytest.approx(xx + yy - 2 * xy, abs=1e-12)
    assert MMDToReference(y, 0.7).mmd2(x) == pytest.approx(xx + yy - 2 * xy, abs=1e-12)
    assert gaussian_kernel(x, x, 0.7)[0, 0] == 1.0


def test_median_bandwidth_and_sampling_floor():
    points = np.array([[0.0], [1.0], [3.0]])  # distances 1, 2, 3
    assert median_bandwidth(points) == 2.0
    rng = np.random.default_rng(3)
    pool = rng.normal(size=(1000, 2))
    floor, values = sampling_floor(pool, 100, 1.0, 30, np.random.default_rng(4))
    assert values.shape == (30,) and floor == pytest.approx(np.quantile(values, 0.95))
    shifted = mmd(rng.normal(size=(100, 2)) + 1.0, pool[:100], 1.0)
    assert shifted > 2 * floor  # a shift the size of the noise stands far above the floor
    with pytest.raises(ValueError, match="needs >= 2000 real samples"):
        sampling_floor(pool, 1000, 1.0, 2, rng)


@pytest.mark.parametrize(
    "x, y, bandwidth, match",
    [
        (np.zeros((3, 2)), np.zeros((3, 3)), 1.0, "dimensions differ"),
        (np.full((3, 2), np.nan), np.zeros((3, 2)), 1.0, "non-finite"),
        (np.zeros(3), np.zeros((3, 1)), 1.0, "2-D"),
        (np.zeros((3, 2)), np.zeros((3, 2)), 0.0, "bandwidth"),
        (np.zeros((1, 2)), np.zeros((3, 2)), 1.0, ">= 2 samples"),
    ],
)
def test_bad_input_is_refused(x, y, bandwidth, match):
    with pytest.raises(ValueError, match=match):
        mmd2_unbiased(x, y, bandwidth)
