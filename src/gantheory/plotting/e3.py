"""E3 figures: trajectories, success heatmap over (step size, discriminator steps), TTUR ratio, TV."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from gantheory.plotting.style import figure_legend, log_axis, variant_style

ROW_ORDER = ["optimal", "sim k=1", "sim k=5", "alt k=1", "alt k=5"]


def _dynamic_label(runs: pd.DataFrame) -> pd.Series:
    first_order = runs["update"].str[:3] + " k=" + runs["disc_steps"].astype(str)
    return first_order.where(runs["dynamic"] == "first_order", "optimal")


def success_heatmap(optimal: pd.DataFrame, first_order: pd.DataFrame):
    """Share of converged runs per (dynamic, step size), one panel per first-order discriminator init."""
    inits = list(dict.fromkeys(first_order["disc_init"]))
    fig, axes = plt.subplots(
        1, len(inits), figsize=(4.2 * len(inits) + 1.2, 3.6), squeeze=False, sharey=True, layout="constrained"
    )
    for ax, init in zip(axes[0], inits, strict=True):
        runs = pd.concat([optimal, first_order[first_order["disc_init"] == init]])
        runs = runs.assign(dynamic_label=_dynamic_label(runs))
        grid = runs.pivot_table(index="dynamic_label", columns="gen_lr", values="converged", aggfunc="mean") * 100
        grid = grid.reindex([r for r in ROW_ORDER if r in grid.index] + [r for r in grid.index if r not in ROW_ORDER])
        sns.heatmap(
            grid,
            annot=True,
            fmt=".0f",
            vmin=0,
            vmax=100,
            cmap="viridis",
            ax=ax,
            cbar=ax is axes[0, -1],
            cbar_kws={"label": "converged (%)"},
            linewidths=0.5,
        )
        ax.set_yticks(np.arange(len(grid)) + 0.5, list(grid.index), rotation=0)  # horizontal: never run together
        ax.tick_params(axis="y", left=False, labelleft=ax is axes[0, 0])
        ax.set_xticks(np.arange(grid.shape[1]) + 0.5, [f"{c:g}" for c in grid.columns], rotation=0)
        ax.set_xlabel("step size η")
        ax.set_ylabel("")
        ax.set_title(f"first-order discriminator initialised {init}")
    axes[0, 0].set_ylabel("dynamic (k = discriminator steps)")
    fig.suptitle("E3: success rate (‖sort μ − sort μ*‖∞ < 0.1); the optimal row does not depend on the init")
    return fig


def ttur_curves(ttur: pd.DataFrame, optimal_success: float):
    """Success vs the ratio c of discriminator to generator step size, both ways of scaling."""
    fig, ax = plt.subplots(figsize=(4.6, 3.6), layout="constrained")
    rates = ttur.groupby(["scaling", "ratio"])["converged"].mean().mul(100).reset_index()
    for scaling in dict.fromkeys(rates["scaling"]):
        r = rates[rates["scaling"] == scaling]
        ax.plot(r["ratio"], r["converged"], **variant_style(scaling), label=scaling)
    ax.axhline(100 * optimal_success, color="black", linestyle="--", label="optimal discriminator")
    ax.set_xscale("log")
    ax.set_xticks(sorted(rates["ratio"].unique()), labels=[f"{c:g}" for c in sorted(rates["ratio"].unique())])
    ax.set_ylim(-3, 103)
    ax.set_xlabel("c = discriminator step / generator step")
    ax.set_ylabel("converged (%)")
    ax.set_title("E3: two time-scales vs the optimal discriminator")
    figure_legend(fig, [ax], ncols=2)
    return fig


def tv_curves(curves: pd.DataFrame, variants: list[str]):
    """Median total variation over training (band: interquartile range) for the given variants."""
    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    for variant in variants:
        style = variant_style(variant)
        c = curves[curves["variant"] == variant].pivot_table(index="step", columns="metric", values="value")
        ax.plot(
            c.index,
            c["tv_median"],
            color=style["color"],
            marker=style["marker"],
            markersize=3,
            markevery=max(1, len(c) // 10),
            label=variant,
        )
        ax.fill_between(c.index, c["tv_q25"], c["tv_q75"], color=style["color"], alpha=0.2, linewidth=0)
    log_axis(ax)
    ax.set_xlabel("generator step")
    ax.set_ylabel("TV(p*, p_μ)")
    ax.set_title("E3: total variation during training (median, IQR)")
    figure_legend(fig, [ax], ncols=1)
    return fig


def trajectories(examples: dict, variants: list[str]):
    """μ₁, μ₂ over time for the first success and the first failure of each dynamic (μ* grey dashed, in either
    order: success is judged on sorted means). Only outcomes that occur get a panel; the others are named below."""
    mu_star = examples["mu_star"]
    panels, missing = [], []
    for variant in variants:
        converged = examples[f"{variant}::converged"]
        for want, word in ((True, "success"), (False, "failure")):
            hits = np.flatnonzero(converged == want)
            if hits.size:
                panels.append((variant, word, int(hits[0])))
            else:
                missing.append(f"no {word} of {variant} among the first {len(converged)} runs")
    ncols = 2
    nrows = max(1, -(-len(panels) // ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(7.5, 2.0 * nrows + 0.8), sharex=True, squeeze=False, layout="constrained"
    )
    for ax, (variant, word, i) in zip(axes.flat, panels, strict=False):
        path = examples[f"{variant}::mu_path"]
        steps = examples[f"{variant}::record_steps"]
        for j, colour in enumerate(("C0", "C1")):
            ax.plot(steps, path[i, :, j], color=colour, label=f"μ{j + 1}")
        for j in range(mu_star.shape[1]):
            ax.axhline(mu_star[i, j], color="grey", linestyle="--", linewidth=0.8, label="μ* (in either order)")
        ax.set_title(f"{variant}: {word} (run {i})", fontsize="small")
        ax.set_ylabel("mean")
    for ax in axes.flat[len(panels) :]:
        ax.remove()  # no empty dummy panels
    for ax in axes.flat[max(0, len(panels) - ncols) : len(panels)]:
        ax.xaxis.set_tick_params(labelbottom=True)
        ax.set_xlabel("generator step")
    note = ("not shown: " + "; ".join(missing)) if missing else None  # named, not drawn as an empty panel
    figure_legend(fig, axes.flat[: len(panels)], ncols=3, title=note, title_fontsize="x-small")
    fig.suptitle("E3: means over training, first success and first failure of each dynamic")
    return fig
