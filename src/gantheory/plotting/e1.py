"""E1 figures: held-out z and classifier-accuracy heatmaps (generator × critic size, per target), and
the certified W1 lower bound beside the best critic's IPM upper limit."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import SymLogNorm, TwoSlopeNorm
from matplotlib.lines import Line2D

from gantheory.plotting.style import figure_legend, variant_style

THRESHOLD_DASHES = ["--", ":", "-."]  # one per threshold of a figure, on the colour bar and in the legend


def _grid(disc: pd.DataFrame, target: str, value: str, order: list[str]) -> pd.DataFrame:
    d = disc[disc["target"] == target].assign(
        size=lambda f: "w" + f["width"].astype(str) + "/d" + f["depth"].astype(str)
    )
    sizes = list(dict.fromkeys(d.sort_values(["width", "depth"])["size"]))
    grid = d.pivot(index="cell", columns="size", values=value)
    return grid.reindex(index=[c for c in order if c in grid.index], columns=sizes)


def _heatmaps(
    disc: pd.DataFrame,
    order: list[str],
    value: str,
    norm,
    cmap: str,
    fmt: str,
    label: str,
    title: str,
    thresholds=(),
):
    targets = list(dict.fromkeys(disc["target"]))
    fig, axes = plt.subplots(
        1,
        len(targets),
        figsize=(
            1.2 + 1.3 * len(disc[["width", "depth"]].drop_duplicates()) * len(targets) + 1.5,
            max(3.6, 0.32 * len(order) + 1.6),
        ),
        squeeze=False,
        layout="constrained",
    )
    for ax, target in zip(axes[0], targets, strict=True):
        grid = _grid(disc, target, value, order)
        sns.heatmap(
            grid,
            ax=ax,
            annot=True,
            fmt=fmt,
            cmap=cmap,
            norm=norm,
            cbar=ax is axes[0, -1],
            cbar_kws={"label": label, "aspect": 12},
            annot_kws={"fontsize": "x-small"},
            linewidths=0.5,
        )
        ax.set_title(f"target: {target}")
        ax.set_xlabel("critic size (w: width / d: hidden ReLU layers)")
        ax.set_ylabel("")
        ax.tick_params(axis="y", rotation=0)
    _threshold_lines(fig, axes[0, -1].collections[0].colorbar, thresholds)
    fig.suptitle(title)
    return fig


def _threshold_lines(fig, colorbar, thresholds) -> None:
    """The claims' thresholds, `(label, [values])` from the caller, as dashed lines across the colour bar,
    named in one legend below the panels."""
    handles = []
    for (label, values), dash in zip(thresholds, THRESHOLD_DASHES, strict=False):
        for v in values:
            colorbar.ax.axhline(v, color="black", linestyle=dash, linewidth=1.8)
        handles.append(Line2D([], [], color="black", linestyle=dash, linewidth=1.2, label=label))
    if handles:
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            fontsize="small",
            title="claims' thresholds (dashed on the colour bar)",
            title_fontsize="small",
        )


def z_heatmap(disc: pd.DataFrame, order: list[str], thresholds=()):
    """Held-out z = IPM/SE of the trained WGAN-GP critics; |z| ≤ 3 means not detected. `thresholds`:
    `(label, [z values])` pairs from the claims, drawn on the colour bar."""
    norm = SymLogNorm(linthresh=3.0, vmin=-max(10.0, disc["z"].abs().max()), vmax=max(10.0, disc["z"].abs().max()))
    return _heatmaps(
        disc,
        order,
        "z",
        norm,
        "vlag",
        ".1f",
        "z = IPM / SE (symlog; linear in ±3)",
        "E1: held-out z of trained critics (rows: generators; null = target vs target)",
        thresholds,
    )


def accuracy_heatmap(disc: pd.DataFrame, order: list[str], thresholds=()):
    """Held-out accuracy of logistic classifiers of the same shapes; 0.5 = chance. `thresholds` as in z_heatmap."""
    norm = TwoSlopeNorm(vcenter=0.5, vmin=0.4, vmax=1.0)
    return _heatmaps(
        disc,
        order,
        "accuracy",
        norm,
        "vlag",
        ".3f",
        "held-out accuracy",
        "E1: classifier accuracy (target vs generator, balanced held-out samples)",
        thresholds,
    )


def w1_bars(w1: pd.DataFrame, factor: float | None = None):
    """Per clean row: certified W1 lower bound (counting or χ² union; exact enumeration where n ≤ 16) vs the largest
    critic IPM upper limit (IPM + 3 SE)/grad-norm p99 over critic sizes; E‖x‖ marked for scale. `factor`: the
    claim's threshold (E1.2: bound ≥ factor × the critic limit), drawn dashed over each row's bars."""
    targets = list(dict.fromkeys(w1["target"]))
    fig, axes = plt.subplots(1, len(targets), figsize=(4.6 * len(targets), 3.8), squeeze=False, layout="constrained")
    bars = [
        ("certified_bound", "certified W1 bound (counting or χ² union)"),
        ("enumeration_mean", "nearest-pattern W1 (enumeration)"),
        ("best_ipm_upper", "max critic (IPM+3SE)/p99"),
    ]
    for ax, target in zip(axes[0], targets, strict=True):
        d = w1[w1["target"] == target].reset_index(drop=True)
        x = np.arange(len(d))
        for k, (column, label) in enumerate(bars):
            values = d[column].astype(float).clip(lower=1e-4)
            ax.bar(x + (k - 1) * 0.27, values, width=0.27, color=variant_style(column)["color"], label=label)
        ax.scatter(x, d["target_scale"], marker="_", s=400, color="black", label="E‖x‖ (target scale)", zorder=3)
        if factor is not None:
            ax.hlines(
                factor * d["best_ipm_upper"].astype(float),
                x - 0.42,
                x + 0.42,
                color="black",
                linestyle="--",
                linewidth=1.0,
                zorder=4,
                label=f"E1.2 threshold: {factor:g}× critic limit (bound must be above)",
            )
        ax.set_yscale("log")
        ax.set_xticks(x, d["row"], rotation=20)
        ax.set_title(f"target: {target}")
        ax.set_ylabel("distance")
    figure_legend(fig, axes, ncols=3)
    fig.suptitle("E1: certified W1 lower bound vs the largest critic IPM upper limit (log scale)")
    return fig


def power_curve(curve: pd.DataFrame, budget: int | None, z_detect: float):
    """E1.5's power curve: held-out z of the largest critic against its training steps, one panel per target,
    one line per tracked row (fixed colour per row), the detection threshold and the judged run's budget."""
    targets = list(dict.fromkeys(curve["target"]))
    fig, axes = plt.subplots(1, len(targets), figsize=(4.6 * len(targets), 3.8), squeeze=False, layout="constrained")
    for ax, target in zip(axes[0], targets, strict=True):
        d = curve[curve["target"] == target]
        for cell, g in d.groupby("cell", sort=False):
            ax.plot(g["steps"], g["z"], label=cell, **variant_style(cell), markersize=4)
        ax.axhline(z_detect, color="black", linestyle="--", linewidth=1.0, label=f"z = {z_detect:g}: detected above")
        if budget is not None:
            ax.axvline(budget, color="grey", linestyle=":", linewidth=1.2, label=f"judged budget: {budget} steps")
        grid = sorted(d["steps"].unique())
        ax.set_xticks(grid, [f"{s:,}" for s in grid], rotation=45 if len(grid) > 6 else 0)
        ax.set_title(f"target: {target}")
        ax.set_xlabel("critic training steps")
        ax.set_ylabel("held-out z = IPM/SE")
    width, depth = int(curve["width"].iloc[0]), int(curve["depth"].iloc[0])
    figure_legend(fig, axes, ncols=4)
    fig.suptitle(f"E1.5: power of the largest critic (w{width}/d{depth}) against its training steps")
    return fig
