# Shared names for the rule files; helper code lives in the library (gantheory.paths).
from gantheory.data.store import discard_corrupted
from gantheory.paths import (
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

# A dataset whose bytes no longer match its recorded SHA-256 is deleted here, so it is rebuilt, never used.
for corrupted in discard_corrupted("results/data") + discard_corrupted("results/e5/data"):
    logger.warning(f"{corrupted} did not match its SHA-256 record: deleted, it will be rebuilt")

E1_TARGETS = e1_targets(config)
E4_RUNS = e4_runs(config)
E4_IMAGES = e4_image_datasets(config)
E4_DATASETS = list(config["e4"]["datasets"])
E5_RUNS = e5_runs(config)
E5_TRAINED = e5_trained_datasets(config)
