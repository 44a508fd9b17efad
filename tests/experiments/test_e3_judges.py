"""E3.2–E3.4 judges fed synthetic runs: data that must FAIL says FAIL, data that must PASS says PASS."""

import numpy as np
import pandas as pd
import pytest

from gantheory import claims
from gantheory.experiments.e3 import claims as e3
from gantheory.experiments.e3.outcomes import discriminator_signs

MAIN = 0.1
BY_ID = {c.claim_id: c for c in e3.CLAIMS}


def verdict(claim_id: str, results: dict, profile: str = "default") -> str:
    return claims.judge_claims([BY_ID[claim_id]], results, profile)[0].verdict


def optimal_runs(success: float, n: int = 100) -> pd.DataFrame:
    converged = np.arange(n) < round(success * n)
    main = pd.DataFrame({"gen_lr": MAIN, "converged": converged})
    # Another step size that never converges: the judges must only read the main one.
    other = pd.DataFrame({"gen_lr": 0.3, "converged": np.zeros(n, bool)})
    return pd.concat([main, other], ignore_index=True)


def first_order_runs(success: dict, collapsed: dict, n: int = 100) -> pd.DataFrame:
    """Per variant: a share converged and a share (of all runs) collapsed among the failed ones."""
    frames = []
    for variant, rate in success.items():
        i = np.arange(n)
        converged = i < round(rate * n)
        collapse = ~converged & (i < round(rate * n) + round(collapsed[variant] * n))
        frames.append(
            pd.DataFrame(
                {
                    "gen_lr": MAIN,
                    "variant": variant,
                    "converged": converged,
                    "mode_collapse": collapse & (i % 2 == 0),
                    "disc_collapsed": collapse & (i % 2 == 1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- E3.2 ------------------------------------------------------------------------------------


def test_e3_2_passes_when_first_order_fails_often_and_collapses():
    fo = first_order_runs({"a": 0.3, "b": 0.1}, {"a": 0.2, "b": 0.5})
    results = dict(main_step_size=MAIN, optimal=optimal_runs(1.0), first_order=fo)
    assert verdict("E3.2", results) == claims.PASS


@pytest.mark.parametrize(
    "case, optimal, success, collapsed",
    [
        ("a variant succeeds > 80%", 1.0, {"a": 0.3, "b": 0.85}, {"a": 0.2, "b": 0.1}),
        ("< 15 points below optimal", 0.4, {"a": 0.3, "b": 0.1}, {"a": 0.2, "b": 0.5}),
        ("a variant collapses < 10%", 1.0, {"a": 0.3, "b": 0.1}, {"a": 0.05, "b": 0.5}),
    ],
)
def test_e3_2_fails(case, optimal, success, collapsed):
    results = dict(main_step_size=MAIN, optimal=optimal_runs(optimal), first_order=first_order_runs(success, collapsed))
    assert verdict("E3.2", results) == claims.FAIL, case
    assert verdict("E3.2", results, "smoke") == claims.BUDGET


def test_e3_2_reads_only_the_main_step_size():
    fo = first_order_runs({"a": 0.3}, {"a": 0.2})
    elsewhere = fo.assign(gen_lr=0.3, converged=True, mode_collapse=False, disc_collapsed=False)
    results = dict(main_step_size=MAIN, optimal=optimal_runs(1.0), first_order=pd.concat([fo, elsewhere]))
    assert verdict("E3.2", results) == claims.PASS


# --- E3.3 ------------------------------------------------------------------------------------

TWO = [0.0, 1.0, 2.0, 3.0]  # two disjoint non-empty intervals
# One kind of failed run each: (start, end, F/TV, projected gradient, lost, merged, inert)
KINDS = {
    "lost": (TWO, [0.0, 0.0005, 2.0, 3.0], 1.0, 1.0, True, False, False),
    "merged": (TWO, [0.0, 2.5, 2.0, 3.0], 1.0, 1.0, False, True, False),
    "touching": (TWO, [0.0, 2.0, 2.0, 3.0], 1.0, 1.0, False, True, False),
    "inert": (TWO, TWO, 0.1, 1.0, False, False, True),
    "negative F": (TWO, TWO, -0.3, 1.0, False, False, True),
    "active": (TWO, TWO, 0.5, 1.0, False, False, False),
    # The optimal set of the initial μ had one component: its empty part was never an interval.
    "empty from the start": ([0.0, 1.0, 9.0, 9.0], [0.0, 1.0, 9.0, 9.0], 1.0, 1.0, False, False, False),
    "one from the start": ([0.0, 2.0, 1.0, 3.0], [0.0, 2.0, 1.0, 3.0], 1.0, 1.0, False, False, False),
    # The version-1 statistic alone (a stalled endpoint gradient) is reported, never judged.
    "stalled (v1 only)": (TWO, TWO, 1.0, 1e-6, False, False, False),
}


def e3_3_runs(kinds: list[str], converged: list[bool] | None = None, tv: float = 0.3) -> pd.DataFrame:
    rows = []
    for i, kind in enumerate(kinds):
        start, end, ratio, grad, *_ = KINDS[kind]
        row = dict(zip(["l1_0", "r1_0", "l2_0", "r2_0"], start, strict=True))
        row.update(zip(["l1", "r1", "l2", "r2"], end, strict=True))
        row.update(
            gen_lr=MAIN,
            variant=f"v{i % 2}",
            disc_init=("random", "optimal")[i % 2],
            converged=False if converged is None else converged[i],
            tv_final=tv,
            objective_final=ratio * tv,
            projected_disc_grad=grad,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def test_e3_3_signs_per_kind():
    names = list(KINDS)
    signs = discriminator_signs(e3_3_runs(names))
    for i, name in enumerate(names):
        lost, merged, inert = KINDS[name][4:]
        got = signs.iloc[i]
        assert (got["lost"], got["merged"], got["inert"]) == (lost, merged, inert), name
        assert got["collapsed_or_inert"] == (lost or merged or inert), name
    assert signs["stalled_v1"].tolist() == [name == "stalled (v1 only)" for name in names]


def test_e3_3_passes_when_most_failed_runs_have_a_sign():
    runs = e3_3_runs(["lost", "merged", "inert", "active", "stalled (v1 only)"])
    row = claims.judge_claims([BY_ID["E3.3"]], dict(main_step_size=MAIN, first_order=runs), "default")[0]
    assert row.verdict == claims.PASS
    assert "60.0% of 5 failed" in row.measured and "lost 20.0%" in row.measured and "merged 20.0%" in row.measured
    assert "Version 1, not judged" in row.measured and "0.0001 at the last step 20.0%" in row.measured


def test_e3_3_fails_when_few_failed_runs_have_a_sign():
    runs = e3_3_runs(["lost", "inert", "active", "active", "empty from the start"])
    results = dict(main_step_size=MAIN, first_order=runs)
    assert verdict("E3.3", results) == claims.FAIL
    assert verdict("E3.3", results, "smoke") == claims.BUDGET


def test_e3_3_does_not_judge_the_version_1_statistic():
    runs = e3_3_runs(["stalled (v1 only)"] * 4)
    row = claims.judge_claims([BY_ID["E3.3"]], dict(main_step_size=MAIN, first_order=runs), "default")[0]
    assert row.verdict == claims.FAIL and "0.0001 at the last step 100.0%" in row.measured


def test_e3_3_counts_only_failed_runs_at_the_main_step_size():
    # Converged runs with signs, and failed runs at another step size, must not rescue the claim.
    runs = e3_3_runs(["lost", "inert", "inert", "active", "active"], converged=[False, True, True, False, False])
    elsewhere = e3_3_runs(["lost"] * 10).assign(gen_lr=0.3)
    results = dict(main_step_size=MAIN, first_order=pd.concat([runs, elsewhere], ignore_index=True))
    assert verdict("E3.3", results) == claims.FAIL


def test_e3_3_fails_without_failed_runs():
    runs = e3_3_runs(["lost", "inert"], converged=[True, True])
    row = claims.judge_claims([BY_ID["E3.3"]], dict(main_step_size=MAIN, first_order=runs), "default")[0]
    assert row.verdict == claims.FAIL and "no failed" in row.measured


# --- E3.4 ------------------------------------------------------------------------------------


def ttur_runs(success: dict, n: int = 100) -> pd.DataFrame:
    frames = [
        pd.DataFrame({"scaling": scaling, "ratio": ratio, "converged": np.arange(n) < round(rate * n)})
        for (scaling, ratio), rate in success.items()
    ]
    return pd.concat(frames, ignore_index=True)


GRID = [(s, c) for s in ("disc step grown", "gen step shrunk") for c in (1.0, 3.0, 10.0, 30.0)]


def test_e3_4_passes_when_no_ratio_comes_within_50_points():
    results = dict(main_step_size=MAIN, optimal=optimal_runs(1.0), ttur=ttur_runs(dict.fromkeys(GRID, 0.3)))
    assert verdict("E3.4", results) == claims.PASS


def test_e3_4_fails_when_one_ratio_rescues():
    success = dict.fromkeys(GRID, 0.3) | {("gen step shrunk", 30.0): 0.6}
    results = dict(main_step_size=MAIN, optimal=optimal_runs(1.0), ttur=ttur_runs(success))
    row = claims.judge_claims([BY_ID["E3.4"]], results, "default")[0]
    assert row.verdict == claims.FAIL and "c=30, gen step shrunk" in row.measured
    assert verdict("E3.4", results, "smoke") == claims.BUDGET


def test_e3_4_fails_when_the_optimal_dynamics_do_not_converge():
    results = dict(main_step_size=MAIN, optimal=optimal_runs(0.5), ttur=ttur_runs(dict.fromkeys(GRID, 0.3)))
    assert verdict("E3.4", results) == claims.FAIL
