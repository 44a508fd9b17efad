"""Generator steps/s of the engine on each Keras backend, written to benchmarks/backends.md (a benchmark,
not a test).

    .venv/bin/python benchmarks/backends.py [--rounds 3] [--steps 200]

The model is the E4 8-Gaussians `orig` job's: 3 stacked seeds, MLPs 3×128, batch 256, 5 critic steps per
generator step (WGAN-GP, alternating). Each round runs TensorFlow and then JAX in fresh processes pinned to
one core (`taskset -c 0`, one thread), so the two share whatever else the machine is doing; the ratio is
read per round. FLOPs per generator step come from XLA's cost analysis of the JAX step (the same
computation on both backends); the fraction is against one core's single-precision matrix product rate
(NumPy sgemm, 1024², one thread), measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "backends.md"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}  # fmt: skip


def measure(steps: int) -> dict:
    """In this process (KERAS_BACKEND set by the caller): steps/s after a compile-and-warm-up chunk."""
    import numpy as np

    from gantheory import backend
    from gantheory.train.gan import WGANGP, GANConfig

    backend.enable_determinism(0, 1)
    data = np.random.default_rng(0).normal(size=(50_000, 2)).astype(np.float32)
    gan = WGANGP(GANConfig(seeds=3, rule="alternating", n_critic=5), data, seed=0)
    gan.train_steps(10)  # compile
    start = time.perf_counter()
    gan.train_steps(steps)
    rate = steps / (time.perf_counter() - start)
    flops = gan.train_steps.step_flops() if gan.train_steps.step_flops else None
    return {"backend": backend.NAME, "steps_per_s": rate, "flops_per_step": flops}


def sgemm_rate() -> float:
    import numpy as np

    a, b = (np.random.default_rng(i).standard_normal((1024, 1024)).astype(np.float32) for i in (0, 1))
    a @ b
    start, n = time.perf_counter(), 20
    for _ in range(n):
        a @ b
    return n * 2 * 1024**3 / (time.perf_counter() - start)


def child(name: str, args: list[str]) -> dict:
    env = {**os.environ, **ONE_THREAD, "KERAS_BACKEND": name}
    cmd = ["taskset", "-c", "0", sys.executable, __file__, *args]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--child", choices=["engine", "sgemm"])
    args = parser.parse_args()
    if args.child == "engine":
        print(json.dumps(measure(args.steps)))
        return
    if args.child == "sgemm":
        print(json.dumps({"flops_per_s": sgemm_rate()}))
        return
    rounds = []
    for _ in range(args.rounds):
        tf_run = child("tensorflow", ["--child", "engine", "--steps", str(args.steps)])
        jax_run = child("jax", ["--child", "engine", "--steps", str(args.steps)])
        gemm = child("tensorflow", ["--child", "sgemm"])["flops_per_s"]
        rounds.append((tf_run, jax_run, gemm))
    flops = next(j["flops_per_step"] for _, j, _ in rounds if j["flops_per_step"])
    lines = [
        "# Engine speed per Keras backend",
        "",
        "Rerun: `.venv/bin/python benchmarks/backends.py` (E4 8-Gaussians `orig` model: 3 stacked seeds, MLP 3×128,",
        "batch 256, 5 critic steps; one pinned core, one thread; TensorFlow then JAX in fresh processes each round).",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs. FLOPs per generator step (XLA cost analysis of",
        f"the JAX step): {flops / 1e9:.2f} GFLOP.",
        "",
        "| round | TF steps/s | JAX steps/s | JAX / TF | sgemm GFLOP/s (1 core) | TF % of sgemm | JAX % of sgemm |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, (t, j, g) in enumerate(rounds, 1):
        tf_f, jax_f = t["steps_per_s"] * flops, j["steps_per_s"] * flops
        lines.append(
            f"| {i} | {t['steps_per_s']:.2f} | {j['steps_per_s']:.2f} | {j['steps_per_s'] / t['steps_per_s']:.2f} "
            f"| {g / 1e9:.1f} | {100 * tf_f / g:.0f}% | {100 * jax_f / g:.0f}% |"
        )
    lines += ["", "Targets (issue 16): JAX ≥ 1.5× TensorFlow on this job; the faster backend ≥ 60% of one core's"]
    lines += ["sgemm rate."]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
