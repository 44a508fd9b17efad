"""Each claim is a function of measured results that returns (measured, criterion, passed).

Verdicts are never stored or hard-coded: they are recomputed from the tidy results every run. The
vocabulary (docs/claims.md, "Verdicts"): PASS; FAIL; "not judged in this profile" (a claim judged
only at full scale, e.g. E4.6 outside `paper`); "inconclusive: no power" (the claim's own positive
control was not detected at the budget used, so a null result would mean nothing, e.g. E1.4); and
"budget too small", which only the `smoke` profile prints, for a failing budget-sensitive claim
(exact checks say FAIL there too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd

from gantheory import io

PASS, FAIL, BUDGET = "PASS", "FAIL", "budget too small"
NOT_JUDGED, NO_POWER = "not judged in this profile", "inconclusive: no power"
VERDICTS = (PASS, FAIL, NOT_JUDGED, NO_POWER, BUDGET)
CLAIMS_DOC = "docs/claims.md"
COLUMNS = ["claim_id", "experiment", "statement", "measured", "criterion", "verdict", "evidence"]


@dataclass(frozen=True)
class Judgement:
    measured: str
    criterion: str
    passed: bool
    # False when the claim's own positive control was not detected: the claim cannot be judged.
    powered: bool = True


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
        rows.append(_row(claim, judgement, _verdict(claim, judgement, profile)))
    return rows


def _verdict(claim: Claim, judgement: Judgement, profile: str) -> str:
    if profile not in claim.judged_in:
        return NOT_JUDGED
    budget_excuses = profile == "smoke" and claim.budget_sensitive
    if not judgement.powered:
        return BUDGET if budget_excuses else NO_POWER
    if judgement.passed:
        return PASS
    return BUDGET if budget_excuses else FAIL


def _row(claim: Claim, judgement: Judgement, verdict: str) -> ClaimRow:
    return ClaimRow(
        claim.claim_id,
        claim.experiment,
        claim.statement,
        judgement.measured,
        judgement.criterion,
        verdict,
        claim.evidence,
    )


def rows_frame(rows: list[ClaimRow]) -> pd.DataFrame:
    return pd.DataFrame([asdict(r) for r in rows], columns=COLUMNS)


def write_claims_table(frames: list[pd.DataFrame], md_path, csv_path, profile: str) -> pd.DataFrame:
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    table = table.sort_values("claim_id", key=lambda s: s.map(_claim_sort_key), kind="stable")
    io.write_csv(csv_path, table)
    counts = table["verdict"].value_counts()
    summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS if v != BUDGET or profile == "smoke")
    lines = [
        "# Claims table",
        "",
        f"Profile `{profile}`: {summary}. Every verdict is recomputed from this run's measurements;",
        f"criteria, what each verdict means and the change log are in `{CLAIMS_DOC}`; criteria are never",
        "loosened to make a claim pass.",
        "",
        *_tally_lines(table, profile),
        "",
        "| claim | statement | measured | criterion | verdict | evidence |",
        "|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        cells = [row.claim_id, row.statement, row.measured, row.criterion, f"**{row.verdict}**", row.evidence]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    io.write_text(md_path, "\n".join(lines) + "\n")
    return table


def merge_claim_files(inputs: list, md, csv, profile: str) -> pd.DataFrame:
    """The `claims-table` step: every experiment's claims CSV → figures/claims.md and claims.csv."""
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in inputs]
    return write_claims_table(frames, md, csv, profile)


def tally(table: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Verdict counts per experiment (rows) and verdict (columns, in vocabulary order)."""
    shown = [v for v in VERDICTS if v != BUDGET or profile == "smoke"]
    counts = pd.crosstab(table["experiment"], table["verdict"]).reindex(columns=shown, fill_value=0)
    return counts.astype(int)


def _tally_lines(table: pd.DataFrame, profile: str) -> list[str]:
    counts = tally(table, profile) if len(table) else pd.DataFrame()
    if counts.empty:
        return []
    lines = ["| experiment | " + " | ".join(counts.columns) + " | claims |", "|---" * (len(counts.columns) + 2) + "|"]
    for experiment, row in counts.iterrows():
        lines.append(f"| {experiment} | " + " | ".join(str(n) for n in row) + f" | {row.sum()} |")
    return lines


def _claim_sort_key(claim_id: str):
    exp, _, num = claim_id.partition(".")
    return (exp, int(num) if num.isdigit() else num)
