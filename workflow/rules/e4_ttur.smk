# E4: TTUR vs SGDA for WGAN-GP, judged by Frechet distance (datasets, classifier, toy, training, outputs).


rule e4_dataset:
    """Generate a toy dataset or load a shipped image dataset; store it with its SHA-256."""
    output:
        data="results/data/{dataset}.npz",
        checksum="results/data/{dataset}.npz.sha256.json",
    log:
        "logs/e4_dataset/{dataset}.log",
    benchmark:
        "results/benchmarks/e4_dataset/{dataset}.tsv"
    wildcard_constraints:
        dataset="|".join(E4_DATASETS),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        size=lookup(dpath="e4/datasets/{dataset}/size", within=config),
        seed=config["seed"],
    shell:
        "python -m gantheory e4-dataset --name {wildcards.dataset} --size {params.size} --seed {params.seed}"
        " --out {output.data:q} > {log:q} 2>&1"


rule e4_classifier:
    """Train the classifier whose feature layer is the FD feature space of an image dataset."""
    input:
        "results/data/{dataset}.npz",
    output:
        weights="results/e4/classifier/{dataset}.npz",
        info="results/e4/classifier/{dataset}.json",
    log:
        "logs/e4_classifier/{dataset}.log",
    benchmark:
        "results/benchmarks/e4_classifier/{dataset}.tsv"
    wildcard_constraints:
        dataset="|".join(E4_IMAGES),
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        settings=section_json(config["e4"], "classifier"),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e4-classifier --data {input:q} --settings {params.settings:q}"
        " --seed {params.seed} --out {output.weights:q} --info {output.info:q} > {log:q} 2>&1"


rule e4_saddle:
    """E4.1: the TTUR saddle toy, every seed and step-size setting as one array."""
    output:
        runs="results/e4/saddle/runs.csv",
        paths="results/e4/saddle/paths.npz",
    log:
        "logs/e4_saddle.log",
    benchmark:
        "results/benchmarks/e4_saddle.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=section_json(config["e4"], "saddle"),
        seed=config["seed"],
    shell:
        "python -m gantheory e4-saddle --settings {params.settings:q} --seed {params.seed}"
        " --out {output.runs:q} --paths {output.paths:q} > {log:q} 2>&1"


rule e4_fd_checks:
    """E4.2/E4.3: FD vs analytic Gaussians, the real-halves floor, FD vs disturbance level."""
    input:
        data=expand("results/data/{dataset}.npz", dataset=E4_IMAGES),
        classifier=expand("results/e4/classifier/{dataset}.npz", dataset=E4_IMAGES),
    output:
        "results/e4/fd_checks.csv",
    log:
        "logs/e4_fd_checks.log",
    benchmark:
        "results/benchmarks/e4_fd_checks.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        settings=section_json(config["e4"], "fd_checks"),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
        names=E4_IMAGES,
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e4-fd-checks --settings {params.settings:q} --seed {params.seed}"
        " --names {params.names} --data {input.data:q} --classifier {input.classifier:q} --out {output:q} > {log:q} 2>&1"


rule e4_train:
    """Train every seed of one (dataset, variant) WGAN-GP at once, evaluating as it goes."""
    input:
        data="results/data/{dataset}.npz",
        classifier=e4_classifier_input,
    output:
        metrics="results/e4/train/{dataset}/{variant}/metrics.csv",
        samples="results/e4/train/{dataset}/{variant}/samples.npz",
        provenance="results/e4/train/{dataset}/{variant}/provenance.json",
    log:
        "logs/e4_train/{dataset}/{variant}.log",
    benchmark:
        "results/benchmarks/e4_train/{dataset}/{variant}.tsv"
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        settings=lambda wildcards: e4_train_settings(config, wildcards.dataset, wildcards.variant),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
        classifier=e4_classifier_flag,
        # Not an output: Snakemake deletes a killed job's outputs, and the checkpoint must survive to resume.
        checkpoint="results/checkpoints/e4/{dataset}/{variant}.npz",
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e4-train --dataset {wildcards.dataset} --variant {wildcards.variant}"
        " --settings {params.settings:q} --seed {params.seed} --data {input.data:q} {params.classifier}"
        " --metrics {output.metrics:q} --samples {output.samples:q} --provenance {output.provenance:q}"
        " --checkpoint {params.checkpoint:q} > {log:q} 2>&1"


rule e4_outputs:
    """E4 figures, the final table beside the papers' numbers, and the judged claims E4.1-E4.6."""
    input:
        saddle="results/e4/saddle/runs.csv",
        saddle_paths="results/e4/saddle/paths.npz",
        fd_checks="results/e4/fd_checks.csv",
        metrics=[f"results/e4/train/{d}/{v}/metrics.csv" for d, v in E4_RUNS],
        samples=[f"results/e4/train/{d}/{v}/samples.npz" for d, v in E4_RUNS],
        reference=config["reference_file"],
    output:
        **rule_outputs("E4", report),
    log:
        "logs/e4_outputs.log",
    benchmark:
        "results/benchmarks/e4_outputs.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        outputs=lambda wildcards, output: output_flags("E4", output),
        datasets=section_json(config["e4"], "datasets"),  # what the figures show
        threshold=config["e4"]["saddle"]["threshold"],
        hold=config["e4"]["saddle"]["hold"],
        profile=config["profile"],
    shell:
        "python -m gantheory e4-outputs --datasets-settings {params.datasets:q}"
        " --saddle-threshold {params.threshold} --saddle-hold {params.hold} --saddle-runs {input.saddle:q}"
        " --saddle-paths {input.saddle_paths:q} --checks {input.fd_checks:q} --metrics {input.metrics:q}"
        " --samples {input.samples:q} --reference {input.reference:q} --profile {params.profile}"
        " {params.outputs} > {log:q} 2>&1"
