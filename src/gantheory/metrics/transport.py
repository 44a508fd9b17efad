"""Exact Wasserstein-1 distance between two empirical point clouds (uniform weights), solved with POT."""

from __future__ import annotations

import os

import numpy as np

__all__ = ["wasserstein1"]


def _ot():
    """Import POT lazily, without its TensorFlow backend (we pass NumPy arrays; loading TF costs seconds)."""
    os.environ.setdefault("POT_BACKEND_DISABLE_TENSORFLOW", "1")
    import ot

    return ot


def _cloud(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (n_points, dim) (reshape(-1, 1) for 1-D clouds), "
            f"got shape {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
        raise ValueError(f"{name} has non-finite values ({n_nan} NaN, {n_inf} inf)")
    return arr


def _subsample(arr: np.ndarray, max_points: int | None, rng) -> np.ndarray:
    if max_points is None or arr.shape[0] <= max_points:
        return arr
    if not isinstance(rng, np.random.Generator):
        raise ValueError("max_points subsampling needs rng, a numpy.random.Generator")
    return arr[rng.choice(arr.shape[0], size=int(max_points), replace=False)]


def wasserstein1(x, y, max_points: int | None = None, rng=None, num_iter_max: int = 10_000_000) -> float:
    """Exact W1 between clouds `x` (n, d) and `y` (m, d) by network simplex; a side larger than `max_points`
    is first subsampled without replacement with `rng`. Raises RuntimeError if the solver did not converge."""
    x, y = _cloud(x, "x"), _cloud(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"point dimensions differ: x has {x.shape[1]}, y has {y.shape[1]}")
    if max_points is not None and int(max_points) < 1:
        raise ValueError(f"max_points must be a positive integer or None, got {max_points}")
    x, y = _subsample(x, max_points, rng), _subsample(y, max_points, rng)
    ot = _ot()
    # backend="scipy" uses cdist: exact distances (the Gram-matrix formula leaves ~1e-8 for identical points).
    cost = ot.dist(x, y, metric="euclidean", backend="scipy")
    a = np.full(x.shape[0], 1.0 / x.shape[0])
    b = np.full(y.shape[0], 1.0 / y.shape[0])
    value, log = ot.emd2(a, b, cost, numItermax=int(num_iter_max), log=True)
    if log.get("warning") is not None:
        raise RuntimeError(f"exact W1 did not converge ({log['warning']}); raise num_iter_max or lower max_points")
    return float(value)
