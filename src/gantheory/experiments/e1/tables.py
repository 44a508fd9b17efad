"""E1's tables: certified W1 bounds beside the critics' limits, detection, moments, the generator check."""

from __future__ import annotations

import pandas as pd

from gantheory.experiments.e1.claims import cells_named, detection_table, rows_with_role


def w1_table(results: dict) -> pd.DataFrame:
    """Clean rows × targets: certified bounds, target scale, POT cross-check, the largest critic IPM limit."""
    clean = rows_with_role(results, "main", "enumeration")["row"]
    certs = results["certificates"]
    certs = certs[certs["row"].isin(clean)].copy()
    disc = cells_named(results, clean)
    worst = disc.sort_values("ipm_upper").groupby(["cell", "target"]).tail(1).set_index(["cell", "target"])
    keys = list(zip(certs["row"], certs["target"], strict=True))
    certs["best_ipm_upper"] = [worst["ipm_upper"].get(k, float("nan")) for k in keys]
    certs["best_critic"] = [f"w{worst['width'][k]}/d{worst['depth'][k]}" if k in worst.index else "" for k in keys]
    certs["bound / best"] = certs["certified_bound"] / certs["best_ipm_upper"]
    columns = [
        "row",
        "target",
        "n",
        "m",
        "certified_bound",
        "counting_bound",
        "enumeration_mean",
        "enumeration_se",
        "target_scale",
        "pot_w1",
        "pot_w1_null",
        "best_ipm_upper",
        "best_critic",
        "bound / best",
    ]
    return certs[[c for c in columns if c in certs]].reset_index(drop=True)


def output_tables(results: dict, w1: pd.DataFrame) -> dict:
    """name → (frame, caption) for every E1 table."""
    roles = results["hypergraphs"].set_index("row")
    moments = results["moments"].copy()
    moments.insert(1, "role", moments["row"].map(roles["role"]))
    moments.insert(2, "correlated pairs", moments["row"].map(roles["correlated_pairs"]))
    moments.insert(3, "correlated triples", moments["row"].map(roles["correlated_triples"]))
    return {
        "e1_detection": (
            detection_table(results).round(4),
            "E1.6: exact counts of correlated output pairs/triples vs detection by the largest critic "
            "(held-out z) and classifier (accuracy), random-subset vs clean hypergraphs.",
        ),
        "e1_moments": (
            moments.round(3),
            "E1.3: largest |z| of the generator's means and second moments against the target's, each "
            "standardised by its own standard error, beside the Bonferroni threshold at α = 0.01.",
        ),
        "e1_w1": (
            w1.round(4),
            "E1.2: certified W1 lower bounds (the larger of counting and, on gauss, the per-pattern χ² union bound; "
            "the counting bound beside it; exact nearest-pattern enumeration for small n, mean and SE), "
            "target scale E‖x‖, POT W1 on samples beside its target-vs-target floor, and the largest critic "
            "IPM upper limit (IPM + 3 SE)/grad-norm p99.",
        ),
        "e1_generator_check": (
            results["check"],
            "E1.1: samples where the Keras ReLU generator differs from the NumPy reference, those of them with no "
            "seed |z| < δ and no gauss |g| > cap (unexplained; judged: must be 0), beside the analytic bound "
            "P(some seed |z| < δ) [+ P(some |g| > cap) for gauss] and bound + 3 SE (version 1's limit, reported).",
        ),
    }
