"""E5 judges fed synthetic curves: the cases tests/experiments/test_e5_fsr.py does not already cover.

That file tests E5.1, E5.3 and E5.5 both ways and E5.4 failing on a width mismatch; these add E5.4 failing
on a poor match at the right width, the missing-data paths (a judged dataset not run is a FAIL, never a
pass) and E5.3's reported-only datasets.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pandas as pd  # noqa: E402

from gantheory import claims  # noqa: E402
from gantheory.claims import judge_claims  # noqa: E402
from gantheory.experiments.e5 import claims as e5_claims  # noqa: E402

STEPS = (0, 100, 200, 300, 400, 500)


def _frame(values, dataset="fsr", variant="multi", generator="ema", metric="mmd"):
    """values[(kind, level)] = list over seeds of lists over STEPS."""
    return pd.DataFrame(
        [
            dict(
                dataset=dataset,
                variant=variant,
                generator=generator,
                seed=seed,
                metric=metric,
                kind=kind,
                level=level,
                step=step,
                value=value,
                diverged_step=-1,
            )  # fmt: skip
            for (kind, level), per_seed in values.items()
            for seed, series in enumerate(per_seed)
            for step, value in zip(STEPS, series, strict=True)
        ]
    )


def _floors(datasets=("fsr", "digits")):
    rows = [
        dict(dataset=d, kind=k, level=lv, floor=0.5) for d in datasets for k in ("level", "band") for lv in (1, 2, 3)
    ]
    return pd.DataFrame(rows).set_index(["dataset", "kind", "level"])


def _claim(claim_id):
    return [c for c in e5_claims.CLAIMS if c.claim_id == claim_id]


def _dictionary(learned, band=0.97):
    frames = [
        _frame({("level", 3): [[0.2] + [v] * 5 for v in learned]}, metric="dictionary_cosine"),
        _frame({("band", 3): [[0.2] + [band] * 5] * len(learned)}, metric="dictionary_cosine"),
        _frame({("level", 3): [[0.2] * 6] * len(learned)}, generator="raw", metric="dictionary_cosine"),
    ]
    settings = {"fsr": {"atoms": [4, 5, 6]}, "datasets": {"fsr": {"code_widths": [4, 5, 6]}}}
    return {"train": pd.concat(frames), "settings": settings}


def test_e5_4_fails_a_poor_match_at_the_right_width():
    assert e5_claims.judge_e5_4(_dictionary([0.95, 0.91, 0.5])).passed  # 2/3 seeds ≥ 0.9
    results = _dictionary([0.95, 0.89, 0.5])
    judgement = e5_claims.judge_e5_4(results)
    assert not judgement.passed and "width 6 for 6 true atoms" in judgement.measured
    assert judge_claims(_claim("E5.4"), results, "default")[0].verdict == claims.FAIL
    assert judge_claims(_claim("E5.4"), results, "smoke")[0].verdict == claims.BUDGET


def test_e5_1_e5_2_e5_4_fail_when_the_synthetic_multi_run_is_missing():
    levels = {(k, lv): [[2, 0.9, 0.9, 0.9, 0.9, 0.9]] * 3 for k in ("level", "band") for lv in (1, 2, 3)}
    digits_only = {"train": _frame(levels, dataset="digits"), "floors": _floors()}
    assert not e5_claims.judge_e5_1(digits_only).passed
    judgement = e5_claims.judge_e5_2(digits_only)
    assert not judgement.passed and "fsr: not run" in judgement.measured
    single = _dictionary([0.95] * 3)
    single["train"] = single["train"].assign(variant="single")
    assert not e5_claims.judge_e5_4(single).passed


def test_e5_3_judges_fsr_only_and_fails_without_it():
    def run(dataset, variant, value):
        return _frame({("level", lv): [[value] * 6] * 3 for lv in (1, 2, 3)}, dataset=dataset, variant=variant)

    fsr_wins = [run("fsr", "multi", 1.0), run("fsr", "single", 2.0)]
    digits_loses = [run("digits", "multi", 2.0), run("digits", "single", 1.0)]  # reported beside, not judged
    judgement = e5_claims.judge_e5_3({"train": pd.concat(fsr_wins + digits_loses)})
    assert judgement.passed and "digits (reported): multi closer in 0/3" in judgement.measured
    judgement = e5_claims.judge_e5_3({"train": pd.concat(digits_loses)})
    assert not judgement.passed and "fsr: not run" in judgement.measured
    assert not e5_claims.judge_e5_3({"train": pd.concat([run("fsr", "multi", 2.0), run("fsr", "single", 2.0)])}).passed
