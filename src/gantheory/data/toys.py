"""The 2-D toy distributions of the WGAN-GP toy code (Gulrajani et al., gan_toy.py), as float32 arrays."""

from __future__ import annotations

import numpy as np

_SQ = 1.0 / np.sqrt(2.0)
_EIGHT = 2.0 * np.array([(1, 0), (-1, 0), (0, 1), (0, -1), (_SQ, _SQ), (_SQ, -_SQ), (-_SQ, _SQ), (-_SQ, -_SQ)])
_TWENTY_FIVE = np.array([(2.0 * i, 2.0 * j) for i in range(-2, 3) for j in range(-2, 3)])
# (raw centers, raw per-mode std, final divisor) exactly as in gan_toy.py; the divisors are its rounded stdevs.
_MIXTURES = {"8gaussians": (_EIGHT, 0.02, 1.414), "25gaussians": (_TWENTY_FIVE, 0.05, 2.828)}


def eight_gaussians(n: int, rng: np.random.Generator) -> np.ndarray:
    """n points: a uniformly chosen center of the scale-2 octagon + 0.02·N(0, I), divided by 1.414."""
    centers, std, scale = _MIXTURES["8gaussians"]
    which = rng.integers(len(centers), size=n)
    points = (centers[which] + std * rng.standard_normal((n, 2))).astype(np.float32)
    return points / np.float32(scale)


def twenty_five_gaussians(n: int, rng: np.random.Generator) -> np.ndarray:
    """n points on the 5×5 grid (2i, 2j) + 0.05·N(0, I), divided by 2.828; modes balanced then shuffled, as there."""
    centers, std, scale = _MIXTURES["25gaussians"]
    which = rng.permutation(np.arange(n) % len(centers))
    points = (centers[which] + std * rng.standard_normal((n, 2))).astype(np.float32)
    return points / np.float32(scale)


def swiss_roll(n: int, rng: np.random.Generator) -> np.ndarray:
    """sklearn's Swiss roll (noise 0.25), coordinates (0, 2), divided by 7.5; sklearn seeded from `rng`."""
    from sklearn.datasets import make_swiss_roll

    data = make_swiss_roll(n_samples=n, noise=0.25, random_state=int(rng.integers(2**31 - 1)))[0]
    return data.astype(np.float32)[:, [0, 2]] / np.float32(7.5)


def mixture_modes(name: str) -> tuple[np.ndarray, float]:
    """Mode centers (k, 2) and per-mode std after the final rescaling, for mode-coverage metrics."""
    if name not in _MIXTURES:
        raise ValueError(f"{name!r} is not a Gaussian mixture; mixtures: {sorted(_MIXTURES)}")
    centers, std, scale = _MIXTURES[name]
    return centers / scale, std / scale


TOYS = {"8gaussians": eight_gaussians, "25gaussians": twenty_five_gaussians, "swissroll": swiss_roll}
