# Shared names for the rule files; helper code lives in the library (gantheory.paths).
from gantheory.paths import E3_FAMILIES, EXPERIMENTS, figure_files, section_json

ENV = "../../environment.yml"
