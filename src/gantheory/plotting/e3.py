"""E3 figures: trajectories, success heatmap over (step size, discriminator steps), TTUR ratio, TV."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

ROW_ORDER = ["optimal", "sim k=1", "sim k=5", "alt k=1", "alt k=5"]


def _dynamic_label(runs: pd.DataFrame) -> pd.Series:
    first_order = runs["update"].str[:3] + " k=" + runs["disc_steps"].astype(str)
    return first_order.where(runs["dynamic"] == "first_order", "optimal")


def success_heatmap(optimal: pd.DataFrame, first_order: pd.DataFrame):
    """Share of converged runs per (dynamic, step size), one panel per first-order discriminator init."""
    inits = list(dict.fromkeys(first_order["disc_init"]))
    fig, axes = plt.subplots(1, len(inits), figsize=(4.6 * len(inits), 3.4), squeeze=False, layout="constrained")
    for ax, init in zip(axes[0], inits, strict=True):
        runs = pd.concat([optimal, first_order[first_order["disc_init"] == init]])
        runs = runs.assign(dynamic_label=_dynamic_label(runs))
        grid = runs.pivot_table(index="dynamic_label", columns="gen_lr", values="converged", aggfunc="mean") * 100
        grid = grid.reindex([r for r in ROW_ORDER if r in grid.index] + [r for r in grid.index if r not in ROW_ORDER])
        sns.heatmap(
            grid, annot=True, fmt=".0f", vmin=0, vmax=100, cmap="viridis", ax=ax, cbar_kws={"label": "converged (%)"}
        )
        ax.set_xlabel("step size η")
        ax.set_ylabel("")
        ax.set_title(f"first-order discriminator initialised {init}")
    fig.suptitle("E3: success rate (‖sort μ − sort μ*‖∞ < 0.1)")
    return fig


def ttur_curves(ttur: pd.DataFrame, optimal_success: float):
    """Success vs the ratio c of discriminator to generator step size, both ways of scaling."""
    fig, ax = plt.subplots(figsize=(4.6, 3.2))
    rates = ttur.groupby(["scaling", "ratio"])["converged"].mean().mul(100).reset_index()
    sns.lineplot(rates, x="ratio", y="converged", hue="scaling", style="scaling", markers=True, dashes=False, ax=ax)
    ax.axhline(100 * optimal_success, color="black", linestyle="--", label="optimal discriminator")
    ax.set_xscale("log")
    ax.set_xticks(sorted(rates["ratio"].unique()), labels=[f"{c:g}" for c in sorted(rates["ratio"].unique())])
    ax.set_ylim(-3, 103)
    ax.set_xlabel("c = discriminator step / generator step")
    ax.set_ylabel("converged (%)")
    ax.set_title("E3: two time-scales vs the optimal discriminator")
    ax.legend(fontsize="small")
    return fig


def tv_curves(curves: pd.DataFrame, variants: list[str]):
    """Median total variation over training (band: interquartile range) for the given variants."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    palette = sns.color_palette(n_colors=len(variants))
    for colour, variant in zip(palette, variants, strict=True):
        c = curves[curves["variant"] == variant].pivot_table(index="step", columns="metric", values="value")
        ax.plot(c.index, c["tv_median"], color=colour, label=variant)
        ax.fill_between(c.index, c["tv_q25"], c["tv_q75"], color=colour, alpha=0.2, linewidth=0)
    ax.set_yscale("log")
    ax.set_xlabel("generator step")
    ax.set_ylabel("TV(p*, p_μ)")
    ax.set_title("E3: total variation during training (median, IQR)")
    ax.legend(fontsize="x-small")
    return fig


def trajectories(examples: dict, variants: list[str]):
    """μ₁, μ₂ over time for a typical success and failure of each dynamic (μ* dashed)."""
    fig, axes = plt.subplots(len(variants), 2, figsize=(7.5, 2.0 * len(variants)), sharex="row", squeeze=False)
    mu_star = examples["mu_star"]
    for row, variant in zip(axes, variants, strict=True):
        path = examples[f"{variant}::mu_path"]
        steps = examples[f"{variant}::record_steps"]
        converged = examples[f"{variant}::converged"]
        for ax, want, word in zip(row, (True, False), ("success", "failure"), strict=True):
            hits = np.flatnonzero(converged == want)
            ax.set_title(f"{variant}: {word}", fontsize="small")
            if hits.size == 0:
                ax.text(
                    0.5,
                    0.5,
                    f"no {word} among the first {len(converged)} runs",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                    fontsize="small",
                )
                continue
            i = hits[0]
            for j, colour in enumerate(("C0", "C1")):
                ax.plot(steps, path[i, :, j], color=colour, label=f"μ{j + 1}")
                ax.axhline(mu_star[i, j], color=colour, linestyle="--", linewidth=0.8)
            ax.set_ylabel("mean")
    axes[-1, 0].set_xlabel("generator step")
    axes[-1, 1].set_xlabel("generator step")
    axes[0, 0].legend(fontsize="x-small")
    fig.tight_layout()
    return fig
