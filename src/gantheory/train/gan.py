"""The one GAN training engine: WGAN-GP (Gulrajani et al. 2017) with pluggable update rules.

K seeds train at once as stacked weights (models.stacked). Several generator steps run inside one
compiled `tf.function` (optionally XLA), so Python only wakes up to evaluate and log. Randomness is
stateless (`tf.random.stateless_*` keyed by a step counter): a run is a pure function of its seed,
and the counter is all the RNG state a checkpoint needs.

Update rules, per generator step:
- ``alternating``: n_critic critic steps, then a generator step against the updated critic (Alg. 1).
- ``ttur``: alternating with one critic step and separate step sizes lr_d ≠ lr_g (Heusel et al.).
- ``simultaneous``: SGDA — both gradients at the same parameters, then both updates.
- ``optimistic``: simultaneous with optimistic gradients 2gₜ − gₜ₋₁ (g₋₁ = 0) handed to Adam — optimism
  on the raw gradients, not the Optimistic Adam of Daskalakis et al. (2018), which extrapolates Adam's step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from gantheory.models.stacked import stacked_mlp
from gantheory.progress import progress_bar
from gantheory.seeding import derive_seed

UPDATE_RULES = ("alternating", "ttur", "simultaneous", "optimistic")
GP_EPSILON = 1e-12  # inside the norm's square root: sqrt(0) has an infinite gradient


def gradient_penalty(critic, real, fake, eps):
    """Per seed (K,): E[(‖∇D(x̂)‖ − 1)²] at x̂ = εx + (1−ε)x̃; inputs (K, B, d), eps (K, B, 1) ~ U[0, 1]."""
    mixed = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        d_mixed = critic(mixed)
    grad = tape.gradient(d_mixed, mixed)
    norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=-1) + GP_EPSILON)
    return tf.reduce_mean(tf.square(norm - 1.0), axis=1)


def wgan_gp_critic_losses(critic, real, fake, eps, gp_weight: float):
    """Per seed (K,): E[D(fake)] − E[D(real)] + λ·gradient penalty (the critic minimises it)."""
    wasserstein = tf.reduce_mean(critic(fake), axis=[1, 2]) - tf.reduce_mean(critic(real), axis=[1, 2])
    return wasserstein + gp_weight * gradient_penalty(critic, real, fake, eps)


@dataclass(frozen=True)
class GANConfig:
    """Everything that defines a WGAN-GP run except the data and the seed."""

    rule: str = "alternating"
    n_critic: int = 5
    lr_d: float = 1e-4
    lr_g: float = 1e-4
    beta_1: float = 0.0
    beta_2: float = 0.9
    gp_weight: float = 10.0
    batch_size: int = 256
    latent_dim: int = 2
    gen_widths: tuple[int, ...] = (128, 128, 128)
    critic_widths: tuple[int, ...] = (128, 128, 128)
    output_activation: str | None = None
    seeds: int = 1
    jit_compile: bool = False  # XLA: 6-8x slower for these MLPs on CPU (benchmarks/); its RNG draws differ

    def __post_init__(self):
        if self.rule not in UPDATE_RULES:
            raise ValueError(f"update rule must be one of {UPDATE_RULES}, got {self.rule!r}")
        if self.rule in ("simultaneous", "optimistic", "ttur") and self.n_critic != 1:
            raise ValueError(
                f"update rule {self.rule!r} takes one critic step per generator step, got n_critic={self.n_critic}"
            )

    def gradient_evaluations_per_step(self) -> int:
        """Critic plus generator gradient evaluations per generator step (the compute budget unit)."""
        return self.n_critic + 1


@dataclass
class TrainingLog:
    steps: list[int] = field(default_factory=list)
    wall_clock_s: list[float] = field(default_factory=list)
    critic_loss: list[np.ndarray] = field(default_factory=list)  # (K,) each
    generator_loss: list[np.ndarray] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)
    diverged_step: np.ndarray | None = None


class WGANGP:
    """K independent WGAN-GPs on the same data, advanced together."""

    def __init__(self, config: GANConfig, real_data: np.ndarray, seed: int):
        self.config = config
        self.real = tf.constant(np.asarray(real_data, np.float32).reshape(len(real_data), -1))
        self.data_dim = int(self.real.shape[1])
        k = config.seeds
        self.generator = stacked_mlp(
            list(config.gen_widths),
            self.data_dim,
            k,
            derive_seed(seed, "generator"),
            output_activation=config.output_activation,
            name="generator",
        )
        self.critic = stacked_mlp(list(config.critic_widths), 1, k, derive_seed(seed, "critic"), name="critic")
        self.generator(tf.zeros((k, 1, config.latent_dim)))
        self.critic(tf.zeros((k, 1, self.data_dim)))
        self.d_optimizer = keras.optimizers.Adam(config.lr_d, beta_1=config.beta_1, beta_2=config.beta_2)
        self.g_optimizer = keras.optimizers.Adam(config.lr_g, beta_1=config.beta_1, beta_2=config.beta_2)
        self.d_optimizer.build(self.critic.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.stream_key = tf.constant(derive_seed(seed, "stream"), tf.int64)
        self.eval_key = tf.constant(derive_seed(seed, "evaluation"), tf.int64)
        self.counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="rng_counter")
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="generator_step")
        # Last losses live in variables: carrying them through the compiled loop reordered its updates.
        self.last_d_loss = tf.Variable(tf.zeros((k,)), trainable=False, name="last_critic_loss")
        self.last_g_loss = tf.Variable(tf.zeros((k,)), trainable=False, name="last_generator_loss")
        if config.rule == "optimistic":
            self.previous = [
                tf.Variable(tf.zeros_like(v), trainable=False)
                for v in self.critic.trainable_variables + self.generator.trainable_variables
            ]
        self._chunk = tf.function(self._train_chunk, jit_compile=config.jit_compile)

    # --- randomness -------------------------------------------------------------------------
    def _next_seed(self):
        # Use assign_add's own result: a separate read of the counter is not ordered after it in a graph.
        return tf.stack([self.stream_key, tf.convert_to_tensor(self.counter.assign_add(1))])

    def _real_batch(self):
        k, b = self.config.seeds, self.config.batch_size
        idx = tf.random.stateless_uniform(
            (k, b), self._next_seed(), maxval=tf.shape(self.real, out_type=tf.int64)[0], dtype=tf.int64
        )
        return tf.gather(self.real, idx)

    def _noise(self):
        return tf.random.stateless_normal(
            (self.config.seeds, self.config.batch_size, self.config.latent_dim), self._next_seed()
        )

    # --- losses (per seed, shape (K,)) ------------------------------------------------------
    def critic_losses(self, real, z, eps):
        """E[D(fake)] − E[D(real)] + λ E[(‖∇D(x̂)‖ − 1)²], x̂ = εx + (1−ε)x̃ with ε ~ U[0, 1]."""
        return wgan_gp_critic_losses(self.critic, real, self.generator(z), eps, self.config.gp_weight)

    def generator_losses(self, z):
        return -tf.reduce_mean(self.critic(self.generator(z)), axis=[1, 2])

    def _critic_gradients(self):
        real, z = self._real_batch(), self._noise()
        eps = tf.random.stateless_uniform((self.config.seeds, self.config.batch_size, 1), self._next_seed())
        with tf.GradientTape() as tape:
            losses = self.critic_losses(real, z, eps)
            total = tf.reduce_sum(losses)  # seeds share no parameter: the sum's gradient is per seed
        return tape.gradient(total, self.critic.trainable_variables), losses

    def _generator_gradients(self):
        z = self._noise()
        with tf.GradientTape() as tape:
            losses = self.generator_losses(z)
            total = tf.reduce_sum(losses)
        return tape.gradient(total, self.generator.trainable_variables), losses

    # --- one generator step under the update rule ----------------------------------------------
    def _generator_step(self):
        rule = self.config.rule
        d_vars, g_vars = self.critic.trainable_variables, self.generator.trainable_variables
        if rule in ("alternating", "ttur"):
            for _ in range(self.config.n_critic):
                d_grads, d_loss = self._critic_gradients()
                self.d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
            g_grads, g_loss = self._generator_gradients()
        else:
            d_grads, d_loss = self._critic_gradients()
            g_grads, g_loss = self._generator_gradients()  # same parameters: nothing applied yet
            if rule == "optimistic":
                current = list(d_grads) + list(g_grads)
                extrapolated = [2.0 * g - p for g, p in zip(current, self.previous, strict=True)]
                for p, g in zip(self.previous, current, strict=True):
                    p.assign(g)
                d_grads, g_grads = extrapolated[: len(d_grads)], extrapolated[len(d_grads) :]
            self.d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
        self.step.assign_add(1)
        self.last_d_loss.assign(d_loss)
        self.last_g_loss.assign(g_loss)

    def _train_chunk(self, steps):
        for _ in tf.range(steps):
            self._generator_step()

    # --- public -------------------------------------------------------------------------------
    def train_steps(self, steps: int):
        """Advance every seed `steps` generator steps in one compiled call; return last losses (K,)."""
        self._chunk(tf.constant(steps, tf.int64))
        return self.last_d_loss.numpy(), self.last_g_loss.numpy()

    def sample(self, n: int, index: int = 0) -> np.ndarray:
        """n generated samples per seed, (K, n, d), from an evaluation stream that training never uses."""
        z = tf.random.stateless_normal(
            (self.config.seeds, n, self.config.latent_dim), tf.stack([self.eval_key, tf.constant(index, tf.int64)])
        )
        return self.generator(z).numpy()

    def train(self, steps: int, eval_every: int, evaluate=None, label: str = "") -> TrainingLog:
        """Train with an evaluation (a function of (step, samples-getter)) every `eval_every` steps."""
        log = TrainingLog(diverged_step=np.full(self.config.seeds, -1))
        start = time.perf_counter()
        done = 0
        bar = progress_bar(total=steps, desc=label or self.config.rule)
        while True:
            elapsed = time.perf_counter() - start
            log.steps.append(done)
            log.wall_clock_s.append(elapsed)
            if evaluate is not None:
                log.evaluations.append(evaluate(done, self))
            if done >= steps:
                break
            chunk = min(eval_every, steps - done)
            d_loss, g_loss = self.train_steps(chunk)
            done += chunk
            bar.update(chunk)
            log.critic_loss.append(d_loss)
            log.generator_loss.append(g_loss)
            bad = ~(np.isfinite(d_loss) & np.isfinite(g_loss))
            log.diverged_step[bad & (log.diverged_step < 0)] = done
        bar.close()
        return log
