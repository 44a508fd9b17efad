"""E3 experiment: shared initialisations, outcome rule, determinism, claims judged from data."""

import numpy as np
import pandas as pd
import pytest

from gantheory import claims
from gantheory.experiments.e3 import claims as e3_claims
from gantheory.experiments.e3 import outcomes, tables
from gantheory.experiments.e3 import simulation as e3
from gantheory.experiments.e3.settings import SimulationSettings

RAW = dict(
    initialisations=24,
    steps=120,
    step_sizes=[0.1, 0.3],
    main_step_size=0.3,
    disc_steps=[1, 5],
    updates=["simultaneous", "alternating"],
    disc_inits=["random", "optimal"],
    ttur_ratios=[1, 3],
    init_range=3.0,
    min_separation=1.0,
    disc_init_range=4.0,
    records=10,
    example_trajectories=3,
)
SETTINGS = SimulationSettings.from_mapping(RAW)


@pytest.fixture(scope="module")
def results():
    out = {"main_step_size": SETTINGS.main_step_size}
    for family in e3.FAMILIES:
        out[family] = e3.run_family(family, SETTINGS, seed=11)[0]
    return out


def test_initialisations_respect_the_box_and_separation():
    mu0, mu_star, disc = e3.initialisations(SimulationSettings.from_mapping(dict(RAW, initialisations=2000)), seed=5)
    for means in (mu0, mu_star):
        assert np.all(np.abs(means) <= 3.0) and np.all(np.abs(means[:, 0] - means[:, 1]) >= 1.0)
    assert np.all(np.diff(disc, axis=1) >= 0)


def test_every_family_shares_the_same_initialisations(results):
    firsts = [results[f].groupby("variant").head(SETTINGS.initialisations) for f in e3.FAMILIES]
    ref = firsts[0][firsts[0]["variant"] == firsts[0]["variant"].iloc[0]][["mu_star_1", "mu0_1"]].to_numpy()
    for frame in firsts:
        for _, group in frame.groupby("variant"):
            np.testing.assert_array_equal(group[["mu_star_1", "mu0_1"]].to_numpy(), ref)


def test_runs_are_deterministic(results):
    again = e3.run_family("ttur", SETTINGS, seed=11)[0]
    pd.testing.assert_frame_equal(again.drop(columns="wall_clock_s"), results["ttur"].drop(columns="wall_clock_s"))


def test_another_seed_gives_other_initialisations():
    a, _, _ = e3.initialisations(SETTINGS, seed=1)
    b, _, _ = e3.initialisations(SETTINGS, seed=2)
    assert not np.allclose(a, b)


def test_family_grid_sizes(results):
    assert results["optimal"]["variant"].nunique() == 2
    assert results["first_order"]["variant"].nunique() == 2 * 2 * 2 * 2
    ttur = results["ttur"]
    assert ttur["variant"].nunique() == 4
    shrunk = ttur[(ttur["scaling"] == "gen step shrunk") & (ttur["ratio"] == 3)]
    assert (shrunk["steps"] == 360).all() and np.allclose(shrunk["gen_lr"], 0.1)


def test_outcome_rule_precedence():
    mu_star = np.array([[-1.0, 1.0]] * 5)
    mu = np.array([[1.05, -1.0], [0.3, 0.35], [-2.0, 2.0], [-2.0, 2.0], [-2.0, 2.0]])
    disc = np.array([[0, 1, 2, 3], [0, 1, 2, 3], [0, 0.0005, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]], dtype=float)
    grad = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    window = np.array([0.0, 0.0, 0.0, 0.2, 0.01])
    out = outcomes.classify(mu, mu_star, disc, grad, window, first_order=True)
    assert list(out["outcome"]) == ["converged", "mode collapse", "discriminator collapse", "oscillation", "other"]
    # Version 2: a stalled endpoint gradient alone is not a collapse; merged intervals and an inert
    # discriminator (F ≤ 0.1·TV; here TV ≈ 0.377 and F ≈ 0.058 for the intervals above) are.
    stalled = outcomes.classify(mu[4:], mu_star[4:], disc[4:], np.array([5e-5]), window[4:], first_order=True)
    assert stalled["outcome"][0] == "other"
    merged = outcomes.classify(mu[4:], mu_star[4:], np.array([[0, 2.5, 2, 3.0]]), grad[4:], window[4:], True, disc[4:])
    assert merged["outcome"][0] == "discriminator collapse"
    inert = outcomes.classify(mu[4:], mu_star[4:], np.array([[8, 9, 10, 11.0]]), grad[4:], window[4:], True, disc[4:])
    assert inert["outcome"][0] == "discriminator collapse"
    # The optimal dynamics have no first-order discriminator that could collapse.
    optimal = outcomes.classify(mu[2:3], mu_star[2:3], disc[2:3], grad[2:3], window[2:3], first_order=False)
    assert optimal["outcome"][0] == "other"


def test_an_interval_empty_from_the_start_is_not_a_collapse():
    mu_star, mu = np.array([[-1.0, 1.0]]), np.array([[-2.0, 2.0]])
    parked = np.array([[-3.0, 0.0, 9.0, 9.0]])  # the optimal set had one component: second part empty
    grad, window = np.array([1.0]), np.array([0.0])
    assert outcomes.classify(mu, mu_star, parked, grad, window, True)["outcome"][0] == "discriminator collapse"
    out = outcomes.classify(mu, mu_star, parked, grad, window, True, initial_disc=parked)
    assert out["outcome"][0] == "other" and out["shortest_interval"][0] == 3.0


def test_exact_checks_fail_even_in_smoke(results):
    broken = dict(results, optimal=results["optimal"].assign(tv_quadrature_error=1e-3))
    row = claims.judge_claims(e3_claims.CLAIMS[4:], broken, profile="smoke")[0]
    assert row.claim_id == "E3.5" and row.verdict == claims.FAIL


def test_claims_are_judged_from_the_measurements(results):
    rows = claims.judge_claims(e3_claims.CLAIMS, results, profile="default")
    assert [r.claim_id for r in rows] == ["E3.1", "E3.2", "E3.3", "E3.4", "E3.5"]
    assert all(r.verdict in (claims.PASS, claims.FAIL) for r in rows)
    assert rows[4].verdict == claims.PASS  # exact TV vs quadrature holds at any budget
    # Break the optimal dynamics' record: the same judge must now say FAIL, with the number.
    broken = dict(results, optimal=results["optimal"].assign(converged=False))
    row = claims.judge_claims(e3_claims.CLAIMS[:1], broken, profile="default")[0]
    assert row.verdict == claims.FAIL and "converged 0.0%" in row.measured
    assert claims.judge_claims(e3_claims.CLAIMS[:1], broken, profile="smoke")[0].verdict == claims.BUDGET


def test_outcome_table_rows_sum_to_100(results):
    table = tables.outcome_table(results)
    shares = table[[c for c in table.columns if c in (*outcomes.OUTCOMES, "diverged")]]
    np.testing.assert_allclose(shares.sum(axis=1), 100.0)
    assert table["dynamic (η, k, init)"].iloc[0] == "optimal lr=0.3"


def test_e3_3_columns_record_the_start_and_the_final_objective(results):
    from gantheory.models import interval_gan as model

    mu0, mu_star, random_disc = e3.initialisations(SETTINGS, seed=11)
    fo = results["first_order"]
    start = ["l1_0", "r1_0", "l2_0", "r2_0"]
    for init, expected in (("random", random_disc), ("optimal", model.optimal_discriminator(mu0, mu_star))):
        for _, group in fo[fo["disc_init"] == init].groupby("variant"):
            np.testing.assert_allclose(group[start].to_numpy(), expected, rtol=1e-9)
    mu, star = fo[["mu_1", "mu_2"]].to_numpy(), fo[["mu_star_1", "mu_star_2"]].to_numpy()
    final = model.objective(mu, star, fo[["l1", "r1", "l2", "r2"]].to_numpy())
    np.testing.assert_allclose(fo["objective_final"], final, atol=1e-12)
    assert results["optimal"][[*start, "objective_final"]].isna().all().all()


def test_the_outcome_rule_and_e3_3_use_the_same_sign(results):
    for family in ("first_order", "ttur"):
        runs = results[family]
        signs = outcomes.discriminator_signs(runs)
        np.testing.assert_array_equal(signs["collapsed_or_inert"].to_numpy(), runs["disc_collapsed"].to_numpy())


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: s.pop("records"), "'e3.records' is missing"),
        (lambda s: s.update(stepz=10), "'e3.stepz' is unknown"),
    ],
    ids=["missing key", "unknown key"],
)
def test_simulation_settings_name_a_missing_or_unknown_key(edit, message):
    bad = dict(RAW)
    edit(bad)
    with pytest.raises(ValueError, match=message):
        SimulationSettings.from_mapping(bad)


def test_simulation_settings_are_frozen_and_record_as_json():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        SETTINGS.steps = 1
    assert SETTINGS.step_sizes == (0.1, 0.3) and SETTINGS.as_record() == RAW
