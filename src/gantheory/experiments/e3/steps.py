"""E3's steps, one per rule: simulate a family, draw the figures and table, judge the claims.

Each takes plain values and explicit file paths (the rule's inputs and outputs); the CLI only maps
its arguments onto them. The root seed enters `simulate` only: the initialisations are derived from
it once, in `simulation.initialisations`.
"""

from __future__ import annotations

import pandas as pd

from gantheory.seeding import derive_seed


def simulate(family: str, settings: dict, seed: int, runs, curves, examples, provenance, threads=None) -> None:
    """One family of dynamics → its runs.csv, curves.csv, example trajectories and run record."""
    from gantheory import io
    from gantheory import provenance as records
    from gantheory.experiments.e3.settings import SimulationSettings
    from gantheory.experiments.e3.simulation import run_family

    typed = SimulationSettings.from_mapping(settings)
    run_rows, curve_rows, example_paths = run_family(family, typed, seed)
    io.write_csv(runs, run_rows)
    io.write_csv(curves, curve_rows)
    io.write_npz(examples, **example_paths)
    records.write_run_record(
        provenance,
        experiment="E3",
        settings=typed.as_record(),
        seed=seed,
        seeds={"initialisations": derive_seed(seed, "e3", "initialisations")},
        threads=threads,
        family=family,
        wall_clock_s=float(run_rows.drop_duplicates(["wall_clock_s", "batch_size"])["wall_clock_s"].sum()),
    )


def load_results(main_step_size: float, optimal, first_order, ttur) -> dict:
    """What the judges and the outcome table read: the three families' runs and the main step size."""
    return {
        "main_step_size": main_step_size,
        "optimal": pd.read_csv(optimal),
        "first_order": pd.read_csv(first_order),
        "ttur": pd.read_csv(ttur),
    }


def figures(
    main_step_size: float,
    optimal,
    first_order,
    ttur,
    curves: list,
    examples: list,
    heatmap,
    ttur_figure,
    trajectories,
    tv_curves,
    table,
) -> None:
    """Success heatmap, TTUR ratio curves, trajectories, TV curves (PDF + PNG) and the outcome table
    (Markdown + LaTeX + CSV), each at the path given."""
    from gantheory import io
    from gantheory.experiments.e3.claims import at_main_step_size
    from gantheory.experiments.e3.tables import outcome_table
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e3 as plots

    apply_style()
    results = load_results(main_step_size, optimal, first_order, ttur)
    save_figure(plots.success_heatmap(results["optimal"], results["first_order"]), heatmap)
    optimal_success = at_main_step_size(results["optimal"], main_step_size)["converged"].mean()
    save_figure(plots.ttur_curves(results["ttur"], optimal_success), ttur_figure)
    paths = {}
    for path in examples:
        paths.update(io.read_npz(path))
    main = f"{main_step_size:g}"
    variants = [f"optimal lr={main}", f"sim k=1 lr={main} init=random", f"alt k=5 lr={main} init=random"]
    variants = [v for v in variants if f"{v}::mu_path" in paths]
    save_figure(plots.trajectories(paths, variants), trajectories)
    curve_rows = pd.concat([pd.read_csv(p) for p in curves])
    save_figure(plots.tv_curves(curve_rows, variants), tv_curves)
    write_table(
        outcome_table(results).round(2),
        table,
        caption=f"E3 outcomes (% of runs) at step size η = {main}.",
    )


def judge(main_step_size: float, optimal, first_order, ttur, profile: str, out) -> None:
    """E3.1–E3.5 → one claims CSV (results/claims/E3.csv)."""
    from gantheory import claims, io
    from gantheory.experiments.e3.claims import CLAIMS

    rows = claims.judge_claims(CLAIMS, load_results(main_step_size, optimal, first_order, ttur), profile)
    io.write_csv(out, claims.rows_frame(rows))
