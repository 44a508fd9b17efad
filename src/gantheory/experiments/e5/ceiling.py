"""E5.4's ceiling: how well sparse dictionary learning recovers the true detail atoms from true samples.

For each detail level ℓ ≥ 2 of the synthetic FSR distribution, the band ℓ of held-out true samples (level
ℓ minus the upsampled level ℓ − 1), projected onto the block-mean-free subspace the true atoms live in,
trains a dictionary with as many atoms as the truth and non-negative codes (sklearn, L1). Its
Hungarian-matched mean |cosine| to the true atoms' detail parts is what a learner that sees true samples
of the band can reach: the ceiling beside the GAN's recovery. NumPy and scikit-learn only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.data.fsr import bands, detail_projection
from gantheory.metrics.dictionary import matched_cosine, positive_dictionary
from gantheory.seeding import derive_seed


def dictionary_ceiling(top: np.ndarray, truth_atoms: list[np.ndarray], settings: dict, seed: int) -> pd.DataFrame:
    """One row per detail level: the matched |cos| of a dictionary learned on the first `ceiling_samples` of
    the true top-level images `top` (their detail band) to the true atoms' detail parts. `truth_atoms`: W1…WL;
    `settings`: config key e5.sparsity (ceiling_samples, ceiling_alpha)."""
    top = np.asarray(top, np.float64).reshape(len(top), -1)[: settings["ceiling_samples"]]
    levels = len(truth_atoms)
    detail = bands(top, levels)
    rows = []
    for level in range(2, levels + 1):
        true = detail_projection(np.asarray(truth_atoms[level - 1], np.float64))
        samples = detail_projection(detail[level - 1])
        fit_seed = derive_seed(seed, "e5", "dictionary-ceiling", level)
        learned = positive_dictionary(samples, len(true), settings["ceiling_alpha"], fit_seed)
        rows.append(
            {
                "dataset": "fsr",
                "level": level,
                "atoms": len(true),
                "samples": len(samples),
                "alpha": settings["ceiling_alpha"],
                "matched_cosine": matched_cosine(detail_projection(learned), true),
            }
        )
    return pd.DataFrame(rows)
