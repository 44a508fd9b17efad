"""E1 judges fed synthetic tables: for each claim one input that must pass and one that must fail.

The cases already in tests/experiments/test_e1_prg.py (E1.1/E1.2 bounds, E1.4 power, E1.5 weak control,
E1.6 without a pair) are not repeated here; these cover the rest: E1.3 both ways, E1.5's strong controls,
E1.6's clean rows, the missing-data paths and the verdicts the profiles turn them into.
"""

import pandas as pd
import pytest

from gantheory import claims
from gantheory.claims import judge_claims
from gantheory.experiments.e1 import claims as e1_claims

HYPERGRAPHS = [
    ("clean-n32", "main", "clean", 32, 0, 0),
    ("clean-n16", "enumeration", "clean", 16, 0, 0),
    ("random-n32", "random", "random", 32, 3, 20),
    ("and-n32", "control", "random", 32, 0, 0),
    ("copy-n32", "control", "random", 32, 64, 0),
]


def _claim(claim_id):
    return [c for c in e1_claims.CLAIMS if c.claim_id == claim_id]


def _hypergraphs(rows=HYPERGRAPHS):
    keys = ("row", "role", "builder", "n", "correlated_pairs", "correlated_triples")
    table = pd.DataFrame([dict(zip(keys, r, strict=True)) for r in rows])
    return table.assign(m=4 * table["n"])


def _disc(clean_z=1.0, random_z=8.0, control_z=500.0, control_acc=0.99, targets=("gauss", "cube")):
    """Two critic sizes per target; the largest (w1024/d2) is the one E1.5's weak control and E1.6 read."""
    rows = []
    for target in targets:
        for width in (64, 1024):
            rows += [
                (target, width, 2, "clean-n32", clean_z, 0.502, 0.03),
                (target, width, 2, "clean-n16", clean_z, 0.502, 0.03),
                (target, width, 2, "random-n32", random_z, 0.53, 0.2),
                (target, width, 2, "and-n32", control_z, control_acc, 9.0),
                (target, width, 2, "copy-n32", control_z, control_acc, 9.0),
                (target, width, 2, "null#1", 0.3, 0.5, 0.02),
            ]
    keys = ("target", "width", "depth", "cell", "z", "accuracy", "ipm_upper")
    return pd.DataFrame([dict(zip(keys, r, strict=True)) for r in rows]).assign(steps=1000)


def _power(random_z=(1.5, 4.0, 9.0), steps=(250, 500, 1000), targets=("gauss", "cube")):
    """The largest critic's z against steps: the weak control at `random_z`, the clean row near 0."""
    return pd.DataFrame(
        [
            {"target": t, "steps": s, "width": 1024, "depth": 1, "cell": cell, "z": z}
            for t in targets
            for s, rz in zip(steps, random_z, strict=True)
            for cell, z in (("random-n32", rz), ("clean-n32", 0.2))
        ]
    )


def _moments(exceeding=0, rows=("clean-n32", "clean-n16")):
    return pd.DataFrame(
        [
            dict(
                row=r,
                target=t,
                max_abs_z_mean=1.2,
                max_abs_z_second_moment=2.9,
                threshold=4.4,
                tests=8384,
                samples=20000,
                exceeding=exceeding,
            )  # fmt: skip
            for r in rows
            for t in ("gauss", "cube")
        ]
    )


def _results(**overrides):
    return {
        "hypergraphs": _hypergraphs(),
        "discriminators": _disc(),
        "moments": _moments(),
        "power": _power(),
        **overrides,
    }


# --- E1.1 -----------------------------------------------------------------------------------------


def _check(mismatches, unexplained):
    return pd.DataFrame(
        dict(
            row="a",
            target=["cube", "gauss"],
            ramp_width=[1e-6, 1e-6],
            samples=[1000, 1000],
            mismatches=mismatches,
            unexplained=unexplained,
            mismatch_rate=[m / 1000 for m in mismatches],
            bound=[1e-5, 1e-5],
            limit=[1e-5 + 0.02, 1e-5 + 0.02],
        )  # fmt: skip
    )


def test_e1_1_is_judged_sample_by_sample_and_exact_in_every_profile():
    # version 2: many mismatches are fine when every one is inside the ramp (rate far above the bound)
    judgement = e1_claims.judge_e1_1({"check": _check([50, 0], [0, 0])})
    assert judgement.passed and "0 unexplained of 50 mismatches in 2000 samples" in judgement.measured
    one = {"check": _check([0, 1], [0, 1])}  # one mismatch, expected count ≪ 1: version 1's rate + 3 SE let it by
    judgement = e1_claims.judge_e1_1(one)
    assert not judgement.passed and "most: a/gauss δ=1e-06: 1/1000 mismatches, 1 unexplained" in judgement.measured
    for profile in ("smoke", "default", "paper"):
        assert judge_claims(_claim("E1.1"), one, profile)[0].verdict == claims.FAIL


def test_e1_1_fails_on_a_version_1_table_without_the_unexplained_count():
    judgement = e1_claims.judge_e1_1({"check": _check([0, 0], [0, 0]).drop(columns="unexplained")})
    assert not judgement.passed and "not recorded" in judgement.measured


# --- E1.2 -----------------------------------------------------------------------------------------


def test_e1_2_fails_without_clean_rows():
    results = _results(hypergraphs=_hypergraphs([r for r in HYPERGRAPHS if r[2] != "clean"]), certificates=None)
    judgement = e1_claims.judge_e1_2(results)
    assert not judgement.passed and judgement.measured == "no clean rows run"


def _certificates(bound=50.0):
    rows = [(r, t) for r in ("clean-n32", "clean-n16") for t in ("gauss", "cube")]
    records = [dict(row=r, target=t, certified_bound=bound, counting_bound=bound / 4, target_scale=11) for r, t in rows]
    return pd.DataFrame(records)


def test_e1_2_passes_far_bounds_and_fails_a_clean_row_without_its_certificate():
    assert e1_claims.judge_e1_2(_results(certificates=_certificates())).passed  # 50 ≥ 10 × 0.03 everywhere
    assert not e1_claims.judge_e1_2(_results(certificates=_certificates(bound=0.2))).passed  # 0.2 < 10 × 0.03
    missing = _certificates().query("not (row == 'clean-n16' and target == 'cube')")
    judgement = e1_claims.judge_e1_2(_results(certificates=missing))  # raised IndexError before
    assert not judgement.passed and "clean-n16/cube: no certificate" in judgement.measured
    disc = _disc().query("not (cell == 'clean-n16' and target == 'gauss')")
    judgement = e1_claims.judge_e1_2(_results(certificates=_certificates(), discriminators=disc))
    assert not judgement.passed and "clean-n16/gauss: no critic measured" in judgement.measured


# --- E1.3 -----------------------------------------------------------------------------------------


def test_e1_3_passes_a_clean_hypergraph_with_moments_inside_bonferroni():
    judgement = e1_claims.judge_e1_3(_results())
    assert judgement.passed and "0 correlated pairs, 0 triples over 2 clean rows" in judgement.measured
    assert judge_claims(_claim("E1.3"), _results(), "default")[0].verdict == claims.PASS


@pytest.mark.parametrize(
    "change",
    ["a correlated pair", "a correlated triple", "a moment beyond Bonferroni", "no moments measured"],
)
def test_e1_3_fails(change):
    results = _results()
    if change == "a correlated pair":
        results["hypergraphs"].loc[results["hypergraphs"]["row"] == "clean-n16", "correlated_pairs"] = 1
    elif change == "a correlated triple":
        results["hypergraphs"].loc[results["hypergraphs"]["row"] == "clean-n32", "correlated_triples"] = 2
    elif change == "a moment beyond Bonferroni":
        results["moments"].loc[3, "exceeding"] = 1
    else:
        results["moments"] = _moments(rows=("random-n32",))  # only a non-clean row: nothing judged
    assert not e1_claims.judge_e1_3(results).passed
    assert judge_claims(_claim("E1.3"), results, "default")[0].verdict == claims.FAIL


def test_e1_3_fails_a_clean_row_left_unmeasured_on_a_target():
    results = _results()
    results["moments"] = results["moments"][
        ~((results["moments"]["row"] == "clean-n16") & (results["moments"]["target"] == "gauss"))
    ]
    judgement = e1_claims.judge_e1_3(results)
    assert not judgement.passed and "moments not measured: clean-n16/gauss" in judgement.measured
    results["discriminators"] = _disc(targets=("cube",))  # a gauss run nowhere: cube alone is complete
    results["moments"] = results["moments"][results["moments"]["target"] == "cube"]
    assert e1_claims.judge_e1_3(results).passed


def test_e1_3_fails_without_clean_rows():
    results = _results(hypergraphs=_hypergraphs([r for r in HYPERGRAPHS if r[2] != "clean"]))
    assert not e1_claims.judge_e1_3(results).passed


# --- E1.5 -----------------------------------------------------------------------------------------


def test_e1_5_passes_strong_and_weak_controls_detected():
    assert e1_claims.judge_e1_5(_results()).passed


@pytest.mark.parametrize(
    "disc",
    [_disc(control_z=9.9), _disc(control_acc=0.59), _disc(random_z=3.0)],
    ids=["strong control z < 10", "strong control accuracy < 0.6", "weak control z = 3 (not > 3)"],
)
def test_e1_5_fails_a_control_below_its_threshold(disc):
    results = _results(discriminators=disc)
    assert not e1_claims.judge_e1_5(results).passed
    assert judge_claims(_claim("E1.5"), results, "default")[0].verdict == claims.FAIL
    assert judge_claims(_claim("E1.5"), results, "smoke")[0].verdict == claims.BUDGET


def test_e1_5_fails_when_only_the_smaller_critic_sees_the_weak_control():
    disc = _disc()
    disc.loc[(disc["cell"] == "random-n32") & (disc["width"] == 1024) & (disc["target"] == "cube"), "z"] = 2.0
    assert not e1_claims.judge_e1_5(_results(discriminators=disc)).passed


def test_e1_5_reads_where_the_power_curve_stays_above_the_threshold():
    assert e1_claims.powered_from(_results()) == 500
    dips = _power(random_z=(4.0, 2.5, 9.0))  # above at 250, below at 500: power only from 1000 on
    assert e1_claims.powered_from(_results(power=dips)) == 1000
    cube_late = pd.concat([_power(targets=("gauss",)), _power(random_z=(1.0, 2.0, 3.5), targets=("cube",))])
    assert e1_claims.powered_from(_results(power=cube_late)) == 1000  # every target counts
    assert e1_claims.powered_from(_results(power=_power(random_z=(1.0, 2.0, 3.0)))) is None  # 3 is not > 3


@pytest.mark.parametrize(
    "power",
    [_power(random_z=(1.0, 2.0, 2.9)), _power(random_z=(1.0, 2.0, 3.5), steps=(250, 1000, 2000)), pd.DataFrame()],
    ids=["curve never powered", "budget (1000) below the curve's powered step (2000)", "no power curve"],
)
def test_e1_5_fails_a_budget_the_power_curve_does_not_support(power):
    judgement = e1_claims.judge_e1_5(_results(power=power))
    assert not judgement.passed
    assert "judged budget 1000" in judgement.measured or "no power curve" in judgement.measured


def test_e1_5_fails_with_no_controls_run():
    results = _results(hypergraphs=_hypergraphs([r for r in HYPERGRAPHS if r[1] != "control"]))
    assert not e1_claims.judge_e1_5(results).passed


# --- E1.6 -----------------------------------------------------------------------------------------


def test_e1_6_fails_when_a_clean_n32_row_is_detected_on_cube():
    assert e1_claims.judge_e1_6(_results()).passed
    disc = _disc()
    disc.loc[(disc["cell"] == "clean-n32") & (disc["target"] == "cube"), "z"] = 3.1
    judgement = e1_claims.judge_e1_6(_results(discriminators=disc))
    assert not judgement.passed and "clean-n32" in judgement.measured


def test_e1_6_reads_cube_only_and_fails_without_it():
    disc = _disc()
    disc.loc[(disc["cell"] == "clean-n32") & (disc["target"] == "gauss"), "z"] = 5.0  # gauss is not E1.6's target
    assert e1_claims.judge_e1_6(_results(discriminators=disc)).passed
    judgement = e1_claims.judge_e1_6(_results(discriminators=_disc(targets=("gauss",))))
    assert not judgement.passed and judgement.measured == "cube target not run"


def test_e1_6_fails_without_a_clean_n32_row():
    results = _results(hypergraphs=_hypergraphs([r for r in HYPERGRAPHS if r[0] != "clean-n32"]))
    assert not e1_claims.judge_e1_6(results).passed


# --- E1.4: power per (target, n) -------------------------------------------------------------------

TWO_SIZES = [
    ("clean-n32", "main", "clean", 32, 0, 0),
    ("clean-n24", "main", "clean", 24, 0, 0),
    ("random-n32", "random", "random", 32, 3, 20),
    ("random-n24", "random", "random", 24, 2, 11),
]


def _two_sizes(z):
    """z[(cell, target)] overrides the default z (clean 1.0, random 8.0) for every critic size."""
    rows = []
    for target in ("gauss", "cube"):
        for width in (64, 1024):
            for cell in ("clean-n32", "clean-n24", "random-n32", "random-n24", "null#1"):
                default = 8.0 if cell.startswith("random") else 1.0 if cell.startswith("clean") else 0.2
                rows.append((target, width, 2, cell, z.get((cell, target), default), 0.502, 0.03))
    keys = ("target", "width", "depth", "cell", "z", "accuracy", "ipm_upper")
    disc = pd.DataFrame([dict(zip(keys, r, strict=True)) for r in rows])
    return {"hypergraphs": _hypergraphs(TWO_SIZES), "discriminators": disc}


def test_e1_4_judges_each_n_only_where_its_own_control_is_detected():
    # cube's n = 24 control is missed: cube's clean n = 24 row says nothing, so its z does not count
    results = _two_sizes({("random-n24", "cube"): 2.0, ("clean-n24", "cube"): 5.0})
    judgement = e1_claims.judge_e1_4(results)
    assert judgement.powered and judgement.passed
    assert "cube: control detected for n=32 (z 8.0), not for n=24 (z 2.0: not judged)" in judgement.measured
    assert "judged on gauss (n=24, 32), cube (n=32)" in judgement.measured
    # the same clean row with its control detected: the critic that sees it fails the claim
    results = _two_sizes({("clean-n24", "cube"): 5.0})
    assert judge_claims(_claim("E1.4"), results, "default")[0].verdict == claims.FAIL
    # and a detected n = 32 control does not lend its power to the n = 24 row
    results = _two_sizes({("random-n24", "gauss"): 2.0, ("random-n24", "cube"): 2.0, ("clean-n24", "gauss"): 9.0})
    assert judge_claims(_claim("E1.4"), results, "default")[0].verdict == claims.PASS


def test_e1_4_is_inconclusive_when_no_n_has_a_detected_control():
    z = {(f"random-n{n}", t): 2.0 for n in (24, 32) for t in ("gauss", "cube")}
    results = _two_sizes({**z, ("clean-n32", "cube"): 9.0})  # a detection without power proves nothing either way
    judgement = e1_claims.judge_e1_4(results)
    assert not judgement.powered and "gauss: no power (control min z n=24 2.0, n=32 2.0)" in judgement.measured
    assert judge_claims(_claim("E1.4"), results, "default")[0].verdict == claims.NO_POWER
    assert judge_claims(_claim("E1.4"), results, "paper")[0].verdict == claims.NO_POWER
    assert judge_claims(_claim("E1.4"), results, "smoke")[0].verdict == claims.BUDGET


def test_e1_4_has_no_power_for_an_n_without_a_control_row():
    results = _two_sizes({("clean-n32", "gauss"): 9.0})
    results["hypergraphs"] = _hypergraphs([r for r in TWO_SIZES if r[0] != "random-n32"])
    judgement = e1_claims.judge_e1_4(results)
    assert judgement.powered and judgement.passed and "judged on gauss (n=24), cube (n=24)" in judgement.measured
    results["hypergraphs"] = _hypergraphs([r for r in TWO_SIZES if r[1] != "random"])  # no control at all
    assert judge_claims(_claim("E1.4"), results, "default")[0].verdict == claims.NO_POWER


def test_e1_4_fails_a_null_run_out_of_band_even_where_powered():
    results = _two_sizes({("null#1", "gauss"): 3.6})
    assert not e1_claims.judge_e1_4(results).passed


def test_e1_1_fails_with_nothing_checked():
    empty = pd.DataFrame(columns=["row", "target", "ramp_width", "samples", "mismatches", "mismatch_rate", "limit"])
    judgement = e1_claims.judge_e1_1({"check": empty})
    assert not judgement.passed and judgement.measured == "no generator check run"
