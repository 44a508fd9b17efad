# gantheory: rebuild every figure and table of five GAN-theory results, and judge each claim.
import os
import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")

# Everything the workflow reads of its own resolves against its folder, so `--directory` works.
WORKFLOW_DIR = Path(workflow.basedir)
sys.path.insert(0, str(WORKFLOW_DIR))  # the Snakemake glue in workflow/lib (never the gantheory package)

from workflow.lib.config_check import validate


# load configuration
configfile: WORKFLOW_DIR / "config/config.yaml"


validate(config, WORKFLOW_DIR / "workflow/schemas/config.schema.yaml", base=WORKFLOW_DIR)
# The papers' numbers file, relative to where the jobs run (the working directory).
config["reference_file"] = os.path.relpath(WORKFLOW_DIR / config["reference_file"])


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


# Seconds of work each: on a cluster they run where Snakemake runs, not as queued jobs.
localrules:
    all,
    claims_table,
    manifest,
