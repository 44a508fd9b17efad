"""E2's steps, one per rule: the exact checks and floors, training per generator kind, the outputs.

Each takes plain values and explicit file paths (the rule's inputs and outputs) and checks the settings
it reads by name (`settings.check_settings`). The root seed enters `exact` and `train` only: the
per-run seeds are derived from it once, in `training.train_family`.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gantheory.experiments.e2.settings import check_settings  # noqa: E402
from gantheory.seeding import derive_seed  # noqa: E402


def exact(settings: dict, seed: int, gauss_hermite, dirac, floors) -> None:
    """E2.1's Gauss–Hermite table, E2.5's Dirac sequence and the W1 sampling floors (CSV each)."""
    from gantheory import io
    from gantheory.experiments.e2 import exact as computed
    from gantheory.experiments.e2.settings import targets_of

    settings = check_settings(settings, "exact")
    table = computed.gauss_hermite_table(settings["exact"]["gauss_hermite"], settings["bandwidth_factor"])
    io.write_csv(gauss_hermite, table)
    io.write_csv(dirac, computed.dirac_sequence(settings["exact"]["dirac_max"]))
    targets = targets_of(settings)
    io.write_csv(floors, computed.sampling_floors(targets, settings["particles"], settings["floor_repeats"], seed))


def train(
    generator: str,
    settings: dict,
    seed: int,
    metrics,
    samples,
    provenance,
    families=None,
    checkpoints=None,
    threads=None,
) -> None:
    """Every family (or the named ones) against one generator kind → metrics.csv, final points, run record.
    With `checkpoints` (a folder), a killed job started again resumes; the folder goes once the outputs exist."""
    from pathlib import Path

    from gantheory import io
    from gantheory import provenance as records
    from gantheory.backend import enable_determinism
    from gantheory.experiments.e2.training import train_generator

    settings = check_settings(settings, "train", generator)
    tf_seed = derive_seed(seed, "e2", generator)
    enable_determinism(tf_seed, threads or 1)
    rows, points, seconds = train_generator(generator, settings, seed, families, checkpoints)
    io.write_csv(metrics, rows)
    io.write_npz(samples, **points)
    records.write_run_record(
        provenance,
        experiment="E2",
        settings=settings,
        seed=seed,
        seeds={
            "tensorflow": tf_seed,
            **{f"family {name}": derive_seed(seed, "e2", name, generator) for name in seconds},
        },
        threads=threads,
        generator=generator,
        wall_clock_s=seconds,
    )
    if checkpoints is not None:  # each family left its complete checkpoint: the job is done, they go
        for name in seconds:
            (Path(checkpoints) / f"{name}.npz").unlink(missing_ok=True)
        if Path(checkpoints).is_dir() and not any(Path(checkpoints).iterdir()):
            Path(checkpoints).rmdir()


def load_results(settings: dict, gauss_hermite, dirac, floors, metrics: list) -> dict:
    """What the judges and the tables read: the exact tables, the floors and every run's metrics."""
    import pandas as pd

    return {
        "settings": settings,
        "metrics": pd.concat([pd.read_csv(p) for p in metrics], ignore_index=True),
        "floors": pd.read_csv(floors),
        "gauss_hermite": pd.read_csv(gauss_hermite),
        "dirac": pd.read_csv(dirac),
    }


def outputs(
    settings: dict,
    gauss_hermite,
    dirac,
    floors,
    metrics: list,
    samples: list,
    profile: str,
    claims,
    densities,
    trajectories,
    topology,
    gaps_table,
    gauss_hermite_table,
) -> None:
    """Densities, trajectories, exact checks (PDF + PNG), the moment-gap and Gauss–Hermite tables
    (Markdown + LaTeX + CSV) and the claims CSV, each at the path given."""
    from gantheory import claims as judging
    from gantheory import io
    from gantheory.experiments.e2.claims import CLAIMS, floors_of
    from gantheory.experiments.e2.settings import family_order, run_label, targets_of
    from gantheory.experiments.e2.tables import moment_gap_table
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e2 as plots

    settings = check_settings(settings, "outputs")
    results = load_results(settings, gauss_hermite, dirac, floors, metrics)
    points = {}
    for path in samples:
        points.update(io.read_npz(path))
    m = results["metrics"]
    families = {name: settings["families"][name] for name in family_order(settings, set(m["family"]))}
    targets = targets_of(settings)
    cells = m[["family", "generator", "variant", "target"]].drop_duplicates().itertuples(index=False)
    first_seed = {tuple(c): points[run_label(*c, 0)] for c in cells if run_label(*c, 0) in points}
    apply_style()
    save_figure(plots.densities(first_seed, m, targets, families), densities)
    save_figure(plots.trajectories(m, floors_of(results), targets, families), trajectories)
    save_figure(plots.exact_checks(results["dirac"], results["gauss_hermite"]), topology)
    write_table(
        moment_gap_table(results).round(4),
        gaps_table,
        caption="E2 at the end of training (medians over seeds): moment gaps |Δm_j|/sd_j, the family's own "
        "divergence d_F and its sampling floor (d_F of an i.i.d. target sample alike; a trained critic's at its "
        "last evaluation), the largest feature-mean gap of the linear spans and, for random features, the 95th "
        "percentile of that gap for i.i.d. target samples of the same size (E2.3), MMD (median-heuristic "
        "bandwidth), W1 and W1 over the sampling floor.",
    )
    write_table(
        results["gauss_hermite"],
        gauss_hermite_table,
        caption="E2.1: the q-point Gauss–Hermite measure against N(0, 1), computed exactly.",
    )
    io.write_csv(claims, judging.rows_frame(judging.judge_claims(CLAIMS, results, profile)))
