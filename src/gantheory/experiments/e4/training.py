"""E4 — two time-scale updates (TTUR) vs SGDA for WGAN-GP, judged by Fréchet distance.

Heusel et al. (NeurIPS 2017) and Gulrajani et al. (NeurIPS 2017). Every variant of a dataset gets the
same *compute budget*, counted in gradient evaluations (n_critic critic steps + 1 generator step per
generator step), so TTUR and SGDA take (5+1)/(1+1) = 3× more generator steps than `orig`. A budget in
gradient evaluations keeps runs deterministic; the wall-clock is measured and reported beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.metrics import frechet_distance, mode_statistics, wasserstein1

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


def train_run(
    dataset_name: str,
    dataset: dict,
    variant_name: str,
    variant: dict,
    seeds: int,
    run_seed: int,
    real: np.ndarray,
    reference: np.ndarray,
    features=None,
    modes=None,
    checkpoint_path=None,
):
    """Train `seeds` stacked WGAN-GPs from `run_seed` (the K stacked seeds derive from it); return (tidy
    metrics, final samples (K, n, d), engine config). With `checkpoint_path` the run resumes from (and
    keeps) a checkpoint there until it completes."""
    from gantheory.train.checkpoint import Checkpoint, run_fingerprint
    from gantheory.train.gan import WGANGP

    flat_real = real.reshape(len(real), -1)
    config = gan_config(dataset, variant, seeds, flat_real.shape[1])
    steps = generator_steps(config, dataset["budget"])
    eval_every = max(1, steps // dataset["evaluations"])
    reference_flat = reference.reshape(len(reference), -1)
    evaluator = Evaluator(dataset["kind"], reference_flat, dataset["eval_samples"], steps, run_seed, features, modes)
    gan = WGANGP(config, flat_real, run_seed)
    checkpoint = None
    if checkpoint_path is not None:
        fingerprint = run_fingerprint([dataset_name, dataset, variant_name, variant, seeds, run_seed], flat_real)
        checkpoint = Checkpoint(checkpoint_path, fingerprint)
    label = f"E4 {dataset_name} {variant_name}"
    log = gan.train(steps, eval_every, evaluator, label=label, checkpoint=checkpoint, metric="fd")
    per_step = config.gradient_evaluations_per_step()
    labels = {"experiment": "E4", "dataset": dataset_name, "variant": variant_name}
    frame = log.to_frame(labels, per_step=lambda step: {"gradient_evaluations": step * per_step})
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
