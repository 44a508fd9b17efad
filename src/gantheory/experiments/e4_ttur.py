"""E4 — two time-scale updates (TTUR) vs SGDA for WGAN-GP, judged by Fréchet distance.

Heusel et al. (NeurIPS 2017) and Gulrajani et al. (NeurIPS 2017). Every variant of a dataset gets the
same *compute budget*, counted in gradient evaluations (n_critic critic steps + 1 generator step per
generator step), so TTUR and SGDA take (5+1)/(1+1) = 3× more generator steps than `orig`. A budget in
gradient evaluations keeps runs deterministic; the wall-clock is measured and reported beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.claims import Claim, Judgement
from gantheory.metrics import frechet_distance, mode_statistics, wasserstein1
from gantheory.seeding import derive_seed

TOYS = ("8gaussians", "25gaussians", "swissroll")
IMAGES = ("digits", "mnist")
LAST_EVALUATIONS = 3  # "final FD" = median of the last evaluations (a single checkpoint is noisy)


def gan_config(dataset: dict, variant: dict, seeds: int, data_dim: int):
    """The engine's configuration for one (dataset, variant): dataset sizes, variant update rule."""
    from gantheory.train.gan import GANConfig

    return GANConfig(
        rule=variant["rule"],
        n_critic=variant["n_critic"],
        lr_d=variant["lr_d"],
        lr_g=variant["lr_g"],
        beta_1=dataset["beta_1"],
        beta_2=dataset["beta_2"],
        gp_weight=variant.get("gp_weight", dataset["gp_weight"]),
        batch_size=dataset["batch_size"],
        latent_dim=dataset["latent_dim"],
        gen_widths=tuple(dataset["widths"]),
        critic_widths=tuple(dataset["widths"]),
        output_activation="tanh" if dataset["kind"] == "image" else None,
        seeds=seeds,
        jit_compile=False,
    )


def generator_steps(config, budget: int) -> int:
    return max(1, budget // config.gradient_evaluations_per_step())


class Evaluator:
    """Metrics of every seed's generator at one step: FD (raw coordinates for toys, classifier
    features for images), mode coverage and high-quality rate for mixtures, W1 at the end."""

    def __init__(
        self, kind: str, reference: np.ndarray, n_samples: int, total_steps: int, seed: int, features=None, modes=None
    ):
        self.kind, self.reference, self.n_samples = kind, reference, n_samples
        self.total_steps, self.features, self.modes = total_steps, features, modes
        self.reference_features = reference if features is None else features(reference)

    def __call__(self, step: int, gan) -> list[dict]:
        samples = gan.sample(self.n_samples, index=step)
        rows = []
        for k, x in enumerate(samples):
            if not np.isfinite(x).all():
                rows.append({"seed": k, "metric": "diverged", "value": 1.0})
                continue
            feats = x if self.features is None else self.features(x)
            rows.append({"seed": k, "metric": "fd", "value": frechet_distance(feats, self.reference_features)})
            if self.modes is not None:
                stats = mode_statistics(x, *self.modes)
                rows.append({"seed": k, "metric": "modes_covered", "value": float(stats["modes_covered"])})
                rows.append({"seed": k, "metric": "high_quality_rate", "value": stats["high_quality_rate"]})
            if self.kind == "toy" and step == self.total_steps:
                rows.append({"seed": k, "metric": "w1", "value": wasserstein1(x, self.reference)})
        return rows


def run_fingerprint(dataset_name, dataset, variant_name, variant, seeds, seed, real) -> str:
    """SHA-256 of everything that defines a run: a checkpoint of any other run is never resumed."""
    import hashlib
    import json

    spec = json.dumps([dataset_name, dataset, variant_name, variant, seeds, seed], sort_keys=True)
    digest = hashlib.sha256(spec.encode())
    digest.update(np.ascontiguousarray(real, np.float32).tobytes())
    return digest.hexdigest()


def train_run(
    dataset_name: str,
    dataset: dict,
    variant_name: str,
    variant: dict,
    seeds: int,
    seed: int,
    real: np.ndarray,
    reference: np.ndarray,
    features=None,
    modes=None,
    checkpoint_path=None,
):
    """Train `seeds` stacked WGAN-GPs; return (tidy metrics, final samples (K, n, d), engine config).
    With `checkpoint_path` the run resumes from (and keeps) a checkpoint there until it completes."""
    from gantheory.train.checkpoint import Checkpoint
    from gantheory.train.gan import WGANGP

    run_seed = derive_seed(seed, "e4", dataset_name, variant_name)
    flat_real = real.reshape(len(real), -1)
    config = gan_config(dataset, variant, seeds, flat_real.shape[1])
    steps = generator_steps(config, dataset["budget"])
    eval_every = max(1, steps // dataset["evaluations"])
    reference_flat = reference.reshape(len(reference), -1)
    evaluator = Evaluator(dataset["kind"], reference_flat, dataset["eval_samples"], steps, run_seed, features, modes)
    gan = WGANGP(config, flat_real, run_seed)
    checkpoint = None
    if checkpoint_path is not None:
        fingerprint = run_fingerprint(dataset_name, dataset, variant_name, variant, seeds, seed, flat_real)
        checkpoint = Checkpoint(checkpoint_path, fingerprint)
    label = f"E4 {dataset_name} {variant_name}"
    log = gan.train(steps, eval_every, evaluator, label=label, checkpoint=checkpoint, metric="fd")
    rows = []
    for step, wall, evaluation in zip(log.steps, log.wall_clock_s, log.evaluations, strict=True):
        for row in evaluation:
            rows.append(
                {
                    "experiment": "E4",
                    "dataset": dataset_name,
                    "variant": variant_name,
                    **row,
                    "step": step,
                    "gradient_evaluations": step * config.gradient_evaluations_per_step(),
                    "wall_clock_s": wall,
                }
            )
    frame = pd.DataFrame(rows)
    diverged = log.diverged_step
    frame["diverged_step"] = frame["seed"].map(dict(enumerate(diverged)))
    samples = gan.sample(min(dataset["eval_samples"], 1000 if dataset["kind"] == "toy" else 64), index=10**9)
    return frame, samples, config


# A diverged seed failed: its last finite evaluations must not speak for it.
FAILED_VALUE = {"fd": np.inf, "w1": np.inf, "modes_covered": 0.0, "high_quality_rate": 0.0}


def _diverged_keys(metrics: pd.DataFrame) -> set:
    hit = metrics["metric"] == "diverged"
    if "diverged_step" in metrics:
        hit |= metrics["diverged_step"] >= 0
    return set(map(tuple, metrics.loc[hit, ["dataset", "variant", "seed"]].drop_duplicates().to_numpy()))


def _with_divergence(values: pd.Series, metrics: pd.DataFrame, metric: str) -> pd.Series:
    values = values.astype(float).copy()
    for key in _diverged_keys(metrics):
        values.loc[key] = FAILED_VALUE[metric]
    return values.sort_index()


def final_values(metrics: pd.DataFrame, metric: str) -> pd.Series:
    """Per (dataset, variant, seed): median of the last evaluations (a failure value if it diverged)."""
    m = metrics[metrics["metric"] == metric].sort_values("step")
    values = m.groupby(["dataset", "variant", "seed"])["value"].apply(
        lambda v: float(np.median(v.iloc[-LAST_EVALUATIONS:]))
    )
    return _with_divergence(values, metrics, metric)


def last_values(metrics: pd.DataFrame, metric: str) -> pd.Series:
    m = metrics[metrics["metric"] == metric].sort_values("step")
    return _with_divergence(m.groupby(["dataset", "variant", "seed"])["value"].last(), metrics, metric)


def diverged_seeds(metrics: pd.DataFrame, dataset: str, variant: str) -> int:
    return sum(1 for d, v, _ in _diverged_keys(metrics) if (d, v) == (dataset, variant))


# --- claims -----------------------------------------------------------------------------------


def _toy_ran(metrics: pd.DataFrame, dataset: str) -> bool:
    """Whether `dataset`'s orig variant has both mode metrics: a judged toy that was not run is a FAIL."""
    ran = metrics[(metrics["dataset"] == dataset) & (metrics["variant"] == "orig")]
    return {"modes_covered", "high_quality_rate"} <= set(ran["metric"])


def judge_e4_4(results: dict) -> Judgement:
    """8 Gaussians, toy-code settings (λ = 0.1): ≥ 7/8 modes and ≥ 70% high quality in ≥ 2/3 seeds."""
    m = results["train"]
    criterion = "≥ 7/8 modes and ≥ 70% high-quality samples in ≥ 2/3 of seeds"
    if not _toy_ran(m, "8gaussians"):
        return Judgement("8gaussians orig: not run", criterion, False)
    modes = last_values(m, "modes_covered").loc[("8gaussians", "orig")]
    hq = last_values(m, "high_quality_rate").loc[("8gaussians", "orig")]
    good = (modes >= 7) & (hq >= 0.7)
    text = f"{diverged_seeds(m, '8gaussians', 'orig')} diverged; " if diverged_seeds(m, "8gaussians", "orig") else ""
    text += (
        f"orig λ=0.1: {int(good.sum())}/{len(good)} seeds good (modes {', '.join(f'{v:.0f}' for v in modes)}; "
        f"HQ {', '.join(f'{v:.0%}' for v in hq)})"
    )
    if "orig-gp10" in set(m.loc[m["dataset"] == "8gaussians", "variant"]):
        modes10 = last_values(m, "modes_covered").loc[("8gaussians", "orig-gp10")]
        hq10 = last_values(m, "high_quality_rate").loc[("8gaussians", "orig-gp10")]
        text += (
            f"; beside it λ=10 at the same budget: modes {', '.join(f'{v:.0f}' for v in modes10)}, "
            f"HQ {', '.join(f'{v:.0%}' for v in hq10)}"
        )
    return Judgement(text, criterion, bool(len(good) > 0 and good.mean() >= 2 / 3))


def judge_e4_5(results: dict) -> Judgement:
    """TTUR's final FD below orig's in ≥ 3/4 of seeds on each image dataset (paired by seed)."""
    fd = final_values(results["train"], "fd")
    floors = results["floors"]
    parts, ok = [], []
    for name in IMAGES:
        if (name, "ttur") not in fd.index.droplevel(-1) or (name, "orig") not in fd.index.droplevel(-1):
            parts.append(f"{name}: not run")
            continue
        ttur, orig = fd.loc[(name, "ttur")], fd.loc[(name, "orig")]
        lost = diverged_seeds(results["train"], name, "ttur") + diverged_seeds(results["train"], name, "orig")
        wins = (ttur < orig).mean()
        ok.append(wins >= 0.75)
        rows = results["train"].query("dataset == @name and metric == 'fd'").groupby("variant")
        steps, budget = rows["step"].max(), rows["gradient_evaluations"].max()
        floor = floors.get(name, float("nan"))
        parts.append(
            f"{name}: TTUR lower in {int((ttur < orig).sum())}/{len(ttur)} seeds (median FD {ttur.median():.3g} "
            f"vs {orig.median():.3g} = {ttur.median() / floor:.1f}× / {orig.median() / floor:.1f}× the floor "
            f"{floor:.3g}; {lost} diverged seeds; budget {budget['orig']:,} gradient evaluations each, "
            f"{steps['ttur'] / steps['orig']:.1f}× the generator steps for TTUR)"
        )
    return Judgement(
        "; ".join(parts) + " — budget unit: gradient evaluations (critic steps + generator steps); measured "
        "wall-clock of both: results/e4/timing/e4_wallclock.csv (varies run to run, so not in this table)",
        "TTUR's final FD < orig's in ≥ 3/4 of seeds, on every image dataset",
        bool(ok) and all(ok),
    )


def judge_e4_6(results: dict) -> Judgement:
    m = results["train"]
    criterion = "≥ 20/25 modes and ≥ 70% high-quality samples (judged in the paper profile only)"
    if not _toy_ran(m, "25gaussians"):
        return Judgement("25gaussians orig: not run", criterion, False)
    modes = last_values(m, "modes_covered").loc[("25gaussians", "orig")]
    hq = last_values(m, "high_quality_rate").loc[("25gaussians", "orig")]
    good = (modes >= 20) & (hq >= 0.7)
    return Judgement(
        f"orig: modes {', '.join(f'{v:.0f}' for v in modes)} of 25; HQ {', '.join(f'{v:.0%}' for v in hq)}",
        criterion,
        bool(len(good) > 0 and good.mean() >= 2 / 3),
    )


def timing_table(train: pd.DataFrame) -> pd.DataFrame:
    """Measured wall-clock per (dataset, variant): varies run to run, so kept out of figures/."""
    by = train.groupby(["dataset", "variant"])
    table = pd.DataFrame(
        {
            "generator steps": by["step"].max(),
            "gradient evaluations": by["gradient_evaluations"].max(),
            "wall-clock incl. evaluation (s)": by["wall_clock_s"].max().round(1),
        }
    ).reset_index()
    table["generator steps per second"] = (table["generator steps"] / table["wall-clock incl. evaluation (s)"]).round(1)
    return table


def final_table(results: dict, reference: dict) -> pd.DataFrame:
    """Final FD / W1 / modes per dataset × variant (median over seeds) beside the papers' numbers."""
    m = results["train"]
    table = final_values(m, "fd").groupby(["dataset", "variant"]).median().rename("final FD (median)").to_frame()
    for metric, name in (("w1", "W1"), ("modes_covered", "modes"), ("high_quality_rate", "HQ rate")):
        values = last_values(m, metric)
        if len(values):
            table[name] = values.groupby(["dataset", "variant"]).median()
    table["generator steps"] = m.groupby(["dataset", "variant"])["step"].max()
    table = table.reset_index()
    table["diverged seeds"] = [diverged_seeds(m, d, v) for d, v in zip(table["dataset"], table["variant"], strict=True)]
    table["floor (real halves)"] = table["dataset"].map(results["floors"]).astype(float)
    paper = {("CIFAR-10", r["variant"]): r["fid"] for r in reference.get("fid", []) if r["dataset"] == "CIFAR-10"}
    is_image = table["dataset"].isin(IMAGES)
    table["paper FID, CIFAR-10 (TTUR Table 1)"] = table["variant"].map(lambda v: paper.get(("CIFAR-10", v), np.nan))
    table.loc[~is_image, "paper FID, CIFAR-10 (TTUR Table 1)"] = np.nan
    return table


CLAIMS_TRAINING = [
    Claim(
        "E4.4", "E4", "WGAN-GP learns the 8 Gaussians (toy-code settings, λ = 0.1)", "figures/e4_toys.pdf", judge_e4_4
    ),
    Claim(
        "E4.5",
        "E4",
        "TTUR reaches a lower FD than orig at equal compute on images",
        "figures/e4_fd_curves.pdf",
        judge_e4_5,
    ),
    Claim("E4.6", "E4", "WGAN-GP learns the 25 Gaussians", "figures/e4_toys.pdf", judge_e4_6, judged_in=("paper",)),
]
