# Shared names for the rule files; the helpers live in workflow/lib (Snakemake glue, not the library).
import shlex
from pathlib import Path

from workflow.lib.integrity import corrupted_datasets
from workflow.lib.outputs import output_flags, rule_outputs
from workflow.lib.paths import (
    E2_GENERATORS,
    E3_FAMILIES,
    E5_SPARSITY_DATASETS,
    EXPERIMENTS,
    e1_settings,
    e1_targets,
    e2_settings,
    e4_classifier_flag,
    e4_classifier_input,
    e4_image_datasets,
    e4_runs,
    e4_train_settings,
    e5_data_input,
    e5_data_path,
    e5_outputs_settings,
    e5_runs,
    e5_train_settings,
    e5_trained_datasets,
    e5_truth_flag,
    e5_truth_input,
    figure_files,
    run_records,
    section_json,
)

ENV = "../../environment.yml"

# Jobs import the package from this workflow's src/: a conda environment (environment.yml) holds only the
# pinned dependencies, not the package; in the venv the same folder is the editable install anyway.
# (Snakemake formats the prefix too: the shell's own braces are doubled.)
shell.prefix(
    "set -euo pipefail; export PYTHONPATH="
    + shlex.quote(str(Path(workflow.basedir) / "src"))
    + "${{PYTHONPATH:+:$PYTHONPATH}}; "
)

# A dataset whose bytes no longer match its recorded SHA-256 is reported, never deleted while parsing
# (this also runs for -n and --lint); the jobs that read it refuse it.
for message in corrupted_datasets("results/data", "results/e5/data"):
    logger.warning(message)

E1_TARGETS = e1_targets(config)
E4_RUNS = e4_runs(config)
E4_IMAGES = e4_image_datasets(config)
E4_DATASETS = list(config["e4"]["datasets"])
E5_RUNS = e5_runs(config)
E5_TRAINED = e5_trained_datasets(config)


def _alternatives(names) -> str:
    """A wildcard pattern matching exactly these names (no path separators, no other words)."""
    return "|".join(sorted(set(names), key=len, reverse=True)) or "(?!)"


# Every wildcard matches only a name the config defines, so no rule claims another rule's files.
wildcard_constraints:
    dataset=_alternatives(E4_DATASETS + [d for d, _ in E5_RUNS] + E5_SPARSITY_DATASETS),
    variant=_alternatives([v for _, v in E4_RUNS + E5_RUNS]),
    target=_alternatives(E1_TARGETS),
    family=_alternatives(E3_FAMILIES),
    generator=_alternatives(E2_GENERATORS),
