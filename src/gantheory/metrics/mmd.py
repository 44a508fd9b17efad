"""Maximum mean discrepancy with a Gaussian kernel (Gretton et al., JMLR 2012), in float64.

The bandwidth is fixed once from real data (median pairwise distance), so every curve of a run measures
with the same kernel. The estimator of MMD² is the unbiased U-statistic (it can dip below 0); `mmd` reports
√max(MMD², 0). A distance is read against its *sampling floor*: a high quantile of the same statistic
between independent real samples of the same size.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MMDToReference", "gaussian_kernel", "median_bandwidth", "mmd", "mmd2_unbiased", "sampling_floor"]


def _as_samples(x, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite values")
    return arr


def _squared_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    sq = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2.0 * x @ y.T
    return np.maximum(sq, 0.0)


def gaussian_kernel(x, y, bandwidth: float) -> np.ndarray:
    """k(x, y) = exp(−‖x − y‖² / (2σ²)) for every pair of rows."""
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be > 0, got {bandwidth}")
    return np.exp(-_squared_distances(_as_samples(x, "x"), _as_samples(y, "y")) / (2.0 * bandwidth**2))


def median_bandwidth(x, max_samples: int = 1000) -> float:
    """Median pairwise Euclidean distance among the first `max_samples` rows (deterministic)."""
    x = _as_samples(x, "x")[:max_samples]
    if len(x) < 2:
        raise ValueError(f"the median heuristic needs >= 2 samples, got {len(x)}")
    d = np.sqrt(_squared_distances(x, x))[np.triu_indices(len(x), k=1)]
    positive = d[d > 0]
    if positive.size == 0:
        raise ValueError("all samples are identical: no bandwidth can be read from them")
    return float(np.median(positive))


class MMDToReference:
    """MMD of many samples to one fixed real sample: the real sample's within-kernel mean is computed once."""

    def __init__(self, reference, bandwidth: float):
        self.reference, self.bandwidth = _as_samples(reference, "reference"), bandwidth
        m = len(self.reference)
        if m < 2:
            raise ValueError(f"the unbiased MMD needs >= 2 reference samples, got {m}")
        kyy = gaussian_kernel(self.reference, self.reference, bandwidth)
        self.within = (kyy.sum() - np.trace(kyy)) / (m * (m - 1))

    def mmd2(self, x) -> float:
        """Unbiased MMD² estimate: within-sample means exclude the diagonal (Gretton et al. 2012, Lemma 6)."""
        x = _as_samples(x, "x")
        if x.shape[1] != self.reference.shape[1]:
            raise ValueError(f"feature dimensions differ: x has {x.shape[1]}, the reference {self.reference.shape[1]}")
        n = len(x)
        if n < 2:
            raise ValueError(f"the unbiased MMD needs >= 2 samples per side, got {n}")
        kxx = gaussian_kernel(x, x, self.bandwidth)
        within_x = (kxx.sum() - np.trace(kxx)) / (n * (n - 1))
        return float(within_x + self.within - 2.0 * gaussian_kernel(x, self.reference, self.bandwidth).mean())

    def mmd(self, x) -> float:
        return float(np.sqrt(max(self.mmd2(x), 0.0)))


def mmd2_unbiased(x, y, bandwidth: float) -> float:
    """Unbiased estimate of MMD²(P, Q) from samples x ~ P and y ~ Q."""
    return MMDToReference(y, bandwidth).mmd2(x)


def mmd(x, y, bandwidth: float) -> float:
    """√max(MMD²_u, 0): a distance on the scale that the sampling floor and the 2× criterion use."""
    return float(np.sqrt(max(mmd2_unbiased(x, y, bandwidth), 0.0)))


def sampling_floor(
    pool, n: int, bandwidth: float, repeats: int, rng: np.random.Generator, quantile: float = 0.95
) -> tuple[float, np.ndarray]:
    """The `quantile` of MMD between two disjoint random size-n subsets of a real pool, over `repeats` draws."""
    pool = _as_samples(pool, "pool")
    if 2 * n > len(pool):
        raise ValueError(f"a floor at n = {n} needs >= {2 * n} real samples, the pool has {len(pool)}")
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    values = np.empty(repeats)
    for r in range(repeats):
        idx = rng.permutation(len(pool))[: 2 * n]
        values[r] = mmd(pool[idx[:n]], pool[idx[n:]], bandwidth)
    return float(np.quantile(values, quantile)), values
