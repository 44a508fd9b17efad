"""Mode coverage and high-quality rate on the 8-Gaussians circle and the 25-Gaussians grid."""

from __future__ import annotations

import numpy as np
import pytest

from gantheory.metrics import mode_statistics

CIRCLE = 2.0 * np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)
GRID = np.array([(i, j) for i in range(-2, 3) for j in range(-2, 3)], dtype=float) * 2.0
STD = 0.02


@pytest.mark.parametrize("centers", [CIRCLE, GRID])
def test_samples_at_the_centers_cover_every_mode(centers):
    stats = mode_statistics(np.repeat(centers, 40, axis=0), centers, STD)
    assert stats["high_quality_rate"] == 1.0
    assert stats["modes_covered"] == stats["n_modes"] == len(centers)
    np.testing.assert_array_equal(stats["counts"], np.full(len(centers), 40))


def test_all_samples_at_one_center_cover_one_mode():
    stats = mode_statistics(np.tile(CIRCLE[3], (800, 1)), CIRCLE, STD)
    assert stats["modes_covered"] == 1 and stats["high_quality_rate"] == 1.0 and stats["counts"][3] == 800


def test_far_away_samples_are_not_high_quality():
    stats = mode_statistics(np.full((500, 2), 50.0), GRID, STD)
    assert stats["high_quality_rate"] == 0.0 and stats["modes_covered"] == 0 and stats["counts"].sum() == 0


def test_a_few_stragglers_do_not_cover_a_mode():
    rng = np.random.default_rng(0)
    main = np.repeat(CIRCLE[:7], 1_143, axis=0)[:7_998] + rng.normal(0, STD, size=(7_998, 2))
    samples = np.concatenate([main, np.tile(CIRCLE[7], (2, 1))])  # 2 stragglers among 8,000 samples
    assert mode_statistics(samples, CIRCLE, STD, min_share=0.0)["modes_covered"] == 8
    stats = mode_statistics(samples, CIRCLE, STD)
    assert stats["counts"][7] == 2 and stats["modes_covered"] == 7


def test_validation():
    with pytest.raises(ValueError, match="std"):
        mode_statistics(CIRCLE, CIRCLE, 0.0)
    with pytest.raises(ValueError, match="samples"):
        mode_statistics(np.zeros((5, 3)), CIRCLE, STD)
    with pytest.raises(ValueError, match="centers"):
        mode_statistics(CIRCLE, CIRCLE[0], STD)
