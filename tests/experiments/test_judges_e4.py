"""E4 judges fed synthetic tables: for each claim one input that must pass and one that must fail.

tests/experiments/test_e4.py and test_e4_saddle.py already test E4.1, E4.2, E4.4 and E4.5 both ways;
these add E4.3 both ways (it was only exercised, never asserted to pass or fail on a decreasing level),
E4.6 failing where it is judged, and the verdicts each profile turns those judgements into.
"""

import pandas as pd
import pytest

from gantheory import claims
from gantheory.claims import judge_claims
from gantheory.data.disturbances import DISTURBANCES as KINDS
from gantheory.experiments.e4 import claims as e4

DISTURBANCES = tuple(KINDS)  # gaussian noise, blur, black rectangles, salt and pepper, other class


def _claim(claim_id):
    return [c for c in e4.CLAIMS if c.claim_id == claim_id]


def _disturbances(values=None, datasets=("digits", "mnist")):
    """FD per image dataset, disturbance and level 1..4; `values` overrides one disturbance's four values."""
    values = values or {}
    rows = [
        {"check": "disturbance", "item": f"{dataset}: {name}", "level": level, "value": v}
        for dataset in datasets
        for name in DISTURBANCES
        for level, v in enumerate(values.get(name, [1.0, 2.0, 4.0, 8.0]), start=1)
    ]
    return pd.DataFrame(rows)


def test_e4_3_passes_fd_increasing_with_every_disturbance():
    judgement = e4.judge_e4_3({"fd_checks": _disturbances()})
    assert judgement.passed and "digits: blur 1.00" in judgement.measured
    assert judge_claims(_claim("E4.3"), {"fd_checks": _disturbances()}, "default")[0].verdict == claims.PASS


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")  # the flat case: ρ is nan
@pytest.mark.parametrize(
    "values",
    [
        {"blur": [1.0, 2.0, 1.5, 8.0]},  # one inversion: ρ = 0.8 < 1
        {"gaussian noise": [8.0, 4.0, 2.0, 1.0]},  # FD falls with the level
        {"other class": [1.0, 1.0, 1.0, 1.0]},  # flat: ρ undefined (nan), never a pass
        {"salt and pepper": [1.0, 4.0, 2.0, 3.0]},  # ρ = 0.4 < 0.8
    ],
    ids=["inversion", "decreasing", "flat", "salt and pepper below 0.8"],
)
def test_e4_3_fails_fd_not_growing_with_a_disturbance(values):
    checks = _disturbances(values)
    assert not e4.judge_e4_3({"fd_checks": checks}).passed
    assert judge_claims(_claim("E4.3"), {"fd_checks": checks}, "default")[0].verdict == claims.FAIL


def test_e4_3_allows_salt_and_pepper_one_inversion_only():
    checks = _disturbances({"salt and pepper": [1.0, 2.0, 1.5, 8.0]})  # ρ = 0.8: salt and pepper's own threshold
    assert e4.judge_e4_3({"fd_checks": checks}).passed


def test_e4_3_fails_with_no_disturbance_measured():
    assert not e4.judge_e4_3({"fd_checks": _disturbances().iloc[:0]}).passed


def test_e4_3_fails_when_an_image_dataset_was_not_measured():
    judgement = e4.judge_e4_3({"fd_checks": _disturbances(datasets=("digits",))})  # MNIST is judged as well
    assert not judgement.passed and "mnist: blur not measured" in judgement.measured


def test_e4_3_fails_when_one_disturbance_of_one_dataset_was_not_measured():
    both = _disturbances()
    judgement = e4.judge_e4_3({"fd_checks": both[both["item"] != "mnist: blur"]})
    assert not judgement.passed and "mnist: blur not measured" in judgement.measured


def _train(dataset, modes, hq):
    rows = []
    for seed, (m, h) in enumerate(zip(modes, hq, strict=True)):
        for metric, value in (("modes_covered", m), ("high_quality_rate", h)):
            rows.append(dict(dataset=dataset, variant="orig", seed=seed, metric=metric, value=value, step=10,
                             gradient_evaluations=60))  # fmt: skip
    return pd.DataFrame(rows)


def test_e4_6_fails_in_the_paper_profile_and_is_not_judged_elsewhere():
    few_modes = _train("25gaussians", [1, 3, 25], [0.9, 0.9, 0.9])
    judgement = e4.judge_e4_6({"train": few_modes})
    assert not judgement.passed and "modes 1, 3, 25 of 25" in judgement.measured
    assert judge_claims(_claim("E4.6"), {"train": few_modes}, "paper")[0].verdict == claims.FAIL
    for profile in ("smoke", "default"):
        assert judge_claims(_claim("E4.6"), {"train": few_modes}, profile)[0].verdict == claims.NOT_JUDGED
    low_quality = _train("25gaussians", [25, 25, 25], [0.9, 0.5, 0.6])  # modes all there, samples not on them
    assert not e4.judge_e4_6({"train": low_quality}).passed
    two_of_three = _train("25gaussians", [25, 20, 19], [0.9, 0.7, 0.9])  # ≥ 20 modes and ≥ 70% in 2/3 seeds
    assert judge_claims(_claim("E4.6"), {"train": two_of_three}, "paper")[0].verdict == claims.PASS


def test_e4_4_fails_at_the_thresholds_edges():
    assert e4.judge_e4_4({"train": _train("8gaussians", [7, 7, 7], [0.7, 0.7, 0.7])}).passed
    assert not e4.judge_e4_4({"train": _train("8gaussians", [6, 6, 8], [0.9, 0.9, 0.9])}).passed
    assert not e4.judge_e4_4({"train": _train("8gaussians", [8, 8, 8], [0.69, 0.69, 0.9])}).passed


def test_e4_1_fails_when_ttur_never_reaches_the_saddle():
    runs = pd.DataFrame(
        {"variant": ["ttur", "slow", "fast"], "reach_step": [-1, 400, -1], "tail_rms": [0.05, 0.01, 0.5]}
    )
    judgement = e4.judge_e4_1(runs)
    assert not judgement.passed and "ttur never" in judgement.measured


def test_e4_4_and_e4_6_fail_when_their_toy_was_not_run():
    other = _train("swissroll", [1], [0.9])
    judgement = e4.judge_e4_4({"train": other})
    assert not judgement.passed and judgement.measured == "8gaussians orig: not run"
    judgement = e4.judge_e4_6({"train": other})
    assert not judgement.passed and judgement.measured == "25gaussians orig: not run"
    assert judge_claims(_claim("E4.6"), {"train": other}, "paper")[0].verdict == claims.FAIL
    assert judge_claims(_claim("E4.6"), {"train": other}, "default")[0].verdict == claims.NOT_JUDGED
