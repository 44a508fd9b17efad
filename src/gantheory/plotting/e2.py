"""E2 figures: final densities per family, objective and W1 trajectories per family, the exact checks."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from gantheory.plotting.style import figure_legend, variant_style

OBJECTIVE_CLIP = 1e-3  # d_F / floor below this (or ≤ 0, a critic's estimate can be) sits on the axis


def _degree(variant: str) -> int:
    return int(variant.split("=")[1]) if variant.startswith("k=") else 0


def density_columns(metrics: pd.DataFrame, families: dict) -> list[tuple[str, str]]:
    """(family, variant) columns: the closed-form polynomial degrees k ≥ 2, then every other family at its
    highest degree (a trained-coefficient polynomial family is in the table, not here)."""
    present = metrics[["family", "variant"]].drop_duplicates()
    columns = []
    for family in [f for f in families if f in set(present["family"])]:
        spec = families[family]
        variants = sorted(present.loc[present["family"] == family, "variant"], key=_degree)
        if spec["kind"] == "polynomial" and spec["inner"] == "closed_form":
            columns += [(family, v) for v in variants if _degree(v) >= 2]
        elif spec["kind"] != "polynomial":
            columns.append((family, variants[-1]))
    return columns


def _rows(metrics: pd.DataFrame, targets: dict) -> list[tuple[str, str]]:
    generators = list(dict.fromkeys(metrics["generator"]))
    return [(t, g) for t in targets for g in generators]


def densities(points: dict, metrics: pd.DataFrame, targets: dict, families: dict):
    """Histogram of seed 0's final N points per (target, generator) row and (family, variant) column, with
    the target's density (black). `points`: {(family, generator, variant, target): seed 0's points};
    `targets`: name → GaussianMixture1D; `families`: name → config entry, in reading order."""
    columns, rows = density_columns(metrics, families), _rows(metrics, targets)
    fig, axes = plt.subplots(
        len(rows),
        len(columns),
        figsize=(1.7 * len(columns), 1.5 * len(rows)),
        squeeze=False,
        sharex="row",
    )
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.06, top=0.83, wspace=0.08, hspace=0.45)  # no layout engine:
    # a constrained layout re-draws these many panels several times (seconds per figure)
    for i, (target, generator) in enumerate(rows):
        mixture = targets[target]
        grid = np.linspace(mixture.mean - 4 * mixture.sd, mixture.mean + 4 * mixture.sd, 400)
        bins = np.linspace(grid[0], grid[-1], 41)
        for j, (family, variant) in enumerate(columns):
            ax = axes[i, j]
            x = points.get((family, generator, variant, target))
            if x is None:  # no run of this generator kind (the quadrature start is particles only)
                ax.text(0.5, 0.5, f"no {generator} run", transform=ax.transAxes, ha="center", fontsize="small")
                ax.set_yticks([])
            else:
                ax.plot(grid, mixture.pdf(grid), color="black", linewidth=0.8, label="target density")
                ax.hist(
                    np.clip(x, grid[0], grid[-1]),
                    bins=bins,
                    density=True,
                    color=variant_style(generator)["color"],
                    alpha=0.7,
                    label=f"generated ({generator})",
                )
            ax.set_yticks([])
            if i == 0:
                title = f"{family}\n{variant}" if variant != families[family]["kind"] else family
                ax.set_title(title, fontsize="small")  # small: "polynomial_quadrature" fits its column
            if j == 0:
                ax.set_ylabel(f"{target}\n{generator}")
    figure_legend(fig, axes, loc="upper center", bbox_to_anchor=(0.5, 0.955), ncols=3)
    fig.suptitle("E2: final generated points (seed 0) against the target density (black)", y=0.995)
    return fig


def _top_variant(metrics: pd.DataFrame, family: str) -> str:
    variants = metrics.loc[metrics["family"] == family, "variant"].unique()
    return max(variants, key=_degree)


def _over_floor(run: pd.DataFrame) -> pd.DataFrame:
    """(step × seed) d_F over its sampling floor: the one value a closed form records at step 0, or a
    trained critic's floor at the same evaluation; clipped below (a critic's estimate can be ≤ 0)."""
    objective = run[run["metric"] == "objective"].pivot_table(index="step", columns="seed", values="value")
    floor = run[run["metric"] == "objective_floor"].pivot_table(index="step", columns="seed", values="value")
    if objective.empty or floor.empty:
        return objective.iloc[0:0]
    per_step = (
        floor.reindex(objective.index) if len(floor) > 1 else floor.iloc[[0] * len(objective)].set_axis(objective.index)
    )
    return (objective / per_step).clip(lower=OBJECTIVE_CLIP)


def trajectories(metrics: pd.DataFrame, floors: dict, targets: dict, families: dict):
    """W1 / its floor (solid) and the family's objective d_F / its own sampling floor (dashed) over training,
    median over seeds with a min–max band; one column per family (a polynomial family at its highest k)."""
    kinds = {name: spec["kind"] for name, spec in families.items()}
    families = [f for f in families if f in set(metrics["family"])]
    rows = _rows(metrics, targets)
    fig, axes = plt.subplots(
        len(rows),
        len(families),
        figsize=(2.6 * len(families), 1.9 * len(rows)),
        squeeze=False,
        sharex=True,
        sharey=True,
    )
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.08, top=0.9, wspace=0.06, hspace=0.1)
    for i, (target, generator) in enumerate(rows):
        for j, family in enumerate(families):
            ax = axes[i, j]
            variant = _top_variant(metrics, family)
            run = metrics[
                (metrics["family"] == family)
                & (metrics["variant"] == variant)
                & (metrics["target"] == target)
                & (metrics["generator"] == generator)
            ]
            w1 = run[run["metric"] == "w1"].pivot_table(index="step", columns="seed", values="value") / floors[target]
            objective = _over_floor(run)
            if run.empty:
                ax.text(0.5, 0.85, f"no {generator} run", transform=ax.transAxes, ha="center", fontsize="small")
            for frame, colour, style, label in (
                (w1, variant_style("W1")["color"], "-", "W1 / floor"),
                (objective, variant_style("objective")["color"], "--", "d_F / its floor"),
            ):
                if frame.empty:
                    continue
                ax.plot(frame.index, frame.median(axis=1), color=colour, linestyle=style, label=label)
                ax.fill_between(frame.index, frame.min(axis=1), frame.max(axis=1), color=colour, alpha=0.2, linewidth=0)
            ax.axhline(2.0, color="grey", linewidth=0.8, linestyle=":", label="2× floor")
            ax.axhline(1.5, color="grey", linewidth=0.8, linestyle="-.", label="1.5× floor")
            ax.set_yscale("log")
            ax.set_xscale("symlog", linthresh=max(1, int(w1.index[1]) if len(w1) > 1 else 1))  # log-spaced evaluations
            if i == 0:
                ax.set_title(f"{family} ({variant})" if variant != kinds[family] else family)
            if j == 0:
                ax.set_ylabel(f"{target}, {generator}")
            if i == len(rows) - 1:
                ax.set_xlabel("generator step")
    for ax in axes.flat:
        ax.label_outer()
    figure_legend(fig, axes, loc="upper right", bbox_to_anchor=(0.99, 0.995), ncols=4)
    fig.suptitle("E2: W1 and the objective d_F, each over its own sampling floor, during training", x=0.07, ha="left")
    return fig


def exact_checks(dirac: pd.DataFrame, gauss_hermite: pd.DataFrame):
    """E2.5: W1 and JS along δ(1/n) → δ(0). E2.1: distances of the q-point Gauss–Hermite measure to N(0, 1)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    left.plot(dirac["n"], dirac["W1"], color=variant_style("W1")["color"], label="W1(δ(1/n), δ(0))")
    left.plot(dirac["n"], dirac["JS"], color=variant_style("JS")["color"], label="JS(δ(1/n), δ(0))")
    left.axhline(math.log(2.0), color="grey", linestyle=":", linewidth=0.8, label="log 2")
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("n")
    left.set_title("E2.5: W1 = 1/n → 0 while JS stays log 2")
    for column, key, label in (
        ("W1", "W1", "W1"),
        ("MMD", "MMD", "MMD"),
        ("polynomial divergence (degree 2q-1)", "d_poly", "d_poly, degree 2q−1 (0 up to rounding)"),
    ):
        values = gauss_hermite[column].clip(lower=1e-17)  # an exact zero sits on the axis
        right.plot(gauss_hermite["q"], values, **variant_style(key), label=label)
    right.set_yscale("log")
    right.set_xlabel("q (Gauss–Hermite points)")
    right.set_title("E2.1: q-point Gauss–Hermite measure vs N(0, 1)")
    figure_legend(fig, [left, right], ncols=3)
    return fig
