# gantheory: rebuild every figure and table of five GAN-theory results, and judge each claim.
from snakemake.utils import min_version

from gantheory.config import validate

min_version("9.0")


# load configuration
configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


# load rules
include: "workflow/rules/common.smk"
include: "workflow/rules/e1_prg.smk"
include: "workflow/rules/e2_moments.smk"
include: "workflow/rules/e3_dynamics.smk"
include: "workflow/rules/e4_ttur.smk"
include: "workflow/rules/e5_fsr.smk"
include: "workflow/rules/claims.smk"


# target rules
rule all:
    default_target: True
    input:
        "figures/MANIFEST.sha256",
        run_records(config),
