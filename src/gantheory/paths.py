"""Names of every output a reader looks at, in one place (the rules and the tests import it)."""

from __future__ import annotations

import json

E3_FAMILIES = ["optimal", "first_order", "ttur"]
E3_FIGURES = ["e3_success_heatmap", "e3_ttur", "e3_trajectories", "e3_tv_curves"]
E3_TABLES = ["e3_outcomes"]
E4_FIGURES = ["e4_saddle", "e4_fd_curves", "e4_fd_disturbances", "e4_toys", "e4_samples"]
E4_TABLES = ["e4_final"]
EXPERIMENTS = ["E3", "E4"]
FIGURE_FORMATS = ("pdf", "png")
TABLE_FORMATS = ("md", "tex", "csv")


def figure_files() -> list[str]:
    """Every file the manifest covers: figures (PDF+PNG), tables (md/tex/csv), the claims table."""
    files = [f"figures/{name}.{ext}" for name in E3_FIGURES + E4_FIGURES for ext in FIGURE_FORMATS]
    files += [f"figures/{name}.{ext}" for name in E3_TABLES + E4_TABLES for ext in TABLE_FORMATS]
    return files + ["figures/claims.md", "figures/claims.csv"]


def section_json(config: dict, section: str) -> str:
    """A config section as one-line JSON, handed to the library through a rule's `params:`."""
    return json.dumps(config[section], sort_keys=True, separators=(",", ":"))


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
    return f"--classifier {input.classifier}" if input.classifier else ""


def run_records(config: dict) -> list[str]:
    """Per-run records that are never committed: asking for them makes a fresh clone (which has the
    committed figures/ but no results/) rerun every experiment instead of finding nothing to do."""
    records = [f"results/e3/{family}/provenance.json" for family in E3_FAMILIES]
    records += [f"results/e4/train/{d}/{v}/provenance.json" for d, v in e4_runs(config)]
    records += [f"results/claims/{experiment}.csv" for experiment in EXPERIMENTS]
    return records + ["results/e4/timing/e4_wallclock.csv"]
