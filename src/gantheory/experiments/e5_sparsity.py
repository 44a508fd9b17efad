"""E5.5 — is the FSR structure natural in real images? Sparse dictionary fits of each detail band.

For every level ℓ ≥ 2, the detail band (level ℓ minus the upsampled level ℓ−1) of half the images trains a
dictionary (sklearn); the other half is coded with ≤ `nonzero` atoms (OMP) to give the held-out explained
variance, and a linear score of the coarser level predicts which atoms are active (ROC AUC vs shuffled pairs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.data.fsr import bands, pyramid
from gantheory.metrics.dictionary import code_predictability, sparse_dictionary_fit
from gantheory.seeding import derive_seed


def band_sparsity(name: str, top: np.ndarray, levels: int, settings: dict, seed: int) -> pd.DataFrame:
    """One row per detail level: explained variance with ≤ nonzero atoms, mean active atoms, AUC and chance."""
    top = np.asarray(top, np.float64).reshape(len(top), -1)[: settings["max_images"]]
    rng = np.random.default_rng(derive_seed(seed, "e5", "sparsity", name))
    order = rng.permutation(len(top))
    train, test = order[: len(top) // 2], order[len(top) // 2 :]
    pyr, detail = pyramid(top, levels), bands(top, levels)
    rows = []
    for level in range(2, levels + 1):
        fit = sparse_dictionary_fit(
            detail[level - 1][train],
            detail[level - 1][test],
            settings["atoms"],
            settings["nonzero"],
            settings["alpha"],
            derive_seed(seed, "e5", "sparsity", name, level),
        )
        coarse = pyr[level - 2]
        pred = code_predictability(
            coarse[train], fit["active_train"], coarse[test], fit["active_test"], settings["permutations"], rng
        )
        rows.append(
            {
                "dataset": name,
                "level": level,
                "images": len(top),
                "atoms": settings["atoms"],
                "max_active": settings["nonzero"],
                "explained_variance": fit["explained_variance"],
                "mean_active": fit["mean_active"],
                "auc": pred["auc"],
                "chance_auc_mean": float(np.mean(pred["chance"])),
                "chance_auc_max": float(np.max(pred["chance"])),
                "atoms_scored": pred["atoms"],
            }
        )
    return pd.DataFrame(rows)
