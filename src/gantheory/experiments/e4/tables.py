"""E4's tables: the final metrics beside the papers' numbers, the measured wall-clock, and the toy
datasets' true modes and curves that the scatter figure overlays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.experiments.e4.training import IMAGES, diverged_seeds, final_values, last_values


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


def toy_truth(datasets: dict) -> tuple[dict, dict]:
    """For the toy scatter: mode centres of the Gaussian mixtures, and the Swiss roll's noise-free spiral
    (sklearn's make_swiss_roll: t = 1.5π(1 + 2u), (t cos t, t sin t), here divided by 7.5 as in data.toys)."""
    from gantheory.data.toys import mixture_modes

    toys = [d for d, s in datasets.items() if s["kind"] == "toy"]
    modes = {}
    for dataset in toys:
        try:
            modes[dataset] = mixture_modes(dataset)[0]
        except ValueError:  # not a Gaussian mixture
            pass
    t = 1.5 * np.pi * (1 + 2 * np.linspace(0.0, 1.0, 400))
    curves = {"swissroll": np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / 7.5} if "swissroll" in toys else {}
    return modes, curves
