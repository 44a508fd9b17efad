# The claims table (every experiment's verdicts in one place) and the manifest of figures/.


rule claims_table:
    """Merge each experiment's judged claims into figures/claims.md and figures/claims.csv."""
    input:
        expand("results/claims/{experiment}.csv", experiment=EXPERIMENTS),
    output:
        md="figures/claims.md",
        csv=report("figures/claims.csv", caption="../report/claims.rst", category="Claims"),
    log:
        "logs/claims_table.log",
    benchmark:
        "results/benchmarks/claims_table.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        profile=config["profile"],
    shell:
        "python -m gantheory claims-table --profile {params.profile} --md {output.md:q}"
        " --csv {output.csv:q} {input:q} > {log:q} 2>&1"


rule manifest:
    """SHA-256 of every file in figures/, so two runs can be compared byte for byte."""
    input:
        figure_files(),
    output:
        "figures/MANIFEST.sha256",
    log:
        "logs/manifest.log",
    benchmark:
        "results/benchmarks/manifest.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    shell:
        "python -m gantheory manifest write {output:q} {input:q} > {log:q} 2>&1"
