# Shared names for the rule files; the helpers live in workflow/lib (Snakemake glue, not the library).
from workflow.lib.integrity import corrupted_datasets
from workflow.lib.paths import (
    E2_GENERATORS,
    E3_FAMILIES,
    E5_SPARSITY_DATASETS,
    EXPERIMENTS,
    e1_targets,
    e4_classifier_flag,
    e4_classifier_input,
    e4_image_datasets,
    e4_runs,
    e5_data_input,
    e5_data_path,
    e5_runs,
    e5_trained_datasets,
    e5_truth_flag,
    e5_truth_input,
    figure_files,
    run_records,
    section_json,
)

ENV = "../../environment.yml"

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
