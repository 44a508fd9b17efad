"""E4 figures: saddle toy, FD curves vs steps and wall-clock, FD vs disturbance, toy scatters, samples."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from gantheory.plotting.style import THRESHOLD_STYLE, figure_legend, log_axis, variant_style


def saddle(runs: pd.DataFrame, paths: dict, threshold: float = 0.15, hold: int = 100):
    """‖(x, y)‖ over steps for one seed of each step-size setting, and reach steps over seeds."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    for name, path in paths.items():
        left.plot(np.linalg.norm(path, axis=1), label=name, linewidth=0.8, color=variant_style(name)["color"])
    left.axhline(threshold, **THRESHOLD_STYLE, label=f"settled: ‖(x, y)‖ < {threshold:g}")
    log_axis(left)
    left.set_xlabel("step")
    left.set_ylabel("‖(x, y)‖ (seed 0)")
    left.set_title("f(x,y) = (1+x²)(100−y²), gradient noise σ = 1")
    reach = runs.assign(reach=runs["reach_step"].where(runs["reach_step"] >= 0, np.nan))
    order, labels = list(dict.fromkeys(runs["variant"])), []
    for k, variant in enumerate(order):  # an evenly spread, deterministic offset instead of seaborn's random jitter
        y = reach.loc[reach["variant"] == variant, "reach"].to_numpy(dtype=float)
        x = k + (np.linspace(-0.25, 0.25, len(y)) if len(y) > 1 else np.zeros(len(y)))
        style = variant_style(variant)
        right.scatter(x, y, s=10, color=style["color"], marker=style["marker"], label="_nolegend_")
        never = int(np.isnan(y).sum())
        labels.append(f"{variant}\n({never} of {len(y)} never)" if never else variant)
    right.set_xticks(range(len(order)), labels)
    right.set_xlim(-0.6, len(order) - 0.4)
    right.set_xlabel("step-size setting")
    right.set_ylabel(f"first step held < {threshold:g} for {hold} steps")
    right.set_title("per seed (never: not settled within the run)")
    figure_legend(fig, [left], loc="outside lower center")
    return fig


def _fd_panels(train: pd.DataFrame, axes_x: list[tuple[str, str]], title: str):
    """FD (median over seeds, band min–max) per dataset (columns) against each x axis (rows)."""
    fd = train[train["metric"] == "fd"]
    datasets = list(dict.fromkeys(fd["dataset"]))
    fig, axes = plt.subplots(
        len(axes_x),
        len(datasets),
        figsize=(3.4 * len(datasets), 2.8 * len(axes_x)),
        squeeze=False,
        layout="constrained",
    )
    for col, dataset in enumerate(datasets):
        d = fd[fd["dataset"] == dataset]
        for variant in dict.fromkeys(d["variant"]):
            style = variant_style(variant)
            v = (
                d[d["variant"] == variant]
                .groupby("step")
                .agg(
                    median=("value", "median"),
                    low=("value", "min"),
                    high=("value", "max"),
                    **{column: (column, "median") for column, _ in axes_x if column != "step"},
                )
            )
            for row, (column, label) in enumerate(axes_x):
                x = v.index if column == "step" else v[column]
                ax = axes[row, col]
                ax.plot(x, v["median"], color=style["color"], marker=style["marker"], markersize=3, label=variant)
                ax.fill_between(x, v["low"], v["high"], color=style["color"], alpha=0.2, linewidth=0)
                log_axis(ax)
                ax.set_xlabel(label)
        axes[0, col].set_title(dataset)
    for row in axes:
        row[0].set_ylabel("FD")
    figure_legend(fig, axes, title="variant")
    fig.suptitle(title)
    return fig


def fd_curves(train: pd.DataFrame):
    """FD vs generator steps (top) and vs gradient evaluations, the equal compute budget (bottom)."""
    return _fd_panels(
        train,
        [("step", "generator step"), ("gradient_evaluations", "gradient evaluations")],
        "E4: Fréchet distance during training (median over seeds, band min–max)",
    )


def fd_vs_wallclock(train: pd.DataFrame):
    """FD vs measured wall-clock: a measurement, so it lives beside the timings, not in figures/."""
    return _fd_panels(
        train,
        [("wall_clock_s", "wall-clock (s)")],
        "E4: Fréchet distance vs wall-clock on this machine (not byte-reproducible)",
    )


def fd_disturbances(checks: pd.DataFrame):
    """FD between real images and disturbed ones, per disturbance and level; dashed: real-halves floor."""
    dist = checks[checks["check"] == "disturbance"].copy()
    dist[["dataset", "disturbance"]] = dist["item"].str.split(": ", n=1, expand=True)
    datasets = list(dict.fromkeys(dist["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.2 * len(datasets), 3.2), squeeze=False, layout="constrained")
    floors = checks[checks["check"] == "floor"].set_index("item")["value"]
    for ax, dataset in zip(axes[0], datasets, strict=True):
        d = dist[dist["dataset"] == dataset]
        for disturbance in dict.fromkeys(d["disturbance"]):
            e = d[d["disturbance"] == disturbance].groupby("level")["value"].mean()
            ax.plot(e.index, e.to_numpy(), **variant_style(disturbance), markersize=4, label=disturbance)
        ax.axhline(floors[dataset], **THRESHOLD_STYLE, label="floor (real halves)")
        log_axis(ax)
        ax.set_xticks(sorted(set(d["level"])))
        ax.set_xlabel("disturbance level")
        ax.set_ylabel("FD to real")
        ax.set_title(dataset)
    figure_legend(fig, axes, loc="outside right upper", ncols=1)
    fig.suptitle("E4.3: FD between real images and disturbed ones")
    return fig


def _first_finite(per_seed: np.ndarray):
    """The first seed's samples that are finite (a diverged seed is never drawn), or None."""
    return next((x for x in per_seed if np.isfinite(x).all()), None)


def toy_scatter(samples: dict, settings: dict, modes: dict | None = None, curves: dict | None = None):
    """Generated points (seed 0) for every toy dataset (rows) and variant (columns), in the variant's colour,
    over the true distribution: `modes[dataset]` (k, 2) mode centres as black crosses, `curves[dataset]` (n, 2)
    a noise-free curve (the Swiss roll's spiral) as a black line."""
    modes, curves = modes or {}, curves or {}
    toys = [d for d, s in settings["datasets"].items() if s["kind"] == "toy"]
    variants = list(dict.fromkeys(v for d in toys for v in settings["datasets"][d]["variants"]))
    fig, axes = plt.subplots(
        len(toys), len(variants), figsize=(2.6 * len(variants), 2.6 * len(toys)), squeeze=False, layout="constrained"
    )
    for r, dataset in enumerate(toys):
        for c, variant in enumerate(variants):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if (dataset, variant) not in samples:
                ax.axis("off")
                continue
            x = _first_finite(samples[(dataset, variant)])
            if x is None:
                ax.text(0.5, 0.5, "every seed diverged", ha="center", va="center", transform=ax.transAxes)
                continue
            ax.scatter(x[:, 0], x[:, 1], s=1, alpha=0.5, color=variant_style(variant)["color"])
            if dataset in curves:
                c = np.asarray(curves[dataset])
                ax.plot(c[:, 0], c[:, 1], color="black", linewidth=0.7, label="true distribution (noise-free)")
            if dataset in modes:
                m = np.asarray(modes[dataset])
                ax.scatter(
                    m[:, 0],
                    m[:, 1],
                    marker="x",
                    s=18,
                    linewidths=0.9,
                    color="black",
                    label="true modes",
                    zorder=3,
                    gid="true-modes",
                )
            ax.set_xlim(-2.5, 2.5)
            ax.set_ylim(-2.5, 2.5)
            ax.set_aspect("equal")
            ax.set_title(f"{dataset} · {variant}", fontsize="small", color=variant_style(variant)["color"])
    if modes or curves:
        figure_legend(fig, axes, loc="outside lower center", markerscale=1.5)
    fig.suptitle("E4: generated points (seed 0; axes ±2.5) over the true distribution (black)")
    return fig


def sample_grids(samples: dict, settings: dict):
    """An 8×8 grid of generated images (seed 0) per image dataset and variant."""
    images = [d for d, s in settings["datasets"].items() if s["kind"] == "image"]
    variants = list(dict.fromkeys(v for d in images for v in settings["datasets"][d]["variants"]))
    fig, axes = plt.subplots(
        len(images),
        len(variants),
        figsize=(2.8 * len(variants), 2.8 * len(images)),
        squeeze=False,
        layout="constrained",
    )
    for r, dataset in enumerate(images):
        for c, variant in enumerate(variants):
            ax = axes[r, c]
            ax.axis("off")
            if (dataset, variant) not in samples:
                continue
            x = _first_finite(samples[(dataset, variant)])
            if x is None:
                ax.text(0.5, 0.5, "every seed diverged", ha="center", va="center", transform=ax.transAxes)
                continue
            x = x[:64]
            side = int(round(np.sqrt(x.shape[1])))
            tiles = x.reshape(-1, side, side)
            grid = np.ones((8 * (side + 1), 8 * (side + 1))) * -1
            for i, tile in enumerate(tiles):
                row, col = divmod(i, 8)
                grid[row * (side + 1) : row * (side + 1) + side, col * (side + 1) : col * (side + 1) + side] = tile
            ax.imshow(grid, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
            ax.set_title(f"{dataset} · {variant}", fontsize="small")
    return fig
