"""E4 figures: saddle toy, FD curves vs steps and wall-clock, FD vs disturbance, toy scatters, samples."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns


def saddle(runs: pd.DataFrame, paths: dict):
    """‖(x, y)‖ over steps for one seed of each step-size setting, and reach steps over seeds."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    for name, path in paths.items():
        left.plot(np.linalg.norm(path, axis=1), label=name, linewidth=0.8)
    left.axhline(0.15, color="black", linestyle="--", linewidth=0.8)
    left.set_yscale("log")
    left.set_xlabel("step")
    left.set_ylabel("‖(x, y)‖ (seed 0)")
    left.legend(fontsize="small")
    left.set_title("f(x,y) = (1+x²)(100−y²), gradient noise σ = 1")
    reach = runs.assign(reach=runs["reach_step"].where(runs["reach_step"] >= 0, np.nan))
    sns.stripplot(reach, x="variant", y="reach", ax=right, size=3)
    right.set_ylabel("first step held < 0.15 for 100 steps")
    right.set_title("per seed (missing: never)")
    return fig


def fd_curves(train: pd.DataFrame):
    """FD (median over seeds, band min–max) vs generator steps (top) and wall-clock (bottom)."""
    fd = train[train["metric"] == "fd"]
    datasets = list(dict.fromkeys(fd["dataset"]))
    fig, axes = plt.subplots(2, len(datasets), figsize=(3.4 * len(datasets), 5.6), squeeze=False, layout="constrained")
    for col, dataset in enumerate(datasets):
        d = fd[fd["dataset"] == dataset]
        for variant, colour in zip(dict.fromkeys(d["variant"]), sns.color_palette(), strict=False):
            v = (
                d[d["variant"] == variant]
                .groupby("step")
                .agg(
                    median=("value", "median"),
                    low=("value", "min"),
                    high=("value", "max"),
                    wall=("wall_clock_s", "median"),
                )
            )
            for row, x in ((0, v.index), (1, v["wall"])):
                ax = axes[row, col]
                ax.plot(x, v["median"], color=colour, label=variant)
                ax.fill_between(x, v["low"], v["high"], color=colour, alpha=0.2, linewidth=0)
        for row, label in ((0, "generator step"), (1, "wall-clock (s)")):
            axes[row, col].set_yscale("log")
            axes[row, col].set_xlabel(label)
        axes[0, col].set_title(dataset)
    axes[0, 0].set_ylabel("FD")
    axes[1, 0].set_ylabel("FD")
    axes[0, 0].legend(fontsize="x-small")
    fig.suptitle("E4: Fréchet distance during training (median over seeds, band min–max; equal gradient budgets)")
    return fig


def fd_disturbances(checks: pd.DataFrame):
    """FD between real images and disturbed ones, per disturbance and level; dashed: real-halves floor."""
    dist = checks[checks["check"] == "disturbance"].copy()
    dist[["dataset", "disturbance"]] = dist["item"].str.split(": ", n=1, expand=True)
    datasets = list(dict.fromkeys(dist["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.2 * len(datasets), 3.2), squeeze=False, layout="constrained")
    floors = checks[checks["check"] == "floor"].set_index("item")["value"]
    for ax, dataset in zip(axes[0], datasets, strict=True):
        sns.lineplot(dist[dist["dataset"] == dataset], x="level", y="value", hue="disturbance", marker="o", ax=ax)
        ax.axhline(floors[dataset], color="black", linestyle="--", linewidth=0.8, label="floor")
        ax.set_yscale("log")
        ax.set_xticks([1, 2, 3, 4])
        ax.set_ylabel("FD to real")
        ax.set_title(dataset)
        ax.legend(fontsize="x-small")
    return fig


def toy_scatter(samples: dict, settings: dict):
    """Generated points (seed 0) for every toy dataset (rows) and variant (columns)."""
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
            x = samples[(dataset, variant)][0]
            ax.scatter(x[:, 0], x[:, 1], s=1, alpha=0.5)
            ax.set_xlim(-2.5, 2.5)
            ax.set_ylim(-2.5, 2.5)
            ax.set_title(f"{dataset} · {variant}", fontsize="small")
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
            x = samples[(dataset, variant)][0][:64]
            side = int(round(np.sqrt(x.shape[1])))
            tiles = x.reshape(-1, side, side)
            grid = np.ones((8 * (side + 1), 8 * (side + 1))) * -1
            for i, tile in enumerate(tiles):
                row, col = divmod(i, 8)
                grid[row * (side + 1) : row * (side + 1) + side, col * (side + 1) : col * (side + 1) + side] = tile
            ax.imshow(grid, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
            ax.set_title(f"{dataset} · {variant}", fontsize="small")
    return fig
