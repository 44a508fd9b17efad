"""The workflow's names and the settings each job gets: what the rules and the tests import (outputs a reader
looks at are declared in workflow/lib/outputs.py)."""

from __future__ import annotations

import json
import shlex

from workflow.lib.outputs import figure_names

E2_GENERATORS = ["particles", "mlp"]  # one e2_train job per generator kind (every family inside it)
E3_FAMILIES = ["optimal", "first_order", "ttur"]
E5_SPARSITY_DATASETS = ["fsr", "digits", "mnist"]  # E5.5 fits every one; E5 trains those with variants
EXPERIMENTS = ["E1", "E2", "E3", "E4", "E5"]
FIGURES = [name for e in EXPERIMENTS for name in figure_names(e, "figure")]  # declared in workflow/lib/outputs.py
TABLES = [name for e in EXPERIMENTS for name in figure_names(e, "table")]
FIGURE_FORMATS = ("pdf", "png")
TABLE_FORMATS = ("md", "tex", "csv")


def figure_files() -> list[str]:
    """Every file the manifest covers: figures (PDF+PNG), tables (md/tex/csv), the claims table."""
    files = [f"figures/{name}.{ext}" for name in FIGURES for ext in FIGURE_FORMATS]
    files += [f"figures/{name}.{ext}" for name in TABLES for ext in TABLE_FORMATS]
    return files + ["figures/claims.md", "figures/claims.csv"]


def section_json(config: dict, section: str) -> str:
    """A config section as one-line JSON, handed to the library through a rule's `params:`."""
    return json.dumps(config[section], sort_keys=True, separators=(",", ":"))


E1_STEP_KEYS = {  # what each E1 step reads of config section e1 (the library checks the same lists)
    "prepare": ["certificate", "clean_max_draws", "cube_noise", "draws", "generators", "rows", "stretch", "targets"],
    "target": ["check", "cube_noise", "discriminators", "magnitude_cap", "moments", "ramp_width"],
    "power": ["cube_noise", "discriminators", "magnitude_cap", "power_curve", "ramp_width"],
}


E1_UNREAD = {"power": {"discriminators": ["null_repeats", "steps"]}}  # keys of a passed key the step never reads


def e1_settings(config: dict, step: str) -> str:
    """What one E1 job reads, as one-line JSON: its step's keys of `e1`, less what it never reads (a critic
    budget edit re-runs the targets, not the hypergraphs or the power curve; e1_outputs reads no config key)."""
    settings = {key: config["e1"][key] for key in E1_STEP_KEYS[step]}
    for key, unread in E1_UNREAD.get(step, {}).items():
        settings[key] = {k: v for k, v in settings[key].items() if k not in unread}
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


E2_STEP_KEYS = {  # what each E2 step reads of config section e2 (the library checks the same lists)
    "exact": ["bandwidth_factor", "exact", "floor_repeats", "particles", "targets"],
    "train": ["bandwidth_factor", "eval_samples", "families", "floor_repeats", "generators", "init", "moment_orders",
              "particles", "seeds", "targets"],
    "outputs": ["families", "moment_orders", "targets"],
}  # fmt: skip


def e2_settings(config: dict, step: str, generator: str | None = None) -> str:
    """What one E2 job reads, as one-line JSON: its step's keys of `e2`, and of `e2.generators` only its
    own generator's entry (tuning the MLP must not retrain the particles)."""
    settings = {key: config["e2"][key] for key in E2_STEP_KEYS[step]}
    if generator is not None:
        settings["generators"] = {generator: config["e2"]["generators"][generator]}
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def e4_train_settings(config: dict, dataset: str, variant: str) -> str:
    """What one e4_train job reads, as one-line JSON: the dataset's entry without its variant list (adding
    a variant must not retrain the others), the variant's entry, and how many seeds are stacked."""
    spec = {k: v for k, v in config["e4"]["datasets"][dataset].items() if k != "variants"}
    settings = {"dataset": spec, "variant": config["e4"]["variants"][variant], "seeds": config["e4"]["seeds"]}
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def e5_train_settings(config: dict, dataset: str, variant: str) -> str:
    """What one e5_train job reads, as one-line JSON: its dataset's entry without the variant list and the
    reference size (e5_reference reads that), its variant's entry, the shared training settings and how many
    seeds are stacked."""
    e5 = config["e5"]
    spec = {k: v for k, v in e5["datasets"][dataset].items() if k not in ("variants", "eval_samples")}
    settings = {"dataset": spec, "variant": e5["variants"][variant], "training": e5["training"], "seeds": e5["seeds"]}
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def e5_outputs_settings(config: dict) -> str:
    """What e5_outputs reads of `e5`: the synthetic distribution and the width of its learned dictionaries
    (E5.4 compares the top width with the true atom count), in the section's own shape."""
    e5 = config["e5"]
    widths = {"fsr": {"code_widths": e5["datasets"]["fsr"]["code_widths"]}} if "fsr" in e5["datasets"] else {}
    return json.dumps({"fsr": e5["fsr"], "datasets": widths}, sort_keys=True, separators=(",", ":"))


def e4_runs(config: dict) -> list[tuple[str, str]]:
    """Every (dataset, variant) E4 trains, in config order."""
    return [(d, v) for d, spec in config["e4"]["datasets"].items() for v in spec["variants"]]


def e4_image_datasets(config: dict) -> list[str]:
    return [d for d in config["e4"]["datasets"] if d in IMAGE_DATASETS]


IMAGE_DATASETS = ("digits", "mnist")


def e4_classifier_input(wildcards) -> list[str]:
    """An e4_train job needs the FD classifier only for image datasets."""
    return [f"results/e4/classifier/{wildcards.dataset}.npz"] if wildcards.dataset in IMAGE_DATASETS else []


def e4_classifier_flag(wildcards, input) -> str:
    return f"--classifier {shlex.quote(str(input.classifier))}" if input.classifier else ""


def run_records(config: dict) -> list[str]:
    """Per-run records that are never committed: asking for them makes a fresh clone (which has the
    committed figures/ but no results/) rerun every experiment instead of finding nothing to do."""
    records = [f"results/e1/{target}/provenance.json" for target in e1_targets(config)]
    records += [f"results/e2/train/{generator}/provenance.json" for generator in E2_GENERATORS]
    records += [f"results/e3/{family}/provenance.json" for family in E3_FAMILIES]
    records += [f"results/e4/train/{d}/{v}/provenance.json" for d, v in e4_runs(config)]
    records += [f"results/claims/{experiment}.csv" for experiment in EXPERIMENTS]
    records += e5_run_records(config)
    return records + ["results/e4/timing/e4_wallclock.csv"]


def e1_targets(config: dict) -> list[str]:
    """The E1 targets; one discriminator job each."""
    return list(config["e1"]["targets"])


def e5_runs(config: dict) -> list[tuple[str, str]]:
    """Every (dataset, critic variant) E5 trains, in config order (a dataset with no variants is not trained)."""
    return [(d, v) for d, spec in config["e5"]["datasets"].items() for v in spec["variants"]]


def e5_trained_datasets(config: dict) -> list[str]:
    return list(dict.fromkeys(d for d, _ in e5_runs(config)))


def e5_data_path(dataset: str) -> str:
    """The synthetic FSR sample is E5's own; digits and MNIST are the files e4_dataset builds."""
    return "results/e5/data/fsr.npz" if dataset == "fsr" else f"results/data/{dataset}.npz"


def e5_data_input(wildcards) -> str:
    return e5_data_path(wildcards.dataset)


def e5_truth_input(wildcards) -> list[str]:
    """Only the synthetic runs measure dictionary recovery against the ground truth."""
    return ["results/e5/data/fsr_truth.npz"] if wildcards.dataset == "fsr" else []


def e5_truth_flag(wildcards, input) -> str:
    return f"--truth {shlex.quote(str(input.truth))}" if input.truth else ""


def e5_run_records(config: dict) -> list[str]:
    """Per-run records never committed (see run_records): provenance of each E5 run and the timing table."""
    records = [f"results/e5/train/{d}/{v}/provenance.json" for d, v in e5_runs(config)]
    return records + ["results/e5/timing/e5_wallclock.csv"]
