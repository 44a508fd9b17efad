"""`python -m gantheory <command>`: the entry points that Snakemake rules call (and people can too)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gantheory.config import parse_settings


def cmd_e3_simulate(args) -> None:
    from gantheory import io, provenance
    from gantheory.experiments import e3_dynamics as e3
    from gantheory.seeding import derive_seed

    settings = parse_settings(args.settings)
    runs, curves, examples = e3.run_family(args.family, settings, args.seed)
    io.write_csv(args.runs, runs)
    io.write_csv(args.curves, curves)
    io.write_npz(args.examples, **examples)
    provenance.write_run_record(
        args.provenance,
        experiment="E3",
        settings=settings,
        seed=args.seed,
        seeds={"initialisations": derive_seed(args.seed, "e3", "initialisations")},
        threads=args.threads,
        family=args.family,
        wall_clock_s=float(runs.drop_duplicates(["wall_clock_s", "batch_size"])["wall_clock_s"].sum()),
    )


def _e3_results(args) -> dict:
    import pandas as pd

    results = {"settings": parse_settings(args.settings)}
    for family, path in (("optimal", args.optimal), ("first_order", args.first_order), ("ttur", args.ttur)):
        results[family] = pd.read_csv(path)
    return results


def cmd_e3_figures(args) -> None:
    import numpy as np
    import pandas as pd

    from gantheory.experiments import e3_dynamics as e3
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e3 as plots

    apply_style()
    results = _e3_results(args)
    main = results["settings"]["main_step_size"]
    out = Path(args.out_dir)
    save_figure(plots.success_heatmap(results["optimal"], results["first_order"]), out / "e3_success_heatmap.pdf")
    optimal_success = e3._main(results["optimal"], results["settings"])["converged"].mean()
    save_figure(plots.ttur_curves(results["ttur"], optimal_success), out / "e3_ttur.pdf")
    examples = {}
    for path in args.examples:
        with np.load(path) as data:
            examples.update({k: data[k] for k in data.files})
    variants = [f"optimal lr={main:g}", f"sim k=1 lr={main:g} init=random", f"alt k=5 lr={main:g} init=random"]
    variants = [v for v in variants if f"{v}::mu_path" in examples]
    save_figure(plots.trajectories(examples, variants), out / "e3_trajectories.pdf")
    curves = pd.concat([pd.read_csv(p) for p in args.curves])
    save_figure(plots.tv_curves(curves, variants), out / "e3_tv_curves.pdf")
    write_table(
        e3.outcome_table(results).round(2),
        out / "e3_outcomes.md",
        caption=f"E3 outcomes (% of runs) at step size η = {main:g}.",
    )


def cmd_e3_claims(args) -> None:
    from gantheory import claims, io
    from gantheory.experiments import e3_dynamics as e3

    rows = claims.judge_claims(e3.CLAIMS, _e3_results(args), args.profile)
    io.write_csv(args.out, claims.rows_frame(rows))


def cmd_claims_table(args) -> None:
    import pandas as pd

    from gantheory import claims

    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in args.inputs]
    claims.write_claims_table(frames, args.md, args.csv, args.profile)


def cmd_manifest(args) -> None:
    from gantheory import manifest

    if args.action == "write":
        manifest.write_manifest(args.manifest, args.files)
        return
    problems = manifest.verify(args.manifest, args.root)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(f"{len(problems)} file(s) differ from {args.manifest}")
    print(f"all files under {args.root or Path(args.manifest).parent} match {args.manifest}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gantheory", description=__doc__)
    parser.add_argument("--threads", type=int, help="BLAS/OpenMP/TensorFlow threads (config key `threads`)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("e3-simulate", help="run one E3 family of dynamics")
    p.add_argument("--family", required=True, choices=["optimal", "first_order", "ttur"])
    p.add_argument("--settings", required=True, help="the config's e3 section as JSON")
    p.add_argument("--seed", required=True, type=int)
    for name in ("runs", "curves", "examples", "provenance"):
        p.add_argument(f"--{name}", required=True)
    p.set_defaults(func=cmd_e3_simulate)

    for name, func, helptext in (
        ("e3-figures", cmd_e3_figures, "E3 figures and outcome table"),
        ("e3-claims", cmd_e3_claims, "judge E3.1–E3.5"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--settings", required=True)
        for family in ("optimal", "first-order", "ttur"):
            p.add_argument(f"--{family}", required=True, help=f"runs CSV of the {family} family")
        if name == "e3-figures":
            p.add_argument("--curves", nargs="+", required=True)
            p.add_argument("--examples", nargs="+", required=True)
            p.add_argument("--out-dir", required=True)
        else:
            p.add_argument("--profile", required=True)
            p.add_argument("--out", required=True)
        p.set_defaults(func=func)

    p = sub.add_parser("claims-table", help="merge per-experiment claim rows into claims.md/.csv")
    p.add_argument("--profile", required=True)
    p.add_argument("--md", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("inputs", nargs="+")
    p.set_defaults(func=cmd_claims_table)

    p = sub.add_parser("manifest", help="write or verify a SHA-256 manifest")
    p.add_argument("action", choices=["write", "verify"])
    p.add_argument("manifest")
    p.add_argument("files", nargs="*", help="files to list (write)")
    p.add_argument("--root", help="folder to check (verify; default: the manifest's folder)")
    p.set_defaults(func=cmd_manifest)
    from gantheory import cli_e1, cli_e2, cli_e4, cli_e5

    for experiment in (cli_e1, cli_e2, cli_e4, cli_e5):
        experiment.register(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.threads is not None:
        from gantheory.seeding import fix_threads

        fix_threads(args.threads)  # before NumPy/TensorFlow create their thread pools
    try:
        args.func(args)
    except (ValueError, OSError) as err:  # bad input (config, files, checkpoints): one message, exit 2
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
