# E3: optimal-discriminator vs first-order GAN dynamics on the exact two-Gaussian model.


rule e3_simulate:
    """Advance every initialisation of one family of dynamics as one batched computation."""
    output:
        runs="results/e3/{family}/runs.csv",
        curves="results/e3/{family}/curves.csv",
        examples="results/e3/{family}/examples.npz",
        provenance="results/e3/{family}/provenance.json",
    log:
        "logs/e3_simulate/{family}.log",
    benchmark:
        "results/benchmarks/e3_simulate/{family}.tsv"
    wildcard_constraints:
        family="|".join(E3_FAMILIES),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=section_json(config, "e3"),
        seed=config["seed"],
    shell:
        "python -m gantheory --threads {threads} e3-simulate --family {wildcards.family}"
        " --settings {params.settings:q}"
        " --seed {params.seed} --runs {output.runs:q} --curves {output.curves:q}"
        " --examples {output.examples:q} --provenance {output.provenance:q} > {log:q} 2>&1"


rule e3_figures:
    """Success heatmap, TTUR ratio curves, trajectories, TV curves and the outcome table."""
    input:
        optimal="results/e3/optimal/runs.csv",
        first_order="results/e3/first_order/runs.csv",
        ttur="results/e3/ttur/runs.csv",
        curves=expand("results/e3/{family}/curves.csv", family=E3_FAMILIES),
        examples=expand("results/e3/{family}/examples.npz", family=E3_FAMILIES),
    output:
        **rule_outputs("E3", report),
    log:
        "logs/e3_figures.log",
    benchmark:
        "results/benchmarks/e3_figures.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        outputs=lambda wildcards, output: output_flags("E3", output),
        main_step_size=config["e3"]["main_step_size"],  # the only E3 key the figures read
    shell:
        "python -m gantheory e3-figures --main-step-size {params.main_step_size} --optimal {input.optimal:q}"
        " --first-order {input.first_order:q} --ttur {input.ttur:q} --curves {input.curves:q}"
        " --examples {input.examples:q} {params.outputs} > {log:q} 2>&1"


rule e3_claims:
    """Judge E3.1–E3.5 from the measured runs."""
    input:
        optimal="results/e3/optimal/runs.csv",
        first_order="results/e3/first_order/runs.csv",
        ttur="results/e3/ttur/runs.csv",
    output:
        "results/claims/E3.csv",
    log:
        "logs/e3_claims.log",
    benchmark:
        "results/benchmarks/e3_claims.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        main_step_size=config["e3"]["main_step_size"],  # the only E3 key the judges read
        profile=config["profile"],
    shell:
        "python -m gantheory e3-claims --main-step-size {params.main_step_size} --profile {params.profile}"
        " --optimal {input.optimal:q} --first-order {input.first_order:q} --ttur {input.ttur:q}"
        " --out {output:q} > {log:q} 2>&1"
