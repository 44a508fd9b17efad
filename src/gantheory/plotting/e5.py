"""E5 figures: per-level and per-band MMD curves (multi vs single critics), the detail dictionaries' matched
|cos| over training (E5.4), generated pyramids beside real ones."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gantheory.plotting.style import THRESHOLD_STYLE, figure_legend, log_axis, variant_style

KIND_TITLE = {"level": "head (output of level {level})", "band": "band {level} of the top image"}


def distance_curves(train, floors, kind: str, floor_multiple: float, generator: str = "ema"):
    """MMD over training for every dataset (rows) and level or band (columns): median over seeds, band
    min–max, one colour per critic variant; dashed: `floor_multiple` × the sampling floor (below it = learned,
    the claims' threshold, passed by the caller)."""
    m = train[(train["metric"] == "mmd") & (train["kind"] == kind) & (train["generator"] == generator)]
    datasets, levels = list(dict.fromkeys(m["dataset"])), sorted(set(m["level"]))
    fig, axes = plt.subplots(
        len(datasets),
        len(levels),
        figsize=(3.3 * len(levels), 2.5 * len(datasets)),
        squeeze=False,
        layout="constrained",
    )
    variants = list(dict.fromkeys(m["variant"]))
    for r, dataset in enumerate(datasets):
        for c, level in enumerate(levels):
            ax = axes[r, c]
            d = m[(m["dataset"] == dataset) & (m["level"] == level)]
            for variant in variants:
                v = d[d["variant"] == variant].groupby("step")["value"].agg(["median", "min", "max"])
                if v.empty:
                    continue
                style = variant_style(variant)
                ax.plot(v.index, v["median"], color=style["color"], marker=style["marker"], markersize=3, label=variant)
                ax.fill_between(v.index, v["min"], v["max"], color=style["color"], alpha=0.2, linewidth=0)
            limit = floor_multiple * floors.loc[(dataset, kind, level), "floor"]
            ax.axhline(limit, **THRESHOLD_STYLE, label=f"{floor_multiple:g}× sampling floor (below: learned)")
            log_axis(ax)  # plain numbers: mathtext labels triple the drawing time
            ax.set_title(f"{dataset}: {KIND_TITLE[kind].format(level=level)}")
            ax.set_xlabel("SGDA step")
        axes[r, 0].set_ylabel(f"MMD ({generator} generator)")
    figure_legend(fig, axes, title="critics")
    what = "output heads" if kind == "level" else "bands of the top-level image"
    fig.suptitle(f"E5: MMD of the {what} during training (median over seeds, band min–max)")
    return fig


CEILING_STYLE = {"color": "0.35", "linestyle": ":", "linewidth": 1.2}
CHANCE_STYLE = {"color": "0.6", "linestyle": "-.", "linewidth": 0.9}


def dictionary_curves(train, ceiling, criterion: float, generator: str = "ema"):
    """E5.4: Hungarian-matched mean |cos| of the detail part of each detail level's learned atoms to the true
    atoms over training (synthetic FSR), one panel per level: every seed a thin line, the median over seeds
    a thick one, one colour per critic variant. Horizontal lines: the criterion (passed by the caller), the
    dictionary-learning ceiling of the level (`ceiling`: level → matched |cos|) and the initialisation
    (chance: median over every run's step-0 value)."""
    m = train[
        (train["metric"] == "dictionary_cosine")
        & (train["kind"] == "band")
        & (train["generator"] == generator)
        & (train["dataset"] == "fsr")
    ]
    levels = sorted(set(m["level"])) or [2, 3]
    fig, axes = plt.subplots(1, len(levels), figsize=(3.6 * len(levels), 3.0), squeeze=False, layout="constrained")
    start = train[(train["metric"] == "dictionary_cosine") & (train["kind"] == "band") & (train["step"] == 0)]
    for ax, level in zip(axes[0], levels, strict=True):
        d = m[m["level"] == level]
        for variant in dict.fromkeys(d["variant"]):
            v, colour = d[d["variant"] == variant], variant_style(variant)["color"]
            for _, run in v.groupby("seed"):
                ax.plot(run["step"], run["value"], color=colour, linewidth=0.6, alpha=0.5)
            median = v.groupby("step")["value"].median()
            marker = variant_style(variant)["marker"]
            ax.plot(median.index, median, color=colour, linewidth=1.6, marker=marker, markersize=3, label=variant)
        ax.axhline(criterion, **THRESHOLD_STYLE, label=f"criterion {criterion:g}")
        if level in ceiling:
            ax.axhline(ceiling[level], **CEILING_STYLE, label="dictionary-learning ceiling (true samples)")
        chance = start.loc[start["level"] == level, "value"]
        if len(chance):
            ax.axhline(float(chance.median()), **CHANCE_STYLE, label="initialisation (chance)")
        if d.empty:
            ax.text(0.5, 0.5, "not run", transform=ax.transAxes, ha="center", va="center")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"fsr: detail part of level {level}")
        ax.set_xlabel("SGDA step")
    axes[0, 0].set_ylabel(f"matched mean |cos| ({generator})")
    figure_legend(fig, axes, title="critics (thin: seeds, thick: median)")
    fig.suptitle("E5.4: detail dictionaries vs the true atoms during training")
    return fig


def _pyramid_row(levels: list[np.ndarray], count: int) -> np.ndarray:
    """`count` samples side by side, each as its levels upsampled to the top size: one image strip."""
    top = int(round(np.sqrt(levels[-1].shape[-1])))
    tiles = []
    for i in range(count):
        for x in levels:
            side = int(round(np.sqrt(x.shape[-1])))
            img = x[i].reshape(side, side)
            tiles.append(np.kron(img, np.ones((top // side, top // side))))
            tiles.append(np.full((top, 1), np.nan))
        tiles.append(np.full((top, 2), np.nan))
    return np.concatenate(tiles, axis=1)


def pyramids(samples: dict, count: int = 4):
    """Per dataset: real pyramids (levels 1, 2, 3) and the EMA generator's (first finite seed) per critic variant."""
    datasets = list(dict.fromkeys(d for d, _ in samples))
    rows = []
    for dataset in datasets:
        variants = [v for d, v in samples if d == dataset]
        first = samples[(dataset, variants[0])]
        levels = sorted(int(k.removeprefix("real_level")) for k in first if k.startswith("real_level"))
        rows.append((dataset, "real", [first[f"real_level{lv}"] for lv in levels]))
        for variant in variants:
            per_seed = [samples[(dataset, variant)][f"ema_level{lv}"] for lv in levels]
            seed = next((k for k in range(len(per_seed[0])) if all(np.isfinite(x[k]).all() for x in per_seed)), None)
            if seed is not None:  # a diverged seed is never drawn
                rows.append((dataset, f"{variant} (EMA, seed {seed})", [x[seed] for x in per_seed]))
    fig, axes = plt.subplots(len(rows), 1, figsize=(9, 0.95 * len(rows)), squeeze=False, layout="constrained")
    for ax, (dataset, label, levels) in zip(axes[:, 0], rows, strict=True):
        n = min(count, len(levels[0]))
        real = next(r[2] for r in rows if r[0] == dataset and r[1] == "real")
        low, high = float(np.min(real[-1])), float(np.max(real[-1]))
        ax.imshow(_pyramid_row(levels, n), cmap="gray", vmin=low, vmax=high, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(f"{dataset}\n{label}", rotation=0, ha="right", va="center", fontsize="small")
        ax.grid(False)
    fig.suptitle("E5: pyramids (levels 1, 2, 3 per sample), real vs generated")
    return fig
