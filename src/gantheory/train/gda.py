"""Gradient descent–ascent for any two players: the update rules every GAN experiment shares.

A discriminator (variables `d_vars`) minimises `d_loss()` and a generator (`g_vars`) minimises
`g_loss()`; both loss functions draw their own batches and return per-seed losses (K,), so K
independent runs stacked in one set of variables advance together (their sum's gradient is per seed).
The rules, per generator step:
- ``alternating``: n_critic discriminator steps, then a generator step against the updated one (WGAN-GP Alg. 1).
- ``ttur``: alternating with one discriminator step and separate step sizes lr_d ≠ lr_g (Heusel et al.).
- ``simultaneous``: SGDA — both gradients at the same parameters, then both updates.
- ``optimistic``: simultaneous with optimistic gradients 2gₜ − gₜ₋₁ (g₋₁ = 0) handed to the optimiser —
  optimism on the raw gradients, not the Optimistic Adam of Daskalakis et al. (2018).
A discriminator without variables (e.g. MMD, a closed-form inner maximum) leaves only generator steps.
`d_project` runs after each discriminator update (a norm constraint, say).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from keras import ops

from gantheory import backend
from gantheory.progress import Progress, summary

UPDATE_RULES = ("alternating", "ttur", "simultaneous", "optimistic")


def check_rule(rule: str, n_critic: int) -> None:
    if rule not in UPDATE_RULES:
        raise ValueError(f"update rule must be one of {UPDATE_RULES}, got {rule!r}")
    if rule in ("simultaneous", "optimistic", "ttur") and n_critic != 1:
        raise ValueError(f"update rule {rule!r} takes one critic step per generator step, got n_critic={n_critic}")
    if n_critic < 1:
        raise ValueError(f"n_critic must be >= 1, got {n_critic}")


class GradientDescentAscent:
    """One generator step under an update rule; `step()` runs inside a compiled chunk (`compile_chunk`)."""

    def __init__(
        self,
        rule: str,
        n_critic: int,
        d_vars: list,
        g_vars: list,
        d_optimizer,
        g_optimizer,
        d_loss: Callable[[], object],
        g_loss: Callable[[], object],
        seeds: int,
        d_project: Callable[[], None] | None = None,
    ):
        check_rule(rule, n_critic)
        self.rule, self.n_critic = rule, n_critic
        self.d_vars, self.g_vars = list(d_vars), list(g_vars)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.d_loss_fn, self.g_loss_fn, self.d_project = d_loss, g_loss, d_project
        if self.d_vars:
            d_optimizer.build(self.d_vars)
        g_optimizer.build(self.g_vars)
        self.step_count = backend.state_variable(0, "int64", "generator_step")
        # Last losses live in variables: carrying them through the compiled loop reordered its updates.
        self.last_d_loss = backend.state_variable(np.zeros(seeds, np.float32), "float32", "last_critic_loss")
        self.last_g_loss = backend.state_variable(np.zeros(seeds, np.float32), "float32", "last_generator_loss")
        if rule == "optimistic":
            self.previous = [
                backend.state_variable(np.zeros(v.shape, np.float32), "float32", f"previous_gradient{i}")
                for i, v in enumerate(self.d_vars + self.g_vars)
            ]

    def discriminator_gradients(self):
        """(gradients, per-seed losses) of the discriminator on a fresh batch; nothing is applied."""
        return backend.gradients(self.d_loss_fn, self.d_vars)

    def generator_gradients(self):
        return backend.gradients(self.g_loss_fn, self.g_vars)

    def _update_discriminator(self, grads):
        if self.d_vars:
            self.d_optimizer.apply_gradients(zip(grads, self.d_vars, strict=True))
            if self.d_project is not None:
                self.d_project()

    def step(self):
        """One generator step (with its discriminator steps) under the rule."""
        if self.rule in ("alternating", "ttur"):
            for _ in range(self.n_critic):
                d_grads, d_loss = self.discriminator_gradients()
                self._update_discriminator(d_grads)
            g_grads, g_loss = self.generator_gradients()
        else:
            d_grads, d_loss = self.discriminator_gradients()
            g_grads, g_loss = self.generator_gradients()  # same parameters: nothing applied yet
            if self.rule == "optimistic":
                current = list(d_grads) + list(g_grads)
                extrapolated = [2.0 * g - p for g, p in zip(current, self.previous, strict=True)]
                for p, g in zip(self.previous, current, strict=True):
                    p.assign(g)
                d_grads, g_grads = extrapolated[: len(d_grads)], extrapolated[len(d_grads) :]
            self._update_discriminator(d_grads)
        self.g_optimizer.apply_gradients(zip(g_grads, self.g_vars, strict=True))
        self.step_count.assign_add(1)
        self.last_d_loss.assign(ops.broadcast_to(ops.cast(d_loss, "float32"), self.last_d_loss.shape))
        self.last_g_loss.assign(ops.broadcast_to(ops.cast(g_loss, "float32"), self.last_g_loss.shape))

    def state_variables(self) -> list:
        """Everything a checkpoint must hold to continue exactly: weights, optimiser slots, step, losses."""
        state = self.d_vars + self.g_vars
        if self.d_vars:
            state += list(self.d_optimizer.variables)
        state += list(self.g_optimizer.variables) + [self.step_count, self.last_d_loss, self.last_g_loss]
        return state + list(getattr(self, "previous", []))

    def compile_chunk(self, jit_compile: bool = False, players_state: list = ()):
        """A compiled function advancing `steps` generator steps (backend.compile_steps), returning the last
        per-seed losses. `players_state`: the players' own changing variables (a random counter, an EMA)."""
        advance = backend.compile_steps(self.step, self.state_variables() + list(players_state), jit_compile)

        def run(steps: int):
            advance(steps)
            return backend.to_numpy(self.last_d_loss), backend.to_numpy(self.last_g_loss)

        run.step_flops = getattr(advance, "step_flops", None)  # JAX only: XLA's count, for benchmarks
        return run


def evaluation_grid(steps: int, evaluations: int, dense: dict | None = None) -> list[int]:
    """Steps to evaluate at: every steps // evaluations, and with `dense` ({until, every}) also every `every`
    steps up to `until` — an early grid fine enough to resolve when things are first learned, while the late
    grid (the one final values are read from) stays as it was."""
    every = max(1, steps // evaluations)
    grid = set(range(0, steps + 1, every)) | {steps}
    if dense:
        grid |= set(range(0, min(dense["until"], steps) + 1, dense["every"]))
    return sorted(grid)


@dataclass
class TrainingLog:
    steps: list[int] = field(default_factory=list)
    wall_clock_s: list[float] = field(default_factory=list)
    critic_loss: list[np.ndarray] = field(default_factory=list)  # (K,) each
    generator_loss: list[np.ndarray] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)
    diverged_step: np.ndarray | None = None

    def to_frame(self, labels: dict, per_step=None, wall_clock: bool = True, run: str = "seed", columns_of=None):
        """The log as tidy rows, one per row an evaluation returned: `labels`, that row's own columns, the
        step, `per_step(step)`'s columns, the wall-clock, and last each run's `diverged_step` (−1: never),
        read by the row's `run` column (the stacked seed's index). `columns_of(row)`: what a row contributes
        (default: the row itself)."""
        import pandas as pd

        rows = []
        for step, wall, evaluation in zip(self.steps, self.wall_clock_s, self.evaluations, strict=True):
            for row in evaluation:
                extra = per_step(step) if per_step else {}
                own = columns_of(row) if columns_of else row
                rows.append({**labels, **own, "step": step, **extra, **({"wall_clock_s": wall} if wall_clock else {})})
        frame = pd.DataFrame(rows)
        if not frame.empty:
            frame["diverged_step"] = frame[run].map(dict(enumerate(self.diverged_step)))
        return frame


def run_training(
    train_steps: Callable[[int], tuple[np.ndarray, np.ndarray]],
    seeds: int,
    steps: int,
    eval_every: int | Sequence[int],
    evaluate: Callable[[int], dict] | None = None,
    label: str = "",
    checkpoint=None,
    state: list | None = None,
    metric: str | None = None,
    metric_where: dict | None = None,
    keep_complete: bool = False,
) -> TrainingLog:
    """The one outer loop: chunks of compiled steps, an evaluation between chunks, divergence per seed.

    `eval_every` is an interval, or the steps to evaluate at (`evaluation_grid`; 0 and `steps` always are).

    A seed whose losses turn NaN/inf is recorded as diverged at the end of that chunk (`diverged_step`,
    −1 if never); the others keep training — callers mask diverged seeds out of their figures.
    With a `checkpoint` (train.checkpoint.Checkpoint) the variables in `state` and the log are saved after
    every evaluation and restored on start, so a killed run resumes where it was; the checkpoint is
    removed once the run is complete — or, with `keep_complete`, saved complete and kept (a job that trains
    several runs in turn removes them once its outputs are written; a complete run restarts as a no-op).
    Wall-clock continues from the saved value.
    After every evaluation (every chunk without `evaluate`) one progress line goes to the log: step/total,
    the median over seeds of `metric` in the evaluation's rows (those matching `metric_where`), the median
    critic loss of the last chunk, elapsed and ETA (gantheory.progress); nothing of it reaches the log object.
    """
    if isinstance(eval_every, int | np.integer):
        if steps < 0 or eval_every < 1:
            raise ValueError(f"steps must be >= 0 and eval_every >= 1, got steps={steps}, eval_every={eval_every}")
        grid = None
    else:
        grid = sorted({int(s) for s in eval_every} | {steps})
        if steps < 0 or grid[0] < 0 or grid[-1] > steps:
            raise ValueError(f"evaluation steps must lie in [0, steps={steps}], got {list(eval_every)}")
    if checkpoint is not None and state is None:
        raise ValueError("a checkpoint needs the state variables to save")
    log = checkpoint.load(state, TrainingLog) if checkpoint is not None else None
    resumed = log is not None
    if log is None:
        log = TrainingLog(diverged_step=np.full(seeds, -1))
    done = log.steps[-1] if resumed else 0
    start = time.perf_counter() - (log.wall_clock_s[-1] if resumed else 0.0)
    progress = Progress(steps, label or "training", initial=done)
    while True:
        if not resumed:
            log.steps.append(done)
            log.wall_clock_s.append(time.perf_counter() - start)
            rows = None
            if evaluate is not None:
                rows = evaluate(done)
                log.evaluations.append(rows)
            if rows or evaluate is None or done >= steps:
                headline = summary(rows or [], metric, **(metric_where or {}))
                if log.critic_loss and done > 0:
                    losses = np.asarray(log.critic_loss[-1], np.float64)
                    finite = losses[np.isfinite(losses)]
                    if finite.size and finite.any():  # closed-form families have no critic (loss 0)
                        headline["critic loss"] = float(np.median(finite))
                progress.log(done, headline)
            if checkpoint is not None and (done < steps or keep_complete):
                checkpoint.save(state, log)
        resumed = False
        if done >= steps:
            break
        chunk = min(eval_every, steps - done) if grid is None else next(s for s in grid if s > done) - done
        d_loss, g_loss = train_steps(chunk)
        done += chunk
        progress.update(chunk)
        log.critic_loss.append(d_loss)
        log.generator_loss.append(g_loss)
        bad = ~(np.isfinite(d_loss) & np.isfinite(g_loss))
        log.diverged_step[bad & (log.diverged_step < 0)] = done
    progress.close()
    if checkpoint is not None and not keep_complete:
        checkpoint.remove()
    return log
