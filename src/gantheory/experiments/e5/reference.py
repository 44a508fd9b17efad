"""E5's real side: a fixed reference sample, kernel bandwidths and sampling floors per level and band.

NumPy only (no TensorFlow), so the rule that computes floors starts fast.
"""

from __future__ import annotations

import numpy as np

from gantheory.data.fsr import bands, pyramid
from gantheory.metrics import frechet_distance
from gantheory.metrics.mmd import median_bandwidth, sampling_floor
from gantheory.seeding import derive_seed

FD_MIN_SAMPLES_PER_DIM = 10  # FD only where n >= 10 d (below that its covariance is biased: metrics.frechet)


def decompositions(top: np.ndarray, levels: int) -> dict[str, list[np.ndarray]]:
    """{"level": the pyramid (the heads' targets), "band": the bands of the top image}, coarse to fine."""
    return {"level": pyramid(top, levels), "band": bands(top, levels)}


def real_reference(pool: np.ndarray, levels: int, n: int, repeats: int, seed: int, dataset: str) -> dict:
    """A fixed size-n reference sample of the real pool, a bandwidth per level and band (median heuristic
    on the reference) and each one's sampling floor: the 95th percentile of MMD (and of FD where n ≥ 10 d)
    between disjoint real size-n pairs."""
    pool = np.asarray(pool, np.float64).reshape(len(pool), -1)
    rng = np.random.default_rng(derive_seed(seed, "e5", dataset, "reference"))
    index = np.sort(rng.permutation(len(pool))[:n])
    entries = []
    for kind, parts in decompositions(pool, levels).items():
        for level, part in enumerate(parts, 1):
            bandwidth = median_bandwidth(part[index])
            floor_rng = np.random.default_rng(derive_seed(seed, "e5", dataset, "floor", kind, level))
            floor, values = sampling_floor(part, n, bandwidth, repeats, floor_rng)
            entry = {"kind": kind, "level": level, "bandwidth": bandwidth, "floor": floor, "floor_values": values}
            if kind == "level" and n >= FD_MIN_SAMPLES_PER_DIM * part.shape[1]:
                fds = []
                for _ in range(repeats):
                    pair = floor_rng.permutation(len(part))[: 2 * n]
                    fds.append(frechet_distance(part[pair[:n]], part[pair[n:]]))
                entry["fd_floor"] = float(np.quantile(fds, 0.95))
            entries.append(entry)
    return {"dataset": dataset, "n": n, "repeats": repeats, "reference_index": index, "entries": entries}
