"""E2's exact computations (no training): the Gauss–Hermite counterexample (E2.1), the Dirac sequence of
the JS-vs-W1 topology claim (E2.5), and the W1 sampling floors that E2.2–E2.4 are read against.

Gauss–Hermite: the q-point rule integrates every polynomial of degree ≤ 2q − 1 exactly against N(0, 1), so
as a probability measure it shares N(0, 1)'s moments 1..2q−1 and the degree-(2q−1) polynomial divergence
between them is 0 — yet it is a discrete measure, at positive W1 and MMD from N(0, 1) (Liu et al. 2017 §3:
a restricted family's divergence does not separate distributions).
Dirac sequence: ν_n = δ_{1/n} → δ₀ weakly and W1(ν_n, δ₀) = 1/n, but the supports stay disjoint, so
JS(ν_n, δ₀) = log 2 for every n: JS is strict yet induces a topology too strong to see this convergence.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gantheory.metrics.one_d import (
    GaussianMixture1D,
    gauss_hermite_measure,
    jensen_shannon,
    mmd_to_mixture,
    moment_gaps,
    polynomial_ipm,
    sampling_floor_w1,
    wasserstein1_1d,
    wasserstein1_to_mixture,
)
from gantheory.seeding import derive_seed

STANDARD_NORMAL = GaussianMixture1D([1.0], [0.0], [1.0])


REQUIRED = {
    "": ["seeds", "particles", "eval_samples", "moment_orders", "bandwidth_factor", "floor_repeats", "targets",
         "init", "generators", "families", "exact"],
    "init": ["low", "high"],
    "generators": ["particles", "mlp"],
    "generators.particles": ["lr", "lr_final", "beta_1", "beta_2"],
    "generators.mlp": ["widths", "latent_dim", "lr", "lr_final", "beta_1", "beta_2"],
    "exact": ["gauss_hermite", "dirac_max"],
}  # fmt: skip
FAMILY_KEYS = {
    "polynomial": ["degrees", "inner"],
    "relu": ["features", "inner"],
    "mmd": [],
    "wgan_gp": ["widths", "gp_weight"],
}
CRITIC_KEYS = ["rule", "n_critic", "lr_d", "beta_1", "beta_2"]  # families whose discriminator trains


def check_settings(settings: dict) -> dict:
    """Name the first missing `e2.` key (commands can be called without the Snakefile's schema check)."""
    for section, keys in REQUIRED.items():
        node = settings
        for part in filter(None, section.split(".")):
            node = node[part]
        for key in keys:
            if key not in node:
                raise ValueError(f"config key 'e2.{section + '.' if section else ''}{key}' is missing")
    for name, family in settings["families"].items():
        kind = family.get("kind")
        if kind not in FAMILY_KEYS:
            raise ValueError(f"config key 'e2.families.{name}.kind' must be one of {sorted(FAMILY_KEYS)}, got {kind!r}")
        trains = kind == "wgan_gp" or family.get("inner") == "ascent"
        for key in ["steps", "evaluations", "batch_size", *FAMILY_KEYS[kind], *(CRITIC_KEYS if trains else [])]:
            if key not in family:
                raise ValueError(f"config key 'e2.families.{name}.{key}' is missing (a {kind} family needs it)")
        if kind == "polynomial" and max(family["degrees"]) > settings["moment_orders"]:
            raise ValueError(
                f"config key 'e2.moment_orders' is {settings['moment_orders']}; expected >= the largest degree "
                f"of e2.families.{name}.degrees ({max(family['degrees'])}), whose moments E2.2 reads"
            )
    return settings


def family_order(settings: dict, present=None) -> list[str]:
    """Families in reading order — exact polynomials, trained-coefficient polynomials, ReLU span, MMD,
    WGAN-GP — then by name (a config section arrives as sorted JSON, so its own order is lost)."""
    rank = {("polynomial", "closed_form"): 0, ("polynomial", "ascent"): 1, ("relu", "closed_form"): 2,
            ("relu", "ascent"): 3, ("mmd", None): 4, ("wgan_gp", None): 5}  # fmt: skip
    names = [n for n in settings["families"] if present is None or n in present]
    return sorted(
        names, key=lambda n: (rank[(settings["families"][n]["kind"], settings["families"][n].get("inner"))], n)
    )


def run_label(family: str, generator: str, variant: str, target: str, seed: int) -> str:
    """The key of a run's final points in a samples file (`e2-train` writes them, the figures read them)."""
    return f"{family}/{generator}/{variant}/{target}/{seed}"


def targets_of(settings: dict) -> dict[str, GaussianMixture1D]:
    """The config's targets (`e2.targets`) as mixtures, in config order."""
    return {name: GaussianMixture1D.from_spec(spec, f"e2.targets.{name}") for name, spec in settings["targets"].items()}


def bandwidth(target: GaussianMixture1D, settings: dict) -> float:
    """The Gaussian kernel's bandwidth for a target (training and the MMD metric): its population median
    pairwise distance (the median heuristic, without sampling) × `e2.bandwidth_factor`."""
    return settings["bandwidth_factor"] * target.median_pairwise_distance()


def gauss_hermite_table(points: list[int], bandwidth_factor: float) -> pd.DataFrame:
    """Per q: the degree-(2q−1) polynomial divergence, the largest moment gap up to 2q−1 and the first
    unmatched moment's gap, W1, MMD (bandwidth: the median heuristic × factor, as in training) and JS."""
    h = bandwidth_factor * STANDARD_NORMAL.median_pairwise_distance()
    rows = []
    for q in points:
        nodes, weights = gauss_hermite_measure(q)
        degree = 2 * q - 1
        gaps = moment_gaps(nodes, STANDARD_NORMAL, range(1, degree + 2), weights)
        rows.append(
            {
                "q": q,
                "matched degree 2q-1": degree,
                "polynomial divergence (degree 2q-1)": polynomial_ipm(nodes, STANDARD_NORMAL, degree, weights=weights),
                "max |moment gap| up to 2q-1": float(np.max(np.abs(gaps[:-1]))),
                "moment gap at 2q": float(gaps[-1]),
                "W1": wasserstein1_to_mixture(nodes, STANDARD_NORMAL, weights),
                "MMD": mmd_to_mixture(nodes, STANDARD_NORMAL, h, weights),
                "MMD bandwidth": h,
                "JS": math.log(2.0),  # a discrete measure and a density are mutually singular
            }
        )
    return pd.DataFrame(rows)


def dirac_sequence(n_max: int) -> pd.DataFrame:
    """W1(δ_{1/n}, δ₀) and JS(δ_{1/n}, δ₀) for n = 1..n_max, computed (not written down)."""
    if n_max < 1:
        raise ValueError(f"e2.exact.dirac_max must be >= 1, got {n_max}")
    n = np.arange(1, n_max + 1)
    w1 = np.array([wasserstein1_1d([1.0 / k], [0.0]) for k in n])
    js = np.array([jensen_shannon([1.0 / k], [1.0], [0.0], [1.0]) for k in n])
    # the deviations are kept in full precision: the CSV writes 10 significant digits
    return pd.DataFrame(
        {"n": n, "W1": w1, "1/n": 1.0 / n, "JS": js, "W1 - 1/n": w1 - 1.0 / n, "JS - log 2": js - math.log(2.0)}
    )


def sampling_floors(targets: dict[str, GaussianMixture1D], n: int, repeats: int, seed: int) -> pd.DataFrame:
    """Per target: median (and 5–95% range) of the exact W1 between the target and i.i.d. samples of size n."""
    rows = []
    for name, target in targets.items():
        median, values = sampling_floor_w1(
            target, n, repeats, np.random.default_rng(derive_seed(seed, "e2", "floor", name))
        )
        low, high = np.quantile(values, [0.05, 0.95])
        rows.append({"target": name, "n": n, "repeats": repeats, "floor": median, "q05": low, "q95": high})
    return pd.DataFrame(rows)
