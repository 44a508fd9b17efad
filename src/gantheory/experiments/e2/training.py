"""E2 — restricted discriminators match moments; strict divergences converge weakly (Liu et al. 2017).

One training job is one (discriminator family, generator kind): every (variant, target, seed) of it is
a stacked run of one computation — a polynomial family stacks its degrees k too — trained by the engine's
descent–ascent (train.gda) with fresh target batches every step, against a generator of
`experiments.e2.generators` (N learnable particles or a small stacked MLP).

Every evaluation measures each run against its target *population* (metrics.one_d): exact W1 on N generated
points (the generator's size, the size of the sampling floor; MMD too, at the start and the end), raw-moment
gaps, and the family's own divergence d_F in closed form (the critic's estimate for WGAN-GP, which has none).
The MLP's moments and d_F use `eval_samples` points, so sampling noise there stays well under the claims'
tolerances. Evaluations are log-spaced in steps, with an even late grid for the strict families
(`evaluation_schedule`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from keras import ops

from gantheory import backend
from gantheory.experiments.e2.generators import (
    MixtureSampler,
    Particles,
    generator_learning_rate,
    initial_generators,
)
from gantheory.experiments.e2.settings import bandwidth, degree_of, run_label, targets_of
from gantheory.metrics.one_d import mmd_to_mixture, moment_gaps, wasserstein1_to_mixture
from gantheory.models.discriminators import LinearSpan, RandomReLUFeatures, build_family, critic_optimizer
from gantheory.models.optimizers import AdamSettings
from gantheory.seeding import derive_seed
from gantheory.train.gda import GradientDescentAscent, run_training

GENERATORS = ("particles", "mlp")
EVALUATION_RESOLUTION = 500  # the finest evaluation step is steps // 500 (workflow/lib/config_check.py agrees)
NULL_CHUNK = 25  # target-sample pairs per critic call when measuring a trained critic's floor


def run_table(family: dict, settings: dict) -> pd.DataFrame:
    """The stacked runs of a family: one row per (variant, target, seed index)."""
    variants = [f"k={k}" for k in family["degrees"]] if family["kind"] == "polynomial" else [family["kind"]]
    rows = [
        {"variant": v, "target": t, "seed": s}
        for v in variants
        for t in settings["targets"]
        for s in range(settings["seeds"])
    ]
    return pd.DataFrame(rows)


class MomentGAN:
    """A family against a generator, K stacked runs, advanced by the engine's descent–ascent rule."""

    def __init__(self, family_spec: dict, generator, runs: pd.DataFrame, targets: dict, settings: dict, seed: int):
        self.runs, self.generator = runs, generator
        self.targets = [targets[t] for t in runs["target"]]
        k = len(runs)
        per_run = {
            "degree": [degree_of(v) for v in runs["variant"]],
            "loc": [t.mean for t in self.targets],
            "scale": [t.sd for t in self.targets],
            "bandwidth": [bandwidth(t, settings) for t in self.targets],
        }
        self.family = build_family(family_spec, k, per_run, derive_seed(seed, "family"))
        if isinstance(self.family, LinearSpan):
            self.family.use_population(self.targets)  # E2.2: the critic's target side is the population
        self.sampler = MixtureSampler(self.targets)
        self.real_batch = generator.batch_size
        self.stream = backend.CounterStream(derive_seed(seed, "stream"))
        self.eval_key = derive_seed(seed, "evaluation")
        self.null_key = derive_seed(seed, "critic null")
        gen_spec = dict(settings["generators"][self.generator_kind])
        if "lr_g" in family_spec:  # a family may fix its own generator step (WGAN-GP: ≤ its critic's)
            gen_spec["lr"] = family_spec["lr_g"]
        schedule = generator_learning_rate(gen_spec, family_spec["steps"])
        g_optimizer = AdamSettings(schedule, gen_spec["beta_1"], gen_spec["beta_2"]).build()
        has_critic = bool(self.family.variables)
        self.gda = GradientDescentAscent(
            family_spec["rule"] if has_critic else "alternating",
            family_spec["n_critic"] if has_critic else 1,
            self.family.variables,
            generator.variables,
            critic_optimizer(family_spec) if has_critic else None,
            g_optimizer,
            self._critic_losses if has_critic else (lambda: ops.zeros((k,))),
            self._generator_losses,
            seeds=k,
            d_project=self.family.project if has_critic else None,
        )
        self.train_steps = self.gda.compile_chunk(players_state=[self.stream.counter])

    def state_variables(self) -> list:
        """All a checkpoint needs: the descent-ascent state (family, generator, optimisers) and the RNG counter."""
        return self.gda.state_variables() + [self.stream.counter]

    @property
    def generator_kind(self) -> str:
        return "particles" if isinstance(self.generator, Particles) else "mlp"

    def _critic_losses(self):
        real = self.sampler(self.real_batch, self.stream.next_seed())
        return self.family.critic_losses(real, self.generator.batch(self.stream.next_seed()), self.stream.next_seed())

    def _generator_losses(self):
        real = self.sampler(self.real_batch, self.stream.next_seed())
        return self.family.generator_losses(real, self.generator.batch(self.stream.next_seed()))

    # --- evaluation ------------------------------------------------------------------------------
    def evaluate(self, step: int, settings: dict, with_mmd: bool = True) -> list[dict]:
        """Per run: exact W1 (and MMD, an N² kernel sum, if `with_mmd`) to the target on N points, moment
        gaps, d_F; only a `diverged` mark for a run that is no longer finite."""
        n, orders = settings["particles"], range(1, settings["moment_orders"] + 1)
        many = self.generator.sample(max(n, settings["eval_samples"]), index=2 * step)
        if isinstance(self.generator, Particles):
            many = many[:, :n]
        points = many[:, :n]
        finite = np.isfinite(many).all(axis=1)
        measured = many if isinstance(self.family, LinearSpan) else points
        objective = self._objective(measured, step, finite)
        null = self.feature_gap_null(many.shape[1], settings["floor_repeats"]) if step == 0 else None
        objective["objective_floor"] = self.objective_floor(measured.shape[1], settings["floor_repeats"], step)
        rows = []
        for k, target in enumerate(self.targets):
            if not finite[k]:
                rows.append({"run": k, "metric": "diverged", "value": 1.0})
                continue
            values = {
                "w1": wasserstein1_to_mixture(points[k], target),
                **{f"moment_gap_{j}": g for j, g in zip(orders, moment_gaps(many[k], target, orders), strict=True)},
            }
            if with_mmd:
                values["mmd"] = mmd_to_mixture(points[k], target, bandwidth(target, settings))
            for name, per_run in objective.items():
                if per_run is not None:
                    values[name] = per_run[k]
            if null is not None:
                values["max_feature_gap_null"] = null[k]
            rows += [{"run": k, "metric": m, "value": float(v)} for m, v in values.items()]
        return rows

    def _objective(self, samples: np.ndarray, step: int, finite: np.ndarray) -> dict:
        """d_F exactly where a closed form exists, else the critic's estimate on fresh evaluation batches
        (undefined at step 0: an untrained critic estimates nothing); restricted spans add their max gap."""
        safe = np.where(finite[:, None], samples, 0.0)
        out = {"objective": self.family.population_divergence(safe, self.targets), "critic_estimate": None}
        if self.family.variables and step > 0:
            n = samples.shape[1]
            real = self.sampler(n, backend.seed(self.eval_key, 2 * step + 1))
            fake = ops.convert_to_tensor(safe[..., None].astype(np.float32))
            estimate = backend.to_numpy(self.family.estimate(real, fake))
            out["critic_estimate"] = estimate
            if out["objective"] is None:
                out["objective"] = estimate
        if isinstance(self.family, LinearSpan):
            out["max_feature_gap"] = np.abs(self.family.population_gaps(safe, self.targets)).max(axis=1)
        return out

    def objective_floor(self, n: int, repeats: int, step: int) -> np.ndarray | None:
        """Per run, the objective's own sampling floor: its value when the generator *is* the target, as
        measured here on n points — the median over `repeats` i.i.d. target samples of the exact d_F
        (recorded once, at step 0; runs sharing (variant, target) share it), or, for a trained critic, the
        median |estimate| between two independent target samples of n points each, at every evaluation
        after step 0 (the floor moves with the critic). E2.4 reads the final objective against it."""
        if self.family.exact:
            if step != 0:
                return None
            floor, groups = np.empty(len(self.runs)), self.runs.groupby(["variant", "target"], sort=False).groups
            for (variant, target), members in groups.items():
                k = int(members[0])
                rng = np.random.default_rng(derive_seed(self.eval_key, "objective floor", variant, target))
                values = [self.family.run_divergence(self.targets[k].sample(n, rng), self.targets[k], k)
                          for _ in range(repeats)]  # fmt: skip
                floor[list(members)] = np.median(values)
            return floor
        if step == 0:
            return None
        values = []
        for start in range(0, repeats, NULL_CHUNK):  # chunks of pairs keep the critic's activations small
            pairs = min(NULL_CHUNK, repeats - start)
            seed = backend.seed(self.null_key, step * repeats + start)
            values.append(self.family.null_estimates(self.sampler(2 * pairs * n, seed), pairs))
        return np.median(np.concatenate(values, axis=1), axis=1)

    def feature_gap_null(self, n: int, repeats: int) -> np.ndarray | None:
        """Random-feature spans (E2.3): per run, the 95th percentile of the max feature-mean gap of i.i.d.
        target samples of the evaluation size n, from a stream of its own; None for other families."""
        if not isinstance(self.family, RandomReLUFeatures):
            return None
        rng = np.random.default_rng(derive_seed(self.eval_key, "feature gap null"))
        return self.family.max_gap_null(self.targets, n, repeats, rng)


def train_family(family_name: str, generator_kind: str, settings: dict, seed: int, checkpoint_path=None):
    """Train every run of one (family, generator). Returns (tidy metrics, final points {run label: (N,)},
    wall-clock seconds); the metrics hold no timings, so identical runs give identical files. With
    `checkpoint_path` the run resumes from a checkpoint there, which it leaves complete (the step removes it)."""
    from gantheory.train.checkpoint import Checkpoint, run_fingerprint

    if family_name not in settings["families"]:
        raise ValueError(
            f"family {family_name!r} is not in e2.families; expected one of {sorted(settings['families'])}"
        )
    if generator_kind not in GENERATORS:
        raise ValueError(f"generator must be one of {GENERATORS}, got {generator_kind!r}")
    family = settings["families"][family_name]
    runs = run_table(family, settings)
    run_seed = derive_seed(seed, "e2", family_name, generator_kind)
    if generator_kind not in family.get("generators", GENERATORS):
        raise ValueError(f"e2.families.{family_name}.generators is {family['generators']}: not {generator_kind!r}")
    generator = initial_generators(
        generator_kind, runs, settings, family["batch_size"], seed, family.get("start", "uniform")
    )
    gan = MomentGAN(family, generator, runs, targets_of(settings), settings, run_seed)
    steps = family["steps"]
    chunk, schedule = evaluation_schedule(steps, family["evaluations"], family.get("late"))
    checkpoint = None
    if checkpoint_path is not None:
        checkpoint = Checkpoint(checkpoint_path, run_fingerprint([family_name, generator_kind, settings, run_seed]))
    log = run_training(
        gan.train_steps,
        len(runs),
        steps,
        chunk,
        lambda step: gan.evaluate(step, settings, with_mmd=step in (0, steps)) if step in schedule else [],
        label=f"E2 {family_name} {generator_kind}",
        checkpoint=checkpoint,
        state=gan.state_variables(),
        metric="w1",
        keep_complete=True,
    )
    labels = {"experiment": "E2", "family": family_name, "kind": family["kind"], "strict": gan.family.strict,
              "generator": generator_kind}  # fmt: skip
    per_run = runs[["variant", "target", "seed"]].to_dict("records")
    frame = log.to_frame(labels, wall_clock=False, run="run", columns_of=lambda row: {**per_run[row["run"]], **row})
    columns = [*labels, "variant", "target", "seed", "step", "metric", "value", "diverged_step"]
    frame = frame[columns] if not frame.empty else frame
    final = gan.generator.sample(settings["particles"], index=10**9)
    points = {
        run_label(family_name, generator_kind, r.variant, r.target, r.seed): final[k]
        for k, r in enumerate(runs.itertuples())
    }
    return frame, points, log.wall_clock_s[-1]


def evaluation_schedule(steps: int, evaluations: int, late: dict | None = None) -> tuple[int, set[int]]:
    """(chunk, evaluation steps): step 0 and `evaluations` steps spaced evenly in log(step) up to `steps`,
    on a grid of 0.2% of the run. Convergence happens early and then levels off; log spacing samples each
    stage alike, and the fine grid puts >= 5 evaluations in a transient as short as ~2% of the run (E2.4).
    With `late` ({count, every}) also the last `count` steps every `every` up to `steps`: an even late
    grid whose median (E2.4's final value) averages the plateau."""
    chunk = max(1, steps // EVALUATION_RESOLUTION)
    grid = np.geomspace(chunk, max(steps, chunk), max(evaluations, 1))
    late_grid = range(steps, steps - late["count"] * late["every"], -late["every"]) if late else []
    if late and late["every"] % chunk:
        raise ValueError(f"late evaluations every {late['every']} steps must be a multiple of the chunk {chunk}")
    return chunk, {0, steps, *(int(min(steps, chunk * round(g / chunk))) for g in grid), *late_grid}


def families_of(settings: dict, generator_kind: str) -> list[str]:
    """The families that train this generator kind: all, but for those whose `generators` names others."""
    return [n for n, f in settings["families"].items() if generator_kind in f.get("generators", GENERATORS)]


def train_generator(
    generator_kind: str, settings: dict, seed: int, families: list[str] | None = None, checkpoints=None
):
    """Every family (or the named ones) against one generator kind: (metrics, final points, seconds per family).
    With `checkpoints` (a folder), one checkpoint per family there: a killed job resumes where it was."""
    frames, points, seconds = [], {}, {}
    for name in families or families_of(settings, generator_kind):
        path = None if checkpoints is None else Path(checkpoints) / f"{name}.npz"
        frame, final, wall = train_family(name, generator_kind, settings, seed, path)
        frames.append(frame)
        points.update(final)
        seconds[name] = wall
    return pd.concat(frames, ignore_index=True), points, seconds
