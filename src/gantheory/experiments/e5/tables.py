"""E5's tables: final distances against the floors, dictionary recovery, measured wall-clock."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gantheory.experiments.e5.claims import final_values, first_hits, floor_of, initial_values, ratios, step_text


def final_table(results: dict) -> pd.DataFrame:
    """Per dataset × variant × (head level | top band): final MMD (EMA and raw, median over seeds), the floor,
    the ratio to 2× floor, seeds learned and the median first-hit step."""
    metrics, floors = results["train"], results["floors"]
    ema, raw = final_values(metrics), final_values(metrics, generator="raw")
    hits = first_hits(metrics, floors)
    frame = pd.DataFrame({"ema": ema, "raw": raw, "ratio": ratios(ema, floors), "hit": hits}).reset_index()
    by = frame.groupby(["dataset", "variant", "kind", "level"], sort=False)
    table = pd.DataFrame(
        {
            "final MMD (EMA)": by["ema"].median(),
            "final MMD (raw)": by["raw"].median(),
            "MMD / (2×floor)": by["ratio"].median(),
            "seeds learned": by["ratio"].apply(lambda v: f"{int((v <= 1).sum())}/{len(v)}"),
            "first hit (median step)": by["hit"].median().map(step_text),  # a string: inf would read "diverged"
        }
    ).reset_index()
    table.insert(4, "floor", floor_of(floors, table["dataset"], table["kind"], table["level"]))
    table["kind"] = table["kind"].map({"level": "head", "band": "top band"})
    fd = final_values(metrics, "fd").groupby(["dataset", "variant", "kind", "level"]).median()
    table["final FD (EMA)"] = [
        fd.get((d, v, "level", lv), np.nan) if k == "head" else np.nan
        for d, v, k, lv in zip(table.dataset, table.variant, table.kind, table.level, strict=True)
    ]
    return table


def dictionary_table(results: dict, truth_density: dict) -> pd.DataFrame:
    """Synthetic FSR: matched |cos| at initialisation and at the end (EMA, raw), the detail part beside the
    dictionary-learning ceiling of its level (E5.4), code densities vs the truth."""
    metrics = results["train"]
    ceiling = results.get("ceiling", pd.DataFrame(columns=["level", "matched_cosine"])).set_index("level")
    fsr = metrics[metrics["dataset"] == "fsr"]
    if fsr.empty:
        return pd.DataFrame()
    cos_ema, cos_raw = (
        final_values(fsr, "dictionary_cosine", failed=0.0),
        final_values(fsr, "dictionary_cosine", "raw", failed=0.0),
    )
    init = initial_values(fsr, "dictionary_cosine")
    density = final_values(fsr, "density", failed=np.nan)
    rows = []
    for variant in dict.fromkeys(fsr["variant"]):
        for level in sorted(set(fsr["level"]) - {0}):
            key = ("fsr", variant, "level", level)
            band = ("fsr", variant, "band", level)
            rows.append(
                {
                    "variant": variant,
                    "level": level,
                    "matched |cos| at init": init.loc[key].median(),
                    "matched |cos| (EMA)": cos_ema.loc[key].median(),
                    "spread over seeds": f"{cos_ema.loc[key].min():.2f}–{cos_ema.loc[key].max():.2f}",
                    "matched |cos| (raw)": cos_raw.loc[key].median(),
                    "detail part (EMA)": cos_ema.loc[band].median() if band in cos_ema.index.droplevel(-1) else np.nan,
                    "detail ceiling (dictionary learning)": ceiling["matched_cosine"].get(level, np.nan),
                    "code density (EMA)": density.loc[key].median(),
                    "true code density": truth_density[level],
                }
            )
    return pd.DataFrame(rows)


def timing_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Measured wall-clock per (dataset, variant), evaluation included: a measurement, kept out of figures/."""
    by = metrics.groupby(["dataset", "variant"], sort=False)
    table = pd.DataFrame({"steps": by["step"].max(), "wall-clock (s)": by["wall_clock_s"].max().round(1)}).reset_index()
    table["steps per second"] = (table["steps"] / table["wall-clock (s)"]).round(1)
    return table
