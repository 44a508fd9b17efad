"""Fréchet distance: closed form for Gaussians, statistics path vs an independent sqrtm formula, bad inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg

from gantheory.metrics import (
    FewSamplesWarning,
    bootstrap_frechet,
    frechet_distance,
    frechet_distance_from_statistics,
    gaussian_statistics,
    split_half_frechet,
)

D = 16


def random_spd(rng: np.random.Generator, d: int = D) -> np.ndarray:
    """A well-conditioned random SPD matrix (eigenvalues roughly in [0.5, 5])."""
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.5 * np.eye(d)


def sqrtm_formula(mu1, cov1, mu2, cov2) -> float:
    """The textbook formula with scipy's sqrtm, only as an independent check where sqrtm is well-behaved."""
    covmean = scipy.linalg.sqrtm(cov1 @ cov2)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(covmean).real)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sample_fd_matches_closed_form_for_gaussians(seed):
    rng = np.random.default_rng(seed)
    mu1, mu2 = rng.standard_normal(D) * 0.3, rng.standard_normal(D) * 0.3
    cov1, cov2 = random_spd(rng), random_spd(rng)
    exact = frechet_distance_from_statistics(mu1, cov1, mu2, cov2)
    assert exact >= 1.0
    x = rng.multivariate_normal(mu1, cov1, size=20_000)
    y = rng.multivariate_normal(mu2, cov2, size=20_000)
    assert frechet_distance(x, y) == pytest.approx(exact, rel=0.05)


def test_statistics_path_matches_sqrtm_and_is_zero_on_itself():
    rng = np.random.default_rng(7)
    mu1, mu2 = rng.standard_normal(D), rng.standard_normal(D)
    cov1, cov2 = random_spd(rng), random_spd(rng)
    ours = frechet_distance_from_statistics(mu1, cov1, mu2, cov2)
    assert ours == pytest.approx(sqrtm_formula(mu1, cov1, mu2, cov2), rel=1e-8, abs=1e-8)
    assert abs(frechet_distance_from_statistics(mu1, cov1, mu1, cov1)) < 1e-10


def test_rank_deficient_covariance_gives_finite_nonnegative_real():
    rng = np.random.default_rng(3)
    b = rng.standard_normal((D, 3))
    singular = b @ b.T + 1e-14 * np.eye(D)
    for fd in (
        frechet_distance_from_statistics(np.zeros(D), singular, np.ones(D), random_spd(rng)),
        frechet_distance_from_statistics(np.zeros(D), singular, np.zeros(D), singular),
    ):
        assert isinstance(fd, float) and np.isfinite(fd) and fd >= 0.0
    x = rng.standard_normal((2_000, 3)) @ b.T  # samples on a 3-dimensional subspace of R^16
    fd = frechet_distance(x, rng.standard_normal((2_000, D)))
    assert isinstance(fd, float) and np.isfinite(fd) and fd >= 0.0


def test_statistics_are_float64():
    mu, cov = gaussian_statistics(np.arange(12, dtype=np.float32).reshape(4, 3))
    assert mu.dtype == np.float64 and cov.dtype == np.float64 and cov.shape == (3, 3)


def test_too_few_samples_is_an_error_naming_both_numbers():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"16.*\b12\b"):
        frechet_distance(rng.standard_normal((12, 16)), rng.standard_normal((500, 16)))


def test_few_samples_warns():
    rng = np.random.default_rng(0)
    with pytest.warns(FewSamplesWarning, match="160"):
        frechet_distance(rng.standard_normal((100, 16)), rng.standard_normal((500, 16)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frechet_distance(rng.standard_normal((160, 16)), rng.standard_normal((160, 16)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_names_the_side(bad):
    rng = np.random.default_rng(0)
    y = rng.standard_normal((100, 4))
    y[3, 2] = bad
    with pytest.raises(ValueError, match=r"^y has non-finite"):
        frechet_distance(rng.standard_normal((100, 4)), y)


def test_shape_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="dimensions differ"):
        frechet_distance(rng.standard_normal((100, 4)), rng.standard_normal((100, 5)))
    with pytest.raises(ValueError, match="2-D"):
        frechet_distance(rng.standard_normal(100), rng.standard_normal((100, 1)))


def test_bootstrap_and_split_half_are_reproducible_and_small_for_one_distribution():
    x = np.random.default_rng(1).standard_normal((4_000, 4))
    boot = bootstrap_frechet(x, x[::-1], np.random.default_rng(5), repeats=20)
    assert boot.shape == (20,) and np.all(boot >= 0) and boot.std() > 0
    np.testing.assert_array_equal(boot, bootstrap_frechet(x, x[::-1], np.random.default_rng(5), repeats=20))
    floor = split_half_frechet(x, np.random.default_rng(2))
    assert floor == split_half_frechet(x, np.random.default_rng(2))
    assert 0 < floor < 0.05
    with pytest.raises(TypeError, match="Generator"):
        split_half_frechet(x, 2)
