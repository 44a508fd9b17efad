"""E3's dynamics: every dynamic starts from the same (μ, μ*) initialisations (a paired comparison), drawn once from
the root seed. A *family* is one Snakemake job: `optimal` (a gradient step on TV against the exact
optimal discriminator), `first_order` (projected gradient steps on the interval endpoints), and
`ttur` (first-order with two time-scales). Each run's outcome follows `outcomes.classify`.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from gantheory.experiments.e3.outcomes import CONVERGED_TOL, TV_TARGET, WINDOW_FRACTION, classify
from gantheory.experiments.e3.settings import SimulationSettings
from gantheory.models import interval_gan as model
from gantheory.seeding import derive_seed
from gantheory.train.interval_dynamics import simulate

FAMILIES = ("optimal", "first_order", "ttur")
QUADRATURE_RUNS = 256  # initialisations checked against TV by quadrature (E3.5)


def sample_means(n: int, rng: np.random.Generator, half_width: float, min_separation: float):
    """n pairs from U[−w, w]² with |m₁ − m₂| ≥ min_separation (rejection, vectorised)."""
    kept = np.empty((0, 2))
    while len(kept) < n:
        draw = rng.uniform(-half_width, half_width, size=(2 * n + 16, 2))
        kept = np.vstack([kept, draw[np.abs(draw[:, 0] - draw[:, 1]) >= min_separation]])
    return kept[:n]


def initialisations(settings: SimulationSettings, seed: int):
    """(μ₀, μ*) shared by every dynamic, and a random first-order discriminator for each run."""
    rng = np.random.default_rng(derive_seed(seed, "e3", "initialisations"))
    n, box, sep = settings.initialisations, settings.init_range, settings.min_separation
    mu0 = sample_means(n, rng, box, sep)
    mu_star = sample_means(n, rng, box, sep)
    disc_rng = np.random.default_rng(derive_seed(seed, "e3", "random_discriminator"))
    width = settings.disc_init_range
    random_disc = np.sort(disc_rng.uniform(-width, width, size=(n, 4)), axis=1)
    return mu0, mu_star, random_disc


def family_specs(family: str, settings: SimulationSettings) -> list[dict]:
    """The variants one family runs; each becomes `initialisations` rows of the batch."""
    steps, main = settings.steps, settings.main_step_size
    base = dict(
        dynamic="first_order",
        update="simultaneous",
        disc_steps=1,
        ratio=1.0,
        scaling="none",
        disc_init="random",
        steps=steps,
    )
    if family == "optimal":
        return [
            dict(base, dynamic="optimal", update="none", disc_steps=0, gen_lr=lr, disc_lr=np.nan, disc_init="optimal")
            for lr in settings.step_sizes
        ]
    if family == "first_order":
        grid = itertools.product(
            settings.updates, settings.disc_steps, settings.step_sizes, settings.disc_inits
        )
        return [dict(base, update=u, disc_steps=k, gen_lr=lr, disc_lr=lr, disc_init=init) for u, k, lr, init in grid]
    if family == "ttur":
        specs = []
        for c in settings.ttur_ratios:
            specs.append(dict(base, gen_lr=main, disc_lr=c * main, ratio=c, scaling="disc step grown"))
            specs.append(
                dict(
                    base, gen_lr=main / c, disc_lr=main, ratio=c, steps=int(round(c * steps)), scaling="gen step shrunk"
                )
            )
        return specs
    raise ValueError(f"unknown E3 family {family!r}; expected one of {FAMILIES}")


def variant_name(spec: dict) -> str:
    if spec["dynamic"] == "optimal":
        return f"optimal lr={spec['gen_lr']:g}"
    name = f"{spec['update'][:3]} k={spec['disc_steps']} lr={spec['gen_lr']:g}"
    if spec["scaling"] != "none":
        name += f" c={spec['ratio']:g} ({spec['scaling']})"
    return name + f" init={spec['disc_init']}"


def run_family(family: str, settings: SimulationSettings, seed: int, label_prefix: str = "E3"):
    """Run every variant of a family as batched computations; return (runs, curves, examples)."""
    mu0, mu_star, random_disc = initialisations(settings, seed)
    n = len(mu0)
    specs = family_specs(family, settings)
    groups: dict[tuple, list[dict]] = {}
    for spec in specs:
        groups.setdefault((spec["dynamic"], spec["update"], spec["disc_steps"], spec["steps"]), []).append(spec)

    runs, curves, examples = [], [], {}
    for (dynamic, update, k, steps), members in groups.items():
        copies = len(members)
        disc0 = None
        if dynamic == "first_order":
            optimal0 = model.optimal_discriminator(mu0, mu_star)
            disc0 = np.concatenate([random_disc if s["disc_init"] == "random" else optimal0 for s in members])
        traj = simulate(
            np.tile(mu0, (copies, 1)),
            np.tile(mu_star, (copies, 1)),
            disc0,
            dynamic=dynamic,
            update="simultaneous" if dynamic == "optimal" else update,
            disc_steps=max(k, 1),
            gen_lr=np.repeat([s["gen_lr"] for s in members], n),
            disc_lr=np.repeat([s["disc_lr"] for s in members], n),
            steps=steps,
            records=settings.records,
            window_fraction=WINDOW_FRACTION,
            tv_target=TV_TARGET,
            label=f"{label_prefix} {family} {dynamic} {update} k={k}",
        )
        for j, spec in enumerate(members):
            part = slice(j * n, (j + 1) * n)
            frame = _runs_frame(family, spec, traj, part, mu0, mu_star, None if disc0 is None else disc0[part])
            runs.append(frame)
            curves.append(_curves_frame(family, spec, traj, part, mu_star))
            name = variant_name(spec)
            m = min(settings.example_trajectories, n)
            examples[f"{name}::mu_path"] = traj.mu_path[part][:m]
            examples[f"{name}::record_steps"] = traj.record_steps
            examples[f"{name}::converged"] = frame["converged"].to_numpy()[:m]
    examples["mu_star"] = mu_star[: min(settings.example_trajectories, n)]
    runs = pd.concat(runs, ignore_index=True)
    if family == "optimal":
        runs["tv_quadrature_error"] = np.nan
        check = min(QUADRATURE_RUNS, n)
        errors = quadrature_errors(mu0[:check], mu_star[:check])
        first = runs.index[(runs["variant"] == runs["variant"].iloc[0]) & (runs["seed"] < check)]
        runs.loc[first, "tv_quadrature_error"] = errors  # the same initial pairs for every step size
    return runs, pd.concat(curves, ignore_index=True), examples


def quadrature_errors(mu, mu_star, points: int = 200_001) -> np.ndarray:
    """|F(μ, E*(μ)) − ½∫|p* − p_μ|| with the integral by dense trapezoid quadrature (E3.5)."""
    value = model.total_variation(mu, mu_star)
    errors = np.empty(len(mu))
    for i in range(len(mu)):
        lo = min(mu[i].min(), mu_star[i].min()) - 12.0
        hi = max(mu[i].max(), mu_star[i].max()) + 12.0
        x = np.linspace(lo, hi, points)
        gap = model.density_gap(x[None], mu[i : i + 1], mu_star[i : i + 1])[0]
        errors[i] = abs(0.5 * np.trapezoid(np.abs(gap), x) - value[i])
    return errors


def _runs_frame(family, spec, traj, part, mu0, mu_star, disc0=None) -> pd.DataFrame:
    first_order = spec["dynamic"] == "first_order"
    mu, disc = traj.mu[part], traj.disc[part]
    result = classify(
        mu,
        mu_star,
        disc,
        traj.projected_disc_grad[part],
        traj.window_range[part],
        first_order,
        initial_disc=disc0,
        tv=traj.tv_path[part][:, -1],
    )
    n = len(mu)
    frame = pd.DataFrame(
        {
            "experiment": "E3",
            "family": family,
            "variant": variant_name(spec),
            **{
                key: spec[key]
                for key in (
                    "dynamic",
                    "update",
                    "disc_steps",
                    "gen_lr",
                    "disc_lr",
                    "ratio",
                    "scaling",
                    "disc_init",
                    "steps",
                )
            },
            "seed": np.arange(n),
            "wall_clock_s": traj.wall_clock_s,
            "batch_size": len(traj.mu),
            "mu_star_1": mu_star[:, 0],
            "mu_star_2": mu_star[:, 1],
            "mu0_1": mu0[:, 0],
            "mu0_2": mu0[:, 1],
            "mu_1": mu[:, 0],
            "mu_2": mu[:, 1],
            "l1": disc[:, 0],
            "r1": disc[:, 1],
            "l2": disc[:, 2],
            "r2": disc[:, 3],
            "tv_final": traj.tv_path[part][:, -1],
            **result,
            "window_range": traj.window_range[part],
            "projected_disc_grad": traj.projected_disc_grad[part] if first_order else np.nan,
            "tv_monotone": traj.tv_monotone[part] if not first_order else False,
            "tv_first_below": traj.tv_first_below[part] if not first_order else -1,
            "tv_max_rise": traj.tv_max_rise[part] if not first_order else np.nan,
            "tv_final_oscillation": traj.tv_final_oscillation[part],
            "diverged_step": traj.diverged_step[part],
            # Appended for E3.3 (version 2); every column above is unchanged by them.
            **_e3_3_columns(mu, mu_star, disc, disc0, first_order),
        }
    )
    frame.loc[frame["diverged_step"] >= 0, "outcome"] = "diverged"
    return frame


def _e3_3_columns(mu, mu_star, disc, disc0, first_order: bool) -> dict:
    """The recorded quantities E3.3's horizon-free signs need: the first-order discriminator at the
    start (l*_0, r*_0) and the final objective F(μ_T, E_T); NaN for the optimal dynamics."""
    n = len(mu)
    start = disc0 if (first_order and disc0 is not None) else np.full((n, 4), np.nan)
    final = model.objective(mu, mu_star, disc) if first_order else np.full(n, np.nan)
    columns = {name: start[:, i] for i, name in enumerate(("l1_0", "r1_0", "l2_0", "r2_0"))}
    return {**columns, "objective_final": final}


def _curves_frame(family, spec, traj, part, mu_star) -> pd.DataFrame:
    """Tidy per-step summaries over runs: one row per (variant, step, metric)."""
    tv = traj.tv_path[part]
    err = np.abs(np.sort(traj.mu_path[part], 2) - np.sort(mu_star, 1)[:, None, :]).max(2)
    stats = {
        "tv_median": np.median(tv, 0),
        "tv_q25": np.quantile(tv, 0.25, 0),
        "tv_q75": np.quantile(tv, 0.75, 0),
        "success_rate": (err < CONVERGED_TOL).mean(0),
    }
    steps = traj.record_steps
    frames = [
        pd.DataFrame(
            {
                "experiment": "E3",
                "family": family,
                "variant": variant_name(spec),
                "seed": "all",
                "step": steps,
                "wall_clock_s": traj.wall_clock_s * steps / max(steps[-1], 1),
                "metric": metric,
                "value": values,
            }
        )
        for metric, values in stats.items()
    ]
    return pd.concat(frames, ignore_index=True)
