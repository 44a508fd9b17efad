"""GAN dynamics on the exact two-Gaussian model, every run advanced as one batched array.

Two dynamics (Li et al. 2018): the *optimal-discriminator* dynamics take a gradient step on μ against
E*(μ) each step (a gradient step on TV); the *first-order* dynamics take k projected gradient-ascent
steps on the interval endpoints per generator step, either simultaneously (the generator sees the
discriminator from before its k steps) or alternately (it sees the updated one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gantheory.models import interval_gan as model
from gantheory.progress import Progress

DYNAMICS = ("optimal", "first_order")
UPDATES = ("simultaneous", "alternating")


@dataclass
class Trajectories:
    """What a batch of runs left behind; every array's first axis is the run."""

    mu: np.ndarray  # (B, 2) final generator means
    disc: np.ndarray  # (B, 4) final discriminator (l₁, r₁, l₂, r₂)
    record_steps: np.ndarray  # (R,) steps at which the paths below were recorded
    mu_path: np.ndarray  # (B, R, 2)
    tv_path: np.ndarray  # (B, R) total variation TV(p*, p_μ) at the recorded steps
    window_range: np.ndarray  # (B,) max over μ's coordinates of (max − min) over the final window
    tv_monotone: np.ndarray  # (B,) TV never rose before first falling below the target (optimal)
    tv_first_below: np.ndarray  # (B,) first step with TV < target, −1 if never (optimal only)
    tv_max_rise: np.ndarray  # (B,) largest one-step rise of TV before that point (optimal only)
    tv_final_oscillation: np.ndarray  # (B,) max − min of TV over the final window (optimal only)
    projected_disc_grad: np.ndarray  # (B,) projected endpoint-gradient norm at the end
    diverged_step: np.ndarray  # (B,) step at which the state became non-finite, −1 if never
    wall_clock_s: float = 0.0


def _record_points(steps: int, records: int) -> np.ndarray:
    return np.unique(np.linspace(0, steps, records + 1).round().astype(int))


def simulate(
    mu0,
    mu_star,
    disc0=None,
    *,
    dynamic: str,
    gen_lr,
    disc_lr=None,
    steps: int,
    disc_steps: int = 1,
    update: str = "simultaneous",
    records: int = 100,
    window_fraction: float = 0.1,
    tv_target: float = 0.02,
    label: str = "",
) -> Trajectories:
    """Advance every run `steps` generator steps; per-run step sizes broadcast over the batch."""
    import time

    if dynamic not in DYNAMICS:
        raise ValueError(f"dynamic must be one of {DYNAMICS}, got {dynamic!r}")
    if update not in UPDATES:
        raise ValueError(f"update must be one of {UPDATES}, got {update!r}")
    start = time.perf_counter()
    mu = np.array(mu0, dtype=np.float64, copy=True)
    mu_star = np.asarray(mu_star, dtype=np.float64)
    batch = len(mu)
    gen_lr = np.broadcast_to(np.asarray(gen_lr, np.float64), (batch,)).copy()
    optimal = dynamic == "optimal"
    warm: dict = {}  # last step's roots: Newton starts next to them
    if optimal:
        disc = model.optimal_discriminator(mu, mu_star)
    else:
        disc = model.project_discriminator(disc0)
        disc_lr = np.broadcast_to(np.asarray(disc_lr, np.float64), (batch,)).copy()

    record_steps = _record_points(steps, records)
    mu_path = np.empty((batch, len(record_steps), 2))
    tv_path = np.empty((batch, len(record_steps)))
    window_start = int(np.floor((1.0 - window_fraction) * steps))
    window_lo = np.full((batch, 2), np.inf)
    window_hi = np.full((batch, 2), -np.inf)
    tv_lo = np.full(batch, np.inf)
    tv_hi = np.full(batch, -np.inf)
    tv_prev = np.full(batch, np.inf)
    tv_first_below = np.full(batch, -1)
    tv_max_rise = np.zeros(batch)
    diverged_step = np.full(batch, -1)
    last_good_mu, last_good_disc = mu.copy(), disc.copy()
    next_record = 0

    progress = Progress(steps, label or dynamic)
    log_every = max(1, (len(record_steps) - 1) // 10)  # about ten progress lines per simulation
    for step in range(steps + 1):
        if optimal:
            disc = model.optimal_discriminator(mu, mu_star, warm)
            tv = model.objective(mu, mu_star, disc)
            searching = tv_first_below < 0
            rise = np.where(searching, tv - tv_prev, -np.inf)
            tv_max_rise = np.maximum(tv_max_rise, rise)
            tv_first_below = np.where(searching & (tv < tv_target), step, tv_first_below)
            tv_prev = tv
            if step >= window_start:
                tv_lo, tv_hi = np.minimum(tv_lo, tv), np.maximum(tv_hi, tv)
        if step >= window_start:
            window_lo, window_hi = np.minimum(window_lo, mu), np.maximum(window_hi, mu)
        if step == record_steps[next_record]:
            bad = ~(np.isfinite(mu).all(1) & np.isfinite(disc).all(1))
            newly = bad & (diverged_step < 0)
            diverged_step[newly] = step
            # A diverged run is frozen at its last finite state and stops moving.
            mu[bad], disc[bad] = last_good_mu[bad], last_good_disc[bad]
            gen_lr[bad] = 0.0
            if not optimal:
                disc_lr[bad] = 0.0
            last_good_mu, last_good_disc = mu.copy(), disc.copy()
            mu_path[:, next_record] = mu
            tv_path[:, next_record] = tv if optimal else model.total_variation(mu, mu_star)
            if next_record % log_every == 0 or step == steps:
                tv_now = tv_path[:, next_record]
                tv_now = tv_now[np.isfinite(tv_now)]
                progress.log(step, {"median TV": float(np.median(tv_now))} if tv_now.size else {})
            next_record += 1
        if step == steps:
            break
        progress.update(1)
        if optimal:
            mu = mu - gen_lr[:, None] * model.generator_gradient(mu, disc)
            continue
        gen_grad = model.generator_gradient(mu, disc) if update == "simultaneous" else None
        for _ in range(disc_steps):
            ascent = model.discriminator_gradient(mu, mu_star, disc)
            disc = model.project_discriminator(disc + disc_lr[:, None] * ascent)
        if gen_grad is None:
            gen_grad = model.generator_gradient(mu, disc)
        mu = mu - gen_lr[:, None] * gen_grad

    progress.close()
    final_grad = model.discriminator_gradient(mu, mu_star, disc)
    return Trajectories(
        mu=mu,
        disc=disc,
        record_steps=record_steps,
        mu_path=mu_path,
        tv_path=tv_path,
        window_range=(window_hi - window_lo).max(1),
        tv_monotone=tv_max_rise <= 1e-12,
        tv_first_below=tv_first_below,
        tv_max_rise=tv_max_rise,
        tv_final_oscillation=tv_hi - tv_lo if optimal else np.full(batch, np.nan),
        projected_disc_grad=model.projected_gradient_norm(disc, final_grad),
        diverged_step=diverged_step,
        wall_clock_s=time.perf_counter() - start,
    )
