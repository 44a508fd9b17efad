"""Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017).

Statistics are float64 and the trace of the matrix square root comes from symmetric eigendecompositions,
never `scipy.linalg.sqrtm` (whose regressions have produced imaginary parts and wrong traces).
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "FewSamplesWarning",
    "bootstrap_frechet",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "gaussian_statistics",
    "split_half_frechet",
]


class FewSamplesWarning(UserWarning):
    """Fewer than 10× as many samples as feature dimensions: the covariance estimate, and FD, are biased."""


def _check_features(x, name: str) -> np.ndarray:
    """`x` as a finite float64 (n, d) array; a ValueError names the side (`name`) otherwise."""
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features), got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
        raise ValueError(f"{name} has non-finite values ({n_nan} NaN, {n_inf} inf)")
    return arr


def _check_sample_size(arr: np.ndarray, name: str) -> None:
    """Refuse n < d (singular covariance) and warn when n < 10 d."""
    n, d = arr.shape
    if n < max(d, 2):
        raise ValueError(
            f"Fréchet distance needs at least {max(d, 2)} samples per side for a {d}-dimensional "
            f"covariance, got {n} in {name}"
        )
    if n < 10 * d:
        warnings.warn(
            f"{name} has {n} samples for {d} dimensions (< 10×{d} = {10 * d}); the Fréchet distance "
            "is biased upward at this sample size",
            FewSamplesWarning,
            stacklevel=3,
        )


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (for reproducibility), got {type(rng).__name__}")
    return rng


def gaussian_statistics(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean and unbiased (ddof=1) covariance of `features` (n, d), computed in float64."""
    arr = np.asarray(features).astype(np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2:
        raise ValueError(f"features must be a 2-D array with at least 2 rows, got shape {arr.shape}")
    return arr.mean(axis=0), np.atleast_2d(np.cov(arr, rowvar=False, ddof=1))


def _check_statistics(mu, cov, name: str) -> tuple[np.ndarray, np.ndarray]:
    mu = np.asarray(mu, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if mu.ndim != 1 or cov.shape != (mu.size, mu.size):
        raise ValueError(f"{name}: mean must be (d,) and covariance (d, d), got {mu.shape} and {cov.shape}")
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(cov))):
        raise ValueError(f"{name}: mean or covariance has non-finite values")
    scale = max(float(np.abs(cov).max()), np.finfo(np.float64).tiny)
    if np.abs(cov - cov.T).max() > 1e-8 * scale:
        raise ValueError(f"{name}: covariance is not symmetric")
    return mu, (cov + cov.T) / 2


def frechet_distance_from_statistics(mu1, cov1, mu2, cov2) -> float:
    """||mu1-mu2||² + tr C1 + tr C2 - 2 tr (C1^½ C2 C1^½)^½, the Fréchet (W2²) distance of two Gaussians.

    The trace term uses `eigh`/`eigvalsh` of symmetric PSD matrices, so it is real for singular covariances too.
    """
    mu1, cov1 = _check_statistics(mu1, cov1, "first")
    mu2, cov2 = _check_statistics(mu2, cov2, "second")
    if mu1.shape != mu2.shape:
        raise ValueError(f"feature dimensions differ: {mu1.size} vs {mu2.size}")
    w, v = np.linalg.eigh(cov1)
    sqrt1 = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    inner = sqrt1 @ cov2 @ sqrt1
    ev = np.linalg.eigvalsh((inner + inner.T) / 2)
    trace_sqrt = float(np.sqrt(np.clip(ev, 0.0, None)).sum())
    diff = mu1 - mu2
    traces = float(np.trace(cov1) + np.trace(cov2))
    fd = float(diff @ diff) + traces - 2.0 * trace_sqrt
    # Round-off in the square roots of near-zero eigenvalues is O(sqrt(eps)) each; allow d of them.
    tol = 4.0 * mu1.size * np.sqrt(np.finfo(np.float64).eps) * max(traces, np.finfo(np.float64).tiny)
    if fd < -tol:
        raise ValueError(f"Fréchet distance came out negative ({fd:.3g}); are the covariances PSD?")
    return max(fd, 0.0)


def _pair(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = _check_features(x, "x"), _check_features(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"feature dimensions differ: x has {x.shape[1]}, y has {y.shape[1]}")
    return x, y


def frechet_distance(x, y) -> float:
    """FD between Gaussians fitted to samples `x` (n, d) and `y` (m, d); refuses n < d, warns when n < 10 d."""
    x, y = _pair(x, y)
    _check_sample_size(x, "x")
    _check_sample_size(y, "y")
    return frechet_distance_from_statistics(*gaussian_statistics(x), *gaussian_statistics(y))


def bootstrap_frechet(x, y, rng, repeats: int = 100) -> np.ndarray:
    """FD over `repeats` bootstrap resamples (with replacement, same sizes) of both sides: its spread."""
    x, y = _pair(x, y)
    _check_sample_size(x, "x")
    _check_sample_size(y, "y")
    rng = _check_rng(rng)
    out = np.empty(int(repeats), dtype=np.float64)
    for i in range(out.size):
        xb = x[rng.integers(0, x.shape[0], size=x.shape[0])]
        yb = y[rng.integers(0, y.shape[0], size=y.shape[0])]
        out[i] = frechet_distance_from_statistics(*gaussian_statistics(xb), *gaussian_statistics(yb))
    return out


def split_half_frechet(x, rng) -> float:
    """FD between two disjoint random halves of one dataset: the floor that FD curves are read against."""
    x = _check_features(x, "x")
    rng = _check_rng(rng)
    half = x.shape[0] // 2
    perm = rng.permutation(x.shape[0])
    a, b = x[perm[:half]], x[perm[half : 2 * half]]
    _check_sample_size(a, "each half of x")
    return frechet_distance_from_statistics(*gaussian_statistics(a), *gaussian_statistics(b))
