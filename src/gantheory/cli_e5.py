"""E5 commands of `python -m gantheory` (FSR data, real reference and floors, training, sparsity, outputs)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gantheory.config import parse_settings  # noqa: E402

LEVELS = 3  # L = 3 resolutions (docs/claims.md#e5)


def _fsr_settings(settings: dict) -> dict:
    from gantheory.data.fsr import level_sides

    spec = settings["fsr"]
    return {**spec, "sides": level_sides(spec["side"], LEVELS)}


def cmd_fsr_data(args) -> None:
    import numpy as np

    from gantheory.data import fsr
    from gantheory.data.store import save_dataset
    from gantheory.seeding import derive_seed

    settings = parse_settings(args.settings)
    spec = _fsr_settings(settings)
    truth = fsr.fsr_truth(spec, args.seed)
    side = spec["sides"][-1]
    arrays = {}
    for part, size in (("x", spec["train_size"]), ("heldout", spec["heldout_size"])):
        rng = np.random.default_rng(derive_seed(args.seed, "fsr", part))
        arrays[part] = fsr.sample_fsr(truth, spec, size, rng)["levels"][-1].reshape(size, side, side)
    meta = {"name": "fsr", "seed": args.seed, "settings": spec}
    save_dataset(args.out, arrays, meta)
    save_dataset(args.truth, truth, meta)


def _top_images(data: dict, dataset: str):
    """(training images, the real pool that references and floors come from), flattened."""
    x = data["x"].reshape(len(data["x"]), -1)
    pool = data["heldout"].reshape(len(data["heldout"]), -1) if dataset == "fsr" else x
    return x, pool


def cmd_reference(args) -> None:
    from gantheory import io
    from gantheory.data.store import load_dataset
    from gantheory.experiments.e5_reference import real_reference

    settings = parse_settings(args.settings)
    spec = _dataset_settings(settings, args.dataset)
    _, pool = _top_images(load_dataset(args.data), args.dataset)
    reference = real_reference(pool, LEVELS, spec["eval_samples"], settings["floor_repeats"], args.seed, args.dataset)
    io.write_json(args.out, reference)


def _dataset_settings(settings: dict, name: str) -> dict:
    if name not in settings["datasets"]:
        raise ValueError(f"dataset {name!r} is not in e5.datasets; expected one of {sorted(settings['datasets'])}")
    return settings["datasets"][name]


def cmd_train(args) -> None:
    import json

    import numpy as np

    from gantheory import io, provenance
    from gantheory.data.store import load_dataset
    from gantheory.experiments import e5_fsr as e5
    from gantheory.seeding import derive_seed, enable_tensorflow_determinism

    settings = parse_settings(args.settings)
    dataset = _dataset_settings(settings, args.dataset)
    if args.variant not in settings["variants"]:
        raise ValueError(
            f"variant {args.variant!r} is not in e5.variants; expected one of {sorted(settings['variants'])}"
        )
    run_seed = derive_seed(args.seed, "e5", args.dataset, args.variant)
    enable_tensorflow_determinism(run_seed, args.threads or 1)
    train, pool = _top_images(load_dataset(args.data), args.dataset)
    reference = json.loads(Path(args.reference).read_text(encoding="utf-8"))
    reference_top = pool[np.asarray(reference["reference_index"])]
    truth_atoms = None
    if args.truth:
        truth = load_dataset(args.truth)
        truth_atoms = [truth[f"W{level}"] for level in range(1, LEVELS + 1)]
    metrics, samples, atoms = e5.train_run(
        args.dataset,
        dataset,
        args.variant,
        settings["variants"][args.variant],
        settings["training"],
        settings["seeds"],
        args.seed,
        train,
        reference_top,
        reference,
        LEVELS,
        truth_atoms,
    )
    shown = np.linspace(0, len(reference_top) - 1, dataset["keep_samples"]).astype(int)  # spread: files may be sorted
    for level, real in enumerate(e5.decompositions(reference_top[shown], LEVELS)["level"], 1):
        samples[f"real_level{level}"] = real.astype(np.float32)
    io.write_csv(args.metrics, metrics)
    io.write_npz(args.samples, **samples)
    io.write_npz(args.dictionaries, **atoms)
    wall = float(metrics["wall_clock_s"].max())
    provenance.write_run_record(
        args.provenance,
        experiment="E5",
        settings=settings,
        seed=args.seed,
        seeds={"run": run_seed},  # K stacked seeds derive from it
        threads=args.threads,
        dataset=args.dataset,
        variant=args.variant,
        run_settings={
            "dataset": dataset,
            "training": settings["training"],
            "variant": settings["variants"][args.variant],
        },
        ema="Keras Adam use_ema: the average is updated inside every compiled step",
        wall_clock_s=wall,
        steps_per_second=dataset["steps"] / wall if wall > 0 else None,
    )


def cmd_sparsity(args) -> None:
    import pandas as pd

    from gantheory import io
    from gantheory.data.store import load_dataset
    from gantheory.experiments.e5_sparsity import band_sparsity

    settings = parse_settings(args.settings)
    frames = []
    for name, path in zip(args.names, args.data, strict=True):
        _, pool = _top_images(load_dataset(path), name)
        frames.append(band_sparsity(name, pool, LEVELS, settings["sparsity"], args.seed))
    io.write_csv(args.out, pd.concat(frames, ignore_index=True))


def cmd_outputs(args) -> None:
    import json

    import numpy as np
    import pandas as pd

    from gantheory import claims, io
    from gantheory.data.fsr import expected_density
    from gantheory.experiments import e5_claims
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e5 as plots

    settings = parse_settings(args.settings)
    train = pd.concat([pd.read_csv(p) for p in args.metrics], ignore_index=True)
    references = [json.loads(Path(p).read_text(encoding="utf-8")) for p in args.references]
    results = {
        "settings": settings,
        "train": train,
        "floors": e5_claims.floors_frame(references),
        "sparsity": pd.read_csv(args.sparsity),
    }
    samples = {}
    for path in args.samples:
        dataset, variant = Path(path).parent.parent.name, Path(path).parent.name
        with np.load(path) as data:
            samples[(dataset, variant)] = {k: data[k] for k in data.files}
    out = Path(args.out_dir)
    apply_style()
    save_figure(
        plots.distance_curves(train, results["floors"], "level", e5_claims.FLOOR_MULTIPLE), out / "e5_level_curves.pdf"
    )
    save_figure(
        plots.distance_curves(train, results["floors"], "band", e5_claims.FLOOR_MULTIPLE), out / "e5_band_curves.pdf"
    )
    save_figure(plots.pyramids(samples), out / "e5_pyramids.pdf")
    write_table(
        e5_claims.final_table(results).round(4),
        out / "e5_final.md",
        caption="E5 final distances (median over seeds of the median of the last 5 evaluations) against each "
        "sampling floor; heads are the generator's outputs per level, top bands decompose its top-level image.",
    )
    spec = _fsr_settings(settings)
    density = {level: expected_density(spec, level) for level in range(1, LEVELS + 1)}
    write_table(
        e5_claims.dictionary_table(results, density).round(4),
        out / "e5_dictionary.md",
        caption="E5 synthetic FSR: Hungarian-matched mean |cosine| between learned and true atoms, and code densities.",
    )
    write_table(
        results["sparsity"].round(4),
        out / "e5_sparsity.md",
        caption="E5.5: sparse dictionary fits of each detail band on 4x4 patches (judged) and whole bands (v1): "
        "held-out explained variance with <= 3 atoms, the same on Gaussian surrogates (null, spread over draws), "
        "and the ROC AUC of predicting the active atoms from the coarser level (chance: shuffled pairs).",
    )
    io.write_csv(Path(args.timing_dir) / "e5_wallclock.csv", e5_claims.timing_table(train))
    io.write_csv(args.claims, claims.rows_frame(claims.judge_claims(e5_claims.CLAIMS, results, args.profile)))


def register(sub) -> None:
    p = sub.add_parser("e5-fsr-data", help="E5: sample the synthetic FSR distribution, save it and its ground truth")
    for name in ("settings", "out", "truth"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_fsr_data)

    p = sub.add_parser("e5-reference", help="E5: real reference sample, kernel bandwidths and sampling floors")
    for name in ("dataset", "settings", "data", "out"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_reference)

    p = sub.add_parser("e5-train", help="E5: train one (dataset, critic variant) for every seed at once")
    for name in ("dataset", "variant", "settings", "data", "reference", "metrics", "samples", "dictionaries"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--provenance", required=True)
    p.add_argument("--truth", help="ground-truth dictionaries (.npz) of the synthetic FSR distribution")
    p.add_argument("--seed", type=int, required=True)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("e5-sparsity", help="E5.5: sparse dictionary fits of the detail bands of each dataset")
    p.add_argument("--settings", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--names", nargs="+", required=True)
    p.add_argument("--data", nargs="+", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_sparsity)

    p = sub.add_parser("e5-outputs", help="E5 figures, tables and claims")
    for name in ("settings", "sparsity", "profile", "claims", "out-dir", "timing-dir"):
        p.add_argument(f"--{name}", required=True)
    for name in ("metrics", "samples", "references"):
        p.add_argument(f"--{name}", nargs="+", required=True)
    p.set_defaults(func=cmd_outputs)
