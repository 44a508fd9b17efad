"""E1.1–E1.6 judged from the measured tables (criteria: docs/claims.md#e1).

`results` holds: hypergraphs (rows with exact correlation counts), certificates,
check (Keras vs reference mismatch rates), moments, discriminators (one row per target × size × cell).
"""

from __future__ import annotations

import pandas as pd

from gantheory.claims import Claim, Judgement

Z_DETECT, Z_NULL = 3.0, 3.5
ACCURACY_BAND = 0.01
STRONG_Z, STRONG_ACCURACY = 10.0, 0.6
W1_FACTOR = 10.0


def rows_with_role(results: dict, *roles: str) -> pd.DataFrame:
    table = results["hypergraphs"]
    return table[table["role"].isin(roles)]


def largest_size(disc: pd.DataFrame) -> tuple[int, int]:
    """The largest critic: widest, then deepest (depth: hidden ReLU layers)."""
    return int(disc["width"].max()), int(disc[disc["width"] == disc["width"].max()]["depth"].max())


def cells_named(results: dict, names) -> pd.DataFrame:
    """The discriminator rows (every target and size) of the named cells."""
    disc = results["discriminators"]
    return disc[disc["cell"].isin(list(names))]


def _size(r) -> str:
    return f"w{r.width}/d{r.depth}"


def judge_e1_1(results: dict) -> Judgement:
    """Version 2, sample by sample: every sample where the Keras network differs from the NumPy reference
    must have a seed coordinate inside the ramp (|z_i| < δ) or, on gauss, a magnitude beyond the gadget's
    cap; the mismatch rate is reported beside the analytic bound (a rate + 3·SE limit is lax when the
    expected count is below one)."""
    check = results["check"]
    criterion = (
        "zero unexplained mismatches: every sample whose output differs from the NumPy reference has a seed "
        "coordinate inside the ramp (|z_i| < δ) or a gauss magnitude beyond the cap, every row, target and δ; "
        "mismatch rate reported beside the analytic bound (≈ 0.8·n·δ)"
    )
    if check.empty:
        return Judgement("no generator check run", criterion, False)
    if "unexplained" not in check:
        return Judgement("unexplained mismatches not recorded (a version-1 check table)", criterion, False)
    ok = check["unexplained"] == 0
    by_delta = check.groupby("ramp_width").agg(rate=("mismatch_rate", "max"), bound=("bound", "max"))
    parts = [f"δ={d:g}: max rate {r.rate:.3g} (bound {r.bound:.3g})" for d, r in by_delta.iterrows()]
    worst = check.sort_values(["unexplained", "mismatches"], kind="stable").iloc[-1]
    return Judgement(
        f"{int(ok.sum())}/{len(ok)} (row, target, δ) checks without an unexplained mismatch "
        f"({int(check['unexplained'].sum())} unexplained of {int(check['mismatches'].sum())} mismatches in "
        f"{int(check['samples'].sum())} samples); "
        + "; ".join(parts)
        + f"; most: {worst['row']}/{worst['target']} δ={worst['ramp_width']:g}: {worst['mismatches']}/"
        f"{worst['samples']} mismatches, {worst['unexplained']} unexplained",
        criterion,
        bool(ok.all()),
    )


def judge_e1_2(results: dict) -> Judgement:
    clean = rows_with_role(results, "main", "enumeration")["row"]
    certs = results["certificates"]
    disc = cells_named(results, clean)
    if clean.empty or disc.empty:
        return Judgement("no clean rows run", f"certified W1 ≥ {W1_FACTOR:g}× largest critic IPM upper limit", False)
    parts, ok = [], []
    targets = list(dict.fromkeys(results["discriminators"]["target"]))
    for row, target in (
        (r, t) for r in clean for t in targets if disc[(disc["cell"] == r) & (disc["target"] == t)].empty
    ):
        ok.append(False)  # a clean row with no critic measured on a target is not judged far by default
        parts.append(f"{row}/{target}: no critic measured")
    for (row, target), group in disc.groupby(["cell", "target"], sort=False):
        certified = certs[(certs["row"] == row) & (certs["target"] == target)]
        if certified.empty:  # a clean row without its certificate is not far in W1 by default
            ok.append(False)
            parts.append(f"{row}/{target}: no certificate")
            continue
        c = certified.iloc[0]
        worst = group.sort_values("ipm_upper").iloc[-1]
        passed = c["certified_bound"] >= W1_FACTOR * worst["ipm_upper"]
        ok.append(passed)
        text = f"{row}/{target}: W1 ≥ {c['certified_bound']:.3g} (counting {c['counting_bound']:.3g})"
        if pd.notna(c.get("enumeration_mean")):
            text += f" (enumeration {c['enumeration_mean']:.3g} ± {c['enumeration_se']:.2g})"
        text += f" vs max (IPM+3SE)/p99 {worst['ipm_upper']:.3g} ({_size(worst)}), E‖x‖ {c['target_scale']:.3g}"
        parts.append(text)
    return Judgement(
        "; ".join(parts),
        f"certified W1 bound (the larger of the counting and, on gauss, the χ² union bound) ≥ {W1_FACTOR:g}× "
        "the largest critic IPM upper limit (IPM + 3·SE)/grad-norm p99, "
        "every clean row",
        bool(all(ok)),
    )


def judge_e1_3(results: dict) -> Judgement:
    clean = rows_with_role(results, "main", "enumeration")
    moments = results["moments"]
    moments = moments[moments["row"].isin(clean["row"])]
    if clean.empty:
        return Judgement("no clean rows run", "zero correlated pairs/triples; moments within Bonferroni", False)
    exact = int(clean["correlated_pairs"].sum()), int(clean["correlated_triples"].sum())
    within = moments["exceeding"] == 0
    # every clean row on every target that was run: a row left unmeasured is not a row within the threshold
    targets = set(results["moments"]["target"])
    if "discriminators" in results:
        targets |= set(results["discriminators"]["target"])
    measured = set(zip(moments["row"], moments["target"], strict=True))
    missing = sorted({(r, t) for r in clean["row"] for t in targets} - measured)
    parts = [
        f"{r.row}/{r.target}: max |z| mean {r.max_abs_z_mean:.2f}, second moment {r.max_abs_z_second_moment:.2f} "
        f"(threshold {r.threshold:.2f}, {r.tests} tests, N={r.samples})"
        for r in moments.itertuples()
    ]
    if missing:
        parts.append("moments not measured: " + ", ".join(f"{r}/{t}" for r, t in missing))
    return Judgement(
        f"exact: {exact[0]} correlated pairs, {exact[1]} triples over {len(clean)} clean rows; " + "; ".join(parts),
        "zero correlated pairs and triples (exact); every mean and covariance entry |z| ≤ Bonferroni threshold "
        "(α = 0.01)",
        bool(exact == (0, 0) and len(moments) > 0 and within.all() and not missing),
    )


def _null(results: dict) -> pd.DataFrame:
    disc = results["discriminators"]
    return disc[disc["cell"].str.startswith("null#")]


def weak_control(results: dict) -> pd.DataFrame:
    """The random-subset PRG rows of the main sizes as the largest critic sees them: the weak positive
    control that shows whether a budget gives the critics any power on a target (E1.4, E1.5)."""
    disc = results["discriminators"]
    if disc.empty:
        return disc
    main_n = set(rows_with_role(results, "main")["n"])
    random = rows_with_role(results, "random")
    weak = cells_named(results, random[random["n"].isin(main_n)]["row"])
    width, depth = largest_size(disc)
    return weak[(weak["width"] == width) & (weak["depth"] == depth)]


def control_power(results: dict) -> pd.Series:
    """(target, n) → the smallest z the largest critic gives a random-subset control row of that n there
    (over draws): E1.4 has demonstrated power where it is > 3. A missing control means no power."""
    weak = weak_control(results)
    if weak.empty:
        return pd.Series(dtype=float)
    n_of = results["hypergraphs"].set_index("row")["n"]
    return weak.assign(n=weak["cell"].map(n_of)).groupby(["target", "n"])["z"].min()


def _power_text(target: str, n_values, control: pd.Series) -> str:
    z = {n: control.get((target, n), float("nan")) for n in sorted(n_values)}
    seen = {n: v for n, v in z.items() if v > Z_DETECT}
    if len(seen) == len(z):
        return f"{target}: control detected (min z {min(z.values()):.1f})"
    if not seen:
        return f"{target}: no power (control min z " + ", ".join(f"n={n} {v:.1f}" for n, v in z.items()) + ")"
    missed = {n: v for n, v in z.items() if n not in seen}
    return (
        f"{target}: control detected for "
        + ", ".join(f"n={n} (z {v:.1f})" for n, v in seen.items())
        + ", not for "
        + ", ".join(f"n={n} (z {v:.1f}: not judged)" for n, v in missed.items())
    )


def judge_e1_4(results: dict) -> Judgement:
    """Critics fail on the clean PRG, judged per target and n only where the random-subset control of the
    same n is detected there (version 2): without that, "no critic tells them apart" says nothing."""
    criterion = (
        f"on every (target, n) whose random-subset control the largest critic detects (z > {Z_DETECT:g}): every "
        f"critic size has z = IPM/SE ≤ {Z_DETECT:g} and accuracy within 0.5 ± {ACCURACY_BAND}; null runs all "
        f"|z| ≤ {Z_NULL}; no (target, n) with a detected control: inconclusive (no power)"
    )
    main = rows_with_role(results, "main")
    disc, null = cells_named(results, main["row"]), _null(results)
    if disc.empty:
        return Judgement("no main clean rows run", criterion, False)
    disc = disc.assign(n=disc["cell"].map(main.set_index("row")["n"]))
    control = control_power(results)
    detected = control > Z_DETECT
    has_power = [bool(detected.get((t, n), False)) for t, n in zip(disc["target"], disc["n"], strict=True)]
    judged = disc[has_power]
    parts = [_power_text(t, g["n"].unique(), control) for t, g in disc.groupby("target", sort=False)]
    null_ok = null["z"].abs() <= Z_NULL
    null_text = (
        f"null: {len(null)} runs, |z| max {null['z'].abs().max():.2f}, mean z {null['z'].mean():.2f}, "
        f"sd {null['z'].std():.2f}"
    )
    if judged.empty:
        return Judgement("; ".join(parts) + f"; {null_text}", criterion, False, powered=False)
    scope = ", ".join(
        f"{t} (n={', '.join(map(str, sorted(g['n'].unique())))})" for t, g in judged.groupby("target", sort=False)
    )
    z_ok = judged["z"] <= Z_DETECT
    acc_ok = (judged["accuracy"] - 0.5).abs() <= ACCURACY_BAND
    worst_z, worst_acc = judged.loc[judged["z"].idxmax()], judged.loc[(judged["accuracy"] - 0.5).abs().idxmax()]
    text = (
        f"{'; '.join(parts)}; judged on {scope}: {int((z_ok & acc_ok).sum())}/{len(judged)} "
        f"(row, target, size) cells pass; max z {worst_z['z']:.2f} "
        f"({worst_z['cell']}/{worst_z['target']}/{_size(worst_z)}), accuracy farthest from 0.5: "
        f"{worst_acc['accuracy']:.4f} ({worst_acc['cell']}/{worst_acc['target']}/{_size(worst_acc)}); {null_text}"
    )
    return Judgement(text, criterion, bool(z_ok.all() and acc_ok.all() and len(null) > 0 and null_ok.all()))


def budget(results: dict) -> int | None:
    """The critics' training steps of the judged run (None where it recorded none)."""
    disc = results["discriminators"]
    return int(disc["steps"].iloc[0]) if "steps" in disc and len(disc) else None


def powered_from(results: dict) -> int | None:
    """The first power-curve step from which every random-subset control it tracks stays at z > Z_DETECT, on
    every target (None: never, or no curve)."""
    curve = results.get("power", pd.DataFrame())
    if curve.empty:
        return None
    random = set(rows_with_role(results, "random")["row"])
    weak = curve[curve["cell"].isin(random)]
    if weak.empty:
        return None
    lowest = weak.groupby("steps")["z"].min().sort_index()  # over targets and controls
    later_ok = (lowest > Z_DETECT)[::-1].cummin()[::-1]  # this step and every later one
    return int(later_ok[later_ok].index.min()) if later_ok.any() else None


def _curve_text(results: dict) -> str:
    curve, start = results.get("power", pd.DataFrame()), powered_from(results)
    if curve.empty:
        return "no power curve"
    grid = sorted(curve["steps"].unique())
    z_at = curve.groupby(["cell", "target"], sort=False).apply(
        lambda g: "/".join(f"{z:.1f}" for z in g.sort_values("steps")["z"]), include_groups=False
    )
    lines = "; ".join(f"{cell}/{target} {values}" for (cell, target), values in z_at.items())
    found = (
        f"controls at z > {Z_DETECT:g} from {start} steps on" if start else f"controls never all at z > {Z_DETECT:g}"
    )
    return f"power curve (z at {'/'.join(map(str, grid))} steps): {lines}; {found}; judged budget {budget(results)}"


def judge_e1_5(results: dict) -> Judgement:
    controls = rows_with_role(results, "control")["row"]
    disc = results["discriminators"]
    strong = cells_named(results, controls)
    strong_ok = (strong["z"] >= STRONG_Z) & (strong["accuracy"] >= STRONG_ACCURACY)
    parts = [
        f"{name}: min z {g['z'].min():.1f}, min accuracy {g['accuracy'].min():.3f}"
        for name, g in strong.groupby("cell", sort=False)
    ]
    weak_ok = []
    if not disc.empty:
        width, depth = largest_size(disc)
        weak = weak_control(results)
        weak_ok = list(weak["z"] > Z_DETECT)
        parts += [f"{r.cell}/{r.target} (w{width}/d{depth}): z {r.z:.1f}" for r in weak.itertuples()]
    start, steps = powered_from(results), budget(results)
    budget_ok = start is not None and steps is not None and steps >= start
    return Judgement(
        "; ".join(parts + [_curve_text(results)]) if parts else "no controls run",
        f"AND, copy, tiny seed: z ≥ {STRONG_Z:g} and accuracy ≥ {STRONG_ACCURACY} for every size and target; "
        f"random-subset PRG of the main sizes: z > {Z_DETECT:g} by the largest critic on both targets; the judged "
        f"budget at or past the power curve's first step from which every control stays at z > {Z_DETECT:g}",
        bool(len(strong) > 0 and strong_ok.all() and len(weak_ok) > 0 and all(weak_ok) and budget_ok),
    )


def detection_table(results: dict) -> pd.DataFrame:
    """E1.6's table: random vs clean rows, exact correlation counts, z (largest critic) and accuracy."""
    table = rows_with_role(results, "main", "enumeration", "random")
    disc = results["discriminators"]
    width, depth = largest_size(disc)
    largest = disc[(disc["width"] == width) & (disc["depth"] == depth)]
    out = table[["row", "builder", "n", "m", "correlated_pairs", "correlated_triples"]].copy()
    for target in largest["target"].unique():
        t = largest[largest["target"] == target].set_index("cell")
        out[f"z {target} (w{width}/d{depth})"] = out["row"].map(t["z"])
        out[f"accuracy {target}"] = out["row"].map(t["accuracy"])
    return out.sort_values(["n", "builder", "row"]).reset_index(drop=True)


def judge_e1_6(results: dict) -> Judgement:
    if results["discriminators"].empty or "cube" not in set(results["discriminators"]["target"]):
        return Judgement("cube target not run", "random with pairs detected, clean n=32 not", False)
    table = detection_table(results)
    z = next(c for c in table.columns if c.startswith("z cube"))
    random = table[(table["builder"] == "random") & (table["correlated_pairs"] > 0)]
    clean32 = table[(table["builder"] == "clean") & (table["n"] == 32)]
    parts = [
        f"{r['row']} ({r['correlated_pairs']} pairs, {r['correlated_triples']} triples): z {r[z]:.1f}"
        for _, r in pd.concat([random, clean32]).iterrows()
    ]
    passed = len(random) > 0 and len(clean32) > 0 and (random[z] > Z_DETECT).all() and (clean32[z] <= Z_DETECT).all()
    without = table[(table["builder"] == "random") & (table["correlated_pairs"] == 0)]
    if len(without):
        parts.append(
            "random rows without a correlated pair: "
            + ", ".join(f"{r['row']} z {r[z]:.1f}" for _, r in without.iterrows())
        )
    return Judgement(
        "; ".join(parts),
        f"cube, largest critic: every random-subset row with a correlated pair z > {Z_DETECT:g}; "
        f"every clean n = 32 row z ≤ {Z_DETECT:g}",
        bool(passed),
    )


CLAIMS = [
    Claim(
        "E1.1",
        "E1",
        "The Keras ReLU generator computes the PRG (every mismatch explained by the ramp or the cap)",
        "figures/e1_generator_check.md",
        judge_e1_1,
        budget_sensitive=False,
    ),
    Claim(
        "E1.2",
        "E1",
        "Far in W1: certified bound ≥ 10× the best critic's IPM upper limit",
        "figures/e1_w1_bound.pdf",
        judge_e1_2,
    ),
    Claim(
        "E1.3",
        "E1",
        "Low-order moments match: no correlated pair/triple; moments within Bonferroni",
        "figures/e1_moments.md",
        judge_e1_3,
    ),
    Claim(
        "E1.4",
        "E1",
        "Trained critics and classifiers fail on the clean PRG; null z behave like N(0,1)",
        "figures/e1_z_heatmap.pdf",
        judge_e1_4,
    ),
    Claim(
        "E1.5",
        "E1",
        "The tests have power: AND, copy, tiny seed and random-subset controls detected",
        "figures/e1_z_heatmap.pdf",
        judge_e1_5,
    ),
    Claim(
        "E1.6",
        "E1",
        "(finding) Expansion matters: random subsets with correlated pairs detected, clean n = 32 not",
        "figures/e1_detection.md",
        judge_e1_6,
    ),
]
