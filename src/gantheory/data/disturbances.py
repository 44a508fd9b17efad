"""Image disturbances at 4 levels for E4.3 (FD grows with disturbance; Heusel et al. 2017, Fig. 1).

Each acts on a batch x of shape (n, h, w) in [−1, 1] (black = −1), returns the same shape clipped to [−1, 1],
is the identity at level 0, and draws all its randomness from the given NumPy Generator.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

LEVELS = (1, 2, 3, 4)


def gaussian_noise(x: np.ndarray, level: int, rng: np.random.Generator) -> np.ndarray:
    """Add N(0, s²) noise with s = 0.2 · level."""
    if level == 0:
        return x.copy()
    return np.clip(x + rng.normal(0.0, 0.2 * level, size=x.shape), -1.0, 1.0)


def gaussian_blur(x: np.ndarray, level: int, rng: np.random.Generator) -> np.ndarray:
    """Separable Gaussian blur of each image with sigma = 0.25 · level · h / 8 pixels."""
    if level == 0:
        return x.copy()
    sigma = 0.25 * level * x.shape[1] / 8
    return np.clip(gaussian_filter(x.astype(float), sigma=(0, sigma, sigma), mode="nearest"), -1.0, 1.0)


def black_rectangles(x: np.ndarray, level: int, rng: np.random.Generator) -> np.ndarray:
    """Per image, `level` squares of side ≈ h/4 at random positions set to black (−1)."""
    out = np.array(x, dtype=float)
    if level == 0:
        return out
    n, h, w = x.shape
    side_h, side_w = max(1, round(h / 4)), max(1, round(w / 4))
    tops = rng.integers(0, h - side_h + 1, size=(n, level))
    lefts = rng.integers(0, w - side_w + 1, size=(n, level))
    for i in range(n):
        for top, left in zip(tops[i], lefts[i], strict=True):
            out[i, top : top + side_h, left : left + side_w] = -1.0
    return out


def salt_and_pepper(x: np.ndarray, level: int, rng: np.random.Generator) -> np.ndarray:
    """A random fraction 0.05 · level of the pixels set to −1 or +1 (each with probability ½)."""
    out = np.array(x, dtype=float)
    if level == 0:
        return out
    hit = rng.random(x.shape) < 0.05 * level
    out[hit] = rng.choice([-1.0, 1.0], size=int(hit.sum()))
    return out


def mix_other_class(x: np.ndarray, level: int, rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    """Replace a fraction 0.1 · level of the images (those of other classes) by images of one class.

    Heusel et al. mix in images from another distribution. Swapping images for images of other classes
    of the same dataset would leave the class mixture, hence the distribution, unchanged; here the
    mixture shifts towards one class (the smallest label) as the level grows.
    """
    out = np.array(x, dtype=float)
    if level == 0:
        return out
    labels = np.asarray(labels)
    target = labels.min()
    pool = np.flatnonzero(labels == target)
    candidates = np.flatnonzero(labels != target)
    count = min(int(round(0.1 * level * len(x))), len(candidates))
    chosen = rng.choice(candidates, size=count, replace=False)
    out[chosen] = x[rng.choice(pool, size=count, replace=True)]
    return out


def _ignore_labels(fn):
    """Give a label-free disturbance the common (x, level, rng, labels) signature."""
    return lambda x, level, rng, labels=None: fn(x, level, rng)


DISTURBANCES = {
    "gaussian noise": _ignore_labels(gaussian_noise),
    "blur": _ignore_labels(gaussian_blur),
    "black rectangles": _ignore_labels(black_rectangles),
    "salt and pepper": _ignore_labels(salt_and_pepper),
    "other class": mix_other_class,
}
