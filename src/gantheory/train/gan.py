"""The one GAN training engine: WGAN-GP (Gulrajani et al. 2017) with pluggable update rules.

K seeds train at once as stacked weights (models.stacked). Several generator steps run inside one
compiled chunk (backend.compile_steps: a `tf.function`, optionally XLA, or a `jax.jit` loop), so Python
only wakes up to evaluate and log. Randomness is stateless (keyed by a step counter): a run is a pure
function of its seed, and the counter is all the RNG state a checkpoint needs.

The update rules (alternating, ttur, simultaneous, optimistic) live in train.gda, shared with every
other adversarial experiment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from keras import ops

from gantheory import backend
from gantheory.models.losses import wgan_gp_critic_losses
from gantheory.models.optimizers import AdamSettings
from gantheory.models.stacked import stacked_mlp
from gantheory.seeding import derive_seed
from gantheory.train.gda import UPDATE_RULES, GradientDescentAscent, TrainingLog, check_rule, run_training

__all__ = ["GANConfig", "TrainingLog", "UPDATE_RULES", "WGANGP"]


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
        check_rule(self.rule, self.n_critic)

    def gradient_evaluations_per_step(self) -> int:
        """Critic plus generator gradient evaluations per generator step (the compute budget unit)."""
        return self.n_critic + 1


class WGANGP:
    """K independent WGAN-GPs on the same data, advanced together."""

    def __init__(self, config: GANConfig, real_data: np.ndarray, seed: int):
        self.config = config
        self.real = ops.convert_to_tensor(np.asarray(real_data, np.float32).reshape(len(real_data), -1))
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
        self.generator(ops.zeros((k, 1, config.latent_dim)))
        self.critic(ops.zeros((k, 1, self.data_dim)))
        self.d_optimizer = AdamSettings(config.lr_d, config.beta_1, config.beta_2).build()
        self.g_optimizer = AdamSettings(config.lr_g, config.beta_1, config.beta_2).build()
        self.stream = backend.CounterStream(derive_seed(seed, "stream"))
        self.eval_key = derive_seed(seed, "evaluation")
        self.gda = GradientDescentAscent(
            config.rule,
            config.n_critic,
            self.critic.trainable_variables,
            self.generator.trainable_variables,
            self.d_optimizer,
            self.g_optimizer,
            self._critic_losses_on_fresh_batch,
            self._generator_losses_on_fresh_batch,
            seeds=k,
        )
        self.step = self.gda.step_count
        self.train_steps = self.gda.compile_chunk(config.jit_compile, [self.stream.counter])

    def _real_batch(self):
        k, b = self.config.seeds, self.config.batch_size
        return ops.take(self.real, backend.indices((k, b), self.stream.next_seed(), int(self.real.shape[0])), axis=0)

    def _noise(self):
        return backend.normal(
            (self.config.seeds, self.config.batch_size, self.config.latent_dim), self.stream.next_seed()
        )

    # --- losses (per seed, shape (K,)) ------------------------------------------------------
    def critic_losses(self, real, z, eps):
        """E[D(fake)] − E[D(real)] + λ E[(‖∇D(x̂)‖ − 1)²], x̂ = εx + (1−ε)x̃ with ε ~ U[0, 1]."""
        return wgan_gp_critic_losses(self.critic, real, self.generator(z), eps, self.config.gp_weight)

    def generator_losses(self, z):
        return -ops.mean(self.critic(self.generator(z)), axis=(1, 2))

    def _critic_losses_on_fresh_batch(self):
        real, z = self._real_batch(), self._noise()
        eps = backend.uniform((self.config.seeds, self.config.batch_size, 1), self.stream.next_seed())
        return self.critic_losses(real, z, eps)

    def _generator_losses_on_fresh_batch(self):
        return self.generator_losses(self._noise())

    # --- public -------------------------------------------------------------------------------
    def sample(self, n: int, index: int = 0) -> np.ndarray:
        """n generated samples per seed, (K, n, d), from an evaluation stream that training never uses."""
        z = backend.normal((self.config.seeds, n, self.config.latent_dim), backend.seed(self.eval_key, index))
        return backend.to_numpy(self.generator(z))

    def state_variables(self) -> list:
        """All a checkpoint needs: the descent-ascent state plus the RNG counter."""
        return self.gda.state_variables() + [self.stream.counter]

    def train(
        self, steps: int, eval_every: int, evaluate=None, label: str = "", checkpoint=None, metric: str | None = None
    ) -> TrainingLog:
        """Train with an evaluation (a function of (step, this GAN)) every `eval_every` steps; resumable
        from `checkpoint` (train.checkpoint.Checkpoint) if given. `metric`: the evaluation rows' metric whose
        median over seeds each progress line shows."""
        evaluation = None if evaluate is None else (lambda step: evaluate(step, self))
        return run_training(
            self.train_steps,
            self.config.seeds,
            steps,
            eval_every,
            evaluation,
            label=label or self.config.rule,
            checkpoint=checkpoint,
            state=self.state_variables(),
            metric=metric,
        )
