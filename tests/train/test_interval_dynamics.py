"""Batched GAN dynamics on the exact model: update order, convergence, divergence handling."""

import numpy as np

from gantheory.models import interval_gan as m
from gantheory.train.interval_dynamics import simulate


def _one_step(update, k=1):
    mu0, mu_star = np.array([[-1.0, 1.5]]), np.array([[-2.0, 2.0]])
    disc0 = np.array([[-3.0, -1.0, 1.0, 3.0]])
    traj = simulate(
        mu0,
        mu_star,
        disc0,
        dynamic="first_order",
        update=update,
        disc_steps=k,
        gen_lr=0.5,
        disc_lr=0.5,
        steps=1,
        records=1,
    )
    return mu0, mu_star, disc0, traj


def test_simultaneous_generator_sees_the_discriminator_before_its_steps():
    mu0, mu_star, disc0, traj = _one_step("simultaneous", k=2)
    disc = disc0
    for _ in range(2):
        disc = m.project_discriminator(disc + 0.5 * m.discriminator_gradient(mu0, mu_star, disc))
    np.testing.assert_allclose(traj.disc, disc)
    np.testing.assert_allclose(traj.mu, mu0 - 0.5 * m.generator_gradient(mu0, disc0))


def test_alternating_generator_sees_the_updated_discriminator():
    mu0, mu_star, disc0, traj = _one_step("alternating", k=2)
    disc = disc0
    for _ in range(2):
        disc = m.project_discriminator(disc + 0.5 * m.discriminator_gradient(mu0, mu_star, disc))
    np.testing.assert_allclose(traj.mu, mu0 - 0.5 * m.generator_gradient(mu0, disc))
    assert not np.allclose(traj.mu, mu0 - 0.5 * m.generator_gradient(mu0, disc0))


def test_optimal_dynamics_converge_and_decrease_tv():
    mu0, mu_star = np.array([[-2.5, 0.5], [1.0, 2.5]]), np.array([[-1.0, 2.0], [-2.0, 1.5]])
    traj = simulate(mu0, mu_star, dynamic="optimal", gen_lr=0.3, steps=600, records=60)
    np.testing.assert_allclose(np.sort(traj.mu, 1), np.sort(mu_star, 1), atol=0.1)
    assert np.all(traj.tv_monotone)
    assert np.all(traj.tv_first_below > 0)
    for path in traj.tv_path:  # strictly decreasing until TV first drops below 0.02
        reached = np.flatnonzero(path < 0.02)[0]
        assert reached > 1 and np.all(np.diff(path[: reached + 1]) < 0)


def test_each_run_in_a_batch_matches_the_same_run_alone():
    rng = np.random.default_rng(3)
    mu0, mu_star = rng.uniform(-3, 3, (6, 2)), rng.uniform(-3, 3, (6, 2))
    disc0 = np.sort(rng.uniform(-4, 4, (6, 4)), 1)
    lrs = np.array([0.05, 0.1, 0.2, 0.05, 0.1, 0.2])
    together = simulate(mu0, mu_star, disc0, dynamic="first_order", gen_lr=lrs, disc_lr=lrs, steps=50, records=5)
    alone = simulate(
        mu0[2:3], mu_star[2:3], disc0[2:3], dynamic="first_order", gen_lr=0.2, disc_lr=0.2, steps=50, records=5
    )
    np.testing.assert_array_equal(together.mu[2:3], alone.mu)
    np.testing.assert_array_equal(together.disc[2:3], alone.disc)


def test_a_diverging_run_is_frozen_and_recorded_not_propagated():
    mu0, mu_star = np.array([[-1.0, 1.0], [-1.0, 1.0]]), np.array([[-2.0, 2.0], [-2.0, 2.0]])
    disc0 = np.array([[-3.0, -1.0, 1.0, 3.0]] * 2)
    traj = simulate(
        mu0, mu_star, disc0, dynamic="first_order", gen_lr=np.array([np.inf, 0.1]), disc_lr=0.1, steps=20, records=4
    )
    assert traj.diverged_step[0] == 5 and traj.diverged_step[1] == -1
    assert np.isfinite(traj.mu).all() and np.isfinite(traj.mu_path).all() and np.isfinite(traj.tv_path).all()
