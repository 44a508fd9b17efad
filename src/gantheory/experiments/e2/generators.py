"""E2's generators and target sampler: N learnable particles, a small stacked MLP, and fresh stateless
draws from each run's Gaussian-mixture target (K stacked runs at once, (K, B, 1) samples).

Particles start as draws from U[low, high] — neither target — or, for E2.2 (ii), on the target's
Gaussian quadrature at the run's degree; every seed index starts alike in every family, so families
compare paired.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
from keras import ops

from gantheory import backend
from gantheory.experiments.e2.settings import degree_of, targets_of
from gantheory.metrics.one_d import GaussianMixture1D, gaussian_quadrature
from gantheory.models.stacked import stacked_mlp
from gantheory.seeding import derive_seed


def _padded(target: GaussianMixture1D, components: int) -> tuple[np.ndarray, ...]:
    """(weights, means, sds) padded with zero-weight copies, so every run's target has the same shape."""
    pad = components - target.weights.size
    weights = np.concatenate([target.weights, np.zeros(pad)])
    return (weights, *(np.concatenate([v, np.repeat(v[-1:], pad)]) for v in (target.means, target.sds)))


def _float32(values):
    return ops.convert_to_tensor(np.asarray(values, np.float32))


class MixtureSampler:
    """Fresh, stateless draws from each run's own Gaussian mixture: (K, B, 1) for K stacked runs."""

    def __init__(self, targets: list[GaussianMixture1D]):
        components = max(t.weights.size for t in targets)
        weights, means, sds = (np.stack(v) for v in zip(*(_padded(t, components) for t in targets), strict=True))
        self.edges = _float32(np.cumsum(weights, axis=1)[:, None, :-1])  # (K, 1, C − 1)
        self.means, self.sds = _float32(means), _float32(sds)

    def __call__(self, batch: int, seed):
        pick_seed, noise_seed = backend.split(seed, 2)
        k = self.means.shape[0]
        u = backend.uniform((k, batch, 1), pick_seed)
        component = ops.sum(ops.cast(u >= self.edges, "int32"), axis=-1)  # inverse CDF of the weights
        mu = ops.take_along_axis(self.means, component, axis=1)
        sd = ops.take_along_axis(self.sds, component, axis=1)
        return (mu + sd * backend.normal((k, batch), noise_seed))[..., None]


class Particles:
    """N learnable points per run, (K, N, 1): the generated measure is the point set itself. A step sees all
    N points, or a fresh random minibatch of `batch_size` of them when that is smaller (as a GAN sees
    generator samples): then only the points drawn move by their gradient."""

    def __init__(self, start: np.ndarray, batch_size: int):
        self.points = keras.Variable(start[..., None].astype(np.float32), name="particles")
        self.variables = [self.points]
        self.size = start.shape[1]
        self.batch_size = min(batch_size, self.size)

    def batch(self, seed):
        if self.batch_size == self.size:
            return self.points
        k = self.points.shape[0]
        keys = backend.uniform((k, self.size), seed)
        drawn = ops.top_k(keys, self.batch_size)[1]  # without replacement, per run
        return ops.take_along_axis(ops.convert_to_tensor(self.points), drawn[..., None], axis=1)

    def sample(self, n: int, index: int) -> np.ndarray:
        return backend.to_numpy(self.points)[..., 0]


class MLPGenerator:
    """K stacked ReLU MLPs x = G(z), z ~ U[low, high]^latent_dim."""

    def __init__(self, spec: dict, low: float, high: float, batch_size: int, weights: list, eval_key: int):
        self.latent_dim, self.batch_size, self.low, self.high = spec["latent_dim"], batch_size, low, high
        self.seeds = len(weights)
        self.model = stacked_mlp(list(spec["widths"]), 1, self.seeds, 0, name="generator")
        self.model(ops.zeros((self.seeds, 1, self.latent_dim)))
        self.model.set_weights([np.concatenate(ws) for ws in zip(*weights, strict=True)])
        self.variables = list(self.model.trainable_variables)
        self.eval_key = eval_key

    def _latent(self, n, seed):
        shape = (self.seeds, n, self.latent_dim)
        return backend.uniform(shape, seed, minval=self.low, maxval=self.high)

    def batch(self, seed):
        return self.model(self._latent(self.batch_size, seed))

    def sample(self, n: int, index: int) -> np.ndarray:
        """(K, n) from an evaluation stream that training never draws from."""
        return backend.to_numpy(self.model(self._latent(n, backend.seed(self.eval_key, index))))[..., 0]


def quadrature_start(target: GaussianMixture1D, degree: int, n: int) -> np.ndarray:
    """n particles on the target's q-point Gaussian quadrature, q = the fewest points with 2q − 1 ≥ degree,
    allocated to the nodes by weight (largest remainder, ties to the heaviest node): a measure that matches
    the target's moments 1..degree up to that rounding, yet is q atoms — far from the target in W1 (E2.2 (ii))."""
    nodes, weights = gaussian_quadrature(target, (degree + 2) // 2)
    counts = np.floor(weights * n).astype(int)
    remainder = np.round(weights * n - counts, 9)  # ties (a symmetric rule) go to the heaviest node
    order = np.lexsort((-weights, -remainder))
    counts[order[: n - counts.sum()]] += 1
    return np.repeat(nodes, counts)


def initial_generators(
    generator: str, runs: pd.DataFrame, settings: dict, batch_size: int, seed: int, start: str = "uniform"
):
    """The generator of every run, built from its seed index only (identical across families); with
    `start: quadrature` (particles only) from its target's quadrature at its degree instead."""
    low, high = settings["init"]["low"], settings["init"]["high"]
    indices = sorted(set(runs["seed"]))
    if generator == "particles" and start == "quadrature":
        targets, n = targets_of(settings), settings["particles"]
        start = [quadrature_start(targets[r.target], degree_of(r.variant), n) for r in runs.itertuples()]
        return Particles(np.stack(start), batch_size)
    if generator == "particles":
        n = settings["particles"]
        start = {
            s: np.random.default_rng(derive_seed(seed, "e2", "particles", s)).uniform(low, high, n) for s in indices
        }
        return Particles(np.stack([start[s] for s in runs["seed"]]), batch_size)
    spec = settings["generators"]["mlp"]
    single = {}
    for s in indices:
        model = stacked_mlp(list(spec["widths"]), 1, 1, derive_seed(seed, "e2", "mlp", s), name="init")
        model(ops.zeros((1, 1, spec["latent_dim"])))
        single[s] = model.get_weights()
    evaluation_key = derive_seed(seed, "e2", "mlp-evaluation")
    return MLPGenerator(spec, low, high, batch_size, [single[s] for s in runs["seed"]], evaluation_key)


def generator_learning_rate(spec: dict, steps: int):
    """Adam's step size, cosine-decayed to `lr_final` × lr over the run: the end state is then an average
    over the last fresh batches rather than one noisy step (constant if lr_final = 1)."""
    if spec["lr_final"] >= 1.0:
        return spec["lr"]
    return keras.optimizers.schedules.CosineDecay(spec["lr"], max(steps, 1), alpha=spec["lr_final"])
