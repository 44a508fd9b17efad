"""The E3 outcome table: outcome shares per dynamic at the main step size."""

from __future__ import annotations

import pandas as pd

from gantheory.experiments.e3.claims import at_main_step_size
from gantheory.experiments.e3.outcomes import OUTCOMES


def outcome_table(results: dict) -> pd.DataFrame:
    """Outcome shares per dynamic at the main step size (the E3 outcome table)."""
    main = results["main_step_size"]
    frames = [at_main_step_size(results["optimal"], main), at_main_step_size(results["first_order"], main)]
    ttur = results["ttur"]
    frames.append(ttur[ttur["ratio"] != 1.0])
    runs = pd.concat(frames, ignore_index=True)
    table = (
        pd.crosstab(runs["variant"], runs["outcome"], normalize="index").reindex(
            columns=[*OUTCOMES, "diverged"], fill_value=0.0
        )
        * 100
    )
    table = table.loc[:, (table != 0).any() | table.columns.isin(OUTCOMES)]
    table.insert(0, "runs", runs.groupby("variant").size())
    table["median final TV"] = runs.groupby("variant")["tv_final"].median()
    order = runs.drop_duplicates("variant")["variant"]
    return table.loc[order].reset_index().rename(columns={"variant": "dynamic (η, k, init)"})
