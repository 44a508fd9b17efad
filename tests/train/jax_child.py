"""Runs under KERAS_BACKEND=jax in a process of its own (test_backends.py starts it): the test process
has Keras on TensorFlow, and a Keras process has one backend. Prints one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import keras
import numpy as np

from gantheory import backend
from gantheory.train.checkpoint import Checkpoint
from gantheory.train.gan import WGANGP, GANConfig

CONFIG = GANConfig(rule="alternating", n_critic=2, batch_size=16, gen_widths=(8,), critic_widths=(8,), seeds=2)


def gan(rule: str = "alternating") -> WGANGP:
    config = GANConfig(**{**CONFIG.__dict__, "rule": rule, "n_critic": 2 if rule == "alternating" else 1})
    return WGANGP(config, np.random.default_rng(0).normal(size=(256, 2)).astype(np.float32), seed=5)


def final(model: WGANGP) -> list:
    return [model.sample(4, 9).tolist(), [np.asarray(v).tolist() for v in model.generator.get_weights()]]


def main(scenario: str, where: str) -> dict:
    assert backend.NAME == "jax", backend.NAME
    if scenario == "train":  # every update rule, 12 steps
        return {rule: final(run(gan(rule), 12)) for rule in ("alternating", "ttur", "simultaneous", "optimistic")}
    if scenario in ("straight", "killed", "resumed"):  # kill-and-resume across processes, via a checkpoint
        model = gan()
        checkpoint = None if scenario == "straight" else Checkpoint(Path(where), "fingerprint")

        evaluated = []

        def evaluate(step, _):
            evaluated.append(step)
            if scenario == "killed" and step == 12:
                raise SystemExit(0)  # dies after the step-6 checkpoint, before step 12's
            return []

        model.train(12, 6, evaluate=evaluate, checkpoint=checkpoint)
        return {"final": final(model), "evaluated": evaluated}
    if scenario == "gradient":  # ∂/∂w Σ (w·x)² = 2 (w·x) x, inside a compiled chunk
        w = keras.Variable(np.array([1.0, -2.0], np.float32))
        x = np.array([3.0, 0.5], np.float32)
        out = keras.Variable(np.zeros(2, np.float32), trainable=False)
        step = lambda: out.assign(backend.gradients(lambda: keras.ops.sum(w * x)[None] ** 2, [w])[0][0])  # noqa: E731
        backend.compile_steps(step, [w, out])(1)
        return {"gradient": backend.to_numpy(out).tolist(), "expected": (2 * float(w.numpy() @ x) * x).tolist()}
    if scenario == "stray":  # a step writing a variable its state does not list is refused
        hidden = keras.Variable(0.0, trainable=False)
        try:
            backend.compile_steps(lambda: hidden.assign(1.0), [])(1)
        except ValueError as err:
            return {"error": str(err)}
        return {"error": None}
    if scenario == "e1":  # E1 on JAX: the float64 PRG generator exact, critics with power, a null without
        return e1_critics()
    raise SystemExit(f"unknown scenario {scenario!r}")


def e1_critics() -> dict:
    """A float64 Keras PRG generator against the NumPy reference, then E1's stacked critics and classifiers
    (the settings of tests/experiments/test_e1_prg.py) on a copy control and a null cell."""
    from gantheory.experiments.e1.discriminators import Cell, train_and_evaluate
    from gantheory.experiments.e1.generators import _generate
    from gantheory.models.relu_prg import relu_prg_generator
    from gantheory.prg import get_predicate, random_hypergraph
    from gantheory.prg.reference import generator_output

    backend.enable_float64()
    h = random_hypergraph(8, 16, np.random.default_rng(0))
    model = relu_prg_generator(h, get_predicate("copy"), 8, "cube", 1e-6, 0.1, 10.0)
    z = np.random.default_rng(1).standard_normal((3000, 24))
    difference = np.abs(_generate(model, z) - generator_output(z, h, get_predicate("copy"), 8, "cube", 0.1))
    settings = dict(noise=0.1, sizes=[[16, 1]], steps=60, batch_size=64, learning_rate=1e-3, beta_1=0.5,
                    beta_2=0.9, gp_weight=10.0, eval_samples=2000, eval_chunk=1000, grad_samples=200)  # fmt: skip
    rows = train_and_evaluate([Cell("copy", 16, 24, model), Cell("null#1", 24)], "cube", settings, seed=3)
    rows = rows.drop(columns=["train_s", "eval_s"])
    return {"max_difference": float(difference.max()), "rows": rows.to_dict("records")}


def run(model: WGANGP, steps: int) -> WGANGP:
    model.train_steps(steps)
    return model


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")))
