"""E1 discriminators: WGAN-GP critics and logistic classifiers against fixed PRG generators.

Every cell — a (generator, target) pair, or a null pair (target vs an independent target draw) — gets
its own critic and classifier; the cells of one (width, depth) are K stacked models (`stacked_mlp`)
trained as one batched computation, and every (width, depth) of a target trains on the same fresh
batches in one compiled step. Cells of smaller dimension m are zero-padded to the largest m and the
models see `x ⊙ mask`, so padded coordinates carry neither signal nor gradient (the gradient penalty
acts on the cell's own m coordinates only). Held-out evaluation draws fresh samples from a stream
training never touches: IPM = E_target f − E_gen f with its standard error, z = IPM/SE, classifier
accuracy, and the critic's gradient-norm p99 (its measured Lipschitz scale).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
from keras import ops

from gantheory import backend
from gantheory.models.losses import wgan_gp_critic_losses
from gantheory.models.optimizers import AdamSettings
from gantheory.models.stacked import stacked_mlp
from gantheory.progress import Progress
from gantheory.seeding import derive_seed
from gantheory.train.gda import run_training


@dataclass(frozen=True)
class Cell:
    """One column of the stacks: a generator row (a Keras model z → x) or a null repeat (model None)."""

    name: str
    m: int
    latent_dim: int = 0
    model: object = None


class TargetSampler:
    """Fresh target samples, keyed (backend's stateless draws): N(0, I_m) or uniform {±1}^m + noise·N(0, I_m)."""

    def __init__(self, target: str, noise: float):
        self.target, self.noise = target, noise

    def __call__(self, shape, seed):
        if self.target == "gauss":
            return backend.normal(shape, seed)
        vertex_seed, noise_seed = backend.split(seed, 2)
        vertex = ops.where(backend.uniform(shape, vertex_seed) < 0.5, -1.0, 1.0)
        return vertex + self.noise * backend.normal(shape, noise_seed)


class Stacks:
    """Cells × samples: builds (K, B, m_max) batches of target and generator/null samples."""

    def __init__(self, cells: list[Cell], target: str, noise: float):
        self.cells = cells
        self.m_max = max(c.m for c in cells)
        self.sampler = TargetSampler(target, noise)
        mask = np.zeros((len(cells), 1, self.m_max), np.float32)
        for k, c in enumerate(cells):
            mask[k, 0, : c.m] = 1.0
        self.mask = ops.convert_to_tensor(mask)

    def batch(self, size: int, stream: int, counter):
        """(real, fake), each (K, size, m_max), zero beyond each cell's m. Draw `counter` of `stream`;
        every cell and side has its own key, so no two draws share random numbers."""
        k = len(self.cells)
        real = self.sampler((k, size, self.m_max), backend.seed(derive_seed(stream, "real"), counter)) * self.mask
        fakes = []
        for i, cell in enumerate(self.cells):
            seed = backend.seed(derive_seed(stream, "fake", i), counter)
            if cell.model is None:
                x = self.sampler((size, cell.m), seed)
            else:  # the generators compute in float64 (backend.enable_float64)
                x = ops.cast(cell.model(backend.normal((size, cell.latent_dim), seed, "float64")), "float32")
            fakes.append(ops.pad(x, [[0, 0], [0, self.m_max - cell.m]]))
        return real, ops.stack(fakes)


class SizedDiscriminators:
    """K stacked WGAN-GP critics and K stacked logistic classifiers of one (width, depth)."""

    def __init__(self, k: int, m_max: int, width: int, depth: int, settings: dict, seed: int, mask):
        hidden = [width] * depth  # depth counts hidden ReLU layers (docs/claims.md, E1)
        self.width, self.depth, self.mask = width, depth, mask
        self.critic = stacked_mlp(
            hidden, 1, k, derive_seed(seed, "critic", width, depth), name=f"critic_w{width}_d{depth}"
        )
        self.classifier = stacked_mlp(
            hidden, 1, k, derive_seed(seed, "classifier", width, depth), name=f"classifier_w{width}_d{depth}"
        )
        for model in (self.critic, self.classifier):
            model(ops.zeros((k, 1, m_max)))
        adam = AdamSettings(settings["learning_rate"], settings["beta_1"], settings["beta_2"])
        self.critic_opt, self.classifier_opt = adam.build(), adam.build()
        self.critic_opt.build(self.critic.trainable_variables)
        self.classifier_opt.build(self.classifier.trainable_variables)
        self.gp_weight = settings["gp_weight"]
        last = np.zeros(k, np.float32)
        self.last_critic_loss = backend.state_variable(last, "float32", f"last_loss_w{width}_d{depth}")

    def state_variables(self) -> list:
        """Weights, optimiser slots and the last losses: what a checkpoint holds to continue exactly."""
        models = self.critic.variables + self.classifier.variables
        return models + list(self.critic_opt.variables) + list(self.classifier_opt.variables) + [self.last_critic_loss]

    def f(self, x):
        """Critic values (K, B, 1) on the cells' own coordinates."""
        return self.critic(x * self.mask)

    def logit(self, x):
        return self.classifier(x * self.mask)

    def classifier_losses(self, real, fake):
        """Per-cell logistic loss (K,): real labelled 1, generated 0."""
        bce = keras.losses.binary_crossentropy
        return ops.mean(bce(ops.ones_like(real[..., :1]), self.logit(real), from_logits=True), axis=1) + ops.mean(
            bce(ops.zeros_like(fake[..., :1]), self.logit(fake), from_logits=True), axis=1
        )

    def step(self, real, fake, eps):
        variables = self.critic.trainable_variables
        grads, losses = backend.gradients(
            lambda: wgan_gp_critic_losses(self.f, real, fake, eps, self.gp_weight), variables
        )
        self.last_critic_loss.assign(losses)  # read by the progress line only
        self.critic_opt.apply_gradients(zip(grads, variables, strict=True))
        variables = self.classifier.trainable_variables
        grads, _ = backend.gradients(lambda: self.classifier_losses(real, fake), variables)
        self.classifier_opt.apply_gradients(zip(grads, variables, strict=True))

    def gradient_norms(self, x):
        grad = backend.input_gradient(self.f, x)
        return ops.sqrt(ops.sum(grad * grad, axis=-1))  # (K, B): what tf.norm computes


def largest(sizes) -> tuple[int, int]:
    """The largest critic of a size list: widest, then deepest (the one E1.5's weak control is read by)."""
    return max((int(w), int(d)) for w, d in sizes)


class Training:
    """The critics and classifiers of the given (width, depth) sizes on one target's cells, trained on the
    same fresh batches in one compiled step; `chunk(n)` runs n more steps of the stateless stream."""

    def __init__(self, cells: list[Cell], target: str, settings: dict, seed: int, sizes):
        self.stacks = Stacks(cells, target, settings["noise"])
        k, batch = len(cells), settings["batch_size"]
        self.sizes = [
            SizedDiscriminators(k, self.stacks.m_max, w, d, settings, seed, self.stacks.mask) for w, d in sizes
        ]
        stream = derive_seed(seed, "train")
        eps_key = derive_seed(stream, "interpolation")
        self.counter = backend.state_variable(0, "int64", "rng_counter")

        def step():
            c = self.counter.assign_add(1)  # its own result: a separate read is not ordered after it on TF
            real, fake = self.stacks.batch(batch, stream, c)
            eps = backend.uniform((k, batch, 1), backend.seed(eps_key, c))
            for disc in self.sizes:
                disc.step(real, fake, eps)

        self._chunk = backend.compile_steps(step, self.state())

    def chunk(self, steps: int) -> np.ndarray:
        """Run `steps` more steps; the critics' last losses (one per size and cell)."""
        self._chunk(steps)
        return np.concatenate([backend.to_numpy(disc.last_critic_loss) for disc in self.sizes])

    def state(self) -> list:
        return [v for disc in self.sizes for v in disc.state_variables()] + [self.counter]


def train_and_evaluate(
    cells: list[Cell], target: str, settings: dict, seed: int, label: str = "", checkpoint=None
) -> pd.DataFrame:
    """Train the critics and classifiers of every (width, depth) on the cells through the engine's outer loop
    (resumable from `checkpoint`, a train.checkpoint.Checkpoint, which it leaves complete for the caller to
    remove), then evaluate them on held-out samples; one row per (width, depth, cell). There is no
    generator step: the cells' generators are fixed."""
    training = Training(cells, target, settings, seed, settings["sizes"])

    def train_steps(n: int):
        losses = training.chunk(n)
        return losses, np.zeros_like(losses)

    steps = settings["steps"]
    label = label or f"E1 {target}"
    log = run_training(
        train_steps,
        len(training.sizes) * len(cells),
        steps,
        max(1, steps // 20),
        label=label,
        checkpoint=checkpoint,
        state=training.state(),
        keep_complete=True,  # the held-out evaluation below is long: the step removes it after the outputs
    )
    train_s = log.wall_clock_s[-1]  # continued across a resume
    start = time.perf_counter()
    rows = evaluate(training.sizes, training.stacks, settings, seed)
    eval_s = time.perf_counter() - start
    summary = {"held-out median z": float(rows["z"].median()), "median accuracy": float(rows["accuracy"].median())}
    with Progress(steps, label, initial=steps) as progress:
        progress.log(steps, {**summary, "evaluation s": eval_s})
    rows.insert(0, "steps", steps)
    rows["train_s"] = train_s
    rows["eval_s"] = eval_s
    return rows


def power_curve(cells: list[Cell], target: str, settings: dict, seed: int, grid, label: str = "") -> pd.DataFrame:
    """E1.5's power curve: the largest critic trained on the cells, evaluated on held-out samples after each
    step count of `grid` (one training run, read as it goes); one row per (steps, cell). A short job, so no
    checkpoint: killed, it starts again."""
    training = Training(cells, target, settings, seed, [largest(settings["sizes"])])
    frames, done = [], 0
    with Progress(int(grid[-1]), label or f"E1 power curve {target}") as progress:
        for steps in grid:
            training.chunk(int(steps) - done)
            progress.update(int(steps) - done)
            done = int(steps)
            rows = evaluate(training.sizes, training.stacks, settings, seed)
            progress.log(done, {c: float(z) for c, z in zip(rows["cell"], rows["z"], strict=True)})
            rows.insert(0, "steps", done)
            frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def evaluate(sizes: list[SizedDiscriminators], stacks: Stacks, settings: dict, seed: int) -> pd.DataFrame:
    """Held-out IPM, SE, z, accuracy and gradient-norm p99 for every (width, depth) and cell."""
    stream, grad_stream = derive_seed(seed, "evaluation"), derive_seed(seed, "gradient norms")
    grad_key = derive_seed(grad_stream, "interpolation")
    total, size = settings["eval_samples"], settings["eval_chunk"]
    f_real = [[] for _ in sizes]
    f_fake = [[] for _ in sizes]
    hits = [np.zeros(len(stacks.cells)) for _ in sizes]

    def values(c):
        real, fake = stacks.batch(size, stream, c)
        out = []
        for disc in sizes:
            out += [
                disc.f(real)[..., 0],
                disc.f(fake)[..., 0],
                disc.logit(real)[..., 0],
                disc.logit(fake)[..., 0],
            ]
        return out

    def norms(c):
        real, fake = stacks.batch(settings["grad_samples"], grad_stream, c)
        eps = backend.uniform(tuple(real.shape[:2]) + (1,), backend.seed(grad_key, c))
        mixed = eps * real + (1.0 - eps) * fake
        return [ops.concatenate([fam.gradient_norms(x) for x in (real, fake, mixed)], axis=1) for fam in sizes]

    models = [v for disc in sizes for v in disc.critic.variables + disc.classifier.variables]
    values, norms = (backend.compile_function(fn, [((), "int64")], models) for fn in (values, norms))
    drawn, c = 0, 0
    while drawn < total:
        c += 1
        out = values(c)
        for i in range(len(sizes)):
            fr, ff, lr, lf = (backend.to_numpy(t).astype(np.float64) for t in out[4 * i : 4 * i + 4])
            f_real[i].append(fr)
            f_fake[i].append(ff)
            hits[i] += (lr > 0).sum(axis=1) + (lf <= 0).sum(axis=1)
        drawn += size
    grads = norms(1)
    rows = []
    for i, disc in enumerate(sizes):
        fr, ff = np.concatenate(f_real[i], axis=1), np.concatenate(f_fake[i], axis=1)
        p99 = np.percentile(backend.to_numpy(grads[i]), 99, axis=1)
        for k, cell in enumerate(stacks.cells):
            ipm = fr[k].mean() - ff[k].mean()
            se = np.sqrt(fr[k].var(ddof=1) / fr.shape[1] + ff[k].var(ddof=1) / ff.shape[1])
            acc = hits[i][k] / (2 * fr.shape[1])
            rows.append(
                {
                    "width": disc.width,
                    "depth": disc.depth,
                    "cell": cell.name,
                    "m": cell.m,
                    "ipm": ipm,
                    "se": se,
                    "z": ipm / se,
                    "grad_p99": float(p99[k]),
                    "ipm_upper": (ipm + 3 * se) / float(p99[k]),
                    "accuracy": acc,
                    "accuracy_se": float(np.sqrt(acc * (1 - acc) / (2 * fr.shape[1]))),
                    "eval_samples": fr.shape[1],
                }
            )
    return pd.DataFrame(rows)
