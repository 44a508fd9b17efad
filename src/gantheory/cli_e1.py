"""E1 commands of `python -m gantheory`: prepare (hypergraphs, correlations, W1 certificates), target
(per target: Keras generator vs reference, moments, discriminators), outputs (figures, tables, claims)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gantheory.config import parse_settings  # noqa: E402


def _load_hypergraphs(path) -> dict:
    from gantheory.io import read_npz

    return read_npz(path)


def _load_table(path):
    import pandas as pd

    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cmd_prepare(args) -> None:
    from gantheory import io
    from gantheory.experiments import e1_prg

    hypergraphs, table, certificates = e1_prg.prepare(parse_settings(args.settings), args.seed)
    io.write_npz(args.hypergraphs, **hypergraphs)
    io.write_csv(args.table, table)
    io.write_csv(args.certificates, certificates)


def cmd_target(args) -> None:
    """Everything that needs the Keras generators of one target, in one TensorFlow process."""
    import time

    from gantheory import io, provenance
    from gantheory.experiments import e1_prg
    from gantheory.seeding import derive_seed, enable_tensorflow_determinism

    settings = parse_settings(args.settings)
    if args.target not in settings["targets"]:
        raise ValueError(f"--target {args.target!r} is not one of e1.targets {settings['targets']}")
    tf_seed = derive_seed(args.seed, "e1", args.target)
    enable_tensorflow_determinism(tf_seed, args.threads or 1)
    table, hypergraphs = _load_table(args.table), _load_hypergraphs(args.hypergraphs)
    start, cpu = time.perf_counter(), _cpu_seconds()
    mismatch, moments = e1_prg.check_generators(table, hypergraphs, settings, args.seed, [args.target])
    check_s = time.perf_counter() - start
    rows = e1_prg.run_discriminators(table, hypergraphs, args.target, settings, args.seed)
    timing = {
        "check_s": check_s,
        "train_s": float(rows.pop("train_s").iloc[0]),
        "eval_s": float(rows.pop("eval_s").iloc[0]),
        "wall_clock_s": time.perf_counter() - start,
        "cpu_s": _cpu_seconds() - cpu,
    }
    io.write_csv(args.mismatch, mismatch)
    io.write_csv(args.moments, moments)
    io.write_csv(args.discriminators, rows)
    provenance.write_run_record(
        args.provenance,
        experiment="E1",
        settings=settings,
        seed=args.seed,
        seeds={"tensorflow": tf_seed},
        threads=args.threads,
        target=args.target,
        **timing,
    )


def cmd_outputs(args) -> None:
    import pandas as pd

    from gantheory import claims, io
    from gantheory.experiments import e1_claims
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e1 as plots

    results = {
        "settings": parse_settings(args.settings),
        "hypergraphs": _load_table(args.table),
        "certificates": _load_table(args.certificates),
        "check": pd.concat([_load_table(p) for p in args.mismatch], ignore_index=True),
        "moments": pd.concat([_load_table(p) for p in args.moments], ignore_index=True),
        "discriminators": pd.concat([_load_table(p) for p in args.discriminators], ignore_index=True),
    }
    out = Path(args.out_dir)
    apply_style()
    nulls = [c for c in results["discriminators"]["cell"].unique() if c.startswith("null#")]
    order = list(results["hypergraphs"]["row"]) + sorted(nulls, key=lambda c: int(c.removeprefix("null#")))
    c = e1_claims
    z_lines = [
        (f"z = {c.Z_DETECT:g}: detected above (E1.4–E1.6)", [c.Z_DETECT]),
        (f"|z| = {c.Z_NULL:g}: null runs within (E1.4)", [-c.Z_NULL, c.Z_NULL]),
        (f"z = {c.STRONG_Z:g}: controls above (E1.5)", [c.STRONG_Z]),
    ]
    accuracy_lines = [
        (f"0.5 ± {c.ACCURACY_BAND:g}: clean rows within (E1.4)", [0.5 - c.ACCURACY_BAND, 0.5 + c.ACCURACY_BAND]),
        (f"{c.STRONG_ACCURACY:g}: controls above (E1.5)", [c.STRONG_ACCURACY]),
    ]
    save_figure(plots.z_heatmap(results["discriminators"], order, z_lines), out / "e1_z_heatmap.pdf")
    save_figure(
        plots.accuracy_heatmap(results["discriminators"], order, accuracy_lines), out / "e1_accuracy_heatmap.pdf"
    )
    w1 = e1_claims.w1_table(results)
    save_figure(plots.w1_bars(w1, c.W1_FACTOR), out / "e1_w1_bound.pdf")
    tables = e1_claims.output_tables(results, w1)
    for name, (frame, caption) in tables.items():
        write_table(frame, out / f"{name}.md", caption=caption)
    io.write_csv(args.claims, claims.rows_frame(claims.judge_claims(e1_claims.CLAIMS, results, args.profile)))


def register(sub) -> None:
    p = sub.add_parser("e1-prepare", help="E1: hypergraphs, exact correlation counts, W1 certificates (NumPy)")
    for name in ("settings", "hypergraphs", "table", "certificates"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser(
        "e1-target", help="E1, one target: Keras generator vs reference (E1.1), moments (E1.3), critics (E1.4-E1.6)"
    )
    for name in ("settings", "target", "hypergraphs", "table", "mismatch", "moments", "discriminators", "provenance"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_target)

    p = sub.add_parser("e1-outputs", help="E1 figures, tables and claims")
    for name in ("settings", "table", "certificates", "profile", "claims", "out-dir"):
        p.add_argument(f"--{name}", required=True)
    for name in ("mismatch", "moments", "discriminators"):
        p.add_argument(f"--{name}", nargs="+", required=True, help="one file per target")
    p.set_defaults(func=cmd_outputs)
