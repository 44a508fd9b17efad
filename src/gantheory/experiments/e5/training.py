"""E5 — forward super-resolution (Allen-Zhu & Li, ICLR 2023): SGDA learns a hierarchical distribution.

A multi-resolution generator (models.multires) trains by simultaneous SGDA (train.gda) against WGAN-GP
critics: one per resolution with their losses summed (`multi`), or one on the top level only (`single`).
K seeds are stacked into one computation. The generator's weights are also averaged (EMA, decay from
config) *inside the compiled step*: the generator's Adam keeps the average (Keras `use_ema`) and an EMA copy
of the generator receives it between chunks for evaluation. Every evaluation measures, per seed and for the
raw and EMA generators, the MMD of each output head (level) and of each band of the top-level image, the
FD where the sample size allows, the code densities and (synthetic data) the dictionary recovery.
"""

from __future__ import annotations

import numpy as np
from keras import ops

from gantheory import backend
from gantheory.data.fsr import detail_projection, pyramid
from gantheory.experiments.e5.reference import decompositions
from gantheory.metrics import frechet_distance
from gantheory.metrics.dictionary import activation_density, matched_cosine
from gantheory.metrics.mmd import MMDToReference
from gantheory.models.losses import wgan_gp_critic_losses
from gantheory.models.multires import MultiResolutionGenerator, level_critics
from gantheory.models.optimizers import AdamSettings
from gantheory.seeding import derive_seed
from gantheory.train.gda import GradientDescentAscent, evaluation_grid, run_training

GENERATORS = ("raw", "ema")


def critic_levels(variant: dict, levels: int) -> list[int]:
    """`multi`: a critic per resolution; `single`: the top resolution only."""
    critics = variant["critics"]
    if critics not in ("all", "top"):
        raise ValueError(f"e5 variant 'critics' must be 'all' or 'top', got {critics!r}")
    return list(range(1, levels + 1)) if critics == "all" else [levels]


class MultiResolutionGAN:
    """K stacked multi-resolution WGAN-GPs trained by the engine's GDA rule, with an EMA generator copy."""

    def __init__(self, model: dict, training: dict, variant: dict, real_levels: list[np.ndarray], seeds: int, seed):
        self.seeds, self.batch = seeds, training["batch_size"]
        self.real = [ops.convert_to_tensor(np.asarray(x, np.float32)) for x in real_levels]
        self.levels = len(real_levels)
        self.sides = [int(round(np.sqrt(x.shape[1]))) for x in real_levels]
        self.judged = critic_levels(variant, self.levels)
        self.gp_weight = training["gp_weight"]
        widths, noise, hidden = model["code_widths"], model["noise_dims"], model["hidden"]
        self.generator = MultiResolutionGenerator(self.sides, widths, noise, hidden, seeds, derive_seed(seed, "g"))
        self.ema_generator = MultiResolutionGenerator(self.sides, widths, noise, hidden, seeds, derive_seed(seed, "g"))
        self.critics = level_critics(self.sides, training["critic_widths"], seeds, derive_seed(seed, "d"), self.judged)
        betas = training["beta_1"], training["beta_2"]
        self.d_optimizer = AdamSettings(training["lr_d"], *betas).build()
        self.g_optimizer = AdamSettings(training["lr_g"], *betas, ema_decay=training["ema_decay"]).build()
        self.initial_atoms = [backend.to_numpy(self.generator.atoms(level)) for level in range(1, self.levels + 1)]
        self.stream = backend.CounterStream(derive_seed(seed, "stream"))
        self.eval_key = derive_seed(seed, "evaluation")
        d_vars = [v for level in self.judged for v in self.critics[level].trainable_variables]
        self.gda = GradientDescentAscent(
            training["rule"],
            1,
            d_vars,
            self.generator.trainable_variables,
            self.d_optimizer,
            self.g_optimizer,
            self._critic_losses,
            self._generator_losses,
            seeds=seeds,
        )
        self.train_steps = self.gda.compile_chunk(players_state=[self.stream.counter])

    def _noise(self, batch, seed_fn):
        return [backend.normal((self.seeds, batch, n), seed_fn()) for n in self.generator.noise_dims]

    def _real_batch(self):
        idx = backend.indices((self.seeds, self.batch), self.stream.next_seed(), int(self.real[0].shape[0]))
        return [ops.take(x, idx, axis=0) for x in self.real]  # the same images at every level

    # --- losses (per seed, (K,)): summed over the judged levels -----------------------------------
    def _critic_losses(self):
        real = self._real_batch()
        fake, _ = self.generator(self._noise(self.batch, self.stream.next_seed))
        total = 0.0
        for level in self.judged:
            eps = backend.uniform((self.seeds, self.batch, 1), self.stream.next_seed())
            critic = self.critics[level]
            total += wgan_gp_critic_losses(critic, real[level - 1], fake[level - 1], eps, self.gp_weight)
        return total

    def _generator_losses(self):
        fake, _ = self.generator(self._noise(self.batch, self.stream.next_seed))
        return -sum(ops.mean(self.critics[lv](fake[lv - 1]), axis=(1, 2)) for lv in self.judged)

    # --- public -------------------------------------------------------------------------------------
    def sync_ema(self) -> None:
        """Copy the optimizer's moving average (updated every step) into the EMA generator; before the
        first step the average is the weights themselves (Keras starts it at zero and copies on step 1)."""
        averages = self.g_optimizer._model_variables_moving_average  # Keras keeps them in build() order
        if int(backend.to_numpy(self.gda.step_count)) == 0:
            averages = self.generator.trainable_variables
        for target, average in zip(self.ema_generator.trainable_variables, averages, strict=True):
            target.assign(average)

    def sample(self, n: int, index: int, which: str = "raw"):
        """(levels, codes) as NumPy lists of (K, n, d), from an evaluation stream training never uses;
        the raw and EMA generators get the same noise at the same index."""
        noise = [
            backend.normal((self.seeds, n, dim), backend.seed(self.eval_key, index * 16 + i))
            for i, dim in enumerate(self.generator.noise_dims)
        ]
        generator = self.generator if which == "raw" else self.ema_generator
        levels, codes = generator(noise)
        return [backend.to_numpy(x) for x in levels], [backend.to_numpy(c) for c in codes]

    def atoms(self, level: int, which: str = "raw") -> np.ndarray:
        return backend.to_numpy((self.generator if which == "raw" else self.ema_generator).atoms(level))

    def state_variables(self) -> list:
        """All a checkpoint needs: the descent-ascent state (the EMA average is a slot of the generator's
        Adam) plus the RNG counter; the EMA generator is copied from that average before every evaluation."""
        return self.gda.state_variables() + [self.stream.counter]

    def train(self, steps: int, eval_every: int | list[int], evaluate=None, label: str = "", checkpoint=None):
        def evaluation(step):
            self.sync_ema()
            return evaluate(step, self)

        top = {"generator": "ema", "kind": "level", "level": self.levels}  # the progress line's headline
        return run_training(
            self.train_steps,
            self.seeds,
            steps,
            eval_every,
            evaluation if evaluate else None,
            label,
            checkpoint=checkpoint,
            state=self.state_variables(),
            metric="mmd",
            metric_where=top,
            keep_complete=True,  # the step removes it once the outputs are written
        )


class PyramidEvaluator:
    """Per seed, raw and EMA generator: MMD of every head and band to the real reference, FD of the heads
    where n ≥ 10 d, code densities, and (synthetic data) Hungarian-matched cosine to the true atoms."""

    def __init__(self, reference_top: np.ndarray, reference: dict, levels: int, truth_atoms: list | None = None):
        self.levels, self.n, self.truth_atoms = levels, reference["n"], truth_atoms
        real = decompositions(np.asarray(reference_top, np.float64), levels)
        self.targets = {
            (e["kind"], e["level"]): MMDToReference(real[e["kind"]][e["level"] - 1], e["bandwidth"])
            for e in reference["entries"]
        }
        self.fd_levels = {e["level"] for e in reference["entries"] if "fd_floor" in e}
        self.real_levels = real["level"]

    def __call__(self, step: int, gan: MultiResolutionGAN) -> list[dict]:
        rows = []
        for which in GENERATORS:
            levels, codes = gan.sample(self.n, index=step, which=which)
            for k in range(gan.seeds):
                row = {"generator": which, "seed": k}
                if not all(np.isfinite(x[k]).all() for x in levels):
                    rows.append({**row, "metric": "diverged", "kind": "run", "level": 0, "value": 1.0})
                    continue
                parts = decompositions(levels[-1][k].astype(np.float64), self.levels)
                parts["level"] = [x[k].astype(np.float64) for x in levels]  # the heads, not the top's pools
                for (kind, level), target in self.targets.items():
                    value = target.mmd(parts[kind][level - 1])
                    rows.append({**row, "metric": "mmd", "kind": kind, "level": level, "value": value})
                for level in sorted(self.fd_levels):
                    value = frechet_distance(parts["level"][level - 1], self.real_levels[level - 1])
                    rows.append({**row, "metric": "fd", "kind": "level", "level": level, "value": value})
                for level, code in enumerate(codes, 1):
                    value = activation_density(code[k])
                    rows.append({**row, "metric": "density", "kind": "level", "level": level, "value": value})
                rows += self._dictionary_rows(gan, which, k, row)
        return rows

    def _dictionary_rows(self, gan, which: str, k: int, row: dict) -> list[dict]:
        """Matched |cos| of each level's atoms as they are ("level") and of their detail part ("band")."""
        if self.truth_atoms is None:
            return []
        rows = []
        for level, true in enumerate(self.truth_atoms, 1):
            learned = gan.atoms(level, which)[k].astype(np.float64)
            value = matched_cosine(learned, true)
            rows.append({**row, "metric": "dictionary_cosine", "kind": "level", "level": level, "value": value})
            if level > 1:
                value = matched_cosine(detail_projection(learned), true)
                rows.append({**row, "metric": "dictionary_cosine", "kind": "band", "level": level, "value": value})
        return rows


def train_run(
    dataset_name: str,
    dataset: dict,
    variant_name: str,
    variant: dict,
    training: dict,
    seeds: int,
    run_seed: int,
    train_top: np.ndarray,
    reference_top: np.ndarray,
    reference: dict,
    levels: int,
    truth_atoms: list | None = None,
    checkpoint_path=None,
):
    """Train `seeds` stacked multi-resolution GANs from `run_seed` (the step derives it); return (tidy
    metrics, final samples, dictionaries). With `checkpoint_path` the run resumes from a checkpoint there,
    which it leaves complete (the step removes it once the outputs are written)."""
    from gantheory.train.checkpoint import Checkpoint, run_fingerprint

    train_top = np.asarray(train_top, np.float32).reshape(len(train_top), -1)
    gan = MultiResolutionGAN(dataset, training, variant, pyramid(train_top, levels), seeds, run_seed)
    evaluator = PyramidEvaluator(reference_top, reference, levels, truth_atoms)
    steps = dataset["steps"]
    grid = evaluation_grid(steps, dataset["evaluations"], dataset.get("dense_evaluations"))
    checkpoint = None
    if checkpoint_path is not None:
        spec = [dataset_name, dataset, variant_name, variant, training, seeds, run_seed, truth_atoms is not None]
        checkpoint = Checkpoint(checkpoint_path, run_fingerprint(spec, train_top, reference_top))
    log = gan.train(steps, grid, evaluator, label=f"E5 {dataset_name} {variant_name}", checkpoint=checkpoint)
    gan.sync_ema()  # a run restored complete evaluated nothing: its EMA generator comes from the restored average
    frame = log.to_frame({"experiment": "E5", "dataset": dataset_name, "variant": variant_name})
    samples = {}
    for which in GENERATORS:
        generated, codes = gan.sample(dataset["keep_samples"], index=10**6, which=which)
        samples.update({f"{which}_level{i}": x for i, x in enumerate(generated, 1)})
        samples.update({f"{which}_code{i}": c for i, c in enumerate(codes, 1)})
    atoms = {f"initial_atoms{i}": a for i, a in enumerate(gan.initial_atoms, 1)}
    for which in GENERATORS:
        atoms.update({f"{which}_atoms{i}": gan.atoms(i, which) for i in range(1, levels + 1)})
    return frame, samples, atoms
