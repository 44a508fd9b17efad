# E2: restricted discriminators match moments; strict divergences converge weakly (exact checks, training, outputs).


rule e2_exact:
    """E2.1 Gauss-Hermite counterexample, E2.5 Dirac sequence, and the W1 sampling floors (exact, no training)."""
    output:
        gauss_hermite="results/e2/gauss_hermite.csv",
        dirac="results/e2/dirac.csv",
        floors="results/e2/floors.csv",
    log:
        "logs/e2_exact.log",
    benchmark:
        "results/benchmarks/e2_exact.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=e2_settings(config, "exact"),
        seed=config["seed"],
    shell:
        "python -m gantheory --threads {threads} e2-exact --settings {params.settings:q} --seed {params.seed}"
        " --gauss-hermite {output.gauss_hermite:q} --dirac {output.dirac:q} --floors {output.floors:q} > {log:q} 2>&1"


rule e2_train:
    """Train every E2 discriminator family against one generator kind (particles or MLP), seeds and targets stacked."""
    output:
        metrics="results/e2/train/{generator}/metrics.csv",
        samples="results/e2/train/{generator}/samples.npz",
        provenance="results/e2/train/{generator}/provenance.json",
    log:
        "logs/e2_train/{generator}.log",
    benchmark:
        "results/benchmarks/e2_train/{generator}.tsv"
    wildcard_constraints:
        generator="|".join(E2_GENERATORS),
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        settings=lambda wildcards: e2_settings(config, "train", wildcards.generator),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
        # Not an output: Snakemake deletes a killed job's outputs, and the checkpoints must survive to resume.
        checkpoints="results/checkpoints/e2/{generator}",
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e2-train --generator {wildcards.generator}"
        " --settings {params.settings:q} --seed {params.seed} --metrics {output.metrics:q}"
        " --samples {output.samples:q} --provenance {output.provenance:q} --checkpoints {params.checkpoints:q} > {log:q} 2>&1"


rule e2_outputs:
    """E2 figures (densities, trajectories, exact checks), the moment-gap and Gauss-Hermite tables, claims E2.1-E2.5."""
    input:
        gauss_hermite="results/e2/gauss_hermite.csv",
        dirac="results/e2/dirac.csv",
        floors="results/e2/floors.csv",
        metrics=expand("results/e2/train/{generator}/metrics.csv", generator=E2_GENERATORS),
        samples=expand("results/e2/train/{generator}/samples.npz", generator=E2_GENERATORS),
    output:
        **rule_outputs("E2", report),
    log:
        "logs/e2_outputs.log",
    benchmark:
        "results/benchmarks/e2_outputs.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        outputs=lambda wildcards, output: output_flags("E2", output),
        settings=e2_settings(config, "outputs"),
        profile=config["profile"],
    shell:
        "python -m gantheory e2-outputs --settings {params.settings:q} --gauss-hermite {input.gauss_hermite:q}"
        " --dirac {input.dirac:q} --floors {input.floors:q} --metrics {input.metrics:q} --samples {input.samples:q}"
        " --profile {params.profile} {params.outputs} > {log:q} 2>&1"
