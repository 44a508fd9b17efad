"""E1's steps, one per rule: prepare the hypergraphs and certificates, run one target, build the outputs.

Each takes plain values and explicit file paths (the rule's inputs and outputs) and only the keys of
config section `e1` its step reads (`STEP_KEYS`), so a change to the critics' budget re-runs the
targets but not the hypergraphs, and no E1 output step reads the config at all. The root seed enters
here; every random stream below derives its own seed from it where that stream is defined.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

STEP_KEYS = {  # what each step reads of config section e1 (workflow/lib/paths.py passes the same lists)
    "prepare": ["certificate", "clean_max_draws", "cube_noise", "draws", "generators", "rows", "stretch", "targets"],
    "target": ["check", "cube_noise", "discriminators", "magnitude_cap", "moments", "ramp_width"],
    "power": ["cube_noise", "discriminators", "magnitude_cap", "power_curve", "ramp_width"],
}


def check_settings(settings: dict, step: str) -> None:
    """Name the first `e1.` key that `step` reads and `settings` lacks."""
    for key in STEP_KEYS[step]:
        if key not in settings:
            raise ValueError(f"config key 'e1.{key}' is missing (the e1 {step} step reads it)")


def _read_table(path):
    import pandas as pd

    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def prepare(settings: dict, seed: int, hypergraphs, table, certificates) -> None:
    """Every row's hypergraph (`hypergraphs`, .npz), its exact correlation counts (`table`) and the W1
    certificates of every row and target (`certificates`)."""
    from gantheory import io
    from gantheory.experiments.e1.generators import prepare as build

    check_settings(settings, "prepare")
    graphs, rows, certified = build(settings, seed)
    io.write_npz(hypergraphs, **graphs)
    io.write_csv(table, rows)
    io.write_csv(certificates, certified)


def target(
    target: str,
    settings: dict,
    seed: int,
    hypergraphs,
    table,
    mismatch,
    moments,
    discriminators,
    provenance,
    checkpoint=None,
    threads=None,
) -> None:
    """Everything that needs the Keras generators of one target, in one Keras process: the E1.1
    check, the E1.3 moments and the E1.4–E1.6 critics and classifiers, and the run record. With
    `checkpoint`, a killed job started again resumes the critics' training where it was (the checkpoint
    goes once the outputs are written)."""
    import time

    from gantheory import io
    from gantheory import provenance as records
    from gantheory.backend import enable_determinism, enable_float64
    from gantheory.experiments.e1.generators import check_generators, run_discriminators
    from gantheory.prg.reference import check_target
    from gantheory.seeding import derive_seed

    check_target(target)
    check_settings(settings, "target")
    tf_seed = derive_seed(seed, "e1", target)
    enable_determinism(tf_seed, threads or 1)
    enable_float64()  # the PRG generators compute in float64
    rows, graphs = _read_table(table), io.read_npz(hypergraphs)
    start, cpu = time.perf_counter(), _cpu_seconds()
    check, moment_rows = check_generators(rows, graphs, settings, seed, [target])
    check_s = time.perf_counter() - start
    detection = run_discriminators(rows, graphs, target, settings, seed, checkpoint)
    timing = {
        "check_s": check_s,
        "train_s": float(detection.pop("train_s").iloc[0]),
        "eval_s": float(detection.pop("eval_s").iloc[0]),
        "wall_clock_s": time.perf_counter() - start,
        "cpu_s": _cpu_seconds() - cpu,
    }
    io.write_csv(mismatch, check)
    io.write_csv(moments, moment_rows)
    io.write_csv(discriminators, detection)
    records.write_run_record(
        provenance,
        experiment="E1",
        settings=settings,
        seed=seed,
        seeds={"tensorflow": tf_seed},
        threads=threads,
        target=target,
        **timing,
    )
    if checkpoint is not None:  # left complete by the critics' training: the outputs exist, so it goes
        Path(checkpoint).unlink(missing_ok=True)


def power(target: str, settings: dict, seed: int, hypergraphs, table, curve, threads=None) -> None:
    """E1.5's power curve on one target (`curve`, .csv): held-out z of the largest critic against the rows
    `e1.power_curve.rows` names, after each step count of `e1.power_curve.steps`."""
    from gantheory import io
    from gantheory.backend import enable_determinism, enable_float64
    from gantheory.experiments.e1.generators import run_power_curve
    from gantheory.prg.reference import check_target
    from gantheory.seeding import derive_seed

    check_target(target)
    check_settings(settings, "power")
    enable_determinism(derive_seed(seed, "e1", "power curve", target), threads or 1)
    enable_float64()  # the PRG generators compute in float64
    rows = run_power_curve(_read_table(table), io.read_npz(hypergraphs), target, settings, seed)
    io.write_csv(curve, rows)


def outputs(
    profile: str,
    table,
    certificates,
    mismatch: list,
    moments: list,
    discriminators: list,
    power: list,
    claims,
    z_heatmap,
    accuracy_heatmap,
    w1_bound,
    power_curve,
    detection_table,
    moments_table,
    w1_table,
    check_table,
) -> None:
    """The z and accuracy heatmaps the W1 bars and the power curve (PDF + PNG), the four tables (Markdown + LaTeX + CSV)
    and the claims CSV, each at the path given; `mismatch`, `moments`, `discriminators`: one file per target."""
    import pandas as pd

    from gantheory import claims as judging
    from gantheory import io
    from gantheory.experiments.e1 import claims as e1
    from gantheory.experiments.e1 import tables
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e1 as plots

    results = {
        "hypergraphs": _read_table(table),
        "certificates": _read_table(certificates),
        "check": pd.concat([_read_table(p) for p in mismatch], ignore_index=True),
        "moments": pd.concat([_read_table(p) for p in moments], ignore_index=True),
        "discriminators": pd.concat([_read_table(p) for p in discriminators], ignore_index=True),
        "power": pd.concat([_read_table(p) for p in power], ignore_index=True),
    }
    apply_style()
    nulls = [c for c in results["discriminators"]["cell"].unique() if c.startswith("null#")]
    order = list(results["hypergraphs"]["row"]) + sorted(nulls, key=lambda c: int(c.removeprefix("null#")))
    z_lines = [
        (f"z = {e1.Z_DETECT:g}: detected above (E1.4–E1.6)", [e1.Z_DETECT]),
        (f"|z| = {e1.Z_NULL:g}: null runs within (E1.4)", [-e1.Z_NULL, e1.Z_NULL]),
        (f"z = {e1.STRONG_Z:g}: controls above (E1.5)", [e1.STRONG_Z]),
    ]
    band = e1.ACCURACY_BAND
    accuracy_lines = [
        (f"0.5 ± {band:g}: clean rows within (E1.4)", [0.5 - band, 0.5 + band]),
        (f"{e1.STRONG_ACCURACY:g}: controls above (E1.5)", [e1.STRONG_ACCURACY]),
    ]
    save_figure(plots.z_heatmap(results["discriminators"], order, z_lines), z_heatmap)
    save_figure(plots.accuracy_heatmap(results["discriminators"], order, accuracy_lines), accuracy_heatmap)
    w1 = tables.w1_table(results)
    save_figure(plots.w1_bars(w1, e1.W1_FACTOR), w1_bound)
    save_figure(plots.power_curve(results["power"], e1.budget(results), e1.Z_DETECT), power_curve)
    built = tables.output_tables(results, w1)
    paths = {"e1_detection": detection_table, "e1_moments": moments_table, "e1_w1": w1_table,
             "e1_generator_check": check_table}  # fmt: skip
    for name, (frame, caption) in built.items():
        write_table(frame, paths[name], caption=caption)
    io.write_csv(claims, judging.rows_frame(judging.judge_claims(e1.CLAIMS, results, profile)))
