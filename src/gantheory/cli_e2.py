"""E2 commands of `python -m gantheory` (exact checks and floors, training per generator kind, outputs)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gantheory.config import parse_settings  # noqa: E402


def _settings(text: str) -> dict:
    from gantheory.experiments.e2_exact import check_settings

    return check_settings(parse_settings(text))


def cmd_exact(args) -> None:
    from gantheory import io
    from gantheory.experiments import e2_exact as exact

    settings = _settings(args.settings)
    io.write_csv(
        args.gauss_hermite, exact.gauss_hermite_table(settings["exact"]["gauss_hermite"], settings["bandwidth_factor"])
    )
    io.write_csv(args.dirac, exact.dirac_sequence(settings["exact"]["dirac_max"]))
    floors = exact.sampling_floors(
        exact.targets_of(settings), settings["particles"], settings["floor_repeats"], args.seed
    )
    io.write_csv(args.floors, floors)


def cmd_train(args) -> None:
    from gantheory import io, provenance
    from gantheory.experiments import e2_moments as e2
    from gantheory.seeding import derive_seed, enable_tensorflow_determinism

    settings = _settings(args.settings)
    tf_seed = derive_seed(args.seed, "e2", args.generator)
    enable_tensorflow_determinism(tf_seed, args.threads or 1)
    metrics, points, seconds = e2.train_generator(args.generator, settings, args.seed, args.families)
    io.write_csv(args.metrics, metrics)
    io.write_npz(args.samples, **points)
    provenance.write_run_record(
        args.provenance,
        experiment="E2",
        settings=settings,
        seed=args.seed,
        seeds={
            "tensorflow": tf_seed,
            **{f"family {name}": derive_seed(args.seed, "e2", name, args.generator) for name in seconds},
        },
        threads=args.threads,
        generator=args.generator,
        wall_clock_s=seconds,
    )


def cmd_outputs(args) -> None:
    import numpy as np
    import pandas as pd

    from gantheory import claims
    from gantheory import io as gio
    from gantheory.experiments import e2_claims
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e2 as plots

    settings = _settings(args.settings)
    results = {
        "settings": settings,
        "metrics": pd.concat([pd.read_csv(p) for p in args.metrics], ignore_index=True),
        "floors": pd.read_csv(args.floors),
        "gauss_hermite": pd.read_csv(args.gauss_hermite),
        "dirac": pd.read_csv(args.dirac),
    }
    points = {}
    for path in args.samples:
        with np.load(path) as data:
            points.update({k: data[k] for k in data.files})
    out = Path(args.out_dir)
    apply_style()
    floors = e2_claims.floors_of(results)
    save_figure(plots.densities(points, results["metrics"], settings), out / "e2_densities.pdf")
    save_figure(plots.trajectories(results["metrics"], floors, settings), out / "e2_trajectories.pdf")
    save_figure(plots.exact_checks(results["dirac"], results["gauss_hermite"]), out / "e2_topology.pdf")
    write_table(
        e2_claims.moment_gap_table(results).round(4),
        out / "e2_moment_gaps.md",
        caption="E2 at the end of training (medians over seeds): moment gaps |Δm_j|/sd_j, the family's own "
        "divergence d_F, MMD (median-heuristic bandwidth), W1 and W1 over the sampling floor.",
    )
    write_table(
        results["gauss_hermite"],
        out / "e2_gauss_hermite.md",
        caption="E2.1: the q-point Gauss–Hermite measure against N(0, 1), computed exactly.",
    )
    rows = claims.judge_claims(e2_claims.CLAIMS, results, args.profile)
    gio.write_csv(args.claims, claims.rows_frame(rows))


def register(sub) -> None:
    p = sub.add_parser("e2-exact", help="E2.1 Gauss–Hermite table, E2.5 Dirac sequence, W1 sampling floors")
    for name in ("settings", "gauss-hermite", "dirac", "floors"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_exact)

    p = sub.add_parser("e2-train", help="train every E2 family against one generator kind (all seeds stacked)")
    p.add_argument("--generator", required=True, choices=["particles", "mlp"])
    p.add_argument("--families", nargs="+", help="only these families of e2.families (default: all)")
    for name in ("settings", "metrics", "samples", "provenance"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("e2-outputs", help="E2 figures, tables and claims E2.1–E2.5")
    for name in ("settings", "gauss-hermite", "dirac", "floors", "profile", "claims", "out-dir"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--metrics", nargs="+", required=True)
    p.add_argument("--samples", nargs="+", required=True)
    p.set_defaults(func=cmd_outputs)
