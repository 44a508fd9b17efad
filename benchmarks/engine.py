"""Engine speed, written to benchmarks/engine.md (a benchmark, not a test).

    .venv/bin/python benchmarks/engine.py

1. Generator steps/s of the engine vs a keras.io-style baseline (a `keras.Model` subclass with its own
   `train_step`, driven by `model.fit`), same WGAN-GP: MLP 3×512, batch 256, 5 critic steps, λ = 10.
2. K = 64 seeds of a width-32 WGAN-GP as one stacked computation vs the same 64 trained one by one.
Targets from the issue: engine ≥ 2× the baseline; batched ≥ 5× sequential.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from gantheory.backend import enable_determinism  # noqa: E402
from gantheory.train.gan import WGANGP, GANConfig  # noqa: E402

OUT = Path(__file__).resolve().parent / "engine.md"
DATA = np.random.default_rng(0).normal(size=(50_000, 2)).astype(np.float32)


class KerasIoWGAN(keras.Model):
    """The keras.io WGAN-GP example's shape (with a uniform ε and an ε inside the sqrt)."""

    def __init__(self, width=512, depth=3, latent_dim=2, d_steps=5, gp_weight=10.0):
        super().__init__()
        self.latent_dim, self.d_steps, self.gp_weight = latent_dim, d_steps, gp_weight
        self.generator = keras.Sequential(
            [keras.layers.Dense(width, "relu") for _ in range(depth)] + [keras.layers.Dense(2)]
        )
        self.critic = keras.Sequential(
            [keras.layers.Dense(width, "relu") for _ in range(depth)] + [keras.layers.Dense(1)]
        )

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def train_step(self, real):
        batch = tf.shape(real)[0]
        for _ in range(self.d_steps):
            z = tf.random.normal((batch, self.latent_dim))
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                eps = tf.random.uniform((batch, 1))
                mixed = eps * real + (1 - eps) * fake
                with tf.GradientTape() as inner:
                    inner.watch(mixed)
                    d_mixed = self.critic(mixed, training=True)
                grad = inner.gradient(d_mixed, mixed)
                gp = tf.reduce_mean((tf.sqrt(tf.reduce_sum(grad**2, axis=1) + 1e-12) - 1.0) ** 2)
                d_loss = tf.reduce_mean(self.critic(fake)) - tf.reduce_mean(self.critic(real)) + self.gp_weight * gp
            grads = tape.gradient(d_loss, self.critic.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables, strict=True))
        z = tf.random.normal((batch, self.latent_dim))
        with tf.GradientTape() as tape:
            g_loss = -tf.reduce_mean(self.critic(self.generator(z, training=True)))
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables, strict=True))
        return {"d_loss": d_loss, "g_loss": g_loss}


def baseline_steps_per_second(steps: int) -> float:
    model = KerasIoWGAN()
    model.compile(keras.optimizers.Adam(1e-4, 0.0, 0.9), keras.optimizers.Adam(1e-4, 0.0, 0.9))
    data = tf.data.Dataset.from_tensor_slices(DATA).shuffle(50_000, seed=0).batch(256, drop_remainder=True).repeat()
    model.fit(data, steps_per_epoch=10, epochs=1, verbose=0)  # trace and warm up
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps / (time.perf_counter() - start)


def engine_steps_per_second(config: GANConfig, steps: int, chunk: int = 50) -> float:
    gan = WGANGP(config, DATA, seed=0)
    gan.train_steps(2)
    start = time.perf_counter()
    for _ in range(steps // chunk):
        gan.train_steps(chunk)
    return (steps // chunk) * chunk / (time.perf_counter() - start)


def main() -> None:
    enable_determinism(0, 2)
    big = dict(gen_widths=(512,) * 3, critic_widths=(512,) * 3, batch_size=256, n_critic=5)
    baseline = baseline_steps_per_second(100)
    engine = engine_steps_per_second(GANConfig(**big), 100)
    engine_xla = engine_steps_per_second(GANConfig(**big, jit_compile=True), 50, chunk=25)
    small = dict(gen_widths=(32,) * 3, critic_widths=(32,) * 3, batch_size=64, n_critic=5)
    batched = engine_steps_per_second(GANConfig(**small, seeds=64), 100)  # 64 seeds per step
    single = engine_steps_per_second(GANConfig(**small, seeds=1), 200)
    lines = [
        "# Engine benchmarks",
        "",
        "Rerun: `.venv/bin/python benchmarks/engine.py`",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs; TensorFlow {tf.__version__}, "
        f"Keras {keras.__version__}; op determinism on, 2 threads.",
        "",
        "| what | generator steps/s | ratio |",
        "|---|---|---|",
        f"| keras.io-style `fit` + `train_step`, MLP 3×512, batch 256, 5 critic steps | {baseline:.1f} | 1.00 |",
        f"| engine, same model (tf.function, no XLA) | {engine:.1f} | {engine / baseline:.2f} |",
        f"| engine, same model, XLA (`jit_compile=True`) | {engine_xla:.1f} | {engine_xla / baseline:.2f} |",
        "",
        "| what | seed-steps/s | ratio |",
        "|---|---|---|",
        f"| 64 seeds one after another (width 32, batch 64) | {single:.1f} | 1.00 |",
        f"| 64 seeds stacked in one computation | {64 * batched:.1f} | {64 * batched / single:.2f} |",
        "",
        "Targets (issue 3): engine ≥ 2× the baseline; batched ≥ 5× sequential.",
    ]
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
