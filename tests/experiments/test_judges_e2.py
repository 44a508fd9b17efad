"""E2's exact judges (E2.1, E2.5) on every way they can fail; tests/experiments/test_e2_claims.py has the
passing cases (the package's own exact tables) and the training claims E2.2–E2.4 both ways."""

import pytest

from gantheory import claims
from gantheory.claims import judge_claims
from gantheory.experiments.e2 import claims as e2_claims
from gantheory.experiments.e2 import exact as e2_exact


def _claim(claim_id):
    return [c for c in e2_claims.CLAIMS if c.claim_id == claim_id]


@pytest.fixture(scope="module")
def gauss_hermite():
    return e2_exact.gauss_hermite_table([2, 3], bandwidth_factor=1.0)


@pytest.mark.parametrize(
    ("column", "value"),
    [("polynomial divergence (degree 2q-1)", 1e-9), ("W1", 0.05), ("MMD", 1e-3)],
    ids=["divergence not zero", "W1 not above 0.05", "MMD not above 1e-3"],
)
def test_e2_1_fails_in_every_profile_when_one_rule_misses_a_bound(gauss_hermite, column, value):
    assert e2_claims.judge_e2_1({"gauss_hermite": gauss_hermite}).passed
    table = gauss_hermite.copy()
    table.loc[1, column] = value
    for profile in ("smoke", "default"):
        assert judge_claims(_claim("E2.1"), {"gauss_hermite": table}, profile)[0].verdict == claims.FAIL


def test_e2_1_fails_with_no_rule_computed(gauss_hermite):
    judgement = e2_claims.judge_e2_1({"gauss_hermite": gauss_hermite.iloc[:0]})
    assert not judgement.passed and judgement.measured == "no Gauss–Hermite rule computed"


def test_e2_5_fails_on_each_part_of_its_criterion():
    dirac = e2_exact.dirac_sequence(20)
    assert judge_claims(_claim("E2.5"), {"dirac": dirac}, "smoke")[0].verdict == claims.PASS
    off = dirac.copy()
    off.loc[5, "W1 - 1/n"] = 1e-6  # W1 not 1/n
    assert not e2_claims.judge_e2_5({"dirac": off}).passed
    flat = dirac.copy()
    flat.loc[10, "W1"] = flat.loc[9, "W1"]  # W1 not strictly decreasing
    assert not e2_claims.judge_e2_5({"dirac": flat}).passed
    assert not e2_claims.judge_e2_5({"dirac": dirac.iloc[:1]}).passed  # one term is no sequence
