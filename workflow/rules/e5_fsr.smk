# E5: forward super-resolution, SGDA learns a hierarchical distribution coarse to fine (data, floors, training,
# real-image sparsity, outputs). digits/MNIST come from e4_dataset (results/data/{dataset}.npz).


rule e5_fsr_data:
    """Sample the synthetic FSR distribution (training set + held-out pool) and save its ground truth."""
    output:
        data="results/e5/data/fsr.npz",
        checksum="results/e5/data/fsr.npz.sha256.json",
        truth="results/e5/data/fsr_truth.npz",
        truth_checksum="results/e5/data/fsr_truth.npz.sha256.json",
    log:
        "logs/e5_fsr_data.log",
    benchmark:
        "results/benchmarks/e5_fsr_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        settings=section_json(config["e5"], "fsr"),
        seed=config["seed"],
    shell:
        "python -m gantheory e5-fsr-data --settings {params.settings:q} --seed {params.seed}"
        " --out {output.data:q} --truth {output.truth:q} > {log:q} 2>&1"


rule e5_reference:
    """A fixed real reference sample, kernel bandwidths and the sampling floor of every level and band."""
    input:
        e5_data_input,
    output:
        "results/e5/reference/{dataset}.json",
    log:
        "logs/e5_reference/{dataset}.log",
    benchmark:
        "results/benchmarks/e5_reference/{dataset}.tsv"
    wildcard_constraints:
        dataset="|".join(E5_SPARSITY_DATASETS),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        eval_samples=lookup(dpath="e5/datasets/{dataset}/eval_samples", within=config),
        floor_repeats=config["e5"]["floor_repeats"],
        seed=config["seed"],
    shell:
        "python -m gantheory --threads {threads} e5-reference --dataset {wildcards.dataset}"
        " --eval-samples {params.eval_samples} --floor-repeats {params.floor_repeats} --seed {params.seed}"
        " --data {input:q} --out {output:q} > {log:q} 2>&1"


rule e5_train:
    """Train every seed of one (dataset, critic variant) multi-resolution GAN by SGDA, evaluating as it goes."""
    input:
        data=e5_data_input,
        reference="results/e5/reference/{dataset}.json",
        truth=e5_truth_input,
    output:
        metrics="results/e5/train/{dataset}/{variant}/metrics.csv",
        samples="results/e5/train/{dataset}/{variant}/samples.npz",
        dictionaries="results/e5/train/{dataset}/{variant}/dictionaries.npz",
        provenance="results/e5/train/{dataset}/{variant}/provenance.json",
    log:
        "logs/e5_train/{dataset}/{variant}.log",
    benchmark:
        "results/benchmarks/e5_train/{dataset}/{variant}.tsv"
    wildcard_constraints:
        dataset="|".join(E5_SPARSITY_DATASETS),
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        settings=lambda wildcards: e5_train_settings(config, wildcards.dataset, wildcards.variant),
        seed=config["seed"],
        backend=config["backend"],  # KERAS_BACKEND: a job that runs Keras gets it
        truth=e5_truth_flag,
        # Not an output: Snakemake deletes a killed job's outputs, and the checkpoint must survive to resume.
        checkpoint="results/checkpoints/e5/{dataset}/{variant}.npz",
    shell:
        "KERAS_BACKEND={params.backend} python -m gantheory --threads {threads} e5-train --dataset {wildcards.dataset} --variant {wildcards.variant}"
        " --settings {params.settings:q} --seed {params.seed} --data {input.data:q} --reference {input.reference:q}"
        " {params.truth} --metrics {output.metrics:q} --samples {output.samples:q}"
        " --dictionaries {output.dictionaries:q} --provenance {output.provenance:q}"
        " --checkpoint {params.checkpoint:q} > {log:q} 2>&1"


rule e5_sparsity:
    """E5.5: sparse dictionary fits of each detail band of real images (and of the synthetic FSR pool); E5.4's
    ceiling: the same kind of fit on the FSR pool's detail bands, matched to the true atoms."""
    input:
        data=[e5_data_path(dataset) for dataset in E5_SPARSITY_DATASETS],
        truth="results/e5/data/fsr_truth.npz",
    output:
        sparsity="results/e5/sparsity.csv",
        ceiling="results/e5/dictionary_ceiling.csv",
    log:
        "logs/e5_sparsity.log",
    benchmark:
        "results/benchmarks/e5_sparsity.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=section_json(config["e5"], "sparsity"),
        seed=config["seed"],
        names=E5_SPARSITY_DATASETS,
    shell:
        "python -m gantheory --threads {threads} e5-sparsity --settings {params.settings:q} --seed {params.seed}"
        " --names {params.names} --data {input.data:q} --truth {input.truth:q} --out {output.sparsity:q}"
        " --ceiling {output.ceiling:q} > {log:q} 2>&1"


rule e5_outputs:
    """E5 figures (the dictionary curves included), the final, dictionary and sparsity tables, and the judged
    claims E5.1-E5.5."""
    input:
        metrics=[f"results/e5/train/{d}/{v}/metrics.csv" for d, v in E5_RUNS],
        samples=[f"results/e5/train/{d}/{v}/samples.npz" for d, v in E5_RUNS],
        references=expand("results/e5/reference/{dataset}.json", dataset=E5_TRAINED),
        sparsity="results/e5/sparsity.csv",
        ceiling="results/e5/dictionary_ceiling.csv",
    output:
        **rule_outputs("E5", report),
    log:
        "logs/e5_outputs.log",
    benchmark:
        "results/benchmarks/e5_outputs.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        outputs=lambda wildcards, output: output_flags("E5", output),
        settings=e5_outputs_settings(config),
        profile=config["profile"],
    shell:
        "python -m gantheory e5-outputs --settings {params.settings:q} --profile {params.profile}"
        " --metrics {input.metrics:q} --samples {input.samples:q} --references {input.references:q}"
        " --sparsity {input.sparsity:q} --ceiling {input.ceiling:q} {params.outputs} > {log:q} 2>&1"
