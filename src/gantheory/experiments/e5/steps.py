"""E5's steps, one per rule: sample the synthetic data, fix the references, train, fit sparsity, outputs.

Each takes plain values and explicit file paths (the rule's inputs and outputs) and only the part of
config section `e5` it reads. The root seed enters here and the run seed of a training job is derived
once, in `train`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

LEVELS = 3  # L = 3 resolutions (docs/claims.md#e5)
DATASETS = ("fsr", "digits", "mnist")  # the synthetic distribution, then the real images E4 builds
TRAIN_KEYS = {  # what `train` must find in its settings (and, if given, dataset.dense_evaluations)
    "dataset": ["steps", "evaluations", "code_widths", "noise_dims", "hidden", "keep_samples"],
    "variant": ["critics"],
    "training": ["rule", "lr_d", "lr_g", "beta_1", "beta_2", "gp_weight", "ema_decay", "batch_size", "critic_widths"],
}


def check_train_settings(settings: dict, dataset: str, variant: str) -> None:
    """Name the first config key a training job reads and its settings lack."""
    where = {"dataset": f"e5.datasets.{dataset}", "variant": f"e5.variants.{variant}", "training": "e5.training"}
    for part, keys in TRAIN_KEYS.items():
        if part not in settings:
            raise ValueError(f"config key '{where[part]}' is missing (e5-train reads it)")
        for key in keys:
            if key not in settings[part]:
                raise ValueError(f"config key '{where[part]}.{key}' is missing (e5-train reads it)")
    if "seeds" not in settings:
        raise ValueError("config key 'e5.seeds' is missing (e5-train reads it)")


def fsr_spec(fsr: dict) -> dict:
    """Config key e5.fsr with the side of every level added (what the sampler and the densities read)."""
    from gantheory.data.fsr import level_sides

    return {**fsr, "sides": level_sides(fsr["side"], LEVELS)}


def top_images(data: dict, dataset: str):
    """(training images, the real pool that references and floors come from), flattened."""
    x = data["x"].reshape(len(data["x"]), -1)
    pool = data["heldout"].reshape(len(data["heldout"]), -1) if dataset == "fsr" else x
    return x, pool


def fsr_data(settings: dict, seed: int, out, truth) -> None:
    """The synthetic FSR training set and held-out pool (`out`) and its ground truth (`truth`), checksummed.
    `settings`: config key e5.fsr."""
    import numpy as np

    from gantheory.data import fsr
    from gantheory.data.store import save_dataset
    from gantheory.seeding import derive_seed

    spec = fsr_spec(settings)
    ground_truth = fsr.fsr_truth(spec, seed)
    side = spec["sides"][-1]
    arrays = {}
    for part, size in (("x", spec["train_size"]), ("heldout", spec["heldout_size"])):
        rng = np.random.default_rng(derive_seed(seed, "fsr", part))
        arrays[part] = fsr.sample_fsr(ground_truth, spec, size, rng)["levels"][-1].reshape(size, side, side)
    meta = {"name": "fsr", "seed": seed, "settings": spec}
    save_dataset(out, arrays, meta)
    save_dataset(truth, ground_truth, meta)


def reference(dataset: str, eval_samples: int, floor_repeats: int, seed: int, data, out) -> None:
    """A fixed real reference sample of `eval_samples` images, kernel bandwidths and every sampling floor."""
    from gantheory import io
    from gantheory.data.store import load_dataset
    from gantheory.experiments.e5.reference import real_reference

    _, pool = top_images(load_dataset(data), dataset)
    io.write_json(out, real_reference(pool, LEVELS, eval_samples, floor_repeats, seed, dataset))


def train(
    dataset: str,
    variant: str,
    settings: dict,
    seed: int,
    data,
    reference,
    metrics,
    samples,
    dictionaries,
    provenance,
    truth=None,
    checkpoint=None,
    threads=None,
) -> None:
    """One (dataset, critic variant), every seed stacked → metrics.csv, samples, dictionaries, run record.
    `settings`: {dataset: its e5.datasets entry without `variants` and `eval_samples`, variant: its e5.variants
    entry, training, seeds}; with `checkpoint`, a killed run started again resumes from its last evaluation
    (the checkpoint goes once the outputs are written)."""
    import numpy as np

    from gantheory import io
    from gantheory import provenance as records
    from gantheory.backend import enable_determinism
    from gantheory.data.store import load_dataset
    from gantheory.experiments.e5.reference import decompositions
    from gantheory.experiments.e5.training import train_run
    from gantheory.seeding import derive_seed

    check_train_settings(settings, dataset, variant)
    spec = settings["dataset"]
    run_seed = derive_seed(seed, "e5", dataset, variant)
    enable_determinism(run_seed, threads or 1)
    train_top, pool = top_images(load_dataset(data), dataset)
    real = json.loads(Path(reference).read_text(encoding="utf-8"))
    reference_top = pool[np.asarray(real["reference_index"])]
    truth_atoms = None
    if truth:
        ground_truth = load_dataset(truth)
        truth_atoms = [ground_truth[f"W{level}"] for level in range(1, LEVELS + 1)]
    rows, generated, atoms = train_run(
        dataset,
        spec,
        variant,
        settings["variant"],
        settings["training"],
        settings["seeds"],
        run_seed,
        train_top,
        reference_top,
        real,
        LEVELS,
        truth_atoms,
        checkpoint,
    )
    shown = np.linspace(0, len(reference_top) - 1, spec["keep_samples"]).astype(int)  # spread: files may be sorted
    for level, image in enumerate(decompositions(reference_top[shown], LEVELS)["level"], 1):
        generated[f"real_level{level}"] = image.astype(np.float32)
    io.write_csv(metrics, rows)
    io.write_npz(samples, **generated)
    io.write_npz(dictionaries, **atoms)
    wall = float(rows["wall_clock_s"].max())
    records.write_run_record(
        provenance,
        experiment="E5",
        settings=settings,
        seed=seed,
        seeds={"run": run_seed},  # K stacked seeds derive from it
        threads=threads,
        dataset=dataset,
        variant=variant,
        ema="Keras Adam use_ema: the average is updated inside every compiled step",
        wall_clock_s=wall,
        steps_per_second=spec["steps"] / wall if wall > 0 else None,
    )
    if checkpoint is not None:  # left complete by the run: the outputs exist, so it goes
        Path(checkpoint).unlink(missing_ok=True)


def sparsity(settings: dict, seed: int, names: list, data: list, truth, out, ceiling) -> None:
    """E5.5's dictionary fits of every dataset's detail bands → one CSV (`out`), and E5.4's ceiling: the same
    kind of fit on the synthetic FSR's held-out detail bands, matched to its true atoms (`ceiling`, a CSV).
    `settings`: config key e5.sparsity; `truth`: the FSR ground truth (e5-fsr-data)."""
    import pandas as pd

    from gantheory import io
    from gantheory.data.store import load_dataset
    from gantheory.experiments.e5.ceiling import dictionary_ceiling
    from gantheory.experiments.e5.sparsity import band_sparsity

    if "fsr" not in names:
        raise ValueError(f"e5-sparsity needs the synthetic 'fsr' among --names (E5.4's ceiling), got {names}")
    frames, pools = [], {}
    for name, path in zip(names, data, strict=True):
        _, pools[name] = top_images(load_dataset(path), name)
        frames.append(band_sparsity(name, pools[name], LEVELS, settings, seed))
    io.write_csv(out, pd.concat(frames, ignore_index=True))
    ground_truth = load_dataset(truth)
    atoms = [ground_truth[f"W{level}"] for level in range(1, LEVELS + 1)]
    io.write_csv(ceiling, dictionary_ceiling(pools["fsr"], atoms, settings, seed))


def outputs(
    settings: dict,
    sparsity,
    ceiling,
    metrics: list,
    samples: list,
    references: list,
    profile: str,
    claims,
    level_curves,
    band_curves,
    dictionary_curves,
    pyramids,
    final_table,
    dictionary_table,
    sparsity_table,
    timing,
) -> None:
    """Curves and pyramids (PDF + PNG), the final, dictionary and sparsity tables (Markdown + LaTeX + CSV),
    the wall-clock table and the claims CSV, each at the path given. `settings`: config keys e5.fsr and
    e5.datasets.fsr.code_widths (what E5.4 and the dictionary table read); `ceiling`: E5.4's
    dictionary-learning ceiling (e5-sparsity), read, never recomputed."""
    import pandas as pd

    from gantheory import claims as judging
    from gantheory import io
    from gantheory.data.fsr import expected_density
    from gantheory.experiments.e5 import tables
    from gantheory.experiments.e5.claims import CLAIMS, DICTIONARY_MATCH, FLOOR_MULTIPLE, floors_frame
    from gantheory.plotting import apply_style, save_figure, write_table
    from gantheory.plotting import e5 as plots

    train_rows = pd.concat([pd.read_csv(p) for p in metrics], ignore_index=True)
    loaded = [json.loads(Path(p).read_text(encoding="utf-8")) for p in references]
    results = {
        "settings": settings,
        "train": train_rows,
        "floors": floors_frame(loaded),
        "sparsity": pd.read_csv(sparsity),
        "ceiling": pd.read_csv(ceiling),
    }
    pictures = {(Path(p).parent.parent.name, Path(p).parent.name): io.read_npz(p) for p in samples}
    apply_style()
    save_figure(plots.distance_curves(train_rows, results["floors"], "level", FLOOR_MULTIPLE), level_curves)
    save_figure(plots.distance_curves(train_rows, results["floors"], "band", FLOOR_MULTIPLE), band_curves)
    top = dict(zip(results["ceiling"]["level"], results["ceiling"]["matched_cosine"], strict=True))
    save_figure(plots.dictionary_curves(train_rows, top, DICTIONARY_MATCH), dictionary_curves)
    save_figure(plots.pyramids(pictures), pyramids)
    write_table(
        tables.final_table(results).round(4),
        final_table,
        caption="E5 final distances (median over seeds of the median of the last 5 evaluations) against each "
        "sampling floor; heads are the generator's outputs per level, top bands decompose its top-level image.",
    )
    density = {level: expected_density(fsr_spec(settings["fsr"]), level) for level in range(1, LEVELS + 1)}
    write_table(
        tables.dictionary_table(results, density).round(4),
        dictionary_table,
        caption="E5 synthetic FSR: Hungarian-matched mean |cosine| between learned and true atoms (whole atoms; "
        "detail part = block-mean-free projection, E5.4, beside the ceiling sparse dictionary learning reaches on "
        "true samples of the band), and code densities.",
    )
    write_table(
        results["sparsity"].round(4),
        sparsity_table,
        caption="E5.5: sparse dictionary fits of each detail band on 4x4 patches (judged) and whole bands (v1): "
        "held-out explained variance with <= 3 atoms, the same on Gaussian surrogates (null, spread over draws), "
        "and the ROC AUC of predicting the active atoms from the coarser level (chance: shuffled pairs).",
    )
    io.write_csv(timing, tables.timing_table(train_rows))
    io.write_csv(claims, judging.rows_frame(judging.judge_claims(CLAIMS, results, profile)))
