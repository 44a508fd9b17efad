"""E2's discriminator families behind one interface (Liu, Bousquet & Chaudhuri, NeurIPS 2017).

A family F defines the adversarial divergence d_F(μ, ν) = sup_{f ∈ F} E_μ f − E_ν f. Restricted families
(d_F = 0 does not force μ = ν): polynomials of degree ≤ k and the span of a few fixed random ReLU features,
both written f = c·ψ with ‖c‖₂ ≤ 1, so d_F = ‖E_μ ψ − E_ν ψ‖₂ in closed form (Cauchy–Schwarz) — or found by
projected gradient ascent on c, as a GAN would. Strict families: the Gaussian-kernel MMD (a closed form, no
variables) and a WGAN-GP ReLU critic (strict in the limit of width and training).

Polynomial basis: normalised probabilists' Hermite polynomials h_j(z) = He_j(z)/√(j!), j = 1..k, of the
standardised z = (x − m)/s with the target's own mean m and sd s. They span the same space as the monomials
x, …, x^k (a triangular change of basis), so d_F = 0 exactly when the moments 1..k agree — the claims' subject
— but they are orthonormal under N(m, s²): no feature dwarfs the others (x⁶ vs x) and the ‖c‖ ≤ 1 ball is
not squashed along the high degrees.

Every family works on K stacked runs at once: samples are (K, B, 1), per-run settings (degree, features,
bandwidth, target standardisation) carry a leading K axis, and losses are per run, shape (K,), as the
descent–ascent engine (train.gda) expects. Each family also measures its divergence to a `GaussianMixture1D`
target exactly (`population_divergence`) wherever a closed form exists.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

from gantheory import backend
from gantheory.metrics.one_d import GaussianMixture1D, hermite_feature_means, hermite_features, mmd_to_mixture
from gantheory.models.losses import wgan_gp_critic_losses
from gantheory.models.optimizers import AdamSettings
from gantheory.models.stacked import stacked_mlp

INNER = ("closed_form", "ascent")
NORM_EPSILON = 1e-12  # inside ‖Δ‖'s square root: its gradient at Δ = 0 is otherwise undefined


def _float32(values):
    return ops.convert_to_tensor(np.asarray(values, np.float32))


def _per_run(values, seeds: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size != seeds:
        raise ValueError(f"{name} needs one value per stacked run ({seeds}), got {arr.size}")
    return arr


class Family:
    """d_F between generated and real samples; the discriminator minimises `critic_losses`, the generator
    `generator_losses`. A family without `variables` is maximised in closed form: the generator alone moves."""

    name = "family"
    strict = False
    exact = False  # does `run_divergence` exist (a closed form of d_F to a mixture)?

    def __init__(self, seeds: int):
        self.seeds = seeds
        self.variables: list = []

    def critic_losses(self, real, fake, seed):
        """Per run (K,): what the discriminator's variables minimise (−d_F estimate, plus penalties)."""
        return ops.zeros((self.seeds,))

    def generator_losses(self, real, fake):
        raise NotImplementedError

    def estimate(self, real, fake):
        """Per run (K,): the family's current divergence estimate from samples (K, B, 1)."""
        raise NotImplementedError

    def project(self) -> None:
        """Enforce the family's constraint after a discriminator step (nothing by default)."""
        return None

    def population_divergence(self, x: np.ndarray, targets: list[GaussianMixture1D]) -> np.ndarray | None:
        """Exact d_F between each run's point set x[k] (uniform weights) and its target; None if no closed form."""
        if not self.exact:
            return None
        x = np.asarray(x, np.float64).reshape(self.seeds, -1)
        return np.array([self.run_divergence(x[k], targets[k], k) for k in range(self.seeds)])

    def run_divergence(self, x: np.ndarray, target: GaussianMixture1D, k: int) -> float:
        """Exact d_F between run k's point set x (n,) and its target."""
        raise NotImplementedError


class LinearSpan(Family):
    """f = c·ψ(x), ‖c‖₂ ≤ 1: d_F = ‖E_real ψ − E_fake ψ‖₂, or c trained by projected ascent (`inner`).
    After `use_population(targets)` the real side is the targets' exact E ψ, not a minibatch: the critic
    then sees the population moments the theory speaks of (E2 always does this; a minibatch adds noise of
    the order of the gaps being tested)."""

    exact = True

    def __init__(self, seeds: int, n_features: int, inner: str, seed: int):
        super().__init__(seeds)
        if inner not in INNER:
            raise ValueError(f"inner maximisation must be one of {INNER}, got {inner!r}")
        self.inner, self.n_features = inner, n_features
        if inner == "ascent":
            rng = np.random.default_rng([seed, 1])  # features, if random, draw from [seed, 0]
            start = rng.standard_normal((seeds, n_features))
            start /= np.linalg.norm(start, axis=1, keepdims=True)  # a random unit vector per run
            self.coef = keras.Variable(start.astype(np.float32), name="coefficients")
            self.variables = [self.coef]
        self.population = None

    def use_population(self, targets: list[GaussianMixture1D]) -> None:
        """Read the real side of every loss from run k's exact E_target ψ (K, n_features)."""
        means = np.stack([self.population_features(targets[k], k) for k in range(self.seeds)])
        self.population = _float32(means)

    def features(self, x):
        """(K, B, 1) → (K, B, n_features)."""
        raise NotImplementedError

    def feature_gap(self, real, fake):
        """Δ = E_real ψ − E_fake ψ, per run (K, n_features); E_real ψ exact after `use_population`."""
        real_means = self.population if self.population is not None else ops.mean(self.features(real), axis=1)
        return real_means - ops.mean(self.features(fake), axis=1)

    def _norm(self, gap):
        return ops.sqrt(ops.sum(ops.square(gap), axis=1) + NORM_EPSILON)

    def critic_losses(self, real, fake, seed):
        if self.inner == "closed_form":
            return super().critic_losses(real, fake, seed)
        return -ops.sum(self.coef * self.feature_gap(real, fake), axis=1)

    def generator_losses(self, real, fake):
        gap = self.feature_gap(real, fake)
        if self.inner == "closed_form":
            return self._norm(gap)  # Danskin: the gradient of the max is that of c*·Δ with c* = Δ/‖Δ‖
        return ops.sum(self.coef * gap, axis=1)

    def estimate(self, real, fake):
        """The closed-form maximum ‖Δ‖, or the trained critic's value c·Δ (≤ ‖Δ‖ while ‖c‖ ≤ 1)."""
        gap = self.feature_gap(real, fake)
        return self._norm(gap) if self.inner == "closed_form" else ops.sum(self.coef * gap, axis=1)

    def project(self) -> None:
        norm = ops.sqrt(ops.sum(self.coef * self.coef, axis=1, keepdims=True))  # what tf.norm computes
        self.coef.assign(self.coef / ops.maximum(norm, 1.0))

    def population_features(self, target: GaussianMixture1D, k: int) -> np.ndarray:
        """E_target ψ for run k, exactly."""
        raise NotImplementedError

    def numpy_features(self, x: np.ndarray, k: int) -> np.ndarray:
        """ψ for run k in float64, (n,) → (n, n_features)."""
        raise NotImplementedError

    def population_gaps(self, x: np.ndarray, targets: list[GaussianMixture1D]) -> np.ndarray:
        """(K, n_features): E_target ψ − E_x ψ for each run's point set x[k] (n,) or (n, 1)."""
        x = np.asarray(x, np.float64).reshape(self.seeds, -1)
        return np.stack(
            [
                self.population_features(targets[k], k) - self.numpy_features(x[k], k).mean(axis=0)
                for k in range(self.seeds)
            ]
        )

    def run_divergence(self, x, target, k):
        return float(np.linalg.norm(self.population_features(target, k) - self.numpy_features(x, k).mean(axis=0)))

    def max_gap_null(self, targets: list[GaussianMixture1D], n: int, repeats: int, rng, quantile: float = 0.95):
        """(K,): the `quantile` of max_j |E_target ψ_j − mean ψ_j| over `repeats` i.i.d. target samples of
        size `n`: the largest gap sampling alone leaves at that size (E2.3 version 2 reads gaps against it)."""
        null = np.empty((self.seeds, repeats))
        for k in range(self.seeds):
            population = self.population_features(targets[k], k)
            for r in range(repeats):
                sample = self.numpy_features(targets[k].sample(n, rng), k).mean(axis=0)
                null[k, r] = np.abs(population - sample).max()
        return np.quantile(null, quantile, axis=1)


class Polynomials(LinearSpan):
    """Degree ≤ k polynomials with ‖c‖₂ ≤ 1 in the normalised Hermite basis of z = (x − loc)/scale; runs with
    a lower degree than `max_degree` zero the higher features (one stacked computation for every k)."""

    name = "polynomial"

    def __init__(self, seeds: int, degrees, loc, scale, inner: str = "closed_form", seed: int = 0):
        degrees = np.asarray(degrees, dtype=int).reshape(-1)
        if degrees.size != seeds or np.any(degrees < 1):
            raise ValueError(f"polynomial degrees need one value >= 1 per stacked run ({seeds}), got {degrees}")
        super().__init__(seeds, int(degrees.max()), inner, seed)
        self.degrees = degrees
        self.loc, self.scale = _per_run(loc, seeds, "loc"), _per_run(scale, seeds, "scale")
        orders = np.arange(1, self.n_features + 1)
        self.mask_np = (orders[None, :] <= degrees[:, None]).astype(np.float64)
        self.norms = np.sqrt([math.factorial(j) for j in orders])
        self._mask = _float32(self.mask_np[:, None, :])
        self._loc, self._scale = _float32(self.loc[:, None, None]), _float32(self.scale[:, None, None])
        self._norms = _float32(self.norms)
        if inner == "ascent":
            self.coef.assign(self.coef * _float32(self.mask_np))
            self.project()

    def features(self, x):
        z = (x - self._loc) / self._scale
        he = [ops.ones_like(z), z]  # He_{j+1} = z He_j − j He_{j−1}
        for j in range(1, self.n_features):
            he.append(z * he[j] - j * he[j - 1])
        return ops.concatenate(he[1:], axis=-1) / self._norms * self._mask

    def project(self) -> None:
        if self.inner == "ascent":
            self.coef.assign(self.coef * _float32(self.mask_np))  # degrees above k stay 0
        super().project()

    def numpy_features(self, x, k):
        return hermite_features(x, self.n_features, self.loc[k], self.scale[k]) * self.mask_np[k]

    def population_features(self, target, k):
        return hermite_feature_means(target, self.n_features, self.loc[k], self.scale[k]) * self.mask_np[k]


class RandomReLUFeatures(LinearSpan):
    """The span of N fixed random ReLU features relu(a_i z + b_i), (a_i, b_i) ~ N(0, I₂), z standardised:
    a one-hidden-layer network whose hidden layer never trains — a neural family too small to be strict."""

    name = "relu"

    def __init__(self, seeds: int, n_features: int, loc, scale, inner: str = "closed_form", seed: int = 0):
        super().__init__(seeds, n_features, inner, seed)
        rng = np.random.default_rng([seed, 0])
        self.a, self.b = rng.standard_normal((seeds, n_features)), rng.standard_normal((seeds, n_features))
        self.loc, self.scale = _per_run(loc, seeds, "loc"), _per_run(scale, seeds, "scale")
        self._a, self._b = _float32(self.a[:, None, :]), _float32(self.b[:, None, :])
        self._loc, self._scale = _float32(self.loc[:, None, None]), _float32(self.scale[:, None, None])

    def features(self, x):
        return ops.relu(self._a * (x - self._loc) / self._scale + self._b)

    def numpy_features(self, x, k):
        z = (np.asarray(x, np.float64).reshape(-1, 1) - self.loc[k]) / self.scale[k]
        return np.maximum(self.a[k] * z + self.b[k], 0.0)

    def population_features(self, target, k):
        # relu(a (x − loc)/scale + b) = relu(a' x + b') with a' = a/scale, b' = b − a·loc/scale
        a = self.a[k] / self.scale[k]
        return target.relu_mean(a, self.b[k] - a * self.loc[k])


class GaussianMMD(Family):
    """MMD with a Gaussian kernel, or the mean of Gaussian kernels at several bandwidths `multiples` × the
    run's bandwidth (strict: characteristic kernels; a mixture is not tied to one length scale, so both the
    modes' spacing and their width are seen). Its witness is the closed-form maximiser over the RKHS unit
    ball, so there are no variables. Training minimises the unbiased MMD² estimate."""

    name = "mmd"
    strict = True
    exact = True

    def __init__(self, seeds: int, bandwidth, multiples=(1.0,)):
        super().__init__(seeds)
        self.bandwidths = _per_run(bandwidth, seeds, "bandwidth")[:, None] * np.asarray(multiples, np.float64)
        self._inv_two_h2 = _float32(1.0 / (2.0 * self.bandwidths**2)[:, None, None, :])

    def _mean_kernel(self, x, y, exclude_diagonal: bool):
        sq = ops.square(x - ops.transpose(y, (0, 2, 1)))  # (K, B_x, B_y) for 1-D samples
        gram = ops.mean(ops.exp(-sq[..., None] * self._inv_two_h2), axis=-1)  # mean over bandwidths
        total = ops.sum(gram, axis=(1, 2))
        n, m = ops.cast(x.shape[1], "float32"), ops.cast(y.shape[1], "float32")
        if exclude_diagonal:
            return (total - n) / (n * (n - 1.0))
        return total / (n * m)

    def mmd2(self, real, fake):
        """Unbiased MMD² per run (Gretton et al. 2012, Lemma 6)."""
        return (
            self._mean_kernel(fake, fake, True)
            + self._mean_kernel(real, real, True)
            - 2.0 * self._mean_kernel(fake, real, False)
        )

    def generator_losses(self, real, fake):
        return self.mmd2(real, fake)

    def estimate(self, real, fake):
        return ops.sqrt(ops.maximum(self.mmd2(real, fake), 0.0))

    def run_divergence(self, x, target, k):
        """MMD² of the mean kernel is the mean of the per-bandwidth MMD²."""
        return float(np.sqrt(np.mean([mmd_to_mixture(x, target, h) ** 2 for h in self.bandwidths[k]])))


class WGANGPCritic(Family):
    """A ReLU MLP critic with the gradient penalty (the engine's `wgan_gp_critic_losses`): a trained
    estimate of W1, strict only in the limit of a rich, well-trained critic."""

    name = "wgan_gp"
    strict = True

    def __init__(self, seeds: int, widths, gp_weight: float, seed: int):
        super().__init__(seeds)
        self.gp_weight = gp_weight
        self.critic = stacked_mlp(list(widths), 1, seeds, seed, name="critic")
        self.critic(ops.zeros((seeds, 1, 1)))
        self.variables = list(self.critic.trainable_variables)

    def critic_losses(self, real, fake, seed):
        eps = backend.uniform((self.seeds, real.shape[1], 1), seed)
        return wgan_gp_critic_losses(self.critic, real, fake, eps, self.gp_weight)

    def generator_losses(self, real, fake):
        return -ops.mean(self.critic(fake), axis=(1, 2))

    def estimate(self, real, fake):
        return ops.mean(self.critic(real), axis=(1, 2)) - ops.mean(self.critic(fake), axis=(1, 2))

    def null_estimates(self, samples, pairs: int) -> np.ndarray:
        """(K, pairs): |estimate| between consecutive halves of `samples` (K, 2·pairs·n, 1), all drawn from the
        target: what this critic reports when the generator is the target (its sampling floor)."""
        means = backend.to_numpy(ops.mean(ops.reshape(self.critic(samples), (self.seeds, 2 * pairs, -1)), axis=2))
        return np.abs(means[:, 0::2] - means[:, 1::2])


def build_family(spec: dict, seeds: int, runs: dict, seed: int) -> Family:
    """A family from its config (`kind` plus its keys) and per-run arrays in `runs` (degree, loc, scale,
    bandwidth). Unknown kinds and missing keys raise naming the key."""
    kind = spec.get("kind")
    inner = spec.get("inner", "closed_form")
    if kind == "polynomial":
        return Polynomials(seeds, runs["degree"], runs["loc"], runs["scale"], inner, seed)
    if kind == "relu":
        return RandomReLUFeatures(seeds, _key(spec, "features"), runs["loc"], runs["scale"], inner, seed)
    if kind == "mmd":
        return GaussianMMD(seeds, runs["bandwidth"], spec.get("bandwidths", [1.0]))
    if kind == "wgan_gp":
        return WGANGPCritic(seeds, _key(spec, "widths"), _key(spec, "gp_weight"), seed)
    raise ValueError(f"family kind must be one of polynomial, relu, mmd, wgan_gp; got {kind!r}")


def _key(spec: dict, key: str):
    if key not in spec:
        raise ValueError(f"a {spec.get('kind')} family needs the key {key!r}")
    return spec[key]


def critic_optimizer(spec: dict):
    """Adam for a family whose discriminator trains (keys lr_d, beta_1, beta_2 of its config)."""
    return AdamSettings(spec["lr_d"], spec["beta_1"], spec["beta_2"]).build()
