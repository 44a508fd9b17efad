"""The WGAN-GP toy distributions: shapes, determinism, and that samples sit on (and spread over) their modes."""

import numpy as np
import pytest

from gantheory.data import TOYS, build_dataset, mixture_modes


@pytest.mark.parametrize("name", sorted(TOYS))
def test_shape_dtype(name):
    x = TOYS[name](100, np.random.default_rng(0))
    assert x.shape == (100, 2) and x.dtype == np.float32 and np.isfinite(x).all()


@pytest.mark.parametrize("name", sorted(TOYS))
def test_determinism(name):
    a, b, c = build_dataset(name, 500, 1)["x"], build_dataset(name, 500, 1)["x"], build_dataset(name, 500, 2)["x"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(("name", "k"), [("8gaussians", 8), ("25gaussians", 25)])
def test_modes_near_and_balanced(name, k):
    n = 16_000
    centers, std = mixture_modes(name)
    assert centers.shape == (k, 2)
    x = build_dataset(name, n, 0)["x"]
    dist = np.linalg.norm(x[:, None, :] - centers[None], axis=-1)
    assert dist.min(axis=1).max() < 6 * std
    share = np.bincount(dist.argmin(axis=1), minlength=k) / n
    assert share.min() > 0.72 / k and share.max() < 1.28 / k  # 9%–16% for 8 modes


def test_eight_gaussians_scale():
    centers, std = mixture_modes("8gaussians")
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2 / 1.414)
    assert std == pytest.approx(0.02 / 1.414)


def test_swiss_roll_range():
    x = build_dataset("swissroll", 5000, 0)["x"]
    assert np.abs(x).max() < 2.0 and x.std(axis=0).min() > 0.5
    assert -0.5 < x.mean(axis=0)[0] < 0.5


@pytest.mark.parametrize("name", ["swissroll", "nope"])
def test_mixture_modes_rejects(name):
    with pytest.raises(ValueError, match=name):
        mixture_modes(name)
