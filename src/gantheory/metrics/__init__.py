"""Metrics: one Fréchet distance (Heusel et al. 2017), one exact W1 (POT), mode coverage for toys."""

from gantheory.metrics.frechet import (
    FewSamplesWarning,
    bootstrap_frechet,
    frechet_distance,
    frechet_distance_from_statistics,
    gaussian_statistics,
    split_half_frechet,
)
from gantheory.metrics.modes import mode_statistics
from gantheory.metrics.transport import wasserstein1

__all__ = [
    "FewSamplesWarning",
    "bootstrap_frechet",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "gaussian_statistics",
    "mode_statistics",
    "split_half_frechet",
    "wasserstein1",
]
