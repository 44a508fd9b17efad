"""`python -m gantheory <command>`: the entry points that Snakemake rules call (and people can too).

The CLI only parses: `COMMANDS` is one table mapping each command's arguments onto a step function
(`module:function`, imported when the command runs, so E3 never loads TensorFlow). An argument's
name is the step's parameter name; `--settings` and `--*-settings` arrive as JSON objects, checked here.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from dataclasses import dataclass

from gantheory.config import parse_settings


def _required(help_text: str = "", **kwargs) -> dict:
    return dict(required=True, help=help_text, **kwargs)


SETTINGS = _required("the job's settings as a JSON object (the rule's params)")
SEED = _required("the root seed (config key `seed`)", type=int)
PROFILE = _required("the config profile (smoke, default, paper): some claims are judged only in some")
E3_RUNS = {f"--{name}": _required(f"runs.csv of the {name} family") for name in ("optimal", "first-order", "ttur")}
E3_MAIN = {"--main-step-size": _required("config key e3.main_step_size: E3.1–E3.4's step size", type=float)}
FIGURE, TABLE = " (.pdf; .png beside it)", " (.md; .tex and .csv beside it)"  # what an output flag's path names
CHECKPOINT = dict(help="resume from / save to this file (not an output: kept until the run completes)")


def _outputs(**described: str) -> dict:
    """Required output flags, `name="what it is"` → `--name` (underscores become dashes)."""
    return {f"--{name.replace('_', '-')}": _required(f"output: {text}") for name, text in described.items()}


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    step: str  # "module:function"
    arguments: dict  # flag -> argparse keyword arguments


COMMANDS = [
    Command(
        "e1-prepare",
        "E1: hypergraphs, exact correlation counts, W1 certificates (NumPy)",
        "gantheory.experiments.e1.steps:prepare",
        {
            "--settings": _required("JSON: what e1-prepare reads of config section e1"),
            "--seed": SEED,
            "--hypergraphs": _required("output: every row's hypergraph (.npz)"),
            "--table": _required("output: the rows with their exact correlation counts (.csv)"),
            "--certificates": _required("output: the W1 certificates (.csv)"),
        },
    ),
    Command(
        "e1-target",
        "E1, one target: Keras generator vs reference (E1.1), moments (E1.3), critics (E1.4–E1.6)",
        "gantheory.experiments.e1.steps:target",
        {
            "--target": _required("the target (a value of e1.targets)"),
            "--settings": _required("JSON: what e1-target reads of config section e1"),
            "--seed": SEED,
            "--hypergraphs": _required("the hypergraphs (.npz, e1-prepare)"),
            "--table": _required("the rows (.csv, e1-prepare)"),
            **{f"--{name}": _required(f"output: {name}") for name in ("mismatch", "moments", "discriminators")},
            "--provenance": _required("output: the run record (.json)"),
            "--checkpoint": CHECKPOINT,
        },
    ),
    Command(
        "e1-power",
        "E1.5, one target: the largest critic's held-out z against training steps (the budget's power curve)",
        "gantheory.experiments.e1.steps:power",
        {
            "--target": _required("the target (a value of e1.targets)"),
            "--settings": _required("JSON: what e1-power reads of config section e1"),
            "--seed": SEED,
            "--hypergraphs": _required("the hypergraphs (.npz, e1-prepare)"),
            "--table": _required("the rows (.csv, e1-prepare)"),
            "--curve": _required("output: the power curve (.csv)"),
        },
    ),
    Command(
        "e1-outputs",
        "E1 figures, tables and claims",
        "gantheory.experiments.e1.steps:outputs",
        {
            "--profile": PROFILE,
            "--table": _required("the rows (.csv, e1-prepare)"),
            "--certificates": _required("the W1 certificates (.csv, e1-prepare)"),
            **{f"--{name}": _required(f"every target's {name}.csv", nargs="+") for name in ("mismatch", "moments")},
            "--discriminators": _required("every target's discriminators.csv", nargs="+"),
            "--power": _required("every target's power_curve.csv (e1-power)", nargs="+"),
            **_outputs(
                claims="the claims CSV",
                z_heatmap="held-out z of every cell and size" + FIGURE,
                accuracy_heatmap="classifier accuracy of every cell and size" + FIGURE,
                w1_bound="certified W1 bounds vs the critics' limits" + FIGURE,
                power_curve="held-out z of the weak control and the clean rows against critic steps" + FIGURE,
                detection_table="the detection table" + TABLE,
                moments_table="the moment table" + TABLE,
                w1_table="the W1 table" + TABLE,
                check_table="the generator-check table" + TABLE,
            ),
        },
    ),
    Command(
        "e2-exact",
        "E2.1 Gauss–Hermite table, E2.5 Dirac sequence, W1 sampling floors",
        "gantheory.experiments.e2.steps:exact",
        {
            "--settings": SETTINGS,
            "--seed": SEED,
            **{f"--{name}": _required(f"output: {name}.csv") for name in ("gauss-hermite", "dirac", "floors")},
        },
    ),
    Command(
        "e2-train",
        "train every E2 family against one generator kind (all seeds stacked)",
        "gantheory.experiments.e2.steps:train",
        {
            "--generator": _required(choices=["particles", "mlp"]),
            "--families": dict(nargs="+", help="only these families of e2.families (default: all)"),
            "--checkpoints": dict(help="a folder: one checkpoint per family, resumed from, removed once done"),
            "--settings": SETTINGS,
            "--seed": SEED,
            **{f"--{name}": _required(f"output: {name}") for name in ("metrics", "samples", "provenance")},
        },
    ),
    Command(
        "e2-outputs",
        "E2 figures, tables and claims E2.1–E2.5",
        "gantheory.experiments.e2.steps:outputs",
        {
            "--settings": SETTINGS,
            **{f"--{name}": _required(f"{name}.csv (e2-exact)") for name in ("gauss-hermite", "dirac", "floors")},
            "--metrics": _required("every generator kind's metrics.csv", nargs="+"),
            "--samples": _required("every generator kind's samples.npz", nargs="+"),
            "--profile": PROFILE,
            **_outputs(
                claims="the claims CSV",
                densities="final densities" + FIGURE,
                trajectories="W1 and objective trajectories" + FIGURE,
                topology="the exact checks" + FIGURE,
                gaps_table="the moment-gap table" + TABLE,
                gauss_hermite_table="the Gauss–Hermite table" + TABLE,
            ),
        },
    ),
    Command(
        "e3-simulate",
        "run one E3 family of dynamics",
        "gantheory.experiments.e3.steps:simulate",
        {
            "--family": _required(choices=["optimal", "first_order", "ttur"]),
            "--settings": SETTINGS,
            "--seed": SEED,
            **{f"--{name}": _required(f"output: {name}") for name in ("runs", "curves", "examples", "provenance")},
        },
    ),
    Command(
        "e3-figures",
        "E3 figures and outcome table",
        "gantheory.experiments.e3.steps:figures",
        {
            **E3_MAIN,
            **E3_RUNS,
            "--curves": _required("every family's curves.csv", nargs="+"),
            "--examples": _required("every family's examples.npz", nargs="+"),
            "--heatmap": _required("output: the success heatmap" + FIGURE),
            "--ttur-figure": _required("output: the TTUR ratio curves" + FIGURE),
            "--trajectories": _required("output: example trajectories" + FIGURE),
            "--tv-curves": _required("output: TV curves" + FIGURE),
            "--table": _required("output: the outcome table" + TABLE),
        },
    ),
    Command(
        "e3-claims",
        "judge E3.1–E3.5",
        "gantheory.experiments.e3.steps:judge",
        {**E3_MAIN, **E3_RUNS, "--profile": PROFILE, "--out": _required("output: the claims CSV")},
    ),
    Command(
        "e4-dataset",
        "build one dataset (.npz + SHA-256 sidecar)",
        "gantheory.experiments.e4.steps:dataset",
        {
            "--name": _required("the dataset (a key of e4.datasets or e5.datasets)"),
            "--size": _required("how many samples", type=int),
            "--seed": SEED,
            "--out": _required("output: the .npz"),
        },
    ),
    Command(
        "e4-classifier",
        "train the FD feature classifier of an image dataset",
        "gantheory.experiments.e4.steps:classifier",
        {
            "--settings": SETTINGS,
            "--seed": SEED,
            "--data": _required("the dataset (.npz)"),
            "--out": _required("output: the weights (.npz)"),
            "--info": _required("output: accuracy and training facts (.json)"),
        },
    ),
    Command(
        "e4-saddle",
        "E4.1: the TTUR saddle toy",
        "gantheory.experiments.e4.steps:saddle",
        {
            "--settings": SETTINGS,
            "--seed": SEED,
            "--out": _required("output: runs.csv"),
            "--paths": _required("output: paths.npz"),
        },
    ),
    Command(
        "e4-fd-checks",
        "E4.2/E4.3: FD against analytic Gaussians, floors, disturbances",
        "gantheory.experiments.e4.steps:fd_checks",
        {
            "--settings": SETTINGS,
            "--seed": SEED,
            "--names": _required("the image datasets, in the order of --data and --classifier", nargs="+"),
            "--data": _required("each image dataset (.npz)", nargs="+"),
            "--classifier": _required("each dataset's classifier weights (.npz)", nargs="+"),
            "--out": _required("output: fd_checks.csv"),
        },
    ),
    Command(
        "e4-train",
        "train one (dataset, variant) for every seed at once",
        "gantheory.experiments.e4.steps:train",
        {
            "--dataset": _required("the dataset (a key of e4.datasets)"),
            "--variant": _required("the variant (a key of e4.variants)"),
            "--settings": _required("JSON: the dataset's entry (without its variant list), the variant's, `seeds`"),
            "--seed": SEED,
            "--data": _required("the dataset (.npz)"),
            "--classifier": dict(help="classifier weights (.npz) for image datasets"),
            "--checkpoint": CHECKPOINT,
            **{f"--{name}": _required(f"output: {name}") for name in ("metrics", "samples", "provenance")},
        },
    ),
    Command(
        "e4-outputs",
        "E4 figures, tables and claims",
        "gantheory.experiments.e4.steps:outputs",
        {
            "--datasets-settings": _required("JSON: config key e4.datasets (what the figures show)"),
            "--saddle-threshold": _required("config key e4.saddle.threshold", type=float),
            "--saddle-hold": _required("config key e4.saddle.hold", type=int),
            "--saddle-runs": _required("the saddle toy's runs.csv"),
            "--saddle-paths": _required("the saddle toy's paths.npz"),
            "--checks": _required("fd_checks.csv"),
            "--metrics": _required("every training run's metrics.csv", nargs="+"),
            "--samples": _required("every training run's samples.npz", nargs="+"),
            "--reference": _required("the papers' reported numbers (YAML)"),
            "--profile": PROFILE,
            **_outputs(
                claims="the claims CSV",
                saddle_figure="the saddle figure" + FIGURE,
                fd_curves="FD curves" + FIGURE,
                disturbances="FD vs disturbance" + FIGURE,
                toys="toy scatter" + FIGURE,
                sample_grids="image samples" + FIGURE,
                final_table="the final table" + TABLE,
                wallclock_figure="FD vs wall-clock" + FIGURE,
                wallclock_table="the measured wall-clock (.csv)",
            ),
        },
    ),
    Command(
        "e5-fsr-data",
        "sample the synthetic FSR distribution, save it and its ground truth",
        "gantheory.experiments.e5.steps:fsr_data",
        {
            "--settings": _required("JSON: config key e5.fsr"),
            "--seed": SEED,
            "--out": _required("output: the dataset (.npz; a SHA-256 sidecar beside it)"),
            "--truth": _required("output: its ground-truth dictionaries and codes (.npz)"),
        },
    ),
    Command(
        "e5-reference",
        "a real reference sample, kernel bandwidths and sampling floors",
        "gantheory.experiments.e5.steps:reference",
        {
            "--dataset": _required(choices=["fsr", "digits", "mnist"]),
            "--eval-samples": _required("config key e5.datasets.<dataset>.eval_samples", type=int),
            "--floor-repeats": _required("config key e5.floor_repeats", type=int),
            "--seed": SEED,
            "--data": _required("the dataset (.npz)"),
            "--out": _required("output: the reference (.json)"),
        },
    ),
    Command(
        "e5-train",
        "train one (dataset, critic variant) for every seed at once",
        "gantheory.experiments.e5.steps:train",
        {
            "--dataset": _required(choices=["fsr", "digits", "mnist"]),
            "--variant": _required("the critic variant (a key of e5.variants)"),
            "--settings": _required("JSON: the dataset's entry, the variant's, `training`, `seeds`"),
            "--seed": SEED,
            "--data": _required("the dataset (.npz)"),
            "--reference": _required("its reference (.json, e5-reference)"),
            "--truth": dict(help="ground-truth dictionaries (.npz) of the synthetic FSR distribution"),
            "--checkpoint": CHECKPOINT,
            **{
                f"--{name}": _required(f"output: {name}")
                for name in ("metrics", "samples", "dictionaries", "provenance")
            },
        },
    ),
    Command(
        "e5-sparsity",
        "E5.5: sparse dictionary fits of the detail bands of each dataset",
        "gantheory.experiments.e5.steps:sparsity",
        {
            "--settings": _required("JSON: config key e5.sparsity"),
            "--seed": SEED,
            "--names": _required("the datasets, in the order of --data", nargs="+"),
            "--data": _required("each dataset (.npz)", nargs="+"),
            "--truth": _required("the synthetic FSR's ground truth (.npz, e5-fsr-data): E5.4's ceiling"),
            "--out": _required("output: sparsity.csv"),
            "--ceiling": _required("output: dictionary_ceiling.csv (E5.4's dictionary-learning ceiling)"),
        },
    ),
    Command(
        "e5-outputs",
        "E5 figures, tables and claims",
        "gantheory.experiments.e5.steps:outputs",
        {
            "--settings": _required("JSON: config keys e5.fsr and e5.datasets.fsr.code_widths"),
            "--sparsity": _required("sparsity.csv (e5-sparsity)"),
            "--ceiling": _required("dictionary_ceiling.csv (e5-sparsity)"),
            "--metrics": _required("every training run's metrics.csv", nargs="+"),
            "--samples": _required("every training run's samples.npz", nargs="+"),
            "--references": _required("each trained dataset's reference (.json)", nargs="+"),
            "--profile": PROFILE,
            **_outputs(
                claims="the claims CSV",
                level_curves="MMD per head" + FIGURE,
                band_curves="MMD per band of the top image" + FIGURE,
                dictionary_curves="matched |cos| of the detail dictionaries" + FIGURE,
                pyramids="sample pyramids" + FIGURE,
                final_table="the final table" + TABLE,
                dictionary_table="the dictionary table" + TABLE,
                sparsity_table="the sparsity table" + TABLE,
                timing="the measured wall-clock (.csv)",
            ),
        },
    ),
    Command(
        "claims-table",
        "merge per-experiment claim rows into claims.md/.csv",
        "gantheory.claims:merge_claim_files",
        {
            "--profile": PROFILE,
            "--md": _required("output: claims.md"),
            "--csv": _required("output: claims.csv"),
            "inputs": dict(nargs="+", help="per-experiment claims CSVs"),
        },
    ),
    Command(
        "manifest",
        "write or verify a SHA-256 manifest",
        "gantheory.manifest:run",
        {
            "action": dict(choices=["write", "verify"]),
            "manifest": dict(help="the manifest file"),
            "files": dict(nargs="*", help="files to list (write)"),
            "--root": dict(help="folder to check (verify; default: the manifest's folder)"),
        },
    ),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gantheory", description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, help="BLAS/OpenMP/TensorFlow threads (config key `threads`)")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help)
        for flag, options in command.arguments.items():
            p.add_argument(flag, **options)
        p.set_defaults(step=command.step, parameters=[flag.lstrip("-").replace("-", "_") for flag in command.arguments])
    return parser


def _call_step(args) -> None:
    module, name = args.step.split(":")
    step = getattr(importlib.import_module(module), name)
    values = {name: getattr(args, name) for name in args.parameters}
    for name in values:
        if name == "settings" or name.endswith("_settings"):  # JSON objects: checked here, named if malformed
            values[name] = parse_settings(values[name], f"--{name.replace('_', '-')}")
    if "threads" in inspect.signature(step).parameters:
        values["threads"] = args.threads
    step(**values)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.threads is not None:
        from gantheory.seeding import fix_threads

        fix_threads(args.threads)  # before NumPy/TensorFlow create their thread pools
    try:
        _call_step(args)
    except (ValueError, OSError) as err:  # bad input (config, files, checkpoints): one message, exit 2
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
