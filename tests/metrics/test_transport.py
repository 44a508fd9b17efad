"""Exact W1: zero on identical clouds, the sorted-sample formula in 1-D, ||v|| for a translation."""

from __future__ import annotations

import numpy as np
import pytest

from gantheory.metrics import wasserstein1


def test_identical_clouds_are_at_distance_zero():
    x = np.random.default_rng(0).standard_normal((300, 2))
    assert wasserstein1(x, x.copy()) == 0.0


def test_one_dimensional_w1_is_mean_absolute_difference_of_sorted_samples():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(400), rng.exponential(size=400) + 0.5
    expected = np.mean(np.abs(np.sort(x) - np.sort(y)))
    assert wasserstein1(x[:, None], y[:, None]) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_translation_moves_w1_by_exactly_the_shift_norm():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 2))
    v = np.array([0.3, -0.4])
    assert abs(wasserstein1(x, x + v) - 0.5) < 1e-9


def test_subsampling_needs_rng_and_is_reproducible():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((500, 2)), rng.standard_normal((400, 2)) + 1.0
    with pytest.raises(ValueError, match="rng"):
        wasserstein1(x, y, max_points=200)
    first = wasserstein1(x, y, max_points=200, rng=np.random.default_rng(9))
    assert first == wasserstein1(x, y, max_points=200, rng=np.random.default_rng(9))
    assert 0.5 < first < 2.5


def test_bad_inputs():
    x = np.zeros((10, 2))
    with pytest.raises(ValueError, match="dimensions differ"):
        wasserstein1(x, np.zeros((10, 3)))
    with pytest.raises(ValueError, match="2-D"):
        wasserstein1(np.zeros(10), x)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="^y has non-finite"):
        wasserstein1(x, bad)
