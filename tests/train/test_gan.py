"""The WGAN-GP engine: losses by hand, update-rule order, stacked seeds = separate runs, determinism."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from gantheory.models.stacked import slice_weights  # noqa: E402
from gantheory.train.gan import WGANGP, GANConfig  # noqa: E402

DATA = np.random.default_rng(0).normal(size=(512, 2)).astype(np.float32)


def linear_engine(**overrides) -> WGANGP:
    """Generator and critic without hidden layers: every loss has a closed form."""
    config = GANConfig(
        **{"gen_widths": (), "critic_widths": (), "latent_dim": 2, "batch_size": 8, "seeds": 1, **overrides}
    )
    return WGANGP(config, DATA, seed=5)


def test_critic_loss_and_penalty_match_hand_computation():
    gan = linear_engine(gp_weight=10.0)
    w, b = (np.asarray(v) for v in gan.critic.get_weights())  # (1, 2, 1), (1, 1, 1)
    v, c = (np.asarray(x) for x in gan.generator.get_weights())
    rng = np.random.default_rng(1)
    real, z = rng.normal(size=(1, 8, 2)).astype(np.float32), rng.normal(size=(1, 8, 2)).astype(np.float32)
    eps = rng.uniform(size=(1, 8, 1)).astype(np.float32)
    fake = z[0] @ v[0] + c[0]
    critic = lambda x: x @ w[0] + b[0]  # noqa: E731
    # A linear critic's input gradient is w everywhere: the penalty is (‖w‖ − 1)² exactly.
    expected = critic(fake).mean() - critic(real[0]).mean() + 10.0 * (np.sqrt((w[0] ** 2).sum() + 1e-12) - 1) ** 2
    got = gan.critic_losses(tf.constant(real), tf.constant(z), tf.constant(eps)).numpy()
    np.testing.assert_allclose(got, [expected], rtol=1e-5)
    np.testing.assert_allclose(gan.generator_losses(tf.constant(z)).numpy(), [-critic(fake).mean()], rtol=1e-5)


def test_penalty_gradient_is_finite_when_the_critic_is_flat():
    """sqrt(0) has an infinite derivative; the epsilon inside the norm keeps the penalty's gradient finite."""
    gan = linear_engine()
    gan.critic.set_weights([np.zeros_like(x) for x in gan.critic.get_weights()])
    grads, _ = gan.gda.discriminator_gradients()
    assert all(np.isfinite(g.numpy()).all() for g in grads)


def test_interpolation_weight_is_uniform_on_unit_interval():
    gan = linear_engine(batch_size=4000)
    seed = gan.stream.next_seed()
    eps = tf.random.stateless_uniform((1, 4000, 1), seed).numpy()
    assert eps.min() >= 0 and eps.max() <= 1 and abs(eps.mean() - 0.5) < 0.02


def _generator_gradient_seen(rule: str, n_critic: int, critic_updated: bool):
    """The generator gradient computed by hand with the critic before or after its update."""
    probe = linear_engine(rule=rule, n_critic=n_critic, beta_1=0.0)
    if critic_updated:
        for _ in range(n_critic):
            grads, _ = probe.gda.discriminator_gradients()
            probe.d_optimizer.apply_gradients(zip(grads, probe.critic.trainable_variables, strict=True))
    else:
        probe.stream.counter.assign(3 * n_critic)  # the same random draws, but no critic update
    grads, _ = probe.gda.generator_gradients()
    return [g.numpy() for g in grads]


@pytest.mark.parametrize(
    "rule, n_critic, critic_updated",
    [("alternating", 5, True), ("ttur", 1, True), ("simultaneous", 1, False), ("optimistic", 1, False)],
)
def test_generator_sees_the_critic_its_rule_says(rule, n_critic, critic_updated):
    gan = linear_engine(rule=rule, n_critic=n_critic, beta_1=0.0)
    gan.train_steps(1)
    # With beta_1 = 0, Adam's first moment after one step is the gradient it was given.
    applied = [m.numpy() for m in gan.g_optimizer._momentums]
    if rule == "optimistic":
        applied = [a / 2.0 for a in applied]  # 2gₜ − gₜ₋₁ with gₜ₋₁ = 0
    expected = _generator_gradient_seen(rule, n_critic, critic_updated)
    other = _generator_gradient_seen(rule, n_critic, not critic_updated)
    for a, e in zip(applied, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-7)
    assert any(not np.allclose(a, o, rtol=1e-4, atol=1e-7) for a, o in zip(applied, other, strict=True))


@pytest.mark.parametrize("rule, n_critic", [("alternating", 2), ("simultaneous", 1), ("optimistic", 1)])
def test_a_compiled_chunk_equals_the_same_steps_run_eagerly(rule, n_critic):
    compiled, eager = (linear_engine(rule=rule, n_critic=n_critic) for _ in range(2))
    compiled.train_steps(3)
    for _ in range(3):
        eager.gda.step()
    for a, b in zip(
        compiled.generator.get_weights() + compiled.critic.get_weights(),
        eager.generator.get_weights() + eager.critic.get_weights(),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_rules_draw_the_randomness_they_should():
    for rule, n_critic, draws in (("alternating", 5, 16), ("ttur", 1, 4), ("simultaneous", 1, 4)):
        gan = linear_engine(rule=rule, n_critic=n_critic)
        gan.train_steps(2)
        assert int(gan.stream.counter.numpy()) == 2 * draws and int(gan.step.numpy()) == 2


def test_rules_refuse_several_critic_steps():
    with pytest.raises(ValueError, match="n_critic"):
        GANConfig(rule="simultaneous", n_critic=5)
    with pytest.raises(ValueError, match="update rule"):
        GANConfig(rule="extragradient-ish")


def test_stacked_seeds_compute_what_separate_models_compute():
    config = dict(gen_widths=(16, 16), critic_widths=(16, 16), latent_dim=3, batch_size=32)
    stacked = WGANGP(GANConfig(**config, seeds=3), DATA, seed=9)
    rng = np.random.default_rng(2)
    real = rng.normal(size=(3, 32, 2)).astype(np.float32)
    z = rng.normal(size=(3, 32, 3)).astype(np.float32)
    eps = rng.uniform(size=(3, 32, 1)).astype(np.float32)
    with tf.GradientTape() as tape:
        losses = stacked.critic_losses(real, z, eps)
        total = tf.reduce_sum(losses)
    grads = tape.gradient(total, stacked.critic.trainable_variables)
    for k in range(3):
        alone = WGANGP(GANConfig(**config, seeds=1), DATA, seed=123)
        alone.generator.set_weights(slice_weights(stacked.generator, k))
        alone.critic.set_weights(slice_weights(stacked.critic, k))
        with tf.GradientTape() as tape:
            loss = alone.critic_losses(real[k : k + 1], z[k : k + 1], eps[k : k + 1])
            total = tf.reduce_sum(loss)
        alone_grads = tape.gradient(total, alone.critic.trainable_variables)
        np.testing.assert_allclose(loss.numpy(), losses.numpy()[k : k + 1], rtol=1e-5)
        for g, a in zip(grads, alone_grads, strict=True):
            np.testing.assert_allclose(g.numpy()[k : k + 1], a.numpy(), rtol=1e-4, atol=1e-6)


def test_training_is_deterministic_and_seeded():
    def weights(seed):
        gan = WGANGP(GANConfig(gen_widths=(16,), critic_widths=(16,), batch_size=16, seeds=2), DATA, seed=seed)
        gan.train_steps(3)
        return np.concatenate([w.ravel() for w in gan.generator.get_weights()])

    np.testing.assert_array_equal(weights(1), weights(1))
    assert not np.allclose(weights(1), weights(2))


def test_the_xla_path_is_deterministic_too():
    def weights():
        gan = WGANGP(GANConfig(gen_widths=(8,), critic_widths=(8,), batch_size=8, jit_compile=True), DATA, seed=4)
        gan.train_steps(2)
        return np.concatenate([w.ravel() for w in gan.critic.get_weights()])

    np.testing.assert_array_equal(weights(), weights())


def test_divergence_is_recorded_per_seed():
    gan = WGANGP(
        GANConfig(gen_widths=(8,), critic_widths=(8,), batch_size=8, seeds=2, lr_d=1e30, lr_g=1e30), DATA * 1e20, seed=1
    )
    log = gan.train(6, eval_every=2)
    assert (log.diverged_step > 0).all()
    assert log.diverged_step.max() <= 6
