"""E2 discriminator families: features against NumPy, each family's generator gradient against its
analytic form, the ascent constraint, and the exact population divergences."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from gantheory.metrics.mmd import mmd2_unbiased  # noqa: E402
from gantheory.metrics.one_d import GaussianMixture1D, hermite_features, polynomial_ipm  # noqa: E402
from gantheory.models import discriminators as disc  # noqa: E402

BIMODAL = GaussianMixture1D([0.5, 0.5], [-2.0, 2.0], [0.5, 0.5])
NORMAL = GaussianMixture1D([1.0], [0.0], [1.0])
RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(2, 64, 1))
FAKE = RNG.uniform(-1.5, 1.5, size=(2, 48, 1))


def _generator_gradient(family, real=REAL, fake=FAKE):
    x = tf.Variable(fake, dtype=tf.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(family.generator_losses(tf.constant(real, tf.float32), x))
    return tape.gradient(loss, x).numpy()[..., 0]


def _span_gradient(features, derivatives, real, fake):
    """∂‖Δ‖/∂x_i = −(1/B) (Δ/‖Δ‖)·ψ'(x_i) with Δ = E_real ψ − E_fake ψ, per run."""
    grads = []
    for k in range(len(fake)):
        gap = features(real[k], k).mean(0) - features(fake[k], k).mean(0)
        grads.append(-(derivatives(fake[k], k) @ (gap / np.linalg.norm(gap))) / fake.shape[1])
    return np.stack(grads)


def test_polynomial_features_are_masked_normalised_hermite_polynomials():
    family = disc.Polynomials(2, degrees=[2, 4], loc=[0.5, 0.0], scale=[2.0, 1.0])
    tf_features = family.features(tf.constant(FAKE, tf.float32)).numpy()
    for k, degree in enumerate([2, 4]):
        expected = hermite_features(FAKE[k], 4, family.loc[k], family.scale[k])
        expected[:, degree:] = 0.0
        np.testing.assert_allclose(tf_features[k], expected, rtol=1e-5, atol=1e-5)
    # the closed-form divergence of a point set is the exact polynomial IPM
    divergence = family.population_divergence(FAKE, [NORMAL, NORMAL])
    assert divergence[0] == pytest.approx(polynomial_ipm(FAKE[0], NORMAL, 2, 0.5, 2.0))
    assert divergence[1] == pytest.approx(polynomial_ipm(FAKE[1], NORMAL, 4))


def test_closed_form_polynomial_gradient_is_danskins():
    family = disc.Polynomials(2, degrees=[3, 6], loc=[0.0, 0.0], scale=[1.0, 1.5])

    def features(x, k):
        return hermite_features(x, 6, 0.0, family.scale[k]) * family.mask_np[k]

    def derivatives(x, k):  # h_j' = √j h_{j−1} (He_j' = j He_{j−1}), per unit of x
        lower = np.hstack([np.ones((len(x), 1)), hermite_features(x, 5, 0.0, family.scale[k])])
        return lower * np.sqrt(np.arange(1, 7)) * family.mask_np[k] / family.scale[k]

    expected = _span_gradient(features, derivatives, REAL[..., 0], FAKE[..., 0])
    np.testing.assert_allclose(_generator_gradient(family), expected, rtol=1e-3, atol=1e-6)


def test_random_relu_span_features_population_means_and_gradient():
    family = disc.RandomReLUFeatures(2, 16, loc=[0.0, 0.0], scale=[BIMODAL.sd, 1.0], seed=3)
    np.testing.assert_allclose(
        family.features(tf.constant(FAKE, tf.float32)).numpy()[1], family.numpy_features(FAKE[1], 1), atol=1e-5
    )
    big = BIMODAL.sample(400_000, np.random.default_rng(1))
    np.testing.assert_allclose(family.population_features(BIMODAL, 0), family.numpy_features(big, 0).mean(0), atol=5e-3)

    def derivatives(x, k):
        z = x[:, None] / family.scale[k]
        return (family.a[k] * z + family.b[k] > 0) * family.a[k] / family.scale[k]

    expected = _span_gradient(family.numpy_features, derivatives, REAL[..., 0], FAKE[..., 0])
    np.testing.assert_allclose(_generator_gradient(family), expected, rtol=1e-3, atol=1e-6)
    assert not family.strict and family.variables == []


def test_ascent_coefficients_stay_in_the_ball_and_align_with_the_gap():
    family = disc.Polynomials(2, degrees=[2, 4], loc=[0.0, 0.0], scale=[1.0, 1.0], inner="ascent", seed=1)
    optimizer = keras.optimizers.SGD(5.0)
    real, fake = tf.constant(REAL, tf.float32), tf.constant(FAKE, tf.float32)
    for _ in range(30):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(family.critic_losses(real, fake, None))
        optimizer.apply_gradients(zip(tape.gradient(loss, family.variables), family.variables, strict=True))
        family.project()
    coef, gap = family.coef.numpy(), family.feature_gap(real, fake).numpy()
    assert np.all(np.linalg.norm(coef, axis=1) <= 1 + 1e-6)
    assert np.all(coef[0, 2:] == 0.0)  # degree 2 run: no weight on h3, h4
    cosine = np.sum(coef * gap, axis=1) / np.linalg.norm(gap, axis=1)
    assert np.all(cosine > 0.999)  # the constrained maximiser c* = Δ/‖Δ‖
    # then the critic's value is the closed-form divergence
    np.testing.assert_allclose(-family.critic_losses(real, fake, None).numpy(), np.linalg.norm(gap, axis=1), rtol=1e-3)


def test_mmd_is_the_unbiased_estimate_and_its_gradient_is_the_kernel_witness():
    h = np.array([0.7, 1.3])
    family = disc.GaussianMMD(2, h)
    value = family.mmd2(tf.constant(REAL, tf.float32), tf.constant(FAKE, tf.float32)).numpy()
    for k in range(2):
        assert value[k] == pytest.approx(mmd2_unbiased(FAKE[k], REAL[k], h[k]), abs=1e-5)
    expected = []
    for k in range(2):
        x, y, n, m = FAKE[k, :, 0], REAL[k, :, 0], FAKE.shape[1], REAL.shape[1]
        dxx = x[:, None] - x[None, :]
        dxy = x[:, None] - y[None, :]
        kxx, kxy = np.exp(-(dxx**2) / (2 * h[k] ** 2)), np.exp(-(dxy**2) / (2 * h[k] ** 2))
        expected.append(
            -2 * (dxx * kxx).sum(1) / (h[k] ** 2 * n * (n - 1)) + 2 * (dxy * kxy).sum(1) / (h[k] ** 2 * n * m)
        )
    np.testing.assert_allclose(_generator_gradient(family), np.stack(expected), rtol=1e-3, atol=1e-6)
    assert family.strict and family.variables == []


def test_wgan_gp_critic_gradient_and_its_training_sign():
    family = disc.WGANGPCritic(2, [16, 16], gp_weight=0.1, seed=4)
    x = tf.constant(FAKE, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        d = family.critic(x)
    slope = tape.gradient(d, x).numpy()[..., 0]
    np.testing.assert_allclose(_generator_gradient(family), -slope / FAKE.shape[1], rtol=1e-5, atol=1e-7)
    # a few critic steps on two separated samples give a positive W1 estimate
    real, fake = tf.constant(REAL[:, :48] + 3.0, tf.float32), tf.constant(FAKE, tf.float32)  # the penalty pairs them
    optimizer = keras.optimizers.Adam(1e-2)

    @tf.function
    def critic_step(step):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(family.critic_losses(real, fake, tf.stack([tf.constant(5, tf.int64), step])))
        optimizer.apply_gradients(zip(tape.gradient(loss, family.variables), family.variables, strict=True))

    for step in range(60):
        critic_step(tf.constant(step, tf.int64))
    assert np.all(family.estimate(real, fake).numpy() > 1.0) and family.strict


def test_build_family_names_bad_kinds_and_keys():
    runs = {"degree": [2], "loc": [0.0], "scale": [1.0], "bandwidth": [1.0]}
    assert isinstance(disc.build_family({"kind": "mmd"}, 1, runs, 0), disc.GaussianMMD)
    with pytest.raises(ValueError, match="family kind must be one of"):
        disc.build_family({"kind": "spline"}, 1, runs, 0)
    with pytest.raises(ValueError, match="'features'"):
        disc.build_family({"kind": "relu"}, 1, runs, 0)
    with pytest.raises(ValueError, match="inner maximisation"):
        disc.Polynomials(1, [2], [0.0], [1.0], inner="newton")
    with pytest.raises(ValueError, match="one value >= 1 per stacked run"):
        disc.Polynomials(2, [2], [0.0, 0.0], [1.0, 1.0])


def test_a_bandwidth_mixture_mmd_is_the_mean_of_its_kernels():
    """E2.4's judged MMD: the kernel is the mean of Gaussians at multiples of the run's bandwidth, so MMD² is
    the mean of the single-bandwidth MMD² — in training (unbiased) and against the population."""
    multiples = [0.2, 0.5, 1.0, 2.0]
    family = disc.GaussianMMD(2, [0.7, 1.3], multiples)
    value = family.mmd2(tf.constant(REAL, tf.float32), tf.constant(FAKE, tf.float32)).numpy()
    for k, h in enumerate([0.7, 1.3]):
        singles = [mmd2_unbiased(FAKE[k], REAL[k], m * h) for m in multiples]
        assert value[k] == pytest.approx(np.mean(singles), abs=1e-5)
    exact = family.population_divergence(FAKE[..., 0], [NORMAL, BIMODAL])
    single = disc.GaussianMMD(1, [1.3 * 2.0]).population_divergence(FAKE[1:, :, 0], [BIMODAL])
    assert exact[1] != pytest.approx(single[0]) and exact.shape == (2,)
    from gantheory.metrics.one_d import mmd_to_mixture

    expected = np.sqrt(np.mean([mmd_to_mixture(FAKE[1, :, 0], BIMODAL, m * 1.3) ** 2 for m in multiples]))
    assert exact[1] == pytest.approx(expected, rel=1e-12)


def test_a_span_reads_its_real_side_from_the_population_once_told():
    """E2.2/E2.3 version 2: after `use_population` the loss ignores the real minibatch and sees E_target ψ."""
    family = disc.Polynomials(2, [2, 4], [0.0, 0.0], [1.0, 1.0])
    fake = tf.constant(FAKE, tf.float32)
    batch = family.generator_losses(tf.constant(REAL, tf.float32), fake).numpy()
    family.use_population([NORMAL, BIMODAL])
    other_real = tf.constant(REAL + 5.0, tf.float32)  # a different real batch changes nothing now
    population = family.generator_losses(other_real, fake).numpy()
    np.testing.assert_allclose(population, family.population_divergence(FAKE[..., 0], [NORMAL, BIMODAL]), rtol=1e-4)
    assert not np.allclose(batch, population, rtol=1e-3)
