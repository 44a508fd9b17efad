"""Mode coverage and high-quality-sample rate for Gaussian-mixture toys (8 on a circle, 25 on a grid)."""

from __future__ import annotations

import numpy as np

__all__ = ["mode_statistics"]


def mode_statistics(samples, centers, std: float, hq_sigmas: float = 3.0, min_share: float = 0.2) -> dict:
    """High-quality rate (samples within `hq_sigmas`·`std` of their nearest center) and modes covered.

    A mode counts as covered when it receives at least `min_share` × (n_samples / n_centers) high-quality
    samples. This threshold is ours, not from the papers: a mode hit by a few stragglers is not "covered".
    Returns {"high_quality_rate": float, "modes_covered": int, "counts": int array per center, "n_modes": int}.
    """
    x = np.asarray(samples, dtype=np.float64)
    c = np.asarray(centers, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] == 0:
        raise ValueError(f"centers must be a non-empty (k, d) array, got shape {c.shape}")
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != c.shape[1]:
        raise ValueError(f"samples must be a non-empty (n, {c.shape[1]}) array to match centers, got shape {x.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(c))):
        raise ValueError("samples and centers must be finite (a diverged run has no mode statistics)")
    if not (np.isfinite(std) and std > 0):
        raise ValueError(f"std must be a positive number, got {std}")
    if not (hq_sigmas > 0 and 0 <= min_share):
        raise ValueError(f"need hq_sigmas > 0 and min_share >= 0, got {hq_sigmas} and {min_share}")
    dist = np.linalg.norm(x[:, None, :] - c[None, :, :], axis=-1)
    nearest = dist.argmin(axis=1)
    hq = dist[np.arange(x.shape[0]), nearest] <= hq_sigmas * std
    counts = np.bincount(nearest[hq], minlength=c.shape[0]).astype(np.int64)
    needed = min_share * x.shape[0] / c.shape[0]
    covered = (counts > 0) & (counts >= needed)
    return {
        "high_quality_rate": float(hq.mean()),
        "modes_covered": int(covered.sum()),
        "counts": counts,
        "n_modes": int(c.shape[0]),
    }
