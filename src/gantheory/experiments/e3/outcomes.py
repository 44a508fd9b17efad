"""E3's outcome rule (docs/claims.md#e3): converged, mode collapse, discriminator collapse (E3.3's
horizon-free signs), oscillation, other; the thresholds define the claims, they are not tunables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.models import interval_gan as model

OUTCOMES = ("converged", "mode collapse", "discriminator collapse", "oscillation", "other")
CONVERGED_TOL = 0.1  # ‖sort μ − sort μ*‖∞
MODE_COLLAPSE_GAP = 0.1  # |μ₁ − μ₂|
SHORT_INTERVAL = 1e-3
STALLED_GRADIENT = 1e-4  # projected endpoint-gradient norm (the version-1 E3.3 statistic, reported)
INERT_FRACTION = 0.1  # an inert discriminator: F(μ_T, E_T) ≤ 0.1·TV(p*, p_μT)
OSCILLATION_MOVE = 0.05  # generator range over the final window
WINDOW_FRACTION = 0.1
TV_TARGET = 0.02


def classify(mu, mu_star, disc, projected_grad, window_range, first_order: bool, initial_disc=None, tv=None):
    """Outcome per run, first matching rule wins (docs/claims.md#e3, outcome rule).

    Discriminator collapse is E3.3's sign (version 2): an interval lost or the two merged, or an
    inert discriminator F(μ_T, E_T) ≤ 0.1·TV. An interval that was already empty at initialisation
    (the optimal set of the initial μ has one component in most runs) never was an interval: it
    cannot collapse, so it is left out. The projected endpoint gradient (version 1's sign) no longer
    enters the rule. `tv` is TV(p*, p_μ) at the end when the caller has it.
    """
    sort_error = np.abs(np.sort(mu, 1) - np.sort(mu_star, 1)).max(1)
    converged = sort_error < CONVERGED_TOL
    mode_collapse = np.abs(mu[:, 0] - mu[:, 1]) < MODE_COLLAPSE_GAP
    lengths = np.stack([disc[:, 1] - disc[:, 0], disc[:, 3] - disc[:, 2]], 1)
    if initial_disc is not None:
        initial = np.stack([initial_disc[:, 1] - initial_disc[:, 0], initial_disc[:, 3] - initial_disc[:, 2]], 1)
        lengths = np.where(initial < SHORT_INTERVAL, np.inf, lengths)
    shortest = lengths.min(1)
    if first_order:
        tv = model.total_variation(mu, mu_star) if tv is None else tv
        signs = sign_arrays(disc, initial_disc, model.objective(mu, mu_star, disc), tv, projected_grad)
        disc_collapsed = signs["collapsed_or_inert"]
    else:
        disc_collapsed = np.zeros(len(mu), bool)
    oscillating = window_range > OSCILLATION_MOVE
    outcome = np.select([converged, mode_collapse, disc_collapsed, oscillating], OUTCOMES[:4], OUTCOMES[4])
    return dict(
        sort_error=sort_error,
        converged=converged,
        mode_collapse=mode_collapse,
        disc_collapsed=disc_collapsed,
        oscillating=oscillating,
        outcome=outcome,
        shortest_interval=np.where(first_order & np.isfinite(shortest), shortest, np.nan),
    )


def discriminator_signs(runs: pd.DataFrame) -> pd.DataFrame:
    """E3.3's horizon-free signs of a collapsed or inert discriminator, per run, from runs.csv columns.

    - `lost`: an interval that was not empty at the start (length ≥ 1e-3) ends shorter than 1e-3;
    - `merged`: the two intervals were two disjoint non-empty components at the start and the final
      intervals intersect or touch (their union is one component);
    - `inert`: F(μ_T, E_T) ≤ 0.1·TV(p*, p_μT) — the discriminator no longer tells the generator where
      the target is, so its gradient has vanished although the generator is far from the target;
    - `collapsed_or_inert`: (lost or merged) or inert, E3.3's judged sign;
    - `stalled_v1`: the version-1 statistic, projected endpoint gradient < 1e-4 at the last step.
    """
    return pd.DataFrame(
        sign_arrays(
            runs[["l1", "r1", "l2", "r2"]].to_numpy(float),
            runs[["l1_0", "r1_0", "l2_0", "r2_0"]].to_numpy(float),
            runs["objective_final"].to_numpy(float),
            runs["tv_final"].to_numpy(float),
            runs["projected_disc_grad"].to_numpy(float),
        ),
        index=runs.index,
    )


def sign_arrays(final, start, objective, tv, grad) -> dict:
    """The signs of `discriminator_signs` on arrays; without `start` every final interval counts."""
    length = np.stack([final[:, 1] - final[:, 0], final[:, 3] - final[:, 2]], 1)
    if start is None:
        existed, apart0 = np.ones_like(length, bool), np.ones(len(final), bool)
    else:
        length0 = np.stack([start[:, 1] - start[:, 0], start[:, 3] - start[:, 2]], 1)
        existed = length0 >= SHORT_INTERVAL
        apart0 = np.maximum(start[:, 0], start[:, 2]) > np.minimum(start[:, 1], start[:, 3])
    lost = (existed & (length < SHORT_INTERVAL)).any(1)
    together = np.maximum(final[:, 0], final[:, 2]) <= np.minimum(final[:, 1], final[:, 3])
    merged = existed.all(1) & apart0 & together
    inert = objective <= INERT_FRACTION * tv
    return {
        "lost": lost,
        "merged": merged,
        "lost_or_merged": lost | merged,
        "inert": inert,
        "collapsed_or_inert": lost | merged | inert,
        "stalled_v1": grad < STALLED_GRADIENT,
    }
