"""E4 commands of `python -m gantheory` (datasets, classifier, saddle toy, FD checks, training, outputs)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gantheory.config import parse_settings  # noqa: E402


def cmd_dataset(args) -> None:
    from gantheory.data.store import build_dataset, save_dataset

    arrays = build_dataset(args.name, args.size, args.seed)
    save_dataset(args.out, arrays, {"name": args.name, "size": args.size, "seed": args.seed})


def cmd_classifier(args) -> None:
    from gantheory import io
    from gantheory.data.store import load_dataset
    from gantheory.models.classifier import train_classifier

    data = load_dataset(args.data)
    settings = {**parse_settings(args.settings), "threads": args.threads or 1}
    result = train_classifier(data["x"], data["y"], settings, args.seed, label=f"E4 classifier {Path(args.data).stem}")
    io.write_npz(args.out, **result["weights"])
    io.write_json(args.info, {k: v for k, v in result.items() if k != "weights"})


def cmd_saddle(args) -> None:
    from gantheory import io
    from gantheory.experiments.e4_saddle import simulate_saddle

    runs, paths = simulate_saddle(parse_settings(args.settings), args.seed)
    io.write_csv(args.out, runs)
    io.write_npz(args.paths, **paths)


def cmd_fd_checks(args) -> None:
    import numpy as np
    import pandas as pd

    from gantheory import io
    from gantheory.data.disturbances import DISTURBANCES
    from gantheory.data.store import load_dataset
    from gantheory.experiments import e4_fd_checks as checks

    settings = parse_settings(args.settings)
    frames = [checks.gaussian_pairs(settings, args.seed)]
    for name, data_path, weights_path in zip(args.names, args.data, args.classifier, strict=True):
        data = load_dataset(data_path)
        with np.load(weights_path) as w:
            weights = {k: w[k] for k in w.files}
        frames.append(checks.real_data_checks(name, data["x"], data["y"], weights, settings, args.seed, DISTURBANCES))
    io.write_csv(args.out, pd.concat(frames, ignore_index=True))


def cmd_train(args) -> None:
    import numpy as np

    from gantheory import io, provenance
    from gantheory.data.store import build_dataset, load_dataset
    from gantheory.data.toys import mixture_modes
    from gantheory.experiments import e4_ttur as e4
    from gantheory.experiments.e4_fd_checks import real_halves
    from gantheory.models.classifier import classifier_features
    from gantheory.seeding import derive_seed, enable_tensorflow_determinism

    settings = parse_settings(args.settings)
    dataset = settings["datasets"][args.dataset]
    variant = settings["variants"][args.variant]
    run_seed = derive_seed(args.seed, "e4", args.dataset, args.variant)
    enable_tensorflow_determinism(run_seed, args.threads or 1)
    real = load_dataset(args.data)["x"]
    features, modes = None, None
    if dataset["kind"] == "image":
        with np.load(args.classifier) as w:
            weights = {k: w[k] for k in w.files}
        features = lambda x: classifier_features(weights, x)  # noqa: E731
        half_a, _ = real_halves(len(real), args.seed, args.dataset)
        reference = real[half_a]
        dataset = {**dataset, "eval_samples": len(half_a)}
    else:
        reference = build_dataset(args.dataset, dataset["eval_samples"], derive_seed(args.seed, "reference"))["x"]
        if args.dataset != "swissroll":
            modes = mixture_modes(args.dataset)
    metrics, samples, config = e4.train_run(
        args.dataset,
        dataset,
        args.variant,
        variant,
        settings["seeds"],
        args.seed,
        real,
        reference,
        features,
        modes,
        checkpoint_path=args.checkpoint,
    )
    io.write_csv(args.metrics, metrics)
    io.write_npz(args.samples, samples=samples)
    provenance.write_run_record(
        args.provenance,
        experiment="E4",
        settings=settings,
        seed=args.seed,
        seeds={"run": run_seed},  # K stacked seeds derive from it
        threads=args.threads,
        dataset=args.dataset,
        variant=args.variant,
        engine=config.__dict__,
        wall_clock_s=float(metrics["wall_clock_s"].max()),
    )


def register(sub) -> None:
    p = sub.add_parser("e4-dataset", help="build one dataset (.npz + SHA-256 sidecar)")
    p.add_argument("--name", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_dataset)

    p = sub.add_parser("e4-classifier", help="train the FD feature classifier of an image dataset")
    for name in ("data", "settings", "out", "info"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_classifier)

    p = sub.add_parser("e4-saddle", help="E4.1: the TTUR saddle toy")
    for name in ("settings", "out", "paths"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_saddle)

    p = sub.add_parser("e4-fd-checks", help="E4.2/E4.3: FD against analytic Gaussians, floors, disturbances")
    p.add_argument("--settings", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--names", nargs="+", required=True)
    p.add_argument("--data", nargs="+", required=True)
    p.add_argument("--classifier", nargs="+", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_fd_checks)

    p = sub.add_parser("e4-train", help="train one (dataset, variant) for every seed at once")
    for name in ("dataset", "variant", "settings", "data", "metrics", "samples", "provenance"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--classifier", help="classifier weights (.npz) for image datasets")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--checkpoint", help="resume from / save to this file (kept until the run completes)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("e4-outputs", help="E4 figures, tables and claims")
    for name in (
        "settings",
        "saddle",
        "saddle-paths",
        "fd-checks",
        "reference",
        "profile",
        "claims",
        "out-dir",
        "timing-dir",
    ):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--metrics", nargs="+", required=True)
    p.add_argument("--samples", nargs="+", required=True)
    p.set_defaults(func=cmd_outputs)


def _toy_truth(settings: dict) -> tuple[dict, dict]:
    """For the toy scatter: mode centres of the Gaussian mixtures, and the Swiss roll's noise-free spiral
    (sklearn's make_swiss_roll: t = 1.5π(1 + 2u), (t cos t, t sin t), here divided by 7.5 as in data.toys)."""
    import numpy as np

    from gantheory.data.toys import mixture_modes

    toys = [d for d, s in settings["datasets"].items() if s["kind"] == "toy"]
    modes = {}
    for dataset in toys:
        try:
            modes[dataset] = mixture_modes(dataset)[0]
        except ValueError:  # not a Gaussian mixture
            pass
    t = 1.5 * np.pi * (1 + 2 * np.linspace(0.0, 1.0, 400))
    curves = {"swissroll": np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / 7.5} if "swissroll" in toys else {}
    return modes, curves


def cmd_outputs(args) -> None:
    import numpy as np
    import pandas as pd

    from gantheory import claims, io
    from gantheory.config import load_yaml
    from gantheory.experiments import e4_fd_checks, e4_ttur
    from gantheory.experiments.e4_saddle import judge_e4_1
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e4 as plots

    settings = parse_settings(args.settings)
    train = pd.concat([pd.read_csv(p) for p in args.metrics], ignore_index=True)
    checks = pd.read_csv(args.fd_checks)
    floors = checks[checks["check"] == "floor"].set_index("item")["value"].to_dict()
    results = {
        "settings": settings,
        "train": train,
        "fd_checks": checks,
        "floors": floors,
        "saddle": pd.read_csv(args.saddle),
    }
    samples = {}
    for path in args.samples:
        dataset, variant = Path(path).parent.parent.name, Path(path).parent.name
        with np.load(path) as data:
            samples[(dataset, variant)] = data["samples"]
    out = Path(args.out_dir)
    apply_style()
    with np.load(args.saddle_paths) as paths:
        saddle_paths = {k: paths[k] for k in paths.files}
        saddle_spec = settings["saddle"]
        save_figure(
            plots.saddle(results["saddle"], saddle_paths, saddle_spec["threshold"], saddle_spec["hold"]),
            out / "e4_saddle.pdf",
        )
    save_figure(plots.fd_curves(train), out / "e4_fd_curves.pdf")
    timing = Path(args.timing_dir)
    save_figure(plots.fd_vs_wallclock(train), timing / "e4_fd_wallclock.pdf")
    io.write_csv(timing / "e4_wallclock.csv", e4_ttur.timing_table(train))
    save_figure(plots.fd_disturbances(checks), out / "e4_fd_disturbances.pdf")
    save_figure(plots.toy_scatter(samples, settings, *_toy_truth(settings)), out / "e4_toys.pdf")
    save_figure(plots.sample_grids(samples, settings), out / "e4_samples.pdf")
    reference = load_yaml(args.reference).get("E4", {})
    write_table(
        e4_ttur.final_table(results, reference).round(4),
        out / "e4_final.md",
        caption="E4 final metrics (median over seeds) at equal gradient-evaluation budgets, beside TTUR Table 1.",
    )
    claim_list = [
        claims.Claim(
            "E4.1",
            "E4",
            "TTUR settles the saddle toy fast; equal fast rates do not settle",
            "figures/e4_saddle.pdf",
            lambda r: judge_e4_1(r["saddle"]),
        ),
        *e4_fd_checks.CLAIMS_FD,
        *e4_ttur.CLAIMS_TRAINING,
    ]
    io.write_csv(args.claims, claims.rows_frame(claims.judge_claims(claim_list, results, args.profile)))
