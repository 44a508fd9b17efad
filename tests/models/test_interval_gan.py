"""The exact two-Gaussian / two-interval model: gradients, the optimal discriminator, TV."""

import numpy as np
import pytest

from gantheory.models import interval_gan as m


@pytest.fixture
def batch():
    rng = np.random.default_rng(7)
    n = 500
    return rng.uniform(-3, 3, (n, 2)), rng.uniform(-3, 3, (n, 2)), np.sort(rng.uniform(-4, 4, (n, 4)), 1), rng


def test_generator_gradient_matches_finite_differences(batch):
    mu, mu_star, disc, _ = batch
    eps = 1e-6
    numeric = np.stack(
        [
            (m.objective(mu + eps * e, mu_star, disc) - m.objective(mu - eps * e, mu_star, disc)) / (2 * eps)
            for e in np.eye(2)
        ],
        1,
    )
    np.testing.assert_allclose(m.generator_gradient(mu, disc), numeric, atol=1e-8)


def test_discriminator_gradient_matches_finite_differences_including_overlaps(batch):
    mu, mu_star, _, rng = batch
    # Unsorted endpoints: intervals overlap or nest in many rows, where the union matters.
    starts = rng.uniform(-4, 4, (len(mu), 2))
    disc = np.stack(
        [
            starts[:, 0],
            starts[:, 0] + rng.uniform(0, 3, len(mu)),
            starts[:, 1],
            starts[:, 1] + rng.uniform(0, 3, len(mu)),
        ],
        1,
    )
    eps = 1e-6
    numeric = np.stack(
        [
            (m.objective(mu, mu_star, disc + eps * e) - m.objective(mu, mu_star, disc - eps * e)) / (2 * eps)
            for e in np.eye(4)
        ],
        1,
    )
    np.testing.assert_allclose(m.discriminator_gradient(mu, mu_star, disc), numeric, atol=1e-8)


def test_union_counts_overlap_once():
    mu, mu_star = np.array([[-1.0, 1.0]]), np.array([[-2.0, 2.0]])
    overlapping = np.array([[0.0, 2.0, 1.0, 3.0]])
    merged = np.array([[0.0, 3.0, 5.0, 5.0]])
    assert m.objective(mu, mu_star, overlapping) == pytest.approx(m.objective(mu, mu_star, merged), abs=1e-15)
    nested = np.array([[-1.0, 3.0, 0.0, 1.0]])
    single = np.array([[-1.0, 3.0, 9.0, 9.0]])
    assert m.objective(mu, mu_star, nested) == pytest.approx(m.objective(mu, mu_star, single), abs=1e-15)


def test_roots_are_the_sign_changes_of_the_density_gap(batch):
    mu, mu_star, _, _ = batch
    roots = m.density_gap_roots(mu, mu_star)
    x = np.linspace(-15, 15, 300_001)
    for i in range(60):
        gap = m.density_gap(x[None], mu[i : i + 1], mu_star[i : i + 1])[0]
        brute = x[np.flatnonzero(np.diff(np.sign(gap)) != 0)]
        found = roots[i][~np.isnan(roots[i])]
        assert len(found) == len(brute), (i, found, brute)
        np.testing.assert_allclose(found, brute, atol=2e-4)
        assert np.all(np.abs(m.density_gap(found[None], mu[i : i + 1], mu_star[i : i + 1])) < 1e-12)


def test_optimal_discriminator_beats_every_brute_force_candidate(batch):
    mu, mu_star, _, rng = batch
    best = m.total_variation(mu, mu_star)
    for _ in range(20):
        candidates = np.sort(rng.uniform(-6, 6, (len(mu), 4)), 1)
        assert np.all(best >= m.objective(mu, mu_star, candidates) - 1e-12)
    # It also equals the brute-force maximiser: the positive set of the gap on a fine grid.
    x = np.linspace(-15, 15, 300_001)
    for i in range(40):
        gap = m.density_gap(x[None], mu[i : i + 1], mu_star[i : i + 1])[0]
        assert best[i] == pytest.approx(np.trapezoid(np.clip(gap, 0, None), x), abs=1e-8)


def test_optimal_value_equals_total_variation_by_quadrature_near_and_far(batch):
    mu, mu_star, _, rng = batch
    near = mu_star + rng.normal(0, 1e-4, mu_star.shape)
    x = np.linspace(-16, 16, 320_001)
    for means in (mu, near):
        value = m.total_variation(means, mu_star)
        for i in range(0, 500, 25):
            gap = m.density_gap(x[None], means[i : i + 1], mu_star[i : i + 1])[0]
            assert value[i] == pytest.approx(0.5 * np.trapezoid(np.abs(gap), x), abs=1e-9)


def test_identical_mixtures_have_zero_tv_and_empty_optimal_set():
    mu = np.array([[-1.0, 2.0]])
    assert m.total_variation(mu, mu.copy())[0] == 0.0


def test_projection_turns_a_crossed_interval_into_a_point():
    disc = np.array([[1.0, 0.0, 2.0, 3.0]])
    np.testing.assert_array_equal(m.project_discriminator(disc), [[0.5, 0.5, 2.0, 3.0]])


def test_projected_gradient_keeps_only_the_common_motion_of_a_pinned_point():
    disc = np.array([[0.0, 0.0, 1.0, 2.0]])
    # l wants to move right (+1) and r left (−1): pinned, mean motion 0; the other interval has none.
    grad = np.array([[1.0, -1.0, 0.0, 0.0]])
    assert m.projected_gradient_norm(disc, grad)[0] == 0.0
    # Moving apart is feasible: the raw gradient survives.
    grad = np.array([[-1.0, 1.0, 0.0, 0.0]])
    assert m.projected_gradient_norm(disc, grad)[0] == pytest.approx(np.sqrt(2))
