"""E4.2 / E4.3 — is the Fréchet distance estimator right, and does it grow with disturbance?

E4.2: FD between 16-dimensional Gaussians with known FD, from 20k samples, against the closed form;
and the floor every FD curve is read against: FD between two disjoint halves of the real data.
E4.3: FD between real images and disturbed ones at 4 levels of 5 disturbances (Heusel et al. Fig. 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.metrics import frechet_distance, frechet_distance_from_statistics, split_half_frechet
from gantheory.models.classifier import classifier_features
from gantheory.seeding import derive_seed


def _random_covariance(dim: int, rng: np.random.Generator) -> np.ndarray:
    a = rng.normal(size=(dim, dim)) / np.sqrt(dim)
    return a @ a.T + 0.1 * np.eye(dim)


def _pair_row(item: str, exact: float, x: np.ndarray, y: np.ndarray) -> dict:
    estimate = frechet_distance(x, y)
    return {
        "check": "gaussian pair",
        "item": item,
        "level": 0,
        "exact": exact,
        "value": estimate,
        "relative_error": abs(estimate - exact) / exact,
        "samples": len(x),
    }


def gaussian_pairs(settings: dict, seed: int) -> pd.DataFrame:
    """Estimated vs analytic FD for random Gaussian pairs whose FD is at least 1, plus one hard pair."""
    rng = np.random.default_rng(derive_seed(seed, "e4", "fd-gaussians"))
    dim, n = settings["dim"], settings["samples"]
    rows = []
    for pair in range(settings["pairs"]):
        mu1, mu2 = rng.normal(size=dim), rng.normal(size=dim) * 0.5
        cov1, cov2 = _random_covariance(dim, rng), _random_covariance(dim, rng)
        exact = frechet_distance_from_statistics(mu1, cov1, mu2, cov2)
        x = rng.multivariate_normal(mu1, cov1, size=n)
        y = rng.multivariate_normal(mu2, cov2, size=n)
        rows.append(_pair_row(str(pair), exact, x, y))
    rows.append(hard_pair(dim, n, settings["hard_fd"], seed))
    return pd.DataFrame(rows)


def hard_pair(dim: int, n: int, target_fd: float, seed: int) -> dict:
    """A pair whose analytic FD is exactly `target_fd` (between 1 and 2): the estimator's O(dim²/n) bias
    is then a large part of the value, the regime in which the curves are read near their floor.

    Two nearby covariances (a random one and a 10% mix towards another) supply part of the FD; a mean
    shift along a random direction supplies the rest. Its own random stream: the other pairs are unchanged.
    """
    rng = np.random.default_rng(derive_seed(seed, "e4", "fd-gaussians-hard"))
    cov1 = _random_covariance(dim, rng)
    other, direction = _random_covariance(dim, rng), rng.normal(size=dim)
    mix, mu1 = 0.1, rng.normal(size=dim)
    while (shape := frechet_distance_from_statistics(mu1, cov1, mu1, (1 - mix) * cov1 + mix * other)) > target_fd / 2:
        mix /= 2  # keep the covariance part below half of the target, so the shift has a real length
    cov2 = (1 - mix) * cov1 + mix * other
    mu2 = mu1 + direction / np.linalg.norm(direction) * np.sqrt(target_fd - shape)
    exact = frechet_distance_from_statistics(mu1, cov1, mu2, cov2)
    x = rng.multivariate_normal(mu1, cov1, size=n)
    y = rng.multivariate_normal(mu2, cov2, size=n)
    return _pair_row("hard", exact, x, y)


def real_halves(n: int, seed: int, dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint equal halves of a real dataset; training runs compare against half A too."""
    order = np.random.default_rng(derive_seed(seed, "e4", "real-halves", dataset)).permutation(n)
    return order[: n // 2], order[n // 2 : 2 * (n // 2)]


def real_data_checks(
    dataset: str, images: np.ndarray, labels: np.ndarray, weights: dict, settings: dict, seed: int, disturbances: dict
) -> pd.DataFrame:
    """The real-halves floor (with bootstrap spread) and FD vs disturbance level, in classifier features."""
    rng = np.random.default_rng(derive_seed(seed, "e4", "fd-splits", dataset))
    half_a, half_b = real_halves(len(images), seed, dataset)
    feats_a = classifier_features(weights, images[half_a])
    feats_b = classifier_features(weights, images[half_b])
    floor = frechet_distance(feats_a, feats_b)
    # Spread over other random splits (resampling with replacement would bias FD upwards).
    all_feats = classifier_features(weights, images)
    spread = [split_half_frechet(all_feats, rng) for _ in range(settings["bootstrap"])]
    rows = [
        {
            "check": "floor",
            "item": dataset,
            "level": 0,
            "value": floor,
            "spread_low": float(np.quantile(spread, 0.05)),
            "spread_high": float(np.quantile(spread, 0.95)),
        }
    ]
    for name, disturb in disturbances.items():
        for level in range(1, settings["levels"] + 1):
            level_rng = np.random.default_rng(derive_seed(seed, "e4", "disturb", dataset, name, level))
            disturbed = disturb(images[half_b], level, level_rng, labels[half_b])
            value = frechet_distance(feats_a, classifier_features(weights, disturbed))
            rows.append({"check": "disturbance", "item": f"{dataset}: {name}", "level": level, "value": value})
    return pd.DataFrame(rows)
