"""The verdict vocabulary: each verdict is reached from the judgement and the profile, nothing else."""

import pytest

from gantheory import claims
from gantheory.claims import Claim, Judgement, judge_claims


def _claim(judgement, **kwargs):
    return Claim("E9.1", "E9", "a claim", "figures/x.pdf", lambda results: judgement, **kwargs)


@pytest.mark.parametrize(
    ("judgement", "kwargs", "profile", "verdict"),
    [
        (Judgement("m", "c", True), {}, "default", claims.PASS),
        (Judgement("m", "c", False), {}, "default", claims.FAIL),
        (Judgement("m", "c", False), {}, "smoke", claims.BUDGET),
        (Judgement("m", "c", False), {"budget_sensitive": False}, "smoke", claims.FAIL),
        (Judgement("m", "c", True, powered=False), {}, "default", claims.NO_POWER),
        (Judgement("m", "c", False, powered=False), {}, "paper", claims.NO_POWER),
        (Judgement("m", "c", True, powered=False), {}, "smoke", claims.BUDGET),
        (Judgement("m", "c", True), {"judged_in": ("paper",)}, "default", claims.NOT_JUDGED),
        (Judgement("m", "c", False), {"judged_in": ("paper",)}, "smoke", claims.NOT_JUDGED),
        (Judgement("m", "c", False), {"judged_in": ("paper",)}, "paper", claims.FAIL),
    ],
)
def test_each_verdict_follows_from_judgement_and_profile(judgement, kwargs, profile, verdict):
    assert judge_claims([_claim(judgement, **kwargs)], {}, profile)[0].verdict == verdict


def test_budget_too_small_is_never_printed_outside_smoke():
    for profile in ("default", "paper"):
        for judgement in (Judgement("m", "c", False), Judgement("m", "c", False, powered=False)):
            assert judge_claims([_claim(judgement)], {}, profile)[0].verdict != claims.BUDGET


def test_claims_table_counts_each_verdict_per_experiment(tmp_path):
    rows = [
        judge_claims([_claim(Judgement("m", "c", True))], {}, "default")[0],
        judge_claims([_claim(Judgement("m", "c", True, powered=False))], {}, "default")[0],
    ]
    table = claims.write_claims_table([claims.rows_frame(rows)], tmp_path / "c.md", tmp_path / "c.csv", "default")
    counts = claims.tally(table, "default")
    assert counts.loc["E9", claims.PASS] == 1 and counts.loc["E9", claims.NO_POWER] == 1
    assert counts.loc["E9", claims.FAIL] == 0 and claims.BUDGET not in counts.columns
    text = (tmp_path / "c.md").read_text()
    assert "1 PASS, 0 FAIL, 0 not judged in this profile, 1 inconclusive: no power" in text
    assert "docs/claims.md" in text and "shared" + "/" not in text  # split: not a pointer
