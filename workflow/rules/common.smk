# Shared names for the rule files; helper code lives in the library (gantheory.paths).
from gantheory.data.store import discard_corrupted
from gantheory.paths import (
    E3_FAMILIES,
    EXPERIMENTS,
    e4_classifier_flag,
    e4_classifier_input,
    e4_image_datasets,
    e4_runs,
    figure_files,
    run_records,
    section_json,
)

ENV = "../../environment.yml"

# A dataset whose bytes no longer match its recorded SHA-256 is deleted here, so it is rebuilt, never used.
for corrupted in discard_corrupted("results/data"):
    logger.warning(f"{corrupted} did not match its SHA-256 record: deleted, it will be rebuilt")

E4_RUNS = e4_runs(config)
E4_IMAGES = e4_image_datasets(config)
E4_DATASETS = list(config["e4"]["datasets"])
