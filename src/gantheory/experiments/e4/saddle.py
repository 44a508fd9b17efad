"""E4.1 — the TTUR saddle toy f(x, y) = (1 + x²)(100 − y²) of Heusel et al. (NeurIPS 2017, arXiv 1706.08500).

x descends, y ascends, both with Gaussian gradient noise; two time-scales (slow x, fast y) settle at the
saddle (0, 0) quickly, while equal fast rates give x a step multiplier ≈ −1 and leave it a noisy random walk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.seeding import derive_seed


def gradients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(∂f/∂x, ∂f/∂y) of f(x, y) = (1 + x²)(100 − y²)."""
    return 2 * x * (100 - y**2), -2 * y * (1 + x**2)


def step(x, y, a, b, noise_x=0.0, noise_y=0.0):
    """One simultaneous update: gradient descent in x (rate a), ascent in y (rate b), noisy gradients."""
    gx, gy = gradients(x, y)
    return x - a * (gx + noise_x), y + b * (gy + noise_y)


def first_hold_step(norms: np.ndarray, threshold: float, hold: int) -> np.ndarray:
    """First t with norms[t : t + hold] all < threshold (along the last axis); −1 where there is none."""
    norms = np.asarray(norms, dtype=float)
    below = np.concatenate([np.zeros(norms.shape[:-1] + (1,)), np.cumsum(norms < threshold, axis=-1)], axis=-1)
    held = (below[..., hold:] - below[..., :-hold]) == hold
    return np.where(held.any(axis=-1), held.argmax(axis=-1), -1)


def simulate_saddle(settings: dict, seed: int) -> tuple[pd.DataFrame, dict]:
    """Every (setting, seed) run at once; returns one row per run and seed 0's (steps+1, 2) path per setting."""
    names = list(settings["rates"])
    seeds = int(settings["seeds"])
    steps = int(settings["steps"])
    rates = np.repeat(np.asarray([settings["rates"][n] for n in names], dtype=float), seeds, axis=0)
    a, b = rates[:, 0], rates[:, 1]
    rows = len(rates)
    rng = np.random.default_rng(derive_seed(seed, "e4", "saddle"))
    paths = np.empty((steps + 1, rows, 2))
    paths[0] = settings["init"]
    x, y = paths[0, :, 0].copy(), paths[0, :, 1].copy()
    sigma = float(settings["noise_std"])
    for t in range(1, steps + 1):
        noise = sigma * rng.standard_normal((rows, 2))
        x, y = step(x, y, a, b, noise[:, 0], noise[:, 1])
        paths[t, :, 0], paths[t, :, 1] = x, y
    norms = np.linalg.norm(paths, axis=2).T  # (rows, steps + 1)
    reach = first_hold_step(norms, float(settings["threshold"]), int(settings["hold"]))
    tail_rms = np.sqrt(np.mean(norms[:, -int(settings["tail"]) :] ** 2, axis=1))
    runs = pd.DataFrame(
        {
            "experiment": "E4",
            "variant": np.repeat(names, seeds),
            "seed": np.tile(np.arange(seeds), len(names)),
            "lr_x": a,
            "lr_y": b,
            "reach_step": reach.astype(int),
            "tail_rms": tail_rms,
            "final_x": paths[-1, :, 0],
            "final_y": paths[-1, :, 1],
        }
    )
    return runs, {name: paths[:, i * seeds] for i, name in enumerate(names)}
