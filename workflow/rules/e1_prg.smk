# E1: PRG-seeded ReLU generators vs trained Lipschitz discriminators (hypergraphs, per-target runs, outputs).


rule e1_prepare:
    """Build every hypergraph from the root seed, count correlated output pairs/triples exactly, certify W1."""
    output:
        hypergraphs="results/e1/hypergraphs.npz",
        table="results/e1/hypergraphs.csv",
        certificates="results/e1/certificates.csv",
    log:
        "logs/e1_prepare.log",
    benchmark:
        "results/benchmarks/e1_prepare.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        settings=e1_settings(config, "prepare"),
        seed=config["seed"],
    shell:
        "python -m gantheory --threads {threads} e1-prepare --settings {params.settings:q} --seed {params.seed}"
        " --hypergraphs {output.hypergraphs:q} --table {output.table:q} --certificates {output.certificates:q} > {log:q} 2>&1"


rule e1_target:
    """One target: the Keras ReLU generator vs the NumPy reference (E1.1), its moments (E1.3), and critics and
    classifiers of every size trained against every generator and the nulls (E1.4-E1.6)."""
    input:
        hypergraphs="results/e1/hypergraphs.npz",
        table="results/e1/hypergraphs.csv",
    output:
        mismatch="results/e1/{target}/generator_check.csv",
        moments="results/e1/{target}/moments.csv",
        discriminators="results/e1/{target}/discriminators.csv",
        provenance="results/e1/{target}/provenance.json",
    log:
        "logs/e1_target/{target}.log",
    benchmark:
        "results/benchmarks/e1_target/{target}.tsv"
    wildcard_constraints:
        target="|".join(E1_TARGETS),
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=e1_settings(config, "target"),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
        # Not an output: Snakemake deletes a killed job's outputs, and the checkpoint must survive to resume.
        checkpoint="results/checkpoints/e1/{target}.npz",
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e1-target --settings {params.settings:q} --seed {params.seed}"
        " --target {wildcards.target} --hypergraphs {input.hypergraphs:q} --table {input.table:q}"
        " --mismatch {output.mismatch:q} --moments {output.moments:q} --discriminators {output.discriminators:q}"
        " --provenance {output.provenance:q} --checkpoint {params.checkpoint:q} > {log:q} 2>&1"


rule e1_power:
    """E1.5's power curve on one target: the largest critic's held-out z against the weak control and the
    clean rows after each step count of e1.power_curve.steps (the critics' budget is read from it)."""
    input:
        hypergraphs="results/e1/hypergraphs.npz",
        table="results/e1/hypergraphs.csv",
    output:
        curve="results/e1/{target}/power_curve.csv",
    log:
        "logs/e1_power/{target}.log",
    benchmark:
        "results/benchmarks/e1_power/{target}.tsv"
    wildcard_constraints:
        target="|".join(E1_TARGETS),
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=3000,
        runtime=15,
    params:
        settings=e1_settings(config, "power"),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e1-power --settings {params.settings:q} --seed {params.seed}"
        " --target {wildcards.target} --hypergraphs {input.hypergraphs:q} --table {input.table:q}"
        " --curve {output.curve:q} > {log:q} 2>&1"


rule e1_outputs:
    """E1 figures, tables and the judged claims E1.1-E1.6."""
    input:
        table="results/e1/hypergraphs.csv",
        certificates="results/e1/certificates.csv",
        mismatch=expand("results/e1/{target}/generator_check.csv", target=E1_TARGETS),
        moments=expand("results/e1/{target}/moments.csv", target=E1_TARGETS),
        discriminators=expand("results/e1/{target}/discriminators.csv", target=E1_TARGETS),
        power=expand("results/e1/{target}/power_curve.csv", target=E1_TARGETS),
    output:
        **rule_outputs("E1", report),
    log:
        "logs/e1_outputs.log",
    benchmark:
        "results/benchmarks/e1_outputs.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        outputs=lambda wildcards, output: output_flags("E1", output),
        profile=config["profile"],
    shell:
        "python -m gantheory e1-outputs --profile {params.profile}"
        " --table {input.table:q} --certificates {input.certificates:q} --mismatch {input.mismatch:q}"
        " --moments {input.moments:q} --discriminators {input.discriminators:q} --power {input.power:q} {params.outputs} > {log:q} 2>&1"
