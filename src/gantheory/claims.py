"""Each claim is a function of measured results that returns (measured, criterion, passed).

Verdicts are never stored or hard-coded: they are recomputed from the tidy results every run.
In the `smoke` profile a failing budget-sensitive claim is labelled "budget too small" (the budgets
are tiny there), while exact checks still say FAIL;
a claim judged only at full scale (e.g. E4.6) is labelled so in every other profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd

from gantheory import io

PASS, FAIL, BUDGET = "PASS", "FAIL", "budget too small"
COLUMNS = ["claim_id", "experiment", "statement", "measured", "criterion", "verdict", "evidence"]


@dataclass(frozen=True)
class Judgement:
    measured: str
    criterion: str
    passed: bool


@dataclass(frozen=True)
class Claim:
    claim_id: str
    experiment: str
    statement: str
    evidence: str
    judge: Callable[[dict], Judgement]
    judged_in: tuple[str, ...] = field(default=("smoke", "default", "paper"))
    # False for exact checks that no budget excuses (e.g. E3.5): they say FAIL even in smoke.
    budget_sensitive: bool = True


@dataclass(frozen=True)
class ClaimRow:
    claim_id: str
    experiment: str
    statement: str
    measured: str
    criterion: str
    verdict: str
    evidence: str


def judge_claims(claims: list[Claim], results: dict, profile: str) -> list[ClaimRow]:
    rows = []
    for claim in claims:
        judgement = claim.judge(results)
        if profile not in claim.judged_in:
            verdict = BUDGET
        elif judgement.passed:
            verdict = PASS
        else:
            verdict = BUDGET if profile == "smoke" and claim.budget_sensitive else FAIL
        rows.append(
            ClaimRow(
                claim.claim_id,
                claim.experiment,
                claim.statement,
                judgement.measured,
                judgement.criterion,
                verdict,
                claim.evidence,
            )
        )
    return rows


def rows_frame(rows: list[ClaimRow]) -> pd.DataFrame:
    return pd.DataFrame([asdict(r) for r in rows], columns=COLUMNS)


def write_claims_table(frames: list[pd.DataFrame], md_path, csv_path, profile: str) -> pd.DataFrame:
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    table = table.sort_values("claim_id", key=lambda s: s.map(_claim_sort_key), kind="stable")
    io.write_csv(csv_path, table)
    counts = table["verdict"].value_counts()
    summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in (PASS, FAIL, BUDGET))
    lines = [
        "# Claims table",
        "",
        f"Profile `{profile}`: {summary}. Every verdict is recomputed from this run's measurements;",
        "criteria come from shared/CLAIMS.md and are never loosened to make a claim pass.",
        "",
        "| claim | statement | measured | criterion | verdict | evidence |",
        "|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        cells = [row.claim_id, row.statement, row.measured, row.criterion, f"**{row.verdict}**", row.evidence]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    io.write_text(md_path, "\n".join(lines) + "\n")
    return table


def _claim_sort_key(claim_id: str):
    exp, _, num = claim_id.partition(".")
    return (exp, int(num) if num.isdigit() else num)
