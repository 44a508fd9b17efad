"""E5 judges fed synthetic curves: the cases tests/experiments/test_e5_fsr.py does not already cover.

That file tests E5.1, E5.3 and E5.5 both ways and E5.4 failing on a width mismatch; these add E5.4 (version
2: the detail part of levels 2 and 3, levelled off) both ways, the missing-data paths (a judged dataset not
run is a FAIL, never a pass) and E5.3's reported-only datasets.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gantheory import claims  # noqa: E402
from gantheory.claims import judge_claims  # noqa: E402
from gantheory.experiments.e5 import claims as e5_claims  # noqa: E402

STEPS = (0, 100, 200, 300, 400, 500)
LONG = tuple(range(0, 1200, 100))  # 12 evaluations: E5.4's levelling-off test reads the last 10


def _frame(values, dataset="fsr", variant="multi", generator="ema", metric="mmd", steps=STEPS):
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
            for step, value in zip(steps, series, strict=True)
        ]
    )


def _floors(datasets=("fsr", "digits")):
    rows = [
        dict(dataset=d, kind=k, level=lv, floor=0.5) for d in datasets for k in ("level", "band") for lv in (1, 2, 3)
    ]
    return pd.DataFrame(rows).set_index(["dataset", "kind", "level"])


def _claim(claim_id):
    return [c for c in e5_claims.CLAIMS if c.claim_id == claim_id]


def _curve(final, rise=0.0):
    """A 12-evaluation curve from 0.2 whose last 5 evaluations sit at `final` and the 5 before at final − rise."""
    return [0.2, 0.5] + [final - rise] * 5 + [final] * 5


def _dictionary(level2, level3, whole=0.5, ceiling=(0.99, 0.98)):
    """E5.4's inputs: per detail level, one curve per seed (the detail part, EMA); raw step-0 chance values;
    the whole top-level atoms (version 1, reported); the dictionary-learning ceiling."""
    band = {("band", 2): level2, ("band", 3): level3, ("level", 3): [_curve(whole)] * len(level3)}
    frames = [
        _frame(band, metric="dictionary_cosine", steps=LONG),
        _frame({k: [[0.3] * 12] * len(v) for k, v in band.items()}, generator="raw", metric="dictionary_cosine",
               steps=LONG),
    ]  # fmt: skip
    settings = {"fsr": {"atoms": [4, 5, 6]}, "datasets": {"fsr": {"code_widths": [4, 5, 6]}}}
    ceiling = pd.DataFrame({"level": [2, 3], "matched_cosine": list(ceiling)})
    return {"train": pd.concat(frames), "settings": settings, "ceiling": ceiling}


GOOD = [_curve(0.95), _curve(0.93, rise=0.01), _curve(0.97, rise=-0.05)]  # levelled (a fall is no rise)


def test_e5_4_passes_levelled_detail_parts_at_or_above_0_9_on_both_levels():
    results = _dictionary(GOOD, GOOD)
    judgement = e5_claims.judge_e5_4(results)
    assert judgement.passed, judgement.measured
    text = judgement.measured
    assert "L2 (width 5 for 5 true atoms): 3/3 seeds; final 0.95/0.93/0.97" in text
    assert "levelled: yes/yes/yes" in text and "initialisation 0.30/0.30/0.30" in text
    assert "dictionary-learning ceiling 0.990" in text and "dictionary-learning ceiling 0.980" in text
    assert "[version 1, not judged: whole atoms of level 3, final 0.50/0.50/0.50" in text
    assert judge_claims(_claim("E5.4"), results, "default")[0].verdict == claims.PASS
    assert e5_claims.judge_e5_4(_dictionary(GOOD, [_curve(0.95), _curve(0.92), _curve(0.5)])).passed  # 2/3 seeds


@pytest.mark.parametrize(
    "level2, level3, why",
    [
        ([_curve(0.95), _curve(0.89), _curve(0.5)], GOOD, "final 0.95/0.89/0.50"),  # 1/3 seeds ≥ 0.9
        ([_curve(0.95, rise=0.03), _curve(0.96, rise=0.02), GOOD[0]], GOOD, "levelled: no/no/yes"),  # still rising
        (GOOD, [_curve(0.85)] * 3, "L3 (width 6 for 6 true atoms): 0/3 seeds"),  # one level fine, the other not
        ([_curve(0.6)] * 3, GOOD, "L2 (width 5 for 5 true atoms): 0/3 seeds"),
    ],
)
def test_e5_4_fails_below_0_9_still_rising_or_one_level_short(level2, level3, why):
    results = _dictionary(level2, level3)
    judgement = e5_claims.judge_e5_4(results)
    assert not judgement.passed and why in judgement.measured, judgement.measured
    assert judge_claims(_claim("E5.4"), results, "default")[0].verdict == claims.FAIL
    assert judge_claims(_claim("E5.4"), results, "smoke")[0].verdict == claims.BUDGET


def test_e5_4_fails_too_few_evaluations_to_tell_a_levelled_curve():
    results = _dictionary(GOOD, GOOD)
    results["train"] = results["train"][results["train"]["step"] >= 300]  # 9 evaluations < 2 × 5
    judgement = e5_claims.judge_e5_4(results)
    assert not judgement.passed and "rise (median of the last 5 − of the 5 before) n/a/n/a/n/a" in judgement.measured


def test_e5_4_fails_a_diverged_seed_and_a_missing_level():
    results = _dictionary(GOOD, [_curve(0.95), _curve(0.95), _curve(0.5)])
    results["train"].loc[results["train"]["seed"] == 0, "diverged_step"] = 700  # counts as 0: 0/3 on level 3
    judgement = e5_claims.judge_e5_4(results)
    assert not judgement.passed and "L3 (width 6 for 6 true atoms): 1/3 seeds" in judgement.measured
    results = _dictionary(GOOD, GOOD)
    results["train"] = results["train"][~((results["train"]["kind"] == "band") & (results["train"]["level"] == 3))]
    judgement = e5_claims.judge_e5_4(results)
    assert not judgement.passed and "L3: not recorded" in judgement.measured


def test_e5_1_e5_2_e5_4_fail_when_the_synthetic_multi_run_is_missing():
    levels = {(k, lv): [[2, 0.9, 0.9, 0.9, 0.9, 0.9]] * 3 for k in ("level", "band") for lv in (1, 2, 3)}
    digits_only = {"train": _frame(levels, dataset="digits"), "floors": _floors()}
    assert not e5_claims.judge_e5_1(digits_only).passed
    judgement = e5_claims.judge_e5_2(digits_only)
    assert not judgement.passed and "fsr: not run" in judgement.measured
    single = _dictionary(GOOD, GOOD)
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
